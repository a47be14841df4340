"""Schemathesis over docs/openapi.json against the app: generated requests for every operation
(valid and invalid bodies, odd parameters). No request gets a 500; every error is a typed JSON
error ({error, message})."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

from hypothesis import HealthCheck, settings  # noqa: E402

from mailmatrix import create_app  # noqa: E402
from mailmatrix.customers.db import database_of  # noqa: E402
from mailmatrix.web.demo_mailbox import seed_demo  # noqa: E402
from tests.conftest import REPOSITORY  # noqa: E402

DEMO = {"Authorization": "Bearer demo"}  # the demo's admin: every operation is reachable


def _app():  # noqa: ANN202
    folder = Path(tempfile.mkdtemp())
    app = create_app({"TESTING": True, "SECRET_KEY": "fuzz", "DEMO_MODE": True,
                      "RATE_LIMIT_USER": 0, "RATE_LIMIT_TENANT": 0,
                      "DATABASE_URL": f"sqlite:///{folder / 'fuzz.sqlite3'}"})
    database_of(app).upgrade()
    seed_demo(database_of(app))  # persons, notes and addresses to hit
    return app


schema = schemathesis.openapi.from_dict(
    json.loads((REPOSITORY / "docs" / "openapi.json").read_text(encoding="utf-8")))
schema.app = _app()
# Valid requests and invalid ones (wrong types, missing fields, extra parameters)
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE,
                                       schemathesis.GenerationMode.NEGATIVE])


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_generated_request_gets_a_server_error(case) -> None:  # noqa: ANN001
    response = case.call(headers=DEMO)
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) >= {"error", "message"}, body
