"""The open message as Office.js gives it (``item.from``, ``to``, ``cc``, ``subject``, ...)
turned into MessageFacts: header text with display names quoted, so a name stays a name."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, formataddr
from typing import Any

from mailmatrix.customers.facts import MessageFacts

MAX_HEADER = 998  # characters: a header line
MAX_RECIPIENTS = 500


def facts_of_office_item(item: dict[str, Any]) -> MessageFacts:
    """Raises ValueError or TypeError for an item that is not of Office.js's shape."""
    created = item.get("dateTimeCreated")
    # Office.js gives the moment in UTC, not the sender's clock: "-0000" says offset unknown
    # (RFC 5322), so their local time comes from Graph's Date header or their country.
    date = format_datetime(datetime.fromisoformat(str(created).replace("Z", "+00:00"))
                           .astimezone(UTC).replace(tzinfo=None)) if created else ""
    return MessageFacts(
        from_=_office_addresses([item.get("from")]),
        sender=_office_addresses([item.get("sender")]),
        to=_office_addresses(item.get("to") or []), cc=_office_addresses(item.get("cc") or []),
        reply_to=_office_addresses(item.get("replyTo") or []),
        subject=str(item.get("subject") or "")[:MAX_HEADER],
        message_id=str(item.get("internetMessageId") or "")[:MAX_HEADER], date=date)


def _office_addresses(recipients: list[Any]) -> str:
    if not isinstance(recipients, list) or len(recipients) > MAX_RECIPIENTS:
        raise ValueError("recipients must be a list of at most 500")
    parts = []
    for recipient in recipients:
        if recipient is None:
            continue
        if not isinstance(recipient, dict):
            raise TypeError("a recipient must be an object with emailAddress and displayName")
        address = str(recipient.get("emailAddress") or "")[:MAX_HEADER]
        if address:
            parts.append(formataddr((str(recipient.get("displayName") or "")[:200], address)))
    return ", ".join(parts)
