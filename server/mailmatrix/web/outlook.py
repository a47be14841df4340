"""The Outlook task pane page (the manifest points here)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from mailmatrix.panel.catalog import catalog_for, ui_language
from mailmatrix.web.assets import asset

bp = Blueprint("outlook", __name__, url_prefix="/outlook")
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"


@bp.get("/pane")
def pane() -> str:
    # The first words (loading, errors) in the browser's language; the panel itself follows
    # Office's display language, which the pane sends with each request.
    language = ui_language(request.accept_languages.best)
    office_js = OFFICE_JS
    if current_app.config.get("DEMO_MODE") and request.args.get("demo", "").isdigit():
        office_js = asset("office-demo.js")  # the demo's stand-in
    return render_template("pane.html", strings=catalog_for(language), office_js=office_js)
