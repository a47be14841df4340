"""What a batch of messages adds to the counters of addresses and raw forms, as SQL increments.

Increments (``count = count + n``, first/last seen widened), never values read and written
back: concurrent writers add up. On PostgreSQL a batch is one ``UPDATE ... FROM unnest(arrays)``,
because an UPDATE per row is a round trip per row (and a VALUES list a parameter per field);
a few rows (the panel's one message) and SQLite, which runs in process, take the prebuilt
per-row statement, which costs less to send than the array statement costs to build.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, DateTime, Integer, bindparam, case, func, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from mailmatrix.customers.bulk_insert import SMALL_BATCH
from mailmatrix.customers.models import Address, AddressForm
from mailmatrix.customers.scoping import row_of_tenant, run_bound, tenant_bound

_ADDRESSES = Address.__table__
_FORMS = AddressForm.__table__
_STAMP = DateTime(timezone=True)

# Each kind of counter row: its table, and the fields a row of increments has (after "row").
_ADDRESS_FIELDS = {"n_in": Integer(), "n_out": Integer(), "n_formal": Integer(),
                   "first": _STAMP, "last": _STAMP, "last_formal": _STAMP}
_FORM_FIELDS = {"n": Integer(), "first": _STAMP, "last": _STAMP}


def add_to_addresses(session: Session, tenant_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """``rows``: {"tenant": tenant_id, "row": address id, "n_in", "n_out", "n_formal", "first",
    "last", "last_formal" (or None)}."""
    _apply(session, tenant_id, rows, _ADDRESSES, _ADDRESS_FIELDS, _address_changes,
           _ADDRESS_PER_ROW)


def add_to_forms(session: Session, tenant_id: int, rows: Sequence[dict[str, Any]]) -> None:
    """``rows``: {"tenant": tenant_id, "row": raw form id, "n", "first", "last"}."""
    _apply(session, tenant_id, rows, _FORMS, _FORM_FIELDS, _form_changes, _FORM_PER_ROW)


def _address_changes(given: dict[str, Any]) -> dict[str, Any]:
    return {"count_in": _ADDRESSES.c.count_in + given["n_in"],
            "count_out": _ADDRESSES.c.count_out + given["n_out"],
            "formal_count": _ADDRESSES.c.formal_count + given["n_formal"],
            "first_seen": _earlier(_ADDRESSES.c.first_seen, given["first"]),
            "last_seen": _later(_ADDRESSES.c.last_seen, given["last"]),
            "last_formal": case((given["last_formal"].is_(None), _ADDRESSES.c.last_formal),
                                else_=_later(_ADDRESSES.c.last_formal, given["last_formal"]))}


def _form_changes(given: dict[str, Any]) -> dict[str, Any]:
    return {"count": _FORMS.c.count + given["n"],
            "first_seen": _earlier(_FORMS.c.first_seen, given["first"]),
            "last_seen": _later(_FORMS.c.last_seen, given["last"])}


def _apply(session: Session, tenant_id: int, rows: Sequence[dict[str, Any]], table: Any,
           fields: dict[str, Any], changes: Any, per_row: Any) -> None:
    if not rows:
        return
    if len(rows) <= SMALL_BATCH or session.get_bind().dialect.name != "postgresql":
        run_bound(session, per_row, rows)  # each row names its tenant (a dict less a row)
        return
    # One array per field, unnested into rows: a handful of parameters however many rows
    kinds = {"row": Integer(), **fields}
    given = func.unnest(*(bindparam(f"all_{name}", [row[name] for row in rows],
                                    type_=ARRAY(kind)) for name, kind in kinds.items())
                        ).table_valued(*kinds).render_derived(name="given")
    session.execute(update(table).where(table.c.tenant_id == tenant_id,
                                        table.c.id == given.c.row)
                    .values(changes({name: given.c[name] for name in fields})))


def _per_row(table: Any, fields: dict[str, Any], changes: Any) -> Any:
    """The per-row UPDATE of ``table``, built once, at import (building one costs about as
    much as running it for one row)."""
    return tenant_bound(row_of_tenant(table).values(
        changes({name: bindparam(name, type_=kind) for name, kind in fields.items()})))


def _earlier(stored: ColumnElement[Any], moment: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((stored.is_(None) | (stored > moment), moment), else_=stored)


def _later(stored: ColumnElement[Any], moment: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((stored.is_(None) | (stored < moment), moment), else_=stored)


_ADDRESS_PER_ROW = _per_row(_ADDRESSES, _ADDRESS_FIELDS, _address_changes)
_FORM_PER_ROW = _per_row(_FORMS, _FORM_FIELDS, _form_changes)
