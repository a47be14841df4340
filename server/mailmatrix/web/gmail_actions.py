"""The card's buttons: which handler and which values, signed, because they travel through
Google and the user's browser. A forged, altered, expired or someone else's parameter is
refused; only the handlers named here exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "mailmatrix.gmail-action"
MAX_AGE = 12 * 3600  # seconds: a card left open over a working day still works
HANDLERS = frozenset({"confirm", "reject", "unlink", "pin", "unpin", "note", "delete-note",
                      "search", "reply", "swap", "greeting", "refresh", "backfill"})


class ForgedAction(ValueError):
    """A button parameter we did not sign for this user, or signed too long ago."""


@dataclass(frozen=True)
class SignedAction:
    handler: str
    values: dict[str, Any]


class ActionSigner:
    def __init__(self, secret: str | bytes) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT)

    def sign(self, user: str, handler: str, values: dict[str, Any]) -> str:
        if handler not in HANDLERS:
            raise ValueError(f"no handler {handler!r}")
        return self._serializer.dumps({"u": user, "h": handler, "v": values})

    def read(self, user: str, token: str) -> SignedAction:
        try:
            payload = self._serializer.loads(token, max_age=MAX_AGE)
        except BadSignature:  # also SignatureExpired
            raise ForgedAction("this button has expired or was not made by MailMatrix") from None
        if not isinstance(payload, dict) or payload.get("u") != user:
            raise ForgedAction("this button was made for someone else")
        handler, values = payload.get("h"), payload.get("v")
        if handler not in HANDLERS or not isinstance(values, dict):
            raise ForgedAction("this button does nothing we know")
        return SignedAction(str(handler), values)
