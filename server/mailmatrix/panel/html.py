"""The panel as HTML (Outlook's task pane and the demo): ``sidebar/templates/panel.html``."""

from __future__ import annotations

from flask import render_template

from mailmatrix.panel.catalog import STRINGS, text
from mailmatrix.panel.view import PanelView


def render_panel(view: PanelView) -> str:
    """Needs an app context (Flask's template loader)."""

    def words(key: str, **values: object) -> str:
        # An unknown kind or state shows as itself rather than breaking the panel
        return text(key, view.language, **values) if key in STRINGS else key.rpartition(".")[2]

    return render_template("panel.html", view=view, t=words)
