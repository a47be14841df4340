"""Users' offline mailbox grants, encrypted at rest.

A grant is what lets the server read a mailbox while its user is away (the backfill): Google's
refresh token, or Microsoft's serialized msal token cache (which holds the refresh token).
Each is sealed with Fernet (AES-128-CBC + HMAC-SHA256) under ``GRANTS_KEYS``: a
comma-separated list of secrets, the first seals and every one opens, so a key is rotated by
putting the new one first and dropping the old one once grants were re-sealed (each use of a
grant re-seals it). Without a key there are no offline grants and no backfill.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import delete, select

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.models import MailboxGrant
from mailmatrix.customers.upsert import insert_missing

MIN_KEY_LENGTH = 32  # characters: a key is a secret, not a password to remember


class GrantsUnavailable(Exception):
    """No usable ``GRANTS_KEYS`` is configured."""


class Sealer:
    def __init__(self, keys: Sequence[str]) -> None:
        usable = [key.strip() for key in keys if key.strip()]
        if not usable:
            raise GrantsUnavailable("offline mailbox access needs MAILMATRIX_GRANTS_KEYS "
                                    "(a random secret of 32 or more characters)")
        if any(len(key) < MIN_KEY_LENGTH for key in usable):
            raise GrantsUnavailable("every MAILMATRIX_GRANTS_KEYS secret needs 32 or more "
                                    "characters")
        # Any strong secret becomes a Fernet key through SHA-256
        self._fernet = MultiFernet([Fernet(base64.urlsafe_b64encode(
            hashlib.sha256(key.encode()).digest())) for key in usable])

    @classmethod
    def from_setting(cls, setting: object) -> Sealer:
        keys = setting if isinstance(setting, list | tuple) else str(setting or "").split(",")
        return cls([str(key) for key in keys])

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def open(self, sealed: str) -> str | None:
        """The secret; None when no configured key opens it (rotated away, or tampered)."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            return None


def save_grant(database: Database, principal: Principal, provider: str, secret: str,
               sealer: Sealer) -> None:
    moment = datetime.now(UTC)
    sealed = sealer.seal(secret)

    def work() -> None:
        with database.session(principal.tenant_id) as session:
            insert_missing(session, MailboxGrant, [{
                "tenant_id": principal.tenant_id, "user_id": principal.user_id,
                "provider": provider, "sealed": sealed, "updated_at": moment}],
                key=("tenant_id", "user_id", "provider"))
            row = session.scalars(_grant_of(principal, provider)).one()
            row.sealed, row.updated_at = sealed, moment

    database.retrying(work)


def load_grant(database: Database, principal: Principal, provider: str, sealer: Sealer
               ) -> str | None:
    with database.session(principal.tenant_id) as session:
        row = session.scalars(_grant_of(principal, provider)).first()
        return sealer.open(row.sealed) if row is not None else None


def has_grant(database: Database, principal: Principal, provider: str) -> bool:
    """Whether the user gave one (without opening it)."""
    with database.reading(principal.tenant_id) as session:
        return session.scalar(_grant_of(principal, provider).with_only_columns(
            MailboxGrant.id)) is not None


def forget_grant(database: Database, principal: Principal, provider: str) -> None:
    def work() -> None:
        with database.session(principal.tenant_id) as session:
            session.execute(delete(MailboxGrant).where(
                MailboxGrant.tenant_id == principal.tenant_id,
                MailboxGrant.user_id == principal.user_id, MailboxGrant.provider == provider))

    database.retrying(work)


def _grant_of(principal: Principal, provider: str):  # type: ignore[no-untyped-def]
    return select(MailboxGrant).where(MailboxGrant.tenant_id == principal.tenant_id,
                                      MailboxGrant.user_id == principal.user_id,
                                      MailboxGrant.provider == provider)
