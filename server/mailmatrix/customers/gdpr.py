"""Data about people, handled lawfully: export everything stored about a person, erase it (with
a suppression entry so their addresses are not learned again until an admin lifts it), and
prune observations older than the tenant's retention. Message bodies are never stored, so
there are none to export or erase.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from mailmatrix.addresses.canonical import canonical_address
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.audit import record_change
from mailmatrix.customers.db import Database, iso_utc
from mailmatrix.customers.errors import AccessDenied, DecisionError
from mailmatrix.customers.models import (
    Address,
    AddressForm,
    AuditEvent,
    Company,
    LinkDecision,
    Note,
    Observation,
    Participant,
    Person,
    PersonPhone,
    Share,
    Suggestion,
    Suppression,
    Tenant,
)
from mailmatrix.customers.rows import person_of_tenant

PRUNE_BATCH = 2000  # observations per transaction: a cron job never holds long locks
REDACTED = {"redacted": "erased at the person's request"}


# -- suppression ------------------------------------------------------------------------------

def suppression_hash(key: str, canonical: str) -> str:
    return hmac.new(bytes.fromhex(key), canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def suppression_hashes(session: Session, tenant_id: int) -> frozenset[str]:
    """The suppressed addresses' keyed hashes (read when the tenant has a key: something was
    once erased)."""
    return frozenset(session.scalars(select(Suppression.address_hash).where(
        Suppression.tenant_id == tenant_id)))


def lift_suppression(database: Database, principal: Principal, address: str) -> bool:
    """An admin allows an erased address to be learned again; False when it was not
    suppressed."""
    _require_admin(principal)
    canonical = _canonical(address)
    with database.session(principal.tenant_id) as session:
        key = session.scalar(select(Tenant.suppression_key).where(
            Tenant.id == principal.tenant_id))
        if not key:
            return False
        found = session.scalar(select(Suppression).where(
            Suppression.tenant_id == principal.tenant_id,
            Suppression.address_hash == suppression_hash(key, canonical)))
        if found is None:
            return False
        session.delete(found)
        record_change(session, principal, "lift-suppression", "suppression", found.id, {}, {})
        return True


# -- export -----------------------------------------------------------------------------------

def export_person(database: Database, principal: Principal, person_id: int) -> dict[str, Any]:
    """Everything stored about a person, machine-readable (an admin answers an access
    request): the person, their company, addresses and the forms seen, phones, every
    message they took part in (headers we learned from: never bodies), link decisions,
    suggestions, notes and the audit trail about them."""
    _require_admin(principal)
    with database.reading(principal.tenant_id) as session:
        person = person_of_tenant(session, person_id)
        addresses = list(session.scalars(select(Address).where(
            Address.tenant_id == principal.tenant_id, Address.person_id == person.id)))
        ids = [row.id for row in addresses]
        company = session.get(Company, person.company_id) if person.company_id else None
        return {
            "exported_at": datetime.now(UTC).isoformat(),
            "person": {"id": person.id, "display_name": person.display_name,
                       "names": list(person.names or []), "customer_type": person.customer_type,
                       "owner_user_id": person.owner_user_id,
                       "primary": person.primary_raw, "created_at": iso_utc(person.created_at)},
            "company": {"id": company.id, "name": company.name} if company else None,
            "addresses": [_address_export(session, row) for row in addresses],
            "phones": [{"e164": phone.e164, "kind": phone.kind} for phone in session.scalars(
                select(PersonPhone).where(PersonPhone.tenant_id == principal.tenant_id,
                                          PersonPhone.person_id == person.id))],
            "messages": _messages_export(session, principal.tenant_id, ids),
            "link_decisions": [
                {"address_id": row.address_id, "person_id": row.person_id,
                 "decision": row.decision, "reason": row.reason,
                 "at": iso_utc(row.created_at)} for row in session.scalars(
                    select(LinkDecision).where(LinkDecision.tenant_id == principal.tenant_id,
                                               _about(LinkDecision, ids, person.id)))],
            "suggestions": [
                {"address_id": row.address_id, "person_id": row.person_id, "rule": row.rule,
                 "confidence": row.confidence, "reasons": list(row.reasons or []),
                 "state": row.state} for row in session.scalars(
                    select(Suggestion).where(Suggestion.tenant_id == principal.tenant_id,
                                             _about(Suggestion, ids, person.id)))],
            "notes": [{"text": note.text, "visibility": note.visibility,
                       "author_user_id": note.author_user_id, "at": iso_utc(note.created_at)}
                      for note in session.scalars(select(Note).where(
                          Note.tenant_id == principal.tenant_id, Note.person_id == person.id))],
            "audit": [{"action": event.action, "subject_type": event.subject_type,
                       "subject_id": event.subject_id, "before": event.before,
                       "after": event.after, "user_id": event.user_id,
                       "at": iso_utc(event.created_at)}
                      for event in session.scalars(_audit_about(principal.tenant_id, ids,
                                                                person.id))],
        }


def _address_export(session: Session, row: Address) -> dict[str, Any]:
    forms = session.scalars(select(AddressForm).where(AddressForm.tenant_id == row.tenant_id,
                                                      AddressForm.address_id == row.id))
    return {"id": row.id, "address": row.canonical, "kind": row.kind,
            "provider": row.provider, "label": row.label, "link_state": row.link_state,
            "first_seen": iso_utc(row.first_seen), "last_seen": iso_utc(row.last_seen),
            "messages_from": row.count_in, "messages_to": row.count_out,
            "forms": [{"raw": form.raw, "tag": form.tag, "count": form.count} for form in forms]}


def _messages_export(session: Session, tenant_id: int, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    found = session.execute(
        select(Observation, Participant.role, Participant.display_name)
        .join(Participant, Participant.observation_id == Observation.id)
        .where(Observation.tenant_id == tenant_id, Participant.tenant_id == tenant_id,
               Participant.address_id.in_(ids))
        .order_by(Observation.sent_at)).all()
    return [{"message_id": observation.message_key, "sent_at": iso_utc(observation.sent_at),
             "direction": observation.direction, "their_role": role, "display_name": name,
             "authentication": observation.auth_result,
             "formal_matters": list(observation.formal_kinds or [])}
            for observation, role, name in found]


# -- erasure ----------------------------------------------------------------------------------

def erase_person(database: Database, principal: Principal, person_id: int) -> dict[str, int]:
    """Every row about the person goes: addresses and their forms, phones, the messages they
    sent (and their part in others), link decisions, suggestions, notes, shares; audit
    payloads about them are redacted; their addresses are suppressed. One transaction."""
    _require_admin(principal)
    with database.session(principal.tenant_id) as session:
        tenant = principal.tenant_id
        person = person_of_tenant(session, person_id)
        addresses = list(session.scalars(select(Address).where(
            Address.tenant_id == tenant, Address.person_id == person.id)))
        ids = [row.id for row in addresses]
        key = _suppression_key(session, tenant)
        for row in addresses:
            digest = suppression_hash(key, row.canonical)
            if session.scalar(select(Suppression.id).where(
                    Suppression.tenant_id == tenant, Suppression.address_hash == digest)) is None:
                session.add(Suppression(address_hash=digest, created_by=principal.user_id,
                                        created_at=datetime.now(UTC)))
        counts = _delete_rows(session, tenant, person.id, ids)
        session.execute(update(AuditEvent).where(
            AuditEvent.id.in_(select(_audit_about(tenant, ids, person.id).subquery().c.id)))
            .values(before=REDACTED, after=REDACTED))
        record_change(session, principal, "erase-person", "person", person.id, {},
                      {"addresses": len(ids), **counts})
        return {"addresses": len(ids), **counts}


def _delete_rows(session: Session, tenant: int, person_id: int, ids: list[int]
                 ) -> dict[str, int]:
    counts: dict[str, int] = {}
    if ids:
        sent = select(Observation.id).where(Observation.tenant_id == tenant,
                                            Observation.sender_address_id.in_(ids))
        session.execute(delete(Participant).where(
            Participant.tenant_id == tenant,
            or_(Participant.address_id.in_(ids), Participant.observation_id.in_(sent))))
        counts["messages"] = session.execute(delete(Observation).where(
            Observation.tenant_id == tenant, Observation.id.in_(sent))).rowcount or 0
        session.execute(update(Observation).where(
            Observation.tenant_id == tenant, Observation.reply_to_address_id.in_(ids))
            .values(reply_to_address_id=None))
        session.execute(delete(AddressForm).where(AddressForm.tenant_id == tenant,
                                                  AddressForm.address_id.in_(ids)))
    decisions = select(LinkDecision.id).where(LinkDecision.tenant_id == tenant,
                                              _about(LinkDecision, ids, person_id))
    session.execute(update(LinkDecision).where(
        LinkDecision.tenant_id == tenant, LinkDecision.undoes_id.in_(decisions))
        .values(undoes_id=None))
    counts["link_decisions"] = session.execute(delete(LinkDecision).where(
        LinkDecision.tenant_id == tenant, LinkDecision.id.in_(decisions))).rowcount or 0
    session.execute(delete(Suggestion).where(Suggestion.tenant_id == tenant,
                                             _about(Suggestion, ids, person_id)))
    counts["notes"] = session.execute(delete(Note).where(
        Note.tenant_id == tenant, Note.person_id == person_id)).rowcount or 0
    for model in (Share, PersonPhone):
        session.execute(delete(model).where(model.tenant_id == tenant,
                                            model.person_id == person_id))
    # Anyone still pointing at these addresses as their primary lets go of them first
    session.execute(update(Person).where(
        Person.tenant_id == tenant,
        or_(Person.id == person_id, Person.primary_address_id.in_(ids) if ids else False))
        .values(primary_address_id=None, primary_raw=None, primary_pinned=False))
    if ids:
        session.execute(delete(Address).where(Address.tenant_id == tenant, Address.id.in_(ids)))
    session.execute(delete(Person).where(Person.tenant_id == tenant, Person.id == person_id))
    return counts


# -- retention --------------------------------------------------------------------------------

def prune_observations(database: Database, tenant_id: int, now: datetime | None = None
                       ) -> int:
    """Observations older than the tenant's retention (months), in small transactions; safe to
    run from cron (idempotent; a tenant without retention keeps everything). The address
    counters are aggregates and stay."""
    with database.reading(tenant_id) as session:
        months = session.scalar(select(Tenant.retention_months).where(Tenant.id == tenant_id))
    if not months:
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(days=round(months * 30.44))
    pruned = 0
    while True:
        with database.session(tenant_id) as session:
            batch = list(session.scalars(select(Observation.id).where(
                Observation.tenant_id == tenant_id, Observation.sent_at < cutoff)
                .limit(PRUNE_BATCH)))
            if not batch:
                return pruned
            session.execute(delete(Participant).where(Participant.tenant_id == tenant_id,
                                                      Participant.observation_id.in_(batch)))
            session.execute(delete(Observation).where(Observation.tenant_id == tenant_id,
                                                      Observation.id.in_(batch)))
            pruned += len(batch)


# -- helpers ----------------------------------------------------------------------------------

def _about(model: Any, ids: list[int], person_id: int) -> Any:
    return or_(model.address_id.in_(ids), model.person_id == person_id) if ids else \
        model.person_id == person_id


def _audit_about(tenant: int, ids: list[int], person_id: int) -> Any:
    about = (AuditEvent.subject_type == "person") & (AuditEvent.subject_id == person_id)
    if ids:
        about = about | ((AuditEvent.subject_type == "address") & AuditEvent.subject_id.in_(ids))
    return select(AuditEvent).where(AuditEvent.tenant_id == tenant, about) \
        .order_by(AuditEvent.id)


def _suppression_key(session: Session, tenant_id: int) -> str:
    tenant = session.get(Tenant, tenant_id)
    assert tenant is not None
    if not tenant.suppression_key:
        tenant.suppression_key = secrets.token_hex(32)
    return tenant.suppression_key


def _canonical(address: str) -> str:
    try:
        return canonical_address(address).address
    except InvalidAddress as error:
        raise DecisionError(f"not an address: {error.reason}") from None


def _require_admin(principal: Principal) -> None:
    if principal.role != "admin":
        raise AccessDenied("only an admin can do this")
