"""Microsoft's side of sign-in, offline: signing keys generated here, published in the shape of
login.microsoftonline.com's discovery/v2.0/keys document, and access tokens as Office SSO
hands them to the pane (v2, for our API's client id, scope access_as_user)."""

from __future__ import annotations

import base64
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "4a1f6c2e-8d3b-4c5e-9f70-2b6d8e1a3c94"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


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
