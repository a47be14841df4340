"""The principal for command-line use: a local tenant keyed by the user's mail domain."""

from __future__ import annotations

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.tenants import ensure_tenant, ensure_user

DEFAULT_LOCAL_USER = "me@mailmatrix.local"


def local_principal(database: Database, user_email: str | None) -> Principal:
    email = (user_email or DEFAULT_LOCAL_USER).strip().lower()
    domain = email.rpartition("@")[2] or email
    tenant_id = ensure_tenant(database, "local", domain, name=domain)
    return ensure_user(database, tenant_id, email, email=email)
