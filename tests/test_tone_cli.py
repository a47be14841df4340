"""``mailmatrix tone``: one hint per message, errors reported per message, the run goes on."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from mailmatrix.cli import main

EML = """From: "Weber, Hans" <hans.weber@weber-armaturen.de>
To: rep@example-export.com
Subject: Anfrage Ventile
Date: Thu, 26 Nov 2026 08:15:00 +0100
Message-ID: <a1@weber-armaturen.de>
Content-Type: text/plain; charset=utf-8

Sehr geehrte Damen und Herren,

bitte senden Sie uns Ihr Angebot für 500 Stück.

Mit freundlichen Grüßen
Hans Weber
"""
CONTRACT_FIELDS = {"file", "message_id", "register", "formality", "language", "greeting",
                   "sign_off", "cues", "cautions"}


def run(runner: FlaskCliRunner, *args: str, stdin: bytes | None = None) -> list[dict]:
    result = runner.invoke(main, ["tone", "--json", "--now", "2026-11-26T09:00:00+00:00", *args],
                           input=stdin)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_tone_json_prints_the_contract_for_an_eml_file(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    eml = tmp_path / "anfrage.eml"
    eml.write_text(EML, encoding="utf-8")
    (row,) = run(runner, str(eml))
    assert set(row) >= CONTRACT_FIELDS
    assert row["message_id"] == "<a1@weber-armaturen.de>"
    assert row["register"] == "formal" and row["language"] == "de"
    assert 0 <= row["formality"] <= 1
    assert any(c["kind"] == "formal-matter" for c in row["cautions"])


def test_an_unreadable_message_in_an_mbox_gets_an_error_line_and_the_rest_go_on(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    mbox = tmp_path / "inbox.mbox"
    separator = "From hans@weber Thu Nov 26 08:15:00 2026\n"
    mbox.write_text(separator + EML + "\n" + separator + "\n\n" + separator + EML,
                    encoding="utf-8")
    rows = run(runner, str(mbox))
    assert len(rows) == 3
    assert "error" in rows[1] and "register" in rows[0] and "register" in rows[2]


def test_one_message_on_stdin(runner: FlaskCliRunner) -> None:
    (row,) = run(runner, "-", stdin=EML.encode())
    assert row["file"] == "-" and row["register"] == "formal"


def test_human_readable_output_names_register_greeting_and_cues(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    eml = tmp_path / "anfrage.eml"
    eml.write_text(EML, encoding="utf-8")
    result = runner.invoke(main, ["tone", str(eml)])
    assert result.exit_code == 0
    assert "register: formal" in result.output and "greeting:" in result.output
