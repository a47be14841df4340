"""The caller of an API request: the Bearer token verified, mapped to a Principal.

Configured with ``ENTRA_CLIENT_ID`` (our API's app registration), ``ENTRA_APP_ID_URI``,
``ENTRA_SCOPE`` and ``ENTRA_ALLOWED_TENANTS`` (comma-separated tids; empty: any organization).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from cachetools import TTLCache
from flask import Flask, current_app, request

from mailmatrix.auth.demo import DEMO_TOKEN, demo_sign_in
from mailmatrix.auth.entra import (
    EntraSettings,
    SigningKeys,
    TokenRejected,
    VerifiedCaller,
    principal_for,
    verify_access_token,
)
from mailmatrix.auth.principal import Principal
from mailmatrix.auth.rate_limits import check_rate
from mailmatrix.customers.db import database_of

KEYS = "mailmatrix.entra_keys"
PRINCIPALS = "mailmatrix.principals"
_LOCK = threading.Lock()
PRINCIPAL_SECONDS = 60  # who a (tid, oid) is changes rarely: a role change shows within a minute


def init_app(app: Flask) -> None:
    app.extensions[KEYS] = SigningKeys()
    app.extensions[PRINCIPALS] = TTLCache(10_000, PRINCIPAL_SECONDS)


@dataclass(frozen=True)
class Caller:
    principal: Principal
    token: str | None  # the pane's token, for on-behalf-of; None for the demo user
    tid: str = ""
    oid: str = ""


def current_principal() -> Principal:
    """The verified caller of this request; raises TokenRejected (401/403/503)."""
    return current_caller().principal


def current_caller() -> Caller:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRejected("missing_token", "sign in first: no Bearer access token was sent")
    if token.strip() == DEMO_TOKEN:
        demo = cached_principal(("demo",), demo_sign_in)
        check_rate(demo)
        return Caller(demo, None)
    settings = _settings()
    caller = verify_access_token(token.strip(), settings, current_app.extensions[KEYS])
    principal = _principal(caller, request.headers.get("Accept-Language", "en")[:2] or "en")
    admin_role = str(current_app.config.get("ENTRA_ADMIN_ROLE") or "")
    if admin_role and admin_role in caller.roles and principal.role != "admin":
        principal = replace(principal, role="admin")  # granted by the Entra app role
    check_rate(principal)
    return Caller(principal, token.strip(), caller.tid, caller.oid)


def _principal(caller: VerifiedCaller, locale: str) -> Principal:
    return cached_principal((caller.tid, caller.oid),
                   lambda: principal_for(database_of(current_app), caller, locale))


def cached_principal(key: tuple[str, ...], resolve: Callable[[], Principal]) -> Principal:
    """Who a caller is (Entra, Google, the demo), from this process's short cache: one
    database round trip a minute per caller, and forget_principals() after a role change."""
    cache: TTLCache = current_app.extensions[PRINCIPALS]
    with _LOCK:  # cachetools caches are not thread-safe; the server is threaded
        found = cache.get(key)
    if found is None:
        found = resolve()
        with _LOCK:
            cache[key] = found
    return found


def _settings() -> EntraSettings:
    config = current_app.config
    client_id = str(config.get("ENTRA_CLIENT_ID") or "")
    if not client_id:
        raise TokenRejected("not_configured", "this server has no Microsoft 365 app "
                            "registration configured (MAILMATRIX_ENTRA_CLIENT_ID)", 503)
    allowed = str(config.get("ENTRA_ALLOWED_TENANTS") or "")
    tenants = frozenset(tid.strip().lower() for tid in allowed.split(",") if tid.strip())
    return EntraSettings(client_id=client_id, app_id_uri=str(config.get("ENTRA_APP_ID_URI") or ""),
                         scope=str(config.get("ENTRA_SCOPE") or "access_as_user"),
                         allowed_tenants=tenants or None)


def forget_principals() -> None:
    """After a role change: this process asks the database again at once (others within
    PRINCIPAL_SECONDS)."""
    with _LOCK:
        current_app.extensions[PRINCIPALS].clear()
