"""What waits for the user's decision, and what they decided lately (``mailmatrix decide
list``; the panel shows the same per sender)."""

from __future__ import annotations

from sqlalchemy import select

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.models import (
    Address,
    Company,
    DomainSuggestion,
    LinkDecision,
    Person,
    Suggestion,
)


def pending_decisions(database: Database, principal: Principal, recent: int = 20
                      ) -> dict[str, list[dict[str, object]]]:
    tenant_id = principal.tenant_id
    with database.session(tenant_id) as session:
        links = session.execute(
            select(Suggestion, Address.canonical, Person.display_name)
            .join(Address, (Address.id == Suggestion.address_id)
                  & (Address.tenant_id == tenant_id))
            .join(Person, (Person.id == Suggestion.person_id) & (Person.tenant_id == tenant_id))
            .where(Suggestion.tenant_id == tenant_id, Suggestion.state == "open")
            .order_by(Suggestion.confidence.desc(), Suggestion.id)).all()
        domains = session.execute(
            select(DomainSuggestion, Company.name)
            .join(Company, (Company.id == DomainSuggestion.company_id)
                  & (Company.tenant_id == tenant_id))
            .where(DomainSuggestion.tenant_id == tenant_id, DomainSuggestion.state == "open")
            .order_by(DomainSuggestion.id)).all()
        decided = session.execute(
            select(LinkDecision, Address.canonical)
            .join(Address, (Address.id == LinkDecision.address_id)
                  & (Address.tenant_id == tenant_id))
            .where(LinkDecision.tenant_id == tenant_id)
            .order_by(LinkDecision.id.desc()).limit(recent)).all()
        return {
            "links": [{"address": address, "person_id": item.person_id, "person": name,
                       "rule": item.rule, "confidence": item.confidence,
                       "reasons": list(item.reasons or [])} for item, address, name in links],
            "domains": [{"domain": item.domain, "company_id": item.company_id,
                         "company": company, "reasons": list(item.reasons or [])}
                        for item, company in domains],
            "decisions": [{"id": item.id, "decision": item.decision, "address": address,
                           "person_id": item.person_id, "reason": item.reason,
                           "undoes": item.undoes_id, "at": item.created_at.isoformat()}
                          for item, address in decided],
        }
