"""The demo's older mail, for "learn from my mailbox" without a mail account.

A year of made-up correspondence with a few dozen buyers, in pages like a provider's, a little
slowly (a real mailbox takes a while) so that the progress can be watched. The same messages
every time: a second run learns nothing new.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from mailmatrix.auth.demo import DEMO_USER
from mailmatrix.customers.facts import VERIFIED, MessageFacts
from mailmatrix.mailboxes.backfill_source import Page

MESSAGES = 600
PAGE_SIZE = 50
PAGE_PAUSE = 0.15  # seconds
BUYERS = (("Sofia Rossi", "rossi-meccanica.it"), ("Ahmed Al-Farsi", "gulf-trading.ae"),
          ("Kim Min-jun", "hanbit-parts.co.kr"), ("Lucas Martin", "atelier-martin.fr"),
          ("Carmen López", "ferreteria-lopez.es"), ("Nguyen Van An", "saigon-import.vn"),
          ("Olga Petrova", "petrova-tools.ru"), ("Jan de Vries", "devries-handel.nl"))
FREE_MAIL = ("gmail.com", "outlook.com", "gmx.de", "proton.me")
SUBJECTS = ("Request for quotation", "RE: Quotation", "Purchase order", "Proforma invoice",
            "Shipping documents", "Samples", "Payment confirmation", "Catalogue")


class DemoArchiveSource:
    provider = "demo"

    def __init__(self, pause: float = PAGE_PAUSE, now: datetime | None = None) -> None:
        self._pause = pause
        self._messages = _archive(now or datetime.now(UTC))

    def page(self, since: datetime, cursor: str | None) -> Page:
        start = int(cursor) if cursor and cursor.isdigit() else 0
        time.sleep(self._pause)
        wanted = [(moment, facts) for moment, facts in self._messages if moment >= since]
        chunk = [facts for _, facts in wanted[start:start + PAGE_SIZE]]
        after = start + PAGE_SIZE
        return Page(chunk, str(after) if after < len(wanted) else None,
                    len(wanted) if start == 0 else None)


def _archive(now: datetime) -> list[tuple[datetime, MessageFacts]]:
    rng = random.Random(2026)
    found = []
    for number in range(MESSAGES):
        name, domain = rng.choice(BUYERS)
        local = name.split()[0].lower()
        address = f"{local}@{domain}" if rng.random() < 0.8 else \
            f"{local}.{name.split()[-1].lower()}@{rng.choice(FREE_MAIL)}"
        moment = now - timedelta(days=2 + number * 360 / MESSAGES, minutes=rng.randrange(600))
        found.append((moment, MessageFacts(
            from_=f"{name} <{address}>", to=f"Anna Becker <{DEMO_USER}>",
            subject=rng.choice(SUBJECTS), date=format_datetime(moment),
            message_id=f"<archive-{number}@{domain}>",
            authentication_results=("mx.google.com; dmarc=pass; spf=pass; dkim=pass",),
            body=f"Dear Anna,\n\nplease see attached.\n\nBest regards\n{name}",
            provenance=VERIFIED)))
    return found  # newest first, as providers list them
