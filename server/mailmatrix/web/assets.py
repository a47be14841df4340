"""Style sheets and scripts at addresses that change with their content, kept for a year.

The Outlook task pane opens again for each message. From the plain ``/static/`` address Flask
sends files "no-cache", so the browser asked again for every style sheet and script at each
opening, a round trip each before the profile could show. Under ``/assets/<build>/``, where
the build is a digest of every shipped static file, a release gets new addresses, so a
browser may keep the files for good; a module's relative imports (``./backfill.js``) resolve
inside the same build. ``/static/`` stays for addresses kept elsewhere (the manifest's icons).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, send_from_directory, url_for

bp = Blueprint("assets", __name__)
BUILD = "mailmatrix.assets_build"
YEAR_SECONDS = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    app.extensions[BUILD] = build_of(Path(app.static_folder or ""))
    app.add_template_global(asset)
    app.register_blueprint(bp)


def asset(filename: str) -> str:
    """The address of a static file in this build."""
    return url_for("assets.file", build=current_app.extensions[BUILD], filename=filename)


@bp.get("/assets/<build>/<path:filename>")
def file(build: str, filename: str) -> Response:
    # A page of another build (before a release) gets today's file, not to be kept
    current = build == current_app.extensions[BUILD]
    response = send_from_directory(current_app.static_folder or "", filename,
                                   max_age=YEAR_SECONDS if current else None)
    if current:
        response.cache_control.immutable = True
    return response


def build_of(folder: Path) -> str:
    """A digest of every file's name and content under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(path for path in folder.rglob("*") if path.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
