"""Tenant-bound statements run on the driver's own cursor (psycopg, and Python's sqlite3).

SQLAlchemy's execute costs the client about 200-400 microseconds a statement on the panel's
path, and half of that is result metadata: it reads the cursor's description, for which
psycopg builds an object per column at every execution (a profile of the panel: 14% of the
profile's CPU). On SQLite, ingest's executemany of thousands of rows spent more in
SQLAlchemy's per-row parameter handling than in SQLite. These statements are built once and
their columns are known, so each is compiled once for the dialect and, when nothing in it needs
SQLAlchemy at run time, executed on the driver's cursor with its rows made into named tuples.

"Nothing needs SQLAlchemy": on PostgreSQL the result columns have no result processors (the
driver already hands back Python values); on SQLite, where moments and JSON come back as text,
SQLAlchemy's processors convert them, as they need nothing but the value. An insert names
every column that has a Python-side default, and several parameter sets return no rows. An
expanding IN list is one parameter, not one per value (which SQLAlchemy would render into the
statement at every call): ``= ANY(array)`` on PostgreSQL, and on SQLite a JSON array read by
``json_each``. Anything else takes SQLAlchemy's path (``plan_for`` answers None). Errors are
raised as SQLAlchemy's, and a lost connection is invalidated, as on SQLAlchemy's path.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Float, Integer
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

_EXPANDED_IN = re.compile(r"\b(NOT )?IN \(__\[POSTCOMPILE_(\w+)\]\)")
Parameters = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


@dataclass(frozen=True)
class DriverPlan:
    sql: str
    defaults: dict[str, Any]  # values compiled into the statement (LIMIT 1, constant values)
    processors: dict[str, Callable[[Any], Any]]  # bind processors (JSON to text, ...)
    row: Any  # a named tuple class of the result columns; None when none come back
    positions: tuple[str, ...] | None = None  # the parameters' order, where the driver's are "?"
    # SQLite's result columns to convert (moments come back as text, JSON as text): (index,
    # SQLAlchemy's own result processor)
    converters: tuple[tuple[int, Callable[[Any], Any]], ...] = ()
    # Where the driver's are "?": a row's values in order, and the ones to convert, each once
    # however often the statement names it (a counter's moments are named at two or three
    # places). Ingest binds rows by the hundred thousand: a merged dict per row and a
    # conversion per place took a sixth of its time.
    _values_of: Callable[[Mapping[str, Any]], tuple[Any, ...]] = field(init=False)
    _converted: tuple[tuple[str, Callable[[Any], Any]], ...] = field(init=False)

    def __post_init__(self) -> None:
        names = self.positions or ()
        getter = itemgetter(*names) if len(names) > 1 else (
            (lambda given: (given[names[0]],)) if names else (lambda given: ()))
        object.__setattr__(self, "_values_of", getter)
        object.__setattr__(self, "_converted", tuple(
            (name, self.processors[name]) for name in dict.fromkeys(names)
            if name in self.processors))

    def run(self, connection: Connection, parameters: Parameters) -> DriverResult:
        many = isinstance(parameters, (list, tuple))
        given = [self._bind(each) for each in parameters] if many \
            else self._bind(parameters or {})
        cursor = _cursor_of(connection)
        # The engine's cursor events still see every statement (the tests' tenant check)
        events = connection.dispatch
        try:
            if events.before_cursor_execute:
                events.before_cursor_execute(connection, cursor, self.sql, given, None, many)
            if many and len(given) != 1:
                cursor.executemany(self.sql, given)  # psycopg pipelines several
                rows = []
            elif many:
                cursor.execute(self.sql, given[0])
                rows = []
            else:
                cursor.execute(self.sql, given)
                rows = self._rows(cursor.fetchall()) if self.row is not None else []
            if events.after_cursor_execute:
                events.after_cursor_execute(connection, cursor, self.sql, given, None, many)
            return DriverResult(rows, cursor.rowcount)
        except connection.dialect.loaded_dbapi.Error as error:
            lost = connection.dialect.is_disconnect(
                error, connection.connection.driver_connection, cursor)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(self.sql, given, error,
                                      connection.dialect.loaded_dbapi.Error,
                                      connection_invalidated=lost,
                                      dialect=connection.dialect) from error

    def _rows(self, found: list[Any]) -> list[Any]:
        make = self.row._make
        if not self.converters:
            return [make(values) for values in found]
        rows = []
        for values in found:
            values = list(values)
            for index, converter in self.converters:
                values[index] = converter(values[index])
            rows.append(make(values))
        return rows

    def _bind(self, given: Mapping[str, Any]) -> dict[str, Any] | tuple[Any, ...]:
        values = {**self.defaults, **given} if self.defaults else given
        if self.positions is not None:
            if self._converted:
                values = dict(values)
                for name, processor in self._converted:
                    values[name] = processor(values[name])
            return self._values_of(values)
        values = dict(values)
        for name, processor in self.processors.items():
            if name in values:
                values[name] = processor(values[name])
        return values


def _cursor_of(connection: Connection) -> Any:
    """The driver connection's own cursor, made once and used for each statement after it
    (one thread has the connection at a time): making a psycopg cursor (its adapters, its
    state) costs about 40 microseconds, as much as a small statement's round trip."""
    pooled = connection.connection  # its ``info`` lives as long as the driver connection
    driver = pooled.driver_connection
    kept = pooled.info.get(_CURSOR)
    if kept is None or kept[0] is not driver:
        kept = pooled.info[_CURSOR] = (driver, driver.cursor())
    return kept[1]


_CURSOR = "mailmatrix.driver_cursor"


class DriverResult:
    """The parts of SQLAlchemy's Result that the tenant-bound statements' callers use."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows, self.rowcount = rows, rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return list(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        if len(self._rows) != 1:
            raise ValueError(f"expected one row, got {len(self._rows)}")
        return self._rows[0]

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalars(self) -> DriverResult:
        return DriverResult([row[0] for row in self._rows], self.rowcount)


_DRIVERS = {("postgresql", "psycopg"), ("sqlite", "pysqlite")}

# Tenant-bound statements are built once (scoping.BOUND_STATEMENTS): this holds one plan per
# statement, dialect and set of inserted columns, however long the process runs.
_PLANS: dict[tuple[Any, str, tuple[str, ...]], DriverPlan | None] = {}


def plan_for(statement: Any, dialect: Dialect, parameters: Parameters) -> DriverPlan | None:
    """The statement's plan on the driver, made once per statement (and, for an insert, per
    set of columns given); None when it must take SQLAlchemy's path."""
    if (dialect.name, dialect.driver) not in _DRIVERS:
        return None
    many = isinstance(parameters, (list, tuple))
    first = (parameters[0] if parameters else {}) if many else (parameters or {})
    columns = tuple(first) if _is_insert(statement) else ()
    key = (statement, dialect.name, columns)
    if key not in _PLANS:
        _PLANS[key] = _plan(statement, dialect, columns)
    plan = _PLANS[key]
    if plan is not None and many and plan.row is not None:
        return None  # several parameter sets with RETURNING: SQLAlchemy's insertmanyvalues
    return plan


def plan_all(statements: Iterable[Any], dialect: Dialect) -> None:
    """Make the plans of ``statements`` ahead of their first run (an insert's waits for the
    columns it is given): serving does it before its workers fork, so that none of them
    spends its first requests compiling (about 50 ms for the panel's statements)."""
    for statement in statements:
        if not _is_insert(statement):
            plan_for(statement, dialect, {})


def _is_insert(statement: Any) -> bool:
    return bool(statement.is_dml and statement.is_insert)


def _plan(statement: Any, dialect: Dialect, columns: tuple[str, ...]) -> DriverPlan | None:
    compiled = statement.compile(dialect=dialect,
                                 column_keys=list(columns) if columns else None)
    # An IN list is expanded by SQLAlchemy at every call; on the driver it is one array. A
    # list of integers is cast to the column's type: psycopg would pick the smallest type
    # that holds the values, and so prepare the statement again for each. (Text goes as text.)
    binds = {name: bind for bind, name in compiled.bind_names.items()}

    def as_array(found: re.Match[str]) -> str:
        kind = binds[found[2]].type
        cast = f"::{kind.compile(dialect=dialect)}[]" if isinstance(kind, Integer) else ""
        return f"{'<> ALL' if found[1] else '= ANY'}(%({found[2]})s{cast})"

    def as_json_values(found: re.Match[str]) -> str:
        return f"{found[1] or ''}IN (SELECT value FROM json_each(?))"

    # SQLite has no arrays: an IN list is sent as one JSON array and read by json_each (where
    # this SQLite has JSON functions: built in since 3.38, an option before)
    if dialect.name != "sqlite":
        sql = _EXPANDED_IN.sub(as_array, compiled.string)
    else:
        sql = _EXPANDED_IN.sub(as_json_values, compiled.string) if _sqlite_reads_json() \
            else compiled.string
    if "POSTCOMPILE" in sql:
        return None
    if compiled.insert_prefetch or compiled.update_prefetch:
        return None  # Python-side defaults to compute at run time
    returned = list(statement.exported_columns)  # a write's: its RETURNING columns, if any
    converters = []
    for index, column in enumerate(returned):
        if not _needs_processing(column.type, dialect):
            continue
        converter = _sqlite_converter(column.type, dialect) if dialect.name == "sqlite" \
            else None
        if converter is None:
            return None
        converters.append((index, converter))
    processors, defaults = {}, {}
    for bind, name in compiled.bind_names.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None and bind.expanding:
            return None  # it converts each value of a list: SQLAlchemy's path
        if processor is not None and isinstance(bind.type, JSON):
            processors[name] = _json_remembered(processor)
        elif processor is not None:
            processors[name] = _cheaper(processor) if dialect.name == "sqlite" else processor
        elif bind.expanding:  # any sequence, as psycopg's array (a tuple is its record)
            processors[name] = _json_list if dialect.name == "sqlite" else list
        if not bind.required:
            defaults[name] = compiled.params[name]
    row = namedtuple("Row", [column.key or f"column_{n}" for n, column in
                             enumerate(returned)], rename=True) if returned else None
    positions = tuple(compiled.positiontup) if compiled.positional else None
    return DriverPlan(sql, defaults, processors, row, positions, tuple(converters))


@cache
def _sqlite_reads_json() -> bool:
    try:
        with closing(sqlite3.connect(":memory:")) as connection:
            connection.execute("SELECT value FROM json_each('[1]')").fetchall()
    except sqlite3.OperationalError:
        return False
    return True


def _json_list(values: Iterable[Any]) -> str:
    return json.dumps(list(values))


def _json_remembered(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A JSON parameter's text made once per distinct flat value of strings: ingest writes
    the same few verdicts ({"dmarc": "pass", ...}) and lists of formal matters with every
    message, at 1.4-2.1 µs each to serialize. (Strings only, keys and values: True and 1 are
    equal as keys of a cache, and must not share a text.)"""
    @lru_cache(maxsize=1024)
    def text_of(kind: type, items: tuple[Any, ...]) -> Any:
        return processor(dict(items) if kind is dict else list(items))

    def process(value: Any) -> Any:
        kind = type(value)
        if kind is dict and all(type(key) is str and type(each) is str
                                for key, each in value.items()):
            return text_of(dict, tuple(value.items()))
        if (kind is list or kind is tuple) and all(type(each) is str for each in value):
            return text_of(list, tuple(value))
        return processor(value)
    return process


def _cheaper(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """SQLite's moments as text (``YYYY-MM-DD HH:MM:SS.ffffff``, the zone dropped) at a fifth
    of the cost of SQLAlchemy's formatting, where the two agree: ingest binds a few per row."""
    try:
        agrees = all(processor(moment) == _as_sqlite_text(moment) for moment in _SAMPLES)
    except Exception:  # a processor for other values (JSON, an enum's names): not a moment's
        agrees = False
    if not agrees:
        return processor

    def process(value: Any) -> Any:
        return _as_sqlite_text(value) if type(value) is datetime else processor(value)
    return process


def _as_sqlite_text(moment: datetime) -> str:
    if moment.tzinfo is UTC:  # equal moments in UTC write alike (one in another zone may not)
        return _utc_as_sqlite_text(moment)
    return moment.isoformat(" ", "microseconds")[:26]


@lru_cache(maxsize=16_384)
def _utc_as_sqlite_text(moment: datetime) -> str:
    """Ingest writes a message's moment up to nine times (the observation; first and last seen
    of each participant's address and raw form): formatting took a twentieth of its time."""
    return moment.isoformat(" ", "microseconds")[:26]


_SAMPLES = (datetime(2026, 11, 28, 9, 5, 7, 120), datetime(987, 1, 2, tzinfo=UTC))


def _sqlite_converter(kind: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    """SQLAlchemy's result processor for a column on SQLite, which needs no cursor description
    (it converts the value alone); None when it cannot be had that way."""
    try:
        return kind.dialect_impl(dialect).result_processor(dialect, None)
    except (TypeError, ValueError, KeyError):
        return None


def _needs_processing(kind: Any, dialect: Dialect) -> bool:
    """Whether SQLAlchemy converts this column's values after the driver. A float column's
    processor asks for the database's type code (only a description tells it); our
    migrations make float columns double precision, which psycopg returns as float already.
    Any other column whose processor cannot tell takes SQLAlchemy's path."""
    if isinstance(kind, Float) and not kind.asdecimal:
        return False
    try:
        return kind.dialect_impl(dialect).result_processor(dialect, None) is not None
    except (TypeError, ValueError, KeyError):
        return True
