"""The JSON API: every request by a verified Microsoft 365 caller, inside the caller's tenant."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mailmatrix import create_app
from mailmatrix.auth.callers import KEYS
from mailmatrix.auth.entra import EntraSettings, principal_for, verify_access_token
from mailmatrix.customers.db import database_of
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.observe import observe
from tests.microsoft_fake import CLIENT_ID, Microsoft, app_trusting

OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"


@pytest.fixture
def microsoft() -> Microsoft:
    return Microsoft()


@pytest.fixture
def api_app(tmp_path: Path, microsoft: Microsoft) -> Flask:
    return app_trusting(microsoft, f"sqlite:///{tmp_path / 'api.sqlite3'}")


@pytest.fixture
def api(api_app: Flask) -> FlaskClient:
    return api_app.test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_token_is_401_with_a_bearer_challenge(api: FlaskClient) -> None:
    response = api.get("/api/profile?address=li.wei@acme-gmbh.de")
    assert response.status_code == 401
    assert response.json["error"] == "missing_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401_expired(api: FlaskClient, microsoft: Microsoft) -> None:
    now = int(time.time())
    token = microsoft.token(exp=now - 900, iat=now - 4000, nbf=now - 4000)
    response = api.get("/api/profile?address=li.wei@acme-gmbh.de", headers=bearer(token))
    assert (response.status_code, response.json["error"]) == (401, "expired")


def test_a_token_without_our_scope_is_403(api: FlaskClient, microsoft: Microsoft) -> None:
    response = api.get("/api/profile?address=x@y.de",
                       headers=bearer(microsoft.token(scp="Mail.Read")))
    assert (response.status_code, response.json["error"]) == (403, "missing_scope")
    assert "WWW-Authenticate" not in response.headers


def test_a_caller_sees_profiles_of_their_own_tenant_only(
    api: FlaskClient, api_app: Flask, microsoft: Microsoft
) -> None:
    token = microsoft.token()
    first = api.get("/api/profile?address=Li Wei <li.wei@acme-gmbh.de>", headers=bearer(token))
    assert first.status_code == 200 and first.json["known"] is False
    caller = verify_access_token(token, EntraSettings(client_id=CLIENT_ID),
                                 api_app.extensions[KEYS])
    principal = principal_for(database_of(api_app), caller)  # as the request mapped it
    observe(database_of(api_app), principal, MessageFacts(
        from_="Li Wei <li.wei@acme-gmbh.de>", to=principal.email or "rep@example-export.com",
        message_id="<a1@acme>", subject="PO 4411"))
    known = api.get("/api/profile?address=li.wei@acme-gmbh.de", headers=bearer(token))
    assert known.json["known"] is True and known.json["person"]["name"] == "Li Wei"
    stranger = microsoft.token(tid=OTHER_TENANT,
                               iss=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0")
    elsewhere = api.get("/api/profile?address=li.wei@acme-gmbh.de", headers=bearer(stranger))
    assert elsewhere.status_code == 200 and elsewhere.json["known"] is False


def test_a_missing_or_absurd_address_is_400(api: FlaskClient, microsoft: Microsoft) -> None:
    token = microsoft.token()
    assert api.get("/api/profile", headers=bearer(token)).status_code == 400
    assert api.get("/api/profile?address=" + "a" * 2000,
                   headers=bearer(token)).status_code == 400
    hostile = api.get("/api/profile?address=<img src=x onerror=alert(1)>@evil.example",
                      headers=bearer(token))
    assert hostile.status_code == 200 and hostile.json["known"] is False


def test_a_server_without_an_app_registration_says_so(tmp_path: Path,
                                                      microsoft: Microsoft) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    response = app.test_client().get("/api/profile?address=x@y.de",
                                     headers=bearer(microsoft.token()))
    assert (response.status_code, response.json["error"]) == (503, "not_configured")
