"""Domain names: IDNA conversion and registrable domains from the bundled Public Suffix List.

publicsuffixlist ships a snapshot of the list inside the package, so nothing is downloaded at
run time. The private section is used too (``com.de``, ``github.io``): a registrable domain
under a private suffix belongs to whoever registered it, not to the suffix operator.
"""

from __future__ import annotations

from functools import lru_cache

import idna
from publicsuffixlist import PublicSuffixList

from mailmatrix.addresses.errors import InvalidAddress

_PSL = PublicSuffixList(only_icann=False)


@lru_cache(maxsize=65536)
def ascii_domain(domain: str) -> str:
    """The A-label (punycode) form of a domain, lowercased, without a trailing dot."""
    name = domain.strip().rstrip(".").lower()
    if not name:
        raise InvalidAddress("empty domain", domain)
    if name.isascii():
        return name
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        reason = f"domain is not a valid internationalized name: {error}"
        raise InvalidAddress(reason, domain) from None


@lru_cache(maxsize=65536)
def unicode_domain(domain: str) -> str:
    """The U-label form of a domain (what a person reads), lowercased."""
    name = ascii_domain(domain)
    if "xn--" not in name:
        return name
    try:
        return idna.decode(name)
    except idna.IDNAError as error:
        raise InvalidAddress(f"domain has an invalid punycode label: {error}", domain) from None


@lru_cache(maxsize=262144)
def registrable_domain(domain: str) -> str | None:
    """The registrable domain (public suffix + one label): ``mail.acme.co.uk`` -> ``acme.co.uk``.

    Works on the U-label form so ``münchen.de`` and ``xn--mnchen-3ya.de`` agree; returns None
    for a bare public suffix or a single-label name.
    """
    name = unicode_domain(domain)
    return _PSL.privatesuffix(name)


@lru_cache(maxsize=262144)
def public_suffix(domain: str) -> str | None:
    """The public suffix of a domain (``co.uk`` for ``acme.co.uk``)."""
    return _PSL.publicsuffix(unicode_domain(domain))
