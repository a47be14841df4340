"""A person's name as a matching key: Unicode-folded, order-insensitive, transliteration-aware.

"Wei, Li", "Li Wei" and "LI WEI" give one key; "Jörg Müller" and "Joerg Mueller" too. Display
names that are addresses, single words or company-like names give no key: they cannot
identify a person.
"""

from __future__ import annotations

import re
import unicodedata

_BRACKETS = re.compile(r"[(\[<（【].*?[)\]>）】]")
_SPLIT = re.compile(r"[\s,;./|_\-]+")
_GERMAN = (("ae", "a"), ("oe", "o"), ("ue", "u"))  # Müller -> muller, Mueller -> muller
_TITLES = frozenset("dr prof mr mrs ms miss herr frau mme mlle sr sra srta ing dipl mag".split())
_NOT_A_PERSON = frozenset("""
    team sales info support service office admin noreply no-reply gmbh ltd llc inc co company
    group trading export import purchasing accounts customer department dept the and
""".split())


def name_key(display_name: str | None) -> str:
    """"" when the name cannot identify a person."""
    if not display_name or "@" in display_name:
        return ""
    words = fold_words(_BRACKETS.sub(" ", display_name), transliterate=False)
    if any(word in _NOT_A_PERSON for word in words):
        return ""
    words = [_transliterate(word) for word in words
             if word not in _TITLES and (len(word) > 1 or _is_cjk(word))]
    if len(words) < 2 and not (words and _is_cjk(words[0]) and len(words[0]) >= 2):
        return ""
    return " ".join(sorted(words))


def fold_words(text: str, *, transliterate: bool = True) -> list[str]:
    """The words of a name as keys hold them: case- and accent-folded ("Jörg" -> "jorg"),
    German spellings transliterated ("Mueller" -> "muller")."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = [word for word in _SPLIT.split(folded) if word]
    return [_transliterate(word) for word in words] if transliterate else words


def _transliterate(word: str) -> str:
    for pair, letter in _GERMAN:
        word = word.replace(pair, letter)
    return word.replace("ß", "ss")


def _is_cjk(word: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in word)
