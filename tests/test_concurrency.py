"""Two processes observing the same new address at once produce one address row."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import delete, func, select

from mailmatrix.customers.db import Database
from mailmatrix.customers.models import Address, Company
from mailmatrix.customers.tenants import ensure_tenant, ensure_user

MESSAGES_PER_PROCESS = 15


def _observe_many(url: str, worker: int, start: multiprocessing.Barrier) -> None:
    from mailmatrix.customers.facts import MessageFacts
    from mailmatrix.customers.local import local_principal
    from mailmatrix.customers.observe import observe

    database = Database(url)
    principal = local_principal(database, "rep@example-export.com")
    start.wait(timeout=30)
    for number in range(MESSAGES_PER_PROCESS):
        observe(database, principal, MessageFacts(
            from_="Neu Kunde <neu.kunde@brand-new-buyer.de>", to="rep@example-export.com",
            message_id=f"<w{worker}-{number}@test>", date="Thu, 26 Nov 2026 08:15:00 +0100"))
    database.dispose()


def test_concurrent_observes_of_one_new_address_make_one_row(database: Database) -> None:
    tenant = ensure_tenant(database, "local", "example-export.com")
    ensure_user(database, tenant, "rep@example-export.com", email="rep@example-export.com")
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    workers = [context.Process(target=_observe_many, args=(database.url, n, start))
               for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    with database.session(tenant) as session:
        rows = session.scalars(select(Address)).all()
        companies = session.scalar(select(func.count(Company.id)))
    assert len(rows) == 1 and rows[0].count_in == 2 * MESSAGES_PER_PROCESS
    assert companies == 1


def test_threads_asking_at_once_build_a_tenants_lookalike_index_once(
        database: Database, monkeypatch) -> None:  # noqa: ANN001
    import threading

    from mailmatrix.customers import lookalikes

    tenant = ensure_tenant(database, "local", "example-export.com")
    builds: list[int] = []
    real = lookalikes.LookalikeIndex

    def counted(domains):  # noqa: ANN001, ANN202
        builds.append(1)
        return real(domains)

    monkeypatch.setattr(lookalikes, "LookalikeIndex", counted)
    start, found = threading.Barrier(8), []

    def ask() -> None:
        with database.reading(tenant) as session:
            start.wait(timeout=30)
            found.append(lookalikes.customer_domain_index(session, tenant))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(found) == 8 and len({id(index) for index in found}) == 1
    assert builds == [1]


def test_a_lookalike_index_grows_with_other_writers_domains_and_is_rebuilt_for_removals(
        database: Database, monkeypatch) -> None:  # noqa: ANN001
    """Another process's new customer domain is added to this process's index (no rebuild of
    tens of thousands of domains per new customer); a removed one leaves at the rebuild."""
    from datetime import UTC, datetime

    from mailmatrix.customers import lookalikes
    from mailmatrix.customers.models import Company, CompanyDomain

    tenant = ensure_tenant(database, "local", "example-export.com")
    now = datetime.now(UTC)

    def add_customer(domain: str) -> None:  # as another process would: not this index
        with database.session(tenant) as session:
            company = Company(name=domain, created_at=now, updated_at=now)
            session.add(company)
            session.flush()
            session.add(CompanyDomain(company_id=company.id, domain=domain))

    def index():  # noqa: ANN202
        lookalikes._CHECKED.clear()  # the two seconds between checks have passed
        with database.reading(tenant) as session:
            return lookalikes.customer_domain_index(session, tenant)

    add_customer("acme-gmbh.de")
    first = index()
    assert first.check("acme-grnbh.de") is not None
    add_customer("kaiser-trading.com")
    assert index() is first and first.check("kaiser-tradlng.com") is not None
    with database.session(tenant) as session:
        session.execute(delete(CompanyDomain).where(CompanyDomain.domain == "acme-gmbh.de"))
    assert index().check("acme-grnbh.de") is not None  # lingers until the rebuild
    monkeypatch.setattr(lookalikes, "REBUILD_AFTER", 0.0)
    rebuilt = index()
    assert rebuilt is not first and rebuilt.check("acme-grnbh.de") is None
    assert rebuilt.check("kaiser-tradlng.com") is not None
