"""Demo sign-in: the demo user, for ``mailmatrix demo`` only.

Accepted only when the app runs in demo mode, and refused whenever Microsoft 365 sign-in is
configured: a production configuration never lets anyone in without a real token.
"""

from __future__ import annotations

from flask import current_app

from mailmatrix.auth.entra import TokenRejected
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database, database_of
from mailmatrix.customers.local import local_principal

DEMO_TOKEN = "demo"
DEMO_USER = "anna.becker@example-export.com"


def demo_principal_of(database: Database) -> Principal:
    return local_principal(database, DEMO_USER)


def demo_sign_in() -> Principal:
    config = current_app.config
    if not config.get("DEMO_MODE") or config.get("ENTRA_CLIENT_ID"):
        raise TokenRejected("demo_refused", "demo sign-in works only in the demo")
    return demo_principal_of(database_of(current_app))
