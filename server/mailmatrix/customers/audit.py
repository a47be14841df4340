"""The audit log: every change a user makes, with who, what, the state before and after, when."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database, iso_utc
from mailmatrix.customers.errors import AccessDenied
from mailmatrix.customers.models import AuditEvent, User


def record_change(session: Session, principal: Principal, action: str, subject_type: str,
                  subject_id: int, before: dict[str, Any], after: dict[str, Any]) -> None:
    session.add(AuditEvent(user_id=principal.user_id, action=action, subject_type=subject_type,
                           subject_id=subject_id, before=before, after=after,
                           created_at=datetime.now(UTC)))


def audit_log(database: Database, principal: Principal, *, since: datetime | None = None,
              before_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """The tenant's audit trail, newest first (admins only); page with ``before_id``."""
    if principal.role != "admin":
        raise AccessDenied("only an admin can read the audit log")
    query = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.user_id) \
        .where(AuditEvent.tenant_id == principal.tenant_id)
    if since is not None:
        query = query.where(AuditEvent.created_at >= since)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    with database.reading(principal.tenant_id) as session:
        rows = session.execute(query.order_by(AuditEvent.id.desc())
                               .limit(max(1, min(limit, 1000)))).all()
        return [{"id": event.id, "at": iso_utc(event.created_at), "user": email,
                 "action": event.action, "subject_type": event.subject_type,
                 "subject_id": event.subject_id, "before": event.before, "after": event.after}
                for event, email in rows]
