"""The Gmail API for the add-on, with google-api-python-client: the open message, a reply draft
in its thread, and (only with ``gmail.readonly``) the recent correspondence with a sender.

Every call carries the user's OAuth token and, for the open message, the per-message access
token of the add-on event (``X-Goog-Gmail-Access-Token``). The service is built once from the
discovery document bundled with the library (no network); ``http_factory`` gives each call its
own ``httplib2.Http`` (which is not thread-safe), and tests hand it an ``HttpMockSequence``.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formataddr
from typing import Any

import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from mailmatrix.customers.facts import VERIFIED, MessageFacts, facts_from_header_list

TIMEOUT = 5.0  # seconds per Gmail call
HEADERS = ["From", "Sender", "Reply-To", "To", "Cc", "Date", "Message-ID", "In-Reply-To",
           "References", "Subject", "Authentication-Results"]
MAX_BODY = 200_000  # characters of the body kept for the tone hint (never stored)


class GmailError(Exception):
    """``code``: unauthorized (401), forbidden (403: a scope is missing), not_found (404),
    throttled (429), unavailable (timeouts, 5xx)."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def gmail_message_id(event_id: str) -> str:
    """The API's id of the event's message: ``msg-f:<decimal>`` (as add-on events may give it)
    becomes the hexadecimal id the API uses; anything else is passed on as it is."""
    prefix, _, number = event_id.partition(":")
    if prefix == "msg-f" and number.isdigit():
        return format(int(number), "x")
    return event_id


class GmailClient:
    def __init__(self, http_factory: Callable[[], Any] | None = None) -> None:
        self.http_factory = http_factory or (lambda: httplib2.Http(timeout=TIMEOUT))
        self._service = build("gmail", "v1", http=httplib2.Http(), static_discovery=True,
                              cache_discovery=False)

    def open_message(self, user_token: str, message_token: str, event_id: str, *,
                     with_body: bool) -> tuple[MessageFacts, str]:
        """The open message as verified facts, and its thread id. ``with_body`` (the
        ``current.message.readonly`` scope) reads the plain-text body for the tone hint;
        without it only the headers (``metadata``)."""
        messages = self._service.users().messages()
        message_id = gmail_message_id(event_id)
        request = messages.get(userId="me", id=message_id, format="full") if with_body else \
            messages.get(userId="me", id=message_id, format="metadata", metadataHeaders=HEADERS)
        message = self._execute(request, user_token, message_token)
        payload = message.get("payload")
        payload = payload if isinstance(payload, dict) else {}
        body = _plain_text(payload) if with_body else None
        facts = facts_from_header_list(payload.get("headers") or [], VERIFIED, body)
        if facts is None:
            raise GmailError("not_found", "the message has no sender", 404)
        return facts, str(message.get("threadId") or "")

    def create_reply_draft(self, user_token: str, message_token: str, *, thread_id: str,
                           to: str, subject: str, body: str, in_reply_to: str = "",
                           references: str = "") -> tuple[str, str]:
        """A draft in the message's thread; returns (draft id, thread id)."""
        draft = EmailMessage()
        draft["To"] = formataddr(("", to))
        draft["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
        if in_reply_to:
            draft["In-Reply-To"] = in_reply_to
            draft["References"] = f"{references} {in_reply_to}".strip()
        draft.set_content(body)
        raw = base64.urlsafe_b64encode(draft.as_bytes()).decode("ascii")
        request = self._service.users().drafts().create(
            userId="me", body={"message": {"raw": raw, "threadId": thread_id}})
        created = self._execute(request, user_token, message_token)
        message = created.get("message") or {}
        return str(created.get("id") or ""), str(message.get("threadId") or thread_id)

    def correspondence(self, user_token: str, address: str, *, budget_seconds: float,
                       limit: int = 20) -> tuple[list[MessageFacts], bool]:
        """Recent messages from or to ``address`` (``gmail.readonly`` only), as many as fit in
        the time budget (a card cannot be updated later, so what is late is left out), and
        whether all of them were read."""
        deadline = time.monotonic() + budget_seconds
        query = f"from:{address} OR to:{address} newer_than:2y"
        listed = self._execute(self._service.users().messages().list(
            userId="me", q=query, maxResults=limit), user_token)
        found, entries = [], listed.get("messages") or []
        for entry in entries:
            if time.monotonic() >= deadline:
                return found, False
            message = self._execute(self._service.users().messages().get(
                userId="me", id=str(entry.get("id")), format="metadata",
                metadataHeaders=HEADERS), user_token)
            facts = facts_from_header_list((message.get("payload") or {}).get("headers") or [],
                                           VERIFIED)
            if facts is not None:
                found.append(facts)
        return found, True

    def _execute(self, request: Any, user_token: str, message_token: str = "") -> dict[str, Any]:
        request.headers["Authorization"] = f"Bearer {user_token}"
        if message_token:
            request.headers["X-Goog-Gmail-Access-Token"] = message_token
        try:
            answer = request.execute(http=self.http_factory(), num_retries=0)
        except HttpError as error:
            raise _error_of(int(error.resp.status)) from None
        except ValueError:  # a 200 whose body is not JSON
            raise GmailError("unavailable", "Gmail answered with something that is not JSON",
                             503) from None
        except (TimeoutError, OSError, httplib2.HttpLib2Error) as error:
            raise GmailError("unavailable", f"Gmail could not be reached "
                             f"({error.__class__.__name__})", 503) from None
        if not isinstance(answer, dict):
            raise GmailError("unavailable", "Gmail answered with something that is not a "
                             "JSON object", 503)
        return answer


def _error_of(status: int) -> GmailError:
    named = {401: ("unauthorized", "Gmail refused the user's token"),
             403: ("forbidden", "Gmail refused: a permission (scope) is missing"),
             404: ("not_found", "Gmail has no such message"),
             429: ("throttled", "Gmail asks us to slow down")}
    code, message = named.get(status, ("unavailable", f"Gmail answered {status}"))
    return GmailError(code, message, status if status in named else 503)


def _plain_text(payload: dict[str, Any]) -> str | None:
    """The first text/plain part, depth first (multipart/alternative, mixed, related)."""
    if payload.get("mimeType") == "text/plain":
        data = (payload.get("body") or {}).get("data")
        if data:
            decoded = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
            return decoded.decode("utf-8", errors="replace")[:MAX_BODY]
    for part in payload.get("parts") or []:
        found = _plain_text(part)
        if found is not None:
            return found
    return None
