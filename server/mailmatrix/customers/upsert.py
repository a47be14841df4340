"""Get-or-create rows that two processes may create at the same moment.

``INSERT ... ON CONFLICT DO NOTHING`` on the table's unique key, then read the row back: two
concurrent observes of the same new address produce one row on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from mailmatrix.customers.models import Base


def get_or_create(session: Session, model: type[Base], key: dict[str, Any],
                  values: dict[str, Any]) -> Any:
    """The row of ``model`` matching ``key`` (a unique key, tenant_id included), created with
    ``values`` if missing."""
    criteria = [getattr(model, column) == value for column, value in key.items()]
    row = session.scalars(select(model).where(*criteria)).first()
    if row is not None:
        return row
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite_insert
    session.execute(insert(model).values(**key, **values)
                    .on_conflict_do_nothing(index_elements=list(key)))
    return session.scalars(select(model).where(*criteria)).one()
