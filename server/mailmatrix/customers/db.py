"""The database: one engine per app, tenant-bound sessions, migrations (SQLite and PostgreSQL).

SQLite runs in WAL mode with foreign keys on and a busy timeout, so several processes (the app
and ``mailmatrix ingest``) can share the embedded file. Both databases get the schema from the
same Alembic migrations.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any, TypeVar

import click
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

# Importing scoping registers the tenant rules on every Session; no session may exist without.
from mailmatrix.customers import scoping  # noqa: F401

EXTENSION_KEY = "mailmatrix.database"
T = TypeVar("T")


class Database:
    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **_engine_options(url, engine_options))
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            _ping_after_idle(self.engine)
        # A writing session on SQLite takes the write lock when it begins (BEGIN IMMEDIATE),
        # waiting for it under the busy timeout: a deferred one that read first and then
        # wrote would fail at once ("database is locked") whenever another process had
        # written since its snapshot, and under load even retries ran out.
        self._sessions = sessionmaker(
            self.engine.execution_options(**{_BEGIN: "BEGIN IMMEDIATE"})
            if self.engine.dialect.name == "sqlite" else self.engine,
            expire_on_commit=False)
        # Reads for one view need no transaction of their own on PostgreSQL: without one, a
        # view saves the BEGIN and COMMIT round trips (each statement sees committed data).
        self._readers = sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT")
            if self.engine.dialect.name == "postgresql" else self.engine,
            expire_on_commit=False)

    @contextmanager
    def session(self, tenant_id: int | None) -> Iterator[Session]:
        """A session bound to one tenant (None only for tenant administration); one transaction:
        committed when the block ends, rolled back if it raises."""
        with self._sessions() as session:
            session.info["tenant_id"] = tenant_id
            with session.begin():
                yield session

    @contextmanager
    def reading(self, tenant_id: int) -> Iterator[Session]:
        """A session bound to one tenant for reading a view (a profile); nothing it changes is
        kept."""
        with self._readers() as session:
            session.info["tenant_id"] = tenant_id
            try:
                yield session
            finally:
                session.rollback()

    def retrying(self, work: Callable[[], T], attempts: int = 6) -> T:
        """Run an idempotent unit of work, again if SQLite was locked by another writer.

        WAL lets readers and one writer work together, and a writing session waits for the
        lock when it begins; a write outside such a session (an engine connection's) that
        upgrades a read snapshot still gets "database is locked" at once, so it starts over.
        """
        for attempt in range(attempts):
            try:
                return work()
            except OperationalError as error:
                if "locked" not in str(error).lower() or attempt == attempts - 1:
                    raise
                time.sleep(0.02 * 2 ** attempt + random.random() * 0.02)
        raise AssertionError("unreachable")

    def upgrade(self, revision: str = "head") -> None:
        command.upgrade(_alembic_config(self.url), revision)

    def schema_revision(self) -> str | None:
        """The migration the database carries (None: never migrated)."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(_alembic_config(self.url)).get_current_head()

    def dispose(self) -> None:
        self.engine.dispose()


def _engine_options(url: str, options: dict[str, Any]) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}, **options}
    # A database that is down answers "refused" at once; one that is unreachable gets 5 s
    return {"connect_args": {"connect_timeout": 5}, **options}


IDLE_BEFORE_PING = 5.0  # seconds a pooled connection may rest before it is checked again


def _ping_after_idle(engine: Engine) -> None:
    """Check a pooled connection before use when it has rested a while (a restart, a dropped
    idle connection): a dead one is replaced before the request sees it. SQLAlchemy's
    pool_pre_ping would check every checkout, a round trip each; a panel request takes two.
    A connection lost in use fails its request, and SQLAlchemy then drops the whole pool."""

    @event.listens_for(engine, "checkin")
    def rested_from(_connection: Any, record: Any) -> None:
        record.info["mailmatrix.idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked(connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("mailmatrix.idle_since")
        if since is None or time.monotonic() - since < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError(f"a pooled connection was lost: {error}") from error


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Python's sqlite3 would only BEGIN before the first write, leaving the reads before it
    # outside the transaction (and open to lost updates); we begin ourselves instead.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_BEGIN = "mailmatrix_sqlite_begin"


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN, "BEGIN"))


def _alembic_config(url: str) -> Config:
    config = Config()
    location = resources.files("mailmatrix.customers") / "migrations"
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def init_app(app: Flask) -> Database:
    database = Database(str(app.config["DATABASE_URL"]))
    app.extensions[EXTENSION_KEY] = database
    app.cli.add_command(db_group)
    return database


def database_of(app: Flask) -> Database:
    return app.extensions[EXTENSION_KEY]


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Database commands."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def upgrade_command(revision: str) -> None:
    """Create or migrate the schema of MAILMATRIX_DATABASE_URL (SQLite or PostgreSQL)."""
    database = database_of(current_app)
    database.upgrade(revision)
    click.echo(f"database at {database.engine.url.render_as_string(hide_password=True)} "
               f"is at {revision}")


def stored_utc(moment: datetime) -> datetime:
    """A stored moment, aware: SQLite hands back naive datetimes; everything we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso_utc(moment: datetime | None) -> str | None:
    """A stored moment as ISO 8601."""
    return None if moment is None else stored_utc(moment).isoformat()
