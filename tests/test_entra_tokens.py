"""Entra ID access tokens from Outlook: only Microsoft-signed tokens for our API, from the tenant
they name, with our scope, in their lifetime, from allowed tenants. Keys are generated here and
published in the shape of Microsoft's discovery/v2.0/keys document."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from mailmatrix.auth.entra import (
    EntraSettings,
    SigningKeys,
    TokenRejected,
    principal_for,
    verify_access_token,
)
from mailmatrix.customers.db import Database
from mailmatrix.customers.tenants import MICROSOFT_PERSONAL_TENANT
from tests.microsoft_fake import CLIENT_ID, TENANT, Microsoft

OTHER_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
SETTINGS = EntraSettings(client_id=CLIENT_ID,
                         app_id_uri=f"api://mm.example-export.com/{CLIENT_ID}")


@pytest.fixture
def microsoft() -> Microsoft:
    return Microsoft()


@pytest.fixture
def keys(microsoft: Microsoft) -> SigningKeys:
    return SigningKeys(microsoft.keys_document)


def rejected(token: str, keys: SigningKeys, settings: EntraSettings = SETTINGS) -> TokenRejected:
    with pytest.raises(TokenRejected) as caught:
        verify_access_token(token, settings, keys)
    return caught.value


def test_a_good_token_names_the_tenant_and_user(microsoft: Microsoft, keys: SigningKeys) -> None:
    caller = verify_access_token(microsoft.token(), SETTINGS, keys)
    assert (caller.tid, caller.oid) == (TENANT, "1b6d0e5c-2f9a-4c1e-8d7b-3a5f9e2c4b10")
    assert caller.username == "anna.becker@example-export.com"
    assert caller.scopes == ("access_as_user",)


def test_a_v1_token_for_the_app_id_uri_is_accepted(microsoft: Microsoft,
                                                   keys: SigningKeys) -> None:
    token = microsoft.token(ver="1.0", iss=f"https://sts.windows.net/{TENANT}/",
                            aud=SETTINGS.app_id_uri)
    assert verify_access_token(token, SETTINGS, keys).tid == TENANT


def test_an_expired_token_is_401_expired_so_the_pane_asks_again(
    microsoft: Microsoft, keys: SigningKeys
) -> None:
    now = int(time.time())
    error = rejected(microsoft.token(exp=now - 600, iat=now - 4000, nbf=now - 4000), keys)
    assert (error.status, error.code) == (401, "expired")


def test_a_token_a_minute_past_expiry_is_within_the_allowed_clock_skew(
    microsoft: Microsoft, keys: SigningKeys
) -> None:
    verify_access_token(microsoft.token(exp=int(time.time()) - 60), SETTINGS, keys)


@pytest.mark.parametrize(("changes", "code"), [
    ({"aud": "00000003-0000-0000-c000-000000000000"}, "wrong_audience"),  # Graph's
    ({"iss": f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"}, "wrong_issuer"),
    ({"tid": OTHER_TENANT}, "wrong_issuer"),  # the issuer names another tenant
    ({"tid": "not-a-guid"}, "wrong_issuer"),
    ({"tid": None}, "wrong_issuer"),
    ({"oid": None}, "invalid_token"),
    ({"nbf": int(time.time()) + 3600}, "not_yet_valid"),
])
def test_tokens_for_another_api_or_from_another_issuer_are_401(
    microsoft: Microsoft, keys: SigningKeys, changes: dict[str, Any], code: str
) -> None:
    error = rejected(microsoft.token(**changes), keys)
    assert (error.status, error.code) == (401, code)


def test_a_token_without_our_scope_is_403(microsoft: Microsoft, keys: SigningKeys) -> None:
    error = rejected(microsoft.token(scp="User.Read Mail.Read"), keys)
    assert (error.status, error.code) == (403, "missing_scope")


def test_a_tenant_outside_the_allow_list_is_403(microsoft: Microsoft, keys: SigningKeys) -> None:
    only_other = EntraSettings(client_id=CLIENT_ID, allowed_tenants=frozenset({OTHER_TENANT}))
    error = rejected(microsoft.token(), keys, only_other)
    assert (error.status, error.code) == (403, "tenant_not_allowed")
    allowed = EntraSettings(client_id=CLIENT_ID, allowed_tenants=frozenset({TENANT}))
    assert verify_access_token(microsoft.token(), allowed, keys).tid == TENANT


def test_forged_tokens_are_refused(microsoft: Microsoft, keys: SigningKeys) -> None:
    microsoft.add_key("attacker", publish=False)
    assert rejected(microsoft.token(kid="attacker"), keys).code == "unknown_key"
    # signed with the attacker's own key, naming Microsoft's kid
    impostor = jwt.encode({"tid": TENANT, "oid": "x", "aud": CLIENT_ID},
                          microsoft.private["attacker"], algorithm="RS256",
                          headers={"kid": "key-2026-11"})
    assert rejected(impostor, keys).code == "bad_signature"
    assert rejected(microsoft.token(algorithm="HS256"), keys).code == "bad_algorithm"
    unsigned = jwt.encode({"tid": TENANT}, None, algorithm="none", headers={"kid": "x"})
    assert rejected(unsigned, keys).code == "bad_algorithm"
    assert rejected("not.a.token", keys).code == "malformed"
    assert rejected("", keys).code == "malformed"


def test_a_tampered_payload_fails_the_signature(microsoft: Microsoft, keys: SigningKeys) -> None:
    header, payload, signature = microsoft.token().split(".")
    other = microsoft.token(oid="99999999-9999-4999-8999-999999999999").split(".")[1]
    assert rejected(f"{header}.{other}.{signature}", keys).code == "bad_signature"


def test_a_rotated_key_is_fetched_and_unknown_kids_cannot_hammer_microsoft(
    microsoft: Microsoft
) -> None:
    clock = [1000.0]
    keys = SigningKeys(microsoft.keys_document, clock=lambda: clock[0])
    verify_access_token(microsoft.token(), SETTINGS, keys)
    verify_access_token(microsoft.token(), SETTINGS, keys)
    assert microsoft.fetches == 1  # cached
    microsoft.add_key("bogus", publish=False)
    for _ in range(5):  # forged kids: at most one refresh a minute
        assert rejected(microsoft.token(kid="bogus"), keys).code == "unknown_key"
    assert microsoft.fetches == 1
    clock[0] += 3 * 24 * 3600  # days later Microsoft rotates
    microsoft.add_key("key-2026-12")
    verify_access_token(microsoft.token(kid="key-2026-12"), SETTINGS, keys)
    assert microsoft.fetches == 2


def test_keys_that_cannot_be_fetched_are_503_not_a_crash(microsoft: Microsoft) -> None:
    def offline(url: str) -> dict[str, Any]:
        raise OSError("network unreachable")

    error = rejected(microsoft.token(), SigningKeys(offline))
    assert (error.status, error.code) == (503, "keys_unavailable")


def test_two_personal_microsoft_accounts_never_share_a_tenant(
    microsoft: Microsoft, keys: SigningKeys, database: Database
) -> None:
    personal = EntraSettings(client_id=CLIENT_ID)
    callers = [verify_access_token(microsoft.token(
        tid=MICROSOFT_PERSONAL_TENANT, oid=oid, preferred_username=name,
        iss=f"https://login.microsoftonline.com/{MICROSOFT_PERSONAL_TENANT}/v2.0"),
        personal, keys) for oid, name in (("00000000-0000-0000-a1b2-000000000001", "a@outlook.com"),
                                          ("00000000-0000-0000-a1b2-000000000002",
                                           "b@hotmail.com"))]
    first, second = (principal_for(database, caller) for caller in callers)
    assert first.tenant_id != second.tenant_id
    colleague = principal_for(database, verify_access_token(microsoft.token(), SETTINGS, keys))
    same_org = principal_for(database, verify_access_token(microsoft.token(
        oid="2c7e1f6d-3a0b-4d2f-9e8c-4b6a0f3d5c21",
        preferred_username="tom@example-export.com"), SETTINGS, keys))
    assert colleague.tenant_id == same_org.tenant_id != first.tenant_id
    assert colleague.user_id != same_org.user_id
    assert (colleague.role, same_org.role) == ("admin", "member")
