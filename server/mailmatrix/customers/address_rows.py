"""The rows of mailboxes and of their raw forms: found by their key, created on first sight.

``address_row`` is one ORM row (contacts import, a user's edit); ``address_states`` serves a
batch of messages with one query per few hundred addresses and one multi-row insert for the
new ones, which is what makes ingest fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mailmatrix.addresses.classify import AddressReport, domain_facts
from mailmatrix.addresses.parse import ParsedAddress
from mailmatrix.customers.message_read import Seen
from mailmatrix.customers.models import Address, AddressForm, Person
from mailmatrix.customers.scoping import of_tenant, row_of_tenant, run_bound, tenant_bound
from mailmatrix.customers.upsert import get_or_create, insert_missing

CHUNK = 500  # values per IN (...) list: well inside SQLite's and PostgreSQL's limits
COMPANY_KINDS = frozenset({"corporate", "role"})  # the kinds of address a company owns
T = TypeVar("T")


def address_values(parsed: ParsedAddress, report: AddressReport) -> dict[str, Any]:
    """A new row's facts. The row is the mailbox; a "+alibaba" registration variant is a form
    of it, so the row keeps the mailbox's own kind and the variant lives on the AddressForm."""
    kind = report.kind
    if kind == "platform" and report.tag:
        kind = domain_facts(parsed.domain).kind
    return {"registrable_domain": report.registrable_domain, "kind": kind,
            "provider": report.provider, "region": report.region, "role": report.role,
            "hosting": _known_hosting(report), "count_in": 0, "count_out": 0,
            "formal_count": 0}


def address_row(session: Session, parsed: ParsedAddress, report: AddressReport,
                now: datetime) -> Address:
    row = get_or_create(
        session, Address,
        {"tenant_id": session.info["tenant_id"], "canonical": report.canonical},
        {**address_values(parsed, report), "created_at": now})
    hosting = _known_hosting(report)
    if hosting and row.hosting != hosting:
        row.hosting = hosting  # learned (or changed) since the row was made
    return row


@dataclass
class AddressState:
    """What a batch of messages needs of one address row, read with plain SQL."""

    id: int
    canonical: str
    kind: str
    registrable_domain: str | None
    person_id: int | None
    company_id: int | None
    link_rule: str | None
    hosting: str | None
    signature_read_at: datetime | None
    names: list[str] = field(default_factory=list)  # display names its person is known by
    # its person's primary for formal matters: (address id, raw form), None when not chosen
    primary: tuple[int | None, str | None] = (None, None)
    forms: dict[str, int] = field(default_factory=dict)  # raw form -> id, of the forms asked


def address_states(session: Session, tenant_id: int, seen: Iterable[Seen],
                   now: datetime) -> dict[str, AddressState]:
    """The state of every address of the participants ``seen`` by canonical form, with the ids
    of the raw forms seen that exist already; rows created for new addresses and hosting
    brought up to date where the MX records have become known."""
    wanted: dict[str, tuple[ParsedAddress, AddressReport]] = {}
    raws: dict[str, set[str]] = {}
    for item in seen:  # every participant of a batch: a few lookups each
        canonical = item.canonical
        if not canonical:
            continue
        forms = raws.get(canonical)
        if forms is None:
            raws[canonical] = {item.raw}
            wanted[canonical] = (item.parsed, item.report)
            continue
        forms.add(item.raw)
        if _known_hosting(item.report):
            wanted[canonical] = (item.parsed, item.report)
    states = _load(session, tenant_id, list(wanted), raws)
    missing = [canonical for canonical in wanted if canonical not in states]
    insert_missing(session, Address, [
        {"tenant_id": tenant_id, "canonical": canonical,
         **address_values(*wanted[canonical]), "created_at": now}
        for canonical in missing], key=("tenant_id", "canonical"))
    states.update(_load(session, tenant_id, missing, {}))
    # In the order the messages named them: first sight makes persons in this order, and
    # "known before" (same-name) must mean what it means one message at a time.
    states = {canonical: states[canonical] for canonical in wanted}
    learned = [(states[canonical], hosting) for canonical, (_, report) in wanted.items()
               if (hosting := _known_hosting(report)) and states[canonical].hosting != hosting]
    if learned:
        run_bound(session, _SET_HOSTING, [{"tenant": tenant_id, "row": state.id, "hosting": hosting}
                                       for state, hosting in learned])
        for state, hosting in learned:
            state.hosting = hosting
    return states


def form_ids(session: Session, tenant_id: int, forms: dict[str, tuple[int, str | None]],
             known: dict[str, int]) -> tuple[dict[str, int], list[str]]:
    """Ids of raw forms (``raw -> (address id, tag)``), created where missing; and the raw
    forms that were new. ``known``: the ids ``address_states`` found (a form it did not find
    did not exist, or another writer is adding it: the insert skips those)."""
    found = {raw: known[raw] for raw in forms if raw in known}
    missing = [raw for raw in forms if raw not in found]
    insert_missing(session, AddressForm, [
        {"tenant_id": tenant_id, "raw": raw, "address_id": forms[raw][0], "tag": forms[raw][1],
         "count": 0} for raw in missing], key=("tenant_id", "raw"))
    found.update(_form_ids(session, tenant_id, missing))
    return found, missing


def known_canonicals(session: Session, tenant_id: int, canonicals: Sequence[str]) -> set[str]:
    """Which of these canonical forms the tenant has seen (one query)."""
    if not canonicals:
        return set()
    return set(run_bound(session, _KNOWN_CANONICALS, {
        "tenant": tenant_id, "canonicals": list(canonicals)}).scalars())


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _load(session: Session, tenant_id: int, canonicals: list[str], raws: dict[str, set[str]]
          ) -> dict[str, AddressState]:
    """The addresses' states, and the ids of their ``raws`` that exist (a row per form)."""
    states: dict[str, AddressState] = {}
    for part in chunks(canonicals):
        asked = [raw for canonical in part for raw in raws.get(canonical, ())]
        for row in run_bound(session, _STATES, {"tenant": tenant_id, "canonicals": part,
                                                "raws": asked}):
            *columns, names, primary_id, primary_raw, raw, form_id = row
            state = states.get(row.canonical)
            if state is None:
                state = states[row.canonical] = AddressState(
                    *columns, names=list(names or []), primary=(primary_id, primary_raw))
            if raw is not None:
                state.forms[raw] = form_id
    return states


def _form_ids(session: Session, tenant_id: int, raws: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(raws):
        found.update(run_bound(session, _FORM_IDS, {"tenant": tenant_id, "raws": part}).all())
    return found


def _known_hosting(report: AddressReport) -> str | None:
    return None if report.hosting in (None, "unknown") else report.hosting


_ADDRESSES = Address.__table__
_SET_HOSTING = tenant_bound(row_of_tenant(_ADDRESSES).values(hosting=bindparam("hosting")))
_STATES = tenant_bound(
    select(Address.id, Address.canonical, Address.kind, Address.registrable_domain,
           Address.person_id, Address.company_id, Address.link_rule, Address.hosting,
           Address.signature_read_at, Person.names, Person.primary_address_id,
           Person.primary_raw, AddressForm.raw, AddressForm.id)
    .outerjoin(Person, (Person.id == Address.person_id)
               & of_tenant(Person.tenant_id))
    .outerjoin(AddressForm, (AddressForm.address_id == Address.id)
               & of_tenant(AddressForm.tenant_id)
               & AddressForm.raw.in_(bindparam("raws", expanding=True)))
    .where(of_tenant(Address.tenant_id),
           Address.canonical.in_(bindparam("canonicals", expanding=True))))
_KNOWN_CANONICALS = tenant_bound(select(Address.canonical).where(
    of_tenant(Address.tenant_id),
    Address.canonical.in_(bindparam("canonicals", expanding=True))))
_FORM_IDS = tenant_bound(select(AddressForm.raw, AddressForm.id).where(
    of_tenant(AddressForm.tenant_id),
    AddressForm.raw.in_(bindparam("raws", expanding=True))))
