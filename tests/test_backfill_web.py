"""'Learn from my mailbox' over HTTP: the demo's archive, Outlook (the pane's token exchanged,
the msal cache stored sealed, Graph read with it later), Gmail (Google's offline consent), and
the grant store's encryption."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from sqlalchemy import select

from mailmatrix.auth.demo import DEMO_TOKEN
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database, database_of
from mailmatrix.customers.local import local_principal
from mailmatrix.customers.models import MailboxGrant
from mailmatrix.mailboxes.backfill_runs import microsoft_source
from mailmatrix.mailboxes.backfill_source import ConsentNeeded
from mailmatrix.mailboxes.google_grant import GoogleGrants, GoogleOAuthClient
from mailmatrix.mailboxes.grants import GrantsUnavailable, Sealer, load_grant, save_grant
from mailmatrix.mailboxes.graph import GraphClient
from mailmatrix.mailboxes.on_behalf_of import OnBehalfOf, OnBehalfOfSettings
from mailmatrix.mailboxes.setup import GMAIL, GRAPH, ON_BEHALF_OF
from mailmatrix.web.backfill import GOOGLE_GRANTS, consent_link
from tests.google_fake import GmailService
from tests.microsoft_fake import CLIENT_ID, Answer, EntraEndpoints, Microsoft, app_trusting
from tests.test_backfill import GraphMailbox, pages_of

KEY = "k" * 40


def wait_until_settled(read: Any, seconds: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = read()
        if job and job["state"] not in ("running", "waiting"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError(f"the backfill did not finish: {read()}")


def test_the_demo_learns_its_archive_once_and_shows_progress(tmp_path: Path) -> None:
    from mailmatrix import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DEMO_MODE": True,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    database_of(app).upgrade()
    client, headers = app.test_client(), {"Authorization": f"Bearer {DEMO_TOKEN}"}
    assert client.get("/api/backfill", headers=headers).json == {"backfill": None}
    started = client.post("/api/backfill", json={"months": 12}, headers=headers)
    assert started.status_code == 202 and started.json["backfill"]["state"] == "running"
    # A second click while it runs shows the same run
    again = client.post("/api/backfill", json={"months": 12}, headers=headers)
    assert again.status_code == 200 and again.json["backfill"]["state"] == "running"
    job = wait_until_settled(lambda: client.get("/api/backfill", headers=headers)
                             .json["backfill"])
    assert (job["state"], job["read"], job["new"], job["estimated_total"]) == (
        "done", 600, 600, 600)
    client.post("/api/backfill", json={"months": 12}, headers=headers)
    rerun = wait_until_settled(lambda: client.get("/api/backfill", headers=headers)
                               .json["backfill"])
    assert (rerun["read"], rerun["new"]) == (600, 0)  # idempotent: nothing learned twice


@pytest.fixture
def outlook(tmp_path: Path) -> tuple[Flask, dict[str, str], EntraEndpoints, GraphMailbox]:
    microsoft = Microsoft()
    app = app_trusting(microsoft, f"sqlite:///{tmp_path / 'outlook.sqlite3'}")
    app.config["GRANTS_KEYS"] = KEY
    entra = EntraEndpoints()
    app.extensions[ON_BEHALF_OF] = OnBehalfOf(OnBehalfOfSettings(CLIENT_ID, "secret"),
                                              http_client=entra)
    mailbox = GraphMailbox(pages_of(25, 10))
    app.extensions[GRAPH] = GraphClient(mailbox)
    return app, {"Authorization": f"Bearer {microsoft.token()}"}, entra, mailbox


def test_outlook_stores_the_msal_cache_sealed_and_reads_graph_with_it(outlook: Any) -> None:
    app, headers, entra, mailbox = outlook
    client = app.test_client()
    started = client.post("/api/backfill", json={"months": 6}, headers=headers)
    assert started.status_code == 202
    job = wait_until_settled(lambda: client.get("/api/backfill", headers=headers)
                             .json["backfill"])
    assert (job["state"], job["read"], job["new"]) == ("done", 25, 25)
    # The pane's token was exchanged on behalf of the user; Graph was read with its result
    assert entra.posts[0]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert {call[2] for call in mailbox.calls} == {"Bearer graph-token-1"}
    database = database_of(app)
    with database.reading(None) as session:
        sealed, provider = session.execute(select(MailboxGrant.sealed,
                                                  MailboxGrant.provider)).one()
    # At rest: sealed, no refresh token in clear; opened, the msal cache that holds it
    assert "refresh" not in sealed and provider == "microsoft"
    grant = json.loads(Sealer([KEY]).open(sealed) or "{}")
    assert "0.AR8A-refresh" in grant["cache"] and grant["tid"] and grant["oid"]


def test_outlook_without_a_grants_key_says_so(outlook: Any) -> None:
    app, headers, _, mailbox = outlook
    app.config["GRANTS_KEYS"] = ""
    answer = app.test_client().post("/api/backfill", json={}, headers=headers)
    assert answer.status_code == 503 and answer.json["error"] == "backfill_unavailable"
    assert "GRANTS_KEYS" in answer.json["message"] and mailbox.calls == []


def test_outlook_with_a_refused_exchange_starts_nothing(outlook: Any) -> None:
    app, headers, entra, mailbox = outlook
    entra.token_answer = Answer(400, {
        "error": "invalid_grant", "error_description": "AADSTS65001: The user or "
        "administrator has not consented to use the application.", "error_codes": [65001]})
    answer = app.test_client().post("/api/backfill", json={}, headers=headers)
    assert answer.status_code == 403 and answer.json["error"] == "consent_required"
    assert mailbox.calls == []


def test_a_sealed_grant_needs_its_key_and_survives_rotation(database: Database) -> None:
    principal = local_principal(database, "rep@example-export.com")
    old, new = "o" * 32, "n" * 32
    save_grant(database, principal, "google", "1//refresh-token", Sealer([old]))
    assert load_grant(database, principal, "google", Sealer([new])) is None  # not its key
    rotated = Sealer([new, old])  # the new key first: old grants still open
    assert load_grant(database, principal, "google", rotated) == "1//refresh-token"
    save_grant(database, principal, "google", "1//refresh-token-2", rotated)
    assert load_grant(database, principal, "google", Sealer([new])) == "1//refresh-token-2"
    with pytest.raises(GrantsUnavailable):
        Sealer(["short"])
    with pytest.raises(GrantsUnavailable):
        Sealer([])


# -- Gmail: Google's offline consent ---------------------------------------------------------

GOOGLE_CLIENT = GoogleOAuthClient("1234-web.apps.googleusercontent.com", "web-secret")


def id_token(**claims: Any) -> str:
    """The ID token Google's token endpoint returns (its signature is not read: it came
    straight from Google over TLS)."""
    body = {"iss": "https://accounts.google.com", "aud": GOOGLE_CLIENT.client_id,
            "sub": "110169484474386276334", "email": "rep@example-export.com",
            "email_verified": True, "iat": 1795677300, "exp": 1795680900, **claims}

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'kid': 'g1', 'typ': 'JWT'})}.{part(body)}.c2lnbmF0dXJl"


class Reply:
    def __init__(self, status: int, body: Any) -> None:
        self.status_code, self._body = status, body

    def json(self) -> Any:
        return self._body


class GoogleTokenEndpoint:
    """oauth2.googleapis.com/token: the authorization-code and refresh-token grants."""

    def __init__(self, **claims: Any) -> None:
        self.posts: list[dict[str, str]] = []
        self.claims = claims

    def post(self, url: str, data: dict[str, str], timeout: float) -> Reply:
        assert url == "https://oauth2.googleapis.com/token"
        self.posts.append(dict(data))
        if data["grant_type"] == "authorization_code":
            if data["code"] != "4/0AX4XfWh-code":
                return Reply(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            return Reply(200, {
                "access_token": "ya29.a0-first", "expires_in": 3599,
                "refresh_token": "1//0g-refresh", "token_type": "Bearer",
                "scope": "https://www.googleapis.com/auth/gmail.readonly openid "
                         "https://www.googleapis.com/auth/userinfo.email",
                "id_token": id_token(**self.claims)})
        return Reply(200, {"access_token": "ya29.a0-refreshed", "expires_in": 3599,
                           "token_type": "Bearer",
                           "scope": "https://www.googleapis.com/auth/gmail.readonly"})


@pytest.fixture
def gmail_app(tmp_path: Path) -> tuple[Flask, Principal, GoogleTokenEndpoint]:
    from mailmatrix import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "GRANTS_KEYS": KEY,
                      "PUBLIC_BASE_URL": "https://mailmatrix.example.com",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'gmail.sqlite3'}"})
    database_of(app).upgrade()
    endpoint = GoogleTokenEndpoint()
    app.extensions[GOOGLE_GRANTS] = GoogleGrants(GOOGLE_CLIENT, http=endpoint)
    return app, local_principal(database_of(app), "rep@example-export.com"), endpoint


def link_for(app: Flask, principal: Principal) -> str:
    with app.test_request_context():
        link = consent_link(principal, 6)
    assert link is not None
    return link


def test_the_consent_link_goes_to_google_for_offline_gmail_readonly(gmail_app: Any) -> None:
    app, principal, _ = gmail_app
    link = urlparse(link_for(app, principal))
    assert (link.scheme, link.netloc, link.path) == (
        "https", "mailmatrix.example.com", "/backfill/google/connect")
    answer = app.test_client().get(f"{link.path}?{link.query}")
    assert answer.status_code == 302
    target = urlparse(answer.headers["Location"])
    asked = parse_qs(target.query)
    assert target.netloc == "accounts.google.com"
    assert asked["access_type"] == ["offline"] and asked["prompt"] == ["consent"]
    assert "https://www.googleapis.com/auth/gmail.readonly" in asked["scope"][0].split()
    assert asked["redirect_uri"] == ["https://mailmatrix.example.com/backfill/google/callback"]
    assert asked["login_hint"] == ["rep@example-export.com"]
    assert asked["state"] == parse_qs(link.query)["state"]


def callback(app: Flask, principal: Principal, **query: str) -> Any:
    """Google sending the user back to us, with what the consent screen gave."""
    state = parse_qs(urlparse(link_for(app, principal)).query)["state"][0]
    return app.test_client().get("/backfill/google/callback",
                                 query_string={"state": state, **query})


def test_the_callback_stores_the_refresh_token_sealed_and_reads_gmail(gmail_app: Any) -> None:
    app, principal, endpoint = gmail_app
    gmail = GmailService((200, {"resultSizeEstimate": 0}))  # an empty mailbox: one list
    app.extensions[GMAIL].use(gmail.client())
    page = callback(app, principal, code="4/0AX4XfWh-code")
    assert page.status_code == 200 and "learning from your mailbox" in page.text
    assert endpoint.posts[0]["redirect_uri"] == \
        "https://mailmatrix.example.com/backfill/google/callback"
    assert load_grant(database_of(app), principal, "google", Sealer([KEY])) == "1//0g-refresh"
    progress = parse_qs(urlparse(page.text.split('data-url="')[1].split('"')[0]).query)
    job = wait_until_settled(lambda: app.test_client().get(
        "/backfill/google/progress", query_string={"state": progress["state"][0]})
        .json["backfill"])
    assert (job["state"], job["read"]) == ("done", 0)
    # Gmail was read with an access token from the stored refresh token
    assert endpoint.posts[-1]["grant_type"] == "refresh_token"
    assert endpoint.posts[-1]["refresh_token"] == "1//0g-refresh"
    (listed,) = gmail.requests
    assert "/gmail/v1/users/me/messages?" in listed[0]
    assert listed[3]["authorization"] == "Bearer ya29.a0-refreshed"
    with database_of(app).reading(None) as session:
        assert "1//0g-refresh" not in session.scalars(select(MailboxGrant)).one().sealed


@pytest.mark.parametrize("claims", [{"email": "someone.else@gmail.com"},
                                    {"aud": "another-client"}, {"email_verified": False}])
def test_a_grant_for_another_account_is_refused(tmp_path: Path, claims: dict[str, Any]
                                                ) -> None:
    from mailmatrix import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "GRANTS_KEYS": KEY,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"})
    database_of(app).upgrade()
    app.extensions[GOOGLE_GRANTS] = GoogleGrants(GOOGLE_CLIENT, http=GoogleTokenEndpoint(
        **claims))
    principal = local_principal(database_of(app), "rep@example-export.com")
    page = callback(app, principal, code="4/0AX4XfWh-code")
    assert page.status_code == 403 and "another account" in page.text
    assert load_grant(database_of(app), principal, "google", Sealer([KEY])) is None


@pytest.mark.parametrize("state", ["", "forged.state.value", "x" * 3000])
def test_a_forged_or_missing_state_is_refused(gmail_app: Any, state: str) -> None:
    app, principal, endpoint = gmail_app
    client = app.test_client()
    for path in ("/backfill/google/connect", "/backfill/google/callback",
                 "/backfill/google/progress"):
        answer = client.get(path, query_string={"state": state, "code": "4/0AX4XfWh-code"})
        assert answer.status_code == 403, path
    assert endpoint.posts == []


def test_declined_consent_stores_nothing(gmail_app: Any) -> None:
    app, principal, endpoint = gmail_app
    page = callback(app, principal, error="access_denied")
    assert page.status_code == 200 and "not granted" in page.text
    assert endpoint.posts == [] and load_grant(database_of(app), principal, "google",
                                               Sealer([KEY])) is None


def test_the_backfill_api_needs_a_verified_caller(outlook: Any) -> None:
    app, _, entra, mailbox = outlook
    client = app.test_client()
    for answer in (client.get("/api/backfill"),
                   client.post("/api/backfill", json={},
                               headers={"Authorization": "Bearer not.a.token"})):
        assert answer.status_code == 401 and "invalid_token" in answer.headers[
            "WWW-Authenticate"]
    assert entra.posts == [] and mailbox.calls == []


def test_a_forgotten_grant_is_gone_and_stops_the_next_page(outlook: Any) -> None:
    app, headers, _, mailbox = outlook
    client = app.test_client()
    client.post("/api/backfill", json={"months": 6}, headers=headers)
    wait_until_settled(lambda: client.get("/api/backfill", headers=headers).json["backfill"])
    me = client.get("/api/v1/me", headers=headers).json
    principal = Principal(me["tenant_id"], me["user_id"], me["email"])
    exchange = app.extensions[ON_BEHALF_OF]
    source = microsoft_source(database_of(app), principal, exchange, Sealer([KEY]),
                              GraphClient(mailbox))
    assert source.page(datetime(2026, 6, 1, tzinfo=UTC), None).facts  # the grant works
    assert client.delete("/api/backfill", headers=headers).json == {"forgotten": True}
    with database_of(app).reading(None) as session:
        assert session.scalars(select(MailboxGrant)).first() is None
    # A run from the forgotten grant (another host's, say) fails at its next page
    with pytest.raises(ConsentNeeded):
        source.page(datetime(2026, 6, 1, tzinfo=UTC), None)
