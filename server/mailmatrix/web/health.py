"""Probes for the load balancer and the orchestrator: ``/healthz`` (the process answers) and
``/readyz`` (the database answers and carries the newest migration: send traffic here)."""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from mailmatrix.customers.db import database_of

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    return {"status": "ok"}, 200


@bp.get("/readyz")
def readyz() -> tuple[dict[str, object], int]:
    database = database_of(current_app)
    try:
        current, head = database.schema_revision(), database.head_revision()
    except SQLAlchemyError as error:
        return {"status": "unavailable", "database": error.__class__.__name__}, 503
    if current != head:
        return {"status": "not_migrated", "revision": current, "expected": head}, 503
    return {"status": "ready", "revision": current}, 200
