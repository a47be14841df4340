"""MessageFacts: the one input shape for every source (Outlook, Gmail, mbox, JSON lines)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage

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


def _header(message: EmailMessage, name: str) -> str:
    try:
        values = message.get_all(name) or []
    except (ValueError, IndexError, TypeError, AttributeError, LookupError):
        return ""
    return ", ".join(str(value) for value in values)


def _plain_body(message: EmailMessage) -> str | None:
    try:
        part = message.get_body(preferencelist=("plain",))
        content = part.get_content() if part is not None else None
    except (LookupError, ValueError, AssertionError, KeyError, UnicodeError):
        return None
    return content if isinstance(content, str) else None


def facts_from_email(message: EmailMessage, provenance: str = CLIENT_SUPPLIED) -> MessageFacts:
    try:
        authentication = tuple(str(value) for value in
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
