"""PanelView: everything the panel shows for one open message, built once and rendered for each
client (HTML for Outlook and the demo, card JSON for Gmail).

The message is observed first (what the pane sent is client-supplied evidence), then the
person it is about gets a profile: the sender of a message received, the first external
recipient of one the user sent. Other external participants are listed with what is known of
them. The tone hint uses the profile (the primary address for formal matters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.address_rows import known_canonicals
from mailmatrix.customers.db import Database
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.message_read import Seen, read_message
from mailmatrix.customers.observe import observe
from mailmatrix.customers.profile import Profile, profile
from mailmatrix.mail_dates import utc_offset_minutes
from mailmatrix.panel.catalog import ui_language
from mailmatrix.plain_data import as_plain
from mailmatrix.tone.cautions import LOCAL_TIME, Caution, local_time_caution
from mailmatrix.tone.hint import MessageForTone, ToneHint, tone_hint

MAX_OTHERS = 5  # other participants shown; a mailing list's hundred are not the point
SUSPICIOUS = ("lookalike", "dmarc", "bank-details", "display-name")  # warning kinds


@dataclass(frozen=True)
class Participant:
    address: str
    name: str
    role: str  # from | to | cc | reply-to
    known: bool
    kind: str | None


@dataclass(frozen=True)
class FollowUp:
    """Who owes the next message: "them" (you wrote last) or "you" (they wrote last)."""

    waiting_for: str
    days: int
    matter: str | None = None  # the formal matter of your last message ("quote")


@dataclass(frozen=True)
class PanelView:
    language: str  # the UI's (catalog) language
    direction: str  # in: a message received; out: one the user sent
    subject: Profile | None  # the person the message is about
    others: tuple[Participant, ...] = ()
    tone: ToneHint | None = None
    days_since: dict[str, int | None] = field(default_factory=dict)  # "in"/"out" -> days
    follow_up: FollowUp | None = None
    local_time: Caution | None = None  # their clock now, when their zone is known
    suspicious: bool = False  # never offer to reply: verify by phone
    draft: bool = False  # the user is writing this message (compose mode)
    notes: tuple[str, ...] = ()  # catalog keys of states, e.g. "state.stored_only"

    def as_dict(self) -> dict[str, object]:
        return as_plain(self)


def build_panel(database: Database, principal: Principal, facts: MessageFacts, *,
                body: str = "", client_language: str | None = None, draft: bool = False,
                now: datetime | None = None, notes: tuple[str, ...] = ()) -> PanelView:
    """``draft``: a message being written (compose mode): not observed (it is not sent, and
    changes with every keystroke); it is about its first external recipient."""
    moment = now or datetime.now(UTC)
    direction = "out" if draft else observe(database, principal, facts, now=moment).direction
    read = read_message(facts)
    own = principal.email.lower()
    external = [item for item in read.seen if item.canonical and item.canonical != own]
    if direction == "in":
        about = next((item for item in external if item.role == "from"), None)
    else:
        about = next((item for item in external if item.role in ("to", "cc")), None)
    subject = profile(database, principal, about.parsed.addr_spec) if about else None
    rest = [item for item in external
            if about is None or item.canonical != about.canonical][:MAX_OTHERS]
    others = _participants(database, principal, rest)
    # A draft's body is the user's words above the quoted thread: its tone is theirs to find
    # from the thread, and the greeting is for the recipient.
    tone = _tone(about, facts, body, subject, principal, moment, draft) \
        if about and (body.strip() or draft) else None
    days = _days_since(subject, moment)
    return PanelView(
        language=ui_language(client_language or principal.locale),
        direction=direction, subject=subject, others=others, tone=tone,
        days_since=days, follow_up=_follow_up(subject, days),
        local_time=_local_time(subject, tone, moment),
        suspicious=bool(subject and is_suspicious(subject)),
        draft=draft, notes=notes)


def is_suspicious(found: Profile) -> bool:
    """An address whose messages may be a fraud: never offer to reply, verify by phone."""
    return any(warning.kind in SUSPICIOUS for warning in found.warnings)


def _participants(database: Database, principal: Principal, seen: list[Seen]
                  ) -> tuple[Participant, ...]:
    """The other participants: whether each is known (one query for all of them, not a
    profile each) and what kind of address it is (already classified when read)."""
    if not seen:
        return ()
    with database.reading(principal.tenant_id) as session:
        known = known_canonicals(session, principal.tenant_id,
                                 [item.canonical for item in seen])
    return tuple(Participant(address=item.parsed.addr_spec, name=item.display_name,
                             role=item.role, known=item.canonical in known,
                             kind=item.report.kind or "") for item in seen)


def _tone(about: Seen, facts: MessageFacts, body: str, subject: Profile | None,
          principal: Principal, now: datetime, draft: bool) -> ToneHint:
    """How to write to ``about``: from their message (read mode) or, for a draft, from the
    quoted thread below the user's words and what is known of them."""
    person = subject.person if subject else None
    name = about.display_name or str((person or {}).get("name") or "")
    primary = (subject.primary or {}).get("address") if subject else None
    offset = utc_offset_minutes(facts.date) if not draft else \
        (subject.their_utc_offset_minutes if subject else None)
    return tone_hint(MessageForTone(
        body=body, subject=facts.subject, from_name=name, utc_offset_minutes=offset,
        sender_kind=about.report.kind, sender_provider=about.report.provider,
        sender_country=about.report.region,
        primary_address=primary or None, ui_locale=principal.locale), now=now)


def _follow_up(subject: Profile | None, days: dict[str, int | None]) -> FollowUp | None:
    """Who wrote last, once a day or more has passed (the same day nobody is waiting yet)."""
    if subject is None:
        return None
    came, went = subject.last_exchange.get("in"), subject.last_exchange.get("out")
    if went and (not came or went > came) and (days["out"] or 0) >= 1:
        matters = subject.last_out_matters
        return FollowUp("them", days["out"] or 0, matters[0] if matters else None)
    if came and (not went or came > went) and (days["in"] or 0) >= 1:
        return FollowUp("you", days["in"] or 0)
    return None


def _local_time(subject: Profile | None, tone: ToneHint | None, now: datetime
                ) -> Caution | None:
    told = next((item for item in tone.cautions if item.kind == LOCAL_TIME), None) \
        if tone else None
    if told or subject is None:
        return told
    return local_time_caution(now, subject.their_utc_offset_minutes,
                              str(subject.classification.get("region") or "") or None)


def _days_since(subject: Profile | None, now: datetime) -> dict[str, int | None]:
    days: dict[str, int | None] = {"in": None, "out": None}
    for direction, moment in ((subject.last_exchange if subject else {}) or {}).items():
        if moment:
            days[direction] = max(0, (now - datetime.fromisoformat(moment)).days)
    return days
