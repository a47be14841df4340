"""Teams, permissions and privacy through the real API, on SQLite and PostgreSQL: roles, the
owner policy (protective facts only for a colleague's customer), sharing and hand-over, notes,
the audit log, GDPR export and erasure with suppression, retention pruning, and never a message
body in the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, select, text

from mailmatrix.customers.db import EXTENSION_KEY, Database, database_of
from mailmatrix.customers.gdpr import prune_observations
from mailmatrix.customers.models import AuditEvent, Tenant
from mailmatrix.customers.users import operator_principal
from mailmatrix.mailboxes.grants import Sealer, load_grant, save_grant
from tests.microsoft_fake import Microsoft, app_trusting

DOMAIN = "example-export.com"
LI_WEI = {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"}
OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"


class Team:
    """Three colleagues of one organization and a stranger from another, each with a client."""

    def __init__(self, client: FlaskClient, microsoft: Microsoft) -> None:
        self.client, self.microsoft = client, microsoft
        self.tokens = {
            "anna": microsoft.token(oid="00000000-0000-4000-8000-00000000000a",
                                    preferred_username=f"anna@{DOMAIN}", name="Anna"),
            "tom": microsoft.token(oid="00000000-0000-4000-8000-00000000000b",
                                   preferred_username=f"tom@{DOMAIN}", name="Tom"),
            "eva": microsoft.token(oid="00000000-0000-4000-8000-00000000000c",
                                   preferred_username=f"eva@{DOMAIN}", name="Eva"),
            "stranger": microsoft.token(
                tid=OTHER_TENANT, iss=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0",
                oid="00000000-0000-4000-8000-00000000000d",
                preferred_username="sam@other-corp.example", name="Sam")}
        for name in ("anna", "tom", "eva", "stranger"):  # anna signs in first: the admin
            assert self.call(name, "GET", "/api/v1/me").status_code == 200

    def call(self, who: str, method: str, path: str, body: Any = None) -> Any:
        return self.client.open(path, method=method, json=body,
                                headers={"Authorization": f"Bearer {self.tokens[who]}"})

    def open_message(self, who: str, number: int, sender: dict[str, str] = LI_WEI,
                     when: str = "2026-11-26T07:15:00Z", body: str = "") -> dict[str, Any]:
        me = {"emailAddress": f"{who}@{DOMAIN}", "displayName": who.title()}
        answer = self.call(who, "POST", "/api/panel?view=1", {
            "from": sender, "to": [me], "subject": f"PO {number}",
            "internetMessageId": f"<m{number}@acme-gmbh.de>", "dateTimeCreated": when,
            "body": body or "Dear Anna,\nplease find the PO attached.\nKind regards\nLi Wei"})
        assert answer.status_code == 200, answer.json
        return answer.json


@pytest.fixture
def team(database: Database) -> Team:
    microsoft = Microsoft()
    app = app_trusting(microsoft, database.url)
    database_of(app).dispose()
    app.extensions[EXTENSION_KEY] = database  # checks every statement names its tenant
    return Team(app.test_client(), microsoft)


def li_wei_id(team: Team, who: str = "anna") -> int:
    return team.open_message(who, 900)["view"]["subject"]["person"]["id"]


def audit_actions(team: Team) -> list[str]:
    events = team.call("anna", "GET", "/api/v1/audit?limit=1000").json["events"]
    return [event["action"] for event in reversed(events)]


# -- roles ------------------------------------------------------------------------------------

def test_the_first_user_is_admin_and_admins_grant_and_revoke(team: Team) -> None:
    assert team.call("anna", "GET", "/api/v1/me").json["role"] == "admin"
    assert team.call("tom", "GET", "/api/v1/me").json["role"] == "member"
    assert team.call("tom", "GET", "/api/v1/users").status_code == 403
    assert team.call("tom", "PUT", f"/api/v1/users/eva@{DOMAIN}/role",
                     {"role": "admin"}).status_code == 403
    emails = [user["email"] for user in team.call("anna", "GET", "/api/v1/users").json["users"]]
    assert emails == [f"anna@{DOMAIN}", f"tom@{DOMAIN}", f"eva@{DOMAIN}"]  # not the stranger
    assert team.call("anna", "PUT", f"/api/v1/users/tom@{DOMAIN}/role",
                     {"role": "admin"}).status_code == 200
    assert team.call("tom", "GET", "/api/v1/users").status_code == 200
    assert team.call("anna", "PUT", f"/api/v1/users/tom@{DOMAIN}/role",
                     {"role": "member"}).status_code == 200
    last = team.call("anna", "PUT", f"/api/v1/users/anna@{DOMAIN}/role", {"role": "member"})
    assert last.status_code == 400 and "at least one admin" in last.json["message"]
    assert audit_actions(team).count("set-role") == 2


def test_an_entra_app_role_makes_an_admin(database: Database) -> None:
    microsoft = Microsoft()
    app = app_trusting(microsoft, database.url)
    app.config["ENTRA_ADMIN_ROLE"] = "MailMatrix.Admin"
    client = app.test_client()
    first = microsoft.token(oid="00000000-0000-4000-8000-0000000000a1")
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"})
    later = microsoft.token(oid="00000000-0000-4000-8000-0000000000a2",
                            roles=["MailMatrix.Admin"])
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {later}"}).json
    assert me["role"] == "admin"


# -- visibility -------------------------------------------------------------------------------

def test_under_the_owner_policy_a_member_sees_only_the_protective_facts(team: Team) -> None:
    person = li_wei_id(team)  # anna's mail brought Li Wei in: he is hers
    assert team.call("anna", "POST", f"/api/v1/persons/{person}/notes",
                     {"text": "prefers calls"}).status_code == 201
    assert team.call("tom", "GET", f"/api/v1/persons/{person}").json["restricted"] is False
    assert team.call("tom", "PUT", "/api/v1/settings",
                     {"visibility_policy": "owner"}).status_code == 403
    assert team.call("anna", "PUT", "/api/v1/settings",
                     {"visibility_policy": "owner"}).json["visibility_policy"] == "owner"
    seen = team.call("tom", "GET", f"/api/v1/persons/{person}").json
    assert seen["known"] and seen["restricted"] and seen["person"]["owner"] == "Anna"
    assert seen["notes"] == [] and seen["primary"] is None and seen["last_exchange"] == {}
    assert [a["label"] for a in seen["addresses"]] == [None]
    panel = team.open_message("tom", 901)
    assert "A colleague&#39;s customer" in panel["html"] and "prefers calls" not in panel["html"]
    assert team.call("tom", "POST", "/api/actions", {
        "action": "label", "address": "li.wei@acme-gmbh.de", "label": "mine"}).status_code == 403
    assert team.call("tom", "POST", f"/api/v1/persons/{person}/notes",
                     {"text": "x"}).status_code == 403
    assert team.call("eva", "GET", f"/api/v1/persons/{person}").json["restricted"] is True
    assert team.call("anna", "POST", f"/api/v1/persons/{person}/shares",
                     {"email": f"tom@{DOMAIN}"}).status_code == 200
    shared = team.call("tom", "GET", f"/api/v1/persons/{person}").json
    assert not shared["restricted"] and shared["notes"][0]["text"] == "prefers calls"
    assert team.call("eva", "GET", f"/api/v1/persons/{person}").json["restricted"] is True
    assert team.call("anna", "DELETE",
                     f"/api/v1/persons/{person}/shares/tom@{DOMAIN}").status_code == 200
    assert team.call("tom", "GET", f"/api/v1/persons/{person}").json["restricted"] is True
    found = team.call("tom", "GET", "/api/v1/persons?q=li%20wei").json["persons"]
    assert [(p["name"], p["addresses"]) for p in found] == [("Li Wei", [])]


def test_a_hand_over_moves_every_customer_of_a_leaving_rep(team: Team, database: Database
                                                           ) -> None:
    person = li_wei_id(team)
    anna = operator_principal(database, f"anna@{DOMAIN}",
                              team.call("anna", "GET", "/api/v1/me").json["tenant_id"])
    save_grant(database, anna, "microsoft", '{"cache": "..."}', Sealer(["g" * 32]))
    team.call("anna", "PUT", "/api/v1/settings", {"visibility_policy": "owner"})
    assert team.call("tom", "PUT", f"/api/v1/persons/{person}/owner",
                     {"email": f"tom@{DOMAIN}"}).status_code == 403
    assert team.call("tom", "POST", "/api/v1/handover",
                     {"from": f"anna@{DOMAIN}", "to": f"eva@{DOMAIN}"}).status_code == 403
    moved = team.call("anna", "POST", "/api/v1/handover",
                      {"from": f"anna@{DOMAIN}", "to": f"eva@{DOMAIN}"}).json["moved"]
    assert moved["persons"] >= 1
    # The leaving rep's mailbox grant is forgotten with the hand-over
    assert moved["mailbox_grants_forgotten"] == 1
    assert load_grant(database, anna, "microsoft", Sealer(["g" * 32])) is None
    assert team.call("eva", "GET", f"/api/v1/persons/{person}").json["person"]["owner"] == "Eva"
    assert team.call("eva", "GET", f"/api/v1/persons/{person}").json["restricted"] is False
    assert team.call("anna", "PUT", f"/api/v1/persons/{person}/owner",
                     {"email": f"tom@{DOMAIN}"}).status_code == 200
    assert team.call("tom", "GET", f"/api/v1/persons/{person}").json["restricted"] is False
    assert {"hand-over", "assign-owner", "settings"} <= set(audit_actions(team))


def test_nothing_crosses_tenants(team: Team) -> None:
    person = li_wei_id(team)
    for method, path, body in (
            ("GET", f"/api/v1/persons/{person}", None),
            ("GET", f"/api/v1/persons/{person}/export", None),
            ("DELETE", f"/api/v1/persons/{person}", None),
            ("POST", f"/api/v1/persons/{person}/notes", {"text": "x"}),
            ("PUT", f"/api/v1/persons/{person}/owner", {"email": "sam@other-corp.example"})):
        answer = team.call("stranger", method, path, body)
        assert answer.status_code == 404, (method, path, answer.json)
    assert team.call("stranger", "GET", "/api/v1/persons?q=li").json["persons"] == []
    stranger_panel = team.open_message("stranger", 902)
    assert stranger_panel["view"]["subject"]["person"]["id"] != person
    assert "Account manager: Anna" not in stranger_panel["html"]


# -- notes and the audit log ------------------------------------------------------------------

def test_private_notes_stay_with_their_author_and_company_notes_work(team: Team) -> None:
    person = li_wei_id(team)
    team.call("anna", "POST", f"/api/v1/persons/{person}/notes",
              {"text": "anna only", "visibility": "private"})
    team.call("anna", "POST", f"/api/v1/persons/{person}/notes", {"text": "for the team"})
    company = team.call("anna", "GET", f"/api/v1/persons/{person}").json["company"]["id"]
    assert team.call("tom", "POST", f"/api/v1/companies/{company}/notes",
                     {"text": "pays late"}).status_code == 201
    tom_sees = [n["text"] for n in team.call("tom", "GET", f"/api/v1/persons/{person}").json[
        "notes"]]
    assert tom_sees == ["pays late", "for the team"]
    anna_sees = [n["text"] for n in team.call("anna", "GET", f"/api/v1/persons/{person}").json[
        "notes"]]
    assert set(anna_sees) == {"pays late", "for the team", "anna only"}
    note = next(n for n in team.call("tom", "GET", f"/api/v1/persons/{person}").json["notes"]
                if n["text"] == "for the team")
    assert team.call("tom", "DELETE", f"/api/v1/notes/{note['id']}").status_code == 400


def test_every_change_is_audited_and_views_when_the_tenant_asks(team: Team) -> None:
    person = li_wei_id(team)
    team.call("anna", "POST", "/api/actions", {"action": "label",
                                               "address": "li.wei@acme-gmbh.de",
                                               "label": "HQ"})
    team.call("anna", "POST", f"/api/v1/persons/{person}/notes", {"text": "n"})
    assert "view" not in audit_actions(team)
    team.call("anna", "PUT", "/api/v1/settings", {"audit_views": True})
    team.call("tom", "GET", f"/api/v1/persons/{person}")
    actions = audit_actions(team)
    assert actions[:3] == ["label", "add-note", "settings"] and actions[-1] == "view"
    events = team.call("anna", "GET", "/api/v1/audit?limit=1000").json["events"]
    label = next(event for event in events if event["action"] == "label")
    assert (label["user"], label["before"], label["after"]) == (
        f"anna@{DOMAIN}", {"label": None}, {"label": "HQ"})
    assert team.call("tom", "GET", "/api/v1/audit").status_code == 403
    assert team.call("anna", "GET", "/api/v1/audit?since=yesterday").status_code == 400


# -- GDPR -------------------------------------------------------------------------------------

def test_an_export_holds_everything_stored_about_the_person(team: Team) -> None:
    person = li_wei_id(team)
    team.call("anna", "POST", f"/api/v1/persons/{person}/notes", {"text": "call first"})
    assert team.call("tom", "GET", f"/api/v1/persons/{person}/export").status_code == 403
    export = team.call("anna", "GET", f"/api/v1/persons/{person}/export").json
    assert export["person"]["display_name"] == "Li Wei"
    assert [a["address"] for a in export["addresses"]] == ["li.wei@acme-gmbh.de"]
    assert export["addresses"][0]["forms"][0]["raw"] == "li.wei@acme-gmbh.de"
    assert {m["message_id"] for m in export["messages"]} == {"m900@acme-gmbh.de"}
    assert export["notes"][0]["text"] == "call first"
    assert "add-note" in [event["action"] for event in export["audit"]]
    json.dumps(export)  # machine-readable through and through


def test_erasure_removes_every_row_and_suppresses_until_lifted(team: Team,
                                                              database: Database) -> None:
    person = li_wei_id(team)
    team.call("anna", "POST", f"/api/v1/persons/{person}/notes", {"text": "secret remark"})
    team.call("anna", "POST", "/api/actions", {"action": "label",
                                               "address": "li.wei@acme-gmbh.de",
                                               "label": "Li's desk"})
    assert team.call("tom", "DELETE", f"/api/v1/persons/{person}").status_code == 403
    erased = team.call("anna", "DELETE", f"/api/v1/persons/{person}").json["erased"]
    assert erased["addresses"] == 1 and erased["notes"] == 1
    assert team.call("anna", "GET", f"/api/v1/persons/{person}").status_code == 404
    dump = _database_text(database)
    for trace in ("li.wei@acme-gmbh.de", "secret remark", "Li's desk", "m900@acme-gmbh.de"):
        assert trace not in dump, trace
    again = team.open_message("anna", 903)  # the same sender writes again
    assert again["view"]["subject"]["known"] is False  # not learned: suppressed
    assert "li.wei@acme-gmbh.de" not in _database_text(database)
    assert team.call("tom", "DELETE",
                     "/api/v1/suppressions/li.wei@acme-gmbh.de").status_code == 403
    assert team.call("anna", "DELETE",
                     "/api/v1/suppressions/Li.Wei@ACME-GMBH.de").json["lifted"] is True
    assert team.open_message("anna", 904)["view"]["subject"]["known"] is True
    assert {"erase-person", "lift-suppression"} <= set(audit_actions(team))


def test_retention_prunes_old_observations_and_is_safe_to_repeat(team: Team,
                                                                 database: Database) -> None:
    now = datetime.now(UTC)
    team.open_message("anna", 905, when=(now - timedelta(days=400)).isoformat())
    team.open_message("anna", 906, when=(now - timedelta(days=10)).isoformat())
    tenant = team.call("anna", "GET", "/api/v1/me").json["tenant_id"]
    assert prune_observations(database, tenant) == 0  # no retention set: keep everything
    team.call("anna", "PUT", "/api/v1/settings", {"retention_months": 6})
    assert team.call("anna", "PUT", "/api/v1/settings",
                     {"retention_months": 0}).status_code == 400
    assert prune_observations(database, tenant) == 1
    assert prune_observations(database, tenant) == 0
    export = team.call("anna", "GET", f"/api/v1/persons/{li_wei_id(team)}/export").json
    assert {m["message_id"] for m in export["messages"]} == {"m906@acme-gmbh.de",
                                                            "m900@acme-gmbh.de"}


def test_no_message_body_is_stored_anywhere(team: Team, database: Database) -> None:
    marker = "ZEBRA-7731-UNIQUE-BODY-MARKER"
    team.open_message("anna", 907, body=f"Dear Anna,\n{marker} is our order.\nKind regards\n"
                                         "Li Wei\nPurchasing Manager\nTel. +49 30 1234567")
    team.call("anna", "POST", "/api/people/search", {"q": marker})
    assert marker not in _database_text(database)


def _database_text(database: Database) -> str:
    """Every value in every table, as text: what a database dump would show."""
    found = []
    dump = create_engine(database.url)  # its own engine: every tenant at once, on purpose
    with dump.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                found.extend(str(value) for value in row)
    dump.dispose()
    return "\n".join(found)


def test_audit_payloads_about_an_erased_person_are_redacted(team: Team,
                                                            database: Database) -> None:
    person = li_wei_id(team)
    team.call("anna", "POST", f"/api/v1/persons/{person}/notes", {"text": "remember me"})
    team.call("anna", "DELETE", f"/api/v1/persons/{person}")
    tenant = team.call("anna", "GET", "/api/v1/me").json["tenant_id"]
    with database.session(tenant) as session:
        notes = [event for event in session.scalars(select(AuditEvent).where(
            AuditEvent.tenant_id == tenant, AuditEvent.action == "add-note"))]
        assert notes and all("redacted" in event.after for event in notes)
        assert session.get(Tenant, tenant).suppression_key  # the HMAC key, never the address
