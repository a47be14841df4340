"""``mailmatrix serve``: the production server, gunicorn with the app factory. Run it behind
your HTTPS termination (a proxy or load balancer); every process is stateless, so several
hosts can share one PostgreSQL and one Redis."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from sqlalchemy.exc import SQLAlchemyError

from mailmatrix.customers.db import Database, database_of
from mailmatrix.customers.driver_execute import plan_all
from mailmatrix.customers.lookalikes import preload_indexes
from mailmatrix.customers.scoping import BOUND_STATEMENTS


class GunicornServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self._app, self._options = app, options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self._options.items():
            self.cfg.set(name, value)

    def load(self) -> Flask:
        return self._app


def serve(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    warm_up(database_of(app), app)
    GunicornServer(app, {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "worker_class": "gthread",
        # behind the HTTPS terminator: trust its X-Forwarded-* only from where it runs
        "forwarded_allow_ips": "127.0.0.1,::1",
        "accesslog": "-", "errorlog": "-",
        # requests log their path, never their query string (no token can leak through one)
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        "timeout": 60, "graceful_timeout": 20,
    }).run()


def warm_up(database: Database | None = None, app: Flask | None = None) -> None:
    """Load what the panel reads once per process (the language and formality models, the
    address tables, the well-known domains, the large tenants' lookalike indexes, the
    statements' plans and the compiled templates) in the master, before the workers fork and
    share it: otherwise the first panels of every worker wait for it, each of its threads
    loading its own copy (about a second of CPU each; plans and templates about 0.2 s)."""
    from mailmatrix.addresses.classify import classify_address
    from mailmatrix.addresses.lookalike import LookalikeIndex
    from mailmatrix.tone.hint import MessageForTone, tone_hint

    classify_address("Li Wei <li.wei@acme-gmbh.de>")
    LookalikeIndex(())  # the well-known domains' layer that every tenant's index shares
    tone_hint(MessageForTone(body="Dear Ms Becker,\nplease find our order attached.\n"
                                  "Kind regards\nLi Wei", subject="PO 4411", from_name="Li Wei"),
              now=datetime.now(UTC))
    if app is not None:
        for name in app.jinja_env.list_templates(extensions=["html"]):
            app.jinja_env.get_template(name)
    if database is None:
        return
    plan_all(BOUND_STATEMENTS, database.engine.dialect)
    try:
        preload_indexes(database)
    except SQLAlchemyError as error:  # not reachable or not migrated yet: built on demand
        logging.getLogger(__name__).warning("lookalike indexes not preloaded: %s", error)
