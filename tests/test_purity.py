"""The pure core stays pure: addresses/ imports no web, database or network code."""

from __future__ import annotations

import ast
from pathlib import Path

import mailmatrix.addresses

FORBIDDEN = {"flask", "sqlalchemy", "requests", "urllib.request", "http", "socket", "dns",
             "googleapiclient", "msal", "mailmatrix.web", "mailmatrix.customers",
             "mailmatrix.mx_lookup"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_address_core_imports_no_web_database_or_network_module() -> None:
    package = Path(mailmatrix.addresses.__file__).parent
    offenders = {
        f"{path.name}: {name}"
        for path in package.glob("*.py")
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert offenders == set()
