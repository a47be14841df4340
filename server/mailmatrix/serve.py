"""``mailmatrix serve``: the production server, gunicorn with the app factory. Run it behind
your HTTPS termination (a proxy or load balancer); every process is stateless, so several
hosts can share one PostgreSQL and one Redis."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


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
