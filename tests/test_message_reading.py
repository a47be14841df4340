"""Reading a message in two halves, as ingest does across two processes, gives what reading
it in one does; the writer takes the reader's participants instead of parsing them again."""

from __future__ import annotations

import pickle
from dataclasses import replace

from mailmatrix.customers import message_read
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.message_read import (
    assemble,
    headers_read_first,
    read_message,
    reading_of,
)

FACTS = MessageFacts(
    from_='"Wei, Li" <li.wei@acme-gmbh.de>', reply_to="Li Wei <lw@proton.me>",
    to="rep@example-export.com, Anna <anna@beta-trading.de>", cc="sales@acme-gmbh.de",
    date="Thu, 26 Nov 2026 08:15:00 +0100", message_id="<r1@acme>",
    references="<r0@acme>", subject="PO 4411", body="Please pay the invoice.\n")


def test_the_two_halves_across_a_pipe_make_the_same_message() -> None:
    already: set[tuple[str, str]] = set()
    sent = pickle.loads(pickle.dumps((FACTS, reading_of(FACTS),
                                      headers_read_first(FACTS, already))))
    assert assemble(*sent[:2], None, sent[2]) == read_message(FACTS)
    assert already == {("from", FACTS.from_), ("reply-to", FACTS.reply_to), ("to", FACTS.to),
                       ("cc", FACTS.cc)}


def test_each_header_is_sent_once() -> None:
    already: set[tuple[str, str]] = set()
    headers_read_first(FACTS, already)
    again = replace(FACTS, message_id="<r2@acme>", cc="Tom <tom@gamma-werke.de>")
    assert [header for header, _ in headers_read_first(again, already)] == [
        ("cc", "Tom <tom@gamma-werke.de>")]


def test_the_writer_takes_the_readers_participants_and_keeps_none_of_them_aside() -> None:
    facts = replace(FACTS, from_="Handed Over <handed.over@delta-works.de>")
    header = ("from", facts.from_)
    (_, participants), *_ = headers_read_first(facts, set())
    # What only the reading process could have made: the writer's cache has never seen it
    marked = (replace(participants[0], report=replace(participants[0].report,
                                                      provider="read elsewhere")),)
    message_read._seen.cache_clear()
    read = assemble(facts, reading_of(facts), None, [(header, marked)])
    assert read.sender is marked[0]
    assert read_message(facts).sender is marked[0]  # kept by the cache for the next message
    assert not message_read._HANDED_OVER
