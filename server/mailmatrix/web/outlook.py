"""The Outlook task pane page (the manifest points here)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from mailmatrix.panel.catalog import catalog_for, ui_language

bp = Blueprint("outlook", __name__, url_prefix="/outlook")
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"


@bp.get("/pane")
def pane() -> str:
    # The first words (loading, errors) in the browser's language; the panel itself follows
    # Office's display language, which the pane sends with each request.
    language = ui_language(request.accept_languages.best)
    return render_template("pane.html", strings=catalog_for(language), office_js=OFFICE_JS)
