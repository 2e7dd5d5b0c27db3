"""Toxicity: alt-profanity-check's classifier (TF-IDF + five calibrated linear SVMs), whose
model ships inside the package, so it runs offline with nothing to download.

The package's own `predict_prob` spends ~5 ms a call in scikit-learn's input checks, and
importing scikit-learn to unpickle the model costs ~2 CPU-seconds a process. `scores` instead
computes the same calibrated probabilities in plain Python from the fitted vocabulary, idf and
coefficients (checked equal to `predict_prob` in the tests), which are read from the model
once and kept in the user's cache (keyed by the package's model files), so later processes
import neither scikit-learn nor numpy. A model of another shape falls back to `predict_prob`.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_THRESHOLD = 0.5
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # the fitted TfidfVectorizer's token_pattern
_FORMAT = 1  # of the cached weights file


@dataclass(frozen=True)
class _Linear:
    """TF-IDF (unigrams, lower-cased, l2) then k sigmoid-calibrated linear SVMs, averaged."""

    idf: dict[str, float]
    weights: dict[str, list[float]]  # term -> idf * coef, one per SVM
    intercepts: list[float]
    sigmoids: list[tuple[float, float]]  # (a, b) per SVM

    def score(self, text: str) -> float:
        counts = Counter(t for t in _TOKEN.findall(text.lower()) if t in self.idf)
        norm = math.sqrt(sum((c * self.idf[t]) ** 2 for t, c in counts.items()))
        total = 0.0
        for k, (intercept, (a, b)) in enumerate(zip(self.intercepts, self.sigmoids, strict=True)):
            dot = sum(c * self.weights[t][k] for t, c in counts.items())
            decision = (dot / norm if norm else 0.0) + intercept
            total += 1.0 / (1.0 + math.exp(a * decision + b))  # scikit-learn's calibration
        return total / len(self.intercepts)


@cache
def _model() -> tuple[Any, Any]:
    from llmops_cli.extras import needed

    with needed("guard"):
        from profanity_check import profanity_check
    return profanity_check.vectorizer, profanity_check.model


def _linear_parts(model: Any) -> list[tuple[Any, float, float, float]] | None:
    """(coef, intercept, a, b) per calibrated SVM, or None when the model is not that shape."""
    try:
        parts = []
        for calibrated in model.calibrated_classifiers_:
            if calibrated.method != "sigmoid" or len(calibrated.calibrators) != 1:
                return None
            svm, sigmoid = calibrated.estimator, calibrated.calibrators[0]
            parts.append(
                (svm.coef_.ravel(), float(svm.intercept_[0]), float(sigmoid.a_), float(sigmoid.b_))
            )
        return parts or None
    except AttributeError:
        return None


def _plain_vectorizer(vectorizer: Any) -> bool:
    """True when transform is: lower-case, `_TOKEN` words, vocabulary counts, idf, l2."""
    params = vectorizer.get_params()
    expected = {
        "analyzer": "word",
        "lowercase": True,
        "ngram_range": (1, 1),
        "norm": "l2",
        "preprocessor": None,
        "strip_accents": None,
        "sublinear_tf": False,
        "token_pattern": _TOKEN.pattern,
        "tokenizer": None,
        "use_idf": True,
        "binary": False,
    }
    return all(params.get(k) == v for k, v in expected.items())


def _export() -> dict[str, Any] | None:
    """The weights read from the pickled model (imports scikit-learn), or None."""
    vectorizer, model = _model()
    parts = _linear_parts(model)
    if parts is None or not _plain_vectorizer(vectorizer):
        return None
    idf = vectorizer.idf_
    return {
        "idf": {t: float(idf[j]) for t, j in vectorizer.vocabulary_.items()},
        "weights": {
            t: [float(idf[j] * coef[j]) for coef, *_ in parts]
            for t, j in vectorizer.vocabulary_.items()
        },
        "intercepts": [p[1] for p in parts],
        "sigmoids": [[p[2], p[3]] for p in parts],
    }


def _model_key() -> str | None:
    """Identifies the installed model files (size and mtime), found without importing."""
    import importlib.util

    spec = importlib.util.find_spec("profanity_check")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    try:
        stats = [(data / n).stat() for n in ("model.joblib", "vectorizer.joblib")]
    except OSError:
        return None
    return f"{_FORMAT}:" + ":".join(f"{s.st_size}-{s.st_mtime_ns}" for s in stats)


def _cache_file() -> Path | None:
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:  # no home directory: nothing is cached
        return None
    return Path(base) / "llmops" / "toxicity-weights.json"


@cache
def _linear() -> _Linear | None:
    """The fast model: from the cache when it matches the installed package, else built
    from the pickle and cached (a cache that cannot be written is only skipped)."""
    path = _cache_file()
    key = _model_key() if path is not None else None
    data = None
    if key is not None and path is not None:
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            data = cached if cached.get("key") == key else None
        except (OSError, ValueError):
            pass
    if data is None:
        data = _export()
        if data is None:
            return None
        if key is not None and path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps({"key": key, **data}), encoding="utf-8")
                os.replace(tmp, path)
            except OSError:
                pass
    return _Linear(
        data["idf"],
        data["weights"],
        data["intercepts"],
        [(a, b) for a, b in data["sigmoids"]],
    )


def scores(texts: Sequence[str]) -> list[float]:
    """The probability that each text is toxic / profane, in [0, 1]."""
    if not texts:
        return []
    linear = _linear()
    if linear is not None:
        return [linear.score(t) for t in texts]
    vectorizer, model = _model()
    return [float(p) for p in model.predict_proba(vectorizer.transform(list(texts)))[:, 1]]
