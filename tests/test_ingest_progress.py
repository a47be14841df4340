"""Ingest tells a progress bar how far through the input it is, in bytes of the files, and
reads the same in a second process (large inputs) as in its own, signatures included."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from mailmatrix.addresses.signature import NO_SIGNATURE, SignatureFacts
from mailmatrix.customers import ingest, message_read
from mailmatrix.customers.db import Database
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.ingest import ingest_paths
from mailmatrix.customers.ingest_reader import _signature_ahead, pre_read_sources
from mailmatrix.customers.local import local_principal
from mailmatrix.customers.message_sources import input_size
from tests.test_graph_cli import MBOX
from tests.test_observe_batch import graph, rep_of


@pytest.mark.parametrize("read_ahead", [False, True], ids=["in-process", "read-ahead"])
def test_progress_adds_up_to_the_size_of_every_input_file(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_ahead: bool
) -> None:
    monkeypatch.setattr(ingest, "READ_AHEAD_BYTES", 0 if read_ahead else 1 << 40)
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
    assert summary.new == 4
    assert summary.skipped == [(f"{mbox}#3", "no mail headers found (truncated or not a mail "
                                             "file)"),
                               (f"{records}:2", "not JSON: Expecting value")]
    assert sum(advanced) == input_size(paths) == sum(
        file.stat().st_size for file in tmp_path.rglob("*") if file.is_file())


def test_ingest_keeps_more_headers_read_in_both_processes_and_as_before_after(
    database: Database, tmp_path: Path
) -> None:
    mbox = tmp_path / "export.mbox"
    mbox.write_text(MBOX, encoding="utf-8")
    during: list[int | None] = []
    ingest_paths(database, local_principal(database, "rep@example-export.com"), [str(mbox)],
                 on_progress=lambda _: during.append(message_read._seen.cache_info().maxsize))
    assert during and set(during) == {message_read.INGEST_CACHED_ENTRIES}
    reading = [message_read._classified.cache_info().maxsize
               for _ in pre_read_sources([str(mbox)])]  # the reading process's side
    assert reading and set(reading) == {message_read.INGEST_CACHED_ENTRIES}
    assert message_read._seen.cache_info().maxsize == message_read.CACHED_ENTRIES
    assert message_read._formal_kinds.cache_info().maxsize == message_read.CACHED_ENTRIES


def test_the_collector_runs_less_often_during_ingest_and_as_before_after(
    database: Database, tmp_path: Path
) -> None:
    mbox = tmp_path / "export.mbox"
    mbox.write_text(MBOX, encoding="utf-8")
    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    ingest_paths(database, local_principal(database, "rep@example-export.com"), [str(mbox)],
                 on_progress=lambda _: during.append(gc.get_threshold()))
    assert during and all(thresholds[0] >= 50_000 for thresholds in during)
    assert gc.get_threshold() == before


# Signatures the reading process reads ahead without knowing what the writer wants: a phone
# only in a sender's second message (and in her other address's first), and the user's own
# signed mail, which the writer never reads. Batches of two: the second Ana message starts one.
LATE_SIGNATURES = "".join(
    f"From x Thu Nov 26 11:0{n}:00 2026\nFrom: {sender}\nTo: {to}\nMessage-ID: <late{n}@x>\n"
    f"Date: Thu, 26 Nov 2026 11:0{n}:00 +0100\nSubject: samples\n\n{body}\n\n"
    for n, (sender, to, body) in enumerate([
        ("Ana Souza <ana@souza-import.com.br>", "rep@example-export.com", "thanks!"),
        ("Rep <rep@example-export.com>", "Ana Souza <ana.souza@gmail.com>",
         "Regards\nRep\nTel. +49 30 5555 9876"),
        ("Ana Souza <ana@souza-import.com.br>", "rep@example-export.com",
         "Regards\nAna Souza\nTel. +55 11 5555 1234"),
        ("Ana Souza <ana.souza@gmail.com>", "rep@example-export.com",
         "Regards\nAna Souza\nTel. +55 11 5555 1234"),
    ]))


def test_read_in_a_second_process_the_graph_is_the_same(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading process reads each message but for its assembly; the writer assembles it
    with the headers it has not seen (and small first batches): nothing learned may differ."""
    mbox = tmp_path / "export.mbox"
    mbox.write_text("".join(
        f"From x Thu Nov 26 10:{n:02d}:00 2026\nFrom: {name} <{address}>\n"
        f"To: rep@example-export.com\nCc: sales@acme-gmbh.de\nMessage-ID: <m{n}@x>\n"
        f"Date: Thu, 26 Nov 2026 10:{n:02d}:00 +0100\nSubject: invoice {n}\n\n"
        f"Regards\n{name}\nMobile: +49 171 55500{n % 7}\n\n"
        for n, (name, address) in enumerate(
            [("Li Wei", "li.wei@acme-gmbh.de"), ("Li Wei", "li.wei@gmail.com"),
             ("Tom Berg", "tom@beta-trading.de"), ("Tom Berg", "tom+shop@beta-trading.de")]
            * 6)) + LATE_SIGNATURES + MBOX, encoding="utf-8")  # MBOX ends truncated
    monkeypatch.setattr(ingest, "FIRST_BATCH_SIZE", 2)
    # the same batches both ways: a signature is read once per batch
    monkeypatch.setattr(ingest, "next_batch_size", lambda *_: 2)
    graphs = []
    for tenant, threshold in (("in-process", 1 << 40), ("read-ahead", 0)):
        monkeypatch.setattr(ingest, "READ_AHEAD_BYTES", threshold)
        rep = rep_of(database, tenant)
        assert ingest_paths(database, rep, [str(mbox)]).new == 30
        graphs.append(graph(database, rep))
    assert graphs[0] == graphs[1]
    # the phone in Ana's second message, and in her other address's first
    assert frozenset({"ana@souza-import.com.br", "anasouza@gmail.com"}) in graphs[0]["persons"]


def test_the_reading_process_reads_a_senders_signature_until_one_carries_evidence() -> None:
    signed: set[int] = set()

    def ahead(sender: str, body: str | None) -> SignatureFacts | None:
        return _signature_ahead(MessageFacts(from_=sender, body=body), signed)

    ana = "Ana Souza <ana@souza-import.com.br>"
    assert ahead(ana, "thanks!") == NO_SIGNATURE  # read: no evidence, so read the next too
    phone = ahead(ana, "Regards\nAna Souza\nTel. +55 11 5555 1234")
    assert phone is not None and [item.e164 for item in phone.phones] == ["+551155551234"]
    # evidence found: a later signature of hers is the writer's to read (monthly)
    assert ahead(ana, "Regards\nAna Souza\nTel. +55 11 5555 9999") is None
    assert ahead("Sales <sales@souza-import.com.br>", "Regards\nTel. +55 11 5555 1234") is None
    assert ahead("Tom <tom@beta-trading.de>", None) is None
    assert ahead("", "Regards\nTom") is None
    assert signed == {hash("ana@souza-import.com.br")}


def test_a_batch_holds_at_most_max_batch_bytes_of_the_input(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mbox = tmp_path / "export.mbox"
    mbox.write_text(LATE_SIGNATURES, encoding="utf-8")  # four messages of about 200 bytes
    batches: list[int] = []
    observe_many = ingest.observe_many

    def counted(database: Database, principal: object, messages: list, **options: object
                ) -> object:
        batches.append(len(messages))
        return observe_many(database, principal, messages, **options)

    monkeypatch.setattr(ingest, "observe_many", counted)
    monkeypatch.setattr(ingest, "MAX_BATCH_BYTES", 300)  # the second message fills a batch
    summary = ingest_paths(database, local_principal(database, "rep@example-export.com"),
                           [str(mbox)])
    assert summary.new == 4 and batches == [2, 2]


def test_a_batch_is_sized_to_take_about_a_second_growing_at_most_twofold() -> None:
    assert ingest.next_batch_size(500, 0.1, 500) == 1000  # fast: doubles, no more
    assert ingest.next_batch_size(8000, 2.0, 8000) == 4000  # slow: shrinks at once
    assert ingest.next_batch_size(20_000, 0.5, 20_000) == ingest.MAX_BATCH_SIZE
    assert ingest.next_batch_size(100, 10.0, 500) == ingest.FIRST_BATCH_SIZE
    assert ingest.next_batch_size(3, 0.0, 500) == 1000  # too quick to time
