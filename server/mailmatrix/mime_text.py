"""The first text/plain part of a raw message, found by its boundary lines (pure).

Ingest wants a message's text (formal matters, the signature), never its attachments. The
email package's parser reads every line of every part to build the whole MIME tree: about a
millisecond for 64 KB of base64, so reading was most of ingest's work on mail as people keep
it. Here a multipart body is cut at its delimiter lines with ``bytes.find``, only each part's
header block is read, and the email package decodes the one part that is the text, as it would
have in the whole tree.

Where this reading could differ from the email package's (a forwarded message/rfc822 part
before the text, a digest, a boundary or delimiter missing before the text, a lone CR, which
it takes for a line break), ``first_plain_text`` answers UNSURE and the caller parses the
message as before.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import Message
from functools import lru_cache
from typing import NamedTuple

from mailmatrix.raw_headers import RawHeaders, read_headers


class Unsure:
    """The answer "parse this message with the email package"."""


UNSURE = Unsure()
MAX_DEPTH = 8  # multiparts nested deeper are parsed the slow way
MAX_PARTS = 256  # parts looked at in all, before giving up on the fast way
_PART_FIELDS = frozenset({"content-type"})
# A header line as the email package's parser knows one: a name and a colon with nothing
# between them, or a folded line's continuation
_FIELD_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+:|[ \t]")


def plain_text_of(message: Message) -> str | None:
    """The first text/plain part of a parsed message (``Message.walk`` order), decoded with
    its charset (any policy)."""
    for part in message.walk():
        if part.get_content_type() != "text/plain" or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return None
        try:
            charset = part.get_content_charset() or "utf-8"
        except (TypeError, ValueError):  # RFC 2231 pieces the email package cannot join
            charset = "utf-8"
        try:
            return payload.decode(charset, errors="replace")
        except (LookupError, ValueError):  # no such charset; a NUL in its name
            return payload.decode("utf-8", errors="replace")
    return None


def first_plain_text(message: bytes, limit: int, headers: RawHeaders | None = None
                     ) -> str | None | Unsure:
    """What ``plain_text_of`` finds in the raw message; UNSURE where the email package must
    decide. At most ``limit`` bytes of the text part are decoded (cut at a line's end).
    ``headers``: the message's, when the caller has read them (with Content-Type)."""
    walk = _Walk(limit)
    found = walk.part(message, depth=0, headers=headers)
    return UNSURE if walk.unsure else found


class _Walk:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts = 0
        self.unsure = False
        self.done = False  # the text part was found (its text may still be None)

    def multipart(self, body: bytes, kind: _Kind, depth: int) -> str | None:
        boundary = kind.boundary
        if not boundary or depth > MAX_DEPTH or kind.type == "multipart/digest":
            self.unsure = True  # a defect, too deep, or a digest (parts of another default)
            return None
        for part in _parts(body, boundary.encode("utf-8", "surrogateescape")):
            self.parts += 1
            if part is None or self.parts > MAX_PARTS:
                self.unsure = True
                return None
            found = self.part(part, depth)
            if self.done or self.unsure:
                return found
        return None

    def part(self, part: bytes, depth: int, headers: RawHeaders | None = None) -> str | None:
        if headers is None:
            headers = read_headers(part, _PART_FIELDS)
        if not _read_alike(part, headers):
            self.unsure = True
            return None
        kind = _kind(headers.first("content-type") if headers else "")
        maintype = kind.type.partition("/")[0]
        if maintype == "multipart" and headers is not None:
            return self.multipart(headers.body, kind, depth + 1)
        if maintype == "message":
            self.unsure = True  # the email package walks into a forwarded message
            return None
        if kind.type != "text/plain":
            return None
        self.done = True
        if len(part) > self.limit:
            part = part[:part.rfind(b"\n", 0, self.limit) + 1]
        return plain_text_of(email.message_from_bytes(part, policy=email.policy.compat32))


def _read_alike(part: bytes, headers: RawHeaders | None) -> bool:
    """Whether the email package would take the same header block as ``read_headers``: it
    ends at a blank line, each line is a field the way the email package's parser sees one
    ("Name : value" is not), and no lone CR breaks a line."""
    if headers is None:  # no header block: only a blank first line says so to both
        return part.startswith((b"\n", b"\r\n"))
    block = part[:len(part) - len(headers.body)]
    if not block.endswith((b"\n\n", b"\r\n\r\n")) and headers.body:
        return False  # ended by a line that is no field: a defect each reads its own way
    if block.count(b"\r") != block.count(b"\r\n"):
        return False
    return all(_FIELD_LINE.match(line) for line in block.splitlines() if line)


class _Kind(NamedTuple):
    type: str  # "text/plain", as the email package reads the header ("text/plain" if none)
    boundary: str | None


@lru_cache(maxsize=1024)
def _kind(content_type: str) -> _Kind:
    """The email package's own reading of a Content-Type header. (Kept for the headers that
    repeat, text parts' above all: reading the parameters costs more than the rest.)"""
    holder = Message()
    if content_type:
        holder["Content-Type"] = content_type
    kind = holder.get_content_type()
    if not kind.startswith("multipart/"):
        return _Kind(kind, None)
    try:
        return _Kind(kind, holder.get_boundary())
    except (TypeError, ValueError):  # RFC 2231 pieces it cannot put together
        return _Kind(kind, None)


def _parts(body: bytes, boundary: bytes) -> Iterator[bytes | None]:
    """The parts between the delimiter lines of ``boundary``, as far as they are asked for;
    None for a structure the email package reads its own way (no first or close delimiter,
    two delimiter lines in a row, a lone CR next to a delimiter)."""
    delimiter = b"--" + boundary
    opened = -1  # where the current part starts
    search = 0
    while True:
        at = body.find(delimiter, search)
        if at < 0:
            yield None  # no close delimiter
            return
        search = at + len(delimiter)
        if at and body[at - 1] == 0x0D and body[at - 2:at] != b"\r\n":
            yield None
            return
        if at and body[at - 1] != 0x0A:  # not at a line's start
            continue
        end = body.find(b"\n", search)
        end = len(body) if end < 0 else end + 1
        rest = body[search:end].removesuffix(b"\n").removesuffix(b"\r")
        if b"\r" in rest:
            yield None  # a lone CR: a line break to the email package
            return
        closing = rest.startswith(b"--")
        if rest[2 if closing else 0:].strip(b" \t"):
            continue  # "--boundary-and-more": not a delimiter line
        if opened == at:
            yield None  # two delimiter lines in a row: the email package has its quirks
            return
        if opened >= 0:
            # The line break before a delimiter belongs to the delimiter
            stop = at - 2 if body[at - 2:at] == b"\r\n" else at - 1
            yield body[opened:max(stop, opened)]
        elif closing:
            yield None  # a close delimiter first
        if closing:
            return
        opened = end
        search = end
