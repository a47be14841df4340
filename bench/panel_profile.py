"""Where a panel request's time goes: in-process, on a bulk-loaded tenant, with a profiler.

    python bench/panel_profile.py [--database postgresql|sqlite] [--size 20000]
                                  [--requests 300] [--cprofile 25] [--statements]
                                  [--warm-up 30] [--other-tenant 0]

A tenant of --size addresses is bulk-loaded (bench/load.py's setup), then --requests panel
requests (a known sender, a new Message-ID, as bench/load.py sends them) go through the real
Flask app with demo sign-in, one after another. Reported: wall and CPU time per request (p50
and mean) and SQL statements per request; with --cprofile N the N functions with the most
own time and the N with the most cumulative time; with --statements each distinct statement
with its count per request and its mean time as the client sees it (execute to return).
--other-tenant N loads a tenant of N addresses first, as in a database shared by many: a plan
that walks other tenants' rows shows as a statement slower than without it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "bench"))

from sqlalchemy import event  # noqa: E402

from graph import bulk_tenant, drop_schema, settle  # noqa: E402
from load import DEMO, database_for, message  # noqa: E402
from mailmatrix import create_app  # noqa: E402
from mailmatrix.auth.demo import DEMO_USER  # noqa: E402
from mailmatrix.customers.db import database_of  # noqa: E402


class StatementTimer:
    """Counts statements and the client-side time of each, by SQL text."""

    def __init__(self, engine: object) -> None:
        self.count: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self.total = 0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, connection, cursor, statement, parameters, context, many):  # noqa: ANN001
        connection.info["mm_started"] = time.perf_counter()

    def _after(self, connection, cursor, statement, parameters, context, many):  # noqa: ANN001
        self.total += 1
        self.count[statement] += 1
        self.seconds[statement] += time.perf_counter() - connection.info.pop("mm_started")

    def reset(self) -> None:
        self.count.clear()
        self.seconds.clear()
        self.total = 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--cprofile", type=int, default=0, metavar="N")
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--warm-up", type=int, default=30, metavar="N",
                        help="requests before measuring (0: a fresh process's first ones)")
    parser.add_argument("--other-tenant", type=int, default=0, metavar="N",
                        help="addresses of a tenant loaded before the measured one")
    args = parser.parse_args()
    database, url, schema = database_for(args.database, tempfile.mkdtemp())
    try:
        database.upgrade()
        if args.other_tenant:
            bulk_tenant(database, args.other_tenant)
        _, senders = bulk_tenant(database, args.size, user=DEMO_USER)
        settle(database)
        database.dispose()
        app = create_app({"SECRET_KEY": "profile", "DATABASE_URL": url, "DEMO_MODE": True,
                          "RATE_LIMIT_USER": 0, "RATE_LIMIT_TENANT": 0,
                          "ENTRA_CLIENT_ID": ""})
        client = app.test_client()
        timer = StatementTimer(database_of(app).engine)

        def panel(number: int) -> None:
            answer = client.post("/api/panel", headers=DEMO,
                                 json=message(senders[number % len(senders)], number))
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]

        for number in range(args.warm_up):  # models, caches, the lookalike index
            panel(-1 - number)
        timer.reset()
        profiler = cProfile.Profile(time.process_time) if args.cprofile else None
        walls, cpus = [], []
        for number in range(args.requests):
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            panel(number)
            if profiler:
                profiler.disable()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        print(f"{args.database}, {args.size:,} addresses, {args.requests} panel requests: "
              f"wall p50 {statistics.median(walls):.2f} / mean {statistics.mean(walls):.2f} ms,"
              f" CPU p50 {statistics.median(cpus):.2f} / mean {statistics.mean(cpus):.2f} ms, "
              f"{timer.total / args.requests:.1f} statements per request")
        if args.statements:
            for sql, count in sorted(timer.count.items(), key=lambda item: -timer.seconds[
                    item[0]]):
                print(f"{count / args.requests:5.2f}x {timer.seconds[sql] / count * 1e6:7.0f} "
                      f"µs  {' '.join(sql.split())[:150]}")
        if profiler:
            for order in ("tottime", "cumulative"):
                pstats.Stats(profiler).sort_stats(order).print_stats(args.cprofile)
    finally:
        database.dispose()
        drop_schema(schema)


if __name__ == "__main__":
    main()
