"""Find a person by name or address: the "link this sender to an existing person" search."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.access import fully_visible
from mailmatrix.customers.db import Database
from mailmatrix.customers.models import Address, Company, Person
from mailmatrix.customers.name_key import fold_words

MAX_QUERY = 100
_WORDS = re.compile(r"[\s,;]+")
SHOWN_ADDRESSES = 3


@dataclass(frozen=True)
class PersonMatch:
    id: int
    name: str
    company: str | None
    addresses: tuple[str, ...]


def search_people(database: Database, principal: Principal, query: str, *, limit: int = 8,
                  exclude_person: int | None = None) -> tuple[PersonMatch, ...]:
    """Persons with an address that starts with ``query``, or whose name holds every word of
    it (as written or folded: "muller" finds "Jörg Müller"), by name."""
    text = query.strip()[:MAX_QUERY]
    words = [(word, "".join(fold_words(word))) for word in _WORDS.split(text.lower()) if word]
    if not words:
        return ()
    with database.reading(principal.tenant_id) as session:
        by_name = select(Person.id).where(Person.tenant_id == principal.tenant_id)
        for word, folded in words:
            by_name = by_name.where(func.lower(Person.display_name).contains(
                word, autoescape=True) | Person.name_key.contains(folded, autoescape=True))
        by_address = select(Address.person_id).where(
            Address.tenant_id == principal.tenant_id, Address.person_id.is_not(None),
            Address.canonical.startswith(text.lower(), autoescape=True))
        ids = [person_id for (person_id,) in session.execute(
            by_address.union(by_name).limit(limit + 1))]
        ids = [person_id for person_id in ids if person_id != exclude_person][:limit]
        if not ids:
            return ()
        persons = session.execute(
            select(Person.id, Person.display_name, Company.name)
            .outerjoin(Company, Company.id == Person.company_id)
            .where(Person.tenant_id == principal.tenant_id, Person.id.in_(ids))
            .order_by(Person.display_name)).all()
        addresses: dict[int, list[str]] = {person_id: [] for person_id in ids}
        for person_id, canonical in session.execute(
                select(Address.person_id, Address.canonical)
                .where(Address.tenant_id == principal.tenant_id, Address.person_id.in_(ids))
                .order_by(Address.last_seen.desc())):
            if len(addresses[person_id]) < SHOWN_ADDRESSES:
                addresses[person_id].append(canonical)
        # A colleague's customer under the owner policy: who, not their addresses
        visible = fully_visible(session, principal, ids)
        return tuple(PersonMatch(id=person_id, name=name, company=company,
                                 addresses=tuple(addresses[person_id])
                                 if person_id in visible else ())
                     for person_id, name, company in persons)
