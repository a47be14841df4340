"""The canonical mailbox of an address: a key that depends on the address string alone.

Never on DNS: keys are stored, and a key that changed when an MX record changed would split one
customer's history in two. Corporate domains therefore keep ``+tags`` here; whether their host
delivers ``a+x@`` to ``a@`` is a linking fact decided later, once hosting is known.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from mailmatrix.addresses.parse import ParsedAddress, parse_address
from mailmatrix.addresses.providers import Provider, provider_for_domain


@dataclass(frozen=True)
class CanonicalAddress:
    address: str  # the key: "john@gmail.com"
    mailbox: str  # the local part as the provider reads it: "john"
    domain: str  # canonical domain (U-label): "gmail.com"
    tag: str | None  # the sub-address tag, kept as data: "alibaba"
    rule: str  # the provider rule that was applied, for the reasons shown to people


def canonical_address(address: ParsedAddress | str) -> CanonicalAddress:
    """``J.O.Hn+alibaba@GoogleMail.com`` -> ``john@gmail.com`` with tag ``alibaba``.

    Raises ``InvalidAddress`` when given text that is not one valid address.
    """
    parsed = parse_address(address) if isinstance(address, str) else address
    return _canonical(parsed.local_part, parsed.domain)


@lru_cache(maxsize=131072)
def _canonical(local_part: str, domain: str) -> CanonicalAddress:
    provider = provider_for_domain(domain)
    if provider is None:
        # Unknown and corporate domains: the domain is case-insensitive by definition; the local
        # part is case-folded because no real host treats "Li.Wei" and "li.wei" as two people.
        mailbox = _casefold_local(local_part)
        return CanonicalAddress(
            f"{mailbox}@{domain}", mailbox, domain, None,
            "domain lowercased, local part case-folded, '+tag' kept (host unknown)",
        )
    return _provider_canonical(provider, local_part, domain)


def _provider_canonical(provider: Provider, local_part: str, domain: str) -> CanonicalAddress:
    name = _casefold_local(local_part)
    mailbox_domain = provider.canonical_domain or domain
    if provider.subdomain_addressing and domain not in provider.domains:
        # Fastmail: "anything@user.fastmail.com" -> "user@fastmail.com", the folder is the tag.
        user, _, parent = domain.partition(".")
        if parent in provider.domains:
            name, mailbox_domain, tag = user, parent, name
            return CanonicalAddress(f"{user}@{parent}", user, parent, tag, provider.rule)
    tag = None
    if provider.tag_separator and provider.tag_separator in name:
        name, _, tag = name.partition(provider.tag_separator)
        tag = tag or None
    if provider.hyphen_for_dot:
        name = name.replace(".", "-")
    for character in provider.ignored_characters:
        name = name.replace(character, "")
    if not name or name.startswith(".") or name.endswith(".") or ".." in name:
        # "+tag@gmail.com", "a.+b@outlook.com": what is left is no valid mailbox name. Keep the
        # string whole, so the key stays a valid address and two odd ones never collide.
        name = _casefold_local(local_part)
        tag = None
    return CanonicalAddress(f"{name}@{mailbox_domain}", name, mailbox_domain, tag, provider.rule)


def _casefold_local(local_part: str) -> str:
    if local_part.isascii():
        return local_part.lower()
    # Case folding can decompose characters; NFC keeps the key a fixed point of parsing.
    return unicodedata.normalize("NFC", local_part.casefold())
