"""From a parsed email message to the plain values the tone hint needs (pure: no I/O)."""

from __future__ import annotations

from email.message import EmailMessage

from mailmatrix.addresses.classify import classify_address
from mailmatrix.mail_dates import utc_offset_minutes
from mailmatrix.mail_headers import header_text
from mailmatrix.tone.hint import HistorySummary, MessageForTone


class UnreadableMessage(ValueError):
    """A message whose body or headers cannot be read, with the reason."""


def message_body(message: EmailMessage) -> tuple[str, bool]:
    """The text body (plain preferred, else HTML) and whether it is HTML."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return "", False
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, KeyError, UnicodeError) as error:
        raise UnreadableMessage(f"unreadable body: {error}") from None
    if not isinstance(content, str):
        return "", False
    return content, part.get_content_subtype() == "html"


def message_for_tone(message: EmailMessage, *, history: HistorySummary | None = None,
                     primary_address: str | None = None, ui_locale: str = "en") -> MessageForTone:
    body, is_html = message_body(message)
    sender = classify_address(header_text(message, "From"))
    return MessageForTone(
        body=body,
        is_html=is_html,
        subject=header_text(message, "Subject"),
        from_name=sender.display_name or "",
        utc_offset_minutes=utc_offset_minutes(header_text(message, "Date")),
        sender_kind=sender.kind,
        sender_provider=sender.provider,
        sender_country=sender.region,
        primary_address=primary_address,
        history=history,
        ui_locale=ui_locale,
    )
