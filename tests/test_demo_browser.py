"""The demo page in a real Chromium: renders, checks an address, keeps hostile text inert."""

from __future__ import annotations

from flask import Flask

from tests.browser import chromium_page, live_server, save_screenshot


def test_demo_page_classifies_an_address_typed_by_keyboard_in_chromium(app: Flask) -> None:
    with live_server(app) as base_url, chromium_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(base_url + "/")
        assert page.locator("tbody tr").count() >= 10
        page.keyboard.press("Tab")
        page.keyboard.type('"<img src=x onerror=alert(1)>" <li.wei+alibaba@googlemail.com>')
        page.keyboard.press("Enter")
        page.wait_for_load_state("load")
        result = page.locator("section[aria-live] tbody tr").first
        assert "liwei@gmail.com" in result.inner_text()
        assert "platform" in result.inner_text()
        assert "<img src=x onerror=alert(1)>" in page.locator("#address").input_value()
        assert page.locator("img").count() == 0 and dialogs == []
        save_screenshot(page, "demo-address-check")
