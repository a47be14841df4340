"""Shared fixtures: the Flask tutorial's app/client/runner, and where the peer data lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings

from mailmatrix import create_app

REPOSITORY = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("MAILMATRIX_SHARED_DATA", REPOSITORY.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# CI explores the same examples every run, so a red build always means a change broke
# something; developers' runs keep exploring new inputs.
settings.register_profile("ci", derandomize=True, deadline=None)
if IN_CI:
    settings.load_profile("ci")


def require_or_skip(available: bool, reason: str) -> None:
    """Skip when an outside resource is missing on a laptop; in CI its absence is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "test",
                       "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}"})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def demo_app(tmp_path: Path) -> Flask:
    """The demo (``mailmatrix demo``): demo sign-in, the rep's mailbox seeded."""
    from mailmatrix.customers.db import database_of
    from mailmatrix.web.demo_mailbox import seed_demo

    found = create_app({"TESTING": True, "SECRET_KEY": "test", "DEMO_MODE": True,
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    database_of(found).upgrade()
    seed_demo(database_of(found))
    seed_demo(database_of(found))  # starting the demo twice changes nothing
    return found


@pytest.fixture
def shared_data() -> Path:
    require_or_skip(SHARED_DATA.is_dir(), f"peer data sets not found at {SHARED_DATA}")
    return SHARED_DATA


POSTGRES_URL = os.environ.get("MAILMATRIX_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_reachable() -> bool:
    try:
        import sqlalchemy

        engine = sqlalchemy.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False
    return True


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path):  # noqa: ANN201
    """A migrated database of each kind; PostgreSQL in a schema of its own per test."""
    import uuid

    import sqlalchemy

    from mailmatrix.customers.db import Database
    from mailmatrix.customers.scoping import forbid_unscoped_statements

    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'graph.sqlite3'}"
    else:
        require_or_skip(postgres_reachable(), f"PostgreSQL not reachable at {POSTGRES_URL}")
        schema = f"mm_test_{uuid.uuid4().hex[:12]}"
        admin = sqlalchemy.create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in POSTGRES_URL else "?"
        url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    database = Database(url)
    database.upgrade()
    forbid_unscoped_statements(database.engine)
    yield database
    database.dispose()
    if schema is not None:
        with admin.begin() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
