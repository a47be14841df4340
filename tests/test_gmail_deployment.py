"""The Gmail add-on deployment descriptor: the committed example is what the command writes,
every endpoint is our HTTPS URL, the scopes are the documented ones, the logo is a PNG we ship."""

from __future__ import annotations

import json

import jsonschema
from flask.testing import FlaskCliRunner

from mailmatrix.cli import main
from mailmatrix.gmail_deployment import EXAMPLE_BASE_URL, gmail_deployment, render_deployment
from tests.conftest import REPOSITORY

SCOPE = "https://www.googleapis.com/auth/"
URL = {"type": "string", "pattern": "^https://"}
# The part of Google's deployment resource (gsuiteaddons.v1 Deployment) we fill in
DESCRIPTOR = {
    "type": "object", "additionalProperties": False, "required": ["oauthScopes", "addOns"],
    "properties": {
        "oauthScopes": {"type": "array", "items": {"type": "string", "pattern": f"^{SCOPE}"},
                        "uniqueItems": True},
        "addOns": {"type": "object", "additionalProperties": False,
                   "required": ["common", "gmail", "httpOptions"], "properties": {
                       "common": {"type": "object", "additionalProperties": False,
                                  "required": ["name", "logoUrl", "useLocaleFromApp",
                                               "homepageTrigger"], "properties": {
                                      "name": {"type": "string"}, "logoUrl": URL,
                                      "useLocaleFromApp": {"const": True},
                                      "homepageTrigger": {
                                          "type": "object", "additionalProperties": False,
                                          "properties": {"runFunction": URL,
                                                         "enabled": {"type": "boolean"}}}}},
                       "gmail": {"type": "object", "additionalProperties": False,
                                 "properties": {
                                     "contextualTriggers": {"type": "array", "items": {
                                         "type": "object", "additionalProperties": False,
                                         "required": ["unconditional", "onTriggerFunction"],
                                         "properties": {"unconditional": {"type": "object"},
                                                        "onTriggerFunction": URL}}},
                                     "composeTrigger": {
                                         "type": "object", "additionalProperties": False,
                                         "properties": {
                                             "actions": {"type": "array", "items": {
                                                 "type": "object",
                                                 "additionalProperties": False,
                                                 "properties": {"runFunction": URL,
                                                                "label": {"type": "string"}}}},
                                             "draftAccess": {"enum": ["NONE", "METADATA"]}}}}},
                       "httpOptions": {"type": "object", "additionalProperties": False,
                                       "properties": {
                                           "authorizationHeader": {"enum": [
                                               "SYSTEM_ID_TOKEN", "USER_ID_TOKEN", "NONE"]},
                                           "granularOauthPermissionSupport": {
                                               "enum": ["OPT_IN", "OPT_OUT"]}}}}}}}


def test_the_committed_descriptor_is_the_example_deployments() -> None:
    committed = (REPOSITORY / "addin" / "gmail-deployment.json").read_text(encoding="utf-8")
    assert committed == render_deployment(EXAMPLE_BASE_URL), (
        f"regenerate it: mailmatrix gmail-deployment --base-url {EXAMPLE_BASE_URL} "
        "-o addin/gmail-deployment.json")
    jsonschema.validate(json.loads(committed), DESCRIPTOR)


def test_every_endpoint_is_ours_and_the_logo_is_a_shipped_png() -> None:
    descriptor = gmail_deployment("https://mm.example-export.com/")
    jsonschema.validate(descriptor, DESCRIPTOR)
    add_ons = descriptor["addOns"]
    assert add_ons["common"]["homepageTrigger"]["runFunction"] == \
        "https://mm.example-export.com/gmail/homepage"
    assert add_ons["gmail"]["contextualTriggers"][0]["onTriggerFunction"] == \
        "https://mm.example-export.com/gmail/message"
    assert add_ons["gmail"]["composeTrigger"]["draftAccess"] == "METADATA"
    logo = add_ons["common"]["logoUrl"]
    assert logo.startswith("https://mm.example-export.com/static/") and logo.endswith(".png")
    png = REPOSITORY / "sidebar" / logo.split("/", 3)[3]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_scopes_are_the_documented_ones_and_mailbox_search_is_opt_in() -> None:
    scopes = gmail_deployment(EXAMPLE_BASE_URL)["oauthScopes"]
    assert {scope.removeprefix(SCOPE) for scope in scopes} == {
        "gmail.addons.execute", "gmail.addons.current.message.metadata",
        "gmail.addons.current.message.readonly", "userinfo.email", "script.locale",
        "gmail.addons.current.action.compose"}
    searching = gmail_deployment(EXAMPLE_BASE_URL, search_mailbox=True)["oauthScopes"]
    assert set(searching) - set(scopes) == {SCOPE + "gmail.readonly"}


def test_the_command_refuses_a_plain_http_address(runner: FlaskCliRunner) -> None:
    result = runner.invoke(main, ["gmail-deployment", "--base-url", "http://mm.example.com"])
    assert result.exit_code != 0 and "public HTTPS" in result.output
    written = runner.invoke(main, ["gmail-deployment", "--base-url", "https://mm.example.com"])
    assert json.loads(written.output)["addOns"]["common"]["name"] == "MailMatrix"
