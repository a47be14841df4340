"""Reading mail files: single .eml files, mbox files (Thunderbird, Google Takeout) and stdin.

Streaming: an mbox is read message by message, never whole, so a 2 GB export costs constant
memory. A message that cannot be read becomes a ``MailFileError`` in the stream, not an
exception that ends the run.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from email.policy import Policy
from pathlib import Path
from typing import BinaryIO

MAX_MESSAGE_BYTES = 50 * 1024 * 1024  # larger "messages" are a broken file, not mail
NO_HEADERS = "no mail headers found (truncated or not a mail file)"
_BLOCK = 1 << 20  # bytes an mbox is read by


@dataclass(frozen=True)
class MailFileError:
    source: str  # "file.mbox#17"
    reason: str
    size: int = 0  # bytes of the file it took up: what a progress bar advances by


@dataclass(frozen=True)
class RawMail:
    source: str
    data: bytes
    size: int = 0


@dataclass(frozen=True)
class MailItem:
    source: str
    message: Message  # an EmailMessage under the default policy
    size: int = 0


def read_mail(path: str, stdin: BinaryIO | None = None, *,
              policy: Policy = email.policy.default) -> Iterator[MailItem | MailFileError]:
    """Every message of ``path`` (``-`` = one message on stdin), in file order, parsed."""
    for item in read_raw_mail(path, stdin):
        yield item if isinstance(item, MailFileError) else _parse(item, policy)


def read_raw_mail(path: str, stdin: BinaryIO | None = None
                  ) -> Iterator[RawMail | MailFileError]:
    """The bytes of every message of ``path``, for readers that parse only what they need."""
    if path == "-":
        data = (stdin.read(MAX_MESSAGE_BYTES + 1) if stdin else b"")
        yield _checked("-", data, len(data))
        return
    try:
        with Path(path).open("rb") as handle:
            first = handle.readline()
            if first.startswith(b"From "):
                yield from _read_mbox(path, handle, len(first))
            else:
                data = first + handle.read(MAX_MESSAGE_BYTES)
                yield _checked(path, data, len(data))
    except OSError as error:
        yield MailFileError(path, f"cannot read: {error.strerror or error}")


def _read_mbox(path: str, handle: BinaryIO, separator: int
               ) -> Iterator[RawMail | MailFileError]:
    """Split on "From " lines (mboxrd/mboxo), unescaping ">From " in bodies.

    Read a block at a time and split where a line starts with "From ": a loop over lines
    cost a large message (attachments are thousands of lines) more than parsing it."""
    number, pieces, kept, size = 1, [], 0, 0  # the message so far; size: in the file
    buffer = b""  # unread bytes: from a line's start or the newline before it
    while True:
        block = handle.read(_BLOCK)
        buffer += block
        start = 0
        while (found := buffer.find(b"\nFrom ", start)) >= 0:
            line_end = buffer.find(b"\n", found + 1)
            if line_end < 0 and block:
                break  # the "From " line goes on in the next block
            piece = buffer[start:found + 1]
            size += len(piece)
            if kept <= MAX_MESSAGE_BYTES:
                pieces.append(piece)
                kept += len(piece)
            yield _checked(f"{path}#{number}", _unescaped(b"".join(pieces)), separator + size)
            number, pieces, kept, size = number + 1, [], 0, 0
            start = (line_end + 1) if line_end >= 0 else len(buffer)
            separator = start - (found + 1)
        # Whole lines go to the message, but for the last newline: a "From " line that starts
        # the next block must still be found after one. A partial line waits for more.
        cut = len(buffer) if not block else buffer.rfind(b"\n", start)
        if cut > start:
            size += cut - start
            if kept <= MAX_MESSAGE_BYTES:
                pieces.append(buffer[start:cut])
                kept += cut - start
            start = cut
        buffer = buffer[start:]
        if not block:
            break
    if pieces:
        yield _checked(f"{path}#{number}", _unescaped(b"".join(pieces)), separator + size)


def _unescaped(data: bytes) -> bytes:
    """">From " at the start of a body line was "From " before the mbox escaped it."""
    data = data.replace(b"\n>From ", b"\nFrom ")
    return data[1:] if data.startswith(b">From ") else data

def _checked(source: str, data: bytes, size: int) -> RawMail | MailFileError:
    if len(data) > MAX_MESSAGE_BYTES:
        return MailFileError(source, f"message larger than {MAX_MESSAGE_BYTES} bytes", size)
    if not data.strip():
        return MailFileError(source, "empty message", size)
    return RawMail(source, data, size)


def _parse(raw: RawMail, policy: Policy) -> MailItem | MailFileError:
    message = email.message_from_bytes(raw.data, policy=policy)
    if not message.keys():
        return MailFileError(raw.source, NO_HEADERS, raw.size)
    return MailItem(raw.source, message, raw.size)
