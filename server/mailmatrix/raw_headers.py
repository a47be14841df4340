"""The header block of a raw message, read without building a message object (pure).

Ingest reads a header-only view of every message: the fields that make up MessageFacts and
the few that say whether the body is plain text. The email package's parser does this too,
at several times the cost, because it builds the whole MIME tree; it still decodes bodies
that are not a single plain-text part (``customers/facts.py``: the text part that
``mime_text`` finds, or the whole message where that cannot be sure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# field-name = printable US-ASCII except ":" (RFC 5322 3.6.8); the value runs on over folded
# lines (a line that starts with a space or a tab).
_FIELD = re.compile(rb"([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*(?:\r?\n[ \t].*)*)\r?\n?")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True)
class RawHeaders:
    fields: dict[str, list[str]]  # lower-case name -> values in order, unfolded
    body: bytes  # everything after the blank line (or after the first line that is no field)

    def first(self, name: str) -> str:
        values = self.fields.get(name)
        return values[0] if values else ""


def read_headers(data: bytes, wanted: frozenset[str]) -> RawHeaders | None:
    """The ``wanted`` fields (lower-case names) and the body; None when ``data`` does not
    start with a header field (a truncated file, not mail).

    Header bytes are read as UTF-8 (RFC 6532), anything else replaced: encoded words
    (RFC 2047) are left for the caller to decode."""
    separator = _BLANK_LINE.search(data)
    block, body = (data[:separator.start()], data[separator.end():]) if separator else (data,
                                                                                       b"")
    fields: dict[str, list[str]] = {}
    position = 0
    while position < len(block):
        match = _FIELD.match(block, position)
        if match is None:
            # A line that is no field ends the header (as the email package reads it).
            body = data[position:]
            break
        name = match.group(1).decode("ascii").lower()
        if name in wanted:
            value = match.group(2).decode("utf-8", errors="replace")
            fields.setdefault(name, []).append(_FOLD.sub("", value).strip())
        position = match.end()
    if position == 0:
        return None
    return RawHeaders(fields, body)
