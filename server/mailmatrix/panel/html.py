"""The panel as HTML (Outlook's task pane and the demo): ``sidebar/templates/panel.html``."""

from __future__ import annotations

from flask import render_template

from mailmatrix.panel.view import PanelView
from mailmatrix.panel.wording import Wording


def render_panel(view: PanelView) -> str:
    """Needs an app context (Flask's template loader)."""
    return render_template("panel.html", view=view, t=Wording(view.language))
