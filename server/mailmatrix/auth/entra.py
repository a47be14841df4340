"""Who is calling from Outlook: an Entra ID (Microsoft 365) access token, verified.

The pane sends the token Office SSO gave it for our API. It is accepted only when Microsoft
signed it (RS256, a key of Microsoft's published set chosen by ``kid``), it was issued by the
tenant it names (``tid`` put into the issuer template and compared exactly), for our API
(audience), with our delegated scope, within its lifetime (small clock skew), and by a tenant
the deployment allows. Users are keyed on ``tid`` + ``oid``; ``preferred_username`` is only
shown. (../shared/specs/PLATFORMS.md, section 3.)
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from cachetools import TTLCache

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.tenants import ensure_tenant, ensure_user, microsoft_identity

KEYS_URL = "https://login.microsoftonline.com/common/discovery/v2.0/keys"
V2_ISSUER = "https://login.microsoftonline.com/{tid}/v2.0"
V1_ISSUER = "https://sts.windows.net/{tid}/"
KEYS_LIFETIME = 24 * 3600  # seconds: Microsoft rotates signing keys every few weeks
UNKNOWN_KEY_REFRESH = 60  # seconds between refreshes forced by an unknown kid
FETCH_TIMEOUT = 5  # seconds


class TokenRejected(Exception):
    """A token we do not accept: ``status`` 401 (prove who you are again) or 403 (you are who
    you say, but not allowed); ``code`` names the reason for the pane."""

    def __init__(self, code: str, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class EntraSettings:
    client_id: str  # our API's app registration: the v2 audience
    app_id_uri: str = ""  # api://host/<client id>: the v1 audience
    scope: str = "access_as_user"
    allowed_tenants: frozenset[str] | None = None  # tids; None: any organization
    leeway_seconds: int = 120


@dataclass(frozen=True)
class VerifiedCaller:
    tid: str
    oid: str
    username: str  # preferred_username: for display, never a key
    name: str
    scopes: tuple[str, ...]
    roles: tuple[str, ...] = ()  # app roles assigned to the user in Entra


def _fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 - fixed https URL
        return json.loads(response.read().decode("utf-8"))


class SigningKeys:
    """An identity provider's token-signing keys (a JWK set) by ``kid``: fetched once a day,
    and again when a token names a key we do not know (at most once a minute, so forged kids
    cannot make us hammer the provider). Microsoft's by default; Google's the same way."""

    def __init__(self, fetch_json: Callable[[str], dict[str, Any]] = _fetch_json,
                 url: str = KEYS_URL, clock: Callable[[], float] = time.monotonic,
                 publisher: str = "Microsoft") -> None:
        self._fetch, self._url, self._clock = fetch_json, url, clock
        self.publisher = publisher
        self._keys: TTLCache[str, Any] = TTLCache(256, KEYS_LIFETIME, timer=clock)
        self._last_refresh: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> Any | None:
        with self._lock:
            found = self._keys.get(kid)
            if found is not None:
                return found
            now = self._clock()
            if self._last_refresh is None or not self._keys or \
                    now - self._last_refresh >= UNKNOWN_KEY_REFRESH:
                self._refresh(now)
            return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        self._last_refresh = now
        try:
            published = self._fetch(self._url)
        except (OSError, ValueError) as error:
            raise TokenRejected("keys_unavailable", f"{self.publisher}'s signing keys could not "
                                f"be fetched ({error.__class__.__name__}); try again",
                                503) from None
        for entry in published.get("keys", []):
            if entry.get("kty") == "RSA" and entry.get("kid") and entry.get("use", "sig") == "sig":
                try:
                    self._keys[entry["kid"]] = jwt.PyJWK(entry, algorithm="RS256").key
                except jwt.PyJWTError:
                    continue  # one malformed entry does not cost us the others


def verify_access_token(token: str, settings: EntraSettings, keys: SigningKeys
                        ) -> VerifiedCaller:
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRejected("malformed", "not a JWT access token") from None
    if header.get("alg") != "RS256" or not header.get("kid"):
        raise TokenRejected("bad_algorithm", "only RS256 tokens signed by Microsoft are accepted")
    tid = str(unverified.get("tid", ""))
    if not _is_guid(tid):
        raise TokenRejected("wrong_issuer", "the token names no tenant (tid)")
    key = keys.key(str(header["kid"]))
    if key is None:
        raise TokenRejected("unknown_key", "the token is signed with a key Microsoft does not "
                            "publish")
    issuer = (V2_ISSUER if unverified.get("ver") == "2.0" else V1_ISSUER).format(tid=tid)
    audiences = [audience for audience in (settings.client_id, settings.app_id_uri) if audience]
    try:
        claims = jwt.decode(token, key, algorithms=["RS256"], audience=audiences, issuer=issuer,
                            leeway=settings.leeway_seconds,
                            options={"require": ["exp", "iss", "aud", "tid", "oid"]})
    except jwt.ExpiredSignatureError:
        raise TokenRejected("expired", "the token has expired") from None
    except jwt.ImmatureSignatureError:
        raise TokenRejected("not_yet_valid", "the token is not valid yet") from None
    except jwt.InvalidAudienceError:
        raise TokenRejected("wrong_audience", "the token is for another application") from None
    except jwt.InvalidIssuerError:
        raise TokenRejected("wrong_issuer", "the token's issuer is not its tenant") from None
    except jwt.InvalidSignatureError:
        raise TokenRejected("bad_signature", "the token's signature does not verify") from None
    except jwt.PyJWTError as error:
        raise TokenRejected("invalid_token", f"the token is not acceptable: {error}") from None
    if settings.allowed_tenants is not None and tid.lower() not in settings.allowed_tenants:
        raise TokenRejected("tenant_not_allowed", "your organization is not enabled for this "
                            "MailMatrix server", 403)
    scopes = tuple(str(claims.get("scp", "")).split())
    if settings.scope not in scopes:
        raise TokenRejected("missing_scope", f"the token lacks the '{settings.scope}' "
                            "permission", 403)
    return VerifiedCaller(tid=tid.lower(), oid=str(claims["oid"]).lower(),
                          username=str(claims.get("preferred_username", "")),
                          name=str(claims.get("name", "")), scopes=scopes,
                          roles=tuple(str(role) for role in claims.get("roles") or []
                                      if isinstance(claims.get("roles"), list)))


def principal_for(database: Database, caller: VerifiedCaller, locale: str = "en") -> Principal:
    """The caller inside MailMatrix: an organization is one tenant; each personal Microsoft
    account is a tenant of its own (they all share one tid)."""
    kind, key = microsoft_identity(caller.tid, caller.oid)
    tenant = ensure_tenant(database, kind, key)
    return ensure_user(database, tenant, caller.oid, email=caller.username,
                       display_name=caller.name, locale=locale)


def _is_guid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False
