"""Graph tokens on behalf of the Outlook user, through msal with Entra's answers recorded."""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest

from mailmatrix.mailboxes.on_behalf_of import (
    GraphAccessError,
    OnBehalfOf,
    OnBehalfOfSettings,
)
from mailmatrix.mailboxes.token_caches import RedisTokenCaches
from tests.conftest import require_or_skip
from tests.microsoft_fake import TENANT, Answer, EntraEndpoints, Microsoft

OID = "1b6d0e5c-2f9a-4c1e-8d7b-3a5f9e2c4b10"
SETTINGS = OnBehalfOfSettings("4a1f6c2e-8d3b-4c5e-9f70-2b6d8e1a3c94", "a-client-secret")


@pytest.fixture
def entra() -> EntraEndpoints:
    return EntraEndpoints()


def test_the_pane_token_is_exchanged_once_and_then_reused(entra: EntraEndpoints) -> None:
    user_token = Microsoft().token()
    exchange = OnBehalfOf(SETTINGS, http_client=entra)
    assert exchange.graph_token(user_token, TENANT, OID) == "graph-token-1"
    (sent,) = entra.posts
    assert sent["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert sent["requested_token_use"] == "on_behalf_of"
    assert sent["assertion"] == user_token
    assert "https://graph.microsoft.com/Mail.Read" in sent["scope"]
    assert sent["client_id"] == SETTINGS.client_id
    assert exchange.graph_token(user_token, TENANT, OID) == "graph-token-1"
    assert len(entra.posts) == 1  # from msal's cache
    other_user = "2c7e1f6d-3a0b-4d2f-9e8c-4b6a0f3d5c21"
    assert exchange.graph_token(Microsoft().token(oid=other_user), TENANT,
                                other_user) == "graph-token-2"  # never another user's token
    assert exchange.graph_token(user_token, TENANT, OID) == "graph-token-1"
    assert len(entra.posts) == 2


@pytest.mark.parametrize(("answer", "code", "status"), [
    ({"error": "invalid_grant", "error_description": "AADSTS500133: Assertion is not within "
      "its valid time range.\r\nTrace ID: 0", "error_codes": [500133]}, "expired", 401),
    ({"error": "invalid_grant", "error_description": "AADSTS65001: The user or administrator "
      "has not consented to use the application.", "error_codes": [65001],
      "suberror": "consent_required"}, "consent_required", 403),
    ({"error": "interaction_required", "error_description": "AADSTS50076: multi-factor "
      "authentication required.", "error_codes": [50076]}, "consent_required", 403),
    ({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret "
      "provided.\r\nTrace ID: 1", "error_codes": [7000215]}, "refused", 502),
])
def test_entra_refusals_become_typed_errors(entra: EntraEndpoints, answer: dict, code: str,
                                            status: int) -> None:
    entra.token_answer = Answer(400, answer)
    with pytest.raises(GraphAccessError) as caught:
        OnBehalfOf(SETTINGS, http_client=entra).graph_token(Microsoft().token(), TENANT, OID)
    assert (caught.value.code, caught.value.status) == (code, status)
    assert "Trace ID" not in caught.value.message


def test_entra_out_of_reach_is_503(entra: EntraEndpoints) -> None:
    class Offline(EntraEndpoints):
        def post(self, *arguments: object, **options: object) -> Answer:
            raise OSError("connection refused")

    with pytest.raises(GraphAccessError) as caught:
        OnBehalfOf(SETTINGS, http_client=Offline()).graph_token(Microsoft().token(), TENANT, OID)
    assert (caught.value.code, caught.value.status) == ("unavailable", 503)


REDIS_URL = os.environ.get("MAILMATRIX_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def test_app_processes_share_the_users_tokens_through_redis(entra: EntraEndpoints) -> None:
    require_or_skip(redis_reachable(), f"Redis not reachable at {REDIS_URL}")
    oid = str(uuid.uuid4())  # a user of this run only
    user_token = Microsoft().token(oid=oid)
    first = OnBehalfOf(SETTINGS, http_client=entra,
                       token_caches=RedisTokenCaches.from_url(REDIS_URL))
    second = OnBehalfOf(SETTINGS, http_client=entra,
                        token_caches=RedisTokenCaches.from_url(REDIS_URL))
    try:
        assert first.graph_token(user_token, TENANT, oid) == "graph-token-1"
        assert second.graph_token(user_token, TENANT, oid) == "graph-token-1"
        assert len(entra.posts) == 1  # the second process found it in Redis
        import redis

        stored = redis.Redis.from_url(REDIS_URL)
        key = f"mailmatrix:msal:{TENANT}.{oid}"
        assert 0 < stored.ttl(key) <= 24 * 3600  # entries expire on their own
    finally:
        redis.Redis.from_url(REDIS_URL).delete(f"mailmatrix:msal:{TENANT}.{oid}")


def test_a_redis_that_is_down_costs_an_exchange_not_the_request(entra: EntraEndpoints) -> None:
    down = RedisTokenCaches.from_url("redis://127.0.0.1:1/0")  # nothing listens on port 1
    exchange = OnBehalfOf(SETTINGS, http_client=entra, token_caches=down)
    assert exchange.graph_token(Microsoft().token(), TENANT, OID) == "graph-token-1"
    assert exchange.graph_token(Microsoft().token(), TENANT, OID) == "graph-token-2"


def test_the_tenant_configuration_is_fetched_once_for_all_requests(
    entra: EntraEndpoints
) -> None:
    fetched = []
    answer = entra.get
    entra.get = lambda url, **kwargs: fetched.append(url) or answer(url, **kwargs)  # type: ignore[method-assign]
    exchange = OnBehalfOf(SETTINGS, http_client=entra)
    for number in range(3):
        oid = f"00000000-0000-4000-8000-00000000000{number}"
        exchange.graph_token(Microsoft().token(oid=oid), TENANT, oid)
    assert len(fetched) == 1 and len(entra.posts) == 3


def _expired(grant: str) -> str:
    """The grant as msal finds it an hour later: its access token has expired."""
    cache = json.loads(grant)
    for token in cache["AccessToken"].values():
        token["expires_on"] = token["extended_expires_on"] = str(int(time.time()) - 60)
    return json.dumps(cache)


def test_a_stored_grant_gives_tokens_and_is_refreshed_by_its_refresh_token(
        entra: EntraEndpoints) -> None:
    user_token = Microsoft().token()
    exchange = OnBehalfOf(SETTINGS, http_client=entra)
    grant = exchange.offline_grant(user_token, TENANT, OID)
    assert "0.AR8A-refresh" in grant  # the refresh token the backfill lives on
    # While the access token lasts: from the grant, nothing asked of Entra
    assert exchange.token_from_grant(grant, TENANT, OID)[0] == "graph-token-1"
    assert len(entra.posts) == 1
    # Expired: msal redeems the refresh token, and the grant changes (to be stored again)
    token, renewed = exchange.token_from_grant(_expired(grant), TENANT, OID)
    assert token == "graph-token-2" and renewed != _expired(grant)
    assert entra.posts[-1]["grant_type"] == "refresh_token"
    assert entra.posts[-1]["refresh_token"] == "0.AR8A-refresh"


@pytest.mark.parametrize("grant", ["not json", "{}"])
def test_an_unusable_grant_asks_for_consent_again(entra: EntraEndpoints, grant: str) -> None:
    with pytest.raises(GraphAccessError) as refused:
        OnBehalfOf(SETTINGS, http_client=entra).token_from_grant(grant, TENANT, OID)
    assert refused.value.code == "consent_required" and entra.posts == []


def test_a_revoked_refresh_token_asks_for_consent_again(entra: EntraEndpoints) -> None:
    exchange = OnBehalfOf(SETTINGS, http_client=entra)
    grant = exchange.offline_grant(Microsoft().token(), TENANT, OID)
    entra.token_answer = Answer(400, {
        "error": "invalid_grant", "error_codes": [70043], "error_description":
        "AADSTS70043: The refresh token has expired or is invalid due to sign-in frequency "
        "checks by conditional access."})
    with pytest.raises(GraphAccessError) as refused:
        exchange.token_from_grant(_expired(grant), TENANT, OID)
    assert refused.value.code == "consent_required"
    assert entra.posts[-1]["grant_type"] == "refresh_token"
