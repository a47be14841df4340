"""One row of the session's tenant, or a NotFound naming what is missing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailmatrix.customers.errors import NotFound
from mailmatrix.customers.models import Person


def person_of_tenant(session: Session, person_id: int, *, lock: bool = False) -> Person:
    """The person ``person_id`` of the session's tenant (another tenant's is "no person").
    ``lock``: held until the transaction ends, so concurrent edits of one person apply one
    after the other (the audit log's order is then the order they took effect)."""
    query = select(Person).where(Person.tenant_id == session.info["tenant_id"],
                                 Person.id == person_id)
    person = session.scalar(query.with_for_update(key_share=True) if lock else query)
    if person is None:
        raise NotFound(f"no person {person_id}")
    return person
