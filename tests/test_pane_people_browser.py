"""The pane's person work in a real Chromium: a note written in the pane shows as text, a
sender is linked to a person found by search, all by keyboard where it matters."""

from __future__ import annotations

from tests.browser import chromium_page, live_server, save_screenshot
from tests.test_pane_browser import item, office_stub, open_pane, pane_app  # noqa: F401

LI_WEI = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
HOSTILE = "<img src=x onerror=alert(1)> call first"


def test_a_note_is_added_in_the_pane_and_stays_text(pane_app) -> None:  # noqa: ANN001, F811
    app, microsoft = pane_app
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, office_stub(microsoft.token(), item(30, LI_WEI), "en-US"))
        page.fill("#mm-note", HOSTILE)
        page.select_option("#mm-note-visibility", "private")
        page.click(".note-form button[type=submit]")
        page.wait_for_selector(".note-text")
        assert page.locator(".note-text").inner_text() == HOSTILE
        assert page.locator(".notes img").count() == 0
        assert "Only me" in page.locator(".note-by").inner_text()
        page.click("button[data-action=delete-note]")
        page.wait_for_selector(".note-text", state="detached")


def test_a_sender_is_linked_to_a_person_found_in_the_pane(pane_app) -> None:  # noqa: ANN001, F811
    app, microsoft = pane_app
    client, headers = app.test_client(), {"Authorization": f"Bearer {microsoft.token()}"}
    client.post("/api/panel", json=item(31, LI_WEI), headers=headers)
    private = {"emailAddress": "wl.1987@web.de", "displayName": "W. L."}  # no shared name
    with live_server(app) as base_url, chromium_page() as page:
        open_pane(page, base_url, office_stub(microsoft.token(), item(32, private), "en-US"))
        page.click(".link summary")
        page.fill("#mm-search", "li wei")
        page.keyboard.press("Enter")
        page.wait_for_selector(".link-results button")
        save_screenshot(page, "pane-link-search")
        page.click(".link-results button")
        page.wait_for_selector("ul.addresses > li:nth-child(2)")
        assert "li.wei@acme-gmbh.de" in page.locator("ul.addresses").inner_text()
        assert "Li Wei" in page.locator(".who .name").inner_text()
