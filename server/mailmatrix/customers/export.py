"""``mailmatrix export --json``: persons with their addresses, and open suggestions apart."""

from __future__ import annotations

from sqlalchemy import select

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.models import Address, Company, Person, Suggestion


def export_graph(database: Database, principal: Principal) -> dict[str, list[dict]]:
    tenant_id = principal.tenant_id
    with database.session(tenant_id) as session:
        companies = {company.id: company.name for company in session.scalars(
            select(Company).where(Company.tenant_id == tenant_id))}
        addresses: dict[int, list[Address]] = {}
        for row in session.scalars(select(Address).where(
                Address.tenant_id == tenant_id, Address.person_id.is_not(None))
                .order_by(Address.id)):
            addresses.setdefault(row.person_id, []).append(row)  # type: ignore[arg-type]
        persons = []
        for person in session.scalars(select(Person).where(Person.tenant_id == tenant_id)
                                      .order_by(Person.id)):
            if person.id not in addresses:
                continue  # left empty when the user moved its address to someone else
            persons.append({
                "id": person.id,
                "names": list(person.names or []) or [person.display_name],
                "company": companies.get(person.company_id) if person.company_id else None,
                "addresses": [{"address": row.canonical, "kind": row.kind, "label": row.label,
                               "primary": person.primary_address_id == row.id,
                               "link_state": row.link_state}
                              for row in addresses.get(person.id, [])],
            })
        canonical = {row.id: row.canonical for row in session.scalars(
            select(Address).where(Address.tenant_id == tenant_id))}
        suggestions = [{"address": canonical.get(item.address_id, ""),
                        "person_id": item.person_id, "confidence": item.confidence,
                        "reasons": list(item.reasons or [])}
                       for item in session.scalars(select(Suggestion).where(
                           Suggestion.tenant_id == tenant_id, Suggestion.state == "open")
                           .order_by(Suggestion.id))]
    return {"persons": persons, "suggestions": suggestions}
