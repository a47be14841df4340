"""Train the formality model shipped in mailmatrix/tone/formality_model.json.gz.

    pip install '.[train]' && python scripts/train_formality.py [--data DIR]

English: SQUINKY (formality 1..7). German: In_Formal (score -1..1, 11 genres). Both read from
../shared/data/formality at train time and never copied into the project. Targets are mapped
to 0..1. Ridge regression on the exact features the run-time scorer computes
(``mailmatrix.tone.formality_features``): per-token word and character n-gram weights averaged
over the text, plus a few stylistic features. Alpha is picked by 5-fold CV on the training
data. The fallback for other languages uses only language-neutral stylistic features.
bench/tone_eval.py imports ``fit_language`` and friends to cross-validate the same pipeline.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.stats import spearmanr
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from mailmatrix.tone.formality import FALLBACK, MODEL_RESOURCE  # noqa: E402
from mailmatrix.tone.formality_features import (  # noqa: E402
    CHAR_GRAM_SIZES,
    MARK_KEYS,
    STYLE_FEATURES,
    TextFeatures,
    lexical_grams,
    text_features,
)

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "formality"
OUTPUT = ROOT / "server" / "mailmatrix" / "tone" / MODEL_RESOURCE
CORPORA = {
    # language: (file, text field, score field, score range)
    "en": ("squinky_en_sentences.jsonl", "sentence", "formality_1to7", (1.0, 7.0)),
    "de": ("in_formal_de_sentences.jsonl", "text", "score_-1to1", (-1.0, 1.0)),
}
ALPHAS = (0.1, 0.3, 1.0, 3.0)
MIN_DF_WORD = 2  # a word seen in one sentence only teaches nothing that generalises
MIN_DF_GRAM = 3
# n-gram columns are scaled up by this (their weights down by as much in the artifact), which
# is a 25x weaker ridge penalty on them than on whole words: n-grams carry over to words never
# seen in training (German compounds, misspellings). Chosen by 10-fold CV (1, 2, 3, 5, 8).
CHAR_SCALE = 5.0
PRUNE_BELOW = 1e-3  # weights this small change no score visibly; dropping them halves the file
# Marks the corpora barely contain (SQUINKY has no emoji): below MIN_SUPPORT sentences with the
# mark, the weight is this prior (0..1 units per unit of feature) instead of a learned one.
MIN_SUPPORT = 30
PRIOR_WEIGHTS = {
    "emoji": -0.15, "shouting": -0.10, "exclamation": -0.08, "slang": -0.08,
    "contraction": -0.05, "lowercase": -0.05,
}
# Language-specific features the fallback may not use: word length differs between languages,
# and contractions are only detected for languages with a pattern.
PERSONAL_GENRES = ("emails", "blogs", "reddit", "tweets")  # In_Formal genres the fallback learns on
FALLBACK_FEATURES = ("sentence_length", "emoji", "exclamation", "lowercase", "slang", "shouting")


@dataclass(frozen=True)
class Example:
    text: str
    target: float  # 0..1
    genre: str  # "" when the corpus has none


def load_examples(language: str, data_dir: Path = DEFAULT_DATA) -> list[Example]:
    name, text_field, score_field, (low, high) = CORPORA[language]
    rows = []
    with (data_dir / name).open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            target = (float(record[score_field]) - low) / (high - low)
            rows.append(Example(record[text_field], target, record.get("genre", "")))
    return rows


def featurize(examples: Sequence[Example], language: str | None) -> list[TextFeatures]:
    return [text_features(example.text, language) for example in examples]


def _vocabulary(features: Sequence[TextFeatures]) -> tuple[dict[str, int], dict[str, int]]:
    word_df: Counter[str] = Counter()
    gram_df: Counter[str] = Counter()
    for item in features:
        word_df.update({token.key for token in item.tokens} - MARK_KEYS)
        gram_df.update({gram for token in item.tokens for gram in lexical_grams(token)})
    words = sorted(key for key, df in word_df.items() if df >= MIN_DF_WORD)
    grams = sorted(gram for gram, df in gram_df.items() if df >= MIN_DF_GRAM)
    return {k: i for i, k in enumerate(words)}, {g: i for i, g in enumerate(grams)}


def _lexical_matrix(features: Sequence[TextFeatures], words: dict[str, int],
                    grams: dict[str, int]) -> sparse.csr_matrix:
    """Rows as the scorer sums them: each token adds 1/n to its word and 1/(n*k) per n-gram."""
    rows, cols, values = [], [], []
    offset = len(words)
    for row, item in enumerate(features):
        if not item.tokens:
            continue
        share = 1.0 / len(item.tokens)
        for token in item.tokens:
            if token.key in words:
                rows.append(row)
                cols.append(words[token.key])
                values.append(share)
            token_grams = lexical_grams(token)
            for gram in token_grams:
                if gram in grams:
                    rows.append(row)
                    cols.append(offset + grams[gram])
                    values.append(CHAR_SCALE * share / len(token_grams))
    shape = (len(features), len(words) + len(grams))
    return sparse.csr_matrix((values, (rows, cols)), shape=shape)


def _style_matrix(features: Sequence[TextFeatures], names: Sequence[str]) -> np.ndarray:
    return np.array([[item.style[name] for name in names] for item in features], dtype=float)


@dataclass
class Fitted:
    """One language's weights in the JSON shape the scorer loads."""

    bias: float
    words: dict[str, float]
    chars: dict[str, float]
    style: dict[str, list[float]]  # name -> [weight, centre]
    alpha: float

    def payload(self) -> dict[str, object]:
        return {"bias": round(self.bias, 6), "words": self.words, "chars": self.chars,
                "style": self.style}


def _split_style(style: np.ndarray, names: Sequence[str]) -> tuple[list[int], list[int]]:
    """Indices of style columns to learn, and of those that keep their prior (too rare)."""
    learned, prior = [], []
    for j, name in enumerate(names):
        support = int(np.count_nonzero(style[:, j]))
        (prior if name in PRIOR_WEIGHTS and support < MIN_SUPPORT else learned).append(j)
    return learned, prior


def fit_language(features: Sequence[TextFeatures], targets: Sequence[float],
                 alpha: float | None = None, lexical: bool = True,
                 style_names: Sequence[str] = STYLE_FEATURES) -> Fitted:
    """Ridge fit of one language (alpha by inner 5-fold CV when not given)."""
    y = np.asarray(targets, dtype=float)
    style = _style_matrix(features, style_names)
    centre = style.mean(axis=0)
    learned, prior = _split_style(style, style_names)
    prior_w = np.array([PRIOR_WEIGHTS[style_names[j]] for j in prior])
    y_fit = y - (style[:, prior] - centre[prior]) @ prior_w if prior else y
    scale = style[:, learned].std(axis=0)
    scale[scale == 0] = 1.0
    dense = sparse.csr_matrix((style[:, learned] - centre[learned]) / scale)
    if lexical:
        words, grams = _vocabulary(features)
        design = sparse.hstack([_lexical_matrix(features, words, grams), dense]).tocsr()
    else:
        words, grams = {}, {}
        design = dense
    if alpha is None:
        alpha = _pick_alpha(design, y_fit)
    model = Ridge(alpha=alpha, solver="auto").fit(design, y_fit)
    coef = model.coef_
    n_lex = len(words) + len(grams)
    style_w = coef[n_lex:] / scale
    fitted_style = {style_names[j]: [round(float(w), 6), round(float(centre[j]), 6)]
                    for j, w in zip(learned, style_w, strict=True)}
    fitted_style.update({style_names[j]: [float(w), round(float(centre[j]), 6)]
                         for j, w in zip(prior, prior_w, strict=True)})
    return Fitted(
        bias=float(model.intercept_),
        words=_pruned(words, coef),
        chars=_pruned(grams, CHAR_SCALE * coef[len(words):]),
        style=fitted_style,
        alpha=alpha,
    )


def _pruned(index: dict[str, int], coef: np.ndarray) -> dict[str, float]:
    return {key: round(float(coef[i]), 4) for key, i in index.items()
            if abs(coef[i]) >= PRUNE_BELOW}


def _pick_alpha(design: sparse.csr_matrix, y: np.ndarray) -> float:
    folds = KFold(5, shuffle=True, random_state=7)
    best = (-2.0, ALPHAS[0])
    for alpha in ALPHAS:
        predicted = np.empty_like(y)
        for train, test in folds.split(design):
            predicted[test] = Ridge(alpha=alpha).fit(design[train], y[train]).predict(design[test])
        rho = float(spearmanr(predicted, y).statistic)
        best = max(best, (rho, alpha))
    return best[1]


def fit_fallback(features: Sequence[TextFeatures], targets: Sequence[float],
                 typical: Sequence[TextFeatures]) -> Fitted:
    """Stylistic features only, around a neutral 0.5 (for languages without a model).

    Weights are learned; the centre is re-set so that 0.5 means "no chat marks, and sentences
    as long as in ``typical`` texts" (In_Formal's emails genre): the corpora's own means
    (news, law, science) would call every ordinary email relaxed.
    """
    fitted = fit_language(features, targets, alpha=1.0, lexical=False,
                          style_names=FALLBACK_FEATURES)
    fitted.bias = 0.5
    for name, weight_centre in fitted.style.items():
        weight_centre[1] = (round(float(np.mean([f.style[name] for f in typical])), 6)
                            if name == "sentence_length" else 0.0)
    return fitted


def fold_splitter(examples: Sequence[Example], folds: int = 10, seed: int = 13):
    """Folds for CV: stratified by genre where the corpus has genres (25 per genre per fold)."""
    genres = [example.genre for example in examples]
    if any(genres):
        return StratifiedKFold(folds, shuffle=True, random_state=seed).split(genres, genres)
    return KFold(folds, shuffle=True, random_state=seed).split(genres)


def train_all(data_dir: Path = DEFAULT_DATA) -> dict[str, object]:
    models: dict[str, object] = {}
    summary: dict[str, object] = {}
    for language in CORPORA:
        examples = load_examples(language, data_dir)
        fitted = fit_language(featurize(examples, language), [e.target for e in examples])
        models[language] = fitted.payload()
        summary[language] = {"examples": len(examples), "alpha": fitted.alpha,
                             "words": len(fitted.words), "chars": len(fitted.chars)}
    # The fallback sees texts as it will at run time (no language) and learns only from the
    # genres where people write to people; on news, law and science sentence length is a
    # genre marker, and it would call every short, polite email relaxed.
    personal = [e for e in load_examples("de", data_dir) if e.genre in PERSONAL_GENRES]
    features = featurize(personal, None)
    emails = [f for f, e in zip(features, personal, strict=True) if e.genre == "emails"]
    models[FALLBACK] = fit_fallback(features, [e.target for e in personal], emails).payload()
    summary[FALLBACK] = {"examples": len(personal), "genres": list(PERSONAL_GENRES)}
    return {"format": 1, "char_gram_sizes": list(CHAR_GRAM_SIZES), "trained": summary,
            "models": models}


def write_model(payload: dict[str, object], path: Path = OUTPUT) -> int:
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # mtime=0: the same training data gives a byte-identical artifact
    path.write_bytes(gzip.compress(raw.encode("utf-8"), compresslevel=9, mtime=0))
    return path.stat().st_size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    payload = train_all(args.data)
    size = write_model(payload, args.output)
    print(json.dumps(payload["trained"]))
    print(f"wrote {args.output} ({size / 1e6:.2f} MB, {math.ceil(size / 1024)} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
