"""A generator run in a child process: every item in order, its errors told, and the child
gone when the caller stops, however it stops."""

from __future__ import annotations

import itertools
import os
import threading

import pytest

from mailmatrix import read_ahead as module
from mailmatrix.read_ahead import ReadAheadError, read_ahead


def movers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate()
            if thread.name == "mailmatrix-read-ahead"]


def test_every_item_arrives_in_order_across_chunks() -> None:
    assert list(read_ahead(range, 3 * module.CHUNK + 5)) == list(range(3 * module.CHUNK + 5))
    assert list(read_ahead(range, 0)) == []
    assert movers() == []


def test_a_budget_smaller_than_a_chunk_still_delivers_everything(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "BUDGET_BYTES", 1)
    assert list(read_ahead(itertools.repeat, "x" * 1000, 2000)) == ["x" * 1000] * 2000


def test_the_childs_error_is_raised_in_the_caller() -> None:
    with pytest.raises(ReadAheadError, match="TypeError: 'int' object is not iterable"):
        list(read_ahead(iter, 5))


def test_a_child_that_dies_is_reported_not_waited_for() -> None:
    with pytest.raises(ReadAheadError, match=r"ended early \(exit code 3\)"):
        list(read_ahead(os._exit, 3))


def test_stopping_early_ends_the_child() -> None:
    """An endless generator: the caller takes a few items and stops (an error, Ctrl-C)."""
    items = read_ahead(itertools.count)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    items.close()
    assert movers() == []  # its thread ends only when the child's pipe does
