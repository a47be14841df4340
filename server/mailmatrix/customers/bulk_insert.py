"""Many new rows in one statement: a PostgreSQL batch from arrays; a few rows, and SQLite, by
executemany.

psycopg sends an executemany as one statement per row (pipelined) and SQLAlchemy's multi-row
VALUES as a parameter per field; both cost the client more than the server on a batch of
thousands. ``INSERT ... SELECT FROM unnest(arrays)`` is one statement with a parameter per
column, and can return what it created.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import ARRAY, JSON, Text, bindparam, cast, func, insert, select
from sqlalchemy.orm import Session

from mailmatrix.customers.scoping import run_bound, tenant_bound

# Rows: fewer go by executemany of a plain statement (the panel's one message), because
# building the array statement costs more than it saves (counters.py uses it too)
SMALL_BATCH = 50


def insert_rows(session: Session, table: Any, rows: Sequence[dict[str, Any]],
                returning: Sequence[str] = ()) -> list[Any]:
    """Insert ``rows`` (all with the same keys); the ``returning`` columns of every new row, in
    no particular order (key them by a unique column)."""
    if not rows:
        return []
    if len(rows) <= SMALL_BATCH or session.get_bind().dialect.name != "postgresql":
        # With RETURNING, SQLAlchemy's insertmanyvalues: one statement per batch of rows
        found = run_bound(session, _plain_insert(table, tuple(returning)), list(rows))
        return list(found) if returning else []
    names = list(rows[0])
    arrays = []
    for name in names:
        kind = table.c[name].type
        as_json = isinstance(kind, JSON)  # sent as text, cast back in the select
        arrays.append(bindparam(
            f"all_{name}", [json.dumps(row[name]) if as_json else row[name] for row in rows],
            type_=ARRAY(Text() if as_json else kind)))
    given = func.unnest(*arrays).table_valued(*names).render_derived(name="given")
    source = select(*(cast(given.c[name], table.c[name].type)
                      if isinstance(table.c[name].type, JSON) else given.c[name]
                      for name in names))
    statement = insert(table).from_select(names, source)
    if not returning:
        session.execute(statement)
        return []
    return list(session.execute(statement.returning(*(table.c[name] for name in returning))))


@cache
def _plain_insert(table: Any, returning: tuple[str, ...]) -> Any:
    """``INSERT INTO table`` (returning those columns), built once: building one costs about as
    much as running it for the panel's one message."""
    statement = insert(table)
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning))
    return tenant_bound(statement)
