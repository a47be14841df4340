"""A PostgreSQL restart during a load run, on a private cluster of the test's own (initdb and
pg_ctl on another port; never the shared server): requests fail with a clear 503 while it is
down, the app recovers without a restart, and nothing is half written (each observe is one
transaction, so every counter matches the observations stored)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import require_or_skip
from tests.microsoft_fake import Microsoft, app_trusting

BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _as_postgres(*command: str) -> list[str]:
    """initdb refuses to run as root: run the cluster as the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_cluster() -> Iterator[tuple[str, callable]]:
    require_or_skip(bool(BINARIES), "PostgreSQL server binaries (initdb, pg_ctl) not installed")
    can_switch = os.geteuid() != 0 or shutil.which("runuser") is not None
    require_or_skip(can_switch, "running as root without runuser: initdb cannot run")
    bin_dir = Path(BINARIES[-1])
    # Not under pytest's tmp_path: its folders are private to the user running the tests
    folder = Path(tempfile.mkdtemp(prefix="mailmatrix-pg-"))
    data = folder / "cluster"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
    port = _free_port()
    run = lambda *args: subprocess.run(_as_postgres(*args), check=True,  # noqa: E731
                                       capture_output=True, timeout=120)
    run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
        "--no-sync")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = lambda *args: run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60",  # noqa: E731
                            "-o", options, "-l", str(data / "log"), *args)
    ctl("start")
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        yield url, lambda: ctl("restart", "-m", "immediate")
    finally:
        subprocess.run(_as_postgres(str(bin_dir / "pg_ctl"), "-D", str(data), "stop", "-m",
                                    "immediate"), capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_a_database_restart_is_a_503_then_recovery_and_nothing_half_written(
        private_cluster: tuple[str, callable]) -> None:
    url, restart = private_cluster
    microsoft = Microsoft()
    app = app_trusting(microsoft, url)
    app.config.update(RATE_LIMIT_USER=0, RATE_LIMIT_TENANT=0)
    client, token = app.test_client(), microsoft.token()
    statuses: list[int] = []
    stop = threading.Event()

    def load() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            sender = {"emailAddress": f"buyer{number % 40}@acme-{number % 7}.de",
                      "displayName": f"Buyer {number % 40}"}
            answer = client.post("/api/panel", headers={"Authorization": f"Bearer {token}"},
                                 json={"from": sender, "to": [{"emailAddress":
                                                               "anna.becker@example-export.com"}],
                                       "subject": f"PO {number}",
                                       "internetMessageId": f"<load{number}@acme>"})
            statuses.append(answer.status_code)
            if answer.status_code == 503:
                assert answer.json["error"] == "database_unavailable"
                assert answer.headers["Retry-After"] == "5"

    worker = threading.Thread(target=load)
    worker.start()
    try:
        time.sleep(2)
        restart()
        time.sleep(3)
    finally:
        stop.set()
        worker.join(timeout=60)
    assert 503 in statuses, "the restart was not noticed (no request while it was down)"
    assert set(statuses) <= {200, 503}, set(statuses)  # never a 500 or a stack trace
    assert statuses[-1] == 200 and statuses[-5:] == [200] * 5  # recovered, same process
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM observations")).scalar()
        counted = connection.execute(text("SELECT sum(count_in) FROM addresses")).scalar()
        orphans = connection.execute(text(
            "SELECT count(*) FROM participants p LEFT JOIN observations o "
            "ON o.id = p.observation_id WHERE o.id IS NULL")).scalar()
    engine.dispose()
    # A request may fail after its observe committed (while reading the profile): then the
    # message is stored whole. What must never be is a message counted but not stored, or
    # stored with part of its participants.
    assert stored >= statuses.count(200) and counted == stored and orphans == 0
