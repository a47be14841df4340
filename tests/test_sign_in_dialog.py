"""The sign-in dialog for Outlook without Office SSO: msal's authorization-code flow with PKCE
on our server, Entra's answers recorded; the token reaches the pane through messageParent."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from mailmatrix import create_app
from mailmatrix.web.sign_in import HTTP_CLIENT
from tests.microsoft_fake import CLIENT_ID, Answer, EntraEndpoints


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "ENTRA_CLIENT_ID": CLIENT_ID,
                      "ENTRA_CLIENT_SECRET": "secret", "SERVER_NAME": "mm.example-export.com",
                      "PREFERRED_URL_SCHEME": "https",
                      "ENTRA_APP_ID_URI": f"api://mm.example-export.com/{CLIENT_ID}",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    app.extensions[HTTP_CLIENT] = EntraEndpoints(tenant="organizations")
    return app


def answer_of(page: str) -> dict:
    start = page.index('id="mm-answer">') + len('id="mm-answer">')
    return json.loads(page[start:page.index("</script>", start)])


def test_the_dialog_signs_in_and_hands_the_token_to_the_pane(app: Flask) -> None:
    client = app.test_client()
    started = client.get("/auth/dialog")
    assert started.status_code == 302
    target = urlsplit(started.headers["Location"])
    assert target.netloc == "login.microsoftonline.com"
    assert target.path == "/organizations/oauth2/v2.0/authorize"
    asked = parse_qs(target.query)
    assert asked["scope"][0].startswith(f"api://mm.example-export.com/{CLIENT_ID}/access_as_user")
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["redirect_uri"] == ["https://mm.example-export.com/auth/dialog/done"]
    done = client.get("/auth/dialog/done", query_string={
        "code": "0.AR8A-code", "state": asked["state"][0],
        "session_state": "e2c7a2b1-0000-4000-8000-000000000001"})
    assert done.status_code == 200 and answer_of(done.get_data(as_text=True)) == {
        "token": "graph-token-1"}
    (sent,) = app.extensions[HTTP_CLIENT].posts
    assert sent["grant_type"] == "authorization_code" and "code_verifier" in sent


def test_a_forged_or_replayed_answer_is_refused(app: Flask) -> None:
    client = app.test_client()
    client.get("/auth/dialog")
    forged = client.get("/auth/dialog/done", query_string={"code": "x", "state": "forged"})
    assert forged.status_code == 400 and "token" not in answer_of(forged.get_data(as_text=True))
    replayed = client.get("/auth/dialog/done", query_string={"code": "x", "state": "forged"})
    assert replayed.status_code == 400  # the flow was used up


def test_entra_refusing_the_code_is_told_not_crashed(app: Flask) -> None:
    app.extensions[HTTP_CLIENT].token_answer = Answer(400, {
        "error": "invalid_grant", "error_description": "AADSTS70008: The provided "
        "authorization code or refresh token has expired.\r\nTrace ID: 1"})
    client = app.test_client()
    asked = parse_qs(urlsplit(client.get("/auth/dialog").headers["Location"]).query)
    done = client.get("/auth/dialog/done", query_string={"code": "x",
                                                        "state": asked["state"][0]})
    assert done.status_code == 401
    assert answer_of(done.get_data(as_text=True))["error"].startswith("AADSTS70008")


def test_without_a_microsoft_365_configuration_there_is_no_dialog(tmp_path: Path) -> None:
    bare = create_app({"TESTING": True, "SECRET_KEY": "test",
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'y.sqlite3'}"})
    assert bare.test_client().get("/auth/dialog").status_code == 404
