"""Tenant scoping by construction: a session bound to one tenant sees and writes only its rows.

Every ORM SELECT, UPDATE and DELETE issued through a tenant session gets
``tenant_id = <tenant>`` added for every tenant table it touches (``with_loader_criteria``), and
every new row is stamped with the tenant on flush; a row of another tenant cannot be added.
Tests additionally install ``forbid_unscoped_statements`` on the engine, which fails any SQL
statement on a tenant table that does not name ``tenant_id``.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from mailmatrix.customers.models import TENANT_TABLES, TenantScoped

TENANT_KEY = "tenant_id"


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was about to be written through another tenant's session."""


class UnscopedStatement(AssertionError):
    """A statement on a tenant table without a tenant restriction (raised in tests)."""


def tenant_of(session: Session) -> int | None:
    return session.info.get(TENANT_KEY)


@event.listens_for(Session, "do_orm_execute")
def _restrict_to_tenant(state: ORMExecuteState) -> None:
    tenant_id = tenant_of(state.session)
    if tenant_id is None or not (state.is_select or state.is_update or state.is_delete):
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id,
                             include_aliases=True, track_closure_variables=True)
    )


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, _context: Any, _instances: Any) -> None:
    tenant_id = tenant_of(session)
    if tenant_id is None:
        return
    for row in session.new:
        if not isinstance(row, TenantScoped):
            continue
        if getattr(row, "tenant_id", None) is None:
            row.tenant_id = tenant_id
        elif row.tenant_id != tenant_id:
            raise CrossTenantWrite(f"{type(row).__name__} of tenant {row.tenant_id} written "
                                   f"through a session of tenant {tenant_id}")


_WHERE = re.compile(r"\bwhere\b")
_BY_PRIMARY_KEY = re.compile(r"\w+\.id\s*=\s*(\?|%\(\w+\)s)(::\w+)?")
_TABLE_WORDS = re.compile(r"\b(?:from|join|update|into)\s+\"?(\w+)\"?", re.IGNORECASE)


def forbid_unscoped_statements(engine: Engine) -> None:
    """Test hook: fail every statement on a tenant table that does not restrict tenant_id."""

    @event.listens_for(engine, "before_cursor_execute")
    def check(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any,
              _executemany: bool) -> None:
        touched = {name.lower() for name in _TABLE_WORDS.findall(statement)} & TENANT_TABLES
        if not touched:
            return
        lowered = statement.lower()
        if lowered.lstrip().startswith("insert"):
            if "tenant_id" not in lowered.split("values", 1)[0]:
                raise UnscopedStatement(f"insert without tenant_id: {statement[:200]}")
            return
        where = _WHERE.split(lowered, maxsplit=1)
        if len(where) == 2 and _BY_PRIMARY_KEY.fullmatch(where[1].strip()):
            # By primary key alone come only the unit of work's writes and the refreshes of
            # expired rows, both of rows this tenant's session loaded (scoped) or created
            # (stamped); Session.get() of an arbitrary id does carry the tenant criteria.
            return
        if len(where) < 2 or "tenant_id" not in where[1]:
            raise UnscopedStatement(f"statement on {sorted(touched)} is not restricted to one "
                                    f"tenant: {statement[:200]}")
