"""``mailmatrix decide``: the user's decisions from the command line, logged and undoable."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from mailmatrix.cli import main

USER = ["--user", "rep@example-export.com"]
RECORDS = [
    {"from": "Li Wei <li.wei@acme-gmbh.de>", "to": "rep@example-export.com",
     "message_id": "<d1@acme>", "subject": "PO 4411"},
    {"from": "Li Wei <li.wei@acme-trading.cn>", "to": "rep@example-export.com",
     "message_id": "<d2@acme>", "subject": "samples"},
    {"from": "Purchasing <purchasing@acme-gmbh.de>", "to": "rep@example-export.com",
     "message_id": "<d3@acme>", "subject": "PO 4412"},
]


def run(runner: FlaskCliRunner, *arguments: str) -> str:
    result = runner.invoke(main, [*arguments, *USER])
    assert result.exit_code == 0, result.output
    return result.output


def setup(runner: FlaskCliRunner, tmp_path: Path) -> dict:
    records = tmp_path / "headers.jsonl"
    records.write_text("\n".join(json.dumps(record) for record in RECORDS) + "\n")
    run(runner, "ingest", str(records), "--no-dns")
    return json.loads(run(runner, "decide", "list", "--json"))


def person_of(runner: FlaskCliRunner, address: str) -> dict:
    return json.loads(run(runner, "profile", address, "--json"))


def test_a_waiting_same_name_suggestion_is_listed_with_its_reasons(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    waiting = setup(runner, tmp_path)
    (link,) = waiting["links"]
    assert link["address"] == "li.wei@acme-trading.cn" and link["rule"] == "same-name"
    assert link["person"] == "Li Wei" and link["reasons"]
    assert "link?" in run(runner, "decide", "list")


def test_confirming_links_the_address_and_undo_restores_the_state_before(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    link = setup(runner, tmp_path)["links"][0]
    output = run(runner, "decide", "confirm", link["address"], str(link["person_id"]),
                 "--reason", "same man, new subsidiary")
    number = output.split("#")[1].split(":")[0]
    merged = person_of(runner, "li.wei@acme-gmbh.de")
    assert {a["canonical"] for a in merged["addresses"]} == {"li.wei@acme-gmbh.de",
                                                             "li.wei@acme-trading.cn"}
    decided = json.loads(run(runner, "decide", "list", "--json"))
    assert decided["links"] == []
    assert decided["decisions"][0]["reason"] == "same man, new subsidiary"
    run(runner, "decide", "undo", number)
    apart = person_of(runner, "li.wei@acme-gmbh.de")
    assert [a["canonical"] for a in apart["addresses"]] == ["li.wei@acme-gmbh.de"]
    assert json.loads(run(runner, "decide", "list", "--json"))["links"][0]["address"] == \
        link["address"]


def test_one_person_on_two_company_domains_suggests_joining_the_domains(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    link = setup(runner, tmp_path)["links"][0]
    run(runner, "decide", "confirm", link["address"], str(link["person_id"]))
    (domain,) = json.loads(run(runner, "decide", "list", "--json"))["domains"]
    assert domain["domain"] == "acme-trading.cn" and domain["company"] == "acme-gmbh.de"
    company = person_of(runner, "li.wei@acme-gmbh.de")["company"]
    assert [s["domain"] for s in company["domain_suggestions"]] == ["acme-trading.cn"]
    run(runner, "decide", "join-domain", "li.wei@acme-gmbh.de", "acme-trading.cn")
    joined = person_of(runner, "li.wei@acme-trading.cn")["company"]
    assert joined["domains"] == ["acme-gmbh.de", "acme-trading.cn"]
    assert joined["domain_suggestions"] == []


def test_a_domain_kept_apart_is_never_suggested_again(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    link = setup(runner, tmp_path)["links"][0]
    run(runner, "decide", "confirm", link["address"], str(link["person_id"]))
    run(runner, "decide", "keep-domain-apart", "li.wei@acme-gmbh.de", "acme-trading.cn")
    assert json.loads(run(runner, "decide", "list", "--json"))["domains"] == []
    run(runner, "decide", "confirm", link["address"], str(link["person_id"]))
    assert json.loads(run(runner, "decide", "list", "--json"))["domains"] == []


def test_pin_label_and_formal_channel_show_in_the_profile(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    link = setup(runner, tmp_path)["links"][0]
    run(runner, "decide", "confirm", link["address"], str(link["person_id"]))
    run(runner, "decide", "pin", str(link["person_id"]), "li.wei@acme-trading.cn")
    run(runner, "decide", "label", "li.wei@acme-trading.cn", "China office")
    run(runner, "decide", "formal-channel", "li.wei@acme-gmbh.de", "purchase order",
        "purchasing@acme-gmbh.de")
    shown = person_of(runner, "li.wei@acme-gmbh.de")
    assert (shown["primary"]["address"], shown["primary"]["reason"]) == (
        "li.wei@acme-trading.cn", "pinned by you")
    labels = {a["canonical"]: a["label"] for a in shown["addresses"]}
    assert labels["li.wei@acme-trading.cn"] == "China office"
    assert shown["company"]["formal_channels"] == {"purchase order": "purchasing@acme-gmbh.de"}
    run(runner, "decide", "pin", str(link["person_id"]))
    assert person_of(runner, "li.wei@acme-gmbh.de")["primary"]["reason"] != "pinned by you"


def test_a_decision_about_an_unknown_address_is_a_clear_error_and_changes_nothing(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    before = setup(runner, tmp_path)
    result = runner.invoke(main, ["decide", "confirm", "nobody@nowhere.example", "1", *USER])
    assert result.exit_code == 1 and "not a known address" in result.output
    result = runner.invoke(main, ["decide", "undo", "999", *USER])
    assert result.exit_code == 1 and "no decision 999" in result.output
    assert json.loads(run(runner, "decide", "list", "--json")) == before
