"""MailMatrix: who is this sender, which of their addresses is for formal business, is it theirs."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing the pure core (mailmatrix.addresses) never loads Flask.
    if name == "create_app":
        from mailmatrix.app import create_app

        return create_app
    raise AttributeError(f"module 'mailmatrix' has no attribute {name!r}")
