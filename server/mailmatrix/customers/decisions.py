"""User decisions: final, reversible, and never overridden by rules.

Every decision is appended to ``link_decisions`` with who, when, why and the state it replaced;
undo appends the inverse decision and restores that state exactly. Every user edit is also an
audit event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailmatrix.addresses.canonical import canonical_address
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.address_rows import COMPANY_KINDS
from mailmatrix.customers.audit import record_change
from mailmatrix.customers.db import Database
from mailmatrix.customers.domain_joins import suggest_domain_joins
from mailmatrix.customers.errors import DecisionError
from mailmatrix.customers.lookalikes import remember_customer_domain
from mailmatrix.customers.models import (
    Address,
    Company,
    CompanyDomain,
    DomainSuggestion,
    LinkDecision,
    Person,
    Suggestion,
)
from mailmatrix.customers.rows import person_of_tenant
from mailmatrix.customers.summaries import choose_primary
from mailmatrix.customers.upsert import get_or_create

MUST_LINK, CANNOT_LINK, UNLINK, UNDO = "must-link", "cannot-link", "unlink", "undo"


def confirm_link(database: Database, principal: Principal, address: str, person_id: int,
                 reason: str = "") -> int:
    """"This address is this person": the address joins the person, confirmed."""
    with database.session(principal.tenant_id) as session:
        row = _address(session, address)
        person_of_tenant(session, person_id, lock=True)
        before = _state(session, row)
        _move(session, row, person_id, "confirmed", "user")
        _set_suggestions(session, row.id, person_id, "accepted")
        suggest_domain_joins(session, [person_id], datetime.now(UTC))
        return _decide(session, principal, row, person_id, MUST_LINK, reason, before)


def reject_link(database: Database, principal: Principal, address: str, person_id: int,
                reason: str = "") -> int:
    """"This address is not this person": never suggested or linked again by a rule."""
    with database.session(principal.tenant_id) as session:
        row = _address(session, address)
        person_of_tenant(session, person_id, lock=True)
        before = _state(session, row)
        if row.person_id == person_id:
            _move(session, row, _new_person(session, row).id, "confirmed", "user")
        _set_suggestions(session, row.id, person_id, "rejected")
        return _decide(session, principal, row, person_id, CANNOT_LINK, reason, before)


def undo(database: Database, principal: Principal, decision_id: int, reason: str = "") -> int:
    """Append the inverse of a decision and restore the state it replaced."""
    with database.session(principal.tenant_id) as session:
        decision = session.scalars(select(LinkDecision).where(
            LinkDecision.tenant_id == principal.tenant_id,
            LinkDecision.id == decision_id)).first()
        if decision is None or decision.decision == UNDO:
            raise DecisionError(f"no decision {decision_id} to undo")
        row = session.get(Address, decision.address_id)
        if row is None:
            raise DecisionError(f"the address of decision {decision_id} no longer exists")
        current = _state(session, row)
        before = decision.before or {}
        _move(session, row, before.get("person_id"), before.get("link_state"),
              before.get("link_rule"))
        for suggestion_id, state in (before.get("suggestions") or {}).items():
            suggestion = session.get(Suggestion, int(suggestion_id))
            if suggestion is not None:
                suggestion.state = state
        new_id = _decide(session, principal, row, decision.person_id, UNDO,
                         reason or f"undo of decision {decision_id}", current)
        session.get(LinkDecision, new_id).undoes_id = decision.id  # type: ignore[union-attr]
        return new_id


def pin_primary(database: Database, principal: Principal, person_id: int,
                raw_address: str | None) -> None:
    """Pin the primary address for formal matters (None unpins and lets the rules choose)."""
    with database.session(principal.tenant_id) as session:
        # Address before person, as every decision locks them: two decisions never wait on
        # each other's second lock (no deadlock)
        row = _address(session, raw_address) if raw_address is not None else None
        person = person_of_tenant(session, person_id, lock=True)
        before = {"primary_raw": person.primary_raw, "pinned": person.primary_pinned}
        if row is None or raw_address is None:
            person.primary_pinned = False
            choose_primary(session, person.id)
        else:
            if row.person_id != person.id:
                raise DecisionError(f"{raw_address} is not an address of this person")
            person.primary_address_id, person.primary_raw = row.id, raw_address.strip()
            person.primary_pinned = True
        action = "pin-primary" if raw_address else "unpin-primary"
        record_change(session, principal, action, "person", person.id, before,
                      {"primary_raw": person.primary_raw, "pinned": person.primary_pinned})


def label_address(database: Database, principal: Principal, address: str,
                  label: str | None) -> None:
    with database.session(principal.tenant_id) as session:
        row = _address(session, address)
        cleaned = " ".join((label or "").split())[:120] or None
        record_change(session, principal, "label", "address", row.id,
                      {"label": row.label}, {"label": cleaned})
        row.label = cleaned


# -- helpers ----------------------------------------------------------------------------------

def _address(session: Session, address: str) -> Address:
    try:
        canonical = canonical_address(address).address
    except InvalidAddress as error:
        raise DecisionError(f"not an address: {error.reason}") from None
    # Locked until the decision commits: concurrent decisions on one address apply one after
    # the other, in the order the audit log records them. FOR NO KEY UPDATE (key_share): a
    # foreign-key check elsewhere (a primary pointing here) must not wait on it.
    row = session.scalars(select(Address).where(Address.tenant_id == session.info["tenant_id"],
                                                Address.canonical == canonical)
                          .with_for_update(key_share=True)).first()
    if row is None:
        raise DecisionError(f"{address} is not a known address")
    return row


def _company_of(session: Session, company_address: str) -> int:
    company_id = _address(session, company_address).company_id
    if company_id is None:
        raise DecisionError(f"{company_address} belongs to no company")
    return company_id


def _state(session: Session, row: Address) -> dict[str, Any]:
    suggestions = session.scalars(select(Suggestion).where(
        Suggestion.tenant_id == row.tenant_id, Suggestion.address_id == row.id)).all()
    return {"person_id": row.person_id, "link_state": row.link_state,
            "link_rule": row.link_rule,
            "suggestions": {str(item.id): item.state for item in suggestions}}


def _move(session: Session, row: Address, person_id: int | None, state: str | None,
          rule: str | None) -> None:
    old = row.person_id
    row.person_id, row.link_state, row.link_rule = person_id, state, rule
    session.flush()
    for affected in {old, person_id} - {None}:
        choose_primary(session, affected)  # type: ignore[arg-type]


def _new_person(session: Session, row: Address) -> Person:
    old = session.get(Person, row.person_id) if row.person_id else None
    now = datetime.now(UTC)
    person = Person(display_name=old.display_name if old else row.canonical,
                    names=list(old.names or []) if old else [], name_key="",
                    created_at=now, updated_at=now)
    session.add(person)
    session.flush()
    return person


def _set_suggestions(session: Session, address_id: int, person_id: int, state: str) -> None:
    for suggestion in session.scalars(select(Suggestion).where(
            Suggestion.tenant_id == session.info["tenant_id"],
            Suggestion.address_id == address_id, Suggestion.person_id == person_id)):
        suggestion.state = state


def _decide(session: Session, principal: Principal, row: Address, person_id: int | None,
            decision: str, reason: str, before: dict[str, Any]) -> int:
    entry = LinkDecision(user_id=principal.user_id, address_id=row.id, person_id=person_id,
                         decision=decision, reason=reason, before=before,
                         created_at=datetime.now(UTC))
    session.add(entry)
    session.flush()
    record_change(session, principal, decision, "address", row.id, before, _state(session, row))
    return entry.id


FORMAL_PURPOSES = ("quote", "proforma invoice", "purchase order", "contract", "invoice",
                   "payment", "bank details")


def set_formal_channel(database: Database, principal: Principal, purpose: str,
                       address: str | None, company_address: str) -> None:
    """Name the company's mailbox for one kind of formal matter ("POs to purchasing@"), or
    clear it with ``address=None``. The company is the one of ``company_address``."""
    if purpose not in FORMAL_PURPOSES:
        raise DecisionError(f"unknown purpose {purpose!r}; one of: {', '.join(FORMAL_PURPOSES)}")
    with database.session(principal.tenant_id) as session:
        company_id = _company_of(session, company_address)
        company = session.get(Company, company_id)
        channels = dict(company.formal_channels or {})  # type: ignore[union-attr]
        before = dict(channels)
        if address is None:
            channels.pop(purpose, None)
        else:
            row = _address(session, address)
            if row.company_id != company_id:
                raise DecisionError(f"{address} is not a mailbox of that company")
            channels[purpose] = row.canonical
        company.formal_channels = channels  # type: ignore[union-attr]
        record_change(session, principal, "formal-channel", "company", company_id,
                      before, channels)


def join_company_domain(database: Database, principal: Principal, domain: str,
                        company_address: str) -> None:
    """"This domain belongs to that company too" (a second brand, a subsidiary's domain)."""
    with database.session(principal.tenant_id) as session:
        company_id = _company_of(session, company_address)
        name = domain.strip().lower()
        link = session.scalars(select(CompanyDomain).where(
            CompanyDomain.tenant_id == principal.tenant_id,
            CompanyDomain.domain == name)).first()
        before = {"company_id": link.company_id if link else None}
        if link is None:
            link = CompanyDomain(domain=name, company_id=company_id)
            session.add(link)
            session.flush()
            remember_customer_domain(session, principal.tenant_id, name, link.id)
        else:
            link.company_id = company_id
        for row in session.scalars(select(Address).where(
                Address.tenant_id == principal.tenant_id, Address.registrable_domain == name,
                Address.kind.in_(COMPANY_KINDS))):
            row.company_id = company_id
            person = session.get(Person, row.person_id) if row.person_id else None
            if person is not None:
                person.company_id = company_id
        _answer_domain_suggestion(session, name, company_id, "accepted")
        record_change(session, principal, "join-company-domain", "company", company_id,
                      before, {"domain": name, "company_id": company_id})


def keep_domain_apart(database: Database, principal: Principal, domain: str,
                      company_address: str) -> None:
    """"This domain is not that company's": the suggestion is never made again."""
    with database.session(principal.tenant_id) as session:
        company_id = _company_of(session, company_address)
        name = domain.strip().lower()
        _answer_domain_suggestion(session, name, company_id, "rejected")
        record_change(session, principal, "keep-domain-apart", "company", company_id,
                      {}, {"domain": name, "company_id": company_id})


def _answer_domain_suggestion(session: Session, domain: str, company_id: int,
                              state: str) -> None:
    suggestion = get_or_create(
        session, DomainSuggestion,
        {"tenant_id": session.info["tenant_id"], "domain": domain, "company_id": company_id},
        {"reasons": ["decided by you"], "state": state, "created_at": datetime.now(UTC)})
    suggestion.state = state
