"""'Learn from my mailbox': starting a backfill and watching it, from Outlook, Gmail and the demo.

Outlook's pane posts to ``/api/backfill`` with its token: the server exchanges it once more
(on-behalf-of), stores the msal cache that holds the refresh token, sealed, and starts reading
Graph. Gmail's card opens ``/backfill/google/connect`` with a signed state naming the user:
Google's consent screen for offline ``gmail.readonly``, back to ``/backfill/google/callback``,
and the run starts. Progress is the job row, as JSON, polled by the pane and the consent page.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response as BaseResponse

from mailmatrix.auth.callers import current_caller
from mailmatrix.auth.entra import TokenRejected
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database, database_of
from mailmatrix.mailboxes.backfill import MAX_MONTHS, Progress, backfill_progress, is_active
from mailmatrix.mailboxes.backfill_runs import (
    google_source,
    microsoft_source,
    save_microsoft_grant,
    start_in_background,
)
from mailmatrix.mailboxes.backfill_source import BackfillSource
from mailmatrix.mailboxes.google_grant import GoogleGrantError, GoogleGrants, GoogleOAuthClient
from mailmatrix.mailboxes.grants import GrantsUnavailable, Sealer, forget_grant, save_grant
from mailmatrix.mailboxes.on_behalf_of import GraphAccessError
from mailmatrix.mailboxes.setup import GMAIL, GOOGLE_GRANTS, GRAPH, ON_BEHALF_OF
from mailmatrix.mx_lookup import mx_lookup_of
from mailmatrix.panel.catalog import catalog_for, ui_language
from mailmatrix.panel.wording import Wording
from mailmatrix.web.api import rejected
from mailmatrix.web.demo_archive import DemoArchiveSource

bp = Blueprint("backfill", __name__)
bp.register_error_handler(TokenRejected, rejected)  # as on the rest of /api
STATE_SALT = "mailmatrix.backfill-consent"
STATE_SECONDS = 3600  # the consent link on the card works for an hour


def init_app(app: Flask) -> None:
    client_id = str(app.config.get("GOOGLE_OAUTH_CLIENT_ID") or "")
    secret = str(app.config.get("GOOGLE_OAUTH_CLIENT_SECRET") or "")
    app.extensions[GOOGLE_GRANTS] = GoogleGrants(GoogleOAuthClient(client_id, secret)) \
        if client_id and secret else None


@bp.get("/api/backfill")
def progress() -> tuple[Response, int]:
    caller = current_caller()
    found = backfill_progress(database_of(current_app), caller.principal,
                              "microsoft" if caller.token else "demo")
    return jsonify(_answer(found)), 200


@bp.post("/api/backfill")
def start() -> tuple[Response, int]:
    """Start (or show) the caller's backfill of the last ``months`` months."""
    caller = current_caller()
    database, principal = database_of(current_app), caller.principal
    body = request.get_json(silent=True)
    months = _months(body.get("months") if isinstance(body, dict) else None)
    provider = "microsoft" if caller.token else "demo"
    found = backfill_progress(database, principal, provider)
    if is_active(found):
        return jsonify(_answer(found)), 200
    if caller.token is None:
        return _started(database, principal, DemoArchiveSource(), months)
    exchange = current_app.extensions[ON_BEHALF_OF]
    if exchange is None:
        return _unavailable("reading mail is not configured on this server "
                            "(ENTRA_CLIENT_SECRET)")
    try:
        sealer = Sealer.from_setting(current_app.config.get("GRANTS_KEYS"))
        save_microsoft_grant(database, principal, exchange, sealer, caller.token,
                             caller.tid, caller.oid)
    except GrantsUnavailable as error:
        return _unavailable(str(error))
    except GraphAccessError as error:
        return jsonify(error=error.code, message=error.message), error.status
    return _started(database, principal, microsoft_source(
        database, principal, exchange, sealer, current_app.extensions[GRAPH]), months)


@bp.delete("/api/backfill")
def forget() -> tuple[Response, int]:
    """Forget the caller's stored mailbox grant: no run reads their mailbox again until they
    start one (a run under way stops at its next page)."""
    caller = current_caller()
    forget_grant(database_of(current_app), caller.principal,
                 "microsoft" if caller.token else "demo")
    return jsonify(forgotten=True), 200


def _started(database: Database, principal: Principal, source: BackfillSource,
             months: int) -> tuple[Response, int]:
    claimed = start_in_background(database, principal, source, months,
                                  mx_lookup_of(current_app).known)
    if claimed is None:  # another request started it a moment ago
        return jsonify(_answer(backfill_progress(database, principal, source.provider))), 200
    return jsonify(_answer(claimed)), 202


def consent_link(principal: Principal, months: int | None = None) -> str | None:
    """The Gmail card's "learn from my mailbox" link; None when Google consent is not set up."""
    if current_app.extensions.get(GOOGLE_GRANTS) is None:
        return None
    state = _states().dumps({"t": principal.tenant_id, "u": principal.user_id,
                             "e": principal.email, "m": _months(months)})
    return _external("backfill.google_connect", state=state)


@bp.get("/backfill/google/connect")
def google_connect() -> BaseResponse | tuple[str, int]:
    grants, (principal, _months_wanted) = _google(), _state_principal()
    return redirect(grants.consent_url(_external("backfill.google_callback"),
                                       request.args["state"], principal.email))


@bp.get("/backfill/google/callback")
def google_callback() -> tuple[str, int]:
    grants, (principal, months) = _google(), _state_principal()
    t = Wording(ui_language(request.headers.get("Accept-Language", "en")[:2]))
    if request.args.get("error") or not request.args.get("code"):
        return _page(t, "backfill.not_granted", None), 200
    try:
        sealer = Sealer.from_setting(current_app.config.get("GRANTS_KEYS"))
        refresh = grants.refresh_token_for(
            request.args["code"], _external("backfill.google_callback"),
            principal.email)
        save_grant(database_of(current_app), principal, "google", refresh, sealer)
    except GrantsUnavailable:
        return _page(t, "backfill.unavailable", None), 503
    except GoogleGrantError as error:
        key = "backfill.wrong_account" if error.code == "wrong_account" else \
            "backfill.not_granted"
        return _page(t, key, None), 403 if error.code == "wrong_account" else 502
    start_google_run(principal, months)  # (one active already: its progress shows)
    return _page(t, "backfill.started", url_for("backfill.google_progress",
                                                 state=request.args["state"])), 200


def start_google_run(principal: Principal, months: int | None = None) -> Progress | None:
    """A run from the user's stored Gmail grant (the consent callback, and the card's Start
    once a grant exists); None when one is active already, or Google is not set up here."""
    grants = current_app.extensions.get(GOOGLE_GRANTS)
    if grants is None:
        return None
    database = database_of(current_app)
    sealer = Sealer.from_setting(current_app.config.get("GRANTS_KEYS"))
    return start_in_background(database, principal, google_source(
        database, principal, grants, sealer, current_app.extensions[GMAIL].client.http_factory),
        _months(months), mx_lookup_of(current_app).known)


@bp.get("/backfill/google/progress")
def google_progress() -> tuple[Response, int]:
    principal, _ = _state_principal()
    return jsonify(_answer(backfill_progress(database_of(current_app), principal,
                                             "google"))), 200


class _RefusedState(Exception):
    pass


@bp.errorhandler(_RefusedState)
def refused_state(_error: _RefusedState) -> tuple[str, int]:
    t = Wording(ui_language(request.headers.get("Accept-Language", "en")[:2]))
    return _page(t, "backfill.link_expired", None), 403


def _google() -> GoogleGrants:
    grants = current_app.extensions.get(GOOGLE_GRANTS)
    if grants is None:
        raise _RefusedState
    return grants  # type: ignore[no-any-return]


def _state_principal() -> tuple[Principal, int]:
    try:
        state = _states().loads(request.args.get("state", ""), max_age=STATE_SECONDS)
        principal = Principal(int(state["t"]), int(state["u"]), str(state["e"]))
        return principal, _months(state.get("m"))
    except (BadSignature, KeyError, TypeError, ValueError):
        raise _RefusedState from None


def _external(endpoint: str, **values: Any) -> str:
    """An address of ours as Google sees it: ``PUBLIC_BASE_URL`` behind a proxy (the consent
    redirect must match the one registered for the OAuth client exactly)."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return base + url_for(endpoint, **values) if base else \
        url_for(endpoint, **values, _external=True)


def _states() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=STATE_SALT)


def _months(value: Any) -> int:
    default = int(current_app.config.get("BACKFILL_MONTHS") or 12)
    months = value if isinstance(value, int) and not isinstance(value, bool) else default
    return max(1, min(months, MAX_MONTHS))


def _answer(found: Progress | None) -> dict[str, Any]:
    return {"backfill": found.as_json() if found else None}


def _unavailable(message: str) -> tuple[Response, int]:
    return jsonify(error="backfill_unavailable", message=message), 503


def _page(t: Wording, key: str, progress_url: str | None) -> str:
    return render_template("backfill_google.html", t=t, message_key=key,
                           progress_url=progress_url, strings=catalog_for(t.language))
