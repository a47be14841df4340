"""The senders of a generated mailbox, as the panel benchmarks open their messages."""

from __future__ import annotations

import random
from pathlib import Path


def senders_of(mbox: Path, count: int) -> list[dict[str, str]]:
    """Up to ``count`` senders (display name, address) of the mbox, the same ones every run."""
    found = []
    for line in mbox.read_text(encoding="utf-8").splitlines():
        if line.startswith("From: "):
            name, _, address = line[6:].rpartition(" <")
            found.append({"displayName": name.strip('"'), "emailAddress": address.rstrip(">")})
    return random.Random(3).sample(found, min(count, len(found)))
