"""The JSON API the panes call: thin, every request by a verified caller."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from mailmatrix.auth.callers import current_principal
from mailmatrix.auth.entra import TokenRejected
from mailmatrix.customers.db import database_of
from mailmatrix.customers.profile import profile

bp = Blueprint("api", __name__, url_prefix="/api")
MAX_ADDRESS_LENGTH = 998  # a header line; anything longer is not an address


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
