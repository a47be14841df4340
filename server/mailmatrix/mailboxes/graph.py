"""Microsoft Graph, read-only: the open message's headers and the recent correspondence with a
sender, as ``MessageFacts`` fetched by the server (verified when they come with the internet
headers).

Only the fields the graph needs are selected. Failures are typed (``GraphError.code``) so the
panel can fall back to stored data with a note: throttled (429, with Retry-After),
unauthorized (401), forbidden (403), not_found (404), unavailable (5xx, timeouts).
(../shared/specs/PLATFORMS.md, section 4.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime, formataddr
from typing import Any
from urllib.parse import quote

import requests

from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.addresses.parse import parse_address
from mailmatrix.customers.facts import FETCHED, VERIFIED, MessageFacts, facts_from_header_list

GRAPH = "https://graph.microsoft.com/v1.0"
TIMEOUT = 5  # seconds: the panel shows stored data rather than wait longer
MESSAGE_FIELDS = ("internetMessageHeaders,internetMessageId,subject,from,sender,replyTo,"
                  "toRecipients,ccRecipients,receivedDateTime,sentDateTime,conversationId")
HISTORY_FIELDS = ("internetMessageId,subject,from,sender,replyTo,toRecipients,ccRecipients,"
                  "receivedDateTime,sentDateTime,conversationId")
class GraphError(Exception):
    def __init__(self, code: str, message: str, status: int, retry_after: int | None = None
                 ) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.retry_after = (code, message, status,
                                                                  retry_after)


class GraphClient:
    def __init__(self, http: Any = None, base_url: str = GRAPH) -> None:
        self._http = http or requests.Session()
        self.base_url = base_url

    def message_facts(self, token: str, rest_id: str, owner: str | None = None
                      ) -> MessageFacts:
        """The open message. ``owner``: the shared or delegated mailbox it lives in (the
        pane's ``getSharedPropertiesAsync``), read with Mail.Read.Shared."""
        mailbox = f"users/{quote(owner, safe='@')}" if owner else "me"
        found = self.get_json(
            token, f"{self.base_url}/{mailbox}/messages/{quote(rest_id, safe='')}",
            {"$select": MESSAGE_FIELDS})
        return facts_of(found)

    def correspondence(self, token: str, address: str, top: int = 50) -> list[MessageFacts]:
        """The latest messages from or to ``address`` (Graph caps $search at 1,000)."""
        try:
            mailbox = parse_address(address).addr_spec
        except InvalidAddress as error:
            raise GraphError("bad_request", f"not an address: {error.reason}", 400) from None
        if '"' in mailbox or "\\" in mailbox:
            raise GraphError("bad_request", "this address cannot be searched for", 400)
        found = self.get_json(token, f"{self.base_url}/me/messages",
                          {"$search": f'"participants:{mailbox}"', "$select": HISTORY_FIELDS,
                           "$top": str(max(1, min(top, 1000)))})
        items = found.get("value")
        return [facts_of(item) for item in items if isinstance(item, dict)] \
            if isinstance(items, list) else []

    def get_json(self, token: str, url: str, params: dict[str, str], *,
                 timeout: float = TIMEOUT) -> dict[str, Any]:
        try:
            response = self._http.get(url, params=params, timeout=timeout,
                                      headers={"Authorization": f"Bearer {token}",
                                               "Accept": "application/json"})
        except (requests.RequestException, OSError) as error:
            raise GraphError("unavailable", f"Microsoft Graph could not be reached "
                             f"({error.__class__.__name__})", 503) from None
        if response.status_code != 200:
            raise _error_of(response)
        try:
            found = response.json()
        except ValueError:
            found = None
        if not isinstance(found, dict):
            raise GraphError("unavailable", "Microsoft Graph answered with something that is "
                             "not a JSON object", 503)
        return found


def facts_of(message: dict[str, Any]) -> MessageFacts:
    """A Graph message as facts: its internet headers when Graph has them (received mail),
    else its structured fields (mail the user sent has no internet headers)."""
    found = facts_from_header_list(message.get("internetMessageHeaders") or [], VERIFIED)
    if found is not None:
        return found
    moment = message.get("receivedDateTime") or message.get("sentDateTime")
    return MessageFacts(
        from_=_addresses([message.get("from")]), sender=_addresses([message.get("sender")]),
        reply_to=_addresses(message.get("replyTo") or []),
        to=_addresses(message.get("toRecipients") or []),
        cc=_addresses(message.get("ccRecipients") or []),
        date=_rfc5322_date(moment), message_id=str(message.get("internetMessageId") or ""),
        subject=str(message.get("subject") or ""), provenance=FETCHED)


def _addresses(recipients: Iterable[Any]) -> str:
    """Graph recipients as a header value; display names quoted as RFC 5322 requires, so a
    hostile name stays a name."""
    parts = []
    for recipient in recipients:
        if not isinstance(recipient, dict) or not isinstance(recipient.get("emailAddress"),
                                                             dict | None):
            continue  # an answer of another shape: skip what cannot be a recipient
        mailbox = recipient.get("emailAddress") or {}
        address = str(mailbox.get("address") or "")
        if address:
            parts.append(formataddr((str(mailbox.get("name") or ""), address)))
    return ", ".join(parts)


def _rfc5322_date(moment: object) -> str:
    try:
        return format_datetime(datetime.fromisoformat(str(moment).replace("Z", "+00:00")))
    except ValueError:
        return ""


def _error_of(response: Any) -> GraphError:
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    code = str(error.get("code", ""))
    message = str(error.get("message", "")) or f"HTTP {response.status_code}"
    status = response.status_code
    retry = str(response.headers.get("Retry-After", ""))
    if status == 429 or (status == 503 and retry.isdigit()):  # 503 + Retry-After: throttled
        return GraphError("throttled", "Microsoft Graph asks us to slow down", 429,
                          int(retry) if retry.isdigit() else 30)
    named = {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(status)
    if named:
        return GraphError(named, f"{code}: {message}" if code else message, status)
    return GraphError("unavailable", f"Microsoft Graph answered {status}", 503)
