"""The Gmail add-on end to end over HTTP: Google's two ID tokens verified on every request, the
open message read through the Gmail API (HttpMockSequence: the access-token header asserted),
the panel as a valid Card v1, every button signed and dispatched, drafts and compose."""

from __future__ import annotations

import base64
import email
import json
from email import policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mailmatrix.customers.db import database_of
from mailmatrix.customers.users import change_settings, operator_principal
from mailmatrix.web.gmail import GMAIL
from tests.card_schema import cards_in
from tests.google_fake import (
    BASE_URL,
    USER_EMAIL,
    GmailService,
    Google,
    app_for_google,
    event,
    gmail_message,
)

LI_WEI = "Li Wei <li.wei@acme-gmbh.de>"
BODY = "Dear Ms Becker,\n\nplease find our purchase order 4411 attached.\n\nKind regards\nLi Wei"
HOME = "Li Wei <liwei.home@gmail.com>"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def google() -> Google:
    return Google()


@pytest.fixture
def app(google: Google, tmp_path: Path) -> Flask:
    return app_for_google(google, f"sqlite:///{tmp_path / 'gmail.sqlite3'}")


def post(client: FlaskClient, google: Google, path: str, body: dict[str, Any],
         **token: Any) -> Any:
    headers = {"Authorization": f"Bearer {google.system_token(path, **token)}"}
    return client.post(path, json=body, headers=headers)


def open_message(app: Flask, google: Google, message: dict[str, Any], **more: Any
                 ) -> tuple[dict[str, Any], GmailService]:
    service = GmailService((200, message))
    app.extensions[GMAIL].use(service.client())
    answer = post(app.test_client(), google, "/gmail/message",
                  event(google, message_id="msg-f:1785563012391230966", **more))
    assert answer.status_code == 200, answer.json
    (card,) = cards_in(answer.json)
    return card, service


def texts(card: dict[str, Any]) -> str:
    """Every text a user reads on the card, joined."""
    found = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("text", "topLabel", "bottomLabel", "title", "header", "label"):
                    found.append(str(value)) if isinstance(value, str) else walk(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(card)
    return "\n".join(found)


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's buttons by their label."""
    found = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "onClick" in node and "text" in node:
                found[node["text"]] = node["onClick"]["action"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
    walk(card)
    return found


def click(app: Flask, google: Google, action: dict[str, Any], **more: Any) -> Any:
    assert action["function"] == f"{BASE_URL}/gmail/action"
    parameters = {item["key"]: item["value"] for item in action["parameters"]}
    answer = post(app.test_client(), google, "/gmail/action",
                  event(google, message_id="msg-f:1785563012391230966",
                        parameters=parameters, **more))
    assert answer.status_code == 200, answer.json
    return answer.json


def click_reading(app: Flask, google: Google, action: dict[str, Any], sender: str,
                  **more: Any) -> dict[str, Any]:
    """Click a decision button: the card is rendered again, reading the message anew."""
    app.extensions[GMAIL].use(GmailService((200, gmail_message(sender, body="hi"))).client())
    (card,) = cards_in(click(app, google, action, **more))
    return card


def home_suggestion(app: Flask, google: Google) -> dict[str, Any]:
    """Li Wei known at work; his Gmail then writes, suggested as his."""
    open_message(app, google, gmail_message(LI_WEI, body=BODY))
    card, _ = open_message(app, google, gmail_message(HOME, "samples", "hi Anna :) Li",
                                                      message_id="<s1@gmail.com>"))
    return card


# -- the open message ------------------------------------------------------------------------

def test_the_open_message_is_read_with_both_tokens_and_shown_as_a_card(app, google) -> None:  # noqa: ANN001
    card, service = open_message(app, google, gmail_message(LI_WEI, body=BODY))
    ((uri, method, _, headers),) = service.requests
    assert method == "GET" and "/users/me/messages/18c7981975a7ddf6?" in uri  # msg-f: in hex
    assert "format=full" in uri
    assert headers["X-Goog-Gmail-Access-Token"] == "message-access-token"
    assert headers["Authorization"] == "Bearer ya29.user-oauth-token"
    shown = texts(card)
    assert "Li Wei" in shown and "li.wei@acme-gmbh.de" in shown
    assert "Answer formally" in shown and "Dear Li Wei," in shown


def test_a_hex_message_id_is_used_as_it_is(app, google) -> None:  # noqa: ANN001
    service = GmailService((200, gmail_message(LI_WEI, body=BODY)))
    app.extensions[GMAIL].use(service.client())
    post(app.test_client(), google, "/gmail/message", event(google, message_id="18c77fca3bdf20f6"))
    assert "/messages/18c77fca3bdf20f6?" in service.requests[0][0]


def test_hostile_names_and_subjects_stay_text_on_the_card(app, google) -> None:  # noqa: ANN001
    card, _ = open_message(app, google, gmail_message(
        f'"{HOSTILE} Li" <li.wei@acme-gmbh.de>', subject=f"PO {HOSTILE}", body=BODY))
    shown = texts(card)
    assert HOSTILE not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown


def test_a_lookalike_sender_gets_a_warning_and_no_reply_button(app, google) -> None:  # noqa: ANN001
    open_message(app, google, gmail_message(LI_WEI, body=BODY))
    card, _ = open_message(app, google, gmail_message(
        "Li Wei <li.wei@acme-grnbh.de>", subject="new bank details", body=BODY,
        message_id="<fraud@acme-grnbh.de>"))
    shown = texts(card)
    assert "acme-grnbh.de imitates acme-gmbh.de" in shown
    assert "Do not reply: verify by phone first" in shown
    assert "Reply formally" not in buttons(card)


def test_the_card_speaks_chinese_for_a_chinese_gmail(app, google) -> None:  # noqa: ANN001
    card, _ = open_message(app, google, gmail_message(LI_WEI, body=BODY), locale="zh-CN")
    assert "发件人" in texts(card) and "正式回复" in buttons(card)


def test_without_the_body_scope_the_headers_are_enough(app, google) -> None:  # noqa: ANN001
    only_metadata = ["https://www.googleapis.com/auth/gmail.addons.current.message.metadata"]
    card, service = open_message(app, google, gmail_message(LI_WEI), scopes=only_metadata)
    assert "format=metadata" in service.requests[0][0]
    assert "Li Wei" in texts(card)


def test_a_missing_message_scope_is_asked_for(app, google) -> None:  # noqa: ANN001
    answer = post(app.test_client(), google, "/gmail/message",
                  event(google, message_id="msg-f:1", scopes=[]))
    assert answer.json == {"requesting_google_scopes": {"scopes": [
        "https://www.googleapis.com/auth/gmail.addons.current.message.readonly"]}}


def test_a_gmail_failure_is_a_card_with_refresh_not_an_error(app, google) -> None:  # noqa: ANN001
    service = GmailService((404, {"error": {"code": 404, "message": "Not Found"}}))
    app.extensions[GMAIL].use(service.client())
    answer = post(app.test_client(), google, "/gmail/message",
                  event(google, message_id="msg-f:1"))
    (card,) = cards_in(answer.json)
    assert "Something went wrong" in texts(card) and "Refresh" in buttons(card)


def test_past_correspondence_is_learned_when_gmail_readonly_is_granted(app, google) -> None:  # noqa: ANN001
    earlier = gmail_message(LI_WEI, "Quotation 2026-104", message_id="<q104@acme-gmbh.de>",
                            date="Fri, 2 Oct 2026 10:10:00 +0200")
    service = GmailService(
        (200, gmail_message(LI_WEI, body=BODY)),
        (200, {"messages": [{"id": "18a0", "threadId": "18a0"}], "resultSizeEstimate": 1}),
        (200, earlier))
    app.extensions[GMAIL].use(service.client())
    from tests.google_fake import SCOPES
    answer = post(app.test_client(), google, "/gmail/message", event(
        google, message_id="msg-f:1",
        scopes=[*SCOPES, "https://www.googleapis.com/auth/gmail.readonly"]))
    cards_in(answer.json)
    assert "q=from%3Ali.wei%40acme-gmbh.de" in service.requests[1][0]
    assert "2026-10-02" in texts(answer.json["action"]["navigations"][0]["pushCard"])


# -- tokens ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("system", "user", "status", "code"), [
    ({"aud": "https://evil.example/gmail/message"}, {}, 401, "wrong_audience"),
    ({"email": "someone@evil.example"}, {}, 403, "wrong_caller"),
    ({"exp": 1_000_000}, {}, 401, "expired"),
    ({"iss": "https://evil.example"}, {}, 401, "wrong_issuer"),
    ({}, {"email_verified": False}, 401, "unverified_email"),
    ({}, {"aud": "another-client.apps.googleusercontent.com"}, 401, "wrong_audience"),
])
def test_requests_not_from_google_for_this_add_on_are_refused(
        app, google, system: dict, user: dict, status: int, code: str) -> None:  # noqa: ANN001
    body = event(google, **user)
    answer = post(app.test_client(), google, "/gmail/homepage", body, **system)
    assert (answer.status_code, answer.json["error"]) == (status, code)
    assert "ya29" not in answer.get_data(as_text=True)  # tokens never echoed


def test_a_request_without_tokens_is_refused(app, google) -> None:  # noqa: ANN001
    client = app.test_client()
    assert client.post("/gmail/homepage", json=event(google)).status_code == 401
    body = event(google)
    body["authorizationEventObject"]["userIdToken"] = ""
    assert post(client, google, "/gmail/homepage", body).json["error"] == "missing_token"


def test_a_token_signed_by_someone_else_is_refused(app, google) -> None:  # noqa: ANN001
    forger = Google()
    forger.kid = google.kid  # the same key id, another key
    headers = {"Authorization": f"Bearer {forger.system_token('/gmail/homepage')}"}
    answer = app.test_client().post("/gmail/homepage", json=event(google), headers=headers)
    assert answer.status_code == 401


def test_the_homepage_invites_to_open_a_message(app, google) -> None:  # noqa: ANN001
    answer = post(app.test_client(), google, "/gmail/homepage", event(google))
    (card,) = cards_in(answer.json)
    assert "Open a message" in texts(card)


def test_a_workspace_user_and_a_consumer_user_are_different_tenants(app, google) -> None:  # noqa: ANN001
    open_message(app, google, gmail_message(LI_WEI, body=BODY))
    card, _ = open_message(app, google, gmail_message(LI_WEI, body=BODY,
                                                      message_id="<other@acme-gmbh.de>"),
                           sub="999", email="someone@gmail.com", hd=None)
    # the consumer account's first sight of Li Wei: nothing of the Workspace tenant shows
    assert "2026-11-26 to 2026-11-26" in texts(card)


# -- buttons ---------------------------------------------------------------------------------

def test_a_forged_or_foreign_button_is_refused_with_a_notification(app, google) -> None:  # noqa: ANN001
    card, _ = open_message(app, google, gmail_message(LI_WEI, body=BODY))
    action = buttons(card)["Add note"]
    token = action["parameters"][0]["value"]
    forged = {**action, "parameters": [{"key": "p", "value": token[:-2] + "xx"}]}
    assert "expired or was not made" in click(app, google, forged)[
        "renderActions"]["action"]["notification"]["text"]
    foreign = click(app, google, action, sub="999", email="x@example-export.com")
    assert "someone else" in foreign["renderActions"]["action"]["notification"]["text"]


def test_an_expired_button_is_refused(app, google, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    card, _ = open_message(app, google, gmail_message(LI_WEI, body=BODY))
    from mailmatrix.web import gmail_actions
    monkeypatch.setattr(gmail_actions, "MAX_AGE", -1)
    answer = click(app, google, buttons(card)["Add note"])
    assert "expired" in answer["renderActions"]["action"]["notification"]["text"]


def test_a_note_is_added_from_the_card_and_shown_as_text(app, google) -> None:  # noqa: ANN001
    card, _ = open_message(app, google, gmail_message(LI_WEI, body=BODY))
    updated = click_reading(app, google, buttons(card)["Add note"], LI_WEI,
                            inputs={"note": f"call first {HOSTILE}", "visibility": "private"})
    assert "call first &lt;img" in texts(updated) and HOSTILE not in texts(updated)
    assert "Only me" in texts(updated)
    after = click_reading(app, google, buttons(updated)["Delete note"], LI_WEI)
    assert "call first" not in texts(after)


def test_a_suggestion_is_confirmed_then_an_address_pinned_and_unlinked(app, google) -> None:  # noqa: ANN001
    linked = click_reading(app, google, buttons(home_suggestion(app, google))["Same person"],
                           HOME)
    assert "li.wei@acme-gmbh.de" in texts(linked) and "liweihome@gmail.com" not in texts(linked)
    pinned = click_reading(app, google, buttons(linked)["Use for formal matters"], HOME)
    assert "pinned by you" in texts(pinned)
    unpinned = click_reading(app, google, buttons(pinned)["Let MailMatrix choose"], HOME)
    assert "pinned by you" not in texts(unpinned)
    apart = click_reading(app, google, buttons(unpinned)["Not this person"], HOME)
    assert "li.wei@acme-gmbh.de" not in texts(apart)


def test_a_suggestion_is_rejected_and_never_offered_again(app, google) -> None:  # noqa: ANN001
    card = home_suggestion(app, google)
    after = click_reading(app, google, buttons(card)["Not the same person"], HOME)
    assert "Waiting for your decision" not in texts(after)
    again, _ = open_message(app, google, gmail_message(HOME, "more", "hi again",
                                                       message_id="<s2@gmail.com>"))
    assert "Same person" not in buttons(again)


def test_refresh_reads_the_message_again(app, google) -> None:  # noqa: ANN001
    service = GmailService((500, {"error": {"code": 500, "message": "backend"}}))
    app.extensions[GMAIL].use(service.client())
    failed = post(app.test_client(), google, "/gmail/message",
                  event(google, message_id="msg-f:1")).json
    (card,) = cards_in(failed)
    assert "Something went wrong" in texts(card)
    fresh = click_reading(app, google, buttons(card)["Refresh"], LI_WEI)
    assert "Li Wei" in texts(fresh)


def test_the_sender_is_linked_to_a_person_found_by_search(app, google) -> None:  # noqa: ANN001
    open_message(app, google, gmail_message(LI_WEI, body=BODY))
    card, _ = open_message(app, google, gmail_message("W. L. <wl.1987@web.de>", body="hi",
                                                      message_id="<w1@web.de>"))
    found = click(app, google, buttons(card)["Search"], inputs={"q": "li wei"})
    (results,) = cards_in(found)
    assert "<b>Li Wei</b>" in texts(results)
    linked = click_reading(app, google, buttons(results)["Same person"],
                           "W. L. <wl.1987@web.de>")
    assert "li.wei@acme-gmbh.de" in texts(linked) and "wl.1987@web.de" in texts(linked)


def test_reply_formally_builds_a_draft_in_the_thread_to_the_primary(app, google) -> None:  # noqa: ANN001
    card, _ = open_message(app, google, gmail_message(LI_WEI, body=BODY))
    drafts = GmailService((200, {"id": "r-5812", "message": {"id": "18c3", "threadId":
                                                              "18c2f0a7b3d4e5f6"}}))
    app.extensions[GMAIL].use(drafts.client())
    answer = click(app, google, buttons(card)["Reply formally"])
    assert answer == {"renderActions": {"hostAppAction": {"gmailAction": {
        "openCreatedDraftActionMarkup": {"draftId": "r-5812",
                                         "draftThreadId": "18c2f0a7b3d4e5f6"}}}}}
    ((uri, method, body, headers),) = drafts.requests
    assert method == "POST" and uri.startswith("https://gmail.googleapis.com/gmail/v1/users/me/drafts")
    assert headers["X-Goog-Gmail-Access-Token"] == "message-access-token"
    sent = json.loads(body)
    assert sent["message"]["threadId"] == "18c2f0a7b3d4e5f6"
    draft = email.message_from_bytes(base64.urlsafe_b64decode(sent["message"]["raw"]),
                                     policy=policy.default)
    assert draft["To"] == "li.wei@acme-gmbh.de" and draft["Subject"] == "Re: PO 4411"
    assert draft["In-Reply-To"] == "<po4411@acme-gmbh.de>"
    assert draft.get_content().startswith("Dear Li Wei,")


def test_reply_formally_asks_for_the_compose_scope_when_missing(app, google) -> None:  # noqa: ANN001
    card, _ = open_message(app, google, gmail_message(LI_WEI, body=BODY))
    from tests.google_fake import SCOPES
    answer = click(app, google, buttons(card)["Reply formally"], scopes=SCOPES[:4])
    assert answer == {"requesting_google_scopes": {"scopes": [
        "https://www.googleapis.com/auth/gmail.addons.current.action.compose"]}}


# -- compose ---------------------------------------------------------------------------------

def _linked_home_address(app: Flask, google: Google) -> None:
    click_reading(app, google, buttons(home_suggestion(app, google))["Same person"], HOME)


def test_compose_swaps_in_the_primary_and_keeps_the_other_recipients(app, google) -> None:  # noqa: ANN001
    _linked_home_address(app, google)
    draft_to = ["liwei.home@gmail.com", "logistics@acme-gmbh.de", USER_EMAIL]
    answer = post(app.test_client(), google, "/gmail/compose", event(google, to=draft_to))
    (card,) = cards_in(answer.json)
    assert "Primary for formal matters: li.wei@acme-gmbh.de" in texts(card)
    swap = buttons(card)["Send to the primary address only"]
    swapped = click(app, google, swap, to=draft_to)
    assert swapped["renderActions"]["hostAppAction"]["gmailAction"][
        "updateDraftActionMarkup"]["updateToRecipients"]["toRecipients"] == [
        {"email": "li.wei@acme-gmbh.de"}, {"email": "logistics@acme-gmbh.de"},
        {"email": USER_EMAIL}]


def test_compose_inserts_the_greeting_at_the_cursor(app, google) -> None:  # noqa: ANN001
    _linked_home_address(app, google)
    answer = post(app.test_client(), google, "/gmail/compose",
                  event(google, to=["li.wei@acme-gmbh.de"]))
    (card,) = cards_in(answer.json)
    inserted = click(app, google, buttons(card)["Insert greeting"], to=["li.wei@acme-gmbh.de"])
    body = inserted["renderActions"]["hostAppAction"]["gmailAction"][
        "updateDraftActionMarkup"]["updateBody"]
    greeting = texts(card).split("Greeting: ", 1)[1].split("\n", 1)[0]
    assert "Wei" in greeting  # for the recipient, in their name
    assert body["type"] == "IN_PLACE_INSERT"
    assert body["insertContents"] == [{"content": f"{greeting}\n", "contentType": "TEXT"}]


def test_tokens_never_reach_the_logs(app, google, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    caplog.set_level("DEBUG")
    body = event(google, message_id="msg-f:1")
    service = GmailService((200, gmail_message(LI_WEI, body=BODY)))
    app.extensions[GMAIL].use(service.client())
    post(app.test_client(), google, "/gmail/message", body)
    post(app.test_client(), google, "/gmail/homepage", body, exp=1_000_000)  # refused
    logged = caplog.text
    secrets = ("ya29.user-oauth-token", "message-access-token",
               body["authorizationEventObject"]["userIdToken"][:40])
    assert not any(secret in logged for secret in secrets)


def test_under_the_owner_policy_a_colleague_sees_the_protective_facts_only(app, google) -> None:  # noqa: ANN001
    open_message(app, google, gmail_message(LI_WEI, body=BODY))  # anna's mail: her customer
    database = database_of(app)
    anna = operator_principal(database, USER_EMAIL)
    change_settings(database, anna, anna.tenant_id, {"visibility_policy": "owner"})
    card, _ = open_message(app, google, gmail_message(LI_WEI, body=BODY),
                           sub="200000000000000000001", email="tom@example-export.com")
    shown = texts(card)
    assert "Account manager: Anna Becker" in shown and "ask the account manager" in shown
    assert "Add note" not in buttons(card) and "Search" not in buttons(card)
