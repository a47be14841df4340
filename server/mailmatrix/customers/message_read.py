"""What one message says, read without the database: its participants (parsed and classified),
time, thread and formal matters.

Pure, and cached where mail repeats itself (the same To line, the same subject, the same few
hundred correspondents), so a batch of messages is read before its transaction starts and the
transaction only writes. Ingest reads in a process of its own (``ingest_reader``): there
``reading_of`` and ``headers_read_first``, here ``assemble``, so that what crosses between them
is plain values and each distinct header once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from mailmatrix.addresses.classify import AddressReport, classify_parsed
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.addresses.hosting import MxHostsLookup, hosting_for
from mailmatrix.addresses.parse import ParsedAddress, parse_address_list
from mailmatrix.addresses.signature import SignatureFacts, signature_facts
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.mail_dates import sent_at as date_of
from mailmatrix.mail_dates import utc_offset_minutes
from mailmatrix.tone.formal_matter import find_formal_matters

# Distinct headers (and their addresses and subjects) kept read. A web worker reads a message
# at a time and keeps CACHED_ENTRIES; ingest's two processes keep INGEST_CACHED_ENTRIES while
# they run (``cache_entries``). A million-message mailbox has some 80,000 distinct From/To/Cc
# lines: at 32,768 they were read, sent and read again, and 1M messages into SQLite took 287
# and 262 s, at 131,072 245 and 232 s, for some 125 MB more at the peak of both processes.
CACHED_ENTRIES = 32_768
INGEST_CACHED_ENTRIES = 131_072


@dataclass(frozen=True)
class Seen:
    """One participant: the header it was named in, as parsed, as classified."""

    role: str  # from | sender | reply-to | to | cc
    parsed: ParsedAddress
    report: AddressReport
    # Fields, not properties: a batch asks for each several times per participant (and a
    # Seen is made once per distinct header)
    canonical: str = field(init=False)
    raw: str = field(init=False)  # the addr-spec as written
    display_name: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "canonical", self.report.canonical or "")
        object.__setattr__(self, "raw", self.parsed.addr_spec)
        object.__setattr__(self, "display_name", self.parsed.display_name)


@dataclass(frozen=True)
class ReadMessage:
    facts: MessageFacts
    key: str  # Message-ID, or a stable hash
    seen: tuple[Seen, ...]
    sent_at: datetime | None  # UTC; None when the Date header is missing or unreadable
    utc_offset_minutes: int | None
    thread_key: str | None
    formal_kinds: tuple[str, ...]  # "quote", "invoice", ... in order of first mention
    # The sender's signature, when ingest's reading process has read it already (None: not
    # read; whether it is needed is the writer's to say)
    signature: SignatureFacts | None = None

    @property
    def sender(self) -> Seen | None:
        # From is read first (_headers), so it leads ``seen`` when there is one
        first = self.seen[0] if self.seen else None
        return first if first is not None and first.role == "from" else None


# What reading finds besides the participants, in plain values (cheap to send to another
# process): (key, sent_at, utc_offset_minutes, thread_key, formal_kinds)
Reading = tuple[str, datetime | None, int | None, str | None, tuple[str, ...]]
# A header's participants as read: ((role, header value), participants)
HeaderRead = tuple[tuple[str, str], tuple[Seen, ...]]


def read_message(facts: MessageFacts, mx_hosts: MxHostsLookup | None = None) -> ReadMessage:
    """``mx_hosts`` must answer at once (a cached lookup): hosting not known yet stays
    "unknown" and is learned from a later message of the same domain."""
    return assemble(facts, reading_of(facts), mx_hosts)


def reading_of(facts: MessageFacts) -> Reading:
    matters = _formal_kinds(facts.subject) + (
        _kinds_in(facts.body) if facts.body else ())
    return (facts.message_key(), date_of(facts.date), utc_offset_minutes(facts.date),
            _thread_key(facts), tuple(dict.fromkeys(matters)))


def assemble(facts: MessageFacts, reading: Reading, mx_hosts: MxHostsLookup | None = None,
             headers_read: Sequence[HeaderRead] = (),
             signature: SignatureFacts | None = None) -> ReadMessage:
    """The message from its reading and its participants. ``headers_read``: headers another
    process has read already (``headers_read_first``); this process takes them instead of
    reading them again, and keeps them for the next message that names them. ``signature``:
    the sender's, when that process read it (``sender_signature``)."""
    key, sent_at, offset, thread_key, formal_kinds = reading
    _HANDED_OVER.update(headers_read)
    try:
        seen = _participants(facts, mx_hosts)
    finally:
        for header, _ in headers_read:  # taken into _seen's cache, unless it had them
            _HANDED_OVER.pop(header, None)
    return ReadMessage(facts=facts, key=key, seen=seen, sent_at=sent_at,
                       utc_offset_minutes=offset, thread_key=thread_key,
                       formal_kinds=formal_kinds, signature=signature)


def from_mailbox(facts: MessageFacts) -> Seen | None:
    """The From mailbox, parsed and classified (no hosting: see ``_with_hosting``)."""
    found = _seen("from", facts.from_) if facts.from_ else ()
    return found[0] if found else None


def sender_signature(body: str, sender: Seen) -> SignatureFacts:
    """The signature ``sender`` wrote in ``body``: their display name helps find it, the region
    of their domain reads phone numbers written without a country code."""
    return signature_facts(body, sender_name=sender.display_name or None,
                           default_region=sender.report.region)


def headers_read_first(facts: MessageFacts, already: set[tuple[str, str]]
                       ) -> tuple[HeaderRead, ...]:
    """The participants of the message's headers that are not in ``already`` (which learns
    them): what a reading process sends along with the message, the first time."""
    if len(already) > _cache_size:  # the writer's cache holds as many
        already.clear()  # sending one again costs little; memory must stay bounded
    found = []
    for header in _headers(facts):
        if header[1] and header not in already:
            already.add(header)
            found.append((header, _seen(*header)))
    return tuple(found)


# Headers read by another process, for _seen while a message is assembled
_HANDED_OVER: dict[tuple[str, str], tuple[Seen, ...]] = {}


def _headers(facts: MessageFacts) -> tuple[tuple[str, str], ...]:
    return (("from", facts.from_), ("sender", facts.sender), ("reply-to", facts.reply_to),
            ("to", facts.to), ("cc", facts.cc))


def _participants(facts: MessageFacts, mx_hosts: MxHostsLookup | None) -> tuple[Seen, ...]:
    seen: list[Seen] = []
    for role, value in _headers(facts):
        if not value:
            continue
        if mx_hosts is None:
            seen += _seen(role, value)
            continue
        for item in _seen(role, value):
            report = _with_hosting(item.report, mx_hosts)
            seen.append(item if report is item.report else Seen(role, item.parsed, report))
    return tuple(seen)


def _read_header(role: str, header_value: str) -> tuple[Seen, ...]:
    """A header's participants, read once per distinct value: a mailbox repeats its lines."""
    handed_over = _HANDED_OVER.get((role, header_value))
    if handed_over is not None:
        return handed_over
    mailboxes = _mailboxes(header_value)
    if role in ("from", "sender"):
        mailboxes = mailboxes[:1]
    return tuple(Seen(role, parsed, _classified(parsed)) for parsed in mailboxes)


def _mailboxes(header_value: str) -> tuple[ParsedAddress, ...]:
    """The valid mailboxes of a header; a broken entry is left out (the others still count)."""
    try:
        return parse_address_list(header_value).addresses
    except InvalidAddress:
        return ()


def _classify(parsed: ParsedAddress) -> AddressReport:
    return classify_parsed(parsed, parsed.addr_spec)


def _with_hosting(report: AddressReport, mx_hosts: MxHostsLookup | None) -> AddressReport:
    """The cached report knows no hosting; add it when the MX lookup already knows it."""
    if mx_hosts is None or report.hosting is None:  # None: not a corporate domain
        return report
    hosting = hosting_for(report.registrable_domain or "", mx_hosts).name
    return report if hosting == report.hosting else replace(report, hosting=hosting)


def _subject_kinds(subject: str) -> tuple[str, ...]:
    return _kinds_in(subject)


def _kinds_in(text: str) -> tuple[str, ...]:
    return tuple(matter.kind for matter in find_formal_matters(text))


def _cached(entries: int) -> None:
    """The caches made anew, each of ``entries`` (``_cache_size`` remembers how many)."""
    global _cache_size, _seen, _classified, _formal_kinds
    _cache_size = entries
    _seen = lru_cache(maxsize=entries)(_read_header)
    _classified = lru_cache(maxsize=entries)(_classify)
    _formal_kinds = lru_cache(maxsize=entries)(_subject_kinds)


_cached(CACHED_ENTRIES)


@contextmanager
def cache_entries(entries: int) -> Iterator[None]:
    """Reading keeps up to ``entries`` distinct headers while the block runs (ingest), then as
    many as before; a change of size starts the caches empty."""
    before = _cache_size
    if entries != before:
        _cached(entries)
    try:
        yield
    finally:
        if entries != before:
            _cached(before)


def _thread_key(facts: MessageFacts) -> str | None:
    """The first message of the thread: References' first id, else In-Reply-To, else our own."""
    for header in (facts.references, facts.in_reply_to, facts.message_id):
        ids = header.split()
        if ids:
            return ids[0].strip("<>")[:255]
    return None
