"""A person's name from a display name: given, family, title, in the order their culture uses.

Handles "Hans Schmidt", "Schmidt, Hans", "Dr. Hans Schmidt", "SCHMIDT Hans" (capitals mark the
family name), "Li Wei (Acme GmbH)" (company parts dropped), "王伟" and "田中 太郎" (family first),
"Tanaka Taro" (a known romanized surname first), "li.wei@acme.de" (an address as display name).
A title is kept only where it was written, in the display name or where someone addressed or
signed them ("Dear Mr Li", "王经理"); a name alone never yields a title, since that would mean
guessing gender. When the order cannot be told, ``full`` carries the name as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailmatrix.addresses.roles import role_category
from mailmatrix.tone.names_data import (
    CHINESE_COMPOUND_SURNAMES,
    CHINESE_SURNAMES,
    COMPANY_MARKS,
    COMPANY_WORDS,
    FAMILY_PARTICLES,
    JAPANESE_SURNAMES,
    KOREAN_COMPOUND_SURNAMES,
    POST_NOMINALS,
    PREFIX_TITLES,
    ROMANIZED_SURNAME_RANK,
    SUFFIX_TITLES,
    TRAILING_WORD_TITLES,
)

# Longer display names are not names (a pasted signature, an attack); cut before any regex.
MAX_NAME_LENGTH = 200

_BRACKETED = re.compile(r"\s*[(\[{（【「<][^)\]}）】」>]*[)\]}）】」>]?")
_SEPARATOR = re.compile(r"\s+(?:[-–—|/@•·]|via|at)\s+|\s*[|｜/]\s*")
_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")
_QUOTES = "\"'`“”‘’«»„"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_SCRIPTS = tuple((name, re.compile(pattern)) for name, pattern in (
    ("cyrillic", r"[\u0400-\u04ff]"), ("arabic", r"[\u0600-\u06ff]"),
    ("greek", r"[\u0370-\u03ff]"), ("hebrew", r"[\u0590-\u05ff]"), ("thai", r"[\u0e00-\u0e7f]"),
    ("devanagari", r"[\u0900-\u097f]"), ("latin", r"[A-Za-z\u00c0-\u024f]"),
))
# Titles that come with the Spanish naming custom of two surnames.
_SPANISH_TITLES = frozenset({"sr", "sra", "srta", "señor", "señora", "señorita", "dra"})


@dataclass(frozen=True)
class PersonName:
    """How to address someone. Fields are None when unknown; ``full`` is "" when nothing is."""

    given: str | None
    family: str | None
    title: str | None
    full: str
    script: str | None


EMPTY = PersonName(None, None, None, "", None)


def _script(text: str) -> str | None:
    if _KANA.search(text):
        return "kana"
    if _HAN.search(text):
        return "han"
    if _HANGUL.search(text):
        return "hangul"
    return next((name for name, pattern in _SCRIPTS if pattern.search(text)), None)


def _title_key(word: str) -> str:
    return word.lower().rstrip(".").rstrip(",")


def _is_company_part(part: str) -> bool:
    if any(mark in part for mark in COMPANY_MARKS):
        return True
    return any(_title_key(word).strip("()") in COMPANY_WORDS for word in part.split())


def _capitalized(word: str) -> str:
    """'SCHMIDT' -> 'Schmidt', 'MÜLLER-LÜDENSCHEIDT' -> 'Müller-Lüdenscheidt'; others as written."""
    return word.title() if word.isupper() and len(word) > 1 else word


def _from_address(text: str) -> str:
    """'li.wei@acme.de' -> 'li wei'; role mailboxes and single words give '' (not a name)."""
    local = text.split("@", 1)[0].split("+", 1)[0]
    if role_category(local):
        return ""
    parts = [re.sub(r"\d+", "", part) for part in re.split(r"[._-]+", local)]
    parts = [part for part in parts if part]
    if len(parts) < 2 or len(parts) > 3:
        return ""
    return " ".join(part.capitalize() for part in parts)


def _clean(display_name: str) -> tuple[str, str | None]:
    """Strip quotes, addresses, brackets and company parts; return the rest and a title found
    in brackets ("Li Wei (Mr.)")."""
    text = " ".join(display_name[:MAX_NAME_LENGTH].split()).strip(_QUOTES + " ")
    if "@" in text and " " not in text.strip("<>"):
        return _from_address(text.strip("<>")), None
    text = _ADDRESS.sub(" ", text)
    bracket_title = None
    for match in _BRACKETED.finditer(text):
        inner = match.group().strip(" ()[]{}（）【】「」<>")
        if _title_key(inner) in PREFIX_TITLES:
            bracket_title = inner
    text = _BRACKETED.sub(" ", text)
    text = _SEPARATOR.split(text)[0] if _SEPARATOR.search(text) else text
    if "," in text:
        head, _, tail = text.partition(",")
        if _is_company_part(tail) or _title_key(tail.strip()) in POST_NOMINALS:
            text = head
    for mark in COMPANY_MARKS:  # "株式会社ABC 田中" / "王伟 有限公司" keep only the person
        if mark in text:
            text = " ".join(word for word in text.split() if mark not in word)
    words = text.split()
    company = next((index for index, word in enumerate(words)
                    if _title_key(word) in COMPANY_WORDS), None)
    if company is not None:
        # "Acme GmbH" is no person; "Hans Schmidt Acme GmbH" keeps the words before the
        # company's name (taken to be the one word before its legal form).
        text = " ".join(words[: company - 1]) if company >= 3 else ""
    return " ".join(text.strip(_QUOTES + " ,;").split()), bracket_title


def _split_suffix_title(words: list[str]) -> tuple[list[str], str | None]:
    """'王经理' -> (['王'], '经理'); '김민준 님' -> (['김민준'], '님'); 'Ahmet Bey' too."""
    if not words:
        return words, None
    last = words[-1]
    if len(words) > 1 and (last in SUFFIX_TITLES or last.lower() in TRAILING_WORD_TITLES):
        return words[:-1], last
    for title in SUFFIX_TITLES:
        if last.endswith(title) and len(last) > len(title):
            return [*words[:-1], last[: -len(title)]], title
    return words, None


def _split_han(name: str, language: str | None, titled: bool) -> tuple[str | None, str | None]:
    """Family and given name of an unspaced Han name ('王伟', '欧阳娜娜', '田中太郎')."""
    for length in (3, 2, 1):
        family = name[:length]
        if family in JAPANESE_SURNAMES and language != "zh" and (
                language == "ja" or len(name) >= 4 or name[0] not in CHINESE_SURNAMES
                or name == family):
            return family, name[length:] or None
    if name[:2] in CHINESE_COMPOUND_SURNAMES:
        return name[:2], name[2:] or None
    if len(name) == 1 and titled:  # "王经理": the title follows the family name
        return name, None
    if 2 <= len(name) <= 4 and (name[0] in CHINESE_SURNAMES or language == "zh"):
        return name[0], name[1:]
    return None, None


def _split_hangul(name: str) -> tuple[str | None, str | None]:
    if name[:2] in KOREAN_COMPOUND_SURNAMES and len(name) >= 3:
        return name[:2], name[2:]
    if 2 <= len(name) <= 4:
        return name[0], name[1:]
    return None, None


def _parse_east_asian(words: list[str], script: str, language: str | None,
                      title: str | None) -> PersonName:
    full = " ".join(words)
    if script == "kana" and any("・" in word or "･" in word for word in words):
        parts = re.split(r"[・･\s]+", full)  # katakana foreign names keep Western order
        return PersonName(" ".join(parts[:-1]) or None, parts[-1], title, full, script)
    if len(words) >= 2:  # written with a space: always family first in these scripts
        return PersonName("".join(words[1:]), words[0], title, full, script)
    if script == "hangul":
        family, given = _split_hangul(words[0])
    else:
        family, given = _split_han(words[0], language, title is not None)
    return PersonName(given, family, title, full, script)


def _family_first_romanized(words: list[str]) -> bool:
    """'Li Wei', 'Tanaka Taro', 'Kim Minjun': a known surname before a less common one."""
    first, last = (ROMANIZED_SURNAME_RANK.get(word.lower()) for word in words)
    return first is not None and (last is None or first < last)


def _parse_alphabetic(words: list[str], script: str | None, language: str | None,
                      title: str | None, comma_family: str | None) -> PersonName:
    if comma_family is not None:
        family = " ".join(_capitalized(word) for word in comma_family.split())
        given = " ".join(_capitalized(word) for word in words) or None
        return PersonName(given, family, title, " ".join(filter(None, (given, family))), script)
    upper = [word for word in words if word.isupper() and sum(c.isalpha() for c in word) > 1]
    marked = upper if upper and len(upper) < len(words) else []
    words = [_capitalized(word) for word in words]
    if len(words) < 2:  # after a title a lone word is the family name ("Frau Schmidt")
        return PersonName(None, words[0] if title else None, title, " ".join(words), script)
    if marked:  # "SCHMIDT Hans": capitals mark the family name, wherever it stands
        family_words = [_capitalized(word) for word in marked]
        given_words = [word for word in words if word not in family_words]
        family, given = " ".join(family_words), " ".join(given_words) or None
    elif len(words) == 2 and _family_first_romanized(words):
        family, given = words[0], words[1]
    else:
        cut = len(words) - 1
        while cut > 1 and words[cut - 1].lower() in FAMILY_PARTICLES:
            cut -= 1
        spanish = language == "es" or _title_key(title or "") in _SPANISH_TITLES
        if spanish and cut == len(words) - 1 and len(words) >= 3:
            cut -= 1  # Spanish names carry two surnames: "José García López"
        family, given = " ".join(words[cut:]), " ".join(words[:cut])
    # East Asian names keep the order they were written in ("Li Wei", "TANAKA Taro"); others
    # read given name first ("SCHMIDT Hans" is Hans Schmidt).
    east_asian = len(words) == 2 and family == words[0] and _family_first_romanized(words)
    full = " ".join(words) if east_asian else " ".join(filter(None, (given, family)))
    return PersonName(given, family, title, full, script)


def _with_title(name: PersonName, title: str, addressed_by: str) -> PersonName:
    addressed = addressed_by.lower()
    if title.lower() in TRAILING_WORD_TITLES:  # Turkish: "Ahmet Bey" names the given name
        if addressed in ((name.given or "").lower(), name.full.lower()):
            return PersonName(name.given or _capitalized(addressed_by), name.family, title,
                              name.full, name.script)
        return name
    if name.family and addressed == name.family.lower():
        return PersonName(name.given, name.family, title, name.full, name.script)
    if name.given and name.family and addressed == name.given.lower():
        # "Dear Mr Wei" to a "Li Wei" we read as Li/Wei: they are addressed by Wei.
        return PersonName(name.family, name.given, title, name.full, name.script)
    if not name.family and name.full and addressed == name.full.lower():
        return PersonName(None, _capitalized(addressed_by), title, name.full, name.script)
    return name


def _title_from(salutation_text: str, name: PersonName, language: str | None) -> PersonName:
    """Take a title from how someone addressed or signed them, if it names this person: a
    greeting that names someone else (the user) leaves the name as it was."""
    text = salutation_text[:MAX_NAME_LENGTH]
    words = re.findall(r"[^\W\d_][\w.\-'’]*", text)
    for index, word in enumerate(words):
        if _is_prefix_title(word, language):  # "Dear Mr Li", "Herr Dr. Schmidt", "M. Dupont"
            end = index + 1
            while end < len(words) and _is_prefix_title(words[end], language):
                end += 1
            if end < len(words):
                titled = _with_title(name, " ".join(words[index:end]), words[end].rstrip("."))
                if titled is not name:
                    return titled
        elif index + 1 < len(words) and words[index + 1].lower() in TRAILING_WORD_TITLES:
            titled = _with_title(name, words[index + 1], word)  # "Ahmet Bey"
            if titled is not name:
                return titled
    compact = "".join(text.split())
    for title in SUFFIX_TITLES:  # "王经理您好", "田中様", "김민준 님께"
        position = compact.find(title)
        while position > 0:
            before = compact[:position]
            for part in (name.full.replace(" ", ""), name.family):
                if part and before.endswith(part):
                    return PersonName(name.given, name.family, title, name.full, name.script)
            position = compact.find(title, position + 1)
    return name


def _is_prefix_title(word: str, language: str | None) -> bool:
    # "M." is Monsieur only in French; elsewhere it is an initial.
    key = _title_key(word)
    return key in PREFIX_TITLES and (key != "m" or (word == "M." and language == "fr"))


def parse_person_name(display_name: str, salutation_text: str | None = None,
                      language: str | None = None) -> PersonName:
    """Parse a display name ("Dr. Hans Schmidt", "王伟", "li.wei@acme.de"); never raises."""
    if not isinstance(display_name, str):
        return EMPTY
    text, bracket_title = _clean(display_name)
    comma_family = None
    if text.count(",") == 1:  # "Schmidt, Hans"
        left, right = (part.strip() for part in text.split(","))
        if left and right and len(left.split()) <= 2 and len(right.split()) <= 3:
            comma_family, text = left, right
        else:
            text = text.replace(",", " ")
    words = [word for word in text.replace(",", " ").split() if word.strip(".-'’")]
    titles: list[str] = []
    while words and _is_prefix_title(words[0], language):
        titles.append(words.pop(0))
    words, suffix_title = _split_suffix_title(words)
    if suffix_title and suffix_title.lower() in TRAILING_WORD_TITLES and len(words) == 1:
        return PersonName(_capitalized(words[0]), None, suffix_title, words[0],
                          _script(words[0]))  # "Ahmet Bey": the title follows a given name
    words = [word for word in words if _title_key(word) not in POST_NOMINALS]
    title = " ".join(titles) or suffix_title or bracket_title
    if not any(char.isalpha() for word in words for char in word):
        words = []  # "12345", "---": no name in it
    if comma_family is not None and not any(char.isalpha() for char in comma_family):
        comma_family = None
    if not words and comma_family is None:
        return PersonName(None, None, title, "", None) if title else EMPTY
    script = _script(" ".join(words) + (comma_family or ""))
    if script in ("han", "kana", "hangul"):  # family first anyway: "王, 伟" is "王 伟"
        name = _parse_east_asian([*(comma_family or "").split(), *words], script, language,
                                 title)
    else:
        name = _parse_alphabetic(words, script, language, title, comma_family)
    if salutation_text and isinstance(salutation_text, str) and name.title is None:
        name = _title_from(salutation_text, name, language)
    return name
