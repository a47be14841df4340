"""The audit log: every change a user makes, with who, what, the state before and after, when."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.models import AuditEvent


def record_change(session: Session, principal: Principal, action: str, subject_type: str,
                  subject_id: int, before: dict[str, Any], after: dict[str, Any]) -> None:
    session.add(AuditEvent(user_id=principal.user_id, action=action, subject_type=subject_type,
                           subject_id=subject_id, before=before, after=after,
                           created_at=datetime.now(UTC)))
