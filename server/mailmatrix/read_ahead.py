"""Items of a generator made in a child process while the caller works on the ones before.

Ingest spends a sixth of its time reading mail files and parsing headers, and a writer that
runs SQLite in process keeps one core busy with the rest: reading on the other core takes that
sixth off the writer's path. The writer takes a few thousand messages at once, so the reader
must be able to run that far ahead: a thread of the caller's moves the child's pickled chunks
from the pipe into a queue held to ``BUDGET_BYTES``, so memory stays bounded however large the
input (a chunk larger than the budget still passes, alone).

The child is a fresh interpreter running ``main``, not a fork, since the caller may hold
database connections and threads, and not multiprocessing's spawn, which would import the
caller's main script again. It imports only what ``produce`` needs and ignores Ctrl-C: the
caller stops it when its own loop ends, however it ends.
"""

from __future__ import annotations

import contextlib
import pickle
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO, Any

CHUNK = 256  # items per pickle: amortizes the pickling and the pipe's system calls
BUDGET_BYTES = 32 << 20  # pickled chunks waiting for the caller, at most
_LENGTH = struct.Struct("<Q")


class ReadAheadError(RuntimeError):
    """The child failed: its error, or how it ended."""


def read_ahead(produce: Callable[..., Iterator[Any]], *arguments: Any
               ) -> Generator[Any, None, None]:
    """``produce(*arguments)``'s items, in order. ``produce`` is a module-level function; it
    and the arguments are pickled to the child, and the items back."""
    # The child finds this package as the caller did, or else where this file is (appended:
    # nothing of the child's own path is shadowed)
    package_parent = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen(
        [sys.executable, "-c", f"import sys; sys.path.append({package_parent!r}); "
                               "from mailmatrix.read_ahead import main; main()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    waiting = _Chunks()
    mover = threading.Thread(target=waiting.fill_from, args=(child.stdout,), daemon=True,
                             name="mailmatrix-read-ahead")
    try:
        try:
            pickle.dump((produce, arguments), child.stdin)
            child.stdin.close()
        except BrokenPipeError:
            raise ReadAheadError("the reading process did not start "
                                 f"(exit code {child.wait()})") from None
        mover.start()
        while (blob := waiting.take()) is not None:
            kind, payload = pickle.loads(blob)
            if kind == "error":
                raise ReadAheadError(payload)
            if kind == "done":
                return
            yield from payload
        raise ReadAheadError(f"the reading process ended early (exit code {child.wait()})")
    finally:
        waiting.stop()
        if child.poll() is None:
            child.kill()
        child.wait()
        if mover.ident is not None:  # started
            mover.join()
        child.stdout.close()


class _Chunks:
    """Pickled chunks between the mover thread and the caller, held to BUDGET_BYTES."""

    def __init__(self) -> None:
        self._blobs: deque[bytes | None] = deque()  # None: the pipe ended
        self._bytes = 0
        self._stopped = False
        self._changed = threading.Condition()

    def fill_from(self, pipe: IO[bytes]) -> None:
        while not self._stopped:
            header = pipe.read(_LENGTH.size)
            blob = pipe.read(_LENGTH.unpack(header)[0]) if len(header) == _LENGTH.size else b""
            with self._changed:
                while self._blobs and self._bytes + len(blob) > BUDGET_BYTES \
                        and not self._stopped:
                    self._changed.wait()
                self._blobs.append(blob or None)
                self._bytes += len(blob)
                self._changed.notify_all()
            if not blob:
                return

    def take(self) -> bytes | None:
        with self._changed:
            while not self._blobs:
                self._changed.wait()
            blob = self._blobs.popleft()
            self._bytes -= len(blob or b"")
            self._changed.notify_all()
            return blob

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify_all()


def _serve(source: IO[bytes], sink: IO[bytes]) -> None:
    produce, arguments = pickle.load(source)

    def send(message: tuple[str, Any]) -> None:
        blob = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
        sink.write(_LENGTH.pack(len(blob)) + blob)

    try:
        chunk: list[Any] = []
        for item in produce(*arguments):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                send(("items", chunk))
                chunk = []
        send(("items", chunk))
        send(("done", None))
    except Exception as error:  # anything: the caller must hear of it, not wait
        send(("error", f"{type(error).__name__}: {error}"))
    sink.flush()


def main() -> None:
    """The child's side: ``produce`` and its arguments on stdin, chunks on stdout."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(BrokenPipeError):  # the caller stopped reading: all done
        _serve(sys.stdin.buffer, sys.stdout.buffer)
