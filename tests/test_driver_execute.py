"""Tenant-bound statements on psycopg's own cursor: the same rows, writes and errors as through
SQLAlchemy, and SQLAlchemy's path wherever the driver's would differ."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Numeric, String, bindparam, cast, event, insert, select, update
from sqlalchemy.exc import IntegrityError

from mailmatrix.customers import driver_execute
from mailmatrix.customers.db import Database, stored_utc
from mailmatrix.customers.driver_execute import plan_for
from mailmatrix.customers.models import Address, Company, Person, Suggestion
from mailmatrix.customers.scoping import (
    forbid_unscoped_statements,
    of_tenant,
    run_bound,
    tenant_bound,
)
from mailmatrix.customers.tenants import ensure_tenant

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

# An IN list, JSON, a moment and a boolean among the columns, a constant LIMIT
ADDRESSES = tenant_bound(
    select(Address.canonical, Address.first_seen, Person.names, Person.primary_pinned)
    .outerjoin(Person, (Person.id == Address.person_id) & of_tenant(Person.tenant_id))
    .where(of_tenant(Address.tenant_id),
           Address.canonical.in_(bindparam("canonicals", expanding=True)))
    .order_by(Address.canonical).limit(10))
INSERT_ADDRESS = tenant_bound(insert(Address.__table__).returning(Address.id))
COUNT_IN = tenant_bound(update(Address.__table__).where(
    of_tenant(Address.tenant_id), Address.canonical == bindparam("address"))
    .values(count_in=Address.count_in + bindparam("n")))


def address_row(tenant: int, canonical: str) -> dict:
    return {"tenant_id": tenant, "canonical": canonical, "kind": "corporate",
            "count_in": 0, "count_out": 0, "formal_count": 0, "first_seen": NOW,
            "created_at": NOW}


def filled(database: Database) -> int:
    tenant = ensure_tenant(database, "entra", "tid-driver")
    with database.session(tenant) as session:
        person = Person(display_name="Li Wei", names=["Li Wei", "Wei Li"], created_at=NOW,
                        updated_at=NOW, primary_pinned=True)
        session.add(person)
        session.flush()
        for canonical in ("li.wei@acme-gmbh.de", "liwei@gmail.com", "sales@acme-gmbh.de"):
            run_bound(session, INSERT_ADDRESS, address_row(tenant, canonical))
        session.execute(update(Address).where(Address.kind == "corporate",
                                              Address.canonical != "sales@acme-gmbh.de")
                        .values(person_id=person.id))
    return tenant


def test_rows_through_the_driver_equal_sqlalchemys(database: Database) -> None:
    tenant = filled(database)
    asked = {"tenant": tenant, "canonicals": ["sales@acme-gmbh.de", "li.wei@acme-gmbh.de",
                                              "nobody@example.com"]}
    with database.session(tenant) as session:
        connection = session.connection()
        through_sqlalchemy = [tuple(row) for row in connection.execute(ADDRESSES, asked)]
        found = run_bound(session, ADDRESSES, asked).all()
        assert [tuple(row) for row in found] == through_sqlalchemy
        assert found[0].canonical == "li.wei@acme-gmbh.de"
        assert found[0].names == ["Li Wei", "Wei Li"] and found[0].primary_pinned is True
        assert stored_utc(found[0].first_seen) == NOW  # SQLite keeps moments naive
        assert run_bound(session, ADDRESSES, {"tenant": tenant, "canonicals": []}).all() == []
        assert plan_for(ADDRESSES, connection.dialect, asked) is not None


def test_a_list_of_ids_goes_as_one_array_of_the_columns_type(database: Database) -> None:
    by_ids = tenant_bound(select(Address.canonical).where(
        of_tenant(Address.tenant_id), Address.id.in_(bindparam("ids", expanding=True)))
        .order_by(Address.canonical))
    tenant = filled(database)
    with database.session(tenant) as session:
        ids = session.scalars(select(Address.id)).all()
        asked = {"tenant": tenant, "ids": [*ids, 999_999]}
        assert run_bound(session, by_ids, asked).scalars().all() == [
            "li.wei@acme-gmbh.de", "liwei@gmail.com", "sales@acme-gmbh.de"]
        plan = plan_for(by_ids, session.connection().dialect, asked)
    if database.engine.dialect.name == "postgresql":  # psycopg would send small ints as int2
        assert "= ANY(%(ids)s::INTEGER[])" in plan.sql
    else:  # one JSON array, not a parameter per value
        assert "IN (SELECT value FROM json_each(?))" in plan.sql


def test_in_lists_on_the_driver_keep_their_meaning(database: Database) -> None:
    """Empty lists, NOT IN, and text that would need quoting in JSON."""
    tenant = filled(database)
    odd = 'o"dd\\name@acme-gmbh.de'
    outside = tenant_bound(select(Address.canonical).where(
        of_tenant(Address.tenant_id),
        Address.canonical.not_in(bindparam("canonicals", expanding=True)))
        .order_by(Address.canonical))
    inside = tenant_bound(select(Address.canonical).where(
        of_tenant(Address.tenant_id),
        Address.canonical.in_(bindparam("canonicals", expanding=True))))
    with database.session(tenant) as session:
        run_bound(session, INSERT_ADDRESS, address_row(tenant, odd))
        everyone = sorted(session.scalars(select(Address.canonical)).all())
        dialect = session.connection().dialect
        assert plan_for(outside, dialect, {"tenant": tenant, "canonicals": []}) is not None
        assert run_bound(session, outside, {"tenant": tenant, "canonicals": []}
                         ).scalars().all() == everyone
        assert run_bound(session, outside, {"tenant": tenant, "canonicals": [odd]}
                         ).scalars().all() == [name for name in everyone if name != odd]
        assert run_bound(session, inside, {"tenant": tenant, "canonicals": []}).all() == []
        assert run_bound(session, inside, {"tenant": tenant, "canonicals": (odd,)}
                         ).scalars().all() == [odd]


def test_writes_through_the_driver_are_in_the_sessions_transaction(database: Database) -> None:
    tenant = filled(database)
    with database.session(tenant) as session:
        run_bound(session, COUNT_IN, [{"tenant": tenant, "address": "liwei@gmail.com", "n": 2},
                                      {"tenant": tenant, "address": "liwei@gmail.com", "n": 3}])
    with pytest.raises(RuntimeError), database.session(tenant) as session:
        run_bound(session, COUNT_IN, {"tenant": tenant, "address": "liwei@gmail.com", "n": 9})
        raise RuntimeError("rolled back")
    with database.session(tenant) as session:
        assert session.scalar(select(Address.count_in).where(
            Address.canonical == "liwei@gmail.com")) == 5


def test_moments_are_stored_as_sqlalchemy_stores_them(database: Database) -> None:
    """On SQLite a moment is text, compared as text: the driver's must be the same text."""
    tenant = filled(database)
    moments = [NOW, datetime(2026, 1, 2, 3, 4, 5, 60, tzinfo=UTC), datetime(2026, 3, 1)]
    with database.session(tenant) as session:
        for number, moment in enumerate(moments):
            row = {**address_row(tenant, f"m{number}@driver.example"), "first_seen": moment}
            run_bound(session, INSERT_ADDRESS, row)
            session.execute(insert(Address).values(
                **{**row, "canonical": f"m{number}@sqlalchemy.example"}))
        stored = dict(session.execute(select(Address.canonical, cast(
            Address.first_seen, String))).all())
    for number in range(len(moments)):
        assert stored[f"m{number}@driver.example"] == stored[f"m{number}@sqlalchemy.example"]


def test_a_duplicate_raises_sqlalchemys_integrity_error(database: Database) -> None:
    """observe() retries on IntegrityError when another writer stored a row first."""
    tenant = filled(database)
    with pytest.raises(IntegrityError), database.session(tenant) as session:
        run_bound(session, INSERT_ADDRESS, address_row(tenant, "liwei@gmail.com"))
    with database.session(tenant) as session:  # nothing was lost
        assert session.scalar(select(Address.canonical).where(
            Address.canonical == "liwei@gmail.com")) == "liwei@gmail.com"


def test_the_engines_cursor_events_see_driver_statements(database: Database) -> None:
    """The tests' check for unscoped SQL listens there."""
    tenant = filled(database)
    seen: list[str] = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda *given: seen.append(given[2]))
    with database.session(tenant) as session:
        run_bound(session, ADDRESSES, {"tenant": tenant, "canonicals": ["liwei@gmail.com"]})
    assert any("FROM addresses" in statement for statement in seen)


def test_what_the_driver_cannot_do_alone_takes_sqlalchemys_path(database: Database) -> None:
    dialect = database.engine.dialect
    rows = [address_row(1, "a@b.example"), address_row(1, "c@d.example")]
    assert plan_for(INSERT_ADDRESS, dialect, rows[0]) is not None
    # A decimal column converted by SQLAlchemy after psycopg (on SQLite the driver's path
    # converts it, as every column there), and columns with Python-side defaults missing
    decimal = plan_for(tenant_bound(select(cast(Suggestion.confidence, Numeric(6, 3))).where(
        of_tenant(Suggestion.tenant_id))), dialect, {"tenant": 1})
    assert (decimal is None) == (dialect.name == "postgresql")
    assert plan_for(INSERT_ADDRESS, dialect, {"tenant_id": 1, "canonical": "a@b.example",
                                              "created_at": NOW}) is None
    # Several parameter sets that return rows (SQLAlchemy batches them into one statement)
    assert plan_for(INSERT_ADDRESS, dialect, rows) is None


def test_json_is_written_as_sqlalchemy_writes_it(database: Database) -> None:
    """The driver's path converts JSON with SQLAlchemy's own processor: the same text, and
    values that only compare equal (True and 1) stay apart."""
    insert_company = tenant_bound(insert(Company.__table__))
    channels = [{"po": "purchasing@acme.example"}, {"po": "purchasing@acme.example"},
                {"1": "x"}, {"n": 1}, {"n": True}, {"n": [1, {"deep": None}]}, {}, {"ü": "ß"}]
    tenant = filled(database)
    with database.session(tenant) as session:
        for number, value in enumerate(channels):
            row = {"tenant_id": tenant, "name": f"driver {number}", "formal_channels": value,
                   "visibility": "team", "created_at": NOW, "updated_at": NOW}
            assert plan_for(insert_company, session.connection().dialect, row) is not None
            run_bound(session, insert_company, row)
            session.execute(insert(Company).values(**{**row, "name": f"sqlalchemy {number}"}))
        stored = dict(session.execute(select(Company.name, cast(
            Company.formal_channels, String))).all())
        back = dict(session.execute(select(Company.name, Company.formal_channels)).all())
    for number, value in enumerate(channels):
        assert stored[f"driver {number}"] == stored[f"sqlalchemy {number}"]
        assert back[f"driver {number}"] == value
    assert stored["driver 3"] != stored["driver 4"]  # 1 and True


def test_json_lists_are_written_as_sqlalchemy_writes_them(database: Database) -> None:
    insert_person = tenant_bound(insert(Person.__table__))
    names = [["Li Wei", "Wei Li"], ["Li Wei", "Wei Li"], [], ["Müller"], ["1", 1], [True]]
    tenant = filled(database)
    with database.session(tenant) as session:
        for number, value in enumerate(names):
            row = {"tenant_id": tenant, "display_name": f"driver {number}", "names": value,
                   "name_key": "", "primary_pinned": False, "visibility": "team",
                   "created_at": NOW, "updated_at": NOW}
            assert plan_for(insert_person, session.connection().dialect, row) is not None
            run_bound(session, insert_person, row)
            session.execute(insert(Person).values(**{**row,
                                                     "display_name": f"sqlalchemy {number}"}))
        stored = dict(session.execute(select(Person.display_name, cast(
            Person.names, String))).all())
    for number in range(len(names)):
        assert stored[f"driver {number}"] == stored[f"sqlalchemy {number}"]


def test_an_sqlite_without_json_functions_keeps_in_lists_with_sqlalchemy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON functions are built into SQLite since 3.38, an option before."""
    database = Database(f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    database.upgrade()
    forbid_unscoped_statements(database.engine)
    monkeypatch.setattr(driver_execute, "_sqlite_reads_json", lambda: False)
    by_names = tenant_bound(select(Address.canonical).where(  # a statement no plan was made for
        of_tenant(Address.tenant_id),
        Address.canonical.in_(bindparam("names", expanding=True))))
    tenant = filled(database)
    with database.session(tenant) as session:
        asked = {"tenant": tenant, "names": ["liwei@gmail.com"]}
        assert plan_for(by_names, session.connection().dialect, asked) is None
        assert run_bound(session, by_names, asked).scalars().all() == ["liwei@gmail.com"]
