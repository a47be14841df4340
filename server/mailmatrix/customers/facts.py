"""MessageFacts: the one input shape for every source (Outlook, Gmail, mbox, JSON lines)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from mailmatrix.mail_headers import decoded, header_text

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


def _plain_body(message: Message) -> str | None:
    """The first text/plain part, decoded with its charset (any policy)."""
    for part in message.walk():
        if part.get_content_type() != "text/plain" or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return None
        charset = part.get_content_charset() or "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except LookupError:
            return payload.decode("utf-8", errors="replace")
    return None


def facts_from_email(message: Message, provenance: str = CLIENT_SUPPLIED) -> MessageFacts:
    try:
        authentication = tuple(decoded(value) for value in
                               message.get_all("Authentication-Results") or ())
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):
        authentication = ()
    return MessageFacts(
        from_=header_text(message, "From"),
        sender=header_text(message, "Sender"),
        reply_to=header_text(message, "Reply-To"),
        to=header_text(message, "To"),
        cc=header_text(message, "Cc"),
        date=header_text(message, "Date"),
        message_id=header_text(message, "Message-ID"),
        in_reply_to=header_text(message, "In-Reply-To"),
        references=header_text(message, "References"),
        subject=header_text(message, "Subject"),
        authentication_results=authentication,
        body=_plain_body(message),
        provenance=provenance,
    )


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
