"""Graph tokens on behalf of the Outlook user, through msal with Entra's answers recorded."""

from __future__ import annotations

import pytest

from mailmatrix.mailboxes.on_behalf_of import (
    GraphAccessError,
    OnBehalfOf,
    OnBehalfOfSettings,
)
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
