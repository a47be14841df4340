"""Backfill speed on our side: a Microsoft 365 mailbox read page by page into the graph.

    python bench/backfill.py [--messages 100000] [--no-postgres]

Graph is played by an in-process stand-in that answers `GET /me/messages` with pages of 1,000
messages of the documented shape (internet headers for received mail), chained by
`@odata.nextLink`, instantly: what is measured is everything MailMatrix does per message
(turning Graph's JSON into facts, observing, recording the cursor), not Graph's latency, which
on a real mailbox adds a few hundred milliseconds to a couple of seconds per page.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from graph import FIRST, FREE, LAST, SUBJECTS, databases, drop_schema  # noqa: E402
from mailmatrix.customers.local import local_principal  # noqa: E402
from mailmatrix.mailboxes.backfill import run_backfill  # noqa: E402
from mailmatrix.mailboxes.graph import GRAPH, GraphClient  # noqa: E402
from mailmatrix.mailboxes.graph_backfill import PAGE_SIZE, GraphBackfillSource  # noqa: E402

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


class Answer:
    def __init__(self, body: dict[str, Any]) -> None:
        self.status_code, self.headers, self._body = 200, {}, body

    def json(self) -> dict[str, Any]:
        return self._body


class InstantGraph:
    """Pages of a generated mailbox, built when asked (memory stays flat)."""

    def __init__(self, messages: int, seed: int = 7) -> None:
        self.messages, self.rng = messages, random.Random(seed)
        self.people = [(f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}", number)
                       for number in range(max(50, messages // 20))]

    def get(self, url: str, params: dict[str, str], timeout: float,
            headers: dict[str, str]) -> Answer:
        page = int(url.rpartition("page=")[2]) if "page=" in url else 0
        start = page * PAGE_SIZE
        body: dict[str, Any] = {"value": [self.message(number) for number in range(
            start, min(start + PAGE_SIZE, self.messages))]}
        if page == 0:
            body["@odata.count"] = self.messages
        if start + PAGE_SIZE < self.messages:
            body["@odata.nextLink"] = f"{GRAPH}/me/messages?%24skiptoken=x&page={page + 1}"
        return Answer(body)

    def message(self, number: int) -> dict[str, Any]:
        name, person = self.people[number * 7919 % len(self.people)]
        local = name.lower().replace(" ", ".") + str(person)
        domain = f"company{person % 900}.com" if person % 3 else self.rng.choice(FREE)
        sender = f"{local}@{domain}"
        moment = NOW - timedelta(minutes=number)
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "id": f"AAMk{number:010d}=", "internetMessageId": f"<bf{number}@{domain}>",
            "subject": SUBJECTS[number % len(SUBJECTS)], "receivedDateTime": stamp,
            "from": {"emailAddress": {"name": name, "address": sender}},
            "toRecipients": [{"emailAddress": {"name": "Rep",
                                               "address": "rep@example-export.com"}}],
            "internetMessageHeaders": [
                {"name": "Authentication-Results",
                 "value": f"spf=pass smtp.mailfrom={domain}; dkim=pass; dmarc=pass"},
                {"name": "From", "value": f"{name} <{sender}>"},
                {"name": "To", "value": "Rep <rep@example-export.com>"},
                {"name": "Subject", "value": SUBJECTS[number % len(SUBJECTS)]},
                {"name": "Date", "value": moment.strftime("%a, %d %b %Y %H:%M:%S +0000")},
                {"name": "Message-ID", "value": f"<bf{number}@{domain}>"}]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name, database, schema in databases(not options.no_postgres, folder):
            principal = local_principal(database, "rep@example-export.com")
            source = GraphBackfillSource(lambda: "token",
                                         GraphClient(InstantGraph(options.messages)))
            start = time.perf_counter()
            final = run_backfill(database, principal, source, months=120,
                                 now=lambda: NOW)
            elapsed = time.perf_counter() - start
            print(f"{name}: {final.read:,} messages in {elapsed:,.1f} s = "
                  f"{final.read / elapsed:,.0f} messages/s ({final.state}, {final.new:,} new)")
            database.dispose()
            drop_schema(schema)


if __name__ == "__main__":
    main()
