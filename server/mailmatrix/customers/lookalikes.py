"""The tenant's customer domains as a lookalike index, cached per process.

Rebuilt when the tenant's company domains change (their count and newest id identify the set).
Slightly stale is harmless here: the next request after a change rebuilds it.
"""

from __future__ import annotations

import threading

from cachetools import TTLCache
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mailmatrix.addresses.lookalike import LookalikeIndex, LookalikeMatch
from mailmatrix.customers.models import CompanyDomain

_INDEXES: TTLCache[int, tuple[tuple[int, int], LookalikeIndex]] = TTLCache(256, 600)
_LOCK = threading.Lock()


def customer_domain_index(session: Session, tenant_id: int) -> LookalikeIndex:
    version = tuple(session.execute(select(func.count(CompanyDomain.id),
                                           func.coalesce(func.max(CompanyDomain.id), 0))
                                    .where(CompanyDomain.tenant_id == tenant_id)).one())
    with _LOCK:
        cached = _INDEXES.get(tenant_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    domains = session.scalars(select(CompanyDomain.domain).where(
        CompanyDomain.tenant_id == tenant_id)).all()
    index = LookalikeIndex(domains)
    with _LOCK:
        _INDEXES[tenant_id] = (version, index)  # type: ignore[assignment]
    return index


def imitated_domain(session: Session, tenant_id: int, domain: str | None
                    ) -> LookalikeMatch | None:
    """The customer (or well-known provider) domain that ``domain`` imitates, if any."""
    if not domain:
        return None
    return customer_domain_index(session, tenant_id).check(domain)
