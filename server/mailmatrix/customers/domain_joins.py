"""``company-second-domain``: one person seen writing from the domains of two companies.

The second domain may be the same company's (a brand, a subsidiary, the domain after a
rebrand) or the person changed jobs: only the user can tell, so it is suggested, never done.
The suggestion proposes that the other domain join the person's own company; the user's
answer stays (a rejected pair is never offered again).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mailmatrix.customers.address_rows import chunks
from mailmatrix.customers.models import Address, Company, DomainSuggestion, Person
from mailmatrix.customers.scoping import of_tenant, run_bound, tenant_bound
from mailmatrix.customers.upsert import insert_missing


def suggest_domain_joins(session: Session, person_ids: Iterable[int], now: datetime) -> None:
    tenant_id = session.info["tenant_id"]
    for part in chunks(sorted(set(person_ids))):
        seen: dict[int, dict[int, str]] = defaultdict(dict)  # person -> company -> a domain
        home: dict[int, tuple[int | None, str]] = {}
        for person, home_company, name, company, domain in run_bound(
                session, _COMPANIES_OF_PERSONS, {"tenant": tenant_id, "ids": list(part)}):
            seen[person].setdefault(company, domain)
            home[person] = (home_company, name)
        offers = []
        for person, companies in seen.items():
            if len(companies) < 2:
                continue
            own, name = home[person]
            own = own if own in companies else next(iter(companies))
            names = _company_names(session, tenant_id, list(companies))
            for company, domain in companies.items():
                if company == own:
                    continue
                offers.append({
                    "tenant_id": tenant_id, "domain": domain, "company_id": own,
                    "reasons": [f"{name} writes from {companies[own]} and from {domain}",
                                f"{domain} may belong to {names.get(own, companies[own])} "
                                "(a brand or subsidiary), or the person changed jobs"],
                    "state": "open", "created_at": now})
        insert_missing(session, DomainSuggestion, offers,
                       key=("tenant_id", "domain", "company_id"))


def _company_names(session: Session, tenant_id: int, ids: list[int]) -> dict[int, str]:
    return dict(run_bound(session, _COMPANY_NAMES, {"tenant": tenant_id, "ids": ids}).all())


# Built once: building a statement costs about as much as running it
_COMPANIES_OF_PERSONS = tenant_bound(
    select(Address.person_id, Person.company_id, Person.display_name, Address.company_id,
           Address.registrable_domain)
    .join(Person, (Person.id == Address.person_id)
          & of_tenant(Person.tenant_id))
    .where(of_tenant(Address.tenant_id),
           Address.person_id.in_(bindparam("ids", expanding=True)),
           Address.company_id.is_not(None), Address.kind == "corporate")
    .order_by(Address.id))
_COMPANY_NAMES = tenant_bound(select(Company.id, Company.name).where(
    of_tenant(Company.tenant_id), Company.id.in_(bindparam("ids", expanding=True))))
