"""The tenant's customer domains and its own organization's domains as a lookalike index,
cached per process: a fraudster imitates a customer to the rep, or the rep's own company (a
"colleague" asking for a payment) just as well.

Extended when the tenant gains a company or own domain (the newest ids, one indexed look-up
at most every two seconds), so a customer added a moment ago is protected at once in this
process and within two seconds in the others; rebuilt every ten minutes, for removals.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailmatrix.addresses.lookalike import LookalikeIndex, LookalikeMatch
from mailmatrix.customers.address_rows import COMPANY_KINDS
from mailmatrix.customers.db import Database
from mailmatrix.customers.models import CompanyDomain, Tenant, TenantDomain
from mailmatrix.customers.scoping import of_tenant

REBUILD_AFTER = 600.0  # seconds: a removed domain lingers in an index at most this long


@dataclass
class _Cached:
    version: tuple[int, int]  # the newest company domain id and own domain id it holds
    index: LookalikeIndex
    built_at: float


# Keyed by database and tenant: a process may serve several databases (tests do). An index
# in use is stored again at every check; one unused for half an hour leaves.
_INDEXES: TTLCache[tuple[str, int], _Cached] = TTLCache(256, 3 * REBUILD_AFTER)
_LOCK = threading.Lock()
_REFRESHING: dict[tuple[str, int], threading.Lock] = {}  # one per database and tenant
# The version is checked at most this often per tenant: a customer domain another process
# added is protected here within two seconds (this process's own additions at once).
_CHECKED: TTLCache[tuple[str, int], bool] = TTLCache(1024, 2)


SESSION_KEY = "mailmatrix.lookalike_index"


def remember_customer_domain(session: Session, tenant_id: int, domain: str,
                             domain_id: int) -> None:
    """A session added a customer domain: protect it in the index at once (no rebuild)."""
    held = session.info.get(SESSION_KEY)
    if held is None or held[0] != tenant_id:
        return
    index = held[1]
    index.add(domain)
    key = (str(session.get_bind().url), tenant_id)
    with _LOCK:
        cached = _INDEXES.get(key)
        if cached is not None and cached.index is index:
            cached.version = (max(cached.version[0], domain_id), cached.version[1])


def customer_domain_index(session: Session, tenant_id: int) -> LookalikeIndex:
    # Within one session (one message, or one ingest batch) the index is reused, and extended
    # as the session adds customer domains; other writers' additions are seen next session.
    held = session.info.get(SESSION_KEY)
    if held is not None and held[0] == tenant_id:
        return held[1]
    index = _shared_index(session, tenant_id)
    session.info[SESSION_KEY] = (tenant_id, index)
    return index


def _shared_index(session: Session, tenant_id: int) -> LookalikeIndex:
    """The process's index of the tenant, checked against the database at most every two
    seconds. One thread checks or builds it; while it does, the others keep using the index
    they had (a tenant's first index, they wait for: a second or so at 25,000 domains)."""
    key = (str(session.get_bind().url), tenant_id)
    with _LOCK:
        cached = _INDEXES.get(key)
        due = key not in _CHECKED
        refreshing = _REFRESHING.setdefault(key, threading.Lock())
    if cached is not None and not due:
        return cached.index
    if not refreshing.acquire(blocking=cached is None):
        return cached.index  # another thread is at it
    try:
        with _LOCK:
            cached = _INDEXES.get(key)
            if cached is not None and key in _CHECKED:
                return cached.index  # checked while this thread waited
        return _refreshed(session, tenant_id, key, cached)
    finally:
        refreshing.release()


def _refreshed(session: Session, tenant_id: int, key: tuple[str, int],
               cached: _Cached | None) -> LookalikeIndex:
    """The index brought up to the database: the domains added since (the newest ids are the
    version: domains are added far more often than removed), or rebuilt when it is old enough
    that a removed domain should leave it."""
    newest = session.execute(_NEWEST, {"tenant": tenant_id}).one()
    version = (newest[0] or 0, newest[1] or 0)
    if cached is not None and time.monotonic() - cached.built_at < REBUILD_AFTER:
        if version != cached.version:
            for domain in _domains(session, tenant_id, since=cached.version):
                cached.index.add(domain)
            cached.version = version
        found = cached
    else:
        found = _Cached(version, LookalikeIndex(_domains(session, tenant_id)),
                        time.monotonic())
    with _LOCK:
        _INDEXES[key] = found
        _CHECKED[key] = True
    return found.index


def _domains(session: Session, tenant_id: int, since: tuple[int, int] = (0, 0)) -> list[str]:
    """The tenant's customer domains and own domains (those added after the ``since`` ids)."""
    return [*session.scalars(select(CompanyDomain.domain).where(
        CompanyDomain.tenant_id == tenant_id, CompanyDomain.id > since[0])),
        *session.scalars(select(TenantDomain.domain).where(
            TenantDomain.tenant_id == tenant_id, TenantDomain.id > since[1]))]


PRELOAD_FROM = 2_000  # customer domains: a smaller tenant's index builds in milliseconds
PRELOAD_BUDGET = 200_000  # domains in all, across the tenants preloaded
PRELOAD_TENANTS = 1_000  # tenants looked at, newest first


def preload_indexes(database: Database) -> int:
    """Build the indexes of the large tenants now, in the server's master process, so that the
    workers it forks share them instead of each spending a second or more of CPU on its first
    panels (at 25,000 customer domains, the first panels of a fresh server queued behind it).
    Returns how many were built. The connections it used are closed before any fork."""
    built, budget = 0, PRELOAD_BUDGET
    try:
        with database.session(None) as session:
            tenants = session.scalars(select(Tenant.id).order_by(Tenant.id.desc())
                                      .limit(PRELOAD_TENANTS)).all()
        for tenant_id in tenants:
            with database.reading(tenant_id) as session:
                size = session.scalar(select(func.count()).select_from(CompanyDomain).where(
                    CompanyDomain.tenant_id == tenant_id)) or 0
                if PRELOAD_FROM <= size <= budget:
                    customer_domain_index(session, tenant_id)
                    built, budget = built + 1, budget - size
    finally:
        database.dispose()
    return built


def imitated_domain(session: Session, tenant_id: int, domain: str | None
                    ) -> LookalikeMatch | None:
    """The customer (or well-known provider) domain that ``domain`` imitates, if any."""
    if not domain:
        return None
    return customer_domain_index(session, tenant_id).check(domain)


def imitation_of(session: Session, row: Any) -> LookalikeMatch | None:
    """The customer domain an address's domain imitates; None for addresses of a company
    (a customer's own domain imitates nothing) and for personal mailboxes."""
    if row.kind not in COMPANY_KINDS or row.company_id is not None:
        return None
    return imitated_domain(session, session.info["tenant_id"], row.registrable_domain)


_NEWEST = select(
    select(func.max(CompanyDomain.id)).where(
        of_tenant(CompanyDomain.tenant_id)).scalar_subquery(),
    select(func.max(TenantDomain.id)).where(
        of_tenant(TenantDomain.tenant_id)).scalar_subquery())
