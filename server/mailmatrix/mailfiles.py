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
    """Split on "From " lines (mboxrd/mboxo), unescaping ">From " in bodies."""
    number, lines, size = 1, [], 0
    for line in handle:
        if line.startswith(b"From ") and (lines or size):
            yield _checked(f"{path}#{number}", b"".join(lines), separator + size)
            number, lines, size, separator = number + 1, [], 0, len(line)
            continue
        if size <= MAX_MESSAGE_BYTES:
            lines.append(line[1:] if line.startswith(b">From ") else line)
        size += len(line)
    if lines:
        yield _checked(f"{path}#{number}", b"".join(lines), separator + size)


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
