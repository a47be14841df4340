"""MailMatrix: who is this sender, which of their addresses is for formal business, is it theirs."""

from mailmatrix.app import create_app

__all__ = ["create_app"]
