"""Where msal keeps each user's Graph tokens: Redis when ``MAILMATRIX_REDIS_URL`` is set (every
app process on every host shares them), else this process's memory.

One msal token cache per user (``tid``/``oid``), as msal recommends for web apps: loaded
before a token is asked for, written back only when msal changed it. The entries hold access
and refresh tokens: Redis must be private to the app, and entries expire on their own.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import msal
from cachetools import TTLCache

ENTRY_SECONDS = 24 * 3600  # a day; after that the pane's next token is exchanged afresh
PREFIX = "mailmatrix:msal:"


class TokenCaches(Protocol):
    def load(self, tid: str, oid: str) -> msal.SerializableTokenCache: ...

    def save(self, tid: str, oid: str, cache: msal.SerializableTokenCache) -> None: ...


class InProcessTokenCaches:
    """The embedded default: one cache object per user, kept for a day, at most ``users``."""

    def __init__(self, users: int = 10_000) -> None:
        self._caches: TTLCache[str, msal.SerializableTokenCache] = TTLCache(users,
                                                                            ENTRY_SECONDS)
        self._lock = threading.Lock()

    def load(self, tid: str, oid: str) -> msal.SerializableTokenCache:
        with self._lock:
            cache = self._caches.get(_key(tid, oid))
            if cache is None:
                cache = self._caches[_key(tid, oid)] = msal.SerializableTokenCache()
            return cache

    def save(self, tid: str, oid: str, cache: msal.SerializableTokenCache) -> None:
        pass  # the object itself is kept


class RedisTokenCaches:
    """Shared between processes; a Redis that is down costs a fresh exchange, never a
    request (the caller gets an empty cache and the write is skipped)."""

    def __init__(self, client: Any) -> None:
        self._redis = client

    @classmethod
    def from_url(cls, url: str) -> RedisTokenCaches:
        try:
            import redis
        except ImportError:
            raise RuntimeError("MAILMATRIX_REDIS_URL is set but the redis package is not "
                               "installed (pip install 'mailmatrix[redis]')") from None
        return cls(redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5))

    def load(self, tid: str, oid: str) -> msal.SerializableTokenCache:
        cache = msal.SerializableTokenCache()
        try:
            stored = self._redis.get(_key(tid, oid))
        except _redis_errors():
            return cache
        if stored:
            cache.deserialize(stored.decode() if isinstance(stored, bytes) else stored)
        return cache

    def save(self, tid: str, oid: str, cache: msal.SerializableTokenCache) -> None:
        if not cache.has_state_changed:
            return
        try:
            self._redis.set(_key(tid, oid), cache.serialize(), ex=ENTRY_SECONDS)
        except _redis_errors():
            pass


def token_caches_for(redis_url: str | None) -> TokenCaches:
    return RedisTokenCaches.from_url(redis_url) if redis_url else InProcessTokenCaches()


def _key(tid: str, oid: str) -> str:
    return f"{PREFIX}{tid}.{oid}"


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.RedisError, OSError)
