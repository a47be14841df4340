"""POST /api/panel/enrich: the server reads the message and the correspondence from Graph on the
user's behalf, and what only it sees (the receiving system's verdict, Reply-To) reaches the
panel; when Graph cannot be used, the stored panel comes back with a note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mailmatrix.mailboxes.graph import GraphClient
from mailmatrix.mailboxes.on_behalf_of import OnBehalfOf, OnBehalfOfSettings
from mailmatrix.mailboxes.setup import GRAPH, ON_BEHALF_OF
from tests.microsoft_fake import CLIENT_ID, Answer, EntraEndpoints, Microsoft, app_trusting
from tests.test_graph_mailbox import RECEIVED, SENT, Reply

ME = {"emailAddress": "anna.becker@example-export.com", "displayName": "Anna Becker"}
ITEM = {"from": {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Wei, Li"}, "to": [ME],
        "subject": "PO 4411", "internetMessageId": "<x1@acme-gmbh.de>",
        "dateTimeCreated": "2026-11-26T07:15:00Z", "restId": "AAMkAGI2TG93AAA=",
        "body": "Dear Ms Becker,\nplease find the PO attached.\n\nKind regards\nLi Wei"}


class GraphService:
    """graph.microsoft.com for the tests: the open message and a participants search."""

    def __init__(self) -> None:
        self.throttled = False
        self.calls: list[str] = []

    def get(self, url: str, params: dict[str, str], timeout: float,
            headers: dict[str, str]) -> Reply:
        assert headers["Authorization"].startswith("Bearer graph-token-")
        self.calls.append(url)
        if self.throttled:
            return Reply(429, {"error": {"code": "ApplicationThrottled", "message": "slow"}},
                         {"Retry-After": "5"})
        if url.endswith("/me/messages"):
            return Reply(200, {"value": [SENT]})
        return Reply(200, RECEIVED)


@pytest.fixture
def setup(tmp_path: Path) -> tuple[FlaskClient, dict[str, str], GraphService, Flask]:
    microsoft = Microsoft()
    app = app_trusting(microsoft, f"sqlite:///{tmp_path / 'enrich.sqlite3'}")
    app.extensions[ON_BEHALF_OF] = OnBehalfOf(OnBehalfOfSettings(CLIENT_ID, "secret"),
                                              http_client=EntraEndpoints())
    service = GraphService()
    app.extensions[GRAPH] = GraphClient(service)
    return app.test_client(), {"Authorization": f"Bearer {microsoft.token()}"}, service, app


def test_graph_brings_the_verdict_and_the_reply_to_the_pane_cannot_see(setup: Any) -> None:
    client, headers, service, _ = setup
    stored = client.post("/api/panel?view=1", json=ITEM, headers=headers).json
    assert [w["kind"] for w in stored["view"]["subject"]["warnings"]] == []
    enriched = client.post("/api/panel/enrich?view=1", json=ITEM, headers=headers).json
    kinds = [w["kind"] for w in enriched["view"]["subject"]["warnings"]]
    assert "reply-to" in kinds  # Reply-To liwei.home@gmail.com, from the internet headers
    assert enriched["view"]["notes"] == []
    assert any(url.endswith("/me/messages") for url in service.calls)  # the correspondence


def test_graph_throttling_shows_stored_data_with_a_note(setup: Any) -> None:
    client, headers, service, _ = setup
    service.throttled = True
    answer = client.post("/api/panel/enrich?view=1", json=ITEM, headers=headers)
    assert answer.status_code == 200
    assert answer.json["view"]["notes"] == ["state.stored_only"]
    asked = len(service.calls)
    service.throttled = False
    again = client.post("/api/panel/enrich?view=1", json=ITEM, headers=headers).json
    # Retry-After: 5 is honoured: no call to Graph until it has passed
    assert again["view"]["notes"] == ["state.stored_only"] and len(service.calls) == asked
    assert "Showing stored data" in answer.json["html"]


def test_without_a_client_secret_the_stored_panel_is_all(setup: Any) -> None:
    client, headers, service, app = setup
    app.extensions[ON_BEHALF_OF] = None
    answer = client.post("/api/panel/enrich?view=1", json=ITEM, headers=headers)
    assert answer.status_code == 200 and service.calls == []


def test_missing_consent_says_so_and_shows_stored_data(setup: Any) -> None:
    client, headers, service, app = setup
    entra = EntraEndpoints()
    entra.token_answer = Answer(400, {
        "error": "invalid_grant", "error_codes": [65001], "suberror": "consent_required",
        "error_description": "AADSTS65001: The user or administrator has not consented to use "
                             "the application."})
    app.extensions[ON_BEHALF_OF] = OnBehalfOf(OnBehalfOfSettings(CLIENT_ID, "secret"),
                                              http_client=entra)
    answer = client.post("/api/panel/enrich?view=1", json=ITEM, headers=headers)
    assert answer.status_code == 200 and service.calls == []
    assert answer.json["view"]["notes"] == ["state.consent_required"]
    assert "administrator" in answer.json["html"] and "Li" in answer.json["html"]
