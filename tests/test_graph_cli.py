"""``mailmatrix ingest``, ``profile`` and ``export``: the contracts other tools rely on."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from mailmatrix.cli import main

USER = ["--user", "rep@example-export.com"]
MBOX = (
    "From a Thu Nov 26 08:15:00 2026\n"
    'From: "Wei, Li" <li.wei@acme-gmbh.de>\nTo: rep@example-export.com\nSubject: PO 4411\n'
    "Message-ID: <x1@acme>\nDate: Thu, 26 Nov 2026 08:15:00 +0100\n\nThe PO is attached.\n\n"
    "From b Thu Nov 26 09:15:00 2026\n"
    "From: Li Wei <liwei.private@gmail.com>\nTo: rep@example-export.com\nSubject: hi\n"
    "Message-ID: <x2@gmail>\nDate: Thu, 26 Nov 2026 09:15:00 +0100\n\nhey\n\n"
    "From c Thu Nov 26 10:15:00 2026\nSubj"  # a truncated last message
)


def ingest(runner: FlaskCliRunner, tmp_path: Path) -> str:
    mbox = tmp_path / "export.mbox"
    mbox.write_text(MBOX, encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(mbox), "--no-dns", *USER])
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_reports_new_known_and_skipped_messages_and_is_idempotent(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert "2 new, 0 already known, 1 skipped" in ingest(runner, tmp_path)
    assert "0 new, 2 already known, 1 skipped" in ingest(runner, tmp_path)


def test_ingest_reads_json_lines_header_records_and_reports_bad_lines(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    records = tmp_path / "headers.jsonl"
    records.write_text(json.dumps({"from": "Ana <ana@souza-import.com.br>",
                                   "to": "rep@example-export.com", "message_id": "<j1@x>"})
                       + "\nnot json\n" + json.dumps({"to": "x@y.com"}) + "\n")
    result = runner.invoke(main, ["ingest", str(records), "--no-dns", *USER])
    assert result.exit_code == 0
    assert "1 new" in result.output and "2 skipped" in result.output


def test_profile_json_shows_the_person_addresses_primary_and_warnings(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    ingest(runner, tmp_path)
    result = runner.invoke(main, ["profile", "liwei.private@gmail.com", "--json", *USER])
    data = json.loads(result.output)
    assert data["known"] and data["person"]["name"] == "Li Wei"
    assert [a["canonical"] for a in data["addresses"]] == ["liweiprivate@gmail.com"]
    assert any(w["kind"] == "name-reuse" for w in data["warnings"])
    corporate = json.loads(runner.invoke(
        main, ["profile", "Li.Wei@ACME-GmbH.de", "--json", *USER]).output)
    assert corporate["primary"]["address"] == "li.wei@acme-gmbh.de"
    assert "formal" in corporate["primary"]["reason"]


def test_profile_of_an_unknown_lookalike_sender_warns(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    ingest(runner, tmp_path)
    data = json.loads(runner.invoke(
        main, ["profile", "li.wei@acme-grnbh.de", "--json", *USER]).output)
    assert not data["known"]
    assert any(w["kind"] == "lookalike" and "acme-gmbh.de" in w["message"]
               for w in data["warnings"])


def test_export_json_follows_the_contract(runner: FlaskCliRunner, tmp_path: Path) -> None:
    ingest(runner, tmp_path)
    data = json.loads(runner.invoke(main, ["export", "--json", *USER]).output)
    assert set(data) == {"persons", "suggestions"}
    for person in data["persons"]:
        assert set(person) == {"id", "names", "company", "addresses"}
        for address in person["addresses"]:
            assert set(address) == {"address", "kind", "label", "primary", "link_state"}
    (suggestion,) = data["suggestions"]
    assert set(suggestion) == {"address", "person_id", "confidence", "reasons"}
    assert suggestion["address"] == "liweiprivate@gmail.com"


def test_configured_own_domains_make_colleagues_not_customers(
    runner: FlaskCliRunner, app, tmp_path: Path  # noqa: ANN001
) -> None:
    app.config["OWN_DOMAINS"] = "example-export.cn, example-export.de"
    records = tmp_path / "headers.jsonl"
    records.write_text(json.dumps({"from": "Wang <wang@example-export.cn>",
                                   "to": "rep@example-export.com", "message_id": "<c1@x>"})
                       + "\n" + json.dumps({"from": "Klaus Mueller <k.mueller@acme-gmbh.de>",
                                            "to": "rep@example-export.com",
                                            "message_id": "<c2@x>"}) + "\n")
    runner.invoke(main, ["ingest", str(records), "--no-dns", *USER])
    exported = json.loads(runner.invoke(main, ["export", "--json", *USER]).output)
    assert [p["addresses"][0]["address"] for p in exported["persons"]] == ["k.mueller@acme-gmbh.de"]


def test_a_lookalike_domain_stays_suspicious_after_its_first_message(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    ingest(runner, tmp_path)
    records = tmp_path / "fraud.jsonl"
    records.write_text(json.dumps({"from": "Li Wei <li.wei@acme-grnbh.de>",
                                   "to": "rep@example-export.com", "message_id": "<f1@x>",
                                   "subject": "New bank details"}) + "\n")
    runner.invoke(main, ["ingest", str(records), "--no-dns", *USER])
    data = json.loads(runner.invoke(
        main, ["profile", "li.wei@acme-grnbh.de", "--json", *USER]).output)
    assert data["known"] and data["company"] is None
    kinds = {warning["kind"] for warning in data["warnings"]}
    assert {"lookalike", "bank-details"} <= kinds
