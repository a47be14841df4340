"""The JSON API for teams and privacy (``/api/v1``): customers and their owners, notes, users
and roles, the organization's settings, the audit log, GDPR export and erasure. Documented in
``docs/openapi.json`` (a test holds it to these routes). Thin: parse, call a service, answer.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from mailmatrix.auth.callers import current_principal, forget_principals
from mailmatrix.auth.entra import TokenRejected
from mailmatrix.customers import gdpr, notes, ownership, users
from mailmatrix.customers.audit import audit_log
from mailmatrix.customers.db import database_of
from mailmatrix.customers.errors import AccessDenied, DecisionError, NotFound
from mailmatrix.customers.models import MAX_ROW_ID
from mailmatrix.customers.people_search import search_people
from mailmatrix.customers.profile import profile_of_person
from mailmatrix.panel.actions import apply_action

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


@bp.errorhandler(TokenRejected)
def rejected(error: TokenRejected) -> tuple[Response, int]:
    return jsonify(error=error.code, message=error.message), error.status


@bp.errorhandler(DecisionError)
def refused(error: DecisionError) -> tuple[Response, int]:
    status, code = (403, "forbidden") if isinstance(error, AccessDenied) else \
        (404, "not_found") if isinstance(error, NotFound) else (400, "bad_request")
    return jsonify(error=code, message=str(error)), status


@bp.get("/me")
def me() -> Response:
    principal = current_principal()
    return jsonify(tenant_id=principal.tenant_id, user_id=principal.user_id,
                   email=principal.email, role=principal.role)


# -- customers --------------------------------------------------------------------------------

@bp.get("/persons")
def find_persons() -> Response:
    principal = current_principal()
    found = search_people(database_of(current_app), principal, request.args.get("q", ""),
                          limit=_number("limit", 20, 1, 100))
    return jsonify(persons=[asdict(match) for match in found])


@bp.get("/persons/<id:person_id>")
def person(person_id: int) -> Response:
    principal = current_principal()
    return jsonify(profile_of_person(database_of(current_app), principal, person_id).as_dict())


@bp.get("/persons/<id:person_id>/export")
def export_person(person_id: int) -> Response:
    principal = current_principal()
    return jsonify(gdpr.export_person(database_of(current_app), principal, person_id))


@bp.delete("/persons/<id:person_id>")
def erase_person(person_id: int) -> Response:
    principal = current_principal()
    return jsonify(erased=gdpr.erase_person(database_of(current_app), principal, person_id))


@bp.put("/persons/<id:person_id>/owner")
def assign_owner(person_id: int) -> Response:
    principal = current_principal()
    ownership.assign_owner(database_of(current_app), principal, person_id,
                           _field(_body(), "email"))
    return jsonify(ok=True)


@bp.post("/persons/<id:person_id>/shares")
def share(person_id: int) -> Response:
    principal = current_principal()
    ownership.share(database_of(current_app), principal, person_id, _field(_body(), "email"))
    return jsonify(ok=True)


@bp.delete("/persons/<id:person_id>/shares/<path:email>")
def unshare(person_id: int, email: str) -> Response:
    principal = current_principal()
    ownership.share(database_of(current_app), principal, person_id, email, shared=False)
    return jsonify(ok=True)


@bp.post("/handover")
def hand_over() -> Response:
    principal = current_principal()
    body = _body()
    moved = ownership.hand_over(database_of(current_app), principal, _field(body, "from"),
                                _field(body, "to"))
    return jsonify(moved=moved)


# -- notes ------------------------------------------------------------------------------------

@bp.post("/persons/<id:person_id>/notes")
def note_on_person(person_id: int) -> tuple[Response, int]:
    """Through the panel's actions: the same owner-policy check as a note from the pane."""
    principal = current_principal()
    body = _body()
    note_id = apply_action(database_of(current_app), principal, "note", {
        "person": person_id, "text": _field(body, "text"),
        "visibility": str(body.get("visibility") or "team")})
    return jsonify(id=note_id), 201


@bp.post("/companies/<id:company_id>/notes")
def note_on_company(company_id: int) -> tuple[Response, int]:
    principal = current_principal()
    body = _body()
    note_id = notes.add_note(database_of(current_app), principal, _field(body, "text"),
                             company_id=company_id,
                             visibility=str(body.get("visibility") or "team"))
    return jsonify(id=note_id), 201


@bp.delete("/notes/<id:note_id>")
def delete_note(note_id: int) -> Response:
    principal = current_principal()
    notes.delete_note(database_of(current_app), principal, note_id)
    return jsonify(ok=True)


# -- the organization -------------------------------------------------------------------------

@bp.get("/users")
def list_users() -> Response:
    principal = _admin()
    found = users.list_users(database_of(current_app), principal.tenant_id)
    return jsonify(users=[asdict(user) for user in found])


@bp.put("/users/<path:email>/role")
def set_role(email: str) -> Response:
    principal = current_principal()
    users.set_role(database_of(current_app), principal, principal.tenant_id, email,
                   _field(_body(), "role"))
    forget_principals()
    return jsonify(ok=True)


@bp.get("/settings")
def settings() -> Response:
    principal = current_principal()
    return jsonify(users.tenant_settings(database_of(current_app), principal.tenant_id))


@bp.put("/settings")
def change_settings() -> Response:
    principal = current_principal()
    return jsonify(users.change_settings(database_of(current_app), principal,
                                         principal.tenant_id, _body()))


@bp.get("/audit")
def audit() -> Response:
    principal = current_principal()
    since = request.args.get("since")
    try:
        moment = datetime.fromisoformat(since) if since else None
    except ValueError:
        raise DecisionError("since must be an ISO 8601 date or time") from None
    before = request.args.get("before_id")
    events = audit_log(database_of(current_app), principal, since=moment,
                       before_id=min(int(before), MAX_ROW_ID) if before and before.isdigit()
                       else None,
                       limit=_number("limit", 100, 1, 1000))
    return jsonify(events=events)


@bp.delete("/suppressions/<path:address>")
def lift_suppression(address: str) -> Response:
    principal = current_principal()
    return jsonify(lifted=gdpr.lift_suppression(database_of(current_app), principal, address))


# -- request parts ----------------------------------------------------------------------------

def _admin() -> Any:
    principal = current_principal()
    if principal.role != "admin":
        raise AccessDenied("only an admin can do this")
    return principal


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DecisionError("send a JSON object")
    return body


def _field(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise DecisionError(f"'{name}' is required (text)")
    return value[:4000]


def _number(name: str, default: int, low: int, high: int) -> int:
    value = request.args.get(name, "")
    return max(low, min(high, int(value))) if value.isdigit() else default
