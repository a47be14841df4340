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


@dataclass(frozen=True)
class MailFileError:
    source: str  # "file.mbox#17"
    reason: str
    size: int = 0  # bytes of the file it took up: what a progress bar advances by


@dataclass(frozen=True)
class MailItem:
    source: str
    message: Message  # an EmailMessage under the default policy
    size: int = 0


def read_mail(path: str, stdin: BinaryIO | None = None, *,
              policy: Policy = email.policy.default) -> Iterator[MailItem | MailFileError]:
    """Every message of ``path`` (``-`` = one message on stdin), in file order.

    ``email.policy.compat32`` reads headers as raw text, several times faster: ingest uses it
    and decodes only what it needs."""
    if path == "-":
        data = (stdin.read(MAX_MESSAGE_BYTES + 1) if stdin else b"")
        yield _parse("-", data, policy, len(data))
        return
    try:
        with Path(path).open("rb") as handle:
            first = handle.readline()
            if first.startswith(b"From "):
                yield from _read_mbox(path, handle, policy, len(first))
            else:
                data = first + handle.read(MAX_MESSAGE_BYTES)
                yield _parse(path, data, policy, len(data))
    except OSError as error:
        yield MailFileError(path, f"cannot read: {error.strerror or error}")


def _read_mbox(path: str, handle: BinaryIO, policy: Policy, separator: int
               ) -> Iterator[MailItem | MailFileError]:
    """Split on "From " lines (mboxrd/mboxo), unescaping ">From " in bodies."""
    number, lines, size = 1, [], 0
    for line in handle:
        if line.startswith(b"From ") and (lines or size):
            yield _parse(f"{path}#{number}", b"".join(lines), policy, separator + size)
            number, lines, size, separator = number + 1, [], 0, len(line)
            continue
        if size <= MAX_MESSAGE_BYTES:
            lines.append(line[1:] if line.startswith(b">From ") else line)
        size += len(line)
    if lines:
        yield _parse(f"{path}#{number}", b"".join(lines), policy, separator + size)


def _parse(source: str, data: bytes, policy: Policy, size: int) -> MailItem | MailFileError:
    if len(data) > MAX_MESSAGE_BYTES:
        return MailFileError(source, f"message larger than {MAX_MESSAGE_BYTES} bytes", size)
    if not data.strip():
        return MailFileError(source, "empty message", size)
    message = email.message_from_bytes(data, policy=policy)
    if not message.keys():
        return MailFileError(source, "no mail headers found (truncated or not a mail file)",
                             size)
    return MailItem(source, message, size)
