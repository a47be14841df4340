"""Graph's Retry-After is honoured per mailbox, and never for longer than five minutes."""

from __future__ import annotations

import pytest

from mailmatrix.mailboxes import backoff
from mailmatrix.mailboxes.backoff import MAX_WAIT, GraphBackoff


def test_a_throttled_mailbox_waits_its_time_and_only_it(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(backoff.time, "monotonic", lambda: clock[0])
    waits = GraphBackoff()
    waits.back_off("tid.anna", 30)
    assert waits.waiting("tid.anna") == 30 and waits.waiting("tid.tom") == 0
    clock[0] += 29
    assert waits.waiting("tid.anna") == 1
    clock[0] += 1
    assert waits.waiting("tid.anna") == 0


def test_an_absurd_retry_after_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backoff.time, "monotonic", lambda: 0.0)
    waits = GraphBackoff()
    waits.back_off("tid.anna", 86_400)
    assert waits.waiting("tid.anna") == MAX_WAIT
