"""MailMatrix: who is this sender, which of their addresses is the formal one, is it really theirs."""

from mailmatrix.app import create_app

__all__ = ["create_app"]
