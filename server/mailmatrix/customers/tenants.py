"""Tenants and users: internal ids mapped from external identities, created on first sight.

Microsoft 365 tenants by ``tid``; every personal Microsoft account shares one tid, so each of
those is its own tenant by ``oid``; Google Workspace by the ``hd`` domain; a consumer Google
account by ``sub``. Nothing crosses tenants, so two personal accounts never see each other's
customers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mailmatrix.addresses.classify import domain_facts
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.models import Tenant, TenantDomain, User

MICROSOFT_PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


def microsoft_identity(tid: str, oid: str) -> tuple[str, str]:
    if tid.lower() == MICROSOFT_PERSONAL_TENANT:
        return "microsoft-personal", oid.lower()
    return "entra", tid.lower()


def google_identity(sub: str, hd: str | None) -> tuple[str, str]:
    return ("workspace", hd.lower()) if hd else ("google-consumer", sub)


def ensure_tenant(database: Database, identity_kind: str, identity_key: str,
                  name: str = "") -> int:
    """The tenant id for an external identity, created once even under concurrent requests."""
    lookup = select(Tenant.id).where(Tenant.identity_kind == identity_kind,
                                     Tenant.identity_key == identity_key)
    with database.session(None) as session:
        found = session.scalar(lookup)
        if found is not None:
            return found
    try:
        with database.session(None) as session:
            tenant = Tenant(identity_kind=identity_kind, identity_key=identity_key, name=name,
                            created_at=datetime.now(UTC))
            session.add(tenant)
            session.flush()
            return tenant.id
    except IntegrityError:  # another process created it between our two transactions
        with database.session(None) as session:
            return session.scalar(lookup)  # type: ignore[return-value]


def ensure_user(database: Database, tenant_id: int, external_id: str, *, email: str = "",
                display_name: str = "", locale: str = "en") -> Principal:
    """The user of a tenant; the tenant's first user becomes its admin. Safe when several
    processes see the same new user at once (a pane's first two requests, two hosts): the
    one that loses the race reads what the other wrote."""
    try:
        return _ensure_user(database, tenant_id, external_id, email, display_name, locale)
    except IntegrityError:
        return _ensure_user(database, tenant_id, external_id, email, display_name, locale)


def _ensure_user(database: Database, tenant_id: int, external_id: str, email: str,
                 display_name: str, locale: str) -> Principal:
    with database.session(tenant_id) as session:
        user = session.scalar(select(User).where(User.tenant_id == tenant_id,
                                                 User.external_id == external_id))
        if user is None:
            first = session.scalar(select(User.id).where(User.tenant_id == tenant_id)) is None
            user = User(tenant_id=tenant_id, external_id=external_id, email=email,
                        display_name=display_name, locale=locale,
                        role="admin" if first else "member", created_at=datetime.now(UTC))
            session.add(user)
            session.flush()
        if email:
            _learn_own_domain(session, tenant_id, email)
        return Principal(tenant_id, user.id, user.email, user.role, user.locale)


def _learn_own_domain(session: Session, tenant_id: int, email: str) -> None:
    domain = email.rpartition("@")[2].lower()
    # A consumer's gmail.com is not their organization: free-mail domains are never "own".
    if not domain or domain_facts(domain).kind != "corporate":
        return
    exists = session.scalar(select(TenantDomain.id).where(TenantDomain.tenant_id == tenant_id,
                                                          TenantDomain.domain == domain))
    if exists is None:
        session.add(TenantDomain(tenant_id=tenant_id, domain=domain, source="learned"))


def configure_own_domains(database: Database, tenant_id: int, domains: list[str]) -> None:
    """Domains of the tenant's organization named in configuration (subsidiaries, old names):
    their people are colleagues, not customers."""
    wanted = {domain.strip().lower() for domain in domains if domain.strip()}
    if not wanted:
        return
    with database.session(tenant_id) as session:
        known = set(session.scalars(select(TenantDomain.domain).where(
            TenantDomain.tenant_id == tenant_id, TenantDomain.domain.in_(wanted))))
        for domain in sorted(wanted - known):
            session.add(TenantDomain(tenant_id=tenant_id, domain=domain, source="configured"))
