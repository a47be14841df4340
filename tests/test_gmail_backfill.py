"""The Gmail backfill source against recorded-shape answers (``HttpMockSequence``, no network):
a list page, its ids read in HTTP batches of 50 (multipart/mixed answers as Gmail sends them),
what is skipped, how refusals translate, and the pacing by the per-user quota."""

from __future__ import annotations

import email
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from googleapiclient.http import HttpMockSequence

from mailmatrix.customers.facts import VERIFIED
from mailmatrix.mailboxes.backfill_source import ConsentNeeded, SourceUnavailable, Throttled
from mailmatrix.mailboxes.gmail import HEADERS
from mailmatrix.mailboxes.gmail_backfill import BATCH_URI, GmailBackfillSource
from tests.google_fake import gmail_message

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
SINCE_EPOCH = 1767225600
TOKEN = "ya29.backfill-token"
BOUNDARY = "batch_Qm5hY2tmaWxsX2JvdW5kYXJ5"
Answer = tuple[dict[str, str], str]


def listed(ids: list[str], *, next_token: str = "", estimate: int = 0) -> Answer:
    """users.messages.list: ids and thread ids only."""
    body: dict[str, Any] = {"resultSizeEstimate": estimate}
    if ids:
        body["messages"] = [{"id": message_id, "threadId": message_id} for message_id in ids]
    if next_token:
        body["nextPageToken"] = next_token
    return {"status": "200", "content-type": "application/json; charset=UTF-8"}, json.dumps(body)


def metadata(message_id: str, *, with_from: bool = True) -> dict[str, Any]:
    """users.messages.get, format=metadata: the headers asked for, no parts."""
    message = gmail_message(f"Buyer {message_id} <{message_id}@acme-gmbh.de>",
                            subject=f"PO {message_id}", message_id=f"<{message_id}@acme-gmbh.de>")
    message["id"] = message_id
    del message["payload"]["parts"]
    if not with_from:
        message["payload"]["headers"] = [header for header in message["payload"]["headers"]
                                         if header["name"] != "From"]
    return message


def error_body(status: int, reason: str, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message,
                      "errors": [{"message": message, "domain": "global", "reason": reason}]}}


NOT_FOUND = error_body(404, "notFound", "Requested entity was not found.")
TOO_MANY = error_body(429, "rateLimitExceeded", "Too many concurrent requests for user")


Part = tuple[str, int, dict[str, Any], dict[str, str]]


def part(message_id: str, status: int = 200, body: dict[str, Any] | None = None,
         **headers: str) -> Part:
    """One call's answer in a batch: the message's metadata unless another body is given."""
    return message_id, status, metadata(message_id) if body is None else body, headers


def ok(*ids: str) -> list[Part]:
    return [part(message_id) for message_id in ids]


def batch_answer(*parts: Part) -> Answer:
    """A batch answer as Gmail sends it: multipart/mixed, one application/http part per call,
    each naming the call it answers in its Content-ID (``response-`` + the request's)."""
    lines = []
    for message_id, status, body, extra in parts:
        headers = {"Content-Type": "application/json; charset=UTF-8", "Vary": "Origin", **extra}
        reason = {200: "OK", 401: "Unauthorized", 404: "Not Found",
                  429: "Too Many Requests"}.get(status, "Error")
        lines += [f"--{BOUNDARY}", "Content-Type: application/http",
                  f"Content-ID: <response-0b7d5f4e-9c1a-4e2b-8f3d-6a5c4b3a2f1e + {message_id}>",
                  "", f"HTTP/1.1 {status} {reason}",
                  *(f"{name}: {value}" for name, value in headers.items()), "",
                  json.dumps(body)]
    lines += [f"--{BOUNDARY}--", ""]
    return ({"status": "200", "content-type": f"multipart/mixed; boundary={BOUNDARY}"},
            "\r\n".join(lines))


def answered(status: int, body: Any, **headers: str) -> Answer:
    return {"status": str(status), **headers}, body if isinstance(body, str) else json.dumps(body)


def source(http: HttpMockSequence, **options: Any) -> GmailBackfillSource:
    return GmailBackfillSource(lambda: TOKEN, http_factory=lambda: http, **options)


def ids_of(count: int, prefix: str = "18c2f0a7b3d4") -> list[str]:
    return [f"{prefix}{index:04x}" for index in range(count)]


def query_of(request: tuple[str, str, Any, dict[str, str]]) -> dict[str, list[str]]:
    return parse_qs(urlparse(request[0]).query)


def batched_calls(request: tuple[str, str, Any, dict[str, str]]) -> list[tuple[str, str]]:
    """(Content-ID, request line) of every call in an outgoing batch request."""
    content_type = request[3]["content-type"]
    parsed = email.message_from_string(f"Content-Type: {content_type}\r\n\r\n{request[2]}")
    return [(str(part["Content-ID"]), str(part.get_payload()).splitlines()[0])
            for part in parsed.get_payload()]


def authorization(request: tuple[str, str, Any, dict[str, str]]) -> str:
    return {name.lower(): value for name, value in request[3].items()}.get("authorization", "")


def test_a_first_page_is_listed_then_read_in_batches_of_fifty() -> None:
    ids = ids_of(60)
    http = HttpMockSequence([listed(ids, next_token="09876543210987654321", estimate=4211),
                             batch_answer(*reversed(ok(*ids[:50]))),  # any order, by id
                             batch_answer(*ok(*ids[50:]))])

    page = source(http).page(SINCE, None)

    assert [facts.from_ for facts in page.facts] == \
        [f"Buyer {message_id} <{message_id}@acme-gmbh.de>" for message_id in ids]
    assert page.facts[0].message_id == f"<{ids[0]}@acme-gmbh.de>"
    assert page.facts[0].subject == f"PO {ids[0]}"
    assert {facts.provenance for facts in page.facts} == {VERIFIED}
    assert page.cursor == "09876543210987654321"
    assert page.estimated_total == 4211

    first, *batches = http.request_sequence
    assert len(batches) == 2
    assert first[1] == "GET"
    assert urlparse(first[0]).path == "/gmail/v1/users/me/messages"
    assert query_of(first) == {"q": [f"after:{SINCE_EPOCH}"], "maxResults": ["500"],
                               "includeSpamTrash": ["false"], "alt": ["json"]}
    assert authorization(first) == f"Bearer {TOKEN}"
    for batch, expected in zip(batches, (ids[:50], ids[50:]), strict=True):
        assert (batch[0], batch[1]) == (BATCH_URI, "POST")
        assert authorization(batch) == f"Bearer {TOKEN}"
        calls = batched_calls(batch)
        assert [content_id.rsplit(" + ", 1)[1] for content_id, _ in calls] == \
            [f"{message_id}>" for message_id in expected]
        lines = [line for _, line in calls]
        assert [urlparse(line.split()[1]).path for line in lines] == \
            [f"/gmail/v1/users/me/messages/{message_id}" for message_id in expected]
        sent = parse_qs(urlparse(lines[0].split()[1]).query)
        assert sent["format"] == ["metadata"]
        assert sent["metadataHeaders"] == HEADERS


def test_a_later_page_sends_its_cursor_and_has_no_estimate() -> None:
    http = HttpMockSequence([listed(["18c2f0a7b3d50001"], estimate=4211),
                             batch_answer(*ok("18c2f0a7b3d50001"))])

    page = source(http).page(SINCE, "09876543210987654321")

    assert [facts.message_id for facts in page.facts] == ["<18c2f0a7b3d50001@acme-gmbh.de>"]
    assert page.cursor is None  # Gmail gives no nextPageToken on the last page
    assert page.estimated_total is None
    assert query_of(http.request_sequence[0])["pageToken"] == ["09876543210987654321"]
    assert query_of(http.request_sequence[0])["q"] == [f"after:{SINCE_EPOCH}"]


def test_an_empty_mailbox_is_one_list_call() -> None:
    http = HttpMockSequence([listed([], estimate=0)])

    page = source(http).page(SINCE, None)

    assert (page.facts, page.cursor, page.estimated_total) == ([], None, 0)
    assert len(http.request_sequence) == 1


def test_messages_without_a_sender_or_deleted_since_listing_are_skipped() -> None:
    ids = ids_of(4)
    http = HttpMockSequence([listed(ids), batch_answer(
        part(ids[0]), part(ids[1], body=metadata(ids[1], with_from=False)),
        part(ids[2], 404, NOT_FOUND), part(ids[3]))])

    page = source(http).page(SINCE, None)

    assert [facts.message_id for facts in page.facts] == \
        [f"<{ids[0]}@acme-gmbh.de>", f"<{ids[3]}@acme-gmbh.de>"]


@pytest.mark.parametrize(("answer", "wait"), [
    (answered(429, TOO_MANY, **{"retry-after": "17"}), 17.0),
    (answered(429, TOO_MANY), 30.0),
    (answered(429, TOO_MANY, **{"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}), 30.0),
    (answered(403, error_body(403, "userRateLimitExceeded", "User Rate Limit Exceeded")), 30.0),
    (answered(403, error_body(403, "rateLimitExceeded", "Rate Limit Exceeded"),
              **{"retry-after": "5"}), 5.0),
    # the project's daily quota: waiting helps, connecting the mailbox again would not
    (answered(403, error_body(403, "dailyLimitExceeded", "Daily Limit Exceeded")), 30.0),
])
def test_a_throttled_list_raises_throttled_with_the_wait(answer: Answer, wait: float) -> None:
    http = HttpMockSequence([answer])

    with pytest.raises(Throttled) as raised:
        source(http).page(SINCE, None)

    assert raised.value.retry_after == wait
    assert len(http.request_sequence) == 1


def test_a_call_throttled_inside_a_batch_throttles_the_whole_page() -> None:
    ids = ids_of(3)
    http = HttpMockSequence([listed(ids), batch_answer(
        part(ids[0]), part(ids[1], 429, TOO_MANY, **{"Retry-After": "12"}),
        part(ids[2], 429, TOO_MANY))])

    with pytest.raises(Throttled) as raised:
        source(http).page(SINCE, None)

    assert raised.value.retry_after == 30.0  # the longest wait asked for in the batch


def test_a_throttled_batch_request_raises_throttled() -> None:
    http = HttpMockSequence([listed(ids_of(2)), answered(429, TOO_MANY, **{"retry-after": "9"})])

    with pytest.raises(Throttled) as raised:
        source(http).page(SINCE, None)

    assert raised.value.retry_after == 9.0


UNAUTHORIZED = error_body(401, "authError", "Invalid Credentials")
NO_SCOPE = error_body(403, "insufficientPermissions", "Insufficient Permission")


@pytest.mark.parametrize("answer", [answered(401, UNAUTHORIZED), answered(403, NO_SCOPE)])
def test_a_refused_grant_needs_consent(answer: Answer) -> None:
    http = HttpMockSequence([answer])

    with pytest.raises(ConsentNeeded):
        source(http).page(SINCE, None)

    assert len(http.request_sequence) == 1  # not sent again with the same token


@pytest.mark.parametrize("status", [401, 403])
def test_a_call_refused_inside_a_batch_needs_consent(status: int) -> None:
    ids = ids_of(2)
    refusal = UNAUTHORIZED if status == 401 else NO_SCOPE
    http = HttpMockSequence([listed(ids), batch_answer(
        part(ids[0]), part(ids[1], status, refusal))])

    with pytest.raises(ConsentNeeded):
        source(http).page(SINCE, None)

    assert len(http.request_sequence) == 2  # the batch is not sent again for the 401


@pytest.mark.parametrize("answers", [
    [answered(500, error_body(500, "backendError", "Backend Error"))],
    [answered(503, "<html>Service Unavailable</html>")],
    [answered(200, "<html>a captive portal</html>")],
    [listed(ids_of(2)), answered(502, "<html>Bad Gateway</html>")],
    [listed(ids_of(2)), batch_answer(part(ids_of(2)[0], 500, error_body(500, "backendError",
                                                                        "Backend Error")),
                                     part(ids_of(2)[1]))],
    [listed(ids_of(2)), answered(200, "not a multipart answer", **{
        "content-type": "text/plain"})],
    [listed(ids_of(2)), batch_answer(*ok(ids_of(2)[0]))],  # one call left unanswered
])
def test_an_outage_or_nonsense_is_unavailable(answers: list[Answer]) -> None:
    with pytest.raises(SourceUnavailable):
        source(HttpMockSequence(answers)).page(SINCE, None)


def test_a_timeout_is_unavailable() -> None:
    class TimingOut:
        def request(self, *args: Any, **kwargs: Any) -> Any:
            raise TimeoutError("timed out")

    with pytest.raises(SourceUnavailable, match="TimeoutError"):
        GmailBackfillSource(lambda: TOKEN, http_factory=TimingOut).page(SINCE, None)


def test_each_call_carries_the_token_current_at_the_time() -> None:
    tokens = iter(["ya29.first", "ya29.second"])
    http = HttpMockSequence([listed(ids_of(1)), batch_answer(*ok(*ids_of(1)))])

    GmailBackfillSource(lambda: next(tokens), http_factory=lambda: http).page(SINCE, None)

    assert [authorization(request) for request in http.request_sequence] == \
        ["Bearer ya29.first", "Bearer ya29.second"]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class TimedGmail(HttpMockSequence):
    """Answers in order; notes when each request was sent, and each takes a second."""

    def __init__(self, clock: FakeClock, answers: list[Answer]) -> None:
        super().__init__(answers)
        self.clock = clock
        self.times: list[float] = []

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self.times.append(self.clock.now)
        self.clock.now += 1.0
        return super().request(*args, **kwargs)


def units_of(request: tuple[str, str, Any, dict[str, str]]) -> int:
    return 5 * len(batched_calls(request)) if request[0] == BATCH_URI else 5


def most_units_in_a_minute(http: TimedGmail) -> int:
    spent = list(zip(http.times, map(units_of, http.request_sequence), strict=True))
    return max(sum(units for when, units in spent if at - 60 < when <= at) for at, _ in spent)


def test_calls_are_paced_by_the_quota_and_never_exceed_it_in_a_minute() -> None:
    clock, ids = FakeClock(), ids_of(110)
    http = TimedGmail(clock, [listed(ids, next_token="page-2"), batch_answer(*ok(*ids[:50])),
                              batch_answer(*ok(*ids[50:100])), batch_answer(*ok(*ids[100:])),
                              listed([])])
    paced = source(http, clock=lambda: clock.now, sleep=clock.sleep, units_per_minute=300)

    first = paced.page(SINCE, None)
    second = paced.page(SINCE, first.cursor)

    assert len(first.facts) == 110 and second.facts == []
    # list 5 @0, batch 250 @1; the next 250 waits for both to leave the window (@61); 50 more
    # fit exactly (300 @62); the next page's list waits for the 250 of @61 to leave (@121).
    assert clock.sleeps == [59.0, 58.0]
    assert http.times == [0.0, 1.0, 61.0, 62.0, 121.0]
    assert [units_of(request) for request in http.request_sequence] == [5, 250, 250, 50, 5]
    assert most_units_in_a_minute(http) == 300


def test_a_small_quota_makes_batches_small_enough_to_fit_it() -> None:
    clock, ids = FakeClock(), ids_of(30)
    http = TimedGmail(clock, [listed(ids), batch_answer(*ok(*ids[:20])),
                              batch_answer(*ok(*ids[20:]))])
    paced = source(http, clock=lambda: clock.now, sleep=clock.sleep, units_per_minute=100)

    assert len(paced.page(SINCE, None).facts) == 30
    assert [units_of(request) for request in http.request_sequence] == [5, 100, 50]
    assert clock.sleeps == [59.0, 59.0]
    assert http.times == [0.0, 60.0, 120.0]
    assert most_units_in_a_minute(http) == 100


def test_without_pressure_on_the_quota_nothing_sleeps() -> None:
    clock, ids = FakeClock(), ids_of(120)
    http = TimedGmail(clock, [listed(ids), batch_answer(*ok(*ids[:50])),
                              batch_answer(*ok(*ids[50:100])), batch_answer(*ok(*ids[100:]))])

    source(http, clock=lambda: clock.now, sleep=clock.sleep).page(SINCE, None)

    assert clock.sleeps == []
    assert http.times == [0.0, 1.0, 2.0, 3.0]


def test_a_quota_too_small_for_one_call_is_refused() -> None:
    with pytest.raises(ValueError):
        GmailBackfillSource(lambda: TOKEN, units_per_minute=4)
