"""The one error type the address core raises."""


class InvalidAddress(ValueError):
    """An address (or domain) that cannot be used, with a human-readable reason."""

    def __init__(self, reason: str, text: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.text = text
