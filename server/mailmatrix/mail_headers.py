"""Reading a header of a parsed message as text, whatever the parsing policy (pure)."""

from __future__ import annotations

from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message


def header_text(message: Message, name: str) -> str:
    """Every value of the header, decoded and joined with ", "; a header the parser chokes on
    reads as empty instead of crashing the caller."""
    try:
        values = message.get_all(name) or []
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):
        return ""
    return ", ".join(decoded(value) for value in values)


def decoded(value: object) -> str:
    """Text of one header value: decoded already (default policy), or raw with RFC 2047 encoded
    words (compat32, which ingest uses because it is faster)."""
    if not isinstance(value, str) or "=?" not in value:
        return str(value)
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return value
