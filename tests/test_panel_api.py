"""POST /api/panel: the open message as the pane reads it, answered with the rendered panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.microsoft_fake import Microsoft, app_trusting

ME = {"emailAddress": "anna.becker@example-export.com", "displayName": "Anna Becker"}
LI_WEI = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}


@pytest.fixture
def pane(tmp_path: Path) -> tuple[FlaskClient, dict[str, str]]:
    microsoft = Microsoft()
    app = app_trusting(microsoft, f"sqlite:///{tmp_path / 'panel.sqlite3'}")
    return app.test_client(), {"Authorization": f"Bearer {microsoft.token()}"}


def open_message(pane: tuple[FlaskClient, dict[str, str]], number: int, **item: object
                 ) -> dict:
    client, headers = pane
    message = {"from": LI_WEI, "to": [ME], "cc": [], "subject": "PO 4411",
               "internetMessageId": f"<p{number}@acme-gmbh.de>",
               "dateTimeCreated": "2026-11-26T07:15:00Z",
               "body": "Dear Ms Becker,\nplease find our purchase order attached.\n\n"
                       "Kind regards\nLi Wei", **item}
    response = client.post("/api/panel?view=1", json=message, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_a_first_message_shows_an_unknown_sender_then_a_known_one(pane) -> None:  # noqa: ANN001
    first = open_message(pane, 1)
    assert first["view"]["direction"] == "in"
    assert first["view"]["subject"]["known"] is True  # observed before the profile is read
    assert "Li Wei" in first["html"] and "li.wei@acme-gmbh.de" in first["html"]
    assert first["view"]["tone"]["register"] == "formal"
    assert "Answer formally" in first["html"]
    # The words that tipped the register, quoted once each
    assert '<p class="cues">Why: <q>Dear</q> <q>Kind regards</q>' in first["html"]


def test_the_pane_gets_the_html_alone_and_api_callers_the_view_on_request(pane) -> None:  # noqa: ANN001
    client, headers = pane
    message = {"from": LI_WEI, "to": [ME], "subject": "PO 4411",
               "internetMessageId": "<lean@acme-gmbh.de>",
               "dateTimeCreated": "2026-11-26T07:15:00Z"}
    lean = client.post("/api/panel", json=message, headers=headers).json
    assert set(lean) == {"html"} and "li.wei@acme-gmbh.de" in lean["html"]
    full = client.post("/api/panel?view=1", json=message, headers=headers).json
    assert full["html"] == lean["html"] and full["view"]["subject"]["known"] is True


def test_a_lookalike_sender_is_warned_about_and_never_offered_a_reply(pane) -> None:  # noqa: ANN001
    open_message(pane, 2)
    fraud = open_message(pane, 3, **{"from": {"emailAddress": "li.wei@acme-grnbh.de",
                                              "displayName": "Li Wei"},
                                     "subject": "new bank details"})
    assert fraud["view"]["suspicious"] is True
    assert "imitates acme-gmbh.de" in fraud["html"]
    assert "verify by phone" in fraud["html"].lower()
    # no customer facts that would lend the imitation credibility
    assert "Primary for formal matters" not in fraud["html"]
    assert "primary for formal matters" not in fraud["html"]  # nor the star in the list
    assert "How to reply" not in fraud["html"]


def test_a_message_the_user_sent_is_about_its_recipient(pane) -> None:  # noqa: ANN001
    sent = open_message(pane, 4, **{"from": ME, "to": [LI_WEI],
                                    "cc": [{"emailAddress": "sales@acme-gmbh.de",
                                            "displayName": "Sales"}]})
    assert sent["view"]["direction"] == "out"
    assert sent["view"]["subject"]["query"] == "li.wei@acme-gmbh.de"
    assert [other["address"] for other in sent["view"]["others"]] == ["sales@acme-gmbh.de"]


def test_a_hostile_display_name_stays_inert_text(pane) -> None:  # noqa: ANN001
    hostile = '<img src=x onerror=alert(1)>'
    shown = open_message(pane, 5, **{"from": {"emailAddress": "evil@attacker.example",
                                              "displayName": hostile}})
    assert "<img" not in shown["html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown["html"]


def test_the_panel_speaks_chinese_when_outlook_does(pane) -> None:  # noqa: ANN001
    shown = open_message(pane, 6, displayLanguage="zh-CN")
    assert shown["view"]["language"] == "zh-CN"
    assert "发件人" in shown["html"] and 'lang="zh-CN"' in shown["html"]


@pytest.mark.parametrize("body", [None, [], "text", {"from": "not an object"},
                                  {"to": "x@y.de"}, {"dateTimeCreated": "yesterday"}])
def test_a_malformed_item_is_400_not_a_crash(pane, body: object) -> None:  # noqa: ANN001
    client, headers = pane
    response = client.post("/api/panel", json=body, headers=headers)
    assert response.status_code == 400 and response.json["error"] == "bad_request"


def test_the_panel_needs_a_signed_in_caller(pane) -> None:  # noqa: ANN001
    client, _ = pane
    assert client.post("/api/panel", json={"from": LI_WEI}).status_code == 401


def test_a_draft_is_about_its_recipient_and_is_never_observed(pane) -> None:  # noqa: ANN001
    draft = open_message(pane, 7, mode="compose", internetMessageId="",
                         **{"from": ME, "to": [LI_WEI]})
    assert draft["view"]["direction"] == "out"
    assert draft["view"]["subject"]["known"] is False  # nothing was stored
    # the greeting is for the recipient, read from the thread quoted in the draft
    assert "Li Wei" in draft["view"]["tone"]["greeting"]
    assert draft["view"]["tone"]["register"] == "formal"


def test_panel_actions_change_the_graph_and_refuse_nonsense(pane) -> None:  # noqa: ANN001
    client, headers = pane
    open_message(pane, 8)
    home = open_message(pane, 9, **{"from": {"emailAddress": "liwei.home@gmail.com",
                                             "displayName": "Li Wei"}})
    (suggestion,) = home["view"]["subject"]["suggestions"]
    assert 'data-action="confirm"' in home["html"]
    done = client.post("/api/actions", headers=headers, json={
        "action": "confirm", "address": suggestion["address"],
        "person_id": suggestion["person_id"]})
    assert done.status_code == 200
    after = open_message(pane, 10, **{"from": {"emailAddress": "liwei.home@gmail.com",
                                               "displayName": "Li Wei"}})
    assert {a["canonical"] for a in after["view"]["subject"]["addresses"]} == {
        "li.wei@acme-gmbh.de", "liweihome@gmail.com"}
    for nonsense in ({"action": "delete-everything"}, {"action": "confirm",
                                                      "address": "nobody@nowhere.example",
                                                      "person_id": 1},
                     {"action": "pin", "person_id": "x"}, []):
        refused = client.post("/api/actions", headers=headers, json=nonsense)
        assert refused.status_code == 400, nonsense
    assert client.post("/api/actions", json={"action": "confirm"}).status_code == 401


def test_a_message_to_a_crowd_lists_a_few_other_participants(pane) -> None:  # noqa: ANN001
    crowd = [{"emailAddress": f"buyer{n}@crowd-{n}.example", "displayName": f"Buyer {n}"}
             for n in range(40)]
    shown = open_message(pane, 11, cc=crowd)
    assert len(shown["view"]["others"]) == 5


def test_an_imitation_of_the_users_own_domain_is_a_warning_from_the_first_message(
    pane  # noqa: ANN001
) -> None:
    boss = open_message(pane, 20, **{"from": {"emailAddress": "ceo@examp1e-export.com",
                                              "displayName": "Anna's CEO"},
                                     "subject": "urgent payment"})
    (warning,) = boss["view"]["subject"]["warnings"]
    assert (warning["kind"], warning["params"]["customer"]) == ("lookalike",
                                                               "example-export.com")
    assert boss["view"]["suspicious"] is True and "Reply formally" not in boss["html"]
    colleague = open_message(pane, 21, **{"from": {"emailAddress": "tom@example-export.com",
                                                   "displayName": "Tom"}})
    assert colleague["view"]["subject"] is None or not colleague["view"]["subject"]["warnings"]
