"""A Gmail mailbox as backfill pages: ``users.messages.list`` since a date, newest first, then
the headers of every listed message (``messages.get``, ``format=metadata``) in HTTP batches.

Gmail lists ids only (500 a page); each message's headers cost a ``get`` of their own, fifty
of them to a batch. Calls are paced by the per-user quota (5 units a list or a get, 15,000
units a minute, a batch counting as its calls), so a long backfill does not run into 429s;
when Gmail throttles anyway, the whole page raises ``Throttled`` and is read again later.
(../shared/specs/PLATFORMS.md, section 4.)
"""

from __future__ import annotations

import json
import math
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import BatchError, HttpError
from googleapiclient.http import BatchHttpRequest

from mailmatrix.customers.facts import VERIFIED, MessageFacts, facts_from_header_list
from mailmatrix.mailboxes.backfill_source import (
    ConsentNeeded,
    Page,
    SourceUnavailable,
    Throttled,
)
from mailmatrix.mailboxes.gmail import HEADERS

LIST_COST = 5  # quota units of one messages.list
GET_COST = 5  # quota units of one messages.get (in a batch too)
UNITS_PER_MINUTE = 15_000  # Gmail's quota per user
QUOTA_WINDOW = 60.0  # seconds
PAGE_SIZE = 500  # messages.list's largest maxResults
BATCH_SIZE = 50  # Gmail takes 100 calls a batch but recommends at most 50
# The Gmail guide's batch endpoint (the bundled discovery document only says "batch")
BATCH_URI = "https://gmail.googleapis.com/batch/gmail/v1"
CALL_TIMEOUT = 30.0  # seconds: fifty messages' headers in one answer take a while
DEFAULT_RETRY_AFTER = 30.0  # seconds, when Gmail throttles without saying how long
# 403s that are about quota, not permission: waiting helps, connecting again would not
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded",
                                "dailyLimitExceeded"})


class QuotaWindow:
    """At most ``units`` quota units in any ``window`` seconds: a call that would go over
    first sleeps exactly until enough of the earlier calls have left the window."""

    def __init__(self, units: int, *, clock: Callable[[], float],
                 sleep: Callable[[float], None], window: float = QUOTA_WINDOW) -> None:
        self._units, self._clock, self._sleep, self._window = units, clock, sleep, window
        self._spent: deque[tuple[float, int]] = deque()  # (when, units), oldest first

    def spend(self, units: int) -> None:
        if units > self._units:
            raise ValueError(f"a call of {units} units never fits a budget of {self._units}")
        now = self._forget_before(self._clock())
        while self._in_window() + units > self._units:
            self._sleep(self._wait_for(units, now))
            now = self._forget_before(self._clock())  # a sleep may end early: check again
        self._spent.append((now, units))

    def _forget_before(self, now: float) -> float:
        while self._spent and now - self._spent[0][0] >= self._window:
            self._spent.popleft()
        return now

    def _in_window(self) -> int:
        return sum(units for _, units in self._spent)

    def _wait_for(self, units: int, now: float) -> float:
        excess, freed = self._in_window() + units - self._units, 0
        for when, spent in self._spent:
            freed += spent
            if freed >= excess:
                return max(0.0, when + self._window - now)
        return 0.0  # not reached: every spending fits the budget on its own


class GmailBackfillSource:
    provider = "google"

    def __init__(self, access_token: Callable[[], str], *,
                 http_factory: Callable[[], Any] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 units_per_minute: int = UNITS_PER_MINUTE) -> None:
        if units_per_minute < max(LIST_COST, GET_COST):
            raise ValueError(f"{units_per_minute} units a minute do not pay for one call")
        self._token = access_token
        self._http = http_factory or (lambda: httplib2.Http(timeout=CALL_TIMEOUT))
        self._quota = QuotaWindow(units_per_minute, clock=clock, sleep=sleep)
        self._batch_size = min(BATCH_SIZE, units_per_minute // GET_COST)
        self._service = build("gmail", "v1", http=httplib2.Http(), static_discovery=True,
                              cache_discovery=False)

    def page(self, since: datetime, cursor: str | None) -> Page:
        query: dict[str, Any] = {"userId": "me", "q": f"after:{int(since.timestamp())}",
                                 "maxResults": PAGE_SIZE, "includeSpamTrash": False}
        if cursor:
            query["pageToken"] = cursor
        self._quota.spend(LIST_COST)
        listed = self._send(self._service.users().messages().list(**query).execute)
        if not isinstance(listed, dict):
            raise SourceUnavailable("Gmail listed something that is not a JSON object")
        ids = _listed_ids(listed.get("messages"))
        facts: list[MessageFacts] = []
        for start in range(0, len(ids), self._batch_size):
            facts += self._read_headers(ids[start:start + self._batch_size])
        next_token, total = listed.get("nextPageToken"), listed.get("resultSizeEstimate")
        return Page(facts, str(next_token) if next_token else None,
                    total if isinstance(total, int) and cursor is None else None)

    def _read_headers(self, ids: list[str]) -> list[MessageFacts]:
        """The messages' headers as facts, in the listed order; deleted ones (404) and ones
        without a From left out."""
        answers: dict[str, Any] = {}
        errors: list[Exception] = []

        def collect(message_id: str, answer: Any, error: HttpError | None) -> None:
            if error is None:
                answers[message_id] = answer
            elif _status(error) != 404:  # a 404 was deleted since it was listed
                errors.append(_translated(error))

        batch = BatchHttpRequest(callback=collect, batch_uri=BATCH_URI)
        messages = self._service.users().messages()
        for message_id in ids:
            batch.add(messages.get(userId="me", id=message_id, format="metadata",
                                   metadataHeaders=HEADERS), request_id=message_id)
        self._quota.spend(GET_COST * len(ids))  # a batch counts as the calls in it
        self._send(batch.execute)
        if errors:
            raise _gravest(errors)
        found = []
        for message_id in ids:
            message = answers.get(message_id)
            payload = message.get("payload") if isinstance(message, dict) else None
            headers = payload.get("headers") if isinstance(payload, dict) else None
            facts = facts_from_header_list(headers or [], VERIFIED)
            if facts is not None:
                found.append(facts)
        return found

    def _send(self, execute: Callable[..., Any]) -> Any:
        """``execute`` (a request's or a batch's) over a fresh ``http`` that puts the current
        token on the request itself: for a batch, Gmail applies the outer request's
        Authorization to every call in it."""
        http = AuthorizedHttp(Credentials(token=self._token()), http=self._http())
        try:
            return execute(http=http)
        except RefreshError:
            # A 401 (for a batch: in any of its calls): the token was current, so the grant
            # is gone; the credentials cannot refresh and raise instead of sending again.
            raise ConsentNeeded("Google refused the mailbox's access token") from None
        except BatchError:
            raise SourceUnavailable("Gmail's batch answer could not be read") from None
        except HttpError as error:
            raise _translated(error) from None
        except (ValueError, KeyError, TypeError):  # not JSON, or a batch answer missing parts
            raise SourceUnavailable("Gmail answered with something that is not the expected "
                                    "JSON") from None
        except (TimeoutError, OSError, httplib2.HttpLib2Error) as error:
            raise SourceUnavailable(f"Gmail could not be reached "
                                    f"({error.__class__.__name__})") from None


def _listed_ids(entries: Any) -> list[str]:
    """Message ids of a list answer, each once, in the listed (newest first) order."""
    if not isinstance(entries, list):
        return []  # no messages since ``since`` (Gmail leaves the field out)
    ids = [str(entry["id"]) for entry in entries if isinstance(entry, dict) and entry.get("id")]
    return list(dict.fromkeys(ids))


def _status(error: HttpError) -> int:
    return int(getattr(error.resp, "status", 0) or 0)


def _translated(error: HttpError) -> Exception:
    status = _status(error)
    if status == 429 or (status == 403 and _reasons(error.content) & RATE_LIMIT_REASONS):
        return Throttled(_retry_after(error.resp), "Gmail asks us to slow down")
    if status == 401:
        return ConsentNeeded("Google refused the mailbox's access token")
    if status == 403:
        return ConsentNeeded("Gmail refused: the grant lacks gmail.readonly")
    return SourceUnavailable(f"Gmail answered {status}")


def _gravest(errors: list[Exception]) -> Exception:
    """One error for a batch: a grant that no longer works outweighs a wait, which outweighs
    an outage; of several waits, the longest."""
    consent = [error for error in errors if isinstance(error, ConsentNeeded)]
    waits = [error for error in errors if isinstance(error, Throttled)]
    if consent:
        return consent[0]
    return max(waits, key=lambda wait: wait.retry_after) if waits else errors[0]


def _retry_after(response: Any) -> float:
    try:
        seconds = float(response.get("retry-after", ""))
    except (AttributeError, TypeError, ValueError):  # absent, or an HTTP date
        return DEFAULT_RETRY_AFTER
    return seconds if math.isfinite(seconds) and seconds >= 0 else DEFAULT_RETRY_AFTER


def _reasons(content: Any) -> set[str]:
    """The ``reason``s of a Google error body (``error.errors[]`` and ``error.details[]``)."""
    try:
        body = json.loads(content)
    except (TypeError, ValueError):
        return set()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return set()
    items = [*(error.get("errors") or []), *(error.get("details") or [])]
    return {str(item.get("reason")) for item in items if isinstance(item, dict)}
