"""The mailbox clients of the app: on-behalf-of exchange (when the Entra app registration has a
client secret configured, ``MAILMATRIX_ENTRA_CLIENT_SECRET``) and the Graph client."""

from __future__ import annotations

from flask import Flask

from mailmatrix.mailboxes.graph import GraphClient
from mailmatrix.mailboxes.on_behalf_of import OnBehalfOf, OnBehalfOfSettings

ON_BEHALF_OF = "mailmatrix.on_behalf_of"
GRAPH = "mailmatrix.graph"


def init_app(app: Flask) -> None:
    client_id = str(app.config.get("ENTRA_CLIENT_ID") or "")
    secret = str(app.config.get("ENTRA_CLIENT_SECRET") or "")
    app.extensions[ON_BEHALF_OF] = OnBehalfOf(OnBehalfOfSettings(client_id, secret)) \
        if client_id and secret else None
    app.extensions[GRAPH] = GraphClient()
