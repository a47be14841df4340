"""A Microsoft 365 mailbox as backfill pages: ``GET /me/messages`` since a date, newest first.

One request at a time per mailbox (Graph allows four), a thousand messages a page with only the
fields the graph needs (``$top`` with ``$select``), the next page from ``@odata.nextLink``. A
429 or 503 with Retry-After becomes ``Throttled`` for the engine to wait out. Received mail
comes with its internet headers (verified facts); what the user sent has none and is read from
the structured fields. (../shared/specs/PLATFORMS.md, section 4.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from mailmatrix.mailboxes.backfill_source import (
    ConsentNeeded,
    Page,
    SourceUnavailable,
    Throttled,
)
from mailmatrix.mailboxes.graph import MESSAGE_FIELDS, GraphClient, GraphError, facts_of

PAGE_SIZE = 1000  # Graph's largest $top for messages
PAGE_TIMEOUT = 60.0  # seconds: a thousand messages' headers take a while to assemble


class GraphBackfillSource:
    provider = "microsoft"

    def __init__(self, access_token: Callable[[], str], client: GraphClient | None = None, *,
                 page_size: int = PAGE_SIZE, mailbox: str = "me") -> None:
        """``mailbox``: "me" with a delegated token; "users/{address}" with an app-only
        token (``Mail.Read`` application permission, admin consent)."""
        self._token, self._page_size, self._mailbox = access_token, page_size, mailbox
        self._client = client or GraphClient()
        self._base = self._client.base_url

    def page(self, since: datetime, cursor: str | None) -> Page:
        if cursor is not None and not cursor.startswith(self._base + "/"):
            raise SourceUnavailable("the stored position is not a Microsoft Graph link")
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        url, params = (cursor, {}) if cursor else (f"{self._base}/{self._mailbox}/messages", {
            "$select": MESSAGE_FIELDS, "$top": str(self._page_size), "$count": "true",
            "$filter": f"receivedDateTime ge {stamp}", "$orderby": "receivedDateTime desc"})
        try:
            # A nextLink carries every parameter of the first request
            found = self._client.get_json(self._token(), url, params, timeout=PAGE_TIMEOUT)
        except GraphError as error:
            raise _translated(error) from None
        items = found.get("value")
        facts = [facts_of(item) for item in items if isinstance(item, dict)] \
            if isinstance(items, list) else []
        total = found.get("@odata.count")
        link = found.get("@odata.nextLink")
        return Page([item for item in facts if item.from_], str(link) if link else None,
                    total if isinstance(total, int) and cursor is None else None)


def _translated(error: GraphError) -> Exception:
    if error.code == "throttled":
        return Throttled(float(error.retry_after or 30), error.message)
    if error.code in ("unauthorized", "forbidden"):
        return ConsentNeeded(error.message)
    return SourceUnavailable(error.message)
