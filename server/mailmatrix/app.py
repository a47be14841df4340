"""The Flask application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from markupsafe import Markup

from mailmatrix.addresses.display_names import visible_text
from mailmatrix.config import load_config
from mailmatrix.resources import shipped_folder
from mailmatrix.web.row_ids import RowId


def create_app(test_config: dict[str, object] | None = None) -> Flask:
    sidebar = shipped_folder("sidebar")
    app = Flask(
        "mailmatrix",
        instance_relative_config=True,
        template_folder=str(sidebar / "templates"),
        static_folder=str(sidebar / "static"),
    )
    load_config(app, test_config)
    app.url_map.converters["id"] = RowId
    # Every value a template writes loses the characters that reorder or hide text (bidi
    # overrides, zero-width spaces) before it is escaped: mail-borne text cannot pretend.
    app.jinja_env.finalize = _visible
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from mailmatrix import mx_lookup
    from mailmatrix.auth import callers, rate_limits
    from mailmatrix.customers import db
    from mailmatrix.mailboxes import setup as mailboxes
    from mailmatrix.web import (
        api,
        api_v1,
        assets,
        backfill,
        demo,
        gmail,
        health,
        json_errors,
        outlook,
        security_headers,
        sign_in,
    )

    db.init_app(app)
    mx_lookup.init_app(app)
    callers.init_app(app)
    rate_limits.init_app(app)
    mailboxes.init_app(app)
    gmail.init_app(app)
    backfill.init_app(app)
    security_headers.init_app(app)
    assets.init_app(app)
    json_errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_v1.bp)
    app.register_blueprint(outlook.bp)
    app.register_blueprint(gmail.bp)
    app.register_blueprint(sign_in.bp)
    app.register_blueprint(demo.bp)
    app.register_blueprint(backfill.bp)
    return app


def _visible(value: object) -> object:
    if isinstance(value, Markup):  # already safe (tojson, our own markup): stays markup
        return Markup(visible_text(str(value)))
    return visible_text(value) if isinstance(value, str) else value
