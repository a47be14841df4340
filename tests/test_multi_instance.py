"""Two app processes (`mailmatrix serve`, gunicorn) on different ports against one PostgreSQL:
an edit through one is seen through the other on the next request; 50 concurrent edits of one
person from both end in a state some serial order of them would give (last writer wins per
field), every successful edit audited, exactly one primary, no duplicate addresses; a new
address observed from both at once is one row."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from mailmatrix.customers.db import Database

# One PostgreSQL shared by the hosts (SQLite is one host's file: nothing to test there)
pytestmark = pytest.mark.parametrize("database", ["postgresql"], indirect=True)
DEMO = {"Authorization": "Bearer demo"}
ME = {"emailAddress": "anna.becker@example-export.com", "displayName": "Anna Becker"}
WORK, HOME = "li.wei@acme-gmbh.de", "liwei.home@gmail.com"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(url: str, port: int, log: Path) -> subprocess.Popen:
    """A server process; its log (with any traceback) is kept for a failing test."""
    environment = {**os.environ, "MAILMATRIX_DATABASE_URL": url, "MAILMATRIX_DEMO_MODE": "true",
                   "MAILMATRIX_SECRET_KEY": "shared", "MAILMATRIX_RATE_LIMIT_USER": "0",
                   "MAILMATRIX_RATE_LIMIT_TENANT": "0", "MAILMATRIX_ENTRA_CLIENT_ID": ""}
    return subprocess.Popen(
        [sys.executable, "-c", "from mailmatrix.cli import main; main()", "serve", "--port",
         str(port), "--workers", "2", "--threads", "4"],
        env=environment, stdout=subprocess.DEVNULL, stderr=log.open("w"))


@pytest.fixture
def two_hosts(database: Database, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    ports = [_free_port(), _free_port()]
    servers = [_serve(database.url, port, tmp_path / f"serve-{port}.log") for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(base + "/readyz", timeout=2).status_code == 200:
                        break
                except requests.ConnectionError:
                    pass
                assert time.monotonic() < deadline, f"{base} never became ready"
                time.sleep(0.2)
        yield bases[0], bases[1], database.url
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def panel(base: str, number: int, sender: str, name: str = "Li Wei") -> dict[str, Any]:
    answer = requests.post(base + "/api/panel?view=1", headers=DEMO, timeout=30, json={
        "from": {"emailAddress": sender, "displayName": name}, "to": [ME],
        "subject": f"PO {number}", "internetMessageId": f"<multi{number}@acme>",
        "dateTimeCreated": "2026-11-26T07:15:00Z"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def act(base: str, **decision: Any) -> int:
    return requests.post(base + "/api/actions", headers=DEMO, json=decision,
                         timeout=30).status_code


def rows(url: str, sql: str, **values: Any) -> list[Any]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(text(sql), values).all()
    engine.dispose()
    return found


def test_an_edit_through_one_host_is_seen_through_the_other(two_hosts) -> None:  # noqa: ANN001
    first, second, _ = two_hosts
    panel(first, 1, WORK)
    assert act(first, action="label", address=WORK, label="Berlin HQ") == 200
    seen = requests.get(second + "/api/profile", params={"address": WORK}, headers=DEMO,
                        timeout=30).json()
    assert seen["addresses"][0]["label"] == "Berlin HQ"


def test_a_new_address_seen_by_both_hosts_at_once_is_one_row(two_hosts) -> None:  # noqa: ANN001
    first, second, url = two_hosts
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: panel((first, second)[n % 2], 100 + n, "new.buyer@orient.cn",
                                      "New Buyer"), range(8)))
    assert rows(url, "SELECT count(*) FROM addresses WHERE canonical = :c",
                c="new.buyer@orient.cn")[0][0] == 1
    assert rows(url, "SELECT count(*) FROM observations")[0][0] == 8


def test_fifty_concurrent_edits_from_both_hosts_end_in_a_serial_state(two_hosts) -> None:  # noqa: ANN001
    first, second, url = two_hosts
    person = panel(first, 200, WORK)["view"]["subject"]["person"]["id"]
    home = panel(second, 201, HOME)["view"]["subject"]
    assert act(first, action="confirm", address=home["addresses"][0]["canonical"],
               person_id=person) == 200
    audited_before = rows(url, "SELECT count(*) FROM audit_events")[0][0]
    chooser = random.Random(7)
    edits = []
    for number in range(50):
        kind = chooser.choice(["label", "label", "pin", "pin", "unpin"])
        if kind == "label":
            edits.append({"action": "label", "address": WORK, "label": f"label {number}"})
        elif kind == "pin":
            edits.append({"action": "pin", "person_id": person,
                          "address": chooser.choice([WORK, HOME])})
        else:
            edits.append({"action": "unpin", "person_id": person})
    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(lambda pair: act((first, second)[pair[0] % 2], **pair[1]),
                                 enumerate(edits)))
    assert set(statuses) == {200}, statuses  # no lost request, no deadlock surfacing as 503
    events = rows(url, "SELECT action, after FROM audit_events ORDER BY id OFFSET :skip",
                  skip=audited_before)
    assert len(events) == 50  # every edit audited, once
    last_label = [after for action, after in events if action == "label"][-1]
    (label,) = rows(url, "SELECT label FROM addresses WHERE canonical = :c", c=WORK)[0]
    assert label == last_label["label"]  # the last writer's value, not a mix
    (primary_id, pinned) = rows(
        url, "SELECT primary_address_id, primary_pinned FROM persons WHERE id = :p",
        p=person)[0]
    owned = {row[0] for row in rows(url, "SELECT id FROM addresses WHERE person_id = :p",
                                    p=person)}
    assert primary_id in owned  # exactly one primary, and it is theirs
    last_pin = [(action, after) for action, after in events
                if action in ("pin-primary", "unpin-primary")][-1]
    assert pinned == last_pin[1]["pinned"]
    duplicates = rows(url, "SELECT canonical FROM addresses GROUP BY canonical "
                           "HAVING count(*) > 1")
    assert duplicates == []
