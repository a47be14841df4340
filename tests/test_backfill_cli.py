"""``mailmatrix backfill`` at the terminal: with the app's own Graph permission, with a user's
stored Gmail grant, and the clear errors when something is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from mailmatrix import create_app
from mailmatrix.cli import main
from mailmatrix.customers.db import database_of
from mailmatrix.customers.local import local_principal
from mailmatrix.mailboxes.google_grant import GoogleGrants
from mailmatrix.mailboxes.grants import Sealer, save_grant
from mailmatrix.mailboxes.graph import GRAPH as GRAPH_URL
from mailmatrix.mailboxes.graph import GraphClient
from mailmatrix.mailboxes.on_behalf_of import OnBehalfOf, OnBehalfOfSettings
from mailmatrix.mailboxes.setup import GMAIL, GOOGLE_GRANTS, GRAPH, ON_BEHALF_OF
from tests.google_fake import GmailService
from tests.microsoft_fake import CLIENT_ID, TENANT, EntraEndpoints
from tests.test_backfill import GraphMailbox, pages_of
from tests.test_backfill_web import GOOGLE_CLIENT, KEY, GoogleTokenEndpoint

REP = "rep@example-export.com"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    found = create_app({"TESTING": True, "SECRET_KEY": "test", "GRANTS_KEYS": KEY,
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"})
    database_of(found).upgrade()
    local_principal(database_of(found), REP)
    return found


def test_app_only_reads_the_users_mailbox_with_the_apps_own_token(app: Flask) -> None:
    entra, mailbox = EntraEndpoints(), GraphMailbox(pages_of(25, 10))
    app.extensions[ON_BEHALF_OF] = OnBehalfOf(OnBehalfOfSettings(CLIENT_ID, "secret"),
                                              http_client=entra)
    app.extensions[GRAPH] = GraphClient(mailbox)
    result = app.test_cli_runner().invoke(main, [
        "backfill", "--user", REP, "--provider", "microsoft", "--app-only", TENANT,
        "--months", "6"])
    assert result.exit_code == 0, result.output
    assert "done: 25 messages read, 25 new" in result.output
    assert entra.posts[0]["grant_type"] == "client_credentials"
    assert entra.posts[0]["scope"].split()[0] == "https://graph.microsoft.com/.default"
    assert mailbox.calls[0][0] == f"{GRAPH_URL}/users/{REP}/messages"
    assert len(entra.posts) == 1  # one token for every page: msal keeps it
    assert {call[2] for call in mailbox.calls} == {"Bearer app-token-1"}


def test_a_stored_gmail_grant_is_used_at_the_terminal(app: Flask) -> None:
    endpoint = GoogleTokenEndpoint()
    app.extensions[GOOGLE_GRANTS] = GoogleGrants(GOOGLE_CLIENT, http=endpoint)
    gmail = GmailService((200, {"resultSizeEstimate": 0}))
    app.extensions[GMAIL].use(gmail.client())
    save_grant(database_of(app), local_principal(database_of(app), REP), "google",
               "1//0g-refresh", Sealer([KEY]))
    result = app.test_cli_runner().invoke(main, ["backfill", "--user", REP,
                                                 "--provider", "google"])
    assert result.exit_code == 0, result.output
    assert "done: 0 messages read, 0 new" in result.output
    assert endpoint.posts[0]["refresh_token"] == "1//0g-refresh"


@pytest.mark.parametrize(("arguments", "settings", "said"), [
    (["--user", "nobody@example.com", "--provider", "google"], {}, "no user"),
    (["--user", REP, "--provider", "google"], {"GRANTS_KEYS": ""}, "GRANTS_KEYS"),
    (["--user", REP, "--provider", "google"], {}, "GOOGLE_OAUTH_CLIENT_ID"),
    (["--user", REP, "--provider", "microsoft"], {}, "ENTRA_CLIENT_SECRET"),
])
def test_what_is_missing_is_said(app: Flask, arguments: list[str], settings: dict[str, str],
                                 said: str) -> None:
    app.config.update(settings)
    result = app.test_cli_runner().invoke(main, ["backfill", *arguments])
    assert result.exit_code != 0 and said in result.output


def test_a_missing_grant_fails_with_connect_again(app: Flask) -> None:
    app.extensions[GOOGLE_GRANTS] = GoogleGrants(GOOGLE_CLIENT, http=GoogleTokenEndpoint())
    result = app.test_cli_runner().invoke(main, ["backfill", "--user", REP,
                                                 "--provider", "google"])
    assert result.exit_code == 1
    assert "failed" in result.output and "connect the mailbox again" in result.output
