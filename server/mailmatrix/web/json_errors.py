"""Errors of the JSON API and the add-on endpoints are JSON too ({error, message}), whatever
raised them: a wrong method, a path that does not exist, a body too large, or a bug (logged,
never shown)."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

JSON_PREFIXES = ("/api/", "/gmail/")
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _http_error(error: HTTPException) -> Response | HTTPException:
    if not request.path.startswith(JSON_PREFIXES):
        return error
    code = (error.name or "error").lower().replace(" ", "_")
    response = jsonify(error=code, message=error.description or error.name)
    response.status_code = error.code or 500
    return response


def _unexpected(error: Exception) -> tuple[Response, int] | Exception:
    if isinstance(error, HTTPException):
        return _http_error(error)  # type: ignore[return-value]
    log.exception("unexpected error on %s %s", request.method, request.path)
    if not request.path.startswith(JSON_PREFIXES):
        raise error
    return jsonify(error="internal_error", message="something went wrong on our side; "
                   "it has been logged"), 500
