"""The tenant's customer domains as a lookalike index, cached per process.

Rebuilt when the tenant's company domains change (their count and newest id identify the set,
checked with one small query per use), so a customer added a moment ago is protected at once.
"""

from __future__ import annotations

import threading

from cachetools import TTLCache
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailmatrix.addresses.lookalike import LookalikeIndex, LookalikeMatch
from mailmatrix.customers.models import CompanyDomain

# Keyed by database and tenant: a process may serve several databases (tests do).
_INDEXES: TTLCache[tuple[str, int], tuple[tuple[int, int], LookalikeIndex]] = TTLCache(256, 600)
_LOCK = threading.Lock()


def customer_domain_index(session: Session, tenant_id: int) -> LookalikeIndex:
    key = (str(session.get_bind().url), tenant_id)
    with _LOCK:
        cached = _INDEXES.get(key)
    version = tuple(session.execute(select(func.count(CompanyDomain.id),
                                           func.coalesce(func.max(CompanyDomain.id), 0))
                                    .where(CompanyDomain.tenant_id == tenant_id)).one())
    if cached is not None and cached[0] == version:
        return cached[1]
    domains = session.scalars(select(CompanyDomain.domain).where(
        CompanyDomain.tenant_id == tenant_id)).all()
    index = LookalikeIndex(domains)
    with _LOCK:
        _INDEXES[key] = (version, index)  # type: ignore[assignment]
    return index


def imitated_domain(session: Session, tenant_id: int, domain: str | None
                    ) -> LookalikeMatch | None:
    """The customer (or well-known provider) domain that ``domain`` imitates, if any."""
    if not domain:
        return None
    return customer_domain_index(session, tenant_id).check(domain)
