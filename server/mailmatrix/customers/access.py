"""Who sees which customer. A tenant's ``team`` policy shows every customer to every member;
under ``owner`` a member sees a full profile only for customers they own, that are shared
with them, or that nobody owns yet; admins see all. Everyone still sees the protective facts
(known or not, lookalike, Reply-To, DMARC, bank-detail warnings, who the owner is)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.errors import AccessDenied
from mailmatrix.customers.models import Address, Company, Person, Share, Tenant
from mailmatrix.customers.sender_row import SenderCompany, SenderPerson

PROTECTIVE_WARNINGS = ("lookalike", "reply-to", "dmarc", "bank-details", "display-name")


def sees_fully(session: Session, principal: Principal, policy: str,
               person: Person | SenderPerson | None, company: Company | SenderCompany | None
               ) -> bool:
    if policy != "owner" or principal.role == "admin":
        return True
    owners = (person.owner_user_id if person else None,
              company.owner_user_id if company else None)
    if _visible_to(principal, owners, shared=False):
        return True
    return person is not None and session.scalar(select(Share.id).where(
        Share.tenant_id == principal.tenant_id, Share.person_id == person.id,
        Share.user_id == principal.user_id)) is not None


def require_full_access(database: Database, principal: Principal, *,
                        person_id: int | None = None, address: str | None = None) -> None:
    """Raises AccessDenied when the caller may not change this person (or the person of this
    canonical address) under the tenant's policy."""
    if principal.role == "admin":
        return
    with database.reading(principal.tenant_id) as session:
        policy = session.scalar(select(Tenant.visibility_policy).where(
            Tenant.id == principal.tenant_id))
        if policy != "owner":
            return
        ids = [person_id] if person_id else []
        if address:
            ids += [found for found in session.scalars(select(Address.person_id).where(
                Address.tenant_id == principal.tenant_id, Address.canonical == address))
                if found]
        for found in ids:
            person = session.get(Person, found)
            if person is None or person.tenant_id != principal.tenant_id:
                continue
            company = session.get(Company, person.company_id) if person.company_id else None
            if not sees_fully(session, principal, policy, person, company):
                raise AccessDenied("this customer belongs to a colleague: ask them to share it")


def fully_visible(session: Session, principal: Principal, person_ids: list[int]) -> set[int]:
    """Which of these persons the caller sees in full (for lists such as search results)."""
    policy = session.scalar(select(Tenant.visibility_policy).where(
        Tenant.id == principal.tenant_id))
    if policy != "owner" or principal.role == "admin" or not person_ids:
        return set(person_ids)
    shared = set(session.scalars(select(Share.person_id).where(
        Share.tenant_id == principal.tenant_id, Share.user_id == principal.user_id,
        Share.person_id.in_(person_ids))))
    visible = set()
    for person_id, own, company_owner in session.execute(
            select(Person.id, Person.owner_user_id, Company.owner_user_id)
            .outerjoin(Company, Company.id == Person.company_id)
            .where(Person.tenant_id == principal.tenant_id, Person.id.in_(person_ids))):
        if _visible_to(principal, (own, company_owner), shared=person_id in shared):
            visible.add(person_id)
    return visible


def _visible_to(principal: Principal, owners: tuple[int | None, ...], *, shared: bool) -> bool:
    """The owner policy's rule: nobody's yet, one's own (as the person's or the company's
    owner), or shared with one."""
    named = {owner for owner in owners if owner is not None}
    return not named or principal.user_id in named or shared
