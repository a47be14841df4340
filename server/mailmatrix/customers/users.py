"""A tenant's users and their roles: the first user of a tenant is its admin; admins grant and
revoke admin (never the last one away)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from mailmatrix.auth.principal import Principal
from mailmatrix.customers.audit import record_change
from mailmatrix.customers.db import Database, iso_utc
from mailmatrix.customers.errors import AccessDenied, DecisionError, NotFound
from mailmatrix.customers.models import Tenant, User

ROLES = ("admin", "member")


@dataclass(frozen=True)
class UserView:
    id: int
    tenant_id: int
    email: str
    display_name: str
    role: str
    created_at: str


def list_users(database: Database, tenant_id: int | None = None) -> list[UserView]:
    """The users of one tenant, or of every tenant (the server operator's view)."""
    with database.reading(tenant_id) as session:
        query = select(User).order_by(User.tenant_id, User.id)
        if tenant_id is not None:
            query = query.where(User.tenant_id == tenant_id)
        return [UserView(user.id, user.tenant_id, user.email, user.display_name, user.role,
                         iso_utc(user.created_at) or "") for user in session.scalars(query)]


def set_role(database: Database, actor: Principal | None, tenant_id: int, email: str,
             role: str) -> None:
    """``actor`` None: the server operator at the command line."""
    if role not in ROLES:
        raise DecisionError(f"role must be one of {', '.join(ROLES)}")
    if actor is not None and (actor.role != "admin" or actor.tenant_id != tenant_id):
        raise AccessDenied("only an admin can change roles")
    with database.session(tenant_id) as session:
        user = session.scalar(select(User).where(User.tenant_id == tenant_id,
                                                 User.email == email.strip().lower()))
        if user is None:
            raise NotFound(f"no user {email} in this organization")
        admins = session.scalar(select(func.count(User.id)).where(
            User.tenant_id == tenant_id, User.role == "admin")) or 0
        if user.role == "admin" and role != "admin" and admins <= 1:
            raise DecisionError("an organization keeps at least one admin")
        if actor is not None:
            record_change(session, actor, "set-role", "user", user.id, {"role": user.role},
                          {"role": role})
        user.role = role


def tenant_of_email(database: Database, email: str) -> int:
    """The one tenant a user's address belongs to (the command line's way to name it)."""
    with database.reading(None) as session:
        tenants = sorted(set(session.scalars(select(User.tenant_id).where(
            User.email == email.strip().lower()))))
    if len(tenants) != 1:
        raise DecisionError(f"{email} is a user of {len(tenants)} organizations: name one "
                            "with --tenant" if tenants else f"no user {email}")
    return tenants[0]


def tenant_settings(database: Database, tenant_id: int) -> dict[str, object]:
    with database.reading(tenant_id) as session:
        tenant = session.get(Tenant, tenant_id)
        assert tenant is not None
        return _settings_of(tenant)


def change_settings(database: Database, actor: Principal | None, tenant_id: int,
                    changes: dict[str, object]) -> dict[str, object]:
    """Admins set the visibility policy (team | owner), profile-view auditing and the
    retention of observations in months (None: keep)."""
    if actor is not None and actor.role != "admin":
        raise AccessDenied("only an admin can change the organization's settings")
    with database.session(tenant_id) as session:
        tenant = session.get(Tenant, tenant_id)
        assert tenant is not None
        before = _settings_of(tenant)
        for name, value in changes.items():
            if name == "visibility_policy" and value in ("team", "owner"):
                tenant.visibility_policy = str(value)
            elif name == "audit_views" and isinstance(value, bool):
                tenant.audit_views = value
            elif name == "retention_months" and (value is None or (
                    isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 600)):
                tenant.retention_months = value
            else:
                raise DecisionError(f"cannot set {name} to {value!r}")
        after = _settings_of(tenant)
        if actor is not None:
            record_change(session, actor, "settings", "tenant", tenant_id, before, after)
        return after


def _settings_of(tenant: Tenant) -> dict[str, object]:
    return {"visibility_policy": tenant.visibility_policy, "audit_views": tenant.audit_views,
            "retention_months": tenant.retention_months}


def operator_principal(database: Database, email: str, tenant_id: int | None = None
                       ) -> Principal:
    """The server operator at the command line, acting with admin rights in the organization
    of an existing user (whose name the audit log records)."""
    tenant = tenant_id if tenant_id is not None else tenant_of_email(database, email)
    with database.reading(tenant) as session:
        user = session.scalar(select(User).where(User.tenant_id == tenant,
                                                 User.email == email.strip().lower()))
        if user is None:
            raise NotFound(f"no user {email} in organization {tenant}")
        return Principal(tenant, user.id, user.email, "admin", user.locale)


def tenants_with_retention(database: Database) -> list[int]:
    with database.reading(None) as session:
        return list(session.scalars(select(Tenant.id).where(
            Tenant.retention_months.is_not(None))))
