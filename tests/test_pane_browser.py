"""The Outlook task pane in a real Chromium, with Office.js replaced by a stub of its shape
(the CDN address is answered by the test): the pane reads the item, signs in, renders the
server's panel, follows ItemChanged, keeps hostile text inert, speaks Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from mailmatrix.web.outlook import OFFICE_JS
from tests.browser import chromium_page, live_server, save_screenshot, wait_until
from tests.microsoft_fake import Microsoft, app_trusting

ME = {"emailAddress": "anna.becker@example-export.com", "displayName": "Anna Becker"}
BODY = "Dear Ms Becker,\nplease find our purchase order attached.\n\nKind regards\nLi Wei"


def item(number: int, sender: dict[str, str], subject: str = "PO 4411") -> dict[str, object]:
    return {"from": sender, "sender": sender, "to": [ME], "cc": [], "subject": subject,
            "internetMessageId": f"<pane{number}@test>",
            "dateTimeCreated": "2026-11-26T07:15:00Z", "body": BODY}


def office_stub(token: str, first_item: dict[str, object], language: str) -> str:
    return f"""
window.__items = [];
window.Office = {{
  CoercionType: {{ Text: "text" }},
  AsyncResultStatus: {{ Succeeded: "succeeded", Failed: "failed" }},
  EventType: {{ ItemChanged: "olkItemSelectedChanged" }},
  auth: {{ getAccessToken: async () => {json.dumps(token)} }},
  context: {{
    displayLanguage: {json.dumps(language)},
    mailbox: {{
      item: null,
      addHandlerAsync(type, handler) {{ window.__itemChanged = handler; }},
    }},
  }},
  onReady(callback) {{ setTimeout(() => callback({{ host: "Outlook" }}), 0); }},
}};
window.__select = (fields) => {{
  const body = fields.body;
  Office.context.mailbox.item = {{ ...fields,
    body: {{ getAsync(type, done) {{ done({{ status: "succeeded", value: body }}); }} }} }};
}};
window.__select({json.dumps(first_item)});
"""


@pytest.fixture
def pane_app(tmp_path: Path) -> tuple[Flask, Microsoft]:
    microsoft = Microsoft()
    return app_trusting(microsoft, f"sqlite:///{tmp_path / 'pane.sqlite3'}"), microsoft


def serious_accessibility_problems(page: object) -> list[str]:
    """axe-core's findings of serious or critical impact on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{item['id']}: {item['help']}" for item in results.response["violations"]
            if item.get("impact") in ("serious", "critical")]


def open_pane(page: object, base_url: str, stub: str, path: str = "/outlook/pane") -> None:
    page.route(OFFICE_JS, lambda route: route.fulfill(  # type: ignore[attr-defined]
        status=200, content_type="application/javascript", body=stub))
    page.goto(base_url + path)  # type: ignore[attr-defined]


def test_the_pane_shows_the_sender_and_follows_the_selected_message(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    li_wei = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    with live_server(app) as base_url, chromium_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        open_pane(page, base_url, office_stub(microsoft.token(), item(1, li_wei), "en-US"))
        page.wait_for_selector("article.panel")
        text = page.locator("#mm-panel").inner_text()
        assert "Li Wei" in text and "li.wei@acme-gmbh.de" in text
        assert "Answer formally" in text
        save_screenshot(page, "pane-known-sender")
        assert serious_accessibility_problems(page) == []
        fraud = item(2, {"emailAddress": "li.wei@acme-grnbh.de", "displayName": "Li Wei"},
                     "new bank details")
        page.evaluate("fields => { window.__select(fields); window.__itemChanged(); }", fraud)
        page.wait_for_selector("text=imitates acme-gmbh.de")
        warned = page.locator("#mm-panel").inner_text()
        assert "verify by phone" in warned.lower() and "How to reply" not in warned
        assert page.locator("[role=alert]").count() == 1
        save_screenshot(page, "pane-lookalike")
        assert serious_accessibility_problems(page) == []
        hostile = item(3, {"emailAddress": "evil@attacker.example",
                           "displayName": "<img src=x onerror=alert(1)>"})
        page.evaluate("fields => { window.__select(fields); window.__itemChanged(); }", hostile)
        page.wait_for_selector("text=evil@attacker.example")
        assert page.locator("#mm-panel img").count() == 0 and dialogs == []


def test_the_pane_speaks_chinese_when_outlook_does(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    sender = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, office_stub(microsoft.token(), item(4, sender), "zh-CN"))
        page.wait_for_selector("article.panel[lang=zh-CN]")
        assert "发件人" in page.locator("#mm-panel").inner_text()
        save_screenshot(page, "pane-chinese")


def test_an_expired_sign_in_asks_to_sign_in_again(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    expired = microsoft.token(exp=1, iat=0, nbf=0)
    sender = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, office_stub(expired, item(5, sender), "en-US"))
        page.wait_for_selector("[role=status]")
        assert "Sign in" in page.locator("#mm-panel").inner_text()


def test_in_compose_mode_the_pane_asks_office_for_the_current_recipients(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    recipient = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    draft = item(6, ME, "Quotation")
    draft["to"] = [recipient]
    draft.pop("internetMessageId")  # a draft has none yet
    stub = office_stub(microsoft.token(), draft, "en-US") + """
const draft = Office.context.mailbox.item;
for (const field of ["from", "to", "cc", "subject"]) {
  const value = draft[field];
  draft[field] = { getAsync(done) { done({ status: "succeeded", value }); } };
}
"""
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, stub, "/outlook/pane?mode=compose")
        page.wait_for_selector("article.panel")
        text = page.locator("#mm-panel").inner_text()
        assert "li.wei@acme-gmbh.de" in text and "first contact" in text  # a draft is not stored
        save_screenshot(page, "pane-compose")


def test_a_suggestion_is_confirmed_with_the_keyboard_alone(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    work = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    home = {"emailAddress": "liwei.home@gmail.com", "displayName": "Li Wei"}
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, office_stub(microsoft.token(), item(7, work), "en-US"))
        page.wait_for_selector("article.panel")
        page.evaluate("fields => { window.__select(fields); window.__itemChanged(); }",
                      item(8, home, "samples"))
        page.wait_for_selector("button[data-action=confirm]")
        for _ in range(30):  # Tab through the pane to the button, as a keyboard user would
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.dataset.action") == "confirm":
                break
        else:
            raise AssertionError("the confirm button cannot be reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=confirmed by you")
        addresses = page.locator("ul.addresses").inner_text()
        assert "li.wei@acme-gmbh.de" in addresses and "liwei.home@gmail.com" in addresses
        assert page.locator("button[data-action=confirm]").count() == 0
        save_screenshot(page, "pane-confirmed")


def test_reply_formally_opens_a_reply_with_the_greeting_as_text(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    sender = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li <b>Wei</b>"}
    stub = office_stub(microsoft.token(), item(9, sender), "en-US") + """
window.__replies = [];
Office.context.mailbox.item.displayReplyForm = (options) => window.__replies.push(options);
"""
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, stub, "/outlook/pane")
        page.click("button[data-office=reply]")
        (reply,) = page.evaluate("window.__replies")
        assert reply["htmlBody"].startswith("<p>Dear ") and "<b>" not in reply["htmlBody"]


def compose_stub(token: str, draft: dict[str, object]) -> str:
    """Compose mode: To and Cc are asked for and set through getAsync/setAsync/addAsync; the
    body takes text at the cursor (setSelectedDataAsync)."""
    return office_stub(token, draft, "en-US") + """
window.__to = [...Office.context.mailbox.item.to];
window.__cc = [];
window.__inserted = [];
const compose = Office.context.mailbox.item;
const ok = (value) => ({ status: "succeeded", value });
compose.to = {
  getAsync(done) { done(ok(window.__to)); },
  setAsync(list, done) { window.__to = list; done(ok()); },
};
compose.cc = {
  getAsync(done) { done(ok(window.__cc)); },
  addAsync(list, done) { window.__cc.push(...list); done(ok()); },
};
compose.body.setSelectedDataAsync = (data, options, done) => {
  window.__inserted.push([data, options.coercionType]);
  if (done) done(ok());
};
for (const field of ["from", "subject"]) {
  const value = compose[field];
  compose[field] = { getAsync(done) { done(ok(value)); } };
}
"""


@pytest.mark.parametrize("keep", ["cc", "none"])
def test_compose_puts_the_primary_in_to_and_moves_or_removes_the_personal_address(
    pane_app, keep: str  # noqa: ANN001
) -> None:
    app, microsoft = pane_app
    client, headers = app.test_client(), {"Authorization": f"Bearer {microsoft.token()}"}
    work = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    home = {"emailAddress": "liwei.home@gmail.com", "displayName": "Li Wei"}
    colleague = {"emailAddress": "logistics@acme-gmbh.de", "displayName": "Logistics"}
    client.post("/api/panel", json=item(10, work), headers=headers)
    shown = client.post("/api/panel?view=1", json=item(11, home, "samples"),
                        headers=headers).json
    (suggestion,) = shown["view"]["subject"]["suggestions"]
    client.post("/api/actions", headers=headers, json={
        "action": "confirm", "address": suggestion["address"],
        "person_id": suggestion["person_id"]})
    draft = item(12, ME, "Contract")
    draft["to"] = [home, colleague]
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, compose_stub(microsoft.token(), draft),
                  "/outlook/pane?mode=compose")
        page.click(f"button[data-office=use-primary][data-keep={keep}]")
        wait_until(page, "window.__to[0].emailAddress === 'li.wei@acme-gmbh.de'")
        page.wait_for_timeout(200)  # a Cc would follow the To
        # the other recipients stay in To, in their order
        assert [one["emailAddress"] for one in page.evaluate("window.__to")] == \
            ["li.wei@acme-gmbh.de", "logistics@acme-gmbh.de"]
        assert [one["emailAddress"] for one in page.evaluate("window.__cc")] == \
            (["liwei.home@gmail.com"] if keep == "cc" else [])


def test_compose_inserts_the_greeting_for_the_recipient_at_the_cursor(
    pane_app  # noqa: ANN001
) -> None:
    app, microsoft = pane_app
    work = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    draft = item(19, ME, "RE: PO 4411")
    draft["to"] = [work]
    draft["body"] = "\n\n-----Original message-----\n" + BODY  # the thread, quoted
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, compose_stub(microsoft.token(), draft),
                  "/outlook/pane?mode=compose")
        assert page.locator("#mm-who").text_content() == "Recipient"
        page.click("button[data-office=greeting]")
        ((text, coercion),) = page.evaluate("window.__inserted")
        assert text == "Dear Li Wei,\n" and coercion == "text"
        save_screenshot(page, "pane-compose")


def test_the_pane_asks_the_server_to_enrich_with_the_rest_id_and_shared_owner(
    pane_app  # noqa: ANN001
) -> None:
    app, microsoft = pane_app
    sender = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    fields = item(13, sender) | {"itemId": "AAMkEWS+id/="}
    stub = office_stub(microsoft.token(), fields, "en-US") + """
Office.MailboxEnums = { RestVersion: { v2_0: "v2.0" } };
Office.context.mailbox.convertToRestId = (id, version) => "rest-" + id.replace(/[+/]/g, "-");
Office.context.mailbox.item.getSharedPropertiesAsync = (done) =>
  done({ status: "succeeded", value: { owner: "sales@example-export.com" } });
"""
    with live_server(app) as base_url, chromium_page() as page:
        with page.expect_request("**/api/panel/enrich") as asked:
            open_pane(page, base_url, stub)
        enrichment = asked.value.post_data_json
    assert (enrichment["restId"], enrichment["sharedOwner"]) == (
        "rest-AAMkEWS-id-=", "sales@example-export.com")


def test_an_address_is_labelled_from_the_pane(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    sender = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, office_stub(microsoft.token(), item(14, sender), "en-US"))
        page.click("ul.addresses summary")
        page.fill("ul.addresses input[name=label]", "<b>Germany HQ</b>")
        page.keyboard.press("Enter")
        page.wait_for_selector("ul.addresses .label")
        assert page.locator("ul.addresses .label").inner_text() == "<b>Germany HQ</b>"
        assert page.locator("ul.addresses b").count() == 0
        assert serious_accessibility_problems(page) == []


def test_without_office_sso_the_pane_signs_in_through_the_dialog(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    sender = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    answer = json.dumps(json.dumps({"token": microsoft.token()}))  # as messageParent sends it
    stub = office_stub("unused", item(15, sender), "en-US") + f"""
Office.EventType.DialogMessageReceived = "dialogMessageReceived";
Office.auth.getAccessToken = async () => {{ throw {{ code: 13003, message: "no SSO" }}; }};
window.__dialogs = [];
Office.context.ui = {{
  displayDialogAsync(url, options, done) {{
    window.__dialogs.push(url);
    const dialog = {{
      close() {{}},
      addEventHandler(type, handler) {{
        setTimeout(() => handler({{ message: {answer} }}), 0);
      }},
    }};
    done({{ status: "succeeded", value: dialog }});
  }},
}};
"""
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, stub)
        page.wait_for_selector("article.panel")
        assert "Li Wei" in page.locator("#mm-panel").inner_text()
        assert page.evaluate("window.__dialogs") == [base_url + "/auth/dialog"]


def test_the_pane_runs_under_a_strict_csp_that_stops_injected_script(pane_app) -> None:  # noqa: ANN001
    app, microsoft = pane_app
    sender = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
    with live_server(app) as base_url, chromium_page() as page:
        page.add_init_script("window.__violations = [];"
                             "document.addEventListener('securitypolicyviolation',"
                             " (e) => window.__violations.push(e.violatedDirective));")
        with page.expect_response(lambda r: r.url.endswith("/outlook/pane")) as loaded:
            open_pane(page, base_url, office_stub(microsoft.token(), item(40, sender), "en-US"))
        policy = loaded.value.headers["content-security-policy"]
        assert "script-src 'self' https://appsforoffice.microsoft.com" in policy
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        page.wait_for_selector("article.panel")
        assert page.evaluate("window.__violations") == []  # the pane itself needs no exception
        # Were markup ever to slip through, the browser would still not run it
        page.evaluate("document.body.insertAdjacentHTML('beforeend',"
                      " '<img src=x onerror=\"window.__pwned = 1\">')")
        wait_until(page, "window.__violations.length > 0")
        assert page.evaluate("window.__pwned") is None
