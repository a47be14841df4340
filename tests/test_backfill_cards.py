"""'Learn from my mailbox' on the Gmail homepage card: the link to Google's consent screen when
Google OAuth is set up here (none otherwise), the progress of the user's run, in the user's
language, and a valid Card v1 every time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask

from mailmatrix.auth.google import GoogleUser, principal_for_google
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database, database_of
from mailmatrix.customers.facts import VERIFIED, MessageFacts
from mailmatrix.customers.scoping import forbid_unscoped_statements
from mailmatrix.mailboxes.backfill import backfill_progress, claim_backfill, continue_backfill
from mailmatrix.mailboxes.backfill_source import Page
from mailmatrix.mailboxes.google_grant import GoogleGrants, GoogleOAuthClient
from mailmatrix.web.backfill import GOOGLE_GRANTS
from tests.card_schema import card_texts, cards_in
from tests.google_fake import BASE_URL, DOMAIN, USER_EMAIL, USER_SUB, Google, app_for_google, event

CONNECT = f"{BASE_URL}/backfill/google/connect?state="
TITLE = {"en": "Learn from my mailbox", "zh-CN": "从我的邮箱学习"}
START = {"en": "Start", "zh-CN": "开始"}
CORRESPONDENTS = ("Sofia Rossi <sofia@rossi-meccanica.it>", "Kim Min-jun <kim@hanbit-parts.co.kr>",
                  "Lucas Martin <lucas.martin@gmail.com>")


@pytest.fixture
def google() -> Google:
    return Google()


@pytest.fixture
def app(google: Google, database: Database) -> Flask:
    """The add-on's app on each kind of database, every statement checked for its tenant."""
    found = app_for_google(google, database.engine.url.render_as_string(hide_password=False))
    forbid_unscoped_statements(database_of(found).engine)
    return found


def with_google_consent(app: Flask) -> Flask:
    app.extensions[GOOGLE_GRANTS] = GoogleGrants(GoogleOAuthClient("id", "secret"))
    return app


def homepage(app: Flask, google: Google, locale: str = "en") -> dict[str, Any]:
    token = google.system_token("/gmail/homepage")
    answer = app.test_client().post("/gmail/homepage", json=event(google, locale=locale),
                                    headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json
    (card,) = cards_in(answer.json)  # validated against the Card v1 schema
    return card


def learning_section(card: dict[str, Any], language: str = "en") -> dict[str, Any] | None:
    found = [section for section in card["sections"]
             if section.get("header") == TITLE[language]]
    assert len(found) <= 1
    return found[0] if found else None


def link_buttons(node: Any) -> list[tuple[str, str]]:
    """Every button that opens a link: (label, url)."""
    if isinstance(node, dict):
        here = [(node["text"], node["onClick"]["openLink"]["url"])] \
            if "openLink" in node.get("onClick", {}) else []
        return here + [found for value in node.values() for found in link_buttons(value)]
    if isinstance(node, list):
        return [found for item in node for found in link_buttons(item)]
    return []


def paragraphs(section: dict[str, Any]) -> list[str]:
    return [widget["textParagraph"]["text"] for widget in section["widgets"]
            if "textParagraph" in widget]


def the_user(app: Flask) -> Principal:
    """The principal the homepage requests of ``google_fake.event`` resolve to."""
    return principal_for_google(database_of(app), GoogleUser(USER_SUB, USER_EMAIL, DOMAIN,
                                                             "Anna Becker"))


class GmailArchive:
    """A tiny Gmail for the backfill: one page, read back to ``since``."""

    provider = "google"

    def __init__(self, senders: tuple[str, ...]) -> None:
        self.facts = [MessageFacts(
            from_=sender, to=f"Anna Becker <{USER_EMAIL}>", subject="Request for quotation",
            date="Mon, 2 Nov 2026 09:00:00 +0100", message_id=f"<rfq{number}@cards.test>",
            body="Dear Anna,\n\nplease quote.\n\nBest regards", provenance=VERIFIED)
            for number, sender in enumerate(senders)]
        self.calls: list[tuple[datetime, str | None]] = []

    def page(self, since: datetime, cursor: str | None) -> Page:
        self.calls.append((since, cursor))
        return Page(list(self.facts), None, len(self.facts))


def finished_run(app: Flask, senders: tuple[str, ...] = CORRESPONDENTS) -> None:
    database, principal = database_of(app), the_user(app)
    claimed = claim_backfill(database, principal, "google", 6, datetime.now(UTC))
    assert claimed is not None
    source = GmailArchive(senders)
    done = continue_backfill(database, principal, source, claimed, sleep=lambda _s: None)
    assert (done.state, done.read, done.new, len(source.calls)) == ("done", 3, 3, 1)


# -- the link to Google's consent ------------------------------------------------------------

def test_with_google_consent_set_up_the_homepage_links_to_it(app: Flask, google: Google
                                                             ) -> None:
    card = homepage(with_google_consent(app), google)
    section = learning_section(card)
    assert section is not None
    assert paragraphs(section) == [
        "Read the headers (sender, recipients, date, subject; never the text) of your mail of "
        "the last months, so that MailMatrix knows your customers from today."]
    ((label, url),) = link_buttons(card)
    assert label == "Start" and url.startswith(CONNECT) and len(url) > len(CONNECT) + 20
    assert card_texts(card["sections"][0]) == ["Open a message to see who is writing."]
    # The link names this user to Google: the connect endpoint sends them to consent
    link = urlparse(url)
    answer = app.test_client().get(f"{link.path}?{link.query}")
    assert answer.status_code == 302
    asked = parse_qs(urlparse(answer.headers["Location"]).query)
    assert asked["login_hint"] == [USER_EMAIL] and asked["client_id"] == ["id"]
    assert asked["redirect_uri"] == [f"{BASE_URL}/backfill/google/callback"]


def test_without_google_consent_there_is_no_section_and_no_link(app: Flask, google: Google
                                                                ) -> None:
    assert app.extensions[GOOGLE_GRANTS] is None  # no GOOGLE_OAUTH_CLIENT_ID/SECRET configured
    card = homepage(app, google)
    assert learning_section(card) is None
    assert link_buttons(card) == []
    assert not any("mailbox" in text.lower() for text in card_texts(card))
    assert [card_texts(section) for section in card["sections"]] == [
        ["Open a message to see who is writing."]]


# -- the user's run --------------------------------------------------------------------------

def test_a_finished_run_shows_its_numbers_and_the_link_to_run_again(app: Flask, google: Google
                                                                    ) -> None:
    finished_run(with_google_consent(app))
    card = homepage(app, google)
    section = learning_section(card)
    assert section is not None
    assert paragraphs(section)[1:] == ["<b>Done: 3 messages read, 3 of them new.</b>"]
    ((label, url),) = link_buttons(section)
    assert label == "Start" and url.startswith(CONNECT)


def test_a_finished_run_shows_even_where_google_consent_is_not_set_up(app: Flask,
                                                                      google: Google) -> None:
    finished_run(app)
    card = homepage(app, google)
    section = learning_section(card)
    assert section is not None  # the numbers of a run started elsewhere (the CLI, say)
    assert paragraphs(section)[1:] == ["<b>Done: 3 messages read, 3 of them new.</b>"]
    assert link_buttons(card) == []


def test_hostile_correspondents_of_a_run_stay_off_the_card(app: Flask, google: Google) -> None:
    hostile = ('"<img src=x onerror=alert(1)>" <evil@attacker.example>',
               '"Eve <b>Boss</b> & Co" <eve@attacker.example>',
               "Mallory <mallory@attacker.example>")
    finished_run(with_google_consent(app), hostile)
    card = homepage(app, google)
    shown = "\n".join(card_texts(card))
    assert "<b>Done: 3 messages read, 3 of them new.</b>" in shown
    assert "<img" not in shown and "attacker" not in shown and "Eve" not in shown
    # the only markup on the card is the bold of the progress line
    assert shown.replace("<b>", "").replace("</b>", "").count("<") == 0


def test_a_running_run_shows_how_far_it_got_and_no_second_start(app: Flask, google: Google
                                                                 ) -> None:
    with_google_consent(app)
    claimed = claim_backfill(database_of(app), the_user(app), "google", 6, datetime.now(UTC))
    assert claimed is not None and claimed.state == "running"
    section = learning_section(homepage(app, google))
    assert section is not None
    assert paragraphs(section)[1:] == ["<b>0 messages read (0 new).</b>"]
    assert link_buttons(section) == []  # started already: the link would only show it again


def test_a_stopped_run_can_be_started_again(app: Flask, google: Google) -> None:
    class Interrupted:
        provider = "google"

        def page(self, since: datetime, cursor: str | None) -> Page:
            raise RuntimeError("the process is going down")

    database, principal = database_of(with_google_consent(app)), the_user(app)
    claimed = claim_backfill(database, principal, "google", 6, datetime.now(UTC))
    assert claimed is not None
    with pytest.raises(RuntimeError):
        continue_backfill(database, principal, Interrupted(), claimed)
    section = learning_section(homepage(app, google))
    assert section is not None
    assert paragraphs(section)[1:] == [
        "<b>Stopped after 0 messages; start again to continue.</b>"]
    offered = link_buttons(section)
    assert [label for label, _ in offered] == ["Start"]
    assert offered[0][1].startswith(CONNECT)


# -- in Chinese ------------------------------------------------------------------------------

def test_the_section_speaks_chinese_for_a_chinese_gmail(app: Flask, google: Google) -> None:
    card = homepage(with_google_consent(app), google, locale="zh-CN")
    assert learning_section(card, "en") is None
    section = learning_section(card, "zh-CN")
    assert section is not None
    assert paragraphs(section)[0].startswith("读取最近几个月邮件的邮件头")
    ((label, url),) = link_buttons(card)
    assert label == START["zh-CN"] and url.startswith(CONNECT)
    finished_run(app)
    section = learning_section(homepage(app, google, locale="zh-CN"), "zh-CN")
    assert section is not None
    assert paragraphs(section)[1:] == ["<b>完成：共读取 3 封邮件，其中新 3 封。</b>"]


# -- once a grant exists: Start runs with it, no consent screen again ---------------------------

def action_buttons(node: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every button that calls our action endpoint: (label, action)."""
    if isinstance(node, dict):
        here = [(node["text"], node["onClick"]["action"])] \
            if "action" in node.get("onClick", {}) else []
        return here + [found for value in node.values() for found in action_buttons(value)]
    if isinstance(node, list):
        return [found for item in node for found in action_buttons(item)]
    return []


def test_with_a_stored_grant_start_runs_again_without_the_consent_screen(
        app: Flask, google: Google) -> None:
    from mailmatrix.mailboxes.grants import Sealer, save_grant
    from mailmatrix.mailboxes.setup import GMAIL
    from tests.google_fake import GmailService
    from tests.test_backfill_web import KEY, GoogleTokenEndpoint

    app.config["GRANTS_KEYS"] = KEY
    endpoint = GoogleTokenEndpoint()
    app.extensions[GOOGLE_GRANTS] = GoogleGrants(GoogleOAuthClient("id", "secret"), http=endpoint)
    finished_run(app)
    save_grant(database_of(app), the_user(app), "google", "1//0g-refresh", Sealer([KEY]))
    card = homepage(app, google)
    section = learning_section(card)
    assert section is not None and link_buttons(section) == []
    ((label, action),) = action_buttons(section)
    assert label == "Start" and action["function"] == f"{BASE_URL}/gmail/action"
    gmail = GmailService((200, {"resultSizeEstimate": 0}))
    app.extensions[GMAIL].use(gmail.client())
    token = google.system_token("/gmail/action")
    answer = app.test_client().post(
        "/gmail/action", headers={"Authorization": f"Bearer {token}"},
        json=event(google, parameters={item["key"]: item["value"]
                                       for item in action["parameters"]}))
    assert answer.status_code == 200, answer.json
    (updated,) = cards_in(answer.json)  # the home card again, with the new run's progress
    texts = card_texts(updated)
    assert any("messages read" in text for text in texts), texts
    # The run (a thread) reads Gmail with the stored grant
    from tests.test_backfill_web import wait_until_settled

    job = wait_until_settled(lambda: backfill_progress(
        database_of(app), the_user(app), "google").as_json())
    assert job["state"] == "done"
    assert endpoint.posts[0]["refresh_token"] == "1//0g-refresh"


def test_after_a_failed_grant_start_goes_through_the_consent_screen_again(
        app: Flask, google: Google) -> None:
    from mailmatrix.mailboxes.backfill_source import ConsentNeeded
    from mailmatrix.mailboxes.grants import Sealer, save_grant

    class Revoked:
        provider = "google"

        def page(self, since: datetime, cursor: str | None) -> Page:
            raise ConsentNeeded("Google refused: invalid_grant")

    with_google_consent(app)
    database, principal = database_of(app), the_user(app)
    save_grant(database, principal, "google", "1//0g-revoked", Sealer(["k" * 40]))
    claimed = claim_backfill(database, principal, "google", 6, datetime.now(UTC))
    assert claimed is not None
    assert continue_backfill(database, principal, Revoked(), claimed).state == "failed"
    section = learning_section(homepage(app, google))
    assert section is not None and action_buttons(section) == []
    ((label, url),) = link_buttons(section)
    assert label == "Start" and url.startswith(CONNECT)
