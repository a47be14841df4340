"""``mailmatrix ingest``: mbox, maildir, .eml and JSON-lines header records into the graph.

Streaming and idempotent: messages are observed about a second's worth per transaction, so a
run can be stopped and started again (what was committed is known, and skipped); a message that
cannot be read is reported with the reason and skipped, and never ends the run. Large inputs
are read, and their messages mostly read too (``ingest_reader``), in a process of their own
(``read_ahead``) while this one writes.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field

from mailmatrix.addresses.hosting import MxHostsLookup
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.ingest_reader import assembled, pre_read_sources
from mailmatrix.customers.load_statistics import LoadStatistics
from mailmatrix.customers.message_read import (
    INGEST_CACHED_ENTRIES,
    ReadMessage,
    cache_entries,
)
from mailmatrix.customers.message_sources import input_size, read_sources
from mailmatrix.customers.observe import observe_many
from mailmatrix.read_ahead import read_ahead


@dataclass
class IngestSummary:
    read: int = 0
    new: int = 0
    already_known: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)


# Messages per transaction: as many as take about TRANSACTION_SECONDS, the longest a panel
# observing meanwhile should wait for SQLite's write lock (or PostgreSQL's row locks). A batch
# reads and writes each distinct address once (states, counters, a due signature), so larger
# batches cost less per message: 2,000 -> 5,000 took SQLite ingest from 3,694 to 4,375 msg/s.
# The first is small, so that the writer starts while the reading process is still filling its
# caches (its first 5,000 messages took a second, all of it the writer's wait, in a 16-second
# run); each next one at most doubles, up to MAX_BATCH_SIZE messages or MAX_BATCH_BYTES of the
# input, whichever comes first (the messages of a batch are held in memory). Bounded by bytes,
# short messages make batches of about a second (some 17,000 on the bench's mail): 4,500,
# 10,000 and 17,000 messages a batch cost the writer 83-97, 60-64 and 55-57 µs a message.
TRANSACTION_SECONDS = 1.0
FIRST_BATCH_SIZE = 500
MAX_BATCH_SIZE = 25_000
MAX_BATCH_BYTES = 32 << 20
# The collector's thresholds while ingest runs (generation 0, 1, 2). A batch allocates
# hundreds of thousands of objects and keeps few; at the default (700, 10, 10) each full
# collection walks every long-lived object (SQLAlchemy's caches, the address caches), a
# fifth of the run: 40,000 messages into SQLite went from 5,900 to 7,500 msg/s. Cyclic
# garbage is still collected, later.
COLLECTOR_THRESHOLDS = (50_000, 50, 100)
# Inputs at least this large are read in a second process: below it, starting one (a tenth of
# a second) costs more than it saves.
READ_AHEAD_BYTES = 4 << 20


def ingest_paths(database: Database, principal: Principal, paths: Iterable[str], *,
                 mx_hosts: MxHostsLookup | None = None,
                 on_progress: Callable[[int], None] | None = None,
                 input_bytes: int | None = None) -> IngestSummary:
    """``on_progress`` is told the bytes of input each message took up; ``input_bytes`` is
    ``input_size(paths)`` when the caller has measured it already (a maildir is a long walk)."""
    summary = IngestSummary()
    batch: list[MessageFacts | ReadMessage] = []
    limit, held = FIRST_BATCH_SIZE, 0  # held: the batch's bytes of input
    statistics = LoadStatistics(database)

    def flush() -> None:
        nonlocal limit, held
        started = time.perf_counter()
        for result in observe_many(database, principal, batch, mx_hosts=mx_hosts):
            if result.created:
                summary.new += 1
            else:
                summary.already_known += 1
        limit = next_batch_size(len(batch), time.perf_counter() - started, limit)
        statistics.wrote(len(batch))
        batch.clear()
        held = 0

    files = list(paths)
    total = input_size(files) if input_bytes is None else input_bytes
    reads = assembled(read_ahead(pre_read_sources, files), mx_hosts) \
        if total >= READ_AHEAD_BYTES else read_sources(files)
    # closing(): an interrupted run stops the reading process at once
    with closing(reads), _fewer_collections(), cache_entries(INGEST_CACHED_ENTRIES):
        for source, item, size in reads:
            if on_progress:
                on_progress(size)
            if item is None:
                continue
            summary.read += 1
            if isinstance(item, str):
                summary.skipped.append((source, item))
                continue
            batch.append(item)
            held += size
            if len(batch) >= limit or held >= MAX_BATCH_BYTES:
                flush()
    if batch:
        flush()
    return summary


def next_batch_size(size: int, seconds: float, limit: int) -> int:
    """The next batch's size after ``size`` messages took ``seconds`` (the limit was
    ``limit``): as many as take TRANSACTION_SECONDS at that pace, at most twice the limit."""
    pace = size / seconds if seconds > 0 else float("inf")
    wanted = min(pace * TRANSACTION_SECONDS, 2 * limit, MAX_BATCH_SIZE)
    return max(FIRST_BATCH_SIZE, int(wanted))


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """COLLECTOR_THRESHOLDS for the run (never lower than they were), then as they were."""
    before = gc.get_threshold()
    gc.set_threshold(*map(max, before, COLLECTOR_THRESHOLDS))
    try:
        yield
    finally:
        gc.set_threshold(*before)
