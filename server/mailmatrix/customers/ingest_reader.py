"""What ingest's reading process hands the writer: each message with most of its reading done.

Reading a message (its date, thread and formal matters; its participants parsed and
classified) is pure, so it is done on the other core, beside the reading of the files. What
crosses to the writer is plain values, and each distinct header's participants only the first
time: the writer's own cache keeps them (sending every message's participants cost the writer
more to unpickle than reading them itself). Hosting is left to the writer's MX lookup.

Signatures are read here too, ahead of need: reading one costs more than everything else the
writer does for a message. The writer reads a sender's signature until one carries evidence
(then monthly), and only for mail it received; this process cannot know which mail that is,
so it reads each sender's until one carries evidence, and the writer takes the reading when
it needs one (and reads itself when it finds none).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import closing

from mailmatrix.addresses.hosting import MxHostsLookup
from mailmatrix.addresses.signature import SignatureFacts
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.message_read import (
    INGEST_CACHED_ENTRIES,
    HeaderRead,
    Reading,
    ReadMessage,
    assemble,
    cache_entries,
    from_mailbox,
    headers_read_first,
    reading_of,
    sender_signature,
)
from mailmatrix.customers.message_sources import read_sources
from mailmatrix.customers.signature_evidence import signature_is_evidence

# Senders whose signature carried evidence, remembered by the hash of their address: a
# collision only costs the writer a reading of its own. A million-message mailbox has some
# 65,000 senders: forgetting them every 32,768 had this process read two messages in three
# again (160 µs a message, against 80 with all of them remembered).
SIGNED_SENDERS = 1 << 18

# A message as the reading process sends it, and an item of its output
PreRead = tuple[MessageFacts, Reading, tuple[HeaderRead, ...], SignatureFacts | None]
PreReadItem = tuple[str, PreRead | str | None, int]


def pre_read_sources(paths: Iterable[str]) -> Iterator[PreReadItem]:
    """``read_sources`` with each message read but for its assembly (the reading process)."""
    already: set[tuple[str, str]] = set()
    signed: set[int] = set()  # hashes of the senders whose signature carried evidence
    with cache_entries(INGEST_CACHED_ENTRIES):
        for source, item, size in read_sources(paths):
            if isinstance(item, MessageFacts):
                yield source, (item, reading_of(item), headers_read_first(item, already),
                               _signature_ahead(item, signed)), size
            else:
                yield source, item, size


def _signature_ahead(facts: MessageFacts, signed: set[int]) -> SignatureFacts | None:
    """The sender's signature, unless an earlier one of theirs carried evidence (``signed``,
    which learns it) or the writer will never want it (no body; a role mailbox)."""
    sender = from_mailbox(facts)
    if not facts.body or sender is None or sender.report.kind == "role":
        return None
    key = hash(sender.canonical)
    if key in signed:
        return None
    signature = sender_signature(facts.body, sender)
    if signature_is_evidence(signature):
        if len(signed) >= SIGNED_SENDERS:
            signed.clear()  # memory stays bounded (some 20 MB at most)
        signed.add(key)
    return signature


def assembled(reads: Generator[PreReadItem, None, None], mx_hosts: MxHostsLookup | None = None
              ) -> Iterator[tuple[str, ReadMessage | str | None, int]]:
    """The reading process's items with each message assembled (the writer)."""
    with closing(reads):  # stopped early: the reading process stops too
        for source, item, size in reads:
            if isinstance(item, tuple):
                facts, reading, headers, signature = item
                yield source, assemble(facts, reading, mx_hosts, headers, signature), size
            else:
                yield source, item, size
