"""Greeting, sign-off and form of "you": the clearest evidence of the register a sender chose.

``salutation_cues`` looks for the opening salutation in the first lines of the sender's own
words, the closing in the last lines, and the T-V forms anywhere (see salutations_pronouns).
Openings and closings of every language are tried, the mail's own language first: a German mail
may well open with "Dear Mr Li". A closing must end its line, apart from a name or a place
("Best regards, Anna", "Viele Grüße aus Hamburg"), so "Thanks for the order" is not a sign-off.
Offsets are exact: ``text[cue.start:cue.end] == cue.text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from mailmatrix.tone.cues import FORMAL, RELAXED, Cue
from mailmatrix.tone.salutations_lexicon import ADDRESS_TITLE, CLOSINGS, OPENINGS, UNSPACED, Form
from mailmatrix.tone.salutations_pronouns import pronoun_cues

# Where a greeting can be: the first few lines (Japanese and Chinese mails put company and
# department above the addressee), and no further than the first paragraph-long line.
OPENING_LINES = 3
LONG_LINE = 80
# Where a sign-off can be: the last few lines (name, title and company follow it).
CLOSING_LINES = 6
# Greeting and sign-off sit within this many characters of the start and the end; bounding the
# scan keeps a pathological body (a million blank lines) cheap.
EDGE_CHARS = 2000
# How far after a greeting we look for a title ("Hallo Herr Dr. Schmidt"): up to the first
# comma or colon, so a title later in the sentence ("Hi Anna, Dr. Li asked...") does not count.
ADDRESS_SPAN = 40
_ADDRESS_END = re.compile(r"[,:;!?，：！\n]")
# A sign-off may follow a lead-in in languages that end a mail with a phrase (引き続き...).
_LEAD_IN_LANGUAGES = frozenset({"ja", "zh", "ko"})
# Sign-off lines may end with a place: "Viele Grüße aus Hamburg", "Cheers from Shanghai".
_PLACE_WORDS = frozenset({"aus", "from", "von", "de", "da", "desde", "dal", "uit", "из"})
_LEADING_MARKS = "¡¿\"'„“«>*-–•"
_TRAILING = " \t,.;:!?-–—~…。、，！？～"

Compiled = tuple[str, Form, re.Pattern[str]]
Acceptance = Callable[[str, re.Match[str]], bool]


def _compile(language: str, form: Form, lead_in: bool) -> re.Pattern[str]:
    # Latin words need a word end ("Hi" is not "History"); in unspaced scripts only a Latin
    # letter may not follow, since the next CJK character is normally the next word.
    boundary = r"(?![A-Za-z])" if language in UNSPACED else r"(?!\w)"
    prefix = r"[^\n]{0,12}?" if lead_in else ""
    return re.compile(f"{prefix}(?P<cue>{form.pattern}){boundary}", re.IGNORECASE)


@cache
def _forms(closing: bool) -> tuple[Compiled, ...]:
    table = CLOSINGS if closing else OPENINGS
    return tuple(
        (language, form, _compile(language, form, closing and language in _LEAD_IN_LANGUAGES))
        for language, forms in table.items()
        for form in forms
    )


def _in_order(closing: bool, language: str | None) -> list[Compiled]:
    """All forms, the mail's own language first (it wins ties)."""
    forms = _forms(closing)
    return ([entry for entry in forms if entry[0] == language]
            + [entry for entry in forms if entry[0] != language])


def _lines_from_start(text: str) -> Iterator[tuple[int, int]]:
    for match in re.finditer(r"[^\r\n]+", text[:EDGE_CHARS]):
        if not match.group().isspace():
            yield match.span()


def _last_lines(text: str, count: int) -> list[tuple[int, int]]:
    """The last ``count`` non-blank lines, bottom first, reading only the tail of the text."""
    lines: list[tuple[int, int]] = []
    end, floor = len(text), max(0, len(text) - EDGE_CHARS)
    while end > floor and len(lines) < count:
        start = max(text.rfind("\n", floor, end), text.rfind("\r", floor, end), floor - 1) + 1
        if text[start:end].strip():
            lines.append((start, end))
        end = start - 1
    return lines


def _skip_space(text: str, start: int, end: int) -> int:
    """Past leading blanks and opening marks ("¡Hola!", "„Hallo"), to the first word."""
    while start < end and (text[start].isspace() or text[start] in _LEADING_MARKS):
        start += 1
    return start


def _best_match(text: str, position: int, endpos: int, forms: list[Compiled],
                accept: Acceptance | None = None) -> tuple[Form, re.Match[str]] | None:
    best: tuple[Form, re.Match[str]] | None = None
    for _, form, pattern in forms:
        match = pattern.match(text, position, endpos)
        if match and match.group("cue") and (best is None or match.end() > best[1].end()):
            if accept is not None and not accept(text, match):
                continue
            best = (form, match)
    return best


def _name_like(word: str) -> bool:
    """A signature word: capitalized ("Anna"), uncased (李, محمد) or no letter at all (🙂)."""
    first = word[0]
    return not first.isalnum() or (not first.islower() and not first.isdigit())


def _ends_as_sign_off(text: str, match: re.Match[str]) -> bool:
    """Only a name, a place or punctuation may follow a sign-off on its line."""
    line_end = text.find("\n", match.end())
    rest = text[match.end(): len(text) if line_end < 0 else line_end]
    words = rest.strip(_TRAILING).split()
    if words and words[0].lower() in _PLACE_WORDS:
        if len(words) == 1:
            return False  # "Thanks from" leads into a sentence
        words = words[1:]
    return len(words) <= 4 and all(_name_like(word) for word in words)


def _cue(kind: str, text: str, form: Form, match: re.Match[str]) -> Cue:
    start, end = match.span("cue")
    words = text[start:end]
    if not form.by_address:
        return Cue(kind, words, form.effect, form.register, start, end, f"'{words}' {form.note}")
    # "Buenos días, Sr. López:": the name may follow a comma, then ends at the next one.
    following = text[end: end + ADDRESS_SPAN].lstrip(" ,\t")
    stop = _ADDRESS_END.search(following)
    following = following[: stop.start()] if stop else following
    title = ADDRESS_TITLE.search(following)
    if title:
        return Cue(kind, words, abs(form.effect), FORMAL, start, end,
                   f"'{words}' with a title ('{title.group()}') is polite and formal")
    return Cue(kind, words, -abs(form.effect), RELAXED, start, end,
               f"'{words}' with a first name, or no name, is familiar")


def _opening(text: str, language: str | None, before: int) -> Cue | None:
    """The greeting in the first lines, above ``before`` (where the sign-off starts)."""
    forms = _in_order(False, language)
    for index, (start, end) in enumerate(_lines_from_start(text)):
        if start >= before:
            return None
        found = _best_match(text, _skip_space(text, start, end), end, forms)
        if found:
            return _cue("salutation", text, *found)
        if index + 1 >= OPENING_LINES or end - start > LONG_LINE:
            return None
    return None


def _closing(text: str, language: str | None) -> Cue | None:
    """The sign-off in the last lines; never on the first line, which is the greeting's."""
    forms = _in_order(True, language)
    first_line = next(_lines_from_start(text), (0, 0))
    for start, end in _last_lines(text, CLOSING_LINES):
        if start <= first_line[0]:
            return None
        found = _best_match(text, _skip_space(text, start, end), len(text), forms,
                            accept=_ends_as_sign_off)
        if found:
            return _cue("closing", text, *found)
    return None


def _overlaps(first: Cue, second: Cue) -> bool:
    if None in (first.start, first.end, second.start, second.end):
        return False
    return first.start < second.end and second.start < first.end  # type: ignore[operator]


def salutation_cues(text: str, language: str | None) -> tuple[Cue, ...]:
    """Opening salutation, closing and T-V forms of ``text``, in text order.

    ``language`` (ISO 639-1 or None) puts that language's forms first and selects the pronoun
    rules; without it no pronoun cues are given, since "tu" or "te" mean different things in
    different languages.
    """
    if not isinstance(text, str) or not text.strip():
        return ()
    closing = _closing(text, language)
    opening = _opening(text, language, len(text) if closing is None else closing.start or 0)
    found = [cue for cue in (opening, closing) if cue is not None]
    # A pronoun inside a greeting or sign-off ("よろしくお願いいたします", "고마워") is already
    # counted by it.
    found.extend(cue for cue in pronoun_cues(text, language)
                 if not any(_overlaps(cue, other) for other in found))
    found.sort(key=lambda cue: cue.start or 0)
    return tuple(found)
