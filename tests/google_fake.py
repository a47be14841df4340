"""Google's side of a Workspace add-on request, offline: signing keys generated here and
published in the shape of googleapis.com/oauth2/v3/certs, the two ID tokens Google sends, add-on
events, and Gmail API answers of the documented shapes (for ``HttpMockSequence``)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from googleapiclient.http import HttpMockSequence

from mailmatrix.auth.entra import SigningKeys
from mailmatrix.auth.google import GOOGLE_KEYS_URL
from mailmatrix.mailboxes.gmail import GmailClient
from tests.microsoft_fake import _b64

BASE_URL = "https://mm.example-export.com"
CLIENT_ID = "284155112836-q8ee5s1bdr2fkh1hbv0g2n7rm3uo0a4c.apps.googleusercontent.com"
SERVICE_ACCOUNT = "service-284155112836@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
USER_SUB, USER_EMAIL, DOMAIN = "110248495921238986420", "anna.becker@example-export.com", \
    "example-export.com"
SCOPES = ["https://www.googleapis.com/auth/gmail.addons.execute",
          "https://www.googleapis.com/auth/gmail.addons.current.message.readonly",
          "https://www.googleapis.com/auth/userinfo.email",
          "https://www.googleapis.com/auth/script.locale",
          "https://www.googleapis.com/auth/gmail.addons.current.action.compose"]


class Google:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "6f7254101f56e41cf35c9926de84a2d552b4c6f1"

    def keys_document(self, url: str) -> dict[str, Any]:
        assert url == GOOGLE_KEYS_URL
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
                          "n": _b64(numbers.n), "e": _b64(numbers.e)}]}

    def signing_keys(self) -> SigningKeys:
        return SigningKeys(self.keys_document, url=GOOGLE_KEYS_URL, publisher="Google")

    def id_token(self, audience: str, **changes: Any) -> str:
        now = int(time.time())
        claims = {"iss": "https://accounts.google.com", "aud": audience, "azp": audience,
                  "sub": "108542960472859427389", "email_verified": True,
                  "iat": now - 10, "exp": now + 3600, **changes}
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})

    def system_token(self, path: str, **changes: Any) -> str:
        return self.id_token(BASE_URL + path, **{"email": SERVICE_ACCOUNT, **changes})

    def user_token(self, **changes: Any) -> str:
        return self.id_token(CLIENT_ID, **{"email": USER_EMAIL, "sub": USER_SUB, "hd": DOMAIN,
                                           "name": "Anna Becker", **changes})


def event(google: Google, *, message_id: str = "", locale: str = "en", scopes: list[str] |
          None = None, parameters: dict[str, str] | None = None,
          inputs: dict[str, str] | None = None, to: list[str] | None = None,
          **user: Any) -> dict[str, Any]:
    """An add-on event as Google posts it."""
    found: dict[str, Any] = {
        "commonEventObject": {"hostApp": "GMAIL", "platform": "WEB", "userLocale": locale,
                              "timeZone": {"id": "Europe/Berlin", "offset": 3600000},
                              "parameters": parameters or {},
                              "formInputs": {name: {"stringInputs": {"value": [value]}}
                                             for name, value in (inputs or {}).items()}},
        "authorizationEventObject": {"userOAuthToken": "ya29.user-oauth-token",
                                     "userIdToken": google.user_token(**user),
                                     "systemIdToken": "unused"}}
    if scopes is not None:
        found["authorizationEventObject"]["authorizedScopes"] = scopes
    if message_id or to is not None:
        found["gmail"] = {"messageId": message_id, "threadId": "18c2f0a7b3d4e5f6",
                          "accessToken": "message-access-token"}
        if to is not None:
            found["gmail"]["toRecipients"] = to
    return found


def gmail_message(sender: str, subject: str = "PO 4411", body: str = "", *,
                  message_id: str = "<po4411@acme-gmbh.de>", reply_to: str = "",
                  authentication: str = "", to: str = USER_EMAIL,
                  date: str = "Thu, 26 Nov 2026 08:15:00 +0100") -> dict[str, Any]:
    """users.messages.get, format=full: headers and a text/plain part."""
    headers = [{"name": "Authentication-Results", "value": authentication}] if authentication \
        else []
    headers += [{"name": "From", "value": sender}, {"name": "To", "value": to},
                {"name": "Subject", "value": subject}, {"name": "Date", "value": date},
                {"name": "Message-ID", "value": message_id}]
    if reply_to:
        headers.append({"name": "Reply-To", "value": reply_to})
    data = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return {"id": "18c2f0a7b3d4e5f6", "threadId": "18c2f0a7b3d4e5f6", "labelIds": ["INBOX"],
            "snippet": body[:100], "historyId": "987654", "internalDate": "1795677300000",
            "sizeEstimate": 2048,
            "payload": {"partId": "", "mimeType": "multipart/alternative", "filename": "",
                        "headers": headers, "body": {"size": 0}, "parts": [
                            {"partId": "0", "mimeType": "text/plain", "filename": "",
                             "headers": [{"name": "Content-Type",
                                          "value": "text/plain; charset=UTF-8"}],
                             "body": {"size": len(body), "data": data}},
                            {"partId": "1", "mimeType": "text/html", "filename": "",
                             "headers": [], "body": {"size": 0, "data": ""}}]}}


class GmailService:
    """gmail.googleapis.com for one test: answers in order, every request recorded."""

    def __init__(self, *answers: tuple[int, dict[str, Any]]) -> None:
        self.sequence = HttpMockSequence([({"status": str(status)}, json.dumps(body))
                                          for status, body in answers])

    @property
    def requests(self) -> list[tuple[str, str, Any, dict[str, str]]]:
        return self.sequence.request_sequence

    def client(self) -> GmailClient:
        return GmailClient(http_factory=lambda: self.sequence)


def app_for_google(google: Google, database_url: str) -> Flask:
    from mailmatrix import create_app
    from mailmatrix.customers.db import database_of
    from mailmatrix.web.gmail import GOOGLE_KEYS

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                      "DATABASE_URL": database_url, "GOOGLE_CLIENT_ID": CLIENT_ID,
                      "GOOGLE_SERVICE_ACCOUNT": SERVICE_ACCOUNT, "PUBLIC_BASE_URL": BASE_URL})
    database_of(app).upgrade()
    app.extensions[GOOGLE_KEYS] = google.signing_keys()
    return app
