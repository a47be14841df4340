"""Starting backfills: the source for a user's stored grant, and a run in the background.

The panel's button starts a run in a thread of the app process that received the click; the
job row is what every process reads progress from. One run per user and provider at a time
(``claim_backfill``): a second click, here or on another host, shows the progress of the run
that is active instead of starting another.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mailmatrix.addresses.hosting import MxHostsLookup
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.mailboxes.backfill import Progress, claim_backfill, continue_backfill
from mailmatrix.mailboxes.backfill_source import BackfillSource, ConsentNeeded, sign_in_failure
from mailmatrix.mailboxes.gmail_backfill import GmailBackfillSource
from mailmatrix.mailboxes.google_grant import GoogleGrantError, GoogleGrants
from mailmatrix.mailboxes.grants import Sealer, load_grant, save_grant
from mailmatrix.mailboxes.graph import GraphClient
from mailmatrix.mailboxes.graph_backfill import GraphBackfillSource
from mailmatrix.mailboxes.on_behalf_of import GraphAccessError, OnBehalfOf

GOOGLE_TOKEN_SECONDS = 45 * 60  # Google's access tokens last an hour: refresh well before
_log = logging.getLogger(__name__)


def start_in_background(database: Database, principal: Principal, source: BackfillSource,
                        months: int, mx_hosts: MxHostsLookup | None = None) -> Progress | None:
    """Claim the user's backfill and run it in a thread; None when one is active already.
    ``mx_hosts``: the app's cached MX lookup (hosting is learned as for the panel)."""
    claimed = claim_backfill(database, principal, source.provider, months, datetime.now(UTC))
    if claimed is None:
        return None

    def work() -> None:
        try:
            continue_backfill(database, principal, source, claimed, mx_hosts=mx_hosts)
        except Exception:  # the thread's end: the job row keeps the state it reached
            _log.exception("backfill of user %s stopped", principal.user_id)

    threading.Thread(target=work, name=f"backfill-{principal.user_id}", daemon=True).start()
    return claimed


def microsoft_source(database: Database, principal: Principal, exchange: OnBehalfOf,
                     sealer: Sealer, graph: GraphClient | None = None) -> GraphBackfillSource:
    """Graph, with the user's stored msal cache; each refresh is sealed and stored again."""

    def token() -> str:
        stored = load_grant(database, principal, "microsoft", sealer)
        if stored is None:
            raise ConsentNeeded("no stored grant for this mailbox")
        grant = json.loads(stored)
        try:
            access, cache = exchange.token_from_grant(grant["cache"], grant["tid"],
                                                      grant["oid"])
        except GraphAccessError as error:
            raise sign_in_failure(error.code, error.message) from None
        if cache != grant["cache"]:
            save_grant(database, principal, "microsoft",
                       json.dumps({**grant, "cache": cache}), sealer)
        return access

    return GraphBackfillSource(token, graph)


def app_only_source(exchange: OnBehalfOf, entra_tenant: str, email: str,
                    graph: GraphClient | None = None) -> GraphBackfillSource:
    """Graph with the app's own token (admin-consented ``Mail.Read``), the user's mailbox
    named by address."""

    def token() -> str:
        try:
            return exchange.application_token(entra_tenant)
        except GraphAccessError as error:
            raise sign_in_failure(error.code, error.message) from None

    return GraphBackfillSource(token, graph, mailbox=f"users/{email}")


def save_microsoft_grant(database: Database, principal: Principal, exchange: OnBehalfOf,
                         sealer: Sealer, user_token: str, tid: str, oid: str) -> None:
    """The pane's token exchanged once more, and the msal cache it leaves stored sealed."""
    cache = exchange.offline_grant(user_token, tid, oid)
    save_grant(database, principal, "microsoft",
               json.dumps({"tid": tid, "oid": oid, "cache": cache}), sealer)


def google_source(database: Database, principal: Principal, grants: GoogleGrants,
                  sealer: Sealer, http_factory: Callable[[], Any] | None = None,
                  clock: Callable[[], float] = time.monotonic) -> GmailBackfillSource:
    """Gmail, with access tokens from the user's stored refresh token (kept for 45 minutes).
    The grant is read again for every call, so a forgotten grant stops the run at once."""
    held: dict[str, tuple[str, str, float]] = {}  # "token": (refresh token, access, until)

    def token() -> str:
        refresh = load_grant(database, principal, "google", sealer)
        if refresh is None:
            raise ConsentNeeded("no stored grant for this mailbox")
        if "token" in held and held["token"][0] == refresh and clock() < held["token"][2]:
            return held["token"][1]
        try:
            access = grants.access_token(refresh)
        except GoogleGrantError as error:
            raise sign_in_failure(error.code, error.message) from None
        held["token"] = (refresh, access, clock() + GOOGLE_TOKEN_SECONDS)
        return access

    return GmailBackfillSource(token, http_factory=http_factory)
