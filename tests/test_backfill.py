"""Whole-mailbox backfill from Microsoft Graph: pages of the documented shape, throttling,
interruption and resume, a revoked grant; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from mailmatrix.customers.db import Database
from mailmatrix.customers.local import local_principal
from mailmatrix.customers.models import Address, Observation
from mailmatrix.mailboxes.backfill import (
    DONE,
    FAILED,
    WAITING,
    backfill_progress,
    claim_backfill,
    run_backfill,
)
from mailmatrix.mailboxes.backfill_source import Page, SourceUnavailable
from mailmatrix.mailboxes.graph import GRAPH, GraphClient
from mailmatrix.mailboxes.graph_backfill import GraphBackfillSource

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def graph_message(number: int) -> dict[str, Any]:
    """A received message as ``GET /me/messages?$select=internetMessageHeaders,...`` lists it."""
    sender = f"buyer{number % 7}@acme-gmbh.de"
    return {
        "@odata.etag": f'W/"CQAAABYAAAC4ofQHEIqCSbQPot9jc2M6{number:06d}"',
        "id": f"AAMkAGI2TG93AAA{number:06d}=", "subject": f"PO {4400 + number}",
        "internetMessageId": f"<po{number}@acme-gmbh.de>",
        "receivedDateTime": (NOW - timedelta(hours=number)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "conversationId": "AAQkAGI2=",
        "from": {"emailAddress": {"name": f"Buyer {number % 7}", "address": sender}},
        "toRecipients": [{"emailAddress": {"name": "Rep", "address": "rep@example-export.com"}}],
        "internetMessageHeaders": [
            {"name": "Authentication-Results", "value": "spf=pass smtp.mailfrom=acme-gmbh.de;"
             " dkim=pass header.d=acme-gmbh.de;dmarc=pass action=none"},
            {"name": "From", "value": f"Buyer {number % 7} <{sender}>"},
            {"name": "To", "value": "Rep <rep@example-export.com>"},
            {"name": "Subject", "value": f"PO {4400 + number}"},
            {"name": "Date", "value": "Thu, 26 Nov 2026 08:15:00 +0100"},
            {"name": "Message-ID", "value": f"<po{number}@acme-gmbh.de>"},
        ],
    }


class Reply:
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status_code, self._body, self.headers = status, body, headers or {}

    def json(self) -> Any:
        return self._body


class GraphMailbox:
    """graph.microsoft.com/v1.0/me/messages: ``pages`` of messages chained by nextLink, with
    ``interruptions`` (a page number -> replies given before that page's real answer)."""

    def __init__(self, pages: list[list[dict[str, Any]]],
                 interruptions: dict[int, list[Reply]] | None = None) -> None:
        self.pages, self.interruptions = pages, interruptions or {}
        self.calls: list[tuple[str, dict[str, str], str]] = []

    def get(self, url: str, params: dict[str, str], timeout: float,
            headers: dict[str, str]) -> Reply:
        self.calls.append((url, dict(params), headers["Authorization"]))
        number = int(url.rpartition("skip=")[2]) if "skip=" in url else 0
        waiting = self.interruptions.get(number)
        if waiting:
            return waiting.pop(0)
        body: dict[str, Any] = {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('rep')/messages"
                              "(internetMessageHeaders,from)",
            "value": self.pages[number]}
        if number == 0:
            body["@odata.count"] = sum(map(len, self.pages))
        if number + 1 < len(self.pages):
            body["@odata.nextLink"] = (f"{GRAPH}/me/messages?%24select=internetMessageHeaders"
                                       f"&%24top=1000&%24skip={number + 1}")
        return Reply(200, body)


def pages_of(count: int, size: int) -> list[list[dict[str, Any]]]:
    return [[graph_message(n) for n in range(start, min(start + size, count))]
            for start in range(0, count, size)]


def stored(database: Database, principal: Any) -> tuple[int, int]:
    with database.session(principal.tenant_id) as session:
        return (session.scalar(select(func.count()).select_from(Observation)) or 0,
                session.scalar(select(func.count()).select_from(Address)) or 0)


def test_every_page_is_learned_and_progress_reported(database: Database) -> None:
    principal = local_principal(database, "rep@example-export.com")
    mailbox, seen = GraphMailbox(pages_of(25, 10)), []
    source = GraphBackfillSource(lambda: "token-1", GraphClient(mailbox))
    final = run_backfill(database, principal, source, months=6, on_progress=seen.append,
                         sleep=lambda _s: None, now=lambda: NOW)
    assert (final.state, final.read, final.new, final.estimated_total) == (DONE, 25, 25, 25)
    assert [item.read for item in seen] == [0, 10, 20, 25]
    assert stored(database, principal) == (25, 7)
    url, params, authorization = mailbox.calls[0]
    assert url == f"{GRAPH}/me/messages" and authorization == "Bearer token-1"
    assert params["$top"] == "1000" and "internetMessageHeaders" in params["$select"]
    assert params["$filter"] == "receivedDateTime ge 2026-05-25T12:00:00Z"
    assert mailbox.calls[1][0].endswith("skip=1") and mailbox.calls[1][1] == {}
    assert backfill_progress(database, principal, "microsoft") == final


def test_throttling_waits_what_graph_asks_then_goes_on(database: Database) -> None:
    principal = local_principal(database, "rep@example-export.com")
    throttled = Reply(429, {"error": {"code": "TooManyRequests", "message": "Slow down"}},
                      {"Retry-After": "7"})
    busy = Reply(503, {"error": {"code": "ServiceUnavailable", "message": "busy"}},
                 {"Retry-After": "3"})
    mailbox, slept, states = GraphMailbox(pages_of(20, 10), {1: [throttled, busy]}), [], []
    source = GraphBackfillSource(lambda: "t", GraphClient(mailbox))
    final = run_backfill(database, principal, source, months=3, sleep=slept.append, now=lambda: NOW,
                         on_progress=lambda p: states.append(p.state))
    assert slept == [7.0, 3.0]
    assert WAITING in states and final.state == DONE and final.read == 20
    assert stored(database, principal)[0] == 20


def test_an_interrupted_run_resumes_from_its_last_page(database: Database) -> None:
    principal = local_principal(database, "rep@example-export.com")
    mailbox = GraphMailbox(pages_of(30, 10))

    class Interrupted(Exception):
        pass

    def stop_after_first_page(progress: Any) -> None:
        if progress.read == 10:
            raise Interrupted  # the process dies: Ctrl-C, a deploy

    source = GraphBackfillSource(lambda: "t", GraphClient(mailbox))
    with pytest.raises(Interrupted):
        run_backfill(database, principal, source, months=6, sleep=lambda _s: None,
                     now=lambda: NOW, on_progress=stop_after_first_page)
    assert stored(database, principal)[0] == 10
    final = run_backfill(database, principal, source, months=6, sleep=lambda _s: None,
                         now=lambda: NOW)
    assert final.state == DONE and final.read == 30 and final.new == 30
    assert [call[0].rpartition("skip=")[2] for call in mailbox.calls] == [
        f"{GRAPH}/me/messages", "1", "2"]
    assert stored(database, principal)[0] == 30
    # Done: the next run starts over from the newest message, and learns nothing twice
    again = run_backfill(database, principal, source, months=6, sleep=lambda _s: None,
                         now=lambda: NOW)
    assert (again.read, again.new) == (30, 0)


def test_a_revoked_grant_fails_with_the_reason_and_keeps_what_was_learned(
        database: Database) -> None:
    principal = local_principal(database, "rep@example-export.com")
    revoked = Reply(401, {"error": {"code": "InvalidAuthenticationToken",
                                    "message": "Access token has expired."}})
    mailbox = GraphMailbox(pages_of(20, 10), {1: [revoked]})
    source = GraphBackfillSource(lambda: "t", GraphClient(mailbox))
    final = run_backfill(database, principal, source, months=6, sleep=lambda _s: None,
                         now=lambda: NOW)
    assert final.state == FAILED and "connect the mailbox again" in final.detail
    assert "expired" in final.detail and final.read == 10
    assert stored(database, principal)[0] == 10


def test_an_unreachable_provider_is_given_up_on_for_now_resumably(database: Database) -> None:
    principal = local_principal(database, "rep@example-export.com")

    class Down:
        provider = "microsoft"

        def page(self, since: datetime, cursor: str | None) -> Page:
            raise SourceUnavailable("Microsoft Graph could not be reached (ConnectTimeout)")

    slept: list[float] = []
    final = run_backfill(database, principal, Down(), months=1, sleep=slept.append,
                         now=lambda: NOW)
    assert final.state == "stopped" and "could not be reached" in final.detail
    assert len(slept) == 8 and final.read == 0
    # Stopped, not left running: the next run may start at once
    assert claim_backfill(database, principal, "microsoft", 1, NOW) is not None


def test_a_foreign_cursor_is_refused_not_followed() -> None:
    source = GraphBackfillSource(lambda: "t", GraphClient(GraphMailbox([[]])))
    with pytest.raises(SourceUnavailable):
        source.page(NOW, "https://evil.example/steal?token")


def test_one_run_at_a_time_and_a_stale_one_is_taken_over(database: Database) -> None:
    principal = local_principal(database, "rep@example-export.com")
    first = claim_backfill(database, principal, "microsoft", 6, NOW)
    assert first is not None and first.state == "running"
    # A second click, here or on another host, while the first reports: left alone
    assert claim_backfill(database, principal, "microsoft", 6, NOW + timedelta(minutes=5)) \
        is None
    # A run that stopped reporting (its process was killed) is taken over, where it stood
    later = claim_backfill(database, principal, "microsoft", 6, NOW + timedelta(minutes=11))
    assert later is not None and later.state == "running"


def test_concurrent_clicks_on_several_hosts_start_one_run(database: Database) -> None:
    import threading

    principal = local_principal(database, "rep@example-export.com")
    claims: list[object] = []
    ready = threading.Barrier(6)

    def click() -> None:
        ready.wait()
        claims.append(claim_backfill(database, principal, "microsoft", 6, NOW))

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claims) == 6 and sum(claim is not None for claim in claims) == 1
