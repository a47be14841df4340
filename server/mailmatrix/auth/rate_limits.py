"""Requests per minute per user and per organization, for the JSON API and the add-on
endpoints: shared by every app process through Redis when ``MAILMATRIX_REDIS_URL`` is set,
counted in this process otherwise (the embedded default).

Fixed one-minute windows: simple, and a burst at a window's edge can reach twice the limit for
a moment, which is fine for keeping one runaway client from starving the others. A Redis that
is down lets requests through (counting is protection, not a gate to the service).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol

from cachetools import TTLCache
from flask import Flask, Response, current_app, jsonify

from mailmatrix.auth.principal import Principal

EXTENSION = "mailmatrix.rate_limits"
WINDOW = 60  # seconds


class RateLimited(Exception):
    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(f"too many requests for this {scope}: try again in {retry_after} s")
        self.scope, self.retry_after = scope, retry_after


class Counter(Protocol):
    def count(self, keys: list[str], window: int) -> list[int]: ...


class InProcessCounter:
    def __init__(self) -> None:
        self._counts: TTLCache[str, int] = TTLCache(100_000, 2 * WINDOW)
        self._lock = threading.Lock()

    def count(self, keys: list[str], window: int) -> list[int]:
        with self._lock:
            found = []
            for key in keys:
                self._counts[key] = self._counts.get(key, 0) + 1
                found.append(self._counts[key])
            return found


class RedisCounter:
    def __init__(self, client: Any, prefix: str = "mailmatrix:rl:") -> None:
        self._redis, self._prefix = client, prefix

    @classmethod
    def from_url(cls, url: str, prefix: str = "mailmatrix:rl:") -> RedisCounter:
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2),
                   prefix)

    def count(self, keys: list[str], window: int) -> list[int]:
        import redis

        try:
            pipe = self._redis.pipeline(transaction=False)
            for key in keys:
                pipe.incr(self._prefix + key)
                pipe.expire(self._prefix + key, 2 * WINDOW)
            answers = pipe.execute()
        except (redis.RedisError, OSError):
            return [0] * len(keys)  # fail open
        return [int(value) for value in answers[0::2]]


def init_app(app: Flask) -> None:
    url = str(app.config.get("REDIS_URL") or "")
    app.extensions[EXTENSION] = RedisCounter.from_url(url) if url else InProcessCounter()
    app.register_error_handler(RateLimited, _too_many)


def _too_many(error: RateLimited) -> tuple[Response, int, dict[str, str]]:
    return (jsonify(error="rate_limited", message=str(error)), 429,
            {"Retry-After": str(error.retry_after)})


def check_rate(principal: Principal, now: float | None = None) -> None:
    """Count this request for its user and organization; RateLimited (429) beyond the
    configured limits (``RATE_LIMIT_USER``, ``RATE_LIMIT_TENANT`` per minute; 0: none)."""
    config = current_app.config
    per_user = int(config.get("RATE_LIMIT_USER") or 0)
    per_tenant = int(config.get("RATE_LIMIT_TENANT") or 0)
    if not per_user and not per_tenant:
        return
    moment = time.time() if now is None else now
    window = int(moment // WINDOW)
    keys = [f"u:{principal.tenant_id}:{principal.user_id}:{window}",
            f"t:{principal.tenant_id}:{window}"]
    user_count, tenant_count = current_app.extensions[EXTENSION].count(keys, window)
    retry_after = max(1, int((window + 1) * WINDOW - moment))
    if per_user and user_count > per_user:
        raise RateLimited("user", retry_after)
    if per_tenant and tenant_count > per_tenant:
        raise RateLimited("organization", retry_after)
