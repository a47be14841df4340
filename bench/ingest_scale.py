"""Ingest at scale: a generated mailbox of a million messages into PostgreSQL (or SQLite).

    python bench/ingest_scale.py [--messages 1000000] [--sqlite]

The mbox comes from ``bench/graph.py``'s generator (a few tens of thousands of correspondents,
companies, free-mail, formal subjects, signatures) and goes through ``ingest_paths``, the path
``mailmatrix ingest`` takes, into a fresh PostgreSQL schema (dropped afterwards). Reported:
throughput overall and per tenth of the file, and resident memory (this process and its
reading process) sampled every second: its peak in the first tenth beside its peak overall
shows whether memory is bounded.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))


from graph import databases, drop_schema, generate_mbox  # noqa: E402
from mailmatrix.customers.ingest import ingest_paths  # noqa: E402
from mailmatrix.customers.local import local_principal  # noqa: E402


def resident_mb() -> float:
    """This process and its children (the reading process of ``read_ahead``)."""
    me = psutil.Process()
    total = 0
    for process in [me, *me.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        mbox = Path(folder) / "mailbox.mbox"
        started = time.perf_counter()
        generate_mbox(mbox, options.messages)
        print(f"generated {options.messages:,} messages ({mbox.stat().st_size / 2**20:,.0f} MB)"
              f" in {time.perf_counter() - started:.0f} s")
        found = databases(not options.sqlite, folder)
        name, database, schema = found[0] if options.sqlite else found[-1]
        if not options.sqlite and schema is None:
            sys.exit("PostgreSQL is not reachable")
        principal = local_principal(database, "rep@example-export.com")
        total, done, marks = mbox.stat().st_size, [0], []
        samples: list[tuple[float, float]] = []  # (fraction of the file read, resident MB)
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(1.0):
                samples.append((done[0] / total, resident_mb()))

        def progress(size: int) -> None:
            done[0] += size
            if len(marks) < 10 and done[0] >= total * (len(marks) + 1) / 10:
                marks.append(time.perf_counter())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.perf_counter()
        summary = ingest_paths(database, principal, [str(mbox)], on_progress=progress)
        elapsed = time.perf_counter() - start
        stop.set()
        # Marks are taken as the file is read, a batch ahead of the store: the last tenth ends
        # when the run does.
        ends = [*marks[:9], start + elapsed]
        rates = [options.messages / 10 / (end - begin)
                 for begin, end in zip([start, *ends], ends, strict=False)]
        early = max((mb for fraction, mb in samples if fraction <= 0.1), default=0.0)
        print(f"{name}: {summary.read:,} messages in {elapsed:,.0f} s = "
              f"{summary.read / elapsed:,.0f} messages/s ({summary.new:,} new, "
              f"{len(summary.skipped)} skipped)")
        print("messages/s per tenth of the file (as read): "
              + ", ".join(f"{rate:,.0f}" for rate in rates))
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"resident memory with the reading process: peak "
              f"{max(mb for _, mb in samples):,.0f} MB (peak in the first tenth {early:,.0f} MB);"
              f" ru_maxrss of this process {own_peak:,.0f} MB")
        database.dispose()
        drop_schema(schema)


if __name__ == "__main__":
    main()
