"""MessageFacts: the one input shape for every source (Outlook, Gmail, mbox, JSON lines)."""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mailmatrix.mail_headers import decoded
from mailmatrix.mime_text import Unsure, first_plain_text, plain_text_of
from mailmatrix.raw_headers import RawHeaders, read_headers

CLIENT_SUPPLIED = "client-supplied"  # what the pane read from the mail client
FETCHED = "fetched"  # fetched by the server, without the internet headers (a search result)
VERIFIED = "verified"  # fetched by the server with the internet headers


@dataclass(frozen=True)
class MessageFacts:
    """Header values as text (as they appear in the message), plus an optional plain body."""

    from_: str = ""
    sender: str = ""
    reply_to: str = ""
    to: str = ""
    cc: str = ""
    date: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    subject: str = ""
    authentication_results: tuple[str, ...] = ()  # topmost first
    body: str | None = None  # plain text; used for facts (formal matter, signature), never stored
    provenance: str = CLIENT_SUPPLIED
    extra: dict[str, str] = field(default_factory=dict)

    def message_key(self) -> str:
        """Message-ID, or a stable hash of the headers when it is missing."""
        message_id = self.message_id.strip().strip("<>").strip()
        if message_id:
            return message_id[:255]
        digest = hashlib.sha256("\x1f".join(
            (self.date, self.from_, self.to, self.cc, self.subject)).encode("utf-8", "replace"))
        return "sha256:" + digest.hexdigest()


def facts_from_bytes(data: bytes, provenance: str = CLIENT_SUPPLIED) -> MessageFacts | None:
    """Facts from a raw message; None when it has no header (truncated, not mail)."""
    headers = read_headers(data, _READ_FIELDS)
    if headers is None:
        return None
    values = {field: ", ".join(map(decoded, headers.fields.get(name, ())))
              for name, field in HEADER_FIELDS.items()}
    return MessageFacts(
        **values,
        authentication_results=tuple(map(decoded, headers.fields.get(
            "authentication-results", ()))),
        body=_body(data, headers), provenance=provenance)


def _body(data: bytes, headers: RawHeaders) -> str | None:
    """A single plain-text part is decoded from the bytes after the header; anything else
    (multipart, base64, quoted-printable) goes through the email package."""
    content_type = headers.first("content-type")
    encoding = headers.first("content-transfer-encoding").strip().lower()
    if content_type.partition(";")[0].strip().lower() in ("", "text/plain") and \
            encoding in ("", "7bit", "8bit", "binary"):
        charset = _CHARSET.search(content_type)
        try:
            return headers.body.decode(charset.group(1) if charset else "utf-8",
                                       errors="replace")
        except (LookupError, ValueError):  # no such charset; a NUL in its name
            return headers.body.decode("utf-8", errors="replace")
    text = first_plain_text(data, BODY_SCAN_BYTES, headers)
    if not isinstance(text, Unsure):
        return text
    if len(data) > BODY_SCAN_BYTES:  # attachments, long quoted history: cut at a line's end
        data = data[:data.rfind(b"\n", 0, BODY_SCAN_BYTES) + 1]
    try:
        return plain_text_of(email.message_from_bytes(data, policy=email.policy.compat32))
    except Exception:  # hostile MIME parameters make the email package raise (a TypeError on
        return None  # RFC 2231 pieces, say): the message's headers still count, without text


# The text is read this far: the new text and its signature come first, quoted history after.
# A multipart message is cut at its boundaries (``mime_text``); one the email package must
# parse is parsed this far, since attachments cost its parser milliseconds and say nothing.
BODY_SCAN_BYTES = 64 << 10


# Header name (lower case) -> MessageFacts field, for mailbox APIs that list headers as
# name/value pairs (Graph's internetMessageHeaders, Gmail's payload.headers).
HEADER_FIELDS = {"from": "from_", "sender": "sender", "reply-to": "reply_to", "to": "to",
                 "cc": "cc", "date": "date", "message-id": "message_id",
                 "in-reply-to": "in_reply_to", "references": "references", "subject": "subject"}


def facts_from_header_list(headers: Iterable[dict[str, Any]], provenance: str,
                           body: str | None = None) -> MessageFacts | None:
    """Facts from ``[{"name": ..., "value": ...}]`` (the first of each header counts; every
    Authentication-Results, topmost first); None without a From."""
    values: dict[str, str] = {}
    results = []
    for header in headers if isinstance(headers, list | tuple) else ():
        if not isinstance(header, dict):
            continue  # an answer of another shape
        name, value = str(header.get("name", "")).lower(), str(header.get("value", ""))
        field = HEADER_FIELDS.get(name)
        if field and field not in values:
            values[field] = value
        elif name == "authentication-results":
            results.append(value)
    if not values.get("from_"):
        return None
    return MessageFacts(**values, authentication_results=tuple(results), body=body,
                        provenance=provenance)


_READ_FIELDS = frozenset({*HEADER_FIELDS, "authentication-results", "content-type",
                          "content-transfer-encoding"})
_CHARSET = re.compile(r'charset\s*=\s*"?([^";\s]+)', re.IGNORECASE)
