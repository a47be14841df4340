"""The store: one set of migrations for SQLite and PostgreSQL, every row in exactly one tenant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy
from sqlalchemy import bindparam, insert, select, text, update

from mailmatrix.customers.db import Database
from mailmatrix.customers.models import TENANT_TABLES, Address, Base
from mailmatrix.customers.scoping import (
    CrossTenantWrite,
    UnscopedStatement,
    run_bound,
    tenant_bound,
)
from mailmatrix.customers.tenants import (
    MICROSOFT_PERSONAL_TENANT,
    ensure_tenant,
    ensure_user,
    google_identity,
    microsoft_identity,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def address(canonical: str) -> Address:
    return Address(canonical=canonical, kind="corporate", created_at=NOW)


def test_the_migrations_build_every_table_of_the_models(database: Database) -> None:
    tables = set(sqlalchemy.inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_every_table_but_the_tenant_registry_belongs_to_a_tenant() -> None:
    assert set(Base.metadata.tables) - {"tenants"} == TENANT_TABLES
    for name in TENANT_TABLES:
        assert "tenant_id" in Base.metadata.tables[name].columns


def test_a_tenant_session_never_sees_another_tenants_rows(database: Database) -> None:
    first = ensure_tenant(database, "entra", "tid-one")
    second = ensure_tenant(database, "entra", "tid-two")
    with database.session(first) as session:
        session.add(address("li.wei@acme-gmbh.de"))
    with database.session(second) as session:
        session.add(address("li.wei@acme-gmbh.de"))  # the same address, another tenant's row
        session.add(address("only.second@example-buyer.com"))
    with database.session(first) as session:
        seen = session.scalars(select(Address.canonical)).all()
    assert seen == ["li.wei@acme-gmbh.de"]


def test_writing_a_row_of_another_tenant_is_refused(database: Database) -> None:
    first = ensure_tenant(database, "entra", "tid-one")
    second = ensure_tenant(database, "entra", "tid-two")
    with pytest.raises(CrossTenantWrite), database.session(first) as session:
        row = address("x@acme-gmbh.de")
        row.tenant_id = second
        session.add(row)


def test_an_unscoped_statement_on_a_tenant_table_fails(database: Database) -> None:
    with pytest.raises(UnscopedStatement), database.engine.connect() as connection:
        connection.execute(text("SELECT canonical FROM addresses"))


def test_a_statement_declared_tenant_bound_must_restrict_the_tenant() -> None:
    with pytest.raises(UnscopedStatement, match="'tenant' parameter"):
        tenant_bound(select(Address.id).where(Address.canonical == bindparam("canonical")))
    with pytest.raises(UnscopedStatement, match="not restricted"):  # the name alone is not
        tenant_bound(select(Address.id).where(Address.person_id == bindparam("tenant")))
    with pytest.raises(UnscopedStatement, match="not restricted"):  # nor a row's id alone
        tenant_bound(update(Address.__table__).where(Address.id == bindparam("row"))
                     .values(label=bindparam("tenant")))
    with pytest.raises(UnscopedStatement, match="'tenant_id' parameter"):
        tenant_bound(insert(Address.__table__).values(canonical=bindparam("canonical")))


BY_CANONICAL = tenant_bound(select(Address.canonical).where(
    Address.tenant_id == bindparam("tenant"), Address.canonical == bindparam("canonical")))


def test_a_tenant_bound_statement_runs_only_for_the_sessions_own_tenant(
        database: Database) -> None:
    first = ensure_tenant(database, "entra", "tid-one")
    second = ensure_tenant(database, "entra", "tid-two")
    with database.session(second) as session:
        session.add(address("only.second@example-buyer.com"))
    asked = {"tenant": second, "canonical": "only.second@example-buyer.com"}
    with database.session(first) as session:
        with pytest.raises(CrossTenantWrite):
            run_bound(session, BY_CANONICAL, asked)
        with pytest.raises(CrossTenantWrite):  # through the ORM session too
            session.execute(BY_CANONICAL, asked)
        with pytest.raises(CrossTenantWrite):  # every row of an insert
            run_bound(session, tenant_bound(insert(Address.__table__)), [
                {"tenant_id": first, "canonical": "a@example.com", "kind": "personal",
                 "created_at": NOW},
                {"tenant_id": second, "canonical": "b@example.com", "kind": "personal",
                 "created_at": NOW}])
        with pytest.raises(UnscopedStatement):  # an unchecked statement is not run at all
            run_bound(session, select(Address.canonical), {"tenant": first})
    with database.session(second) as session:
        assert run_bound(session, BY_CANONICAL, asked).scalars().all() == [
            asked["canonical"]]


def test_a_tenant_bound_statement_sees_the_sessions_pending_changes(
        database: Database) -> None:
    tenant = ensure_tenant(database, "entra", "tid-one")
    rename = tenant_bound(update(Address.__table__).where(
        Address.tenant_id == bindparam("tenant"), Address.canonical == bindparam("address"))
        .values(label="buyer"))
    with database.session(tenant) as session:
        session.add(address("li.wei@acme-gmbh.de"))  # not flushed yet
        found = run_bound(session, BY_CANONICAL, {"tenant": tenant,
                                                  "canonical": "li.wei@acme-gmbh.de"})
        assert found.scalars().all() == ["li.wei@acme-gmbh.de"]
        run_bound(session, rename, {"tenant": tenant, "address": "li.wei@acme-gmbh.de"})
    with database.session(tenant) as session:
        assert session.scalars(select(Address.label)).all() == ["buyer"]


def test_tenant_creation_is_idempotent(database: Database) -> None:
    assert ensure_tenant(database, "workspace", "acme.de") == \
        ensure_tenant(database, "workspace", "acme.de")


def test_personal_microsoft_accounts_are_each_their_own_tenant() -> None:
    one = microsoft_identity(MICROSOFT_PERSONAL_TENANT, "oid-1")
    two = microsoft_identity(MICROSOFT_PERSONAL_TENANT.upper(), "oid-2")
    assert one != two and one[0] == "microsoft-personal"
    assert microsoft_identity("a-tid", "oid-1") == microsoft_identity("a-tid", "oid-2")


def test_google_workspace_is_keyed_by_domain_and_consumers_by_account() -> None:
    assert google_identity("sub-1", "acme.de") == google_identity("sub-2", "acme.de")
    assert google_identity("sub-1", None) != google_identity("sub-2", None)


def test_first_user_of_a_tenant_is_admin_and_the_next_a_member(database: Database) -> None:
    tenant = ensure_tenant(database, "entra", "tid-one")
    first = ensure_user(database, tenant, "oid-a", email="anna@example-export.com")
    second = ensure_user(database, tenant, "oid-b", email="tom@example-export.com")
    assert (first.role, second.role) == ("admin", "member")
    assert ensure_user(database, tenant, "oid-a").user_id == first.user_id


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:  # noqa: ANN001
    database = Database(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    database.dispose()


def test_db_upgrade_command_creates_the_schema(runner, app) -> None:  # noqa: ANN001
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = sqlalchemy.create_engine(app.config["DATABASE_URL"])
    assert "addresses" in sqlalchemy.inspect(engine).get_table_names()
    engine.dispose()


def test_the_migrations_build_exactly_the_models_schema(database) -> None:  # noqa: ANN001
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from mailmatrix.customers.models import Base

    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_pooled_connection_dropped_while_resting_is_replaced_unseen(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: no ping per checkout, but one for a connection that rested (the server may
    have dropped it meanwhile); the caller gets a live connection either way."""
    if database.engine.dialect.name != "postgresql":
        return  # SQLite runs in process: nothing to drop
    monkeypatch.setattr("mailmatrix.customers.db.IDLE_BEFORE_PING", 0.0)
    with database.engine.connect() as resting, database.engine.connect() as other:
        backend = resting.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        resting.close()  # back in the pool
        other.exec_driver_sql("SELECT pg_terminate_backend(%s)", (backend,))
    with database.engine.connect() as first, database.engine.connect() as second:
        # both pooled connections are handed out again: the dropped one was replaced
        assert first.exec_driver_sql("SELECT 1").scalar() == 1
        assert second.exec_driver_sql("SELECT 1").scalar() == 1
