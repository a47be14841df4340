"""MessageFacts: the one input shape for every source (Outlook, Gmail, mbox, JSON lines)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message

CLIENT_SUPPLIED = "client-supplied"
VERIFIED = "verified"


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


def _header(message: Message, name: str) -> str:
    try:
        values = message.get_all(name) or []
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):
        return ""
    return ", ".join(_text(value) for value in values)


def _text(value: object) -> str:
    """A header as text: decoded already (default policy), or raw with encoded words."""
    if not isinstance(value, str) or "=?" not in value:
        return str(value)
    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return value


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
        authentication = tuple(_text(value) for value in
                               message.get_all("Authentication-Results") or ())
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):
        authentication = ()
    return MessageFacts(
        from_=_header(message, "From"),
        sender=_header(message, "Sender"),
        reply_to=_header(message, "Reply-To"),
        to=_header(message, "To"),
        cc=_header(message, "Cc"),
        date=_header(message, "Date"),
        message_id=_header(message, "Message-ID"),
        in_reply_to=_header(message, "In-Reply-To"),
        references=_header(message, "References"),
        subject=_header(message, "Subject"),
        authentication_results=authentication,
        body=_plain_body(message),
        provenance=provenance,
    )
