"""Who owns which customer, and who else may see it: assignment, sharing and the hand-over
when a rep leaves. Every change is audited."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.audit import record_change
from mailmatrix.customers.db import Database
from mailmatrix.customers.errors import AccessDenied, DecisionError
from mailmatrix.customers.models import Company, MailboxGrant, Person, Share, User
from mailmatrix.customers.rows import person_of_tenant


def assign_owner(database: Database, principal: Principal, person_id: int,
                 owner_email: str) -> None:
    """The person's account manager: an admin assigns anyone; an owner gives their customer
    away; anyone claims a customer nobody owns."""
    with database.session(principal.tenant_id) as session:
        person = person_of_tenant(session, person_id)
        allowed = principal.role == "admin" or person.owner_user_id in (None,
                                                                        principal.user_id)
        if not allowed:
            raise AccessDenied("only the account manager or an admin can reassign a customer")
        owner = user_by_email(session, principal.tenant_id, owner_email)
        record_change(session, principal, "assign-owner", "person", person.id,
                      {"owner_user_id": person.owner_user_id}, {"owner_user_id": owner.id})
        person.owner_user_id = owner.id


def share(database: Database, principal: Principal, person_id: int, user_email: str,
          shared: bool = True) -> None:
    """Let a colleague see the full profile (or stop, with ``shared=False``)."""
    with database.session(principal.tenant_id) as session:
        person = person_of_tenant(session, person_id)
        if principal.role != "admin" and person.owner_user_id not in (None, principal.user_id):
            raise AccessDenied("only the account manager or an admin can share a customer")
        user = user_by_email(session, principal.tenant_id, user_email)
        found = session.scalar(select(Share).where(
            Share.tenant_id == principal.tenant_id, Share.person_id == person.id,
            Share.user_id == user.id))
        if shared and found is None:
            session.add(Share(person_id=person.id, user_id=user.id, created_at=datetime.now(UTC)))
        elif not shared and found is not None:
            session.delete(found)
        record_change(session, principal, "share" if shared else "unshare", "person",
                      person.id, {}, {"user_id": user.id})


def hand_over(database: Database, principal: Principal, from_email: str, to_email: str
              ) -> dict[str, int]:
    """A rep leaves: every customer (persons and companies) they own moves to another user,
    and what was shared with them is shared with the successor; their stored mailbox grants
    are forgotten. Admins only."""
    if principal.role != "admin":
        raise AccessDenied("only an admin can hand customers over")
    with database.session(principal.tenant_id) as session:
        leaving = user_by_email(session, principal.tenant_id, from_email)
        taking = user_by_email(session, principal.tenant_id, to_email)
        if leaving.id == taking.id:
            raise DecisionError("hand over to someone else")
        moved = {}
        for model, name in ((Person, "persons"), (Company, "companies")):
            moved[name] = session.execute(
                update(model).where(model.tenant_id == principal.tenant_id,
                                    model.owner_user_id == leaving.id)
                .values(owner_user_id=taking.id)).rowcount or 0
        already = set(session.scalars(select(Share.person_id).where(
            Share.tenant_id == principal.tenant_id, Share.user_id == taking.id)))
        shared = [person for person in session.scalars(select(Share.person_id).where(
            Share.tenant_id == principal.tenant_id, Share.user_id == leaving.id))
            if person not in already]
        session.execute(delete(Share).where(Share.tenant_id == principal.tenant_id,
                                            Share.user_id == leaving.id))
        now = datetime.now(UTC)
        session.add_all(Share(person_id=person, user_id=taking.id, created_at=now)
                        for person in shared)
        moved["shares"] = len(shared)
        # The leaving rep's offline access to their mailbox (the backfill's grants) ends too
        moved["mailbox_grants_forgotten"] = session.execute(delete(MailboxGrant).where(
            MailboxGrant.tenant_id == principal.tenant_id,
            MailboxGrant.user_id == leaving.id)).rowcount or 0
        record_change(session, principal, "hand-over", "user", leaving.id,
                      {"owner_user_id": leaving.id}, {"owner_user_id": taking.id, **moved})
        return moved


def user_by_email(session: Session, tenant_id: int, email: str) -> User:
    user = session.scalar(select(User).where(User.tenant_id == tenant_id,
                                             User.email == email.strip().lower()))
    if user is None:
        raise DecisionError(f"{email} has not signed in to MailMatrix in your organization")
    return user
