"""The mailbox clients of the app: on-behalf-of exchange (when the Entra app registration has a
client secret configured, ``MAILMATRIX_ENTRA_CLIENT_SECRET``), its token caches (Redis with
``MAILMATRIX_REDIS_URL``) and the Graph client."""

from __future__ import annotations

from flask import Flask

from mailmatrix.mailboxes.backoff import GraphBackoff
from mailmatrix.mailboxes.graph import GraphClient
from mailmatrix.mailboxes.on_behalf_of import OnBehalfOf, OnBehalfOfSettings
from mailmatrix.mailboxes.token_caches import token_caches_for

ON_BEHALF_OF = "mailmatrix.on_behalf_of"
GRAPH = "mailmatrix.graph"
GRAPH_BACKOFF = "mailmatrix.graph_backoff"
GMAIL = "mailmatrix.gmail"  # the Gmail client, built on first use (web/gmail.py)
GOOGLE_GRANTS = "mailmatrix.google_grants"  # Google's offline consent (web/backfill.py)


def init_app(app: Flask) -> None:
    client_id = str(app.config.get("ENTRA_CLIENT_ID") or "")
    secret = str(app.config.get("ENTRA_CLIENT_SECRET") or "")
    app.extensions[ON_BEHALF_OF] = OnBehalfOf(
        OnBehalfOfSettings(client_id, secret),
        token_caches=token_caches_for(str(app.config.get("REDIS_URL") or "") or None)) \
        if client_id and secret else None
    app.extensions[GRAPH] = GraphClient()
    app.extensions[GRAPH_BACKOFF] = GraphBackoff()
