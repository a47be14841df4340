"""Ingest tells a progress bar how far through the input it is, in bytes of the files."""

from __future__ import annotations

import json
from pathlib import Path

from mailmatrix.customers.db import Database
from mailmatrix.customers.ingest import ingest_paths, input_size
from mailmatrix.customers.local import local_principal
from tests.test_graph_cli import MBOX


def test_progress_adds_up_to_the_size_of_every_input_file(database: Database,
                                                          tmp_path: Path) -> None:
    tmp_path = tmp_path / "inputs"
    tmp_path.mkdir()
    mbox = tmp_path / "export.mbox"
    mbox.write_text(MBOX, encoding="utf-8")
    records = tmp_path / "headers.jsonl"
    records.write_text(json.dumps({"from": "Ana <ana@souza-import.com.br>",
                                   "message_id": "<p1@x>"}) + "\nnot json\n\n")
    maildir = tmp_path / "maildir" / "cur"
    maildir.mkdir(parents=True)
    (maildir / "1.eml").write_bytes(b"From: Tom <tom@proton.me>\nMessage-ID: <p2@x>\n\nhi\n")
    paths = [str(mbox), str(records), str(tmp_path / "maildir")]
    advanced: list[int] = []
    summary = ingest_paths(database, local_principal(database, "rep@example-export.com"),
                           paths, on_progress=advanced.append)
    assert summary.new == 4 and len(summary.skipped) == 2
    assert sum(advanced) == input_size(paths) == sum(
        file.stat().st_size for file in tmp_path.rglob("*") if file.is_file())
