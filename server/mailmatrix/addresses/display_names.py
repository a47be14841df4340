"""Display names are written by the sender: they can reorder text on screen (bidi overrides),
hide characters (zero-width), or show another address than the one the mail comes from
(``"paypal.com" <evil@x.ru>``). Pure: no I/O."""

from __future__ import annotations

import re

from mailmatrix.addresses.domains import registrable_domain
from mailmatrix.addresses.errors import InvalidAddress

# Bidi embeddings, overrides and isolates, and invisible characters that carry no letter.
# Kept: ZWNJ/ZWJ (Persian, Indic scripts and emoji need them) and LRM/RLM marks.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u180e\u00ad]")
# An address, or a bare domain name with a known-looking ending, inside a name
_CLAIMED = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)|\b((?:[\w-]+\.)+[a-z]{2,24})\b",
                      re.IGNORECASE)


def visible_text(text: str) -> str:
    """``text`` without the characters that let it pretend to be something else on screen."""
    return _INVISIBLE.sub("", text)


def claimed_domain(display_name: str, sender_domain: str | None) -> str | None:
    """The domain a display name shows when it is not the sender's own (``"paypal.com"``
    from ``evil@x.ru``): the name pretends to be someone the address is not."""
    name = visible_text(display_name)
    own = _registrable(sender_domain or "") or (sender_domain or "").lower()
    for match in _CLAIMED.finditer(name):
        shown = _registrable((match.group(1) or match.group(2) or "").lower().rstrip("."))
        if shown and shown != own:
            return shown
    return None


def _registrable(domain: str) -> str | None:
    try:
        return registrable_domain(domain) if domain else None
    except InvalidAddress:  # not a domain name after all (found by fuzzing)
        return None
