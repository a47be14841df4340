"""observe(): what one message teaches the customer graph, in one short idempotent transaction.

Stores facts, never the body: who (external participants only), when, which way, the thread,
Reply-To, the receiving system's authentication verdict, the sender's UTC offset, whether it is
a formal matter, and where the facts came from. Then the linking rules run on the addresses
the message touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, select
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
    """``mx_hosts`` must answer at once (the app's cached MX lookup): hosting that is not known
    yet is filled in by a later observe of the same domain."""
    moment = now or datetime.now(UTC)
    return database.retrying(
        lambda: _observe(database, principal, facts, authserv_ids, mx_hosts, moment))


def _observe(database: Database, principal: Principal, facts: MessageFacts,
             authserv_ids: Iterable[str], mx_hosts: MxHostsLookup | None,
             now: datetime) -> ObserveResult:
    key = facts.message_key()
    with database.session(principal.tenant_id) as session:
        existing = session.scalars(select(Observation).where(
            Observation.tenant_id == principal.tenant_id,
            Observation.user_id == principal.user_id, Observation.message_key == key)).first()
        if existing is not None:
            return ObserveResult(existing.id, False, existing.direction,
                                 existing.sender_address_id)
        own = _own_domains(session, principal)
        seen = _participants(facts, mx_hosts)
        sender = next((item for item in seen if item.role == "from"), None)
        direction = "out" if sender is not None and _is_own(sender.report, own, principal) \
            else "in"
        external = [item for item in seen if not _is_own(item.report, own, principal)]
        sent_at = date_of(facts.date) or now
        matters = find_formal_matters(facts.subject) + find_formal_matters(facts.body or "")
        verdict = receiving_verdict(facts.authentication_results, trusted_ids=authserv_ids,
                                    internal=not external)

        rows: dict[str, Address] = {}
        for item in external:
            rows.setdefault(item.report.canonical or "", _address(session, item, now))
        for item in external:
            _count(rows[item.report.canonical or ""], item, direction, sent_at, bool(matters))
            _remember_form(session, rows[item.report.canonical or ""], item, sent_at)
        sender_row = rows.get(sender.report.canonical or "") if sender in external else None
        reply_to = next((rows[i.report.canonical or ""] for i in external
                         if i.role == "reply-to"), None)
        observation = Observation(
            user_id=principal.user_id, message_key=key, sent_at=sent_at, direction=direction,
            sender_address_id=sender_row.id if sender_row else None,
            sender_display_name=(sender.parsed.display_name or None) if sender else None,
            reply_to_address_id=reply_to.id if reply_to else None,
            thread_key=_thread_key(facts), auth_result=verdict.result,
            auth_details={**verdict.methods, "reason": verdict.reason},
            utc_offset_minutes=utc_offset_minutes(facts.date),
            formal_matter=bool(matters),
            formal_kinds=list(dict.fromkeys(matter.kind for matter in matters)),
            provenance=facts.provenance, created_at=now)
        session.add(observation)
        session.flush()
        for item in external:
            session.add(Participant(observation_id=observation.id,
                                    address_id=rows[item.report.canonical or ""].id,
                                    role=item.role, display_name=item.parsed.display_name or None))
        signature = signature_facts(facts.body) if facts.body and sender_row else None
        linking.apply_rules(session, principal, [(rows[i.report.canonical or ""], i.parsed,
                                                  i.report) for i in external],
                            sender=sender_row, signature=signature, verdict=verdict, now=now)
        return ObserveResult(observation.id, True, direction,
                             sender_row.id if sender_row else None)


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


def _address(session: Session, item: _Seen, now: datetime) -> Address:
    return address_row(session, item.parsed, item.report, now)


def _count(row: Address, item: _Seen, direction: str, sent_at: datetime, formal: bool) -> None:
    """Counters and first/last seen as SQL expressions: concurrent observes of the same address
    add up instead of overwriting each other."""
    counted = (item.role == "from" and direction == "in") or (
        item.role in ("to", "cc") and direction == "out")
    if counted and direction == "in":
        row.count_in = Address.count_in + 1
    elif counted:
        row.count_out = Address.count_out + 1
    if counted and formal:
        row.formal_count = Address.formal_count + 1
        row.last_formal = _later(Address.last_formal, sent_at)
    row.first_seen = _earlier(Address.first_seen, sent_at)
    row.last_seen = _later(Address.last_seen, sent_at)


def _remember_form(session: Session, row: Address, item: _Seen, sent_at: datetime) -> None:
    form = get_or_create(session, AddressForm,
                         {"tenant_id": row.tenant_id, "raw": item.parsed.addr_spec},
                         {"address_id": row.id, "tag": item.report.tag, "count": 0})
    form.count = AddressForm.count + 1
    form.first_seen = _earlier(AddressForm.first_seen, sent_at)
    form.last_seen = _later(AddressForm.last_seen, sent_at)


def _earlier(column: Any, moment: datetime) -> Any:
    return case((column.is_(None) | (column > moment), moment), else_=column)


def _later(column: Any, moment: datetime) -> Any:
    return case((column.is_(None) | (column < moment), moment), else_=column)


def _thread_key(facts: MessageFacts) -> str | None:
    """The first message of the thread: References' first id, else In-Reply-To, else our own."""
    for header in (facts.references, facts.in_reply_to, facts.message_id):
        ids = header.split()
        if ids:
            return ids[0].strip("<>")[:255]
    return None
