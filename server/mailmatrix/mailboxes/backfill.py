"""Whole-mailbox backfill: "learn from my mailbox", so the panel knows customers from day one.

Reads a ``BackfillSource`` page by page, newest first, back to ``since``; every page is
observed as one batch (``observe_many``, idempotent by Message-ID) and then the job row records
the cursor of the next page. Stopped at any point (a crash, a deploy, Ctrl-C), a run started
again continues from the last recorded cursor; a page that was observed but not yet recorded
is read again and changes nothing. Throttling is honoured by waiting what the provider asked;
a grant that stopped working ends the run as "failed" with the reason, for the panel to show.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from mailmatrix.addresses.hosting import MxHostsLookup
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database
from mailmatrix.customers.models import BackfillJob
from mailmatrix.customers.observe import observe_many
from mailmatrix.customers.upsert import get_or_create
from mailmatrix.mailboxes.backfill_source import (
    BackfillSource,
    ConsentNeeded,
    SourceUnavailable,
    Throttled,
)

RUNNING, WAITING, DONE, FAILED = "running", "waiting", "done", "failed"
MAX_MONTHS = 120
MAX_WAITS_IN_A_ROW = 8  # throttled or unreachable this often without progress: stop, resumable
UNAVAILABLE_WAIT = 30.0  # seconds before asking an unreachable provider again


@dataclass(frozen=True)
class Progress:
    provider: str
    state: str
    since: datetime
    read: int
    new: int
    estimated_total: int | None
    detail: str
    updated_at: datetime

    def as_json(self) -> dict[str, object]:
        return {"provider": self.provider, "state": self.state,
                "since": self.since.isoformat(), "read": self.read, "new": self.new,
                "estimated_total": self.estimated_total, "detail": self.detail,
                "updated_at": self.updated_at.isoformat()}


def run_backfill(database: Database, principal: Principal, source: BackfillSource, *,
                 months: int, mx_hosts: MxHostsLookup | None = None,
                 on_progress: Callable[[Progress], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Progress:
    """Run (or resume) the user's backfill from ``source`` until it is done or cannot go on.

    A run that is done, or asked for another number of months, starts over from the newest
    message; anything else resumes where the last run stopped."""
    months = max(1, min(months, MAX_MONTHS))
    job = _start(database, principal, source.provider, now() - timedelta(days=31 * months),
                 now())
    report = on_progress or (lambda _progress: None)
    report(job)
    waits = 0
    while True:
        try:
            page = source.page(job.since, _cursor(database, principal, source.provider))
        except Throttled as throttled:
            waits, job = waits + 1, _record(database, principal, source.provider, now(),
                                            state=WAITING, detail=str(throttled))
            report(job)
            if waits > MAX_WAITS_IN_A_ROW:
                return job
            sleep(throttled.retry_after)
            continue
        except SourceUnavailable as unavailable:
            waits, job = waits + 1, _record(database, principal, source.provider, now(),
                                            state=WAITING, detail=str(unavailable))
            report(job)
            if waits > MAX_WAITS_IN_A_ROW:
                return job
            sleep(UNAVAILABLE_WAIT)
            continue
        except ConsentNeeded as refused:
            job = _record(database, principal, source.provider, now(), state=FAILED,
                          detail=f"connect the mailbox again: {refused}")
            report(job)
            return job
        waits = 0
        results = observe_many(database, principal, page.facts, mx_hosts=mx_hosts) \
            if page.facts else []
        job = _record(database, principal, source.provider, now(),
                      state=RUNNING if page.cursor else DONE, detail="",
                      cursor=page.cursor, read=len(page.facts),
                      new=sum(result.created for result in results),
                      estimated_total=page.estimated_total)
        report(job)
        if page.cursor is None:
            return job


def backfill_progress(database: Database, principal: Principal, provider: str
                      ) -> Progress | None:
    with database.session(principal.tenant_id) as session:
        row = session.scalars(_job_of(principal, provider)).first()
        return _progress(row) if row is not None else None


def _start(database: Database, principal: Principal, provider: str, since: datetime,
           moment: datetime) -> Progress:
    with database.session(principal.tenant_id) as session:
        row = get_or_create(session, BackfillJob, {
            "tenant_id": principal.tenant_id, "user_id": principal.user_id,
            "provider": provider}, {"since": since, "state": RUNNING, "read": 0, "new": 0,
                                    "detail": "", "started_at": moment,
                                    "updated_at": moment})
        other_span = abs((_utc(row.since) - since).total_seconds()) > 2 * 86400
        if row.state == DONE or other_span:
            row.since, row.cursor, row.read, row.new = since, None, 0, 0
            row.estimated_total, row.started_at = None, moment
        row.state, row.detail, row.updated_at = RUNNING, "", moment
        return _progress(row)


def _cursor(database: Database, principal: Principal, provider: str) -> str | None:
    with database.session(principal.tenant_id) as session:
        row = session.scalars(_job_of(principal, provider)).one()
        return row.cursor


def _record(database: Database, principal: Principal, provider: str, moment: datetime, *,
            state: str, detail: str, cursor: str | None | bool = False, read: int = 0,
            new: int = 0, estimated_total: int | None = None) -> Progress:
    """``cursor`` False: unchanged (a wait); None: the last page was read."""
    with database.session(principal.tenant_id) as session:
        row = session.scalars(_job_of(principal, provider).with_for_update()).one()
        if cursor is not False:
            row.cursor = cursor  # type: ignore[assignment]
        row.read, row.new = row.read + read, row.new + new
        if estimated_total is not None:
            row.estimated_total = estimated_total
        row.state, row.detail, row.updated_at = state, detail[:500], moment
        return _progress(row)


def _job_of(principal: Principal, provider: str):  # type: ignore[no-untyped-def]
    return select(BackfillJob).where(BackfillJob.tenant_id == principal.tenant_id,
                                     BackfillJob.user_id == principal.user_id,
                                     BackfillJob.provider == provider)


def _progress(row: BackfillJob) -> Progress:
    return Progress(row.provider, row.state, _utc(row.since), row.read, row.new,
                    row.estimated_total, row.detail, _utc(row.updated_at))


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
