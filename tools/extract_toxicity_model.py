"""Extract alt-profanity-check's fitted classifier into the files llmops ships
(llmops_cli/guardrails/toxicity_model.json + toxicity_model.bin), so that toxicity inference
needs neither scikit-learn, scipy, joblib nor alt-profanity-check at run time.

    .venv/bin/python tools/extract_toxicity_model.py          # writes the two files
    .venv/bin/python tools/extract_toxicity_model.py --check  # exit 1 unless they are current

Needs alt-profanity-check (and so scikit-learn) installed: the dev extra has both. The model
is a TfidfVectorizer (word unigrams of `(?u)\\b\\w\\w+\\b`, lower-cased, English stop words,
smooth idf, l2) and a CalibratedClassifierCV of five LinearSVCs with sigmoid calibration; a
model of any other shape is refused, as the pure-Python inference
(llmops_cli/guardrails/toxicity.py) computes exactly that. Every vocabulary term is kept, even
one whose five coefficients were all zero (none is), because each counts in the l2 norm.

toxicity_model.bin is zlib (level 9) of: the terms in column order, UTF-8, each followed by
"\\n"; then little-endian float64 arrays of `terms` values: idf, then each fold's
coefficients. The output is byte-for-byte reproducible from the same installed package.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import sys
import zlib
from array import array
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "llmops_cli" / "guardrails"
META = HERE / "toxicity_model.json"
WEIGHTS = HERE / "toxicity_model.bin"
FORMAT = 1
# the vectorizer parameters the pure-Python inference implements (transform-time ones)
VECTORIZER = {
    "analyzer": "word",
    "binary": False,
    "input": "content",
    "lowercase": True,
    "ngram_range": (1, 1),
    "norm": "l2",
    "preprocessor": None,
    "smooth_idf": True,
    "stop_words": "english",
    "strip_accents": None,
    "sublinear_tf": False,
    "token_pattern": r"(?u)\b\w\w+\b",
    "tokenizer": None,
    "use_idf": True,
    "vocabulary": None,
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _le(values: Any) -> bytes:
    """float64 little-endian bytes of `values`."""
    out = array("d", (float(v) for v in values))
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


def _check_shape(vectorizer: Any, model: Any) -> None:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
    from sklearn.svm import LinearSVC

    if type(vectorizer) is not TfidfVectorizer or type(model) is not CalibratedClassifierCV:
        raise SystemExit(f"unexpected model: {type(vectorizer)} + {type(model)}")
    params = vectorizer.get_params()
    if wrong := {k: params.get(k) for k, v in VECTORIZER.items() if params.get(k) != v}:
        raise SystemExit(f"the vectorizer differs from what toxicity.py implements: {wrong}")
    if set(vectorizer.vocabulary_) & ENGLISH_STOP_WORDS:
        raise SystemExit("a stop word is in the vocabulary: toxicity.py would count it")
    if list(model.classes_) != [0, 1]:
        raise SystemExit(f"unexpected classes {model.classes_}")
    for fold in model.calibrated_classifiers_:
        svm = fold.estimator
        if type(svm) is not LinearSVC or fold.method != "sigmoid" or len(fold.calibrators) != 1:
            raise SystemExit(f"unexpected fold: {type(svm)}, {fold.method}")
        if svm.coef_.shape != (1, len(vectorizer.vocabulary_)) or list(svm.classes_) != [0, 1]:
            raise SystemExit(f"unexpected coefficients {svm.coef_.shape}")


def extract() -> tuple[dict[str, Any], bytes]:
    """The header and the compressed weights, from the installed alt-profanity-check."""
    import sklearn
    from profanity_check import profanity_check

    vectorizer, model = profanity_check.vectorizer, profanity_check.model
    _check_shape(vectorizer, model)
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    if [vectorizer.vocabulary_[t] for t in terms] != list(range(len(terms))):
        raise SystemExit("the vocabulary's columns are not 0..n-1")
    if any("\n" in t for t in terms):
        raise SystemExit("a term holds a newline")
    coefs = [fold.estimator.coef_.ravel() for fold in model.calibrated_classifiers_]
    zero = sum(all(c[j] == 0 for c in coefs) for j in range(len(terms)))
    block = "".join(f"{t}\n" for t in terms).encode()
    raw = block + _le(vectorizer.idf_) + b"".join(_le(c) for c in coefs)
    data = Path(profanity_check.__file__).parent / "data"
    header = {
        "format": FORMAT,
        "source": {
            "package": "alt-profanity-check",
            "version": importlib.metadata.version("alt-profanity-check"),
            "license": "MIT",
            "scikit-learn": sklearn.__version__,
            "files": {n: _sha256(data / n) for n in ("vectorizer.joblib", "model.joblib")},
        },
        "vectorizer": {k: list(v) if isinstance(v, tuple) else v for k, v in VECTORIZER.items()},
        "terms": len(terms),
        "terms_without_weight": zero,
        "terms_bytes": len(block),
        "folds": [
            {
                "intercept": float(fold.estimator.intercept_[0]),
                "a": float(fold.calibrators[0].a_),
                "b": float(fold.calibrators[0].b_),
            }
            for fold in model.calibrated_classifiers_
        ],
    }
    payload = zlib.compress(raw, 9)
    header["weights"] = {"file": WEIGHTS.name, "sha256": hashlib.sha256(payload).hexdigest()}
    return header, payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    header, payload = extract()
    text = json.dumps(header, indent=2) + "\n"
    if args.check:
        current = META.is_file() and META.read_text(encoding="utf-8") == text
        if not (current and WEIGHTS.is_file() and WEIGHTS.read_bytes() == payload):
            raise SystemExit(f"{META.name} / {WEIGHTS.name} are not what this tool extracts")
        print("toxicity model files are current")
        return
    WEIGHTS.write_bytes(payload)
    META.write_text(text, encoding="utf-8")
    print(f"wrote {WEIGHTS} ({len(payload):,} bytes, {header['terms']:,} terms) and {META}")


if __name__ == "__main__":
    main()
