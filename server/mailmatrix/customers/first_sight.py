"""First sight of new addresses, a whole batch at once.

- ``company-domain``: a corporate or role address belongs to the company of its registrable
  domain, created on first sight unless the domain imitates a customer's (free-mail,
  encrypted, regional and disposable domains never make a company: they are not corporate).
- ``plus-address``: tried first for ``a+tag@`` addresses (see ``linking``).
- ``first-seen``: any other new personal address starts a person of its own, named by its
  display name; a person already known under the same name is offered (``same-name``).

One multi-row insert per kind of row instead of one round trip per address: this is the part
of ingest that a fresh mailbox exercises most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.addresses.lookalike import LookalikeIndex
from mailmatrix.customers import linking
from mailmatrix.customers.address_rows import COMPANY_KINDS, AddressState, chunks
from mailmatrix.customers.lookalikes import customer_domain_index, remember_customer_domain
from mailmatrix.customers.models import Address, Company, CompanyDomain, Person
from mailmatrix.customers.name_key import name_key
from mailmatrix.customers.same_name import suggest_same_names
from mailmatrix.customers.scoping import row_of_tenant, run_bound, tenant_bound
from mailmatrix.customers.upsert import insert_missing


def link_first_sight(session: Session, tenant_id: int, states: Sequence[AddressState],
                     names: dict[str, str], now: datetime, owner: int | None = None
                     ) -> tuple[set[int], set[int]]:
    """Companies and persons for the addresses of ``states`` that have none yet (``names``:
    the display name each was first seen with). A new person is owned by ``owner``, the user
    whose mail brought them in (an admin reassigns). Returns the persons and companies made
    or joined, whose summaries must be brought up to date."""
    companies = _attach_companies(session, tenant_id, states, now)
    waiting = [state for state in states if state.kind != "role" and state.person_id is None]
    plus = [state for state in waiting if linking.may_be_plus_address(state)]
    persons = _new_persons(session, tenant_id, [s for s in waiting if s not in plus], names, now,
                           owner)
    for state in plus:  # after the others: the base mailbox may be new in this batch too
        row = session.get(Address, state.id)
        if row is not None and linking.link_plus_address(session, row):
            state.person_id, state.link_rule = row.person_id, row.link_rule
            persons.add(row.person_id)  # type: ignore[arg-type]
    persons |= _new_persons(session, tenant_id,
                            [s for s in plus if s.person_id is None], names, now, owner)
    return persons, companies


def _attach_companies(session: Session, tenant_id: int, states: Sequence[AddressState],
                      now: datetime) -> set[int]:
    homeless = [state for state in states if state.kind in COMPANY_KINDS
                and state.company_id is None and state.registrable_domain]
    if not homeless:
        return set()
    domains = list(dict.fromkeys(state.registrable_domain or "" for state in homeless))
    owners = {domain: company for domain, (company, _) in
              _domain_links(session, tenant_id, domains).items()}
    index = customer_domain_index(session, tenant_id)
    # One at a time against the index: of two new lookalike domains in one batch, the first
    # becomes a customer and the second is then caught imitating it.
    fresh = []
    for domain in domains:
        if domain not in owners and not _imitates(index, domain):
            index.add(domain)
            fresh.append(domain)
    owners.update(_new_companies(session, tenant_id, fresh, now))
    joining = [(state, owners[state.registrable_domain or ""]) for state in homeless
               if state.registrable_domain in owners]
    if joining:
        run_bound(session, _SET_COMPANY, [{"tenant": tenant_id, "row": state.id, "company": company}
                                       for state, company in joining])
        for state, company in joining:
            state.company_id = company
        employed = [{"tenant": tenant_id, "row": state.person_id, "company": company}
                    for state, company in joining if state.person_id is not None]
        if employed:  # known people whose domain has only now become a customer's
            run_bound(session, _SET_PERSON_COMPANY, employed)
    return {company for _, company in joining}


def _imitates(index: LookalikeIndex, domain: str) -> bool:
    try:
        return index.check(domain) is not None
    except InvalidAddress:
        return True  # not a usable domain name: no company either


def _new_companies(session: Session, tenant_id: int, domains: list[str], now: datetime
                   ) -> dict[str, int]:
    """A company per new domain; where another writer named a domain's company first, its
    company is the one (ours is removed again)."""
    if not domains:
        return {}
    made = session.execute(
        insert(Company.__table__).returning(Company.__table__.c.id,
                                            sort_by_parameter_order=True),
        [{"tenant_id": tenant_id, "name": domain, "formal_channels": {}, "created_at": now,
          "updated_at": now} for domain in domains]).scalars().all()
    ours = dict(zip(domains, made, strict=True))
    insert_missing(session, CompanyDomain, [
        {"tenant_id": tenant_id, "domain": domain, "company_id": company}
        for domain, company in ours.items()], key=("tenant_id", "domain"))
    owners = _domain_links(session, tenant_id, domains)
    lost = [company for domain, company in ours.items() if owners[domain][0] != company]
    if lost:
        session.execute(delete(Company).where(Company.tenant_id == tenant_id,
                                              Company.id.in_(lost)))
    for domain, (_, link_id) in owners.items():
        remember_customer_domain(session, tenant_id, domain, link_id)  # protected from now on
    return {domain: company for domain, (company, _) in owners.items()}


def _domain_links(session: Session, tenant_id: int, domains: list[str]
                  ) -> dict[str, tuple[int, int]]:
    """domain -> (its company, the id of the company-domain link)."""
    links: dict[str, tuple[int, int]] = {}
    for part in chunks(domains):
        for domain, company, link_id in session.execute(
                select(CompanyDomain.domain, CompanyDomain.company_id, CompanyDomain.id).where(
                    CompanyDomain.tenant_id == tenant_id, CompanyDomain.domain.in_(part))):
            links[domain] = (company, link_id)
    return links


def _new_persons(session: Session, tenant_id: int, states: list[AddressState],
                 names: dict[str, str], now: datetime, owner: int | None) -> set[int]:
    """``first-seen``: a person for each address, then ``same-name`` offers for those whose
    name an earlier person already has."""
    if not states:
        return set()
    rows = []
    for state in states:
        name = names.get(state.canonical, "")
        rows.append({"tenant_id": tenant_id, "display_name": name or state.canonical,
                     "names": [name] if name else [], "name_key": name_key(name),
                     "company_id": state.company_id, "owner_user_id": owner,
                     "created_at": now, "updated_at": now})
    made = session.execute(
        insert(Person.__table__).returning(Person.__table__.c.id, sort_by_parameter_order=True),
        rows).scalars().all()
    run_bound(session, _SET_PERSON, [{"tenant": tenant_id, "row": state.id, "person": person}
                                  for state, person in zip(states, made, strict=True)])
    for state, person, row in zip(states, made, rows, strict=True):
        state.person_id, state.link_rule, state.names = person, "first-seen", row["names"]
    suggest_same_names(session, [
        (state, _NewPerson(person, row["name_key"], row["display_name"]))
        for state, person, row in zip(states, made, rows, strict=True)], now)
    return set(made)


@dataclass(frozen=True)
class _NewPerson:
    id: int
    name_key: str
    display_name: str


_ADDRESSES = Address.__table__
_SET_COMPANY = tenant_bound(row_of_tenant(_ADDRESSES).values(company_id=bindparam("company")))
_PERSONS = Person.__table__
_SET_PERSON_COMPANY = tenant_bound(
    row_of_tenant(_PERSONS).where(_PERSONS.c.company_id.is_(None))
    .values(company_id=bindparam("company")))
_SET_PERSON = tenant_bound(row_of_tenant(_ADDRESSES).values(
    person_id=bindparam("person"), link_state="auto", link_rule="first-seen"))
