"""docs/openapi.json describes the JSON API exactly: every route the app serves under /api is
documented with its methods, and nothing documented is missing from the app."""

from __future__ import annotations

import json
import re

from flask import Flask

from tests.conftest import REPOSITORY

DOCUMENT = REPOSITORY / "docs" / "openapi.json"


def served(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        found |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def documented() -> set[tuple[str, str]]:
    paths = json.loads(DOCUMENT.read_text(encoding="utf-8"))["paths"]
    return {(path, method) for path, item in paths.items() for method in item}


def test_every_api_route_is_documented_and_every_documented_route_exists(app: Flask) -> None:
    assert served(app) == documented()


def test_every_path_parameter_is_declared_and_every_operation_names_its_errors() -> None:
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.")
    for path, item in document["paths"].items():
        names = set(re.findall(r"{([a-z_]+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (path, method)
            assert "401" in operation["responses"], (path, method)
            assert any(code.startswith("2") for code in operation["responses"]), (path, method)
