"""Google's offline consent for the backfill: OAuth 2.0 authorization code with
``access_type=offline``, for ``gmail.readonly``.

The Gmail add-on's own tokens are short-lived and come without a refresh token, so "learn from
my mailbox" sends the user once through Google's consent screen with a web OAuth client of ours
(``GOOGLE_OAUTH_CLIENT_ID`` / ``GOOGLE_OAUTH_CLIENT_SECRET``). The refresh token it returns is
stored sealed (``grants.py``) and turned into access tokens while the backfill runs. The
``state`` parameter is signed and names the add-on user who asked, and the account Google
signed in must be that user's: a grant for another mailbox is refused.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"
SCOPES = ("openid", "email", "https://www.googleapis.com/auth/gmail.readonly")
TIMEOUT = 10.0
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")


class GoogleGrantError(Exception):
    """``code``: refused (Google said no: revoked, expired, wrong client), wrong_account,
    no_refresh_token, unavailable (Google could not be reached)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class GoogleOAuthClient:
    client_id: str
    client_secret: str


class GoogleGrants:
    def __init__(self, client: GoogleOAuthClient, http: Any = None) -> None:
        self._client, self._http = client, http or requests.Session()

    def consent_url(self, redirect_uri: str, state: str, login_hint: str) -> str:
        """Google's consent screen; ``prompt=consent`` so that a refresh token comes back
        even when the user consented before."""
        return AUTHORIZE_URL + "?" + urlencode({
            "client_id": self._client.client_id, "redirect_uri": redirect_uri,
            "response_type": "code", "scope": " ".join(SCOPES), "access_type": "offline",
            "prompt": "consent", "include_granted_scopes": "false", "state": state,
            "login_hint": login_hint})

    def refresh_token_for(self, code: str, redirect_uri: str, expected_email: str) -> str:
        """Exchange the callback's code; the refresh token, if the account is the user's."""
        answer = self._token({"code": code, "redirect_uri": redirect_uri,
                              "grant_type": "authorization_code"})
        refresh = answer.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            raise GoogleGrantError("no_refresh_token", "Google gave no offline access")
        if "https://www.googleapis.com/auth/gmail.readonly" not in str(
                answer.get("scope", "")).split():
            raise GoogleGrantError("refused", "read access to Gmail was not granted")
        # The ID token came straight from Google's token endpoint over TLS, which
        # authenticates it (OpenID Connect Core 3.1.3.7): its claims are read, not verified.
        claims = _claims(str(answer.get("id_token", "")))
        email = str(claims.get("email", "")).lower()
        if claims.get("aud") != self._client.client_id or \
                claims.get("iss") not in GOOGLE_ISSUERS or \
                not claims.get("email_verified") or email != expected_email.lower():
            raise GoogleGrantError("wrong_account", "Google signed in another account than "
                                   "the one using MailMatrix")
        return refresh

    def access_token(self, refresh_token: str) -> str:
        answer = self._token({"refresh_token": refresh_token, "grant_type": "refresh_token"})
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise GoogleGrantError("refused", "Google gave no access token")
        return token

    def _token(self, fields: dict[str, str]) -> dict[str, Any]:
        try:
            response = self._http.post(TOKEN_URL, data={
                **fields, "client_id": self._client.client_id,
                "client_secret": self._client.client_secret}, timeout=TIMEOUT)
        except (requests.RequestException, OSError) as error:
            raise GoogleGrantError("unavailable", "Google sign-in could not be reached "
                                   f"({error.__class__.__name__})") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise GoogleGrantError("unavailable", f"Google answered {response.status_code}")
        if response.status_code != 200:
            # invalid_grant: revoked, expired, or a code used twice
            raise GoogleGrantError("refused", f"Google refused: {answer.get('error', '?')}")
        return answer


def _claims(id_token: str) -> dict[str, Any]:
    parts = id_token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}
