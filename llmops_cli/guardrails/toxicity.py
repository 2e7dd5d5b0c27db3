"""Toxicity: alt-profanity-check's classifier (TF-IDF over word unigrams, then five
sigmoid-calibrated linear SVMs, averaged), in plain Python. Its fitted vocabulary, idf and
coefficients ship inside llmops (`toxicity_model.bin`, header `toxicity_model.json`, extracted
by `tools/extract_toxicity_model.py`; model card `toxicity_model.md`) and are read on first
use (~30 ms), so a process imports neither scikit-learn, scipy, joblib nor alt-profanity-check.
`scores` equals the package's `predict_prob` (asserted to 1e-12 in the tests): it computes what
scikit-learn computes, in its order.
"""

from __future__ import annotations

import json
import math
import re
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEFAULT_THRESHOLD = 0.5
HERE = Path(__file__).parent
META = HERE / "toxicity_model.json"
WEIGHTS = HERE / "toxicity_model.bin"
FORMAT = 1  # of toxicity_model.json / .bin
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # the fitted TfidfVectorizer's token_pattern
_EXP_MAX = 709.78  # math.exp overflows above it; 1 / (1 + exp(z)) is 0 in float64 there


@dataclass(frozen=True)
class _Classifier:
    """TF-IDF (lower-cased, `_TOKEN` words, l2) then k sigmoid-calibrated linear SVMs."""

    column: dict[str, int]  # term -> column
    idf: array  # type: ignore[type-arg]  # float64 per column
    coefs: tuple[array, ...]  # type: ignore[type-arg]  # per SVM, float64 per column
    folds: tuple[tuple[float, float, float], ...]  # (intercept, a, b) per SVM

    def score(self, text: str) -> float:
        column, idf = self.column, self.idf
        # the vectorizer: counts of vocabulary terms (stop words are not in it), by column
        found = sorted(
            (column[t], n) for t, n in Counter(_TOKEN.findall(text.lower())).items() if t in column
        )
        values = [n * idf[j] for j, n in found]
        squares = 0.0
        for v in values:  # a plain loop: sum() compensates from Python 3.12, scikit-learn not
            squares += v * v
        if squares:
            norm = math.sqrt(squares)
            values = [v / norm for v in values]
        total = 0.0
        for coef, (intercept, a, b) in zip(self.coefs, self.folds, strict=True):
            dot = 0.0
            for (j, _), v in zip(found, values, strict=True):
                dot += v * coef[j]
            z = a * (dot + intercept) + b  # the sigmoid calibration: 1 / (1 + exp(a f + b))
            total += 0.0 if z > _EXP_MAX else 1.0 / (1.0 + math.exp(z))
        return total / len(self.folds)


def _floats(raw: bytes, start: int, count: int) -> array:  # type: ignore[type-arg]
    values = array("d")
    values.frombytes(raw[start : start + 8 * count])
    if sys.byteorder == "big":  # stored little-endian
        values.byteswap()
    return values


@cache
def _classifier() -> _Classifier:
    """The shipped model, read once (layout: tools/extract_toxicity_model.py)."""
    meta = json.loads(META.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise RuntimeError(f"{META.name}: format {meta.get('format')!r}, expected {FORMAT}")
    raw = zlib.decompress(WEIGHTS.read_bytes())
    n, offset = meta["terms"], meta["terms_bytes"]
    terms = raw[:offset].decode().split("\n")[:-1]
    folds = meta["folds"]
    if len(terms) != n or len(raw) != offset + 8 * n * (1 + len(folds)):
        raise RuntimeError(f"{WEIGHTS.name} does not match {META.name}")
    return _Classifier(
        column={t: j for j, t in enumerate(terms)},
        idf=_floats(raw, offset, n),
        coefs=tuple(_floats(raw, offset + 8 * n * (1 + k), n) for k in range(len(folds))),
        folds=tuple((f["intercept"], f["a"], f["b"]) for f in folds),
    )


def scores(texts: Sequence[str]) -> list[float]:
    """The probability that each text is toxic / profane, in [0, 1]."""
    if not texts:
        return []
    classifier = _classifier()
    return [classifier.score(t) for t in texts]
