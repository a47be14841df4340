"""Date headers: when a message was sent, and the sender's UTC offset (their clock)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache


@lru_cache(maxsize=1024)  # each message asks twice (moment, offset); mailing lists repeat
def _parsed(date_header: str | None) -> datetime | None:
    if not date_header:
        return None
    try:
        return parsedate_to_datetime(str(date_header))
    except (TypeError, ValueError, IndexError):
        return None


def sent_at(date_header: str | None) -> datetime | None:
    """The moment of the Date header, in UTC (stored times are all UTC, so they compare)."""
    sent = _parsed(date_header)
    if sent is None:
        return None
    return sent.astimezone(UTC) if sent.tzinfo else sent.replace(tzinfo=UTC)


def utc_offset_minutes(date_header: str | None) -> int | None:
    """The sender's UTC offset; None when absent or "-0000" (RFC 5322: offset unknown)."""
    sent = _parsed(date_header)
    offset = sent.utcoffset() if sent is not None else None
    return None if offset is None else int(offset.total_seconds() // 60)
