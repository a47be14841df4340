"""`mailmatrix demo`: an inbox and the real task pane beside it, through the Office.js stand-in,
on the seeded demo mailbox; demo sign-in exists only in the demo."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from mailmatrix import create_app
from mailmatrix.web.demo_mailbox import INBOX
from tests.browser import chromium_page, live_server, save_screenshot


def index_of(subject_start: str) -> int:
    return next(number for number, message in enumerate(INBOX)
                if str(message["subject"]).startswith(subject_start))


def test_the_inbox_opens_each_message_in_the_real_pane(demo_app: Flask) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.goto(base_url + "/")
        assert page.locator("nav li").count() == len(INBOX)
        pane = page.frame_locator("iframe")
        pane.locator("article.panel").wait_for()
        known = pane.locator("#mm-panel").inner_text()
        assert "Li Wei" in known and "ACME" in known.upper() and "Answer formally" in known
        pane.locator("button[data-office=reply]").click()
        page.wait_for_selector("#mm-outlook q")
        assert page.locator("#mm-outlook q").inner_text().startswith("Dear")
        save_screenshot(page, "demo-inbox-known-customer")
        page.click(f"nav li:nth-child({index_of('Updated bank details') + 1}) a")
        pane = page.frame_locator("iframe")
        pane.locator("li.warning", has_text="imitates acme-gmbh.de").wait_for()
        assert "How to reply" not in pane.locator("#mm-panel").inner_text()
        save_screenshot(page, "demo-inbox-lookalike")
        page.click(f"nav li:nth-child({index_of('Invoice 2026-22') + 1}) a")
        page.frame_locator("iframe").locator("text=Replies go to").wait_for()


def test_demo_sign_in_is_refused_outside_the_demo_and_with_microsoft_configured(
    tmp_path: Path
) -> None:
    demo = {"Authorization": "Bearer demo"}
    for config in ({"DEMO_MODE": False},
                   {"DEMO_MODE": True, "ENTRA_CLIENT_ID": "4a1f6c2e-8d3b-4c5e-9f70-2b6d8e1a3c94"}):
        app = create_app({"TESTING": True, "SECRET_KEY": "test", **config,
                          "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
        response = app.test_client().get("/api/profile?address=a@b.de", headers=demo)
        assert (response.status_code, response.json["error"]) == (401, "demo_refused")
        if not config["DEMO_MODE"]:
            assert app.test_client().get("/demo/messages/0").status_code == 404
            assert app.test_client().get("/").status_code == 302  # to the address check
