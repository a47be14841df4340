"""What a user's change can run into: the services raise these, the web layer maps them to
HTTP (400 and 403)."""

from __future__ import annotations


class DecisionError(ValueError):
    """A decision that cannot be applied (unknown address or person, nothing to undo)."""


class AccessDenied(DecisionError):
    """The caller may not see or change this (a colleague's customer, an admin's task)."""


class NotFound(DecisionError):
    """No such person, note or user in the caller's organization (HTTP 404)."""
