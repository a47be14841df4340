"""Where the files the app serves live: inside the installed wheel, or in the source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # server/mailmatrix -> repository root


def shipped_folder(name: str) -> Path:
    """``sidebar`` or ``addin``: the wheel carries them as mailmatrix/<name>."""
    installed = _PACKAGE / name
    if installed.is_dir():
        return installed
    return _CHECKOUT / name
