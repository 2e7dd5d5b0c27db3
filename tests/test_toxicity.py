"""Toxicity: the shipped copy of alt-profanity-check's classifier, scored in plain Python, gives
the package's own probabilities; the guard's toxicity path imports none of scikit-learn, scipy,
joblib or alt-profanity-check; the shipped files are what tools/extract_toxicity_model.py
extracts from the installed package."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from helpers import python_without

from llmops_cli.guardrails import toxicity
from llmops_cli.guardrails.toxicity import scores

HEAVY = ("sklearn", "scipy", "joblib", "profanity_check")
DATA = sorted((REPO / "tests" / "data").glob("*.jsonl")) + sorted(
    (REPO / "bench" / "data").glob("*.jsonl")
)


def _corpus() -> list[str]:
    texts = []
    for path in DATA:
        for line in path.open(encoding="utf-8"):
            text = json.loads(line).get("text")
            if isinstance(text, str):
                texts.append(text)
    return texts


EDGE = [
    "",
    " ",
    "\n\t ",
    "!!!???...,,,;;;",
    "a",  # one-letter words are not tokens
    "I a x",
    "the and of to is",  # English stop words only
    "42",
    "12345 67890",
    "IDIOT!!!",
    "iDiOt",
    "stupid_idiot",  # \w holds the underscore: one token
    "stupid-idiot",
    "f*ck y0u",
    "don't you dare, you're an idiot",
    "İDİOT İstanbul",  # lower() lengthens İ (i + combining dot)
    "STRAßE straße",
    "Ｉｄｉｏｔ",  # full-width letters
    "ıdıot",  # dotless i
    "идиот дурак",
    "白痴 バカ",
    "🤬 you 💩 idiot 🖕",
    "café naïve résumé",
    "e\u0301cole",  # combining acute
    "id\u200biot",  # a zero-width space splits the word
    "idiot\u00a0moron",  # non-breaking space
    "عربي نص",
    "\x00idiot\x00",
    "\ud800 lone surrogate idiot",
    "idiot " * 200,
    "you are a stupid idiot. " * 5_000,  # ~120k characters
    "word" * 10_000,  # one 40k-character token
    "Thanks, glad the export worked! " * 2_000,
]


def _generated(vocabulary: list[str], n: int) -> list[str]:
    """Word salads of vocabulary terms (every weight gets used), stop words, unknown words,
    digits and punctuation, in random case and spacing."""
    rng = random.Random(20261202)
    extra = ["the", "and", "you", "are", "a", "I", "xqzv", "naïve", "123", "!!", "--", "😀", "ß"]
    seps = [" ", "  ", "\n", ", ", ". ", "-", "/", "_", "'", "\t"]
    texts = []
    for _ in range(n):
        words = [
            rng.choice(vocabulary) if rng.random() < 0.7 else rng.choice(extra)
            for _ in range(rng.randint(1, 40))
        ]
        words = [
            w.upper() if rng.random() < 0.1 else w.title() if rng.random() < 0.1 else w
            for w in words
        ]
        texts.append("".join(w + rng.choice(seps) for w in words))
    return texts


def test_scores_equal_the_packages_predict_prob() -> None:
    """On every text of tests/data and bench/data, the edge cases above and 2,000 generated
    salads: the same probability as alt-profanity-check, to 1e-12 (it is computed in
    scikit-learn's order; measured: equal to the last bit)."""
    profanity_check = pytest.importorskip("profanity_check")
    vocabulary = sorted(toxicity._classifier().column)
    texts = _corpus() + EDGE + _generated(vocabulary, 2_000)
    assert len(texts) > 5_000
    expected = [float(p) for p in profanity_check.predict_prob(texts)]
    found = scores(texts)
    assert found == pytest.approx(expected, abs=1e-12, rel=0)
    assert max(found) > 0.99 and min(found) < 0.01  # both ends are exercised
    assert scores([]) == []


def test_the_shipped_model_is_what_the_tool_extracts() -> None:
    """toxicity_model.json/.bin are current for the installed alt-profanity-check (a new
    release of it means: rerun the tool, review, commit)."""
    pytest.importorskip("profanity_check")
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "extract_toxicity_model.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_every_term_of_the_vocabulary_is_shipped() -> None:
    """The l2 norm counts every vocabulary term, so none is dropped (15,442 in 1.9.1)."""
    meta = json.loads(toxicity.META.read_text(encoding="utf-8"))
    classifier = toxicity._classifier()
    assert len(classifier.column) == meta["terms"] == len(classifier.idf) > 15_000
    assert [len(c) for c in classifier.coefs] == [15_442] * len(meta["folds"])
    assert len(meta["folds"]) == 5
    assert meta["source"]["license"] == "MIT"


_IMPORTS = "import time: "


def _imported(stderr: str) -> set[str]:
    """Top-level names of the modules `python -X importtime` reports."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith(_IMPORTS) and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("checks", ["toxicity", "pii,injection,toxicity"])
def test_guard_toxicity_imports_no_scikit_learn(checks: str, tmp_path: Path) -> None:
    """`llmops guard --file` (toxicity alone and all checks) imports none of scikit-learn,
    scipy, joblib or alt-profanity-check, and flags what the classifier flags."""
    log = tmp_path / "log.jsonl"
    texts = ["you are a stupid idiot", "Thanks, glad the export worked!", "what a dumb bitch"]
    log.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    command = ["-X", "importtime", "-m", "llmops_cli", "guard", "--file", str(log)]
    done = subprocess.run(
        [sys.executable, *command, "--checks", checks, "-f", "jsonl"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = _imported(done.stderr)
    assert "llmops_cli" in imported and "json" in imported  # the parse does see imports
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["toxicity"] for r in rows] == [round(p, 4) for p in scores(texts)]
    assert ["toxicity" in r["flagged"] for r in rows] == [True, False, True]


def test_toxicity_needs_no_extra() -> None:
    """With scikit-learn, scipy, joblib, alt-profanity-check and every extra's modules
    unimportable, the library call gives the same probabilities."""
    from llmops_cli.extras import EXTRAS

    blocked = [*HEAVY, *(m for _, modules in EXTRAS.values() for m in modules)]
    texts = ["you are a stupid idiot", "kill -9 the stuck process", ""]
    code = (
        "import json\nfrom llmops_cli.guardrails.toxicity import scores\n"
        f"print(json.dumps(scores({texts!r})))\n"
    )
    done = python_without(blocked, code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == scores(texts)


def test_a_damaged_model_file_is_an_error_not_a_wrong_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_copy, meta_copy = tmp_path / "t.bin", tmp_path / "t.json"
    meta = json.loads(toxicity.META.read_text(encoding="utf-8"))
    bin_copy.write_bytes(toxicity.WEIGHTS.read_bytes())
    monkeypatch.setattr(toxicity, "WEIGHTS", bin_copy)
    monkeypatch.setattr(toxicity, "META", meta_copy)
    try:
        for key, value, message in (("terms", 15_000, "does not match"), ("format", 2, "format")):
            meta_copy.write_text(json.dumps({**meta, key: value}), encoding="utf-8")
            toxicity._classifier.cache_clear()
            with pytest.raises(RuntimeError, match=message):
                scores(["hi"])
    finally:
        toxicity._classifier.cache_clear()
