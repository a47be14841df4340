"""MX lookups for the hosting of corporate domains: cached, time-boxed, never on the panel's path.

The address core asks ``known(domain)``, which answers from the cache at once and, on a miss,
queues a lookup on a small background pool; the next request sees the answer. Ingest may use
``lookup_now`` with the hard time budget. Answers are cached with cachetools (they may be
slightly stale, which is fine for hosting); failures are cached briefly so a dead resolver is
not hammered.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

import dns.exception
import dns.resolver
from cachetools import TTLCache
from flask import Flask

log = logging.getLogger(__name__)

FAILURE_TTL = 300.0  # seconds before a failed lookup is tried again
EXTENSION_KEY = "mailmatrix.mx_lookup"


class Resolver(Protocol):
    """The part of ``dns.resolver.Resolver`` we use (tests pass a fake of the same shape)."""

    def resolve(self, qname: str, rdtype: str, *, lifetime: float) -> Any: ...


class MxLookup:
    def __init__(
        self,
        resolver: Resolver | None = None,
        *,
        timeout: float = 2.0,
        ttl: float = 6 * 3600,
        maxsize: int = 50_000,
        workers: int = 2,
    ) -> None:
        self._resolver = resolver or dns.resolver.Resolver()
        self._timeout = timeout
        self._answers: TTLCache[str, tuple[str, ...]] = TTLCache(maxsize, ttl)
        self._failures: TTLCache[str, bool] = TTLCache(maxsize, FAILURE_TTL)
        self._pending: dict[str, Future[tuple[str, ...] | None]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mx-lookup")

    def known(self, domain: str) -> Sequence[str] | None:
        """The MX hosts if already known; otherwise None now, and a lookup is queued."""
        with self._lock:
            hosts = self._answers.get(domain)
            if hosts is not None or domain in self._failures or domain in self._pending:
                return hosts
            self._pending[domain] = self._pool.submit(self._lookup_and_store, domain)
        return None

    def lookup_now(self, domain: str) -> Sequence[str] | None:
        """Look up (or join the queued lookup) and wait at most the time budget."""
        hosts = self.known(domain)
        if hosts is not None:
            return hosts
        with self._lock:
            future = self._pending.get(domain)
        if future is None:
            return self._answers.get(domain)
        try:
            return future.result(timeout=self._timeout + 0.5)
        except TimeoutError:
            return None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _lookup_and_store(self, domain: str) -> tuple[str, ...] | None:
        try:
            hosts = self._query(domain)
        finally:
            with self._lock:
                self._pending.pop(domain, None)
        with self._lock:
            if hosts is None:
                self._failures[domain] = True
            else:
                self._answers[domain] = hosts
        return hosts

    def _query(self, domain: str) -> tuple[str, ...] | None:
        """MX exchanges by preference; () = no MX (implicit MX); ("",) = null MX or no domain."""
        try:
            answer = self._resolver.resolve(domain, "MX", lifetime=self._timeout)
        except dns.resolver.NXDOMAIN:
            return ("",)
        except dns.resolver.NoAnswer:
            return ()
        except (dns.exception.DNSException, OSError) as error:
            log.info("MX lookup failed for %s: %s", domain, type(error).__name__)
            return None
        records = sorted(answer, key=lambda record: record.preference)
        return tuple(record.exchange.to_text(omit_final_dot=True) for record in records)


def init_app(app: Flask, resolver: Resolver | None = None) -> MxLookup:
    lookup = MxLookup(
        resolver or app.config.get("DNS_RESOLVER"),
        timeout=float(app.config["DNS_TIMEOUT"]),
        ttl=float(app.config["DNS_CACHE_TTL"]),
        maxsize=int(app.config["DNS_CACHE_SIZE"]),
    )
    app.extensions[EXTENSION_KEY] = lookup
    return lookup


def mx_lookup_of(app: Flask) -> MxLookup:
    return app.extensions[EXTENSION_KEY]
