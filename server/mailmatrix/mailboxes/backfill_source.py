"""What a whole-mailbox backfill reads from: a mailbox as pages of message facts, newest first.

Each provider (Graph, Gmail) implements ``BackfillSource``; ``mailboxes/backfill.py`` runs any
of them, stores where it got to, and paces itself by what the source raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from mailmatrix.customers.facts import MessageFacts


@dataclass(frozen=True)
class Page:
    facts: list[MessageFacts]
    cursor: str | None  # where the next page starts; None: read back to ``since``
    estimated_total: int | None = None  # messages since ``since``, when the provider says


class Throttled(Exception):
    """The provider asked us to wait (HTTP 429, Retry-After), or our own quota pacing did."""

    def __init__(self, retry_after: float, message: str = "the mailbox asks us to slow down"
                 ) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ConsentNeeded(Exception):
    """The stored grant no longer works (revoked, expired, a scope missing): the user has to
    connect the mailbox again."""


class SourceUnavailable(Exception):
    """The provider could not be reached or answered nonsense: try again later."""


def sign_in_failure(code: str, message: str) -> Exception:
    """A token that could not be had, as a backfill sees it: the sign-in service unreachable
    ("unavailable") is tried again later; anything else needs the user to connect again."""
    return SourceUnavailable(message) if code == "unavailable" else ConsentNeeded(message)


class BackfillSource(Protocol):
    provider: str  # "microsoft" | "google"

    def page(self, since: datetime, cursor: str | None) -> Page:
        """The next page of messages received or sent since ``since`` (``cursor`` None: the
        first page). Raises Throttled, ConsentNeeded or SourceUnavailable."""
        ...
