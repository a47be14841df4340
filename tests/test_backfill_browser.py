"""'Learn from my mailbox' in a real Chromium: the pane's section starts a run on the demo's
archive (600 messages), shows its progress in a live region until it is done, shows the
finished run again after a reload, works with the keyboard alone, tells a refused start in the
user's words, and the graph learns the archive's correspondents; Google's consent redirect
lands on a page that follows the run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from mailmatrix import create_app
from mailmatrix.auth.demo import demo_principal_of
from mailmatrix.customers.db import Database, database_of
from mailmatrix.customers.models import Address
from mailmatrix.web.demo_archive import BUYERS, MESSAGES, DemoArchiveSource
from tests.browser import chromium_page, live_server, save_screenshot, wait_until

DONE_ALL = f"Done: {MESSAGES} messages read, {MESSAGES} of them new."
RUNNING = re.compile(r"^(\d+) messages read \((\d+) new\)( of about (\d+))?\.$")
DONE = re.compile(r"^Done: (\d+) messages read, (\d+) of them new\.$")
FINISHED = 60_000  # ms: generous, the run takes a few seconds; this is no performance limit

# Every text the progress paragraph shows, in order (init scripts run outside the pane's CSP)
RECORD_PROGRESS = """
window.__progress = [];
document.addEventListener("DOMContentLoaded", () => {
  const shown = document.querySelector("#mm-backfill .backfill-progress");
  if (!shown) return;
  new MutationObserver(() => {
    const text = shown.textContent;
    if (window.__progress[window.__progress.length - 1] !== text) window.__progress.push(text);
  }).observe(shown, { childList: true, characterData: true, subtree: true });
});
"""


def addresses_of_the_demo_user(database: Database) -> set[str]:
    tenant = demo_principal_of(database).tenant_id
    with database.reading(tenant) as session:
        count = session.scalar(select(func.count(Address.id)).where(Address.tenant_id == tenant))
        found = set(session.scalars(select(Address.canonical)
                                    .where(Address.tenant_id == tenant)))
    assert count == len(found)
    return found


def buyers_at_work() -> set[str]:
    """The archive's correspondents at their company addresses (most of its messages)."""
    return {f"{name.split()[0].lower()}@{domain}" for name, domain in BUYERS}


def archive_messages_since(months: int) -> int:
    """How many of the archive's messages a run of ``months`` months reads (a month is 31
    days to the backfill)."""
    now = datetime.now(UTC)
    source = DemoArchiveSource(pause=0, now=now)
    since, cursor, total = now - timedelta(days=31 * months), None, 0
    while True:
        page = source.page(since, cursor)
        total += len(page.facts)
        if page.cursor is None:
            return total
        cursor = page.cursor


def pane_frame(page: Any) -> Any:
    """The task pane inside the demo inbox (an iframe of /outlook/pane?demo=…)."""
    wait_until(page, "document.querySelector('iframe').contentDocument"
                     " && document.querySelector('iframe').contentDocument.readyState"
                     " === 'complete'")
    return next(frame for frame in page.frames if "/outlook/pane" in frame.url)


def assert_a_sensible_progression(shown: list[str], final: str) -> None:
    """Running texts (read counts never going back), then the final one; never an error."""
    assert shown, "the progress paragraph never changed"
    assert shown[-1] == final, shown
    assert RUNNING.match(shown[0]), f"the first text is not a running one: {shown}"
    read = [int(RUNNING.match(text).group(1)) for text in shown[:-1]  # type: ignore[union-attr]
            if RUNNING.match(text)]
    assert len(read) == len(shown) - 1, f"an unexpected text: {shown}"
    assert read == sorted(read) and read[0] < MESSAGES, shown
    for text in shown[:-1]:
        total = RUNNING.match(text).group(4)  # type: ignore[union-attr]
        assert total in (None, str(MESSAGES)), f"another total than the archive's: {text}"


def test_the_demo_learns_its_archive_from_the_pane_and_shows_the_finished_run_again(
    demo_app: Flask
) -> None:
    database = database_of(demo_app)
    before = addresses_of_the_demo_user(database)
    assert not before & buyers_at_work()  # the archive is not part of the seeded history
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.add_init_script(RECORD_PROGRESS)
        page.goto(base_url + "/")
        pane = page.frame_locator("iframe")
        pane.locator("article.panel").wait_for()  # the pane is signed in (the demo user)
        section = pane.locator("details#mm-backfill")
        assert section.get_attribute("open") is None
        progress = section.locator(".backfill-progress")
        section.locator("summary", has_text="Learn from my mailbox").click()
        progress_frame = pane_frame(page)
        assert progress.text_content() == ""  # no run yet: nothing to show
        section.locator("select[name=months]").select_option("12")
        with page.expect_response(lambda r: r.url.endswith("/api/backfill")
                                  and r.request.method == "POST") as started:
            section.get_by_role("button", name="Start").click()
        assert started.value.status == 202
        assert started.value.request.post_data_json == {"months": 12}
        # The run is followed until it is done (polling every 2 s; the wait is no time limit),
        # and then the panel is asked for again: what was learned shows without reopening
        with page.expect_request(lambda r: r.url.endswith("/api/panel")
                                 and r.method == "POST", timeout=FINISHED) as shown_again:
            progress.filter(has_text="Done").wait_for(timeout=FINISHED)
        assert shown_again.value.post_data_json["internetMessageId"]
        assert progress.inner_text() == DONE_ALL
        assert_a_sensible_progression(progress_frame.evaluate("window.__progress"), DONE_ALL)
        # announced: the text is in a polite live region with the status role
        announced = pane.get_by_role("status").filter(has_text=DONE_ALL)
        assert announced.count() == 1
        assert announced.get_attribute("aria-live") == "polite"
        assert announced.evaluate("element => element.closest('[aria-hidden=true]')") is None
        # The run ended: Start works again (disabled while it ran)
        section.get_by_role("button", name="Start").wait_for()
        assert section.get_by_role("button", name="Start").is_enabled()
        save_screenshot(page, "backfill-demo-done")

        # The finished run, after the pane is opened again: read from the server on toggle
        page.reload()
        pane = page.frame_locator("iframe")
        pane.locator("article.panel").wait_for()
        section = pane.locator("details#mm-backfill")
        progress = section.locator(".backfill-progress")
        assert progress.text_content() == ""  # nothing is asked before the section is opened
        with page.expect_request(lambda r: r.url.endswith("/api/backfill")
                                 and r.method == "GET") as asked:
            section.locator("summary").click()
        assert asked.value.headers["authorization"] == "Bearer demo"
        progress.filter(has_text="Done").wait_for(timeout=FINISHED)
        assert progress.inner_text() == DONE_ALL
        assert pane.get_by_role("status").filter(has_text=DONE_ALL).count() == 1
    after = addresses_of_the_demo_user(database)
    assert len(after) > len(before)
    assert before <= after and buyers_at_work() <= after


def test_a_run_of_six_months_is_started_and_followed_with_the_keyboard_alone(
    demo_app: Flask
) -> None:
    from tests.test_pane_browser import serious_accessibility_problems

    database = database_of(demo_app)
    before = addresses_of_the_demo_user(database)
    expected = archive_messages_since(6)
    assert 0 < expected < MESSAGES  # six months are about half of the archive's year
    with live_server(demo_app) as base_url, chromium_page() as page:
        page.add_init_script(RECORD_PROGRESS)
        page.goto(base_url + "/outlook/pane?demo=0")
        page.wait_for_selector("article.panel")
        for _ in range(80):  # Tab through the pane to the section, as a keyboard user would
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('#mm-backfill > summary')"):
                break
        else:
            raise AssertionError("the 'Learn from my mailbox' section cannot be reached with Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.getElementById('mm-backfill').open") is True
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.name") == "months"
        assert page.evaluate("document.activeElement.value") == "12"  # the default
        page.keyboard.press("ArrowUp")  # 12 -> 6, without opening the list
        assert page.evaluate("document.activeElement.value") == "6"
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Start"
        with page.expect_request(lambda r: r.url.endswith("/api/backfill")
                                 and r.method == "POST") as started:
            page.keyboard.press("Enter")
        assert started.value.post_data_json == {"months": 6}
        progress = page.locator("#mm-backfill .backfill-progress")
        progress.filter(has_text="Done").wait_for(timeout=FINISHED)
        final = f"Done: {expected} messages read, {expected} of them new."
        assert progress.inner_text() == final
        shown = page.evaluate("window.__progress")
        assert shown[-1] == final and all(RUNNING.match(text) for text in shown[:-1]), shown
        assert all(RUNNING.match(text).group(4) in (None, str(expected))  # type: ignore[union-attr]
                   for text in shown[:-1]), shown
        assert page.get_by_role("status").filter(has_text=final).count() == 1
        save_screenshot(page, "backfill-demo-keyboard")
        assert serious_accessibility_problems(page) == []
    after = addresses_of_the_demo_user(database)
    assert len(after) > len(before) and buyers_at_work() <= after


@pytest.mark.parametrize(("error", "shown"), [
    ("backfill_unavailable", "Learning from the whole mailbox is not set up on this server."),
    ("consent_required", "MailMatrix may not read this mailbox yet: your administrator grants "
                         "it once for your organization."),
    ("something_else", "Something went wrong; try again.")])
def test_a_refused_start_is_told_in_the_users_words_and_start_works_again(
        demo_app: Flask, error: str, shown: str) -> None:
    with live_server(demo_app) as base_url, chromium_page() as page:
        # The server's answers when it cannot start (no grants key, no consent yet, ...)
        page.route("**/api/backfill", lambda route: route.fulfill(
            status=503 if error != "consent_required" else 403,
            content_type="application/json",
            body=f'{{"error": "{error}", "message": "server words, not for the user"}}')
            if route.request.method == "POST" else route.continue_())
        page.goto(base_url + "/outlook/pane?demo=0")
        page.wait_for_selector("article.panel")
        page.locator("#mm-backfill summary").click()
        page.get_by_role("button", name="Start").click()
        progress = page.locator("#mm-backfill .backfill-progress")
        progress.filter(has_text=shown).wait_for()
        assert progress.inner_text() == shown
        assert page.get_by_role("button", name="Start").is_enabled()


def test_googles_redirect_lands_on_a_page_that_follows_the_run(tmp_path: Path) -> None:
    from urllib.parse import parse_qs, urlparse

    from mailmatrix.customers.local import local_principal
    from mailmatrix.mailboxes.google_grant import GoogleGrants
    from mailmatrix.mailboxes.setup import GMAIL, GOOGLE_GRANTS
    from mailmatrix.web.backfill import consent_link
    from tests.google_fake import GmailService
    from tests.test_backfill_web import GOOGLE_CLIENT, KEY, GoogleTokenEndpoint

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "GRANTS_KEYS": KEY,
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'google.sqlite3'}"})
    database_of(app).upgrade()
    app.extensions[GOOGLE_GRANTS] = GoogleGrants(GOOGLE_CLIENT, http=GoogleTokenEndpoint())
    app.extensions[GMAIL].use(GmailService((200, {"resultSizeEstimate": 0})).client())
    principal = local_principal(database_of(app), "rep@example-export.com")
    with app.test_request_context():
        state = parse_qs(urlparse(consent_link(principal) or "").query)["state"][0]
    with live_server(app) as base_url, chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda response: errors.append(response.url)
                if response.status >= 400 and not response.url.endswith("/favicon.ico")
                else None)
        page.goto(f"{base_url}/backfill/google/callback?state={state}&code=4/0AX4XfWh-code")
        assert "MailMatrix is learning from your mailbox" in page.inner_text("main")
        progress = page.locator(".backfill-progress")
        progress.filter(has_text="Done").wait_for(timeout=FINISHED)
        assert progress.inner_text() == "Done: 0 messages read, 0 of them new."
        assert progress.get_attribute("aria-live") == "polite"
        assert errors == []  # the script ran (under the CSP), every resource loaded
