"""The panel's person work: link the sender to an existing person found by search, unlink,
notes (team or private), the follow-up hint, warnings in the UI's language. Every change is
audited; everything from an email or a user stays text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from mailmatrix.customers.db import EXTENSION_KEY, Database, database_of
from mailmatrix.customers.models import AuditEvent
from tests.microsoft_fake import Microsoft, app_trusting
from tests.test_panel_api import LI_WEI, ME, open_message

HOSTILE = '<img src=x onerror="alert(1)">'
Pane = tuple[FlaskClient, dict[str, str]]


@pytest.fixture
def microsoft() -> Microsoft:
    return Microsoft()


@pytest.fixture
def pane(database: Database, microsoft: Microsoft) -> Pane:
    """The API on SQLite and on PostgreSQL (the search's LIKE and lower() on both)."""
    app = app_trusting(microsoft, database.url)
    database_of(app).dispose()
    app.extensions[EXTENSION_KEY] = database  # the one that checks every statement's tenant
    return app.test_client(), {"Authorization": f"Bearer {microsoft.token()}"}


def act(pane: Pane, **decision: object) -> int:
    client, headers = pane
    return client.post("/api/actions", headers=headers, json=decision).status_code


def search(pane: Pane, q: str, **more: object) -> dict:
    client, headers = pane
    response = client.post("/api/people/search", headers=headers, json={"q": q, **more})
    assert response.status_code == 200, response.json
    return response.json


def audit_actions(pane: Pane) -> list[str]:
    app = pane[0].application
    with database_of(app).session(1) as session:
        return [event.action for event in session.scalars(
            select(AuditEvent).order_by(AuditEvent.id))]


def test_a_sender_is_linked_to_a_person_found_by_name_then_unlinked(pane: Pane) -> None:
    open_message(pane, 1)
    home = open_message(pane, 2, **{"from": {"emailAddress": "lw.private@gmx.de",
                                             "displayName": "Wei L."}})  # no name match
    found = search(pane, "li wei", address="lw.private@gmx.de",
                   person_id=home["view"]["subject"]["person"]["id"])
    (match,) = found["matches"]
    assert match["name"] == "Li Wei" and "li.wei@acme-gmbh.de" in match["addresses"]
    assert 'data-action="confirm"' in found["html"]
    assert act(pane, action="confirm", address="lw.private@gmx.de", person_id=match["id"]) == 200
    linked = open_message(pane, 3, **{"from": {"emailAddress": "lw.private@gmx.de",
                                               "displayName": "Wei L."}})
    assert linked["view"]["subject"]["person"]["id"] == match["id"]
    assert act(pane, action="unlink", address="lw.private@gmx.de", person_id=match["id"]) == 200
    again = open_message(pane, 4, **{"from": {"emailAddress": "lw.private@gmx.de",
                                              "displayName": "Li Wei"}})
    # the user's "not this person" is final: the same name does not bring it back
    assert again["view"]["subject"]["person"]["id"] != match["id"]
    assert audit_actions(pane)[-2:] == ["must-link", "cannot-link"]


def test_people_are_found_by_address_prefix_and_folded_names(pane: Pane) -> None:
    open_message(pane, 5, **{"from": {"emailAddress": "j.mueller@kraft-werke.de",
                                      "displayName": "Jörg Müller"}})
    assert [m["name"] for m in search(pane, "muller")["matches"]] == ["Jörg Müller"]
    assert [m["name"] for m in search(pane, "J.MUELLER@")["matches"]] == ["Jörg Müller"]
    assert search(pane, "100%_")["matches"] == []  # LIKE wildcards are literal
    nobody = search(pane, "nobody at all")
    assert nobody["matches"] == [] and "No one found" in nobody["html"]


def test_search_results_keep_a_hostile_name_inert(pane: Pane) -> None:
    open_message(pane, 6, **{"from": {"emailAddress": "x@evil-names.example",
                                      "displayName": f"Mal {HOSTILE} Icious"}})
    found = search(pane, "mal")
    assert found["matches"] and HOSTILE not in found["html"]
    assert "&lt;img src=x" in found["html"]


def test_search_never_crosses_tenants(pane: Pane, microsoft: Microsoft) -> None:
    open_message(pane, 7)
    client, _ = pane
    other_tenant = "0a1b2c3d-0000-4000-8000-00000000beef"
    stranger = {"Authorization": "Bearer " + microsoft.token(
        tid=other_tenant, iss=f"https://login.microsoftonline.com/{other_tenant}/v2.0")}
    response = client.post("/api/people/search", headers=stranger, json={"q": "li wei"})
    assert response.status_code == 200 and response.json["matches"] == []
    assert search(pane, "li wei")["matches"]  # while the own tenant finds him


def test_team_notes_are_shared_private_notes_are_not_and_both_stay_text(pane: Pane) -> None:
    person = open_message(pane, 8)["view"]["subject"]["person"]["id"]
    assert act(pane, action="note", person_id=person, text=f"Calls before 10:00 {HOSTILE}") == 200
    assert act(pane, action="note", person_id=person, text="my own reminder",
               visibility="private") == 200
    shown = open_message(pane, 9)
    texts = [note["text"] for note in shown["view"]["subject"]["notes"]]
    assert texts == ["my own reminder", f"Calls before 10:00 {HOSTILE}"]
    assert HOSTILE not in shown["html"] and "Calls before 10:00 &lt;img" in shown["html"]
    assert audit_actions(pane)[-2:] == ["add-note", "add-note"]


def test_notes_refuse_empty_oversized_and_foreign_deletions(pane: Pane) -> None:
    person = open_message(pane, 10)["view"]["subject"]["person"]["id"]
    assert act(pane, action="note", person_id=person, text="  \x00 ") == 400
    assert act(pane, action="note", person_id=person, text="x" * 2001) == 400
    assert act(pane, action="note", person_id=person, text="ok", visibility="public") == 400
    assert act(pane, action="note", person_id=999, text="nobody") == 400
    assert act(pane, action="delete-note", note_id=424242) == 400
    assert act(pane, action="note", person_id=person, text="short-lived") == 200
    (note,) = open_message(pane, 11)["view"]["subject"]["notes"]
    assert act(pane, action="delete-note", note_id=note["id"]) == 200
    assert open_message(pane, 12)["view"]["subject"]["notes"] == []
    assert audit_actions(pane)[-1] == "delete-note"


def test_the_follow_up_says_who_owes_a_reply(pane: Pane) -> None:
    now = datetime.now(UTC)
    open_message(pane, 13, dateTimeCreated=(now - timedelta(days=9)).isoformat())
    quote = open_message(pane, 14, **{"from": ME, "to": [LI_WEI], "subject": "Quotation 118",
                                      "body": "Dear Mr Li,\nplease find our quotation "
                                              "attached.\nKind regards\nAnna",
                                      "dateTimeCreated": (now - timedelta(days=6)).isoformat()})
    assert quote["view"]["follow_up"] == {"waiting_for": "them", "days": 6, "matter": "quote"}
    assert "You sent the quote 6 days ago; no reply yet." in quote["html"]


def test_warnings_and_headings_speak_the_ui_language(pane: Pane) -> None:
    open_message(pane, 15)
    fraud = open_message(pane, 16, displayLanguage="zh-CN",
                         **{"from": {"emailAddress": "li.wei@acme-grnbh.de",
                                     "displayName": "Li Wei"}})
    assert "acme-grnbh.de 仿冒 acme-gmbh.de" in fraud["html"] and "发件人" in fraud["html"]
    sent = open_message(pane, 17, **{"from": ME, "to": [LI_WEI]})
    assert '<h2 id="mm-who">Recipient</h2>' in sent["html"]


def test_the_primarys_reasons_are_worded_in_the_ui_language(pane: Pane) -> None:
    open_message(pane, 18)
    chinese = open_message(pane, 19, displayLanguage="zh-CN")
    assert chinese["view"]["subject"]["primary"]["reasons"][0]["name"] == "kind"
    assert "原因：企业邮箱" in chinese["html"]
    assert "已用于 2 封正式事务邮件" in chinese["html"]
