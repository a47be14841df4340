"""What persons and companies carry about themselves, kept up to date in bulk: the primary
address for formal matters (its reason is told from the live counts, see ``profile``) and the
customer type with its reason.

A few queries per batch, whatever its size, and a write only where something changed. ORM
objects of the rows written are expired, so a caller holding one reads the new values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from mailmatrix.customers.address_rows import chunks
from mailmatrix.customers.customer_type import CompanyStats, company_type, individual_type
from mailmatrix.customers.models import Address, AddressForm, Company, CompanyDomain, Person
from mailmatrix.customers.primary import (
    best_address,
    is_candidate,
    preferred_form,
)
from mailmatrix.customers.scoping import of_tenant, row_of_tenant, run_bound, tenant_bound


def choose_primary(session: Session, person_id: int) -> None:
    update_primaries(session, [person_id])


def update_primaries(session: Session, person_ids: Iterable[int]) -> None:
    tenant_id = session.info["tenant_id"]
    for part in chunks(sorted(set(person_ids))):
        given = {"tenant": tenant_id, "ids": list(part)}
        persons = {row.id: row for row in run_bound(session, _PRIMARIES, given)}
        candidates: dict[int, list[Any]] = defaultdict(list)
        owned: dict[int, set[int]] = defaultdict(set)
        for row in run_bound(session, _ADDRESSES_OF_PERSONS, given):
            owned[row.person_id].add(row.id)
            if is_candidate(row):
                candidates[row.person_id].append(row)
        # A primary whose address has left the person (linked elsewhere, erased) goes, a pin
        # on it too: it would name an address that is no longer theirs.
        gone = {person for person, held in persons.items()
                if held.primary_address_id is not None
                and held.primary_address_id not in owned[person]}
        best = {person: best_address(rows) for person, rows in candidates.items()
                if person in persons and (person in gone or not persons[person].primary_pinned)}
        forms = _forms_of(session, tenant_id, [row.id for row in best.values()])
        changes = [{"tenant": tenant_id, "row": person, "address": None, "raw": None}
                   for person in gone if person not in best]
        for person, row in best.items():
            choice = (row.id, preferred_form(row, forms[row.id]))
            held = persons[person]
            if (held.primary_address_id, held.primary_raw) != choice:
                changes.append({"tenant": tenant_id, "row": person, "address": choice[0],
                                "raw": choice[1]})
        if gone:
            run_bound(session, _UNPIN, {"tenant": tenant_id, "ids": list(gone)})
            _expire(session, Person, gone)
        _write(session, _SET_PRIMARY, Person, changes)


def update_customer_types(session: Session, person_ids: Iterable[int],
                          company_ids: Iterable[int]) -> None:
    """Companies first: a person at a company is the company's type."""
    tenant_id = session.info["tenant_id"]
    changes = []
    for part in chunks(sorted(set(company_ids))):
        stats = _company_stats(session, tenant_id, part)
        for company, (kind, reason) in ((c, company_type(s)) for c, s in stats.items()):
            changes.append({"tenant": tenant_id, "row": company, "kind": kind,
                            "reason": reason})
    _write(session, _SET_COMPANY_TYPE, Company, changes)
    changes = []
    for part in chunks(sorted(set(person_ids))):
        employed = dict(run_bound(session, _EMPLOYERS, {"tenant": tenant_id,
                                                         "ids": list(part)}).all())
        companies = {row.id: row for row in run_bound(session, _COMPANY_TYPES, {
            "tenant": tenant_id, "ids": list(set(employed.values()))})}
        for person, company_id in employed.items():
            company = companies.get(company_id)
            if company is not None:
                changes.append({"tenant": tenant_id, "row": person,
                                "kind": company.customer_type, "reason":
                                f"works at {company.name}: {company.customer_type_reason}"})
        providers: dict[int, list[str | None]] = defaultdict(list)
        for person, provider in run_bound(session, _PROVIDERS, {
                "tenant": tenant_id, "ids": [p for p in part if p not in employed]}):
            providers[person].append(provider)
        for person, names in providers.items():
            kind, reason = individual_type(names)
            changes.append({"tenant": tenant_id, "row": person, "kind": kind,
                            "reason": reason})
    _write(session, _SET_PERSON_TYPE, Person, changes)


def _company_stats(session: Session, tenant_id: int, company_ids: Any
                   ) -> dict[int, CompanyStats]:
    given = {"tenant": tenant_id, "ids": list(company_ids)}
    addresses: dict[int, list[Any]] = defaultdict(list)
    for row in run_bound(session, _COMPANY_ADDRESSES, given):
        addresses[row.company_id].append(row)
    domains = dict(run_bound(session, _DOMAIN_COUNTS, given).all())
    stats = {}
    for company in company_ids:
        rows = addresses.get(company, [])
        boxes = [row for row in rows if row.role and row.person_id is None]
        stats[company] = CompanyStats(
            people=len({row.person_id for row in rows if row.person_id is not None}),
            role_mailboxes=len(boxes), departments=len({row.role for row in boxes}),
            domains=domains.get(company, 0),
            hosting=next((row.hosting for row in rows if row.hosting), None))
    return stats


def _forms_of(session: Session, tenant_id: int, address_ids: list[int]
              ) -> dict[int, list[Any]]:
    forms: dict[int, list[Any]] = defaultdict(list)
    for part in chunks(address_ids):
        for row in run_bound(session, _FORMS_OF, {"tenant": tenant_id, "ids": list(part)}):
            forms[row.address_id].append(row)
    return forms


def _write(session: Session, statement: Any, model: type, changes: list[dict]) -> None:
    if not changes:
        return
    run_bound(session, statement, changes)
    _expire(session, model, {change["row"] for change in changes})


def _expire(session: Session, model: type, written: set[int]) -> None:
    """Rows written past the ORM: a caller holding one reads the new values."""
    for held in list(session.identity_map.values()):
        if isinstance(held, model) and held.id in written:
            session.expire(held)


def _ids(column: Any) -> Any:
    return column.in_(bindparam("ids", expanding=True))


# The statements, built once (building one costs about as much as running it)
_SET_PRIMARY = tenant_bound(row_of_tenant(Person.__table__).values(
    primary_address_id=bindparam("address"), primary_raw=bindparam("raw")))
_SET_PERSON_TYPE = tenant_bound(row_of_tenant(Person.__table__).values(
    customer_type=bindparam("kind"), customer_type_reason=bindparam("reason")))
_SET_COMPANY_TYPE = tenant_bound(row_of_tenant(Company.__table__).values(
    customer_type=bindparam("kind"), customer_type_reason=bindparam("reason")))
_UNPIN = tenant_bound(update(Person.__table__).where(
    of_tenant(Person.tenant_id), _ids(Person.id)).values(primary_pinned=False))
_PRIMARIES = tenant_bound(
    select(Person.id, Person.primary_pinned, Person.primary_address_id, Person.primary_raw)
    .where(of_tenant(Person.tenant_id), _ids(Person.id)))
_ADDRESSES_OF_PERSONS = tenant_bound(
    select(Address.id, Address.person_id, Address.kind, Address.canonical,
           Address.formal_count, Address.last_seen)
    .where(of_tenant(Address.tenant_id), _ids(Address.person_id)))
_FORMS_OF = tenant_bound(
    select(AddressForm.address_id, AddressForm.raw, AddressForm.tag, AddressForm.count)
    .where(of_tenant(AddressForm.tenant_id), _ids(AddressForm.address_id)))
_EMPLOYERS = tenant_bound(select(Person.id, Person.company_id).where(
    of_tenant(Person.tenant_id), _ids(Person.id), Person.company_id.is_not(None)))
_COMPANY_TYPES = tenant_bound(
    select(Company.id, Company.name, Company.customer_type, Company.customer_type_reason)
    .where(of_tenant(Company.tenant_id), _ids(Company.id)))
_PROVIDERS = tenant_bound(select(Address.person_id, Address.provider).where(
    of_tenant(Address.tenant_id), _ids(Address.person_id)))
_COMPANY_ADDRESSES = tenant_bound(
    select(Address.company_id, Address.person_id, Address.role, Address.hosting)
    .where(of_tenant(Address.tenant_id), _ids(Address.company_id)))
_DOMAIN_COUNTS = tenant_bound(
    select(CompanyDomain.company_id, func.count(CompanyDomain.id))
    .where(of_tenant(CompanyDomain.tenant_id), _ids(CompanyDomain.company_id))
    .group_by(CompanyDomain.company_id))
