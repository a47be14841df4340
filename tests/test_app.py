"""The application factory, configuration, health and the demo page."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mailmatrix import create_app
from mailmatrix.customers.db import Database, database_of
from mailmatrix.resources import shipped_folder


def test_healthz_answers_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_settings_come_from_mailmatrix_environment_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MAILMATRIX_DNS_TIMEOUT", "0.5")
    monkeypatch.setenv("MAILMATRIX_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app()
    assert app.config["DNS_TIMEOUT"] == 0.5
    assert app.config["DATABASE_URL"].endswith("x.db")


def test_default_database_is_sqlite_in_the_instance_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MAILMATRIX_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["DATABASE_URL"] == f"sqlite:///{Path(app.instance_path)}/mailmatrix.sqlite3"


def test_the_served_files_ship_with_the_package() -> None:
    assert (shipped_folder("sidebar") / "templates" / "demo.html").is_file()
    assert (shipped_folder("sidebar") / "static" / "mailmatrix.css").is_file()


def test_demo_page_shows_the_sample_buyer_and_a_checked_address(client: FlaskClient) -> None:
    assert client.get("/").headers["Location"] == "/check"  # the inbox is the demo's only
    page = client.get("/check", query_string={"address": "Li Wei <li.wei+alibaba@googlemail.com>"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "liwei@gmail.com" in text and "acme-gmbh.de" in text


def test_hostile_display_name_is_escaped_on_the_demo_page(client: FlaskClient) -> None:
    hostile = '"<img src=x onerror=alert(1)>" <evil@x.ru>'
    text = client.get("/check", query_string={"address": hostile}).get_data(as_text=True)
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_settings_come_from_the_instance_config_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MAILMATRIX_DNS_TIMEOUT", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "mailmatrix.cfg").write_text("DNS_TIMEOUT = 0.25\n")
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    assert create_app().config["DNS_TIMEOUT"] == 0.25


def test_an_overlong_address_on_the_demo_page_is_a_clear_error(client: FlaskClient) -> None:
    response = client.get("/check", query_string={"address": "a" * 100_000 + "@acme.de"})
    assert response.status_code == 200
    assert "longer than" in response.get_data(as_text=True)


def test_readiness_needs_a_migrated_database(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    waiting = client.get("/readyz")
    assert waiting.status_code == 503 and waiting.json["status"] == "not_migrated"
    database_of(app).upgrade()
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["revision"] == database_of(app).head_revision()


def test_serving_loads_the_tone_models_before_the_workers_fork() -> None:
    from mailmatrix.serve import warm_up
    from mailmatrix.tone.formality import packaged_model
    from mailmatrix.tone.language import _identifier

    packaged_model.cache_clear()
    _identifier.cache_clear()
    warm_up()
    assert packaged_model.cache_info().currsize == 1
    assert _identifier.cache_info().currsize == 1


def test_serving_builds_the_large_tenants_lookalike_indexes_before_the_fork(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from mailmatrix.customers import lookalikes
    from mailmatrix.customers.models import Company, CompanyDomain
    from mailmatrix.customers.tenants import ensure_tenant
    from mailmatrix.serve import warm_up

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"})
    database = database_of(app)
    warm_up(database)  # not migrated yet: the indexes are built on demand, serving starts
    database.upgrade()
    now = datetime.now(UTC)
    large, small = ensure_tenant(database, "entra", "large"), ensure_tenant(database, "entra",
                                                                            "small")
    for tenant, count in ((large, 3), (small, 1)):
        with database.session(tenant) as session:
            for number in range(count):
                company = Company(name=f"c{number}", created_at=now, updated_at=now)
                session.add(company)
                session.flush()
                session.add(CompanyDomain(company_id=company.id, domain=f"c{number}-{tenant}.com"))
    monkeypatch.setattr(lookalikes, "PRELOAD_FROM", 2)
    assert lookalikes.preload_indexes(database) == 1  # the large tenant's only
    with database.reading(large) as session:
        index = lookalikes.customer_domain_index(session, large)
        assert index.check(f"c0-{large}.com") is None  # its own customer
        assert index.check(f"cO-{large}.com") is not None  # O for 0


def test_after_serving_warms_up_a_first_panel_compiles_no_plan_and_no_template(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker would otherwise spend its first requests compiling (about 0.2 s)."""
    from mailmatrix.customers import driver_execute
    from mailmatrix.serve import warm_up

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DEMO_MODE": True,
                      "DATABASE_URL": database.engine.url.render_as_string(hide_password=False)})
    monkeypatch.setattr(driver_execute, "_PLANS", {})  # as in a fresh process
    warm_up(database_of(app), app)
    planned, compiled = [], []
    make_plan, compile_template = driver_execute._plan, app.jinja_env.compile
    this_thread = threading.get_ident()  # not an earlier test's app still at work elsewhere

    def plan(statement: Any, *given: Any) -> Any:
        if threading.get_ident() == this_thread:
            planned.append(str(statement))
        return make_plan(statement, *given)

    monkeypatch.setattr(driver_execute, "_plan", plan)
    monkeypatch.setattr(app.jinja_env, "compile", lambda *given, **named: (
        compiled.append(given), compile_template(*given, **named))[1])
    answer = app.test_client().post("/api/panel", headers={"Authorization": "Bearer demo"}, json={
        "from": {"emailAddress": "li.wei@acme-gmbh.de", "displayName": "Li Wei"},
        "to": [{"emailAddress": "rep@example-export.com"}], "subject": "PO 4411",
        "internetMessageId": "<warm@acme-gmbh.de>", "body": "Dear Anna,\nthe PO.\nLi Wei"})
    assert answer.status_code == 200, answer.json
    assert [sql for sql in planned if not sql.startswith("INSERT")] == []  # per column set
    assert compiled == []
