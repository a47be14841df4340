"""Google's Card v1 schema, offline: the ``GoogleAppsCardV1*`` definitions of the chat.v1
discovery document that ships inside google-api-python-client, turned into a JSON Schema with
closed objects (a misspelt key or a bad enum value fails), plus a small schema of our own for
the add-on response wrappers and the widget allow-list."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from mailmatrix.panel.cards import ALLOWED_WIDGETS, MAX_SECTIONS, MAX_WIDGETS

PREFIX = "GoogleAppsCardV1"


@cache
def card_schema() -> dict[str, Any]:
    document = json.loads((resources.files("googleapiclient") / "discovery_cache" / "documents"
                           / "chat.v1.json").read_text(encoding="utf-8"))
    schemas = document["schemas"]
    wanted = [name for name in schemas if name.startswith(PREFIX)] + ["Color",
                                                                       "HostAppDataSourceMarkup"]
    definitions = {name: _converted(schemas[name]) for name in wanted if name in schemas}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": f"#/$defs/{PREFIX}Card", "$defs": definitions}


def _converted(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return {"$ref": f"#/$defs/{node['$ref']}"}
    kind, result = node.get("type"), {}
    if kind == "object":
        result = {"type": "object", "additionalProperties": False, "properties": {
            name: _converted(value) for name, value in (node.get("properties") or {}).items()}}
    elif kind == "array":
        result = {"type": "array", "items": _converted(node.get("items") or {})}
    elif kind == "string" and node.get("format") == "int64":
        result = {"type": ["string", "integer"]}
    elif kind in ("string", "boolean", "integer", "number"):
        result = {"type": kind}
    if "enum" in node:
        result["enum"] = node["enum"]
    return result


def check_card(card: dict[str, Any]) -> None:
    """Raises when the card is not a valid Card v1, uses a widget Gmail add-ons do not get
    from us, or breaks Google's limits."""
    jsonschema.validate(card, card_schema())
    assert len(card.get("sections", [])) <= MAX_SECTIONS
    for section in card.get("sections", []):
        assert len(section["widgets"]) <= MAX_WIDGETS
        for widget in section["widgets"]:
            assert set(widget) <= ALLOWED_WIDGETS, set(widget) - ALLOWED_WIDGETS


NAVIGATION = {"type": "object", "additionalProperties": False, "minProperties": 1,
              "maxProperties": 1, "properties": {"pushCard": {"type": "object"},
                                                 "updateCard": {"type": "object"},
                                                 "pop": {"const": True},
                                                 "popToRoot": {"const": True}}}
ACTION = {"type": "object", "additionalProperties": False, "properties": {
    "navigations": {"type": "array", "items": NAVIGATION, "minItems": 1},
    "notification": {"type": "object", "additionalProperties": False, "required": ["text"],
                     "properties": {"text": {"type": "string"}}},
    "link": {"type": "object"}}}
RESPONSE = {"type": "object", "additionalProperties": False, "minProperties": 1,
            "maxProperties": 1, "properties": {
                "action": ACTION,
                "renderActions": {"type": "object", "additionalProperties": False,
                                  "properties": {"action": ACTION,
                                                 "hostAppAction": {"type": "object"}}},
                "requesting_google_scopes": {
                    "type": "object", "additionalProperties": False, "required": ["scopes"],
                    "properties": {"scopes": {"type": "array", "items": {"type": "string"}}}}}}


def cards_in(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Validate an add-on response's wrapper; every card in it, each checked."""
    jsonschema.validate(response, RESPONSE)
    action = response.get("action") or (response.get("renderActions") or {}).get("action") or {}
    cards = [card for step in action.get("navigations") or []
             for card in (step.get("pushCard"), step.get("updateCard")) if card]
    for card in cards:
        check_card(card)
    return cards


def card_texts(node: Any) -> list[str]:
    """Every text a card shows (not the buttons' actions, which are ours)."""
    if isinstance(node, dict):
        return [text for key, value in node.items() if key != "onClick"
                for text in ([value] if isinstance(value, str) else card_texts(value))]
    if isinstance(node, list):
        return [text for item in node for text in card_texts(item)]
    return []
