"""Planner statistics while a bulk load grows the tables (PostgreSQL).

PostgreSQL plans by statistics that autovacuum refreshes now and then (and never where it is
turned off). A bulk load that makes the tables many times larger than when they were last
analyzed gets plans made for small tables: ingest's "which of these message keys are known"
became a filter over every observation of the user instead of an index lookup per key
(660 ms instead of 7 ms a batch at 30,000 messages). So a load analyzes the tables it grows
each time it has doubled what it wrote: a dozen ANALYZEs (sampled: tens of milliseconds
each) for a million messages.
"""

from __future__ import annotations

from sqlalchemy import text

from mailmatrix.customers.db import Database

GROWN_BY_LOADS = ("observations", "participants", "addresses", "address_forms", "persons",
                  "suggestions")
FIRST_AT = 2000  # messages


class LoadStatistics:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._enabled = database.engine.dialect.name == "postgresql"
        self._written, self._next = 0, FIRST_AT

    def wrote(self, messages: int) -> None:
        self._written += messages
        if not self._enabled or self._written < self._next:
            return
        self._next = 2 * self._written
        with self._database.engine.connect() as connection:
            connection.execute(text("ANALYZE " + ", ".join(GROWN_BY_LOADS)))
            connection.commit()
