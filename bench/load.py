"""Load: the panel request against gunicorn (`mailmatrix serve`), with a tenant of 10,000 up to
1,000,000 addresses, on PostgreSQL and SQLite.

    python bench/load.py [--sizes 10000,1000000] [--databases postgresql,sqlite]
                         [--rates 50,100] [--seconds 20] [--workers 2] [--threads 8]

For each database and size: a fresh database is bulk-loaded (bench/graph.py's loader; 3
persons to every 10 addresses), `mailmatrix serve` starts on loopback (--workers x --threads,
by default 2 x 8 as `mailmatrix serve`; demo sign-in, no rate limits), and a separate
load-generator process
(a) offers fixed loads of --rates panel requests per second for --seconds (open loop: each
    latency is measured from when the request was due, so a stall is not hidden), and
(b) finds the sustainable throughput with closed-loop clients, beside the same for the
    trivial /healthz endpoint served the same way in the same run.
A panel request observes the message (a known sender under the name they are known by, a new
Message-ID), reads the profile and computes the tone hint; Graph and Gmail are not involved.
Targets (issue 8): p99 <= 50 ms on PostgreSQL at 1M at 100 requests/s; panel throughput >=
0.15x the trivial endpoint's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY / "bench"))

import psutil  # noqa: E402
import requests  # noqa: E402
import sqlalchemy  # noqa: E402

from graph import POSTGRES_URL, bulk_name, bulk_tenant, drop_schema, settle  # noqa: E402
from mailmatrix.auth.demo import DEMO_USER  # noqa: E402
from mailmatrix.customers.db import Database  # noqa: E402

DEMO = {"Authorization": "Bearer demo"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(url: str, workers: int = 2, threads: int = 8) -> tuple[subprocess.Popen, str]:
    port = free_port()
    environment = {**os.environ, "MAILMATRIX_DATABASE_URL": url, "MAILMATRIX_DEMO_MODE": "true",
                   "MAILMATRIX_RATE_LIMIT_USER": "0", "MAILMATRIX_RATE_LIMIT_TENANT": "0",
                   "MAILMATRIX_SECRET_KEY": "load", "MAILMATRIX_ENTRA_CLIENT_ID": ""}
    server = subprocess.Popen(
        [sys.executable, "-c", "from mailmatrix.cli import main; main()", "serve", "--port",
         str(port), "--workers", str(workers), "--threads", str(threads)], env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/readyz", timeout=2).status_code == 200:
                return server, base
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not become ready")


def message(sender: str, number: int) -> dict:
    """A new message from a known sender, under the name they are known by."""
    return {"from": {"emailAddress": sender, "displayName": bulk_name(sender)},
            "to": [{"emailAddress": DEMO_USER, "displayName": "Anna Becker"}],
            "subject": "PO 4411", "internetMessageId": f"<load-{uuid.uuid4().hex}-{number}@b>",
            "dateTimeCreated": "2026-11-26T07:15:00Z",
            "body": "Dear Ms Becker,\nplease find our purchase order attached.\n"
                    f"Kind regards\n{bulk_name(sender)}"}


# -- the load generator (runs in its own process) ---------------------------------------------

def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU used so far by the server (gunicorn and its workers), by PostgreSQL's processes and
    by this load generator: where a request's cost lands on the shared cores."""
    def used(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            return 0.0
        return times.user + times.system

    server = psutil.Process(server_pid)
    return {"server": sum(map(used, [server, *server.children(recursive=True)])),
            "postgresql": sum(used(process) for process in psutil.process_iter(["name"])
                              if (process.info["name"] or "").startswith("postgres")),
            "generator": time.process_time()}


def generate(base: str, senders: list[str], rate: float, seconds: float, concurrency: int,
             server_pid: int) -> dict:
    session = requests.Session()
    rng = random.Random(1)

    def panel(number: int) -> tuple[int, float]:
        due = start + number / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        answer = session.post(base + "/api/panel", headers=DEMO, timeout=60,
                              json=message(rng.choice(senders), number))
        return answer.status_code, (time.perf_counter() - due) * 1000

    for number in range(20):  # warm up: connections, caches, prepared statements
        session.post(base + "/api/panel", headers=DEMO, json=message(senders[number], -number))
    cpu_before, start = cpu_seconds(server_pid), time.perf_counter()
    with ThreadPoolExecutor(64) as pool:
        answers = list(pool.map(panel, range(int(rate * seconds))))
    cpu_after = cpu_seconds(server_pid)
    latencies = sorted(elapsed for _, elapsed in answers)  # failures take time too
    fixed = {"p50": statistics.median(latencies),
             "p95": latencies[int(len(latencies) * 0.95)],
             "p99": latencies[int(len(latencies) * 0.99)], "requests": len(latencies),
             "failed": sum(status != 200 for status, _ in answers),
             "cpu_ms_per_request": {part: (cpu_after[part] - cpu_before[part]) * 1000
                                    / len(answers) for part in cpu_before}}
    return {"fixed_load": fixed,
            "panel_rps": closed_loop(base, senders, concurrency, seconds / 2, panel=True),
            "healthz_rps": closed_loop(base, senders, concurrency, seconds / 2, panel=False)}


def closed_loop(base: str, senders: list[str], clients: int, seconds: float, *, panel: bool
                ) -> float:
    deadline = time.perf_counter() + seconds

    def client(number: int) -> int:
        session, done, rng = requests.Session(), 0, random.Random(number)
        while time.perf_counter() < deadline:
            if panel:
                session.post(base + "/api/panel", headers=DEMO,
                             json=message(rng.choice(senders), number * 1_000_000 + done))
            else:
                session.get(base + "/healthz")
            done += 1
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        total = sum(pool.map(client, range(clients)))
    return total / (time.perf_counter() - started)


# -- the driver -------------------------------------------------------------------------------

def database_for(kind: str, folder: str) -> tuple[Database, str, str | None]:
    if kind == "sqlite":
        url = f"sqlite:///{folder}/load-{uuid.uuid4().hex[:6]}.sqlite3"
        return Database(url), url, None
    schema = f"mm_load_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    return Database(url), url, schema


def report(kind: str, size: int, loaded: float, rate: float, seconds: float, result: dict
           ) -> None:
    fixed = result["fixed_load"]
    print(f"{kind} {size:>9,} addresses (loaded in {loaded:.0f} s): {rate:.0f} req/s for "
          f"{seconds:.0f} s -> p50 {fixed['p50']:.1f} / p95 {fixed['p95']:.1f} / p99 "
          f"{fixed['p99']:.1f} ms, {fixed['failed']} of {fixed['requests']} failed; "
          f"throughput panel {result['panel_rps']:.0f} req/s vs /healthz "
          f"{result['healthz_rps']:.0f} req/s = "
          f"{result['panel_rps'] / result['healthz_rps']:.2f}x; CPU per request at the fixed "
          f"load: " + ", ".join(f"{part} {ms:.1f} ms" for part, ms in fixed[
              "cpu_ms_per_request"].items()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--rates", default="50,100", help="offered loads, requests/s")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--generate", nargs=5, help=argparse.SUPPRESS,  # the load generator
                        metavar=("BASE", "SENDERS", "RATE", "SECONDS", "SERVER_PID"))
    args = parser.parse_args()
    if args.generate:
        base, senders, rate, seconds, server_pid = args.generate
        print(json.dumps(generate(base, json.loads(Path(senders).read_text()), float(rate),
                                  float(seconds), args.clients, int(server_pid))))
        return
    folder = tempfile.mkdtemp()
    for kind in args.databases.split(","):
        for size in (int(value) for value in args.sizes.split(",")):
            database, url, schema = database_for(kind, folder)
            try:
                database.upgrade()
                started = time.perf_counter()
                _, sample = bulk_tenant(database, size, user=DEMO_USER)
                settle(database)
                loaded = time.perf_counter() - started
                database.dispose()
                senders = Path(folder) / "senders.json"
                senders.write_text(json.dumps(sample))
                server, base = serve(url, args.workers, args.threads)
                try:
                    for rate in (float(value) for value in args.rates.split(",")):
                        found = subprocess.run(
                            [sys.executable, __file__, "--clients", str(args.clients),
                             "--generate", base, str(senders), str(rate), str(args.seconds),
                             str(server.pid)],
                            capture_output=True, text=True, check=True, timeout=1800)
                        report(kind, size, loaded, rate, args.seconds,
                               json.loads(found.stdout.strip().splitlines()[-1]))
                finally:
                    server.terminate()
                    server.wait(timeout=30)
            finally:
                database.dispose()
                drop_schema(schema)


if __name__ == "__main__":
    main()
