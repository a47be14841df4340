"""Errors of the JSON API and the add-on endpoints are JSON too ({error, message}), whatever
raised them: a wrong method, a path that does not exist, a body too large, or a bug (logged,
never shown)."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

JSON_PREFIXES = ("/api/", "/gmail/")
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)


def _database_unavailable(error: DBAPIError) -> tuple[Response, int, dict[str, str]]:
    """The database went away (restart, failover, network): a clear 503 the pane can retry;
    the pool replaces broken connections, so the app recovers without a restart. Every
    observe is one transaction, so nothing was half written."""
    unreachable = isinstance(error, OperationalError | InterfaceError)
    if not (unreachable or error.connection_invalidated):
        return _unexpected(error)  # type: ignore[return-value]
    log.warning("database unavailable on %s %s: %s", request.method, request.path,
                error.__class__.__name__)
    return (jsonify(error="database_unavailable",
                    message="the database cannot be reached just now; try again shortly"),
            503, {"Retry-After": "5"})


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
