"""Microsoft, Google and the key servers failing in every way we could think of: each failure
is typed (the panel shows stored data with a note), never a crash; cached signing keys keep
working while the key endpoint is down."""

from __future__ import annotations

import json
from typing import Any

import pytest
from googleapiclient.http import HttpMockSequence

from mailmatrix.auth.entra import EntraSettings, SigningKeys, TokenRejected, verify_access_token
from mailmatrix.mailboxes.gmail import GmailClient, GmailError
from mailmatrix.mailboxes.graph import GraphClient, GraphError
from tests.microsoft_fake import CLIENT_ID, Microsoft
from tests.test_graph_mailbox import FakeGraph, Reply

ODD_SHAPES = [
    {"from": "not an object", "toRecipients": "nor this", "internetMessageHeaders": "x"},
    {"from": {"emailAddress": "li@x.de"}, "toRecipients": [None, 7, {"emailAddress": None}]},
    {"internetMessageHeaders": [None, "From: x", {"name": None, "value": None}]},
]


@pytest.mark.parametrize("body", ["<html>maintenance</html>", ["a", "list"], 42])
def test_graph_answering_200_with_something_else_than_an_object_is_unavailable(
        body: Any) -> None:
    with pytest.raises(GraphError) as caught:
        GraphClient(FakeGraph(Reply(200, body))).message_facts("token", "AAMk=")
    assert (caught.value.code, caught.value.status) == ("unavailable", 503)


@pytest.mark.parametrize("message", ODD_SHAPES)
def test_graph_messages_of_another_shape_give_facts_not_a_crash(message: dict) -> None:
    facts = GraphClient(FakeGraph(Reply(200, message))).message_facts("token", "AAMk=")
    assert facts.provenance in ("fetched", "verified")


def test_graph_search_results_of_another_shape_are_skipped() -> None:
    answer = Reply(200, {"value": [None, "x", {"from": {"emailAddress": {"address":
                                                                          "li@x.de"}}}]})
    found = GraphClient(FakeGraph(answer)).correspondence("token", "li@x.de")
    assert [item.from_ for item in found] == ["li@x.de"]
    assert GraphClient(FakeGraph(Reply(200, {"value": "nope"}))).correspondence(
        "token", "li@x.de") == []


@pytest.mark.parametrize(("answer", "code"), [
    (({"status": "200"}, "<html>not json</html>"), "unavailable"),
    (({"status": "429"}, json.dumps({"error": {"code": 429, "message": "Rate Limit"}})),
     "throttled"),
    (({"status": "502"}, "Bad Gateway"), "unavailable"),
    (({"status": "401"}, json.dumps({"error": {"code": 401}})), "unauthorized"),
])
def test_gmail_failures_are_typed(answer: tuple[dict, str], code: str) -> None:
    client = GmailClient(http_factory=lambda: HttpMockSequence([answer]))
    with pytest.raises(GmailError) as caught:
        client.open_message("user", "message", "msg-f:1", with_body=True)
    assert caught.value.code == code


def test_a_gmail_timeout_is_unavailable() -> None:
    class Silent:
        def request(self, *args: Any, **kwargs: Any) -> Any:
            raise TimeoutError("timed out")

    with pytest.raises(GmailError) as caught:
        GmailClient(http_factory=Silent).open_message("user", "message", "1", with_body=False)
    assert caught.value.code == "unavailable"


@pytest.mark.parametrize("payload", [None, "text", {"headers": "From: x"},
                                     {"headers": [None, 1, {"name": "From"}]}])
def test_gmail_messages_of_another_shape_are_not_found_not_a_crash(payload: Any) -> None:
    answer = ({"status": "200"}, json.dumps({"id": "1", "payload": payload}))
    client = GmailClient(http_factory=lambda: HttpMockSequence([answer]))
    with pytest.raises(GmailError) as caught:
        client.open_message("user", "message", "1", with_body=True)
    assert caught.value.code == "not_found"


def test_cached_signing_keys_keep_working_while_the_key_endpoint_is_down() -> None:
    microsoft = Microsoft()
    down = {"now": False}

    def fetch(url: str) -> dict[str, Any]:
        if down["now"]:
            raise OSError("connection refused")
        return microsoft.keys_document(url)

    clock = [0.0]
    keys = SigningKeys(fetch, clock=lambda: clock[0])
    settings = EntraSettings(client_id=CLIENT_ID)
    verify_access_token(microsoft.token(), settings, keys)  # keys fetched and cached
    down["now"] = True
    clock[0] += 3600  # an hour later, the endpoint still down
    assert verify_access_token(microsoft.token(), settings, keys).oid
    microsoft.add_key("rotated")
    clock[0] += 120
    with pytest.raises(TokenRejected) as refused:  # a new key cannot be fetched: 503
        verify_access_token(microsoft.token(kid="rotated"), settings, keys)
    assert refused.value.status == 503
