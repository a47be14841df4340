"""Formality scorer: Spearman correlation with human ratings, cross-validated, and its speed.

    pip install '.[train]' && python bench/tone_eval.py   # rewrites docs/benchmarks-tone-eval.md
    python bench/tone_eval.py --no-write                   # prints only

The model is fitted on the very sets it is measured on, so every accuracy figure here is
out-of-fold: the training pipeline of scripts/train_formality.py (including its own choice of
alpha by inner CV) is re-run on 9/10 of a corpus and the held-out tenth is scored through the
run-time scorer (``FormalityModel.score``), exactly as the panel would score it.
- English: SQUINKY, 10-fold CV (shuffled, fixed seed).
- German: In_Formal, 10-fold CV stratified by genre (each fold holds 25 sentences of every
  genre, so the emails figure comes from 250 out-of-fold predictions, 25 per fold), and
  leave-genre-out (train on 10 genres, score the 11th: how a genre never seen fares).
- Baselines: mean sentence length alone, and the stylistic fallback used for other languages.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy.stats import rankdata, spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "scripts"))

import train_formality as training  # noqa: E402

from mailmatrix.tone.formality import (  # noqa: E402
    FALLBACK,
    FormalityModel,
    packaged_model,
    score_formality,
)
from mailmatrix.tone.formality_features import CHAR_GRAM_SIZES, TextFeatures  # noqa: E402

REPORT = ROOT / "docs" / "benchmarks-tone-eval.md"
MARKER = "<!-- results: written by bench/tone_eval.py, do not edit below -->"
FOLDS = 10
SEED = 13
BOOTSTRAP = 2000


def rho(x: Sequence[float], y: Sequence[float]) -> float:
    return float(spearmanr(x, y).statistic)


def partial_rho(prediction: np.ndarray, truth: np.ndarray, length: np.ndarray) -> float:
    """Rank correlation left once sentence length is accounted for (residuals of ranks)."""
    ranks = [rankdata(v) for v in (prediction, truth, length)]
    basis = np.column_stack([np.ones(len(truth)), ranks[2]])

    def residual(v: np.ndarray) -> np.ndarray:
        return v - basis @ np.linalg.lstsq(basis, v, rcond=None)[0]

    return float(np.corrcoef(residual(ranks[0]), residual(ranks[1]))[0, 1])


def bootstrap_interval(prediction: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    rng = np.random.default_rng(SEED)
    values = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, len(truth), len(truth))
        values.append(rho(prediction[pick], truth[pick]))
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def _model(language: str, fitted: training.Fitted) -> FormalityModel:
    payload = {"char_gram_sizes": list(CHAR_GRAM_SIZES),
               "models": {language: fitted.payload(), FALLBACK: fitted.payload()}}
    return FormalityModel.from_payload(payload)


def out_of_fold(examples: Sequence[training.Example], features: Sequence[TextFeatures],
                splits, language: str | None,
                fit: Callable[..., training.Fitted]) -> tuple[np.ndarray, list[float]]:
    """Predictions for every example from a model that never saw it; per-split rho too."""
    targets = np.array([e.target for e in examples])
    predicted = np.full(len(examples), np.nan)
    per_split = []
    for train, test in splits:
        fitted = fit([features[i] for i in train], targets[train])
        model = _model(language or "xx", fitted)
        for i in test:
            predicted[i] = model.score(examples[i].text, language).value
        per_split.append(rho(predicted[test], targets[test]))
    return predicted, per_split


def fallback_fit(features: Sequence[TextFeatures], targets: Sequence[float]) -> training.Fitted:
    return training.fit_fallback(features, targets, features)  # the centre is moot for ranks


def evaluate_language(language: str) -> dict:
    examples = training.load_examples(language)
    targets = np.array([e.target for e in examples])
    features = training.featurize(examples, language)
    neutral_features = training.featurize(examples, None)
    # the baseline is the raw mean words per sentence (the model's own feature is clamped)
    length = np.array([np.mean(f.sentence_words) if f.sentence_words else 0.0 for f in features])
    started = time.perf_counter()
    predicted, per_fold = out_of_fold(examples, features, training.fold_splitter(examples, FOLDS,
                                                                                   SEED),
                                      language, training.fit_language)
    cv_seconds = time.perf_counter() - started
    fallback, _ = out_of_fold(examples, neutral_features,
                              training.fold_splitter(examples, FOLDS, SEED), None, fallback_fit)
    shipped = np.array([score_formality(e.text, language).value for e in examples])
    result = {
        "language": language, "n": len(examples), "cv": rho(predicted, targets),
        "cv_interval": bootstrap_interval(predicted, targets),
        "fold_min": min(per_fold), "fold_max": max(per_fold),
        "length": rho(length, targets), "fallback": rho(fallback, targets),
        "partial": partial_rho(predicted, targets, length),
        "in_sample": rho(shipped, targets), "cv_seconds": cv_seconds,
        "clipped": int(np.sum((predicted <= 0.0) | (predicted >= 1.0))),
        "genres": {},
    }
    genres = np.array([e.genre for e in examples])
    if not any(genres):
        return result
    logo, _ = out_of_fold(examples, features, leave_genre_out(genres), language,
                          training.fit_language)
    result["logo"] = rho(logo, targets)
    for genre in sorted(set(genres)):
        mask = genres == genre
        result["genres"][genre] = {
            "n": int(mask.sum()), "cv": rho(predicted[mask], targets[mask]),
            "interval": bootstrap_interval(predicted[mask], targets[mask]),
            "logo": rho(logo[mask], targets[mask]), "length": rho(length[mask], targets[mask]),
            "fallback": rho(fallback[mask], targets[mask]),
            "partial": partial_rho(predicted[mask], targets[mask], length[mask]),
            "in_sample": rho(shipped[mask], targets[mask]),
        }
    return result


def leave_genre_out(genres: np.ndarray):
    for genre in sorted(set(genres)):
        yield np.flatnonzero(genres != genre), np.flatnonzero(genres == genre)


def speed() -> dict:
    """Latency of score_formality on ~2 KB emails made of real German and English sentences."""
    packaged_model()  # loading the weights once is not what a panel request pays
    texts = []
    for language in training.CORPORA:
        sentences = [e.text for e in training.load_examples(language)]
        for start in range(0, 400, 4):
            body, i = "", start
            while len(body) < 2000:
                body += sentences[(i * 37) % len(sentences)] + " "
                i += 1
            texts.append((body[:2048], language))
    passes = []
    for _ in range(5):
        timings = []
        for text, language in texts:
            began = time.perf_counter()
            score_formality(text, language)
            timings.append((time.perf_counter() - began) * 1000)
        passes.append(timings)
    huge = ("Dear Mr Smith, please find attached our offer. " * 25000)[:1_000_000]
    began = time.perf_counter()
    score_formality(huge, "en")
    huge_ms = (time.perf_counter() - began) * 1000
    first = sorted(passes[0])  # words outside the shipped vocabulary not yet memoised
    later = sorted(t for timings in passes[1:] for t in timings)
    return {"n": len(later), "p50": statistics.median(later), "p99": percentile(later, 99),
            "max": later[-1], "first_n": len(first), "first_p50": statistics.median(first),
            "first_p99": percentile(first, 99), "huge": huge_ms}


def percentile(ordered: Sequence[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def report(en: dict, de: dict, timing: dict, size: int) -> str:
    def f(x: float) -> str:
        return f"{x:.3f}"

    lines = [
        MARKER, "",
        f"Machine: {machine()}. Command: `python bench/tone_eval.py`. "
        f"Model artifact: {size / 1024:.0f} KiB (gzip JSON).", "",
        "### Overall (Spearman rho with the human scores)", "",
        "| set | n | 10-fold CV | 95% CI (bootstrap) | fold min..max | leave-genre-out | "
        "sentence length alone | stylistic features only (CV) | CV, length partialled out | "
        "shipped model, in-sample |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in (("SQUINKY (en)", en), ("In_Formal (de)", de)):
        low, high = r["cv_interval"]
        lines.append(
            f"| {name} | {r['n']} | **{f(r['cv'])}** | {f(low)}..{f(high)} | "
            f"{f(r['fold_min'])}..{f(r['fold_max'])} | {f(r['logo']) if 'logo' in r else 'n/a'}"
            f" | {f(r['length'])} | {f(r['fallback'])} | {f(r['partial'])} | "
            f"{f(r['in_sample'])} |")
    lines += [
        "", "### In_Formal per genre (out-of-fold predictions of the 10-fold CV)", "",
        "| genre | n | 10-fold CV | 95% CI (bootstrap) | leave-genre-out | sentence length alone"
        " | stylistic features only (CV) | CV, length partialled out | shipped, in-sample |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for genre, g in de["genres"].items():
        low, high = g["interval"]
        mark = "**" if genre == "emails" else ""
        lines.append(
            f"| {mark}{genre}{mark} | {g['n']} | {mark}{f(g['cv'])}{mark} | {f(low)}..{f(high)} "
            f"| {f(g['logo'])} | {f(g['length'])} | {f(g['fallback'])} | {f(g['partial'])} | "
            f"{f(g['in_sample'])} |")
    lines += [
        "", "### Speed (`score_formality`, weights already loaded)", "",
        f"{timing['first_n']} distinct ~2 KB texts of real sentences (English and German), "
        f"first pass (their words outside the shipped vocabulary not yet memoised): "
        f"p50 {timing['first_p50']:.2f} ms, p99 {timing['first_p99']:.2f} ms. "
        f"Four more passes ({timing['n']} calls): p50 {timing['p50']:.2f} ms, "
        f"p99 {timing['p99']:.2f} ms, max {timing['max']:.2f} ms. "
        f"A 1 MB body (capped to its first 3,000 characters): {timing['huge']:.2f} ms.", "",
        f"Out-of-fold predictions clipped to 0 or 1: {en['clipped']} of {en['n']} (en), "
        f"{de['clipped']} of {de['n']} (de). CV wall time: {en['cv_seconds']:.0f} s (en), "
        f"{de['cv_seconds']:.0f} s (de).", "",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, do not rewrite the doc")
    args = parser.parse_args(argv)
    en = evaluate_language("en")
    de = evaluate_language("de")
    size = (ROOT / "server" / "mailmatrix" / "tone" / training.MODEL_RESOURCE).stat().st_size
    text = report(en, de, speed(), size)
    print(text)
    if not args.no_write:
        head = REPORT.read_text(encoding="utf-8").split(MARKER)[0] if REPORT.exists() else ""
        REPORT.write_text(head + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
