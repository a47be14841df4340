"""Tenant scoping by construction: a session bound to one tenant sees and writes only its rows.

Every ORM SELECT, UPDATE and DELETE issued through a tenant session gets
``tenant_id = <tenant>`` added for every tenant table it touches (``with_loader_criteria``), and
every new row is stamped with the tenant on flush; a row of another tenant cannot be added.

The statements of the hot paths (the panel, ingest) are built once and ``tenant_bound``: each
restricts every tenant table by a ``tenant`` parameter, checked when the statement is built,
and the session checks at every run that the parameter is its own tenant. They skip the added
criteria, and ``run_bound`` runs them on the session's connection without the ORM: together
about 250 microseconds a statement, most of what a statement costs the client. On PostgreSQL
they run on the driver's cursor (``driver_execute``), another 150-250 microseconds less.

Tests additionally install ``forbid_unscoped_statements`` on the engine, which fails any SQL
statement on a tenant table that does not name ``tenant_id``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import bindparam, event, update
from sqlalchemy.engine import Connection, Engine, Result
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import Executable

from mailmatrix.customers.driver_execute import DriverResult, plan_for
from mailmatrix.customers.models import TENANT_TABLES, TenantScoped

TENANT_KEY = "tenant_id"
BOUND = "tenant_bound"  # the execution option that marks a checked, prebuilt statement
S = TypeVar("S", bound=Executable)


class CrossTenantWrite(RuntimeError):
    """A row of one tenant was about to be written through another tenant's session."""


class UnscopedStatement(AssertionError):
    """A statement on a tenant table without a tenant restriction (raised in tests, and when a
    statement declared ``tenant_bound`` is not)."""


def tenant_of(session: Session) -> int | None:
    return session.info.get(TENANT_KEY)


@event.listens_for(Session, "do_orm_execute")
def _restrict_to_tenant(state: ORMExecuteState) -> None:
    tenant_id = tenant_of(state.session)
    if tenant_id is None or not (state.is_select or state.is_update or state.is_delete):
        return
    if key := state.execution_options.get(BOUND):
        _check_tenant_parameter(state.parameters, key, tenant_id)
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


def tenant_bound(statement: S) -> S:
    """Mark a prebuilt statement as restricted to the tenant of its ``tenant`` parameter, after
    checking that it is: it names the parameter, and every tenant table it reads or writes is
    restricted by ``tenant_id``."""
    compiled = statement.compile()
    key = "tenant_id" if getattr(statement, "is_insert", False) else "tenant"
    if key not in compiled.params:
        raise UnscopedStatement(f"a tenant-bound statement needs a {key!r} parameter: "
                                f"{compiled}")
    reason = _unscoped(str(compiled), by_primary_key_alone=False)
    if reason:
        raise UnscopedStatement(reason)
    bound = statement.execution_options(**{BOUND: key})
    BOUND_STATEMENTS.append(bound)
    return bound


# Every tenant-bound statement (each is built once, at import or on first use): serving
# compiles their plans before its workers fork (serve.warm_up)
BOUND_STATEMENTS: list[Any] = []


def of_tenant(column: Any) -> Any:
    """``column = :tenant``: how a tenant-bound statement restricts a table."""
    return column == bindparam("tenant")


def row_of_tenant(table: Any) -> Any:
    """An UPDATE of one row of a tenant table, by the ``tenant`` and ``row`` parameters (its
    values to follow; then ``tenant_bound``)."""
    return update(table).where(of_tenant(table.c.tenant_id), table.c.id == bindparam("row"))


def run_bound(session: Session, statement: Executable,
              parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
              ) -> Result[Any] | DriverResult:
    """Run a ``tenant_bound`` Core statement in the session's transaction, past the ORM (whose
    pending changes are flushed first, as a query through the session would); on PostgreSQL
    on the driver's cursor where it can (driver_execute.py)."""
    tenant_id, key = tenant_of(session), statement.get_execution_options().get(BOUND)
    if tenant_id is None or not key:
        raise UnscopedStatement("run_bound runs tenant-bound statements in tenant sessions")
    _check_tenant_parameter(parameters, key, tenant_id)
    if session.new or session.deleted or session.dirty:
        session.flush()
    connection = _connection(session)
    plan = plan_for(statement, connection.dialect, parameters)
    if plan is not None:
        return plan.run(connection, parameters)
    return connection.execute(statement, parameters)


def _connection(session: Session) -> Connection:
    """The session's connection, kept for its transaction: ``Session.connection()`` walks the
    transaction's state machine at every call (a panel request made fifteen)."""
    kept = session.info.get(_CONNECTION)
    if kept is None or kept[0] is not session.get_transaction():
        connection = session.connection()  # begins the transaction if none is open
        session.info[_CONNECTION] = kept = (session.get_transaction(), connection)
    return kept[1]


_CONNECTION = "mailmatrix.bound_connection"


def _check_tenant_parameter(parameters: Any, key: str, tenant_id: int) -> None:
    """Every parameter set names the session's tenant (an insert: as each row's tenant_id)."""
    for given in parameters if isinstance(parameters, (list, tuple)) else [parameters]:
        if not given or given.get(key) != tenant_id:
            raise CrossTenantWrite(f"a statement bound to tenant {(given or {}).get(key)} run "
                                   f"in a session of tenant {tenant_id}")


_WHERE = re.compile(r"\bwhere\b")
_BY_PRIMARY_KEY = re.compile(r"\w+\.id\s*=\s*(\?|%\(\w+\)s)(::\w+)?")
_TABLE_WORDS = re.compile(r"\b(?:from|join|update|into)\s+\"?(\w+)\"?", re.IGNORECASE)


def forbid_unscoped_statements(engine: Engine) -> None:
    """Test hook: fail every statement on a tenant table that does not restrict tenant_id."""

    @event.listens_for(engine, "before_cursor_execute")
    def check(_conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any,
              _executemany: bool) -> None:
        reason = _unscoped(statement)
        if reason:
            raise UnscopedStatement(reason)


def _unscoped(statement: str, *, by_primary_key_alone: bool = True) -> str | None:
    """Why an SQL statement on a tenant table is not restricted to one tenant, if it is not
    (``by_primary_key_alone``: whether the unit of work's own statements are allowed)."""
    touched = {name.lower() for name in _TABLE_WORDS.findall(statement)} & TENANT_TABLES
    if not touched:
        return None
    lowered = statement.lower()
    if lowered.lstrip().startswith("insert"):
        if "tenant_id" not in lowered.split("values", 1)[0]:
            return f"insert without tenant_id: {statement[:200]}"
        return None
    where = _WHERE.split(lowered, maxsplit=1)
    if by_primary_key_alone and len(where) == 2 and _BY_PRIMARY_KEY.fullmatch(where[1].strip()):
        # By primary key alone come only the unit of work's writes and the refreshes of
        # expired rows, both of rows this tenant's session loaded (scoped) or created
        # (stamped); Session.get() of an arbitrary id does carry the tenant criteria.
        return None
    if len(where) < 2 or "tenant_id" not in where[1]:
        return (f"statement on {sorted(touched)} is not restricted to one tenant: "
                f"{statement[:200]}")
    return None
