"""Microsoft Graph as the server reads it: responses of the documented shapes, recorded here."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from mailmatrix.addresses.parse import parse_address_list
from mailmatrix.customers.facts import FETCHED, VERIFIED
from mailmatrix.mailboxes.graph import GraphClient, GraphError

REST_ID = "AAMkAGI2TG93AAA="
RECEIVED = {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('rep')/messages"
                      "(internetMessageHeaders,from)/$entity",
    "@odata.etag": 'W/"CQAAABYAAAC4ofQHEIqCSbQPot9jc2M6AAGHrEn"',
    "id": REST_ID, "subject": "PO 4411", "internetMessageId": "<x1@acme-gmbh.de>",
    "receivedDateTime": "2026-11-26T07:15:00Z", "conversationId": "AAQkAGI2=",
    "from": {"emailAddress": {"name": "Li Wei", "address": "li.wei@acme-gmbh.de"}},
    "sender": {"emailAddress": {"name": "Li Wei", "address": "li.wei@acme-gmbh.de"}},
    "replyTo": [{"emailAddress": {"name": "Li Wei", "address": "liwei.home@gmail.com"}}],
    "toRecipients": [{"emailAddress": {"name": "Anna", "address": "anna@example-export.com"}}],
    "ccRecipients": [],
    "internetMessageHeaders": [
        {"name": "Authentication-Results", "value": "spf=pass (sender IP is 40.107.1.1) "
         "smtp.mailfrom=acme-gmbh.de; dkim=pass header.d=acme-gmbh.de;dmarc=pass action=none "
         "header.from=acme-gmbh.de;compauth=pass reason=100"},
        {"name": "Received", "value": "from EUR05-AM6 by AM6PR.outlook.office365.com"},
        {"name": "Authentication-Results", "value": "mx.evil.example; dmarc=pass"},
        {"name": "From", "value": "\"Wei, Li\" <li.wei@acme-gmbh.de>"},
        {"name": "To", "value": "Anna <anna@example-export.com>"},
        {"name": "Reply-To", "value": "Li Wei <liwei.home@gmail.com>"},
        {"name": "Subject", "value": "PO 4411"},
        {"name": "Date", "value": "Thu, 26 Nov 2026 08:15:00 +0100"},
        {"name": "Message-ID", "value": "<x1@acme-gmbh.de>"},
    ],
}
SENT = {  # Sent Items carry no internet headers
    "id": "AAMkSENT=", "subject": "Quotation", "internetMessageId": "<q9@example-export.com>",
    "sentDateTime": "2026-11-25T09:30:00Z", "receivedDateTime": "2026-11-25T09:30:00Z",
    "from": {"emailAddress": {"name": "Anna", "address": "anna@example-export.com"}},
    "toRecipients": [{"emailAddress": {"name": 'Evil", <img src=x onerror=alert(1)>',
                                       "address": "ceo@acme-grnbh.de"}}],
    "ccRecipients": [{"emailAddress": {"name": "", "address": "sales@acme-gmbh.de"}}],
}


class Reply:
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.status_code, self._body, self.headers = status, body, headers or {}

    def json(self) -> Any:
        if isinstance(self._body, str):
            raise ValueError("not JSON")
        return self._body


class FakeGraph:
    def __init__(self, reply: Reply) -> None:
        self.reply, self.calls = reply, []

    def get(self, url: str, params: dict[str, str], timeout: float,
            headers: dict[str, str]) -> Reply:
        self.calls.append((url, params, headers))
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def test_the_open_message_comes_from_its_internet_headers() -> None:
    graph = FakeGraph(Reply(200, RECEIVED))
    facts = GraphClient(graph).message_facts("graph-token", REST_ID)
    assert facts.from_ == '"Wei, Li" <li.wei@acme-gmbh.de>'
    assert facts.reply_to == "Li Wei <liwei.home@gmail.com>"
    assert facts.date == "Thu, 26 Nov 2026 08:15:00 +0100"  # the sender's UTC offset kept
    assert facts.provenance == VERIFIED
    assert facts.authentication_results[0].startswith("spf=pass")  # topmost first
    assert len(facts.authentication_results) == 2
    url, params, headers = graph.calls[0]
    assert url == f"https://graph.microsoft.com/v1.0/me/messages/{REST_ID.replace('=', '%3D')}"
    assert "internetMessageHeaders" in params["$select"]
    assert headers["Authorization"] == "Bearer graph-token"


def test_a_shared_mailbox_item_is_read_from_its_owner() -> None:
    graph = FakeGraph(Reply(200, RECEIVED))
    GraphClient(graph).message_facts("graph-token", REST_ID, owner="sales@example-export.com")
    assert graph.calls[0][0].startswith(
        "https://graph.microsoft.com/v1.0/users/sales@example-export.com/messages/")


def test_a_sent_message_without_headers_comes_from_its_fields_names_quoted() -> None:
    facts = GraphClient(FakeGraph(Reply(200, SENT))).message_facts("t", "AAMkSENT=")
    assert facts.from_ == "Anna <anna@example-export.com>"
    assert facts.to == '"Evil\\", <img src=x onerror=alert(1)>" <ceo@acme-grnbh.de>'
    assert facts.cc == "sales@acme-gmbh.de"
    assert facts.provenance == FETCHED  # no internet headers: not the receiving system's word
    assert facts.date == "Wed, 25 Nov 2026 09:30:00 +0000"
    (recipient,) = parse_address_list(facts.to).addresses
    assert recipient.addr_spec == "ceo@acme-grnbh.de"  # the name never becomes an address


def test_recent_correspondence_searches_participants_with_selected_fields() -> None:
    graph = FakeGraph(Reply(200, {"value": [RECEIVED | {"internetMessageHeaders": None},
                                            SENT]}))
    found = GraphClient(graph).correspondence("t", "Li Wei <Li.Wei@ACME-GmbH.de>", top=20)
    assert [facts.message_id for facts in found] == ["<x1@acme-gmbh.de>",
                                                     "<q9@example-export.com>"]
    params = graph.calls[0][1]
    assert params["$search"] == '"participants:Li.Wei@acme-gmbh.de"'
    assert params["$top"] == "20" and "internetMessageHeaders" not in params["$select"]
    with pytest.raises(GraphError) as caught:
        GraphClient(graph).correspondence("t", "not an address")
    assert caught.value.code == "bad_request"


@pytest.mark.parametrize(("reply", "code", "status"), [
    (Reply(429, {"error": {"code": "ApplicationThrottled", "message": "Application is over "
                           "its MailboxConcurrency limit."}}, {"Retry-After": "7"}),
     "throttled", 429),
    (Reply(401, {"error": {"code": "InvalidAuthenticationToken",
                           "message": "Access token has expired or is not yet valid."}}),
     "unauthorized", 401),
    (Reply(403, {"error": {"code": "ErrorAccessDenied",
                           "message": "Access is denied. Check credentials and try again."}}),
     "forbidden", 403),
    (Reply(404, {"error": {"code": "ErrorItemNotFound",
                           "message": "The specified object was not found in the store."}}),
     "not_found", 404),
    (Reply(503, "<html>Service Unavailable</html>"), "unavailable", 503),
    (requests.Timeout("read timed out"), "unavailable", 503),
])
def test_graph_failures_are_typed_for_the_panel(reply: Any, code: str, status: int) -> None:
    with pytest.raises(GraphError) as caught:
        GraphClient(FakeGraph(reply)).message_facts("t", REST_ID)
    assert (caught.value.code, caught.value.status) == (code, status)
    if code == "throttled":
        assert caught.value.retry_after == 7
