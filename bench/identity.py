"""Throughput of parse + canonical + classify (no DNS) beside email-validator, same addresses.

    python bench/identity.py [--count 1000000] [--seed 7]

Addresses are generated to look like an export rep's mailbox: people from many countries at
free-mail, encrypted and regional providers and at thousands of company domains (some
internationalized), with dots, tags, role mailboxes and mixed case. Both contenders see the
same list in the same process; the target is at least 0.5x email-validator's rate.
"""

from __future__ import annotations

import argparse
import platform
import random
import time

from email_validator import validate_email

from mailmatrix.addresses import classify_address

FIRST_NAMES = ("wei", "li", "jing", "hao", "yuki", "taro", "hana", "min-jun", "seo-yeon",
               "hans", "jörg", "anna", "lukas", "marie", "pierre", "chloé", "carlos", "lucía",
               "joão", "ana", "mohammed", "fatima", "omar", "olga", "ivan", "john", "emily",
               "raj", "priya", "ahmet", "elif", "kwame", "sipho", "nguyen", "thanh", "piotr")
LAST_NAMES = ("wang", "li", "zhang", "chen", "tanaka", "suzuki", "kim", "park", "müller",
              "schmidt", "schneider", "dubois", "martin", "garcia", "rodriguez", "silva",
              "santos", "al-farsi", "haddad", "ivanov", "petrov", "smith", "johnson", "sharma",
              "patel", "yilmaz", "kowalski", "mensah", "tran", "rossi", "jansen", "nielsen")
PROVIDERS = ("gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.com",
             "icloud.com", "proton.me", "protonmail.com", "tutanota.com", "gmx.de", "web.de",
             "yahoo.co.jp", "naver.com", "qq.com", "163.com", "mail.ru", "yandex.ru",
             "uol.com.br", "zohomail.com", "libero.it", "orange.fr", "t-online.de",
             "hushmail.com", "fastmail.com", "mailinator.com")
WORDS = ("acme", "global", "trade", "tech", "star", "sino", "euro", "pacific", "nord", "sun",
         "delta", "prime", "union", "royal", "green", "blue", "golden", "atlas", "orient",
         "alpha", "metal", "textile", "machinery", "electric", "foods", "logistics", "import",
         "export", "industrial", "chemical", "plastics", "auto", "parts", "steel", "bau",
         "münchen", "köln", "tokyo", "osaka", "shenzhen", "ningbo", "dubai", "santos")
COMPANY_FORMS = ("", "-gmbh", "-ag", "-ltd", "-co", "-inc", "-sa", "group", "-trading", "-intl")
TLDS = ("de", "com", "co.uk", "co.jp", "com.cn", "cn", "com.br", "ae", "fr", "it", "es", "nl",
        "ch", "at", "pl", "in", "com.tr", "ru", "kr", "us", "net", "com.au", "mx", "eu")
ROLES = ("sales", "info", "purchasing", "export", "accounts", "support", "noreply", "orders")
TAGS = ("alibaba", "amazon", "linkedin", "news", "shop", "rfq", "ebay")


def company_domains(rng: random.Random, count: int) -> list[str]:
    domains = set()
    while len(domains) < count:
        name = rng.choice(WORDS) + rng.choice(("", "-", "")) + rng.choice(WORDS)
        domains.add(f"{name}{rng.choice(COMPANY_FORMS)}.{rng.choice(TLDS)}")
    return sorted(domains)


def local_part(rng: random.Random) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    shape = rng.random()
    if shape < 0.35:
        local = f"{first}.{last}"
    elif shape < 0.5:
        local = f"{first[0]}{last}"
    elif shape < 0.6:
        local = f"{first}_{last}{rng.randint(1, 99)}"
    elif shape < 0.7:
        local = f"{first}{last}{rng.randint(1960, 2005)}"
    else:
        local = f"{first}.{last[0]}"
    if rng.random() < 0.05:
        local += "+" + rng.choice(TAGS)
    if rng.random() < 0.1:
        local = local.title()
    return local


def generate_addresses(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    companies = company_domains(rng, 20_000)
    addresses = []
    for _ in range(count):
        domain = rng.choice(PROVIDERS) if rng.random() < 0.45 else rng.choice(companies)
        local = rng.choice(ROLES) if rng.random() < 0.08 else local_part(rng)
        if domain in ("163.com", "qq.com", "naver.com") and rng.random() < 0.5:
            local = str(rng.randint(10_000_000, 9_999_999_999))
        addresses.append(f"{local}@{domain}")
    return addresses


def rate(function: object, addresses: list[str]) -> tuple[float, int]:
    """Addresses per second, and how many the function rejected."""
    rejected = 0
    start = time.perf_counter()
    for address in addresses:
        try:
            result = function(address)  # type: ignore[operator]
            if getattr(result, "valid", True) is False:
                rejected += 1
        except Exception:  # noqa: BLE001 - email-validator signals invalid input by raising
            rejected += 1
    return len(addresses) / (time.perf_counter() - start), rejected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    addresses = generate_addresses(args.count, args.seed)

    def email_validator_check(address: str) -> object:
        return validate_email(address, check_deliverability=False)

    ours, ours_rejected = rate(classify_address, addresses)
    theirs, theirs_rejected = rate(email_validator_check, addresses)
    print(f"python {platform.python_version()} on {platform.machine()}, {len(addresses):,} "
          f"addresses ({len(set(addresses)):,} distinct)")
    print("| contender | addresses/s | rejected |")
    print("|---|---:|---:|")
    print(f"| mailmatrix parse+canonical+classify | {ours:,.0f} | {ours_rejected} |")
    print(f"| email_validator.validate_email | {theirs:,.0f} | {theirs_rejected} |")
    print(f"ratio: {ours / theirs:.2f}x (target >= 0.5x)")


if __name__ == "__main__":
    main()
