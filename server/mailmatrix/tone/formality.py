"""Formality score of what a sender wrote, 0 (relaxed) .. 1 (formal), with the words behind it.

A linear model per language (English, German) trained offline by ``scripts/train_formality.py``:

    value = bias + mean over tokens of (word weight + mean of its character n-gram weights)
                 + sum over style features of weight * (feature - its training mean)

clipped to 0..1. Every term belongs to a token or to a stylistic mark with offsets, so the
cues are the largest terms themselves, not a separate story. Other languages get the
stylistic terms only, around a neutral 0.5. Pure: the packaged weights are read once.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from itertools import repeat
from typing import Any

from mailmatrix.tone.cues import RELAXED, Cue
from mailmatrix.tone.formality_features import (
    CHAR_GRAM_SIZES,
    TextFeatures,
    Token,
    lexical_grams,
    mostly_unspaced,
    text_features,
)

MAX_CHARS = 3000  # the opening of a message sets its register; longer input is not read
NEUTRAL_VALUE = 0.5
MODEL_RESOURCE = "formality_model.json.gz"
FALLBACK = "*"
WORD_CUES = 6
MARKS_PER_KIND = 3
MEMO_SIZE = 50_000
MIN_EFFECT = 0.003  # smaller pushes are noise to a reader
_MARK_FEATURES = ("contraction", "emoji", "exclamation", "lowercase", "slang", "shouting")


@dataclass(frozen=True)
class FormalityScore:
    value: float  # 0..1, 1 = most formal
    cues: tuple[Cue, ...]  # the evidence, offsets into the scored text


@dataclass(frozen=True)
class LanguageModel:
    bias: float
    words: dict[str, float]
    chars: dict[str, float]
    style: dict[str, tuple[float, float]]  # feature -> (weight, training mean)
    # token key -> its weight (word + mean n-gram weight); n-gram lookups are most of the cost
    memo: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def warm(self) -> None:
        """Fill the memo with the known words, so a first message pays only for new ones."""
        for key in self.words:
            if key[:1].isalpha():
                self.token_weight(Token(key, 0, len(key), "word", key, False))

    def token_weight(self, token: Token) -> float:
        weight = self.memo.get(token.key)
        if weight is None:
            weight = self.words.get(token.key, 0.0)
            grams = lexical_grams(token)
            if grams:
                weight += sum(map(self.chars.get, grams, repeat(0.0))) / len(grams)
            if len(self.memo) >= MEMO_SIZE:
                self.memo.clear()  # bounded: a stream of odd tokens must not grow memory
            self.memo[token.key] = weight
        return weight


@dataclass(frozen=True)
class FormalityModel:
    languages: dict[str, LanguageModel]  # "en", "de", and FALLBACK for all others

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> FormalityModel:
        if tuple(payload["char_gram_sizes"]) != CHAR_GRAM_SIZES:
            raise ValueError("formality model was trained with other character n-gram sizes; "
                             "retrain it with scripts/train_formality.py")
        languages = {
            language: LanguageModel(
                float(part["bias"]), part["words"], part["chars"],
                {name: (float(w), float(c)) for name, (w, c) in part["style"].items()},
            )
            for language, part in payload["models"].items()
        }
        for model in languages.values():
            model.warm()
        return cls(languages)

    def score(self, text: str, language: str | None) -> FormalityScore:
        code = (language or "").strip().lower().replace("_", "-").split("-")[0]
        learned = code in self.languages and code != FALLBACK
        model = self.languages[code if learned else FALLBACK]
        text = text[:MAX_CHARS]
        features = text_features(text, code or None)
        if not any(token.kind == "word" for token in features.tokens):
            return FormalityScore(NEUTRAL_VALUE, ())
        word_cues, lexical = _word_terms(model, features)
        style_cues, stylistic = _style_terms(model, features, text, learned)
        value = min(1.0, max(0.0, model.bias + lexical + stylistic))
        cues = sorted(word_cues + style_cues, key=lambda cue: -abs(cue.effect))
        return FormalityScore(value, tuple(cues))


def _word_terms(model: LanguageModel, features: TextFeatures) -> tuple[list[Cue], float]:
    """Lexical part of the score and one cue per distinct word among the largest terms."""
    if not model.words and not model.chars:
        return [], 0.0
    share = 1.0 / len(features.tokens)
    by_key: dict[str, tuple[float, Token, int]] = {}
    for token in features.tokens:
        effect, first, count = by_key.get(token.key, (0.0, token, 0))
        by_key[token.key] = (effect + model.token_weight(token) * share, first, count + 1)
    total = sum(effect for effect, _, _ in by_key.values())
    largest = sorted(
        ((effect, first, count) for effect, first, count in by_key.values()
         if first.kind == "word" and abs(effect) >= MIN_EFFECT),
        key=lambda item: -abs(item[0]),
    )[:WORD_CUES]
    cues = [
        Cue("word", first.text, round(effect, 4), start=first.start, end=first.end,
            note=_word_note(effect, count))
        for effect, first, count in largest
    ]
    return cues, total


def _word_note(effect: float, count: int) -> str:
    leaning = "formal" if effect > 0 else "relaxed"
    times = f" ({count} times)" if count > 1 else ""
    return f"a word that leans {leaning} in the training texts{times}"


def _style_terms(model: LanguageModel, features: TextFeatures, text: str,
                 learned: bool) -> tuple[list[Cue], float]:
    cues: list[Cue] = []
    total = 0.0
    unspaced = not learned and mostly_unspaced(features)
    for name, (weight, centre) in model.style.items():
        if name in ("sentence_length", "word_length") and not learned and unspaced:
            continue  # no spaces between words (Chinese, Japanese, Thai): lengths mean nothing
        effect = weight * (features.style[name] - centre)
        total += effect
        if abs(effect) < MIN_EFFECT:
            continue
        if name in _MARK_FEATURES:
            cues.extend(_mark_cues(name, effect, features, text))
        elif name == "sentence_length":
            cues.append(_sentence_cue(effect, features, text))
        elif name == "word_length":
            cues.append(_word_length_cue(effect, features))
    return cues, total


def _mark_cues(name: str, effect: float, features: TextFeatures, text: str) -> list[Cue]:
    marks = [mark for mark in features.marks if mark.kind == name]
    if not marks:
        return []  # absence of a mark shifts the score a little; nothing to point at
    share = round(effect / len(marks), 4)
    more = f"; {len(marks)} in all" if len(marks) > MARKS_PER_KIND else ""
    return [
        Cue(name, text[mark.start:mark.end], share, register=RELAXED if effect < 0 else None,
            start=mark.start, end=mark.end, note=mark.note + more)
        for mark in marks[:MARKS_PER_KIND]
    ]


def _sentence_cue(effect: float, features: TextFeatures, text: str) -> Cue:
    """Point at the longest sentence when length pushes formal, the shortest otherwise."""
    pairs = list(zip(features.sentence_words, features.sentences, strict=True))
    words, (start, end) = max(pairs) if effect > 0 else min(pairs)
    mean = sum(features.sentence_words) / len(pairs)
    return Cue("sentence-length", text[start:end], round(effect, 4), start=start, end=end,
               note=f"sentences average {mean:.1f} words; this one has {words}")


def _word_length_cue(effect: float, features: TextFeatures) -> Cue:
    words = [token for token in features.tokens if token.kind == "word"]
    pick = (max if effect > 0 else min)(words, key=lambda token: token.end - token.start)
    mean = features.style["word_length"]
    which = "longest" if effect > 0 else "shortest"
    return Cue("word-length", pick.text, round(effect, 4), start=pick.start, end=pick.end,
               note=f"words average {mean:.1f} characters; this is the {which}")


@cache
def packaged_model() -> FormalityModel:
    """The shipped weights, read once per process."""
    raw = files("mailmatrix.tone").joinpath(MODEL_RESOURCE).read_bytes()
    return FormalityModel.from_payload(json.loads(gzip.decompress(raw)))


def score_formality(text: str, language: str | None) -> FormalityScore:
    """How formal ``text`` reads (0..1) and the cues behind it.

    ``text`` is the sender's own words (quotes and signature removed); only the first
    MAX_CHARS characters are scored. ``language`` is ISO 639-1 ("en", "de") or None.
    """
    return packaged_model().score(text, language)
