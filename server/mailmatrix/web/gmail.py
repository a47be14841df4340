"""The Gmail add-on's HTTP endpoints: the homepage, the open message, the draft being written,
and one endpoint for every button. Thin: verify the caller, read the event, call services,
answer with a card or a draft update.

Configured with ``GOOGLE_CLIENT_ID`` (the add-on's OAuth client), ``GOOGLE_SERVICE_ACCOUNT``
(the add-on's service account, as ``gcloud workspace-add-ons get-authorization`` shows it) and
``PUBLIC_BASE_URL`` (https://host: the system ID token's audience is built from it, never from
the request, which a proxy may have rewritten).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from mailmatrix.addresses.classify import classify_address
from mailmatrix.addresses.display_names import visible_text
from mailmatrix.auth.callers import cached_principal
from mailmatrix.auth.entra import TokenRejected
from mailmatrix.auth.google import (
    GoogleSettings,
    GoogleUser,
    google_keys,
    principal_for_google,
    verify_system_token,
    verify_user_token,
)
from mailmatrix.auth.principal import Principal
from mailmatrix.auth.rate_limits import check_rate
from mailmatrix.customers.db import database_of
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.observe import observe_many
from mailmatrix.customers.people_search import search_people
from mailmatrix.customers.profile import profile
from mailmatrix.mailboxes.backfill import backfill_progress
from mailmatrix.mailboxes.gmail import GmailClient, GmailError
from mailmatrix.mailboxes.grants import GrantsUnavailable, has_grant
from mailmatrix.mailboxes.setup import GMAIL
from mailmatrix.panel.actions import ACTIONS, DecisionError, apply_action
from mailmatrix.panel.cards import (
    compose_card,
    home_card,
    panel_card,
    search_results_card,
    state_card,
)
from mailmatrix.panel.catalog import ui_language
from mailmatrix.panel.view import build_panel
from mailmatrix.web.backfill import consent_link, start_google_run
from mailmatrix.web.gmail_actions import ActionSigner, ForgedAction
from mailmatrix.web.gmail_event import (
    COMPOSE,
    MAILBOX_READONLY,
    METADATA,
    READONLY_MESSAGE,
    BadEvent,
    GmailEvent,
    read_event,
)

bp = Blueprint("gmail", __name__, url_prefix="/gmail")
GOOGLE_KEYS = "mailmatrix.google_keys"
HISTORY_BUDGET = 1.5  # seconds for past correspondence: Gmail cannot update a card later
_LOCK = threading.Lock()


def init_app(app: Flask) -> None:
    app.extensions[GOOGLE_KEYS] = google_keys()
    app.extensions[GMAIL] = _LazyGmail()


@dataclass(frozen=True)
class _Call:
    event: GmailEvent
    principal: Principal
    language: str

    def act(self, handler: str, **values: Any) -> dict[str, Any]:
        """A button's onClick action: our action endpoint with the signed handler + values."""
        signed = _signer().sign(str(self.principal.user_id), handler, values)
        return {"function": _public_url("/gmail/action"),
                "parameters": [{"key": "p", "value": signed}]}


# -- endpoints --------------------------------------------------------------------------------

@bp.post("/homepage")
def homepage() -> Response:
    call = _verified_call()
    return _push(_home_card(call))


@bp.post("/message")
def message() -> Response:
    call = _verified_call()
    return _push(_message_card(call))


@bp.post("/compose")
def compose() -> Response:
    call = _verified_call()
    return _push(_compose_card(call))


@bp.post("/action")
def action() -> Response:
    call = _verified_call()
    try:
        signed = _signer().read(str(call.principal.user_id), call.event.parameters.get("p", ""))
    except ForgedAction as refused:
        return _notify(str(refused))
    values, handler = signed.values, signed.handler
    if handler in ACTIONS:
        if handler == "note":  # what the user typed, from the card's form
            values = {**values, "text": call.event.inputs.get("note", ""),
                      "visibility": call.event.inputs.get("visibility", "team")}
        try:
            apply_action(database_of(current_app), call.principal, handler, values)
        except (DecisionError, ValueError, TypeError) as error:
            return _notify(str(error))
        return _update(_message_card(call))
    return _OTHER_HANDLERS[handler](call, values)


@bp.errorhandler(TokenRejected)
def rejected(error: TokenRejected) -> tuple[Response, int]:
    # Never echo tokens or the event: only our own reason.
    return jsonify(error=error.code, message=error.message), error.status


@bp.errorhandler(BadEvent)
def bad_event(error: BadEvent) -> tuple[Response, int]:
    return jsonify(error="bad_request", message=str(error)), 400


# -- cards ------------------------------------------------------------------------------------

def _home_card(call: _Call) -> dict[str, Any]:
    database, link = database_of(current_app), consent_link(call.principal)
    progress = backfill_progress(database, call.principal, "google")
    # A grant that failed (revoked, expired) is connected again through Google's consent
    usable = link is not None and (progress is None or progress.state != "failed") and \
        has_grant(database, call.principal, "google")
    return home_card(call.language, link, progress,
                     run_again=call.act("backfill") if usable else None)


def _message_card(call: _Call) -> dict[str, Any]:
    event = call.event
    if not event.message_id or not event.message_token:
        return _home_card(call)
    if not (event.granted(METADATA) or event.granted(READONLY_MESSAGE)):
        raise _ScopesNeeded((READONLY_MESSAGE,))
    gmail = current_app.extensions[GMAIL].client
    notes: tuple[str, ...] = ()
    try:
        facts, _ = gmail.open_message(event.user_token, event.message_token, event.message_id,
                                      with_body=event.granted(READONLY_MESSAGE))
    except GmailError:
        return state_card(call.language, "state.error", call.act)
    if event.granted(MAILBOX_READONLY) and facts.from_:
        notes = _learn_history(call, gmail, facts)
    view = build_panel(database_of(current_app), call.principal, facts, body=facts.body or "",
                       client_language=call.language, notes=notes)
    primary = (view.subject.primary or {}).get("address") if view.subject else None

    def act(handler: str, **values: Any) -> dict[str, Any]:
        if handler == "reply":  # what the draft needs, signed so a click cannot change it
            values |= {"to": primary or (view.subject.query if view.subject else ""),
                       "subject": facts.subject, "message_id": facts.message_id,
                       "references": facts.references}
        return call.act(handler, **values)

    return panel_card(view, act)


def _learn_history(call: _Call, gmail: GmailClient, facts: MessageFacts) -> tuple[str, ...]:
    sender = classify_address(facts.from_)
    if not sender.valid:
        return ()
    try:
        history, complete = gmail.correspondence(call.event.user_token, sender.canonical or "",
                                                 budget_seconds=HISTORY_BUDGET)
    except GmailError:
        return ("state.stored_only",)
    if history:
        observe_many(database_of(current_app), call.principal, history)
    return () if complete else ("state.history_partial",)


def _compose_card(call: _Call) -> dict[str, Any]:
    own = classify_address(call.principal.email).canonical
    reports = [classify_address(parseaddr(item)[1]) for item in call.event.to_recipients]
    recipients = [report.input for report in reports
                  if report.valid and report.canonical != own]
    database = database_of(current_app)
    found = [(item, profile(database, call.principal, item)) for item in recipients]
    greeting = None
    if recipients:
        draft = MessageFacts(from_=call.principal.email, to=", ".join(recipients))
        view = build_panel(database, call.principal, draft, client_language=call.language,
                           draft=True)
        greeting = view.tone.greeting if view.tone and not view.suspicious else None
    return compose_card(call.language, found, greeting, call.act)


# -- handlers that are not decisions -----------------------------------------------------------

def _search(call: _Call, values: dict[str, Any]) -> Response:
    query = call.event.inputs.get("q", "")
    address = str(values.get("address") or "")
    matches = list(search_people(database_of(current_app), call.principal, query))
    return _push_action(search_results_card(call.language, matches, address, call.act))


def _reply(call: _Call, values: dict[str, Any]) -> Response:
    event = call.event
    if not event.granted(COMPOSE):
        raise _ScopesNeeded((COMPOSE,))
    greeting = str(values.get("greeting") or "")
    try:
        draft_id, thread_id = current_app.extensions[GMAIL].client.create_reply_draft(
            event.user_token, event.message_token, thread_id=event.thread_id,
            to=str(values.get("to") or ""), subject=str(values.get("subject") or ""),
            body=f"{greeting}\n\n", in_reply_to=str(values.get("message_id") or ""),
            references=str(values.get("references") or ""))
    except GmailError as error:
        return _notify(error.message)
    return jsonify(renderActions={"hostAppAction": {"gmailAction": {
        "openCreatedDraftActionMarkup": {"draftId": draft_id, "draftThreadId": thread_id}}}})


def _swap(call: _Call, values: dict[str, Any]) -> Response:
    """The draft's To with the current address replaced by the primary; To is replaced as a
    whole, so every other recipient is sent back too, in its place."""
    current, primary = str(values.get("current") or ""), str(values.get("primary") or "")
    recipients, seen = [], set()
    for item in call.event.to_recipients:
        chosen = primary if item.lower() == current.lower() else item
        if chosen.lower() not in seen:
            seen.add(chosen.lower())
            recipients.append({"email": chosen})
    return jsonify(renderActions={"hostAppAction": {"gmailAction": {"updateDraftActionMarkup": {
        "updateToRecipients": {"toRecipients": recipients}}}}})


def _greeting(call: _Call, values: dict[str, Any]) -> Response:
    return jsonify(renderActions={"hostAppAction": {"gmailAction": {"updateDraftActionMarkup": {
        "updateBody": {"type": "IN_PLACE_INSERT", "insertContents": [
            {"content": visible_text(f"{values.get('text') or ''}\n"),
             "contentType": "TEXT"}]}}}}})


def _refresh(call: _Call, values: dict[str, Any]) -> Response:
    return _update(_message_card(call))


def _backfill(call: _Call, values: dict[str, Any]) -> Response:
    """Start on the home card once a grant exists: a run with it, and the card with its
    progress (Refresh by reopening; a card is not updated by itself)."""
    try:
        start_google_run(call.principal)
    except GrantsUnavailable as error:
        return _notify(str(error))
    return _update(_home_card(call))


_OTHER_HANDLERS = {"search": _search, "reply": _reply, "swap": _swap, "greeting": _greeting,
                   "refresh": _refresh, "backfill": _backfill}


# -- verification and answers -----------------------------------------------------------------

class _ScopesNeeded(Exception):
    def __init__(self, scopes: tuple[str, ...]) -> None:
        super().__init__("scopes needed")
        self.scopes = scopes


@bp.errorhandler(_ScopesNeeded)
def scopes_needed(needed: _ScopesNeeded) -> Response:
    """Granular consent: the user did not grant a scope this needs; Google asks them."""
    return jsonify(requesting_google_scopes={"scopes": list(needed.scopes)})


def _verified_call() -> _Call:
    event = read_event(request.get_json(silent=True))
    settings, keys = _settings(), current_app.extensions[GOOGLE_KEYS]
    scheme, _, system_token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        raise TokenRejected("missing_token", "the request carries no Google system ID token")
    verify_system_token(system_token.strip(), _called_url(), settings, keys)
    user = verify_user_token(event.user_id_token, settings, keys)
    language = ui_language(event.locale)
    principal = _principal(user, event.locale)
    check_rate(principal)
    return _Call(event, principal, language)


def _principal(user: GoogleUser, locale: str) -> Principal:
    return cached_principal(("google", user.sub), lambda: principal_for_google(
        database_of(current_app), user, locale[:16]))


def _settings() -> GoogleSettings:
    config = current_app.config
    client_id = str(config.get("GOOGLE_CLIENT_ID") or "")
    account = str(config.get("GOOGLE_SERVICE_ACCOUNT") or "")
    if not client_id or not account or not config.get("PUBLIC_BASE_URL"):
        raise TokenRejected("not_configured", "this server has no Gmail add-on configured",
                            503)
    return GoogleSettings(client_id=client_id, service_account=account)


def _public_url(path: str) -> str:
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def _called_url() -> str:
    """The URL Google called, as our configuration names it (the system token's audience)."""
    query = request.query_string.decode("ascii", "replace")
    return _public_url(request.path) + (f"?{query}" if query else "")


def _signer() -> ActionSigner:
    return ActionSigner(current_app.config["SECRET_KEY"])


def _push(card: dict[str, Any]) -> Response:
    return jsonify(action={"navigations": [{"pushCard": card}]})


def _push_action(card: dict[str, Any]) -> Response:
    return jsonify(renderActions={"action": {"navigations": [{"pushCard": card}]}})


def _update(card: dict[str, Any]) -> Response:
    return jsonify(renderActions={"action": {"navigations": [{"updateCard": card}]}})


def _notify(message: str) -> Response:
    return jsonify(renderActions={"action": {"notification": {"text": message}}})


class _LazyGmail:
    """The Gmail service is built on first use (parsing its discovery document takes a
    moment), once per process."""

    def __init__(self) -> None:
        self._client: GmailClient | None = None

    @property
    def client(self) -> GmailClient:
        with _LOCK:
            if self._client is None:
                self._client = GmailClient()
            return self._client

    def use(self, client: GmailClient) -> None:
        self._client = client
