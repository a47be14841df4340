"""How the sender says "you": the T-V distinction (Sie/du, vous/tu, usted/tú, 您/你, ...).

Languages without such pronouns mark the same thing in verb endings and honorifics (Japanese
keigo, Korean -습니다/-요); those count here too, as they answer the same question. Each distinct
form becomes one cue at its first occurrence, with the count in the note: ten "Sie" in a long
mail are one piece of evidence, not ten.

Capitalized German Sie/Ihnen/Ihr and Italian Lei/La/Le/Suo are formal only inside a sentence:
at a sentence start they may just as well be "she/they/her" or an article, so those are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mailmatrix.tone.cues import FORMAL, RELAXED, Cue


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    register: str
    effect: float
    note: str
    inside_sentence_only: bool = False  # capitalized forms that are ambiguous sentence-initially


def _rule(pattern: str, register: str, effect: float, note: str, *, case: bool = False,
          inside: bool = False) -> Rule:
    flags = re.MULTILINE if case else re.MULTILINE | re.IGNORECASE
    return Rule(re.compile(pattern, flags), register, effect, note, inside)


_V = "is the formal 'you'"
_T = "is the familiar 'you'"

RULES: dict[str, tuple[Rule, ...]] = {
    "de": (
        _rule(r"\b(?:Sie|Ihnen|Ihr|Ihre|Ihrem|Ihren|Ihrer|Ihres)\b", FORMAL, 0.6, _V,
              case=True, inside=True),
        _rule(r"\b(?:du|dich|dir|dein|deine|deinem|deinen|deiner|deines)\b", RELAXED, -0.6, _T),
    ),
    "fr": (
        _rule(r"\b(?:vous|votre|vos)\b", FORMAL, 0.4, _V),
        _rule(r"\b(?:tu|toi|ton|ta|tes|te)\b", RELAXED, -0.6, _T),
    ),
    "es": (
        _rule(r"\b(?:usted|ustedes|uds?|vds?)\b\.?", FORMAL, 0.6, _V),
        _rule(r"\b(?:tú|tu|tus|te|ti|contigo|vosotros|vosotras|os)\b", RELAXED, -0.6, _T),
    ),
    "it": (
        _rule(r"\b(?:Lei|La|Le|Suo|Sua|Suoi|Sue|Gliel[aoie])\b", FORMAL, 0.6, _V, case=True,
              inside=True),
        _rule(r"\b(?:tu|ti|te|tuo|tua|tuoi|tue)\b", RELAXED, -0.6, _T),
    ),
    "pt": (
        _rule(r"\b(?:[oa]s?\s+senhor(?:a|es|as)?|vossa\s+senhoria|v\.\s?s\.ª)(?!\w)", FORMAL,
              0.7, _V),
        _rule(r"\b(?:você|vocês)\b", FORMAL, 0.2, "is the polite, neutral 'you'"),
        _rule(r"\b(?:tu|te|ti|contigo|teu|tua|teus|tuas)\b", RELAXED, -0.6, _T),
    ),
    "nl": (
        _rule(r"\b(?:u|uw)\b", FORMAL, 0.5, _V),
        _rule(r"\b(?:jij|je|jou|jouw)\b", RELAXED, -0.4, _T),
    ),
    "ru": (
        _rule(r"\b(?:Вы|Вас|Вам|Вами|Ваш\w*)\b", FORMAL, 0.8,
              "is the formal 'you', capitalized out of respect", case=True, inside=True),
        _rule(r"\b(?:вы|вас|вам|вами|ваш\w*)\b", FORMAL, 0.4, _V),
        _rule(r"\b(?:ты|тебя|тебе|тобой|тобою|тво(?:й|я|ё|е|и|его|ей|ему|им|их|ими|ю))\b",
              RELAXED, -0.7, _T),
    ),
    "tr": (
        _rule(r"\b(?:siz|size|sizi|sizin|sizinle|sizden|sizde)\b", FORMAL, 0.6, _V),
        # The -(I)nIz ending ("faturanızı", "misiniz") is the plural/polite "your"/"you".
        _rule(r"\b\w{2,}[ıiuü]n[ıiuü]z\w{0,3}\b", FORMAL, 0.3,
              "uses the polite -(I)nIz ending for 'you'"),
        _rule(r"\b(?:sen|seni|sana|senin|seninle|senden|sende)\b", RELAXED, -0.6, _T),
    ),
    "ja": (
        _rule(r"ございま|申し上げ|存じ|いただ|頂き|頂け|いたしま|致しま|くださいませ", FORMAL, 0.5,
              "is keigo, the respectful register"),
        _rule(r"です|ま(?:す|した|せん|しょう)", FORMAL, 0.2, "is the polite です/ます form"),
        _rule(r"だよね|だよ|だね|じゃん|よろしくね|ありがとね|してね", RELAXED, -0.5,
              "is plain, casual Japanese"),
    ),
    "zh": (
        _rule(r"您", FORMAL, 0.5, _V),
        _rule(r"贵(?:司|公司|方)|貴(?:司|公司|方)", FORMAL, 0.4, "is the honorific 'your company'"),
        _rule(r"你们|你", RELAXED, -0.3, _T),
    ),
    "ko": (
        # Endings count only where a sentence ends: mid-sentence "필요 없어" holds a noun in 요.
        _rule(r"(?<=[가-힣])(?:니다|니까|십시오)(?=\s*(?:[.!?,]|$))", FORMAL, 0.5,
              "is the deferential -습니다 ending"),
        _rule(r"(?<=[가-힣])요(?=\s*(?:[.!?,~]|$))", FORMAL, 0.2, "is the polite -요 ending"),
        _rule(r"(?:했어|할게|할까|있어|없어|거야|이야|잖아|알았어|고마워|미안해|그래|좋아|맞아|어때|"
              r"해|줘|봐|돼)(?=\s*(?:[.!?~ㅋㅎ]|$))", RELAXED, -0.5,
              "is plain speech (banmal), used between friends"),
    ),
}

_SENTENCE_END = frozenset(".!?:;…。！？")
_OPENERS = frozenset("\"'„“”«»‚‘’(")


def _starts_sentence(text: str, start: int) -> bool:
    """True when only whitespace, quotes or a sentence end precede ``start``."""
    index = start - 1
    while index >= 0 and (text[index].isspace() or text[index] in _OPENERS):
        index -= 1
    return index < 0 or text[index] in _SENTENCE_END


def pronoun_cues(text: str, language: str | None) -> tuple[Cue, ...]:
    """One cue per distinct T or V form the sender used, at its first occurrence."""
    cues: list[Cue] = []
    taken: set[int] = set()  # a word already claimed by an earlier, more specific rule
    for rule in RULES.get(language or "", ()):
        first: dict[str, tuple[int, int]] = {}
        counts: dict[str, int] = {}
        for match in rule.pattern.finditer(text):
            if match.start() in taken or (
                    rule.inside_sentence_only and _starts_sentence(text, match.start())):
                continue
            taken.add(match.start())
            key = match.group().lower()
            first.setdefault(key, match.span())
            counts[key] = counts.get(key, 0) + 1
        for key, (start, end) in first.items():
            times = f" ({counts[key]} times)" if counts[key] > 1 else ""
            cues.append(Cue("pronoun", text[start:end], rule.effect, rule.register, start, end,
                            f"'{text[start:end]}' {rule.note}{times}"))
    cues.sort(key=lambda cue: cue.start or 0)
    return tuple(cues)
