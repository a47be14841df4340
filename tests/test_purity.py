"""The pure core stays pure: addresses/ imports no web, database or network code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import mailmatrix.addresses
import mailmatrix.tone

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


def test_pure_cores_import_no_web_database_or_network_module() -> None:
    packages = [Path(mailmatrix.addresses.__file__).parent, Path(mailmatrix.tone.__file__).parent]
    offenders = {
        f"{path.name}: {name}"
        for package in packages
        for path in package.glob("*.py")
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert offenders == set()


def test_importing_the_pure_cores_loads_no_web_or_database_package() -> None:
    probe = ("import sys, mailmatrix.addresses, mailmatrix.addresses.lookalike, "
             "mailmatrix.tone.hint; "
             "print(sorted({'flask', 'sqlalchemy', 'werkzeug'} & set(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
