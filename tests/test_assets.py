"""Styles and scripts under addresses of their build, kept by browsers for a year."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from mailmatrix.web.assets import BUILD, build_of

LINKED = re.compile(r'(?:href|src)="(/[^"]+)"')


def test_the_pane_names_its_files_by_build_and_browsers_keep_them(
        app: Flask, client: FlaskClient) -> None:
    page = client.get("/outlook/pane").get_data(as_text=True)
    build = app.extensions[BUILD]
    linked = LINKED.findall(page)
    assert {Path(address).name for address in linked} >= {"pane.js", "pane.css",
                                                           "mailmatrix.css"}
    for address in linked:
        assert address.startswith(f"/assets/{build}/"), address
        response = client.get(address)
        assert response.status_code == 200
        assert response.cache_control.max_age == 365 * 24 * 3600
        assert response.cache_control.immutable
    # pane.js imports "./backfill.js": the same build's address
    imported = client.get(f"/assets/{build}/backfill.js")
    assert imported.status_code == 200 and imported.cache_control.immutable


def test_another_builds_address_is_served_but_not_kept(client: FlaskClient) -> None:
    """A page from before a release asks for its files once more: today's, asked again."""
    response = client.get("/assets/0123456789abcdef/pane.js")
    assert response.status_code == 200 and response.cache_control.no_cache
    assert not response.cache_control.immutable


def test_nothing_outside_the_static_folder_is_served(client: FlaskClient) -> None:
    assert client.get("/assets/x/../../app.py").status_code == 404
    assert client.get("/assets/x/%2e%2e/%2e%2e/pyproject.toml").status_code == 404


def test_the_manifests_icons_keep_their_plain_addresses(client: FlaskClient) -> None:
    assert client.get("/static/icons/icon-128.png").status_code == 200


def test_the_build_changes_with_a_files_content_or_name(tmp_path: Path) -> None:
    (tmp_path / "pane.js").write_text("export const a = 1;\n")
    (tmp_path / "icons").mkdir()
    (tmp_path / "icons" / "i.png").write_bytes(b"\x89PNG")
    first = build_of(tmp_path)
    assert build_of(tmp_path) == first
    (tmp_path / "pane.js").write_text("export const a = 2;\n")
    changed = build_of(tmp_path)
    assert changed != first
    (tmp_path / "pane.js").rename(tmp_path / "panel.js")
    assert build_of(tmp_path) not in (first, changed)
