"""Microsoft's side of sign-in, offline: signing keys generated here, published in the shape of
login.microsoftonline.com's discovery/v2.0/keys document, and access tokens as Office SSO
hands them to the pane (v2, for our API's client id, scope access_as_user)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

CLIENT_ID = "4a1f6c2e-8d3b-4c5e-9f70-2b6d8e1a3c94"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OID = "1b6d0e5c-2f9a-4c1e-8d7b-3a5f9e2c4b10"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class Microsoft:
    """Signing keys and a keys document as login.microsoftonline.com publishes them."""

    def __init__(self) -> None:
        self.private: dict[str, Any] = {}
        self.published: list[str] = []
        self.fetches = 0
        self.add_key("key-2026-11")

    def add_key(self, kid: str, publish: bool = True) -> None:
        self.private[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if publish:
            self.published.append(kid)

    def keys_document(self, url: str) -> dict[str, Any]:
        assert url == "https://login.microsoftonline.com/common/discovery/v2.0/keys"
        self.fetches += 1
        return {"keys": [{"kty": "RSA", "use": "sig", "kid": kid, "x5t": kid,
                          "n": _b64(self.private[kid].public_key().public_numbers().n),
                          "e": _b64(self.private[kid].public_key().public_numbers().e),
                          "issuer": "https://login.microsoftonline.com/{tenantid}/v2.0"}
                         for kid in self.published]}

    def token(self, kid: str = "key-2026-11", algorithm: str = "RS256", **changes: Any) -> str:
        now = int(time.time())
        claims = {"aud": CLIENT_ID, "iss": f"https://login.microsoftonline.com/{TENANT}/v2.0",
                  "iat": now - 60, "nbf": now - 60, "exp": now + 3600, "ver": "2.0",
                  "tid": TENANT, "oid": "1b6d0e5c-2f9a-4c1e-8d7b-3a5f9e2c4b10",
                  "preferred_username": "anna.becker@example-export.com", "name": "Anna Becker",
                  "scp": "access_as_user", "azp": "ea5a67f6-b6f3-4338-b240-c655ddc3cc8e"}
        claims.update(changes)
        claims = {name: value for name, value in claims.items() if value is not None}
        key = self.private[kid] if algorithm == "RS256" else "a shared secret of at least 32 bytes!"
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


class Answer:
    """An HTTP response as msal reads one (a requests.Response stand-in)."""

    def __init__(self, status_code: int, body: dict[str, Any]) -> None:
        self.status_code, self.text = status_code, json.dumps(body)
        self.headers = {"Content-Type": "application/json; charset=utf-8"}

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}")


class EntraEndpoints:
    """login.microsoftonline.com for one tenant, as msal talks to it with instance discovery
    off: the OpenID configuration (GET) and the token endpoint (POST), answers recorded from
    Entra's documented responses."""

    def __init__(self, tenant: str = TENANT) -> None:
        self.tenant = tenant
        self.posts: list[dict[str, Any]] = []
        self.token_answer: Answer | None = None  # None: success for the assertion's user
        self.issued = 0

    def get(self, url: str, params: Any = None, headers: Any = None, **kwargs: Any) -> Answer:
        base = f"https://login.microsoftonline.com/{self.tenant}"
        assert url == f"{base}/v2.0/.well-known/openid-configuration", url
        return Answer(200, {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "http_logout_supported": True, "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "tid", "oid"],
            "kerberos_endpoint": f"{base}/kerberos", "tenant_region_scope": "EU",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net", "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net"})

    def post(self, url: str, params: Any = None, data: Any = None, headers: Any = None,
             **kwargs: Any) -> Answer:
        assert url == f"https://login.microsoftonline.com/{self.tenant}/oauth2/v2.0/token", url
        self.posts.append(dict(data or {}))
        if self.token_answer is not None:
            return self.token_answer
        if data.get("grant_type") == "client_credentials":  # the app's own token: no user
            self.issued += 1
            return Answer(200, {"token_type": "Bearer", "expires_in": 3599,
                                "ext_expires_in": 3599,
                                "access_token": f"app-token-{self.issued}"})
        user = jwt.decode(data["assertion"], options={"verify_signature": False}) \
            if "assertion" in data else {"oid": OID, "tid": TENANT}  # an authorization code
        client_info = json.dumps({"uid": user["oid"], "utid": user["tid"]}).encode()
        self.issued += 1
        return Answer(200, {
            "token_type": "Bearer", "scope": "https://graph.microsoft.com/Mail.Read "
            "https://graph.microsoft.com/Mail.Read.Shared https://graph.microsoft.com/.default",
            "expires_in": 4787, "ext_expires_in": 4787,
            "access_token": f"graph-token-{self.issued}", "refresh_token": "0.AR8A-refresh",
            "client_info": base64.urlsafe_b64encode(client_info).rstrip(b"=").decode()})


def app_trusting(microsoft: Microsoft, database_url: str) -> Flask:
    """The app configured for our Entra registration, migrated, and trusting ``microsoft``'s
    signing keys instead of fetching Microsoft's."""
    from mailmatrix import create_app
    from mailmatrix.auth.callers import KEYS
    from mailmatrix.auth.entra import SigningKeys
    from mailmatrix.customers.db import database_of

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "ENTRA_CLIENT_ID": CLIENT_ID,
                      "DATABASE_URL": database_url})
    database_of(app).upgrade()
    app.extensions[KEYS] = SigningKeys(microsoft.keys_document)
    return app
