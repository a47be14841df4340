"""Who is calling from Gmail: the two Google ID tokens of a Workspace add-on request, verified.

Every request carries both (../shared/specs/PLATFORMS.md, section 1):
- the system ID token (``Authorization: Bearer``): Google signed it for the exact endpoint URL
  called, on behalf of the add-on's service account. It proves the request comes from Google
  for our add-on, not from anyone who knows the URL;
- the user ID token (``authorizationEventObject.userIdToken``): Google signed it for the
  add-on's OAuth client; it names the user (``sub``, ``email``, ``hd`` for Workspace).
Both must be RS256 with a key of Google's published set, from Google's issuer, unexpired, and
with a verified email. Google's keys are cached like Microsoft's (``SigningKeys``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from mailmatrix.auth.entra import SigningKeys, TokenRejected
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.tenants import ensure_tenant, ensure_user, google_identity

GOOGLE_KEYS_URL = "https://www.googleapis.com/oauth2/v3/certs"
ISSUERS = ("https://accounts.google.com", "accounts.google.com")


@dataclass(frozen=True)
class GoogleSettings:
    client_id: str  # the add-on's OAuth client id: the user ID token's audience
    service_account: str  # service-<project number>@gcp-sa-gsuiteaddons.iam.gserviceaccount.com
    leeway_seconds: int = 60


@dataclass(frozen=True)
class GoogleUser:
    sub: str
    email: str
    hd: str | None  # the Workspace domain; None for a consumer account
    name: str = ""


def google_keys() -> SigningKeys:
    return SigningKeys(url=GOOGLE_KEYS_URL, publisher="Google")


def verify_system_token(token: str, endpoint_url: str, settings: GoogleSettings,
                        keys: SigningKeys) -> None:
    """Google called ``endpoint_url`` (ours, from configuration) for our add-on."""
    claims = _verified(token, endpoint_url, keys, settings.leeway_seconds)
    if str(claims.get("email", "")).lower() != settings.service_account.lower():
        raise TokenRejected("wrong_caller", "the request was not sent for this add-on's "
                            "service account", 403)


def verify_user_token(token: str, settings: GoogleSettings, keys: SigningKeys) -> GoogleUser:
    claims = _verified(token, settings.client_id, keys, settings.leeway_seconds)
    return GoogleUser(sub=str(claims["sub"]), email=str(claims["email"]).lower(),
                      hd=str(claims["hd"]).lower() if claims.get("hd") else None,
                      name=str(claims.get("name", "")))


def principal_for_google(database: Database, user: GoogleUser, locale: str = "en"
                         ) -> Principal:
    """A Workspace domain is one tenant; each consumer Google account is a tenant of its own."""
    kind, key = google_identity(user.sub, user.hd)
    tenant = ensure_tenant(database, kind, key)
    return ensure_user(database, tenant, user.sub, email=user.email, display_name=user.name,
                       locale=locale)


def _verified(token: str, audience: str, keys: SigningKeys, leeway: int) -> dict[str, Any]:
    if not token:
        raise TokenRejected("missing_token", "the request carries no Google ID token")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenRejected("malformed", "not a Google ID token") from None
    if header.get("alg") != "RS256" or not header.get("kid"):
        raise TokenRejected("bad_algorithm", "only RS256 tokens signed by Google are accepted")
    key = keys.key(str(header["kid"]))
    if key is None:
        raise TokenRejected("unknown_key", "the token is signed with a key Google does not "
                            "publish")
    try:
        claims = jwt.decode(token, key, algorithms=["RS256"], audience=audience, leeway=leeway,
                            options={"require": ["exp", "iss", "aud", "sub"]})
    except jwt.ExpiredSignatureError:
        raise TokenRejected("expired", "the Google token has expired") from None
    except jwt.InvalidAudienceError:
        raise TokenRejected("wrong_audience", "the Google token is for another endpoint or "
                            "client") from None
    except jwt.PyJWTError as error:
        raise TokenRejected("invalid_token", f"the Google token is not acceptable: {error}"
                            ) from None
    if claims.get("iss") not in ISSUERS:
        raise TokenRejected("wrong_issuer", "the token was not issued by Google")
    if claims.get("email_verified") is not True or not claims.get("email"):
        raise TokenRejected("unverified_email", "the token's email address is not verified")
    return claims
