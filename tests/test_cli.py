"""The command-line contracts other tools rely on (DESIGN.md)."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from mailmatrix.cli import main

CONTRACT_FIELDS = {"input", "valid", "error", "canonical", "registrable_domain", "kind",
                   "provider", "region", "role", "hosting", "reasons"}


def run(runner: FlaskCliRunner, *args: str, stdin: str | None = None) -> list[dict]:
    result = runner.invoke(main, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_classify_json_prints_one_contract_line_per_address(runner: FlaskCliRunner) -> None:
    rows = run(runner, "classify", "--json", "J.O.Hn+alibaba@GoogleMail.com", "sales@acme-gmbh.de")
    assert [row["canonical"] for row in rows] == ["john@gmail.com", "sales@acme-gmbh.de"]
    assert all(set(row) >= CONTRACT_FIELDS for row in rows)


def test_classify_reads_stdin_and_goes_on_after_a_bad_line(runner: FlaskCliRunner) -> None:
    rows = run(runner, "classify", "--json",
               stdin="li.wei@acme-gmbh.de\nnot an address\n\n\"Wei, Li\" <li@gmail.com>\n")
    assert [row["valid"] for row in rows] == [True, False, True]
    assert rows[1]["error"]


def test_classify_without_json_is_readable(runner: FlaskCliRunner) -> None:
    result = runner.invoke(main, ["classify", "hans@gmx.de"])
    assert result.exit_code == 0
    assert "regional" in result.output and "GMX" in result.output


def test_lookalike_json_names_the_imitated_customer(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    known = tmp_path / "known.txt"
    known.write_text("# our customers\nacme-gmbh.de\nexample-trading.co.jp\n")
    rows = run(runner, "lookalike", "--known", str(known), "--json",
               "acme-grnbh.de", "acme-gmbh.de", "unrelated-company.com", "bad..domain")
    assert [row["domain"] for row in rows] == ["acme-grnbh.de", "acme-gmbh.de",
                                               "unrelated-company.com", "bad..domain"]
    assert rows[0]["lookalike_of"] == "acme-gmbh.de" and rows[0]["technique"]
    assert rows[1]["lookalike_of"] is None and rows[2]["lookalike_of"] is None
    assert rows[3]["lookalike_of"] is None and rows[3]["error"]
    assert all({"domain", "lookalike_of", "technique", "score"} <= set(row) for row in rows)


def test_lookalike_names_a_bad_line_of_the_known_file(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    known = tmp_path / "known.txt"
    known.write_text("acme-gmbh.de\nnot a domain\n")
    result = runner.invoke(main, ["lookalike", "--known", str(known), "acme.de"])
    assert result.exit_code != 0
    assert "not a domain" in result.output and "Traceback" not in result.output
