"""What ingest's reading process hands the writer: each message with most of its reading done.

Reading a message (its date, thread and formal matters; its participants parsed and
classified) is pure, so it is done on the other core, beside the reading of the files. What
crosses to the writer is plain values, and each distinct header's participants only the first
time: the writer's own cache keeps them (sending every message's participants cost the writer
more to unpickle than reading them itself). Hosting is left to the writer's MX lookup.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import closing

from mailmatrix.addresses.hosting import MxHostsLookup
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.message_read import (
    HeaderRead,
    Reading,
    ReadMessage,
    assemble,
    headers_read_first,
    reading_of,
)
from mailmatrix.customers.message_sources import read_sources

# A message as the reading process sends it, and an item of its output
PreRead = tuple[MessageFacts, Reading, tuple[HeaderRead, ...]]
PreReadItem = tuple[str, PreRead | str | None, int]


def pre_read_sources(paths: Iterable[str]) -> Iterator[PreReadItem]:
    """``read_sources`` with each message read but for its assembly (the reading process)."""
    already: set[tuple[str, str]] = set()
    for source, item, size in read_sources(paths):
        if isinstance(item, MessageFacts):
            yield source, (item, reading_of(item), headers_read_first(item, already)), size
        else:
            yield source, item, size


def assembled(reads: Generator[PreReadItem, None, None], mx_hosts: MxHostsLookup | None = None
              ) -> Iterator[tuple[str, ReadMessage | str | None, int]]:
    """The reading process's items with each message assembled (the writer)."""
    with closing(reads):  # stopped early: the reading process stops too
        for source, item, size in reads:
            if isinstance(item, tuple):
                facts, reading, headers = item
                yield source, assemble(facts, reading, mx_hosts, headers), size
            else:
                yield source, item, size
