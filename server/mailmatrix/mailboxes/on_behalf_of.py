"""Graph tokens on behalf of the signed-in Outlook user (OAuth 2.0 on-behalf-of, with msal).

The pane's token for our API is exchanged for a Graph token with the delegated mail scopes.
msal keeps the results in the user's own token cache (``token_caches``: Redis or memory), and
the user's next request takes the Graph token from there until it nears expiry. An msal
application is made per request around that cache; the tenant's OpenID configuration comes
from a shared ``http_cache``, so that costs no round trip. ``http_client`` is msal's own
injection point (an object with ``get``/``post`` like a requests session): tests hand it
Entra's recorded answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msal
import requests

from mailmatrix.mailboxes.token_caches import InProcessTokenCaches, TokenCaches

GRAPH_MAIL_SCOPES = ("https://graph.microsoft.com/Mail.Read",
                     "https://graph.microsoft.com/Mail.Read.Shared")
APPLICATION_SCOPES = ("https://graph.microsoft.com/.default",)  # what the admin consented to
AUTHORITY_HOST = "https://login.microsoftonline.com"
_CONSENT = ("consent_required", "interaction_required")


class GraphAccessError(Exception):
    """No Graph token: ``code`` expired (401: the pane gets a fresh token and retries),
    consent_required (403: an admin or the user must consent), unavailable (503: Entra could
    not be reached) or refused (502: Entra said no for another reason)."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class OnBehalfOfSettings:
    client_id: str
    client_secret: str


class OnBehalfOf:
    def __init__(self, settings: OnBehalfOfSettings, http_client: Any = None,
                 token_caches: TokenCaches | None = None) -> None:
        self._settings, self._http = settings, http_client
        self._caches = token_caches or InProcessTokenCaches()
        self._http_cache: dict[str, Any] = {}  # OpenID configurations, shared by all apps
        self._applications: dict[str, msal.ConfidentialClientApplication] = {}  # by tid

    def graph_token(self, user_token: str, tid: str, oid: str) -> str:
        """A Graph token for the user (``tid``/``oid`` of the verified pane token): from
        the user's cache while it lasts, else exchanged."""
        cache = self._caches.load(tid, oid)
        try:
            result = self._exchange(cache, user_token, tid, oid)
        finally:
            self._caches.save(tid, oid, cache)
        if "access_token" in result:
            return str(result["access_token"])
        raise _error_of(result)

    def offline_grant(self, user_token: str, tid: str, oid: str) -> str:
        """The user's msal token cache, serialized, after an exchange for the mail scopes: it
        holds the refresh token a backfill reads the mailbox with while the user is away."""
        self.graph_token(user_token, tid, oid)
        return self._caches.load(tid, oid).serialize()

    def token_from_grant(self, grant: str, tid: str, oid: str) -> tuple[str, str]:
        """A Graph token from a stored grant (``offline_grant``), refreshed by msal when
        due, and the grant as it is now (to store again). GraphAccessError when the grant
        no longer works (revoked, expired, consent withdrawn)."""
        cache = msal.SerializableTokenCache()
        try:
            cache.deserialize(grant)
        except ValueError:
            raise GraphAccessError("consent_required", "the stored grant is unreadable",
                                   403) from None
        result = self._exchange(cache, None, tid, oid)
        if "access_token" not in result:
            raise GraphAccessError("consent_required", "the stored grant no longer works: "
                                   "connect the mailbox again", 403)
        return str(result["access_token"]), cache.serialize()

    def application_token(self, tid: str) -> str:
        """The app's own Graph token in organization ``tid`` (client credentials: the
        application permission ``Mail.Read``, which an administrator consented to), for a
        backfill without the user. msal keeps it in the app's cache until it nears expiry."""
        app = self._applications.get(tid)
        if app is None:
            app = self._applications[tid] = msal.ConfidentialClientApplication(
                self._settings.client_id, client_credential=self._settings.client_secret,
                authority=f"{AUTHORITY_HOST}/{tid}", http_client=self._http,
                instance_discovery=False, http_cache=self._http_cache)
        try:
            result = app.acquire_token_for_client(scopes=list(APPLICATION_SCOPES))
        except (requests.RequestException, OSError) as error:
            raise GraphAccessError("unavailable", "Microsoft sign-in could not be reached "
                                   f"({error.__class__.__name__})", 503) from None
        if "access_token" in result:
            return str(result["access_token"])
        raise _error_of(result)

    def _exchange(self, cache: msal.SerializableTokenCache, user_token: str | None, tid: str,
                  oid: str) -> dict[str, Any]:
        """From the cache (refreshed by msal when due), else exchanged on behalf of the
        user when their ``user_token`` is at hand; {} when neither gives a token."""
        try:
            app = msal.ConfidentialClientApplication(
                self._settings.client_id, client_credential=self._settings.client_secret,
                authority=f"{AUTHORITY_HOST}/{tid}", http_client=self._http,
                instance_discovery=False, token_cache=cache, http_cache=self._http_cache)
            account = next((item for item in app.get_accounts()
                            if item.get("home_account_id") == f"{oid}.{tid}"), None)
            result = app.acquire_token_silent(list(GRAPH_MAIL_SCOPES), account=account) \
                if account else None
            if (not result or "access_token" not in result) and user_token:
                result = app.acquire_token_on_behalf_of(user_assertion=user_token,
                                                        scopes=list(GRAPH_MAIL_SCOPES))
            return result or {}
        except (requests.RequestException, OSError) as error:
            raise GraphAccessError("unavailable", "Microsoft sign-in could not be reached "
                                   f"({error.__class__.__name__})", 503) from None
        except ValueError as error:  # msal: the tenant's OpenID configuration is unusable
            raise GraphAccessError("unavailable", f"Microsoft sign-in answered oddly: {error}",
                                   503) from None


def _error_of(result: dict[str, Any]) -> GraphAccessError:
    error = str(result.get("error", ""))
    description = str(result.get("error_description", ""))
    codes = set(result.get("error_codes") or [])
    if 500133 in codes or "AADSTS500133" in description:
        return GraphAccessError("expired", "your sign-in has expired", 401)
    if error in _CONSENT or result.get("suberror") == "consent_required" or 65001 in codes:
        return GraphAccessError("consent_required", "MailMatrix needs consent to read mail "
                                "(ask your administrator, or sign in again)", 403)
    first_line = description.splitlines()[0] if description else error
    return GraphAccessError("refused", f"Microsoft refused the token exchange: {first_line}",
                            502)
