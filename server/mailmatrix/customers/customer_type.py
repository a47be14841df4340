"""Customer type, as export reps see it in the field, with the reason.

- individual / micro business: one or two mainstream personal mailboxes, private and business
  mixed, no company domain;
- SME: a corporate domain as the main channel, a few department boxes (sales@, purchasing@);
- mid-size to multinational: a full corporate mail system: many people over time, strict
  roles, several domains.
"""

from __future__ import annotations

from dataclasses import dataclass

INDIVIDUAL = "individual"
SME = "sme"
ENTERPRISE = "enterprise"

MANY_PEOPLE = 12  # distinct people seen at a company's domains
SEVERAL_DOMAINS = 3
MANY_DEPARTMENTS = 4  # distinct role categories (sales, purchasing, finance, logistics, ...)


@dataclass(frozen=True)
class CompanyStats:
    people: int
    role_mailboxes: int
    departments: int  # distinct role categories
    domains: int
    hosting: str | None = None


def company_type(stats: CompanyStats) -> tuple[str, str]:
    seen = (f"{stats.people} {'person' if stats.people == 1 else 'people'}, "
            f"{stats.role_mailboxes} role mailbox{'es' if stats.role_mailboxes != 1 else ''} "
            f"in {stats.departments} department{'s' if stats.departments != 1 else ''}, "
            f"{stats.domains} domain{'s' if stats.domains != 1 else ''}")
    if stats.hosting and stats.hosting not in ("unknown", "no mail"):
        seen += f", mail on {stats.hosting}"
    if (stats.people >= MANY_PEOPLE or stats.domains >= SEVERAL_DOMAINS
            or stats.departments >= MANY_DEPARTMENTS):
        return ENTERPRISE, f"a full corporate mail system: {seen}"
    return SME, f"a corporate domain as the main channel: {seen}"


def individual_type(providers: list[str | None]) -> tuple[str, str]:
    named = ", ".join(dict.fromkeys(provider for provider in providers if provider)) or \
        "personal mailboxes"
    return INDIVIDUAL, f"only personal mailboxes ({named}): private and business mixed"
