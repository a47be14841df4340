"""Requests per minute per user and per organization, on the JSON API and the add-on
endpoints: counted in the process by default, shared by every process through Redis."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from flask import Flask

from mailmatrix.auth.rate_limits import EXTENSION, RedisCounter
from tests.conftest import require_or_skip
from tests.google_fake import Google, app_for_google, event
from tests.microsoft_fake import Microsoft, app_trusting
from tests.test_on_behalf_of import REDIS_URL, redis_reachable

OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"


def limited(app: Flask, per_user: int, per_tenant: int) -> Flask:
    app.config.update(RATE_LIMIT_USER=per_user, RATE_LIMIT_TENANT=per_tenant)
    return app


def me(app: Flask, token: str) -> int:
    return app.test_client().get("/api/v1/me",
                                 headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_user_and_then_the_organization_hit_their_limits(tmp_path: Path) -> None:
    microsoft = Microsoft()
    app = limited(app_trusting(microsoft, f"sqlite:///{tmp_path / 'rl.sqlite3'}"), 3, 5)
    anna = microsoft.token(oid="00000000-0000-4000-8000-0000000000a1")
    tom = microsoft.token(oid="00000000-0000-4000-8000-0000000000b2")
    stranger = microsoft.token(oid="00000000-0000-4000-8000-0000000000c3", tid=OTHER_TENANT,
                               iss=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0")
    assert [me(app, anna) for _ in range(4)] == [200, 200, 200, 429]
    answer = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {anna}"})
    assert answer.json["error"] == "rate_limited" and "user" in answer.json["message"]
    assert 1 <= int(answer.headers["Retry-After"]) <= 60
    assert me(app, tom) == 429  # the organization's five are used up (anna's refused count)
    assert me(app, stranger) == 200  # another organization has its own


def test_the_gmail_endpoints_are_limited_too(tmp_path: Path) -> None:
    google = Google()
    app = limited(app_for_google(google, f"sqlite:///{tmp_path / 'g.sqlite3'}"), 2, 100)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {google.system_token('/gmail/homepage')}"}
    codes = [client.post("/gmail/homepage", json=event(google), headers=headers).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]


def test_app_processes_share_the_counts_through_redis(tmp_path: Path) -> None:
    require_or_skip(redis_reachable(), f"Redis not reachable at {REDIS_URL}")
    microsoft, prefix = Microsoft(), f"mailmatrix:test:{uuid.uuid4().hex}:"
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = (limited(app_trusting(microsoft, url), 4, 100) for _ in range(2))
    for app in (first, second):
        app.extensions[EXTENSION] = RedisCounter.from_url(REDIS_URL, prefix=prefix)
    token = microsoft.token()
    codes = [me(app, token) for app in (first, second, first, second, first)]
    assert codes == [200, 200, 200, 200, 429]  # four between them, not four each


def test_a_redis_that_is_down_lets_requests_through(tmp_path: Path) -> None:
    microsoft = Microsoft()
    app = limited(app_trusting(microsoft, f"sqlite:///{tmp_path / 'down.sqlite3'}"), 1, 1)
    app.extensions[EXTENSION] = RedisCounter.from_url("redis://127.0.0.1:1/0")
    assert [me(app, microsoft.token()) for _ in range(3)] == [200, 200, 200]


@pytest.mark.parametrize("limits", [(0, 0)])
def test_zero_means_unlimited(tmp_path: Path, limits: tuple[int, int]) -> None:
    microsoft = Microsoft()
    app = limited(app_trusting(microsoft, f"sqlite:///{tmp_path / 'z.sqlite3'}"), *limits)
    assert {me(app, microsoft.token()) for _ in range(5)} == {200}
