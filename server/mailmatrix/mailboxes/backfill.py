"""Whole-mailbox backfill: "learn from my mailbox", so the panel knows customers from day one.

Reads a ``BackfillSource`` page by page, newest first, back to ``since``; every page is
observed as one batch (``observe_many``, idempotent by Message-ID) and then the job row records
the cursor of the next page. Stopped at any point (a crash, a deploy, Ctrl-C), a run started
again continues from the last recorded cursor; a page that was observed but not yet recorded
is read again and changes nothing. Throttling is honoured by waiting what the provider asked;
a grant that stopped working ends the run as "failed" with the reason, for the panel to show.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from mailmatrix.addresses.hosting import MxHostsLookup
from mailmatrix.auth.principal import Principal
from mailmatrix.customers.db import Database, stored_utc
from mailmatrix.customers.load_statistics import LoadStatistics
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
STOPPED = "stopped"  # interrupted; the next run resumes at once
CLAIMED = "claimed"  # only inside claim_backfill's transaction: a row it just created
ACTIVE_SECONDS = 600  # a page takes under a minute, a throttling wait is reported before it
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
    """Run (or resume) the user's backfill from ``source`` until it is done or cannot go on;
    a run active elsewhere is left alone (its progress is returned)."""
    claimed = claim_backfill(database, principal, source.provider, months, now())
    if claimed is None:
        found = backfill_progress(database, principal, source.provider)
        assert found is not None, "an active run has a job row"
        return found
    return continue_backfill(database, principal, source, claimed, mx_hosts=mx_hosts,
                             on_progress=on_progress, sleep=sleep, now=now)


def claim_backfill(database: Database, principal: Principal, provider: str, months: int,
                   moment: datetime) -> Progress | None:
    """Mark the user's backfill as running (None when a run is active already, here or on
    another host: it reported within ``ACTIVE_SECONDS``).

    A run that is done, or asked for another number of months, starts over from the newest
    message; anything else resumes where the last run stopped."""
    since = moment - timedelta(days=31 * max(1, min(months, MAX_MONTHS)))

    def work() -> Progress | None:
        with database.session(principal.tenant_id) as session:
            get_or_create(session, BackfillJob, {
                "tenant_id": principal.tenant_id, "user_id": principal.user_id,
                "provider": provider}, {"since": since, "state": CLAIMED, "read": 0, "new": 0,
                                        "detail": "", "started_at": moment,
                                        "updated_at": moment})
            row = session.scalars(_job_of(principal, provider).with_for_update()).one()
            if row.state != CLAIMED and is_active(_progress(row), moment):
                return None
            other_span = abs((stored_utc(row.since) - since).total_seconds()) > 2 * 86400
            if row.state == DONE or other_span:
                row.since, row.cursor, row.read, row.new = since, None, 0, 0
                row.estimated_total, row.started_at = None, moment
            row.state, row.detail, row.updated_at = RUNNING, "", moment
            return _progress(row)

    return database.retrying(work)  # SQLite: another writer's lock means "try again"


def is_active(progress: Progress | None, moment: datetime | None = None) -> bool:
    if progress is None or progress.state not in (RUNNING, WAITING):
        return False
    age = ((moment or datetime.now(UTC)) - progress.updated_at).total_seconds()
    return age < ACTIVE_SECONDS


def continue_backfill(database: Database, principal: Principal, source: BackfillSource,
                      job: Progress, *, mx_hosts: MxHostsLookup | None = None,
                      on_progress: Callable[[Progress], None] | None = None,
                      sleep: Callable[[float], None] = time.sleep,
                      now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Progress:
    """Read pages from where the claimed ``job`` stands until done or stuck. Stopped by an
    exception (Ctrl-C, a failing database), the job is marked stopped on the way out, so the
    next run need not wait for it to go stale."""
    try:
        return _read_pages(database, principal, source, job, mx_hosts=mx_hosts,
                           on_progress=on_progress or (lambda _progress: None), sleep=sleep,
                           now=now)
    except BaseException:
        # (the database may be what failed: then the job goes stale instead)
        with contextlib.suppress(Exception):
            _record(database, principal, source.provider, now(), state=STOPPED, detail="")
        raise


def _read_pages(database: Database, principal: Principal, source: BackfillSource,
                job: Progress, *, mx_hosts: MxHostsLookup | None,
                on_progress: Callable[[Progress], None], sleep: Callable[[float], None],
                now: Callable[[], datetime]) -> Progress:
    report, statistics = on_progress, LoadStatistics(database)
    report(job)
    # Where the claimed job stands; from then on this run is the one that moves it
    cursor, waits = _cursor(database, principal, source.provider), 0
    while True:
        try:
            page = source.page(job.since, cursor)
        except (Throttled, SourceUnavailable) as busy:
            waits += 1
            # Given up for now after many waits in a row: stopped, so a new run may resume
            job = _record(database, principal, source.provider, now(), detail=str(busy),
                          state=WAITING if waits <= MAX_WAITS_IN_A_ROW else STOPPED)
            report(job)
            if job.state == STOPPED:
                return job
            sleep(busy.retry_after if isinstance(busy, Throttled) else UNAVAILABLE_WAIT)
            continue
        except ConsentNeeded as refused:
            job = _record(database, principal, source.provider, now(), state=FAILED,
                          detail=f"connect the mailbox again: {refused}")
            report(job)
            return job
        waits = 0
        results = observe_many(database, principal, page.facts, mx_hosts=mx_hosts) \
            if page.facts else []
        statistics.wrote(len(page.facts))
        job = _record(database, principal, source.provider, now(),
                      state=RUNNING if page.cursor else DONE, detail="",
                      cursor=page.cursor, read=len(page.facts),
                      new=sum(result.created for result in results),
                      estimated_total=page.estimated_total)
        report(job)
        if page.cursor is None:
            return job
        cursor = page.cursor


def backfill_progress(database: Database, principal: Principal, provider: str
                      ) -> Progress | None:
    with database.reading(principal.tenant_id) as session:
        row = session.scalars(_job_of(principal, provider)).first()
        return _progress(row) if row is not None else None


def _cursor(database: Database, principal: Principal, provider: str) -> str | None:
    with database.reading(principal.tenant_id) as session:
        return session.scalars(_job_of(principal, provider).with_only_columns(
            BackfillJob.cursor)).one()


def _record(database: Database, principal: Principal, provider: str, moment: datetime, *,
            state: str, detail: str, cursor: str | None | bool = False, read: int = 0,
            new: int = 0, estimated_total: int | None = None) -> Progress:
    """``cursor`` False: unchanged (a wait); None: the last page was read."""

    def work() -> Progress:
        with database.session(principal.tenant_id) as session:
            row = session.scalars(_job_of(principal, provider).with_for_update()).one()
            if cursor is not False:
                row.cursor = cursor  # type: ignore[assignment]
            row.read, row.new = row.read + read, row.new + new
            if estimated_total is not None:
                row.estimated_total = estimated_total
            row.state, row.detail, row.updated_at = state, detail[:500], moment
            return _progress(row)

    return database.retrying(work)


def _job_of(principal: Principal, provider: str):  # type: ignore[no-untyped-def]
    return select(BackfillJob).where(BackfillJob.tenant_id == principal.tenant_id,
                                     BackfillJob.user_id == principal.user_id,
                                     BackfillJob.provider == provider)


def _progress(row: BackfillJob) -> Progress:
    return Progress(row.provider, row.state, stored_utc(row.since), row.read, row.new,
                    row.estimated_total, row.detail, stored_utc(row.updated_at))

