"""The panel as a Gmail add-on card (Card v1 JSON): the same content as the Outlook pane, in the
widgets Gmail add-ons render, within Google's limits.

Everything from an email or a user is escaped (``textParagraph`` and ``decoratedText`` read a
small HTML subset); the words come from the catalog through ``Wording``. Buttons are made by
the caller's ``ActionMaker``: the card says which handler and which values, the web layer
signs them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from mailmatrix.addresses.display_names import visible_text
from mailmatrix.customers.profile import Profile
from mailmatrix.mailboxes.backfill import Progress, is_active
from mailmatrix.panel.view import PanelView, is_suspicious
from mailmatrix.panel.wording import Wording

Widget = dict[str, Any]
Section = dict[str, Any]
# handler name, its values -> the onClick "action" object of a button
ActionMaker = Callable[..., dict[str, Any]]

MAX_SECTIONS, MAX_WIDGETS = 100, 100  # Google's limits per card and per section
MAX_ADDRESSES = 30  # two widgets each at most: well inside a section's hundred
MAX_NOTES = 20
# The widgets a Gmail add-on card may use here (the chat.v1 schema also describes Chat-only
# ones such as carousel and chipList).
ALLOWED_WIDGETS = frozenset({"textParagraph", "decoratedText", "buttonList", "textInput",
                             "selectionInput", "divider"})


def panel_card(view: PanelView, act: ActionMaker) -> dict[str, Any]:
    t = Wording(view.language)
    subject = view.subject
    sections = [_who(view, t)]
    if subject and subject.warnings:
        sections.append(_warnings(view, t))
    if subject and subject.known:
        sections.append(_addresses(view, subject, t, act))
    if subject and subject.company and subject.company.get("formal_channels"):
        sections.append(_formal_channels(subject, t))
    if subject and subject.suggestions:
        sections.append(_suggestions(view, subject, t, act))
    editable = bool(subject and subject.person and not subject.restricted)
    if editable and not view.suspicious:
        sections.append(_link_search(subject, t, act))  # type: ignore[arg-type]
    if editable:
        sections.append(_notes(subject, t, act))  # type: ignore[arg-type]
    if view.tone and not view.suspicious:
        sections.append(_tone(view, t, act))
    if view.others:
        sections.append(_others(view, t))
    if view.notes:  # what could not be read in time: a card is not updated later, so Refresh
        sections.append({"widgets": [*(_paragraph(_escape(t(note))) for note in view.notes),
                                     _refresh(t, act)]})
    return _card(t("panel.title"), sections)


def home_card(language: str, consent_link: str | None = None,
              backfill: Progress | None = None, run_again: dict[str, Any] | None = None
              ) -> dict[str, Any]:
    """Gmail's homepage (no message open), with "learn from my mailbox": how far a run got,
    and Start: the link to Google's consent screen (None: not set up here), or, once the user
    gave a grant, ``run_again`` (an action that starts a run with it, no consent again)."""
    t = Wording(language)
    learning: list[Widget] = [_paragraph(_escape(t("backfill.explain")))]
    if backfill is not None:
        learning.append(_paragraph(f"<b>{_escape(t.backfill(backfill))}</b>"))
    if consent_link and not is_active(backfill):
        start = {"action": run_again} if run_again else {"openLink": {"url": consent_link}}
        learning.append({"buttonList": {"buttons": [{
            "text": visible_text(t("backfill.start")), "onClick": start}]}})
    sections = [{"widgets": [_paragraph(_escape(t("state.open_a_message")))]}]
    if consent_link or backfill is not None:
        sections.append({"header": _escape(t("backfill.title")), "widgets": learning})
    return _card(t("panel.title"), sections)


def state_card(language: str, key: str, act: ActionMaker) -> dict[str, Any]:
    """A state instead of a panel (the message could not be read), with Refresh."""
    t = Wording(language)
    return _card(t("panel.title"), [{"widgets": [_paragraph(_escape(t(key))), _refresh(t, act)]}])


def search_results_card(language: str, matches: list[Any], address: str, act: ActionMaker
                        ) -> dict[str, Any]:
    """Persons found for "same person as…": one button each links the sender to them."""
    t = Wording(language)
    widgets: list[Widget] = []
    for match in matches:
        widgets.append({"decoratedText": {
            "topLabel": _escape(match.company or ""), "text": f"<b>{_escape(match.name)}</b>",
            "bottomLabel": _escape(", ".join(match.addresses)), "wrapText": True,
            # button labels are plain text: the name stays in the escaped text above it
            "button": _button(t("action.confirm"),
                              act("confirm", address=address, person=match.id))}})
    if not widgets:
        widgets.append(_paragraph(_escape(t("search.none"))))
    return _card(t("action.link_to"), [{"widgets": widgets}])


def compose_card(language: str, recipients: list[tuple[str, Profile]], greeting: str | None,
                 act: ActionMaker) -> dict[str, Any]:
    """While writing: for each recipient, whether a better address for formal matters exists
    (swap it in on request), and the greeting to insert at the cursor."""
    t = Wording(language)
    widgets: list[Widget] = []
    for address, found in recipients[:MAX_ADDRESSES]:
        primary = (found.primary or {}).get("address")
        better = primary and primary.lower() != address.lower() and not is_suspicious(found)
        kind = str(found.classification.get("kind") or "")
        widgets.append({"decoratedText": {
            "topLabel": _escape(t(f"kind.{kind}") if kind else ""),
            "text": _escape(address), "wrapText": True,
            "bottomLabel": _escape(t("sender.primary", address=primary)) if better else "",
            **({"button": _button(t("action.use_primary_only"),
                                  act("swap", current=address, primary=primary))}
               if better else {})}})
        widgets += [_paragraph(f"<b>{_escape(t('warning.severity_high'))}:</b> "
                               f"{_escape(t.warning(w))}") for w in found.warnings]
    sections: list[Section] = [{"header": _escape(t("section.recipients")),
                                "widgets": widgets or [_paragraph(_escape(t("sender.unknown")))]}]
    if greeting:
        sections.append({"header": _escape(t("section.tone")), "widgets": [
            _paragraph(_escape(t("tone.greeting", greeting=greeting))),
            {"buttonList": {"buttons": [_button(t("action.insert_greeting"),
                                                act("greeting", text=greeting))]}}]})
    return _card(t("panel.title"), sections)


# -- sections ---------------------------------------------------------------------------------

def _who(view: PanelView, t: Wording) -> Section:
    subject = view.subject
    heading = t("section.recipient" if view.direction == "out" else "section.sender")
    widgets: list[Widget] = []
    if subject is None or not subject.known:
        widgets.append(_paragraph(f"<b>{_escape(t('sender.unknown'))}</b>"))
        if subject:
            widgets.append(_paragraph(_escape(subject.query)))
    else:
        person, company = subject.person or {}, subject.company or {}
        credible = not view.suspicious  # no customer facts that lend an imitation credibility
        kind = person.get("customer_type") if credible else None
        widgets.append({"decoratedText": {
            "topLabel": _escape(str(company.get("name") or "")),
            "text": f"<b>{_escape(str(person.get('name') or subject.query))}</b>",
            "bottomLabel": _escape(t("sender.customer_type", type=t(f"type.{kind}"))
                                   if kind else ""), "wrapText": True}})
        if person.get("owner"):
            widgets.append(_paragraph(_escape(t("sender.owner", owner=person["owner"]))))
        if subject.restricted:
            widgets.append(_paragraph(_escape(t("sender.restricted"))))
        if subject.primary and credible:
            widgets.append(_paragraph(
                _escape(t("sender.primary", address=subject.primary["address"])) + "<br>" +
                _escape(t("sender.primary_reason", reason=t.primary_reason(subject.primary)))))
    if view.follow_up and not view.suspicious:
        widgets.append(_paragraph(_escape(t.follow_up(view.follow_up))))
    if view.local_time and not view.suspicious:
        later = t.off_hours(view.local_time)
        widgets.append(_paragraph(_escape(t.local_time(view.local_time) +
                                          (f" {later}" if later else ""))))
    return {"header": _escape(heading), "widgets": widgets}


def _warnings(view: PanelView, t: Wording) -> Section:
    subject = view.subject
    assert subject is not None
    widgets = [_paragraph(f"<b>{_escape(t('warning.severity_' + warning.severity))}:</b> "
                          f"{_escape(t.warning(warning))}") for warning in subject.warnings]
    if view.suspicious:
        widgets.append(_paragraph(f"<b>{_escape(t('action.verify_by_phone'))}</b>"))
    return {"header": _escape(t("section.warnings")), "widgets": widgets}


def _addresses(view: PanelView, subject: Profile, t: Wording, act: ActionMaker) -> Section:
    person = {} if subject.restricted else (subject.person or {})
    widgets: list[Widget] = []
    several = len(subject.addresses) > 1
    for address in subject.addresses[:MAX_ADDRESSES]:
        facts = [t(f"kind.{address.kind}"), address.provider or "",
                 t("address.hosted", hosting=address.hosting) if address.hosting else "",
                 *(f"+{tag}" for tag in address.tags)]
        below = [address.label or "",
                 t("address.seen", first=t.date(address.first_seen),
                   last=t.date(address.last_seen)) if address.first_seen else ""]
        star = f" ★ {_escape(t('address.primary'))}" \
            if address.primary and not view.suspicious else ""
        text: Widget = {"topLabel": _escape(" · ".join(item for item in facts if item)),
                        "text": f"<b>{_escape(address.address)}</b>{star}",
                        "bottomLabel": _escape(" · ".join(item for item in below if item)),
                        "wrapText": True}
        buttons = []
        if person and not address.primary and address.kind != "role" and not view.suspicious:
            buttons.append(_button(t("action.pin_primary"),
                                   act("pin", address=address.address, person=person["id"])))
        if person and address.primary and (subject.primary or {}).get("pinned"):
            buttons.append(_button(t("action.unpin_primary"), act("unpin", person=person["id"])))
        if person and several:
            buttons.append(_button(t("action.unlink"),
                                   act("unlink", address=address.canonical, person=person["id"])))
        widgets.append({"decoratedText": text})
        if buttons:
            widgets.append({"buttonList": {"buttons": buttons}})
    return {"header": _escape(t("section.addresses")), "widgets": widgets}


def _formal_channels(subject: Profile, t: Wording) -> Section:
    channels = sorted(dict((subject.company or {}).get("formal_channels") or {}).items())
    return {"header": _escape(t("section.formal_channels")), "widgets": [
        {"decoratedText": {"topLabel": _escape(t.matter(matter)), "text": _escape(address),
                           "wrapText": True}} for matter, address in channels[:MAX_ADDRESSES]]}


def _suggestions(view: PanelView, subject: Profile, t: Wording, act: ActionMaker) -> Section:
    widgets: list[Widget] = []
    for item in subject.suggestions[:MAX_ADDRESSES]:
        values = {"address": str(item["address"]), "person": int(item["person_id"])}
        widgets.append(_paragraph(f"<b>{_escape(str(item['address']))}</b>: "
                                  f"{_escape('; '.join(item['reasons']))}"))
        buttons = [] if view.suspicious else [_button(t("action.confirm"),
                                                      act("confirm", **values))]
        buttons.append(_button(t("action.reject"), act("reject", **values)))
        widgets.append({"buttonList": {"buttons": buttons}})
    return {"header": _escape(t("section.suggestions")), "widgets": widgets}


def _link_search(subject: Profile, t: Wording, act: ActionMaker) -> Section:
    return {"header": _escape(t("section.link")), "collapsible": True,
            "uncollapsibleWidgetsCount": 0, "widgets": [
                {"textInput": {"name": "q", "label": _escape(t("search.label"))}},
                {"buttonList": {"buttons": [_button(t("action.search"),
                                                    act("search", address=subject.query))]}}]}


def _notes(subject: Profile, t: Wording, act: ActionMaker) -> Section:
    person = subject.person or {}
    widgets: list[Widget] = []
    for note in subject.notes[:MAX_NOTES]:
        by = t("note.by", author=note.author, date=t.date(note.created_at))
        widgets.append({"decoratedText": {
            "text": _escape(note.text).replace("\n", "<br>"), "wrapText": True,
            "bottomLabel": _escape(f"{by} · {t('note.' + note.visibility)}"),
            **({"button": _button(t("action.delete_note"), act("delete-note", note=note.id))}
               if note.mine else {})}})
    widgets += [
        {"textInput": {"name": "note", "label": _escape(t("note.label")),
                       "type": "MULTIPLE_LINE"}},
        {"selectionInput": {"name": "visibility", "label": _escape(t("note.visibility")),
                            "type": "DROPDOWN", "items": [
                                {"text": t("note.team"), "value": "team", "selected": True},
                                {"text": t("note.private"), "value": "private",
                                 "selected": False}]}},
        {"buttonList": {"buttons": [_button(t("action.add_note"),
                                            act("note", person=person["id"]))]}}]
    return {"header": _escape(t("section.notes")), "widgets": widgets}


def _tone(view: PanelView, t: Wording, act: ActionMaker) -> Section:
    tone = view.tone
    assert tone is not None
    widgets = [_paragraph(f"<b>{_escape(t('tone.' + tone.register))}</b>"),
               _paragraph(_escape(t("tone.greeting", greeting=tone.greeting)) + "<br>" +
                          _escape(t("tone.sign_off", sign_off=tone.sign_off)))]
    words = tone.quoted_words()
    if words:
        widgets.append(_paragraph(_escape(t("tone.cues")) + ": " +
                                  ", ".join(f"“{_escape(word)}”" for word in words)))
    widgets += [_paragraph(_escape(t.caution(caution))) for caution in tone.cautions
                if caution.kind != "local-time"]
    if not view.draft and view.subject and view.subject.known:
        widgets.append({"buttonList": {"buttons": [
            _button(t("action.reply_formally"), act("reply", greeting=tone.greeting))]}})
    return {"header": _escape(t("section.tone")), "widgets": widgets}


def _others(view: PanelView, t: Wording) -> Section:
    return {"header": _escape(t("section.participants")), "widgets": [
        {"decoratedText": {"topLabel": _escape(t(f"kind.{other.kind}") if other.kind else ""),
                           "text": _escape(f"{other.name} <{other.address}>" if other.name
                                           else other.address), "wrapText": True}}
        for other in view.others]}


# -- widgets ----------------------------------------------------------------------------------

def _card(title: str, sections: list[Section]) -> dict[str, Any]:
    kept = [_within_limits(section) for section in sections if section.get("widgets")]
    return {"header": {"title": title}, "sections": kept[:MAX_SECTIONS]}


def _within_limits(section: Section) -> Section:
    return {**section, "widgets": section["widgets"][:MAX_WIDGETS]}


def _paragraph(markup: str) -> Widget:
    return {"textParagraph": {"text": markup}}


def _refresh(t: Wording, act: ActionMaker) -> Widget:
    return {"buttonList": {"buttons": [_button(t("action.refresh"), act("refresh"))]}}


def _button(label: str, action: dict[str, Any]) -> dict[str, Any]:
    return {"text": visible_text(label), "onClick": {"action": action}}


def _escape(text: str) -> str:
    """Mail-borne text as card text: no markup, no characters that reorder or hide text."""
    return html.escape(visible_text(text), quote=False)
