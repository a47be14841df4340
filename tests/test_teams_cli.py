"""The operator's commands: users and roles, the audit log, GDPR export/erase/lift, prune from
cron. They act in an existing organization, in the name of one of its users."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from mailmatrix.cli import main
from mailmatrix.customers.db import database_of
from mailmatrix.customers.users import change_settings, operator_principal

ANNA, TOM = "anna@example-export.com", "tom@example-export.com"
RECORDS = [{"from": "Li Wei <li.wei@acme-gmbh.de>", "to": ANNA, "message_id": "<c1@acme>",
            "subject": "PO 4411", "date": "Mon, 02 Mar 2020 10:00:00 +0100"},
           {"from": "Li Wei <li.wei@acme-gmbh.de>", "to": ANNA, "message_id": "<c2@acme>",
            "subject": "PO 4412"}]


def run(runner: FlaskCliRunner, *arguments: str, ok: bool = True) -> str:
    result = runner.invoke(main, list(arguments))
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def learned(runner: FlaskCliRunner, tmp_path: Path) -> int:
    records = tmp_path / "headers.jsonl"
    records.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n")
    run(runner, "ingest", str(records), "--no-dns", "--user", ANNA)
    run(runner, "profile", "li.wei@acme-gmbh.de", "--user", TOM)  # tom signs in too
    return json.loads(run(runner, "profile", "li.wei@acme-gmbh.de", "--json", "--user",
                          ANNA))["person"]["id"]


def test_users_are_listed_and_admin_granted_and_revoked(runner: FlaskCliRunner,
                                                        tmp_path: Path) -> None:
    learned(runner, tmp_path)
    listed = run(runner, "users", "list")
    assert f"\t{ANNA}\tadmin" in listed and f"\t{TOM}\tmember" in listed
    assert "is an admin" in run(runner, "users", "grant-admin", TOM)
    assert f"\t{TOM}\tadmin" in run(runner, "users", "list")
    run(runner, "users", "revoke-admin", TOM)
    assert "at least one admin" in run(runner, "users", "revoke-admin", ANNA, ok=False)
    assert "no user" in run(runner, "users", "grant-admin", "nobody@x.example", ok=False)


def test_export_erase_lift_and_the_audit_log(runner: FlaskCliRunner, tmp_path: Path) -> None:
    person = learned(runner, tmp_path)
    export = json.loads(run(runner, "gdpr", "export", str(person), "--as", ANNA))
    assert [a["address"] for a in export["addresses"]] == ["li.wei@acme-gmbh.de"]
    erased = json.loads(run(runner, "gdpr", "erase", str(person), "--as", ANNA, "--yes"))
    assert erased["erased"]["addresses"] == 1
    assert "no person" in run(runner, "gdpr", "export", str(person), "--as", ANNA, ok=False)
    assert run(runner, "gdpr", "lift", "li.wei@acme-gmbh.de", "--as", ANNA).strip() == "lifted"
    actions = [json.loads(line)["action"] for line in
               run(runner, "audit", "--as", ANNA).splitlines()]
    assert actions[:2] == ["lift-suppression", "erase-person"]


def test_prune_keeps_everything_until_a_retention_is_set(runner: FlaskCliRunner,
                                                         tmp_path: Path) -> None:
    learned(runner, tmp_path)
    assert run(runner, "prune").strip() == ""  # no organization has a retention
    database = database_of(runner.app)
    principal = operator_principal(database, ANNA)
    change_settings(database, principal, principal.tenant_id, {"retention_months": 12})
    first = json.loads(run(runner, "prune"))
    assert first == {"tenant": principal.tenant_id, "pruned": 1}  # the 2020 message
    assert json.loads(run(runner, "prune"))["pruned"] == 0
