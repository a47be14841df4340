"""observe(): what a message teaches the customer graph, in one short idempotent transaction.

Stores facts, never the body: who (external participants only), when, which way, the thread,
Reply-To, the receiving system's authentication verdict, the sender's UTC offset, whether it is
a formal matter, and where the facts came from. Then the linking rules run on the addresses
the message touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, bindparam, case, insert, select, update
from sqlalchemy.orm import Session

from mailmatrix.addresses.classify import AddressReport, classify_parsed
from mailmatrix.addresses.hosting import MxHostsLookup
from mailmatrix.addresses.parse import ParsedAddress, parse_address_list
from mailmatrix.addresses.signature import signature_facts
from mailmatrix.auth.principal import Principal
from mailmatrix.customers import linking
from mailmatrix.customers.address_rows import address_row
from mailmatrix.customers.authresults import DEFAULT_AUTHSERV_IDS, receiving_verdict
from mailmatrix.customers.db import Database
from mailmatrix.customers.facts import MessageFacts
from mailmatrix.customers.models import (
    Address,
    AddressForm,
    Observation,
    Participant,
    TenantDomain,
)
from mailmatrix.customers.upsert import get_or_create
from mailmatrix.mail_dates import sent_at as date_of
from mailmatrix.mail_dates import utc_offset_minutes
from mailmatrix.tone.formal_matter import find_formal_matters

ROLES = ("from", "sender", "reply-to", "to", "cc")


@dataclass(frozen=True)
class ObserveResult:
    observation_id: int
    created: bool  # False when the message had been observed before: nothing changed
    direction: str
    sender_address_id: int | None


@dataclass(frozen=True)
class _Seen:
    role: str
    parsed: ParsedAddress
    report: AddressReport


def observe(database: Database, principal: Principal, facts: MessageFacts, *,
            authserv_ids: Iterable[str] = DEFAULT_AUTHSERV_IDS,
            mx_hosts: MxHostsLookup | None = None,
            now: datetime | None = None) -> ObserveResult:
    """One message, one short transaction (the panel's path).

    ``mx_hosts`` must answer at once (the app's cached MX lookup): hosting that is not known
    yet is filled in by a later observe of the same domain.
    """
    return observe_many(database, principal, [facts], authserv_ids=authserv_ids,
                        mx_hosts=mx_hosts, now=now)[0]


def observe_many(database: Database, principal: Principal, messages: Sequence[MessageFacts], *,
                 authserv_ids: Iterable[str] = DEFAULT_AUTHSERV_IDS,
                 mx_hosts: MxHostsLookup | None = None,
                 now: datetime | None = None) -> list[ObserveResult]:
    """Several messages in one transaction (ingest): the same facts as one observe() each,
    with the counters, primaries and customer types brought up to date once at the end."""
    moment = now or datetime.now(UTC)
    trusted = tuple(authserv_ids)
    return database.retrying(
        lambda: _observe_batch(database, principal, messages, trusted, mx_hosts, moment))


def _observe_batch(database: Database, principal: Principal, messages: Sequence[MessageFacts],
                   authserv_ids: tuple[str, ...], mx_hosts: MxHostsLookup | None,
                   now: datetime) -> list[ObserveResult]:
    with database.session(principal.tenant_id) as session:
        batch = _Batch(session, principal, now)
        batch.prefetch_known([facts.message_key() for facts in messages])
        results: list[ObserveResult | _Pending] = [
            batch.observe(facts, authserv_ids, mx_hosts) for facts in messages]
        batch.finish()
        return [item.result() if isinstance(item, _Pending) else item for item in results]


@dataclass
class _Tally:
    """What a batch adds to one address (or raw form): applied as one SQL update at the end."""

    count_in: int = 0
    count_out: int = 0
    formal: int = 0
    first: datetime | None = None
    last: datetime | None = None
    last_formal: datetime | None = None

    def seen(self, moment: datetime) -> None:
        self.first = moment if self.first is None else min(self.first, moment)
        self.last = moment if self.last is None else max(self.last, moment)


@dataclass
class _Pending:
    """A result whose observation id is known only after the batch is flushed."""

    observation: Observation
    sender_address_id: int | None
    created: bool = True

    def result(self) -> ObserveResult:
        return ObserveResult(self.observation.id, self.created, self.observation.direction,
                             self.sender_address_id)


class _Batch:
    def __init__(self, session: Session, principal: Principal, now: datetime) -> None:
        self.session, self.principal, self.now = session, principal, now
        self.own = _own_domains(session, principal)
        self.rows: dict[str, Address] = {}
        self.forms: dict[str, AddressForm] = {}
        self.tallies: dict[int, _Tally] = {}
        self.form_tallies: dict[int, _Tally] = {}
        self.pending: dict[str, _Pending] = {}  # message key -> this batch's observation
        self.existing: dict[str, Observation] = {}
        self.participants: list[tuple[Observation, int, str, str | None]] = []
        self.persons: set[int] = set()
        self.companies: set[int] = set()

    def observe(self, facts: MessageFacts, authserv_ids: tuple[str, ...],
                mx_hosts: MxHostsLookup | None) -> ObserveResult | _Pending:
        key = facts.message_key()
        known = self._known(key)
        if known is not None:
            return known
        seen = _participants(facts, mx_hosts)
        sender = next((item for item in seen if item.role == "from"), None)
        own = self.own
        direction = "out" if sender is not None and _is_own(sender.report, own,
                                                              self.principal) else "in"
        external = [item for item in seen if not _is_own(item.report, own, self.principal)]
        sent_at = date_of(facts.date) or self.now
        matters = find_formal_matters(facts.subject) + find_formal_matters(facts.body or "")
        verdict = receiving_verdict(facts.authentication_results, trusted_ids=authserv_ids,
                                    internal=not external)
        rows = {item.report.canonical or "": self._row(item) for item in external}
        for item in external:
            row = rows[item.report.canonical or ""]
            self._count(row, item, direction, sent_at, bool(matters))
            self._form(row, item, sent_at)
        sender_row = rows.get(sender.report.canonical or "") if sender in external else None
        reply_to = next((rows[i.report.canonical or ""] for i in external
                         if i.role == "reply-to"), None)
        observation = Observation(
            tenant_id=self.principal.tenant_id,
            user_id=self.principal.user_id, message_key=key, sent_at=sent_at,
            direction=direction, sender_address_id=sender_row.id if sender_row else None,
            sender_display_name=(sender.parsed.display_name or None) if sender else None,
            reply_to_address_id=reply_to.id if reply_to else None,
            thread_key=_thread_key(facts), auth_result=verdict.result,
            auth_details={**verdict.methods, "reason": verdict.reason},
            utc_offset_minutes=utc_offset_minutes(facts.date),
            formal_matter=bool(matters),
            formal_kinds=list(dict.fromkeys(matter.kind for matter in matters)),
            provenance=facts.provenance, created_at=self.now)
        self.session.add(observation)
        for item in external:
            self.participants.append((observation, rows[item.report.canonical or ""].id,
                                      item.role, item.parsed.display_name or None))
        first_seen = {canonical for canonical, row in rows.items() if row.person_id is None
                      and row.kind != "role"}
        persons, companies = linking.apply_rules(
            self.session, [(rows[i.report.canonical or ""], i.parsed, i.report)
                           for i in external], self.now)
        self.persons |= persons
        self.companies |= companies
        reply_item = next((i for i in external if i.role == "reply-to"), None)
        if sender is not None and sender_row is not None and reply_item is not None:
            self.session.flush()  # the observation counts towards the reply-to evidence
            self.persons |= linking.apply_reply_to(
                self.session, sender_row, sender.parsed.display_name, rows[
                    reply_item.report.canonical or ""], reply_item.parsed.display_name,
                self.now)
        if facts.body and sender is not None and sender_row is not None and direction == "in":
            signature = signature_facts(facts.body, sender_name=sender.parsed.display_name or None,
                                        default_region=sender.report.region)
            self.persons |= linking.apply_signature(
                self.session, sender_row, sender.parsed.display_name, signature, self.now)
            if observation.thread_key and sender.report.canonical in first_seen:
                linking.apply_thread_signature(self.session, sender_row, observation,
                                               signature, self.now)
        pending = self.pending[key] = _Pending(observation,
                                               sender_row.id if sender_row else None)
        return pending

    def prefetch_known(self, keys: list[str]) -> None:
        """One query for the whole batch instead of one per message."""
        for start in range(0, len(keys), 500):
            for row in self.session.scalars(select(Observation).where(
                    Observation.tenant_id == self.principal.tenant_id,
                    Observation.user_id == self.principal.user_id,
                    Observation.message_key.in_(keys[start:start + 500]))):
                self.existing[row.message_key] = row

    def _known(self, key: str) -> ObserveResult | _Pending | None:
        earlier = self.pending.get(key)
        if earlier is not None:  # the same message twice in one batch
            return _Pending(earlier.observation, earlier.sender_address_id, created=False)
        existing = self.existing.get(key)
        if existing is None:
            return None
        return ObserveResult(existing.id, False, existing.direction, existing.sender_address_id)

    def _row(self, item: _Seen) -> Address:
        canonical = item.report.canonical or ""
        row = self.rows.get(canonical)
        if row is None:
            row = self.rows[canonical] = address_row(self.session, item.parsed, item.report,
                                                     self.now)
        return row

    def _count(self, row: Address, item: _Seen, direction: str, sent_at: datetime,
               formal: bool) -> None:
        tally = self.tallies.setdefault(row.id, _Tally())
        counted = (item.role == "from" and direction == "in") or (
            item.role in ("to", "cc") and direction == "out")
        if counted and direction == "in":
            tally.count_in += 1
        elif counted:
            tally.count_out += 1
        if counted and formal:
            tally.formal += 1
            tally.last_formal = sent_at if tally.last_formal is None else max(
                tally.last_formal, sent_at)
        tally.seen(sent_at)

    def _form(self, row: Address, item: _Seen, sent_at: datetime) -> None:
        raw = item.parsed.addr_spec
        form = self.forms.get(raw)
        if form is None:
            form = self.forms[raw] = get_or_create(
                self.session, AddressForm, {"tenant_id": row.tenant_id, "raw": raw},
                {"address_id": row.id, "tag": item.report.tag, "count": 0})
        tally = self.form_tallies.setdefault(form.id, _Tally())
        tally.count_in += 1
        tally.seen(sent_at)

    def finish(self) -> None:
        """Observations and participants in bulk, then counters as SQL increments (so that
        concurrent writers add up), then the summaries of what was touched."""
        session, tenant_id = self.session, self.principal.tenant_id
        session.flush()
        if self.participants:
            session.execute(insert(Participant), [
                {"tenant_id": tenant_id, "observation_id": observation.id, "address_id": address,
                 "role": role, "display_name": name}
                for observation, address, role, name in self.participants])
        if self.tallies:
            session.execute(_ADDRESS_COUNTERS, [
                {"tenant": tenant_id, "row": row, "n_in": t.count_in, "n_out": t.count_out,
                 "n_formal": t.formal, "first": t.first, "last": t.last,
                 "last_formal": t.last_formal} for row, t in self.tallies.items()])
        if self.form_tallies:
            session.execute(_FORM_COUNTERS, [
                {"tenant": tenant_id, "row": row, "n": t.count_in, "first": t.first,
                 "last": t.last} for row, t in self.form_tallies.items()])
        session.expire_all()  # the counters changed in SQL; summaries must read them anew
        linking.update_summaries(session, self.persons, self.companies)


def _earlier(column: Any, moment: Any) -> Any:
    return case((column.is_(None) | (column > moment), moment), else_=column)


def _later(column: Any, moment: Any) -> Any:
    return case((column.is_(None) | (column < moment), moment), else_=column)


def _later_if_given(column: Any, moment: Any) -> Any:
    return case((moment.is_(None), column), else_=_later(column, moment))


_ADDRESSES = Address.__table__
_FORMS = AddressForm.__table__
_ADDRESS_COUNTERS = (
    update(_ADDRESSES)
    .where(_ADDRESSES.c.tenant_id == bindparam("tenant"), _ADDRESSES.c.id == bindparam("row"))
    .values(count_in=_ADDRESSES.c.count_in + bindparam("n_in"),
            count_out=_ADDRESSES.c.count_out + bindparam("n_out"),
            formal_count=_ADDRESSES.c.formal_count + bindparam("n_formal"),
            first_seen=_earlier(_ADDRESSES.c.first_seen, bindparam("first")),
            last_seen=_later(_ADDRESSES.c.last_seen, bindparam("last")),
            last_formal=_later_if_given(_ADDRESSES.c.last_formal,
                                        bindparam("last_formal", type_=DateTime(True))))
)
_FORM_COUNTERS = (
    update(_FORMS)
    .where(_FORMS.c.tenant_id == bindparam("tenant"), _FORMS.c.id == bindparam("row"))
    .values(count=_FORMS.c.count + bindparam("n"),
            first_seen=_earlier(_FORMS.c.first_seen, bindparam("first")),
            last_seen=_later(_FORMS.c.last_seen, bindparam("last")))
)


def _participants(facts: MessageFacts, mx_hosts: MxHostsLookup | None) -> list[_Seen]:
    seen: list[_Seen] = []
    headers = (("from", facts.from_), ("sender", facts.sender), ("reply-to", facts.reply_to),
               ("to", facts.to), ("cc", facts.cc))
    for role, value in headers:
        addresses = parse_address_list(value).addresses if value else ()
        if role in ("from", "sender"):
            addresses = addresses[:1]
        for parsed in addresses:
            report = classify_parsed(parsed, parsed.addr_spec, mx_hosts=mx_hosts)
            seen.append(_Seen(role, parsed, report))
    return seen


def _own_domains(session: Session, principal: Principal) -> set[str]:
    domains = set(session.scalars(select(TenantDomain.domain).where(
        TenantDomain.tenant_id == principal.tenant_id)))
    if principal.email and "@" in principal.email:
        domains.add(principal.email.rpartition("@")[2].lower())
    return domains


def _is_own(report: AddressReport, own: set[str], principal: Principal) -> bool:
    domain = (report.canonical or "").rpartition("@")[2]
    if report.canonical and report.canonical == principal.email.lower():
        return True
    return report.kind in ("corporate", "role") and (
        domain in own or (report.registrable_domain or "") in own)


def _thread_key(facts: MessageFacts) -> str | None:
    """The first message of the thread: References' first id, else In-Reply-To, else our own."""
    for header in (facts.references, facts.in_reply_to, facts.message_id):
        ids = header.split()
        if ids:
            return ids[0].strip("<>")[:255]
    return None
