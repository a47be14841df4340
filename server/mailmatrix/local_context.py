"""What every graph command needs: the database (migrated) and the local user's principal."""

from __future__ import annotations

import click
from flask import current_app

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database, database_of
from mailmatrix.customers.local import local_principal
from mailmatrix.customers.tenants import configure_own_domains

USER_OPTION = click.option("--user", "user", default=None, envvar="MAILMATRIX_USER",
                           help="Your own address: selects your tenant and marks what you sent.")


def local_database_and_principal(user: str | None) -> tuple[Database, Principal]:
    database = database_of(current_app)
    database.upgrade()  # idempotent; lets the embedded SQLite default work out of the box
    principal = local_principal(database, user)
    configured = current_app.config.get("OWN_DOMAINS") or ""
    domains = configured.split(",") if isinstance(configured, str) else list(configured)
    configure_own_domains(database, principal.tenant_id, domains)
    return database, principal
