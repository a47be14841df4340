"""The JSON API the panes call: thin, every request by a verified caller."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from mailmatrix.auth.callers import current_caller, current_principal
from mailmatrix.auth.entra import TokenRejected
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import database_of
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.observe import observe_many
from mailmatrix.customers.people_search import search_people
from mailmatrix.customers.profile import profile
from mailmatrix.mailboxes.graph import GraphError
from mailmatrix.mailboxes.on_behalf_of import GraphAccessError
from mailmatrix.mailboxes.setup import GRAPH, GRAPH_BACKOFF, ON_BEHALF_OF
from mailmatrix.panel.actions import ACTIONS, AccessDenied, DecisionError, apply_action
from mailmatrix.panel.catalog import ui_language
from mailmatrix.panel.html import render_panel
from mailmatrix.panel.office_item import MAX_HEADER, facts_of_office_item
from mailmatrix.panel.view import build_panel
from mailmatrix.panel.wording import Wording

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_ADDRESS_LENGTH = MAX_HEADER  # anything longer than a header line is not an address
MAX_BODY = 200_000  # characters of the body read for the tone hint (never stored)


@bp.errorhandler(TokenRejected)
def rejected(error: TokenRejected) -> tuple[Response, int, dict[str, str]]:
    headers = {"WWW-Authenticate": f'Bearer error="invalid_token", error_description='
                                   f'"{error.code}"'} if error.status == 401 else {}
    return jsonify(error=error.code, message=error.message), error.status, headers


@bp.get("/profile")
def sender_profile() -> tuple[Response, int]:
    principal = current_principal()
    address = request.args.get("address", "")
    if not address.strip() or len(address) > MAX_ADDRESS_LENGTH:
        return jsonify(error="bad_request", message="give the sender as ?address=..."), 400
    found = profile(database_of(current_app), principal, address)
    return jsonify(found.as_dict()), 200


@bp.post("/panel")
def panel() -> tuple[Response, int]:
    """The panel for the open message, as the pane read it from Office.js
    (``item.from``, ``to``, ``cc``, ``subject``, ``internetMessageId``, ...): ``{"html"}``,
    and with ``?view=1`` the view model too (``{"html", "view"}``)."""
    principal = current_principal()
    item, facts = _open_message()
    return _panel_answer(principal, item, facts)


@bp.post("/actions")
def act() -> tuple[Response, int]:
    """One of the user's decisions from the panel; the pane re-renders afterwards."""
    principal = current_principal()
    asked = _json_object("the action")
    action = str(asked.get("action", ""))
    if action not in ACTIONS:
        return jsonify(error="bad_request", message=f"unknown action {action!r}"), 400
    try:
        apply_action(database_of(current_app), principal, action, asked)
    except AccessDenied as error:
        return jsonify(error="forbidden", message=str(error)), 403
    except (DecisionError, ValueError, TypeError) as error:
        return jsonify(error="bad_request", message=str(error)), 400
    return jsonify(ok=True), 200


@bp.post("/people/search")
def people_search() -> tuple[Response, int]:
    """Persons to link the open sender to, by name or address, rendered for the pane."""
    principal = current_principal()
    asked = _json_object("the search")
    try:
        exclude = int(asked.get("person_id") or 0) or None
    except (TypeError, ValueError):
        return jsonify(error="bad_request", message="person_id must be a number"), 400
    matches = search_people(database_of(current_app), principal, str(asked.get("q") or ""),
                            exclude_person=exclude)
    html = render_template("people_results.html", matches=matches,
                           address=str(asked.get("address") or "")[:MAX_ADDRESS_LENGTH],
                           t=Wording(ui_language(str(asked.get("displayLanguage") or "")
                                                 or principal.locale)))
    return jsonify(html=html, matches=[asdict(match) for match in matches]), 200


@bp.post("/panel/enrich")
def enriched_panel() -> tuple[Response, int]:
    """The panel again after the server read the message and the recent correspondence from
    Microsoft Graph (the pane asks for this right after the stored panel). When Graph cannot
    be used, the stored panel comes back with a note; never an error page."""
    caller = current_caller()
    item, facts = _open_message()
    notes: tuple[str, ...] = ()
    exchange, graph = current_app.extensions[ON_BEHALF_OF], current_app.extensions[GRAPH]
    backoff = current_app.extensions[GRAPH_BACKOFF]
    rest_id, mailbox = str(item.get("restId") or ""), f"{caller.tid}.{caller.oid}"
    if caller.token and exchange is not None and rest_id and backoff.waiting(mailbox):
        notes = ("state.stored_only",)  # Microsoft asked us to wait: stored data meanwhile
    elif caller.token and exchange is not None and rest_id:
        try:
            token = exchange.graph_token(caller.token, caller.tid, caller.oid)
            facts = graph.message_facts(token, rest_id, str(item.get("sharedOwner") or "")
                                        or None)
            history = graph.correspondence(token, facts.from_) if facts.from_ else []
            if history:  # the message itself is observed with the panel, once
                observe_many(database_of(current_app), caller.principal, history)
        except GraphError as error:
            if error.retry_after:
                backoff.back_off(mailbox, error.retry_after)
            notes = ("state.stored_only",)
        except GraphAccessError as error:
            notes = ("state.consent_required",) if error.code == "consent_required" \
                else ("state.stored_only",)
    return _panel_answer(caller.principal, item, facts, notes)


class _BadRequest(Exception):
    pass


@bp.errorhandler(_BadRequest)
def bad_request(error: _BadRequest) -> tuple[Response, int]:
    return jsonify(error="bad_request", message=str(error)), 400


def _json_object(what: str) -> dict[str, Any]:
    asked = request.get_json(silent=True)
    if not isinstance(asked, dict):
        raise _BadRequest(f"send {what} as a JSON object")
    return asked


def _open_message() -> tuple[dict[str, Any], MessageFacts]:
    item = _json_object("the open message")
    try:
        return item, facts_of_office_item(item)
    except (TypeError, ValueError) as error:
        raise _BadRequest(f"unreadable message: {error}") from None


def _panel_answer(principal: Principal, item: dict[str, Any], facts: MessageFacts,
                  notes: tuple[str, ...] = ()) -> tuple[Response, int]:
    view = build_panel(database_of(current_app), principal, facts,
                       body=str(item.get("body") or "")[:MAX_BODY],
                       client_language=str(item.get("displayLanguage") or "") or None,
                       draft=item.get("mode") == "compose", notes=notes)
    answer: dict[str, Any] = {"html": render_panel(view)}
    if request.args.get("view") == "1":
        # The view model as JSON, for API callers and tests: the panes show the html alone,
        # and leaving it out halves the answer (and a tenth of the request's CPU)
        answer["view"] = view.as_dict()
    return jsonify(answer), 200
