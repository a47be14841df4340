"""What the formality scorer looks at: tokens, sentences and stylistic marks, with offsets.

The training script and the run-time scorer both call ``text_features``, so a model can never be
trained on features that the scorer computes differently. Pure standard library.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple

# Pictographs, dingbats, symbols and their joiners/variation selectors: one "emoji" token.
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2190-\u21ff\ufe0f\u200d"
# Alternatives are disjoint single-pass patterns: no nested quantifiers, so no backtracking blow-up.
_TOKEN = re.compile(
    rf"(?P<word>\d+(?:[.,:]\d+)+|[^\W_]+(?:['’][^\W_]+)*)"  # "3.5" and "1,000" stay whole
    rf"|(?P<emoji>[{_EMOJI}]+)"
    rf"|(?P<punct>[!！]+|[?？]+|\.{{2,}}|…|[^\w\s{_EMOJI}])"
)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_SENTENCE_END = {".", "!", "?", "…", "。", "！", "？"}
_EMOTICON = re.compile(r"(?<![\w:;])[:;=xX8][-'^o]?[)(\]\[dDpP/\\|*3]+(?!\w)|<3|\^\^|\^_\^")
# A "." after these does not end a sentence ("Mr. Smith", "z. B.", "ca. 300").
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no nr vs etc eg ie approx inc ltd co corp jr sr hr fr hrn frau herrn "
    "bzw ca usw ggf evtl inkl zzgl abs bspw vgl sog tel geb str".split()
)
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Japanese kana, Han)
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff]")
_EMOTICON_SIGNS = (":", ";", "=", "<3", "^", "8-", "8)")
_STRETCHED = re.compile(r"([^\W\d_])\1{2}$|([^\W\d_])\2{3}")  # "sooo", "neeeein"
_SHOUT_RUN = 3  # this many all-caps words in a row is shouting, not an acronym like "FOB USD"
_CAPS_RUN_GLUE = frozenset({",", "-", "&", "/"})  # "SEND IT, NOW" is still one run

CHAR_GRAM_SIZES = (2, 3, 4)
# Mean words per sentence is clamped to this range: a one-line "Thank you." or a greeting line
# is not chat, and past 25 words length says nothing more (CV: no loss; less length-driven).
SENTENCE_WORDS = (3.0, 25.0)
# Token keys whose signal belongs to a stylistic feature, not to the word weights: learning
# them twice let the residual flip sign ("!!" leaning formal in German because a prior took it).
MARK_KEYS = frozenset({"<emoji>", "!!", "??", "!?", "?!"})

# Chat words: informal in any language that borrows them; per-language lists add local ones.
# Greetings ("hey", "yo") are left to tone/salutations.py so they are not counted twice.
SLANG_ANY = frozenset(
    "lol lmao rofl omg thx thnx tnx pls plz btw xd haha hahaha hehe hihi jaja jajaja kkk kkkk "
    "mdr ptdr xoxo brb idk tbh imo imho ty np 哈哈 哈哈哈 呵呵 嘻嘻".split()
)
SLANG = {
    "en": SLANG_ANY | frozenset(
        "u ur ya yall kinda sorta yeah yep yup nope nah cuz coz k kk gr8 b4 tmrw 2moro dude "
        "bro wtf cool awesome".split()
    ),
    "de": SLANG_ANY | frozenset(
        "jo joa nö nee krass geil mega bissl kp hdl gell gelle nix grad naja tja boah alter "
        "digga sry vllt cool okidoki".split()
    ),
}
# Spoken forms, glued with an apostrophe ("don't", "geht's") or written as one word ("gonna").
_CONTRACTED_WORDS = {
    "en": frozenset(
        "gonna wanna gotta gimme lemme dunno y'all cannot wont dont cant didnt doesnt isnt im "
        "ive youre thats".split()
    ),
    "de": frozenset(
        "gibts gehts hab habs haste isses nen nem ner is nich kannste willste weißte biste "
        "machste siehste".split()
    ),
}
_EN_CLITICS = frozenset({"m", "re", "ve", "ll", "d"})
_EN_S_HOSTS = frozenset("it that there here what who he she let where how".split())  # not "NASA's"


def _is_contraction(lower: str, language: str) -> bool:
    words = _CONTRACTED_WORDS.get(language)
    if words is None:
        return False  # other languages: an apostrophe is ordinary spelling (French "j'ai")
    lower = lower.replace("’", "'")
    if lower in words:
        return True
    head, apostrophe, tail = lower.rpartition("'")
    if not apostrophe:
        return False
    if language == "de":
        return tail == "s"
    return (tail in _EN_CLITICS or (tail == "t" and head.endswith("n"))
            or (tail == "s" and head in _EN_S_HOSTS))


class Token(NamedTuple):  # NamedTuple: built ~500 times per 3,000 characters, so cheap to make
    text: str
    start: int
    end: int
    kind: str  # "word", "emoji" or "punct"
    key: str  # what the model's weight table is keyed by
    initial: bool  # no word of its sentence comes before it


class Mark(NamedTuple):
    """A stylistic mark found in the text: ``text[start:end]`` is the evidence."""

    kind: str  # "contraction", "emoji", "exclamation", "lowercase", "slang", "shouting"
    start: int
    end: int
    note: str


@dataclass(frozen=True)
class TextFeatures:
    tokens: tuple[Token, ...]
    sentences: tuple[tuple[int, int], ...]  # character spans
    sentence_words: tuple[int, ...]  # words per sentence, aligned with ``sentences``
    marks: tuple[Mark, ...]
    style: dict[str, float]  # the dense stylistic features (names in STYLE_FEATURES)


STYLE_FEATURES = (
    "sentence_length", "word_length", "contraction", "emoji", "exclamation", "lowercase",
    "slang", "shouting",
)
MARK_KINDS = ("contraction", "emoji", "exclamation", "lowercase", "slang", "shouting")


def token_key(text: str, kind: str, initial: bool) -> str:
    """The weight-table key of a token.

    Case is kept inside a sentence because it carries register (German polite "Sie"/"Ihnen"
    versus "sie"; lower-case nouns and "i" in chat). A capitalised first word is folded to
    lower case, as the capital there only marks the sentence start.
    """
    if kind == "emoji":
        return "<emoji>"
    if kind == "punct":
        if text[0] in "!?！？":
            # "!!!!" weighs as "!!": the run, not its length, is the signal; "！" is "!"
            return text[:2].replace("！", "!").replace("？", "?")
        return "..." if text == "…" or text.startswith("..") else text
    if text[0].isdigit() and _NUMBER.fullmatch(text):
        return "<num>"  # which number it is says nothing about register
    if initial and text[:1].isupper() and text[1:].islower():
        return text.lower()
    return text


def char_grams(key: str) -> list[str]:
    """Character n-grams of a lower-cased word with boundary marks ("<ge", "ung>")."""
    padded = f"<{key.lower()}>"
    grams: list[str] = []
    for n in CHAR_GRAM_SIZES:
        grams += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams


def lexical_grams(token: Token) -> list[str]:
    """The character n-grams a token contributes: words of 3+ characters, numbers excepted.

    The n-grams of "u" or "du" are those of "unit" and "dunkel"; such short words are
    judged by their own weight only (CV: no loss).
    """
    if token.kind != "word" or len(token.key) < 3 or token.key == "<num>":
        return []
    return char_grams(token.key)


def _tokens(text: str) -> tuple[list[Token], list[tuple[int, int]], list[int]]:
    """Tokens plus sentence spans and their word counts, in one pass."""
    found: list[Token] = []
    spans: list[tuple[int, int]] = []
    words: list[int] = []
    boundary = True  # the next token opens a sentence
    initial = True  # no word of the current sentence seen yet
    sentence_start = last_end = count = 0
    previous = ""
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        kind = match.lastgroup or "punct"
        piece = match.group()
        if boundary or text.find("\n", last_end, start) >= 0:
            # a line break ends a unit too (greeting lines, bullet points)
            if count:  # "!!!" alone is no sentence
                spans.append((sentence_start, last_end))
                words.append(count)
            sentence_start, count, boundary, initial = start, 0, False, True
        found.append(Token(piece, start, end, kind, token_key(piece, kind, initial), initial))
        last_end = end
        if kind == "word":
            count += 1
            initial = False
        elif piece[-1] in _SENTENCE_END:
            boundary = not (piece == "." and (len(previous) == 1 or
                                              previous.lower() in _ABBREVIATIONS))
        previous = piece
    if count:
        spans.append((sentence_start, last_end))
        words.append(count)
    return found, spans, words


def _is_cased(word: str) -> bool:
    return word.lower() != word.upper()


def _marks(text: str, tokens: list[Token], language: str | None) -> list[Mark]:
    marks: list[Mark] = []
    slang = SLANG.get(language or "", SLANG_ANY)
    contracted = _CONTRACTED_WORDS.get(language or "")
    run_start = run_end = run_length = 0  # current run of all-capital words

    for piece, start, end, kind, _key, initial in tokens:
        if kind != "word":
            if kind == "emoji":
                marks.append(Mark("emoji", start, end, "emoji belong in chat"))
            elif len(piece) > 1 and piece[0] in "!?！？":
                marks.append(Mark("exclamation", start, end,
                                  "repeated '!' or '?' is emphatic and casual"))
            if piece in _CAPS_RUN_GLUE:
                continue
        else:
            lower = piece.lower()
            if lower in slang:
                marks.append(Mark("slang", start, end, "chat word"))
            elif len(lower) > 3 and _STRETCHED.search(lower):
                marks.append(Mark("slang", start, end, "stretched word"))
            if contracted is not None and (lower in contracted or (
                    ("'" in lower or "’" in lower) and _is_contraction(lower, language or ""))):
                marks.append(Mark("contraction", start, end, "spoken, clipped form"))
            if initial and piece[0] != piece[0].upper():
                marks.append(Mark("lowercase", start, end, "sentence starts in lower case"))
            if len(piece) > 1 and piece.isupper():
                if not run_length:
                    run_start = start
                run_end, run_length = end, run_length + 1
                continue
        if run_length >= _SHOUT_RUN:
            marks.append(Mark("shouting", run_start, run_end,
                              "written in capitals, which reads as shouting"))
        run_length = 0
    if run_length >= _SHOUT_RUN:
        marks.append(Mark("shouting", run_start, run_end,
                          "written in capitals, which reads as shouting"))
    if any(sign in text for sign in _EMOTICON_SIGNS):  # skip the scan for most business text
        for match in _EMOTICON.finditer(text):
            marks.append(Mark("emoji", match.start(), match.end(), "emoticon"))
    marks.sort(key=lambda mark: mark.start)
    return marks


def mostly_unspaced(features: TextFeatures) -> bool:
    """Whether most of the words are in a script without spaces, where a "word" is a phrase."""
    total = unspaced = 0
    for token in features.tokens:
        if token.kind == "word":
            total += len(token.text)
            if _UNSPACED.match(token.text):
                unspaced += len(token.text)
    return unspaced * 2 > total


def _rate(count: int, sentences: int) -> float:
    """Marks per sentence, square-rooted and capped: the first one says most."""
    return min(1.0, math.sqrt(count / max(sentences, 1)))


def text_features(text: str, language: str | None) -> TextFeatures:
    """Tokens, sentences, marks and dense style features of ``text`` (caller caps the length)."""
    tokens, spans, words = _tokens(text)
    marks = _marks(text, tokens, language)
    word_tokens = [t for t in tokens if t.kind == "word"]
    counts = {kind: 0 for kind in MARK_KINDS}
    for mark in marks:
        counts[mark.kind] += 1
    sentences = len(spans)
    cased_starts = sum(1 for t in word_tokens if t.initial and _is_cased(t.text[0]))
    style = {
        "sentence_length": math.log1p(min(max(sum(words) / sentences, SENTENCE_WORDS[0]),
                                          SENTENCE_WORDS[1])) if sentences else 0.0,
        "word_length": (sum(t.end - t.start for t in word_tokens) / len(word_tokens)
                        if word_tokens else 0.0),
        "contraction": _rate(counts["contraction"], sentences),
        "emoji": _rate(counts["emoji"], sentences),
        "exclamation": _rate(counts["exclamation"], sentences),
        "lowercase": counts["lowercase"] / cased_starts if cased_starts else 0.0,
        "slang": _rate(counts["slang"], sentences),
        "shouting": _rate(counts["shouting"], sentences),
    }
    return TextFeatures(tuple(tokens), tuple(spans), tuple(words), tuple(marks), style)
