"""Token attacks, Microsoft and Google both, each a case: no algorithm, HMAC signed with the
public key, missing or unknown key id, the other provider's key, wrong audience, wrong tenant or
issuer, expired, not yet valid, a Gmail system token replayed to another endpoint, another
add-on's user token, tokens in query strings. None gets in; none reaches the logs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from mailmatrix.auth.entra import (
    EntraSettings,
    SigningKeys,
    TokenRejected,
    verify_access_token,
)
from mailmatrix.auth.google import GoogleSettings, verify_system_token, verify_user_token
from tests.google_fake import BASE_URL, SERVICE_ACCOUNT, Google
from tests.google_fake import CLIENT_ID as GOOGLE_CLIENT
from tests.microsoft_fake import CLIENT_ID, TENANT, Microsoft, app_trusting

MICROSOFT_SETTINGS = EntraSettings(client_id=CLIENT_ID)
GOOGLE_SETTINGS = GoogleSettings(client_id=GOOGLE_CLIENT, service_account=SERVICE_ACCOUNT)
ENDPOINT = BASE_URL + "/gmail/message"


def public_pem(key: Any) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def resign(token: str, key: Any, algorithm: str, **header: Any) -> str:
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode(claims, key, algorithm=algorithm, headers=header)


def hmac_with_public_key(token: str, key: Any, kid: str) -> str:
    """The classic confusion attack, built by hand (PyJWT itself refuses to make it): HS256
    keyed with the provider's public key, which anyone can fetch."""
    claims = jwt.decode(token, options={"verify_signature": False})
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(public_pem(key), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def microsoft_attacks(microsoft: Microsoft, google: Google) -> dict[str, str]:
    good, now = microsoft.token(), int(time.time())
    claims = jwt.decode(good, options={"verify_signature": False})
    return {
        "alg none": jwt.encode(claims, None, algorithm="none", headers={"kid": "key-2026-11"}),
        "HS256 with the public key": hmac_with_public_key(
            good, microsoft.private["key-2026-11"], "key-2026-11"),
        "no kid": resign(good, microsoft.private["key-2026-11"], "RS256"),
        "unknown kid": resign(good, microsoft.private["key-2026-11"], "RS256", kid="nope"),
        "Google's key": resign(good, google.key, "RS256", kid=google.kid),
        "wrong audience": microsoft.token(aud="api://another-app"),
        "wrong tenant in the issuer": microsoft.token(
            iss="https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0"),
        "expired": microsoft.token(exp=now - 3600, iat=now - 7200, nbf=now - 7200),
        "not yet valid": microsoft.token(nbf=now + 3600, iat=now + 3600),
        "a Google ID token": google.user_token(),
    }


def google_attacks(google: Google, microsoft: Microsoft) -> dict[str, tuple[str, str]]:
    """Name -> (token, which check: system | user)."""
    good, now = google.system_token("/gmail/message"), int(time.time())
    claims = jwt.decode(good, options={"verify_signature": False})
    return {
        "alg none": (jwt.encode(claims, None, algorithm="none", headers={"kid": google.kid}),
                     "system"),
        "HS256 with the public key": (hmac_with_public_key(good, google.key, google.kid),
                                      "system"),
        "no kid": (resign(good, google.key, "RS256"), "system"),
        "unknown kid": (resign(good, google.key, "RS256", kid="nope"), "system"),
        "Microsoft's key": (resign(good, microsoft.private["key-2026-11"], "RS256",
                                   kid="key-2026-11"), "system"),
        "replayed to another endpoint": (google.system_token("/gmail/homepage"), "system"),
        "another add-on's service account": (google.system_token(
            "/gmail/message", email="service-1@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"),
            "system"),
        "expired": (google.system_token("/gmail/message", exp=now - 60, iat=now - 3660),
                    "system"),
        "not yet valid": (google.system_token("/gmail/message", nbf=now + 3600), "system"),
        "issued by someone else": (google.system_token("/gmail/message",
                                                       iss="https://evil.example"), "system"),
        "another add-on's user token": (google.user_token(
            aud="999-other.apps.googleusercontent.com"), "user"),
        "unverified user email": (google.user_token(email_verified=False), "user"),
        "a Microsoft token as the user": (microsoft.token(), "user"),
    }


@pytest.fixture
def parties() -> tuple[Microsoft, Google]:
    return Microsoft(), Google()


def test_every_attack_on_microsoft_sign_in_is_refused(parties: tuple[Microsoft, Google]
                                                      ) -> None:
    microsoft, google = parties
    keys = SigningKeys(microsoft.keys_document)
    assert verify_access_token(microsoft.token(), MICROSOFT_SETTINGS, keys).tid == TENANT
    for name, token in microsoft_attacks(microsoft, google).items():
        with pytest.raises(TokenRejected) as refused:
            verify_access_token(token, MICROSOFT_SETTINGS, keys)
        assert refused.value.status in (401, 403), name


def test_every_attack_on_google_sign_in_is_refused(parties: tuple[Microsoft, Google]) -> None:
    microsoft, google = parties
    keys = google.signing_keys()
    verify_system_token(google.system_token("/gmail/message"), ENDPOINT, GOOGLE_SETTINGS, keys)
    assert verify_user_token(google.user_token(), GOOGLE_SETTINGS, keys).hd == \
        "example-export.com"
    for name, (token, check) in google_attacks(google, microsoft).items():
        with pytest.raises(TokenRejected) as refused:
            if check == "system":
                verify_system_token(token, ENDPOINT, GOOGLE_SETTINGS, keys)
            else:
                verify_user_token(token, GOOGLE_SETTINGS, keys)
        assert refused.value.status in (401, 403), name


def test_tokens_in_query_strings_are_never_accepted_nor_logged(
        parties: tuple[Microsoft, Google], tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    microsoft, _ = parties
    app = app_trusting(microsoft, f"sqlite:///{tmp_path / 'attacks.sqlite3'}")
    client, token = app.test_client(), microsoft.token()
    caplog.set_level("DEBUG")
    for path in (f"/api/profile?address=a@b.de&access_token={token}",
                 f"/api/v1/me?access_token={token}", f"/api/v1/me?token={token}"):
        assert client.get(path).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 200
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token[:-4]}AAAA"})
    assert refused.status_code == 401 and token[:40] not in refused.get_data(as_text=True)
    assert token[:40] not in caplog.text
