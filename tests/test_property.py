"""Whatever bytes or YAML a user feeds the loader, the answer is a clean error or a manifest."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmops_cli.errors import ManifestError
from llmops_cli.manifests.catalog import load_manifest
from llmops_cli.stats import (
    average_ranks,
    benjamini_hochberg,
    holm,
    mann_whitney_greater,
    median_difference_draws,
    resampled_means,
    resampled_medians,
    spearman,
    two_proportion_p,
    wilcoxon_signed_rank,
)
from llmops_cli.stats.proportions import Alternative

_DIR = Path(tempfile.mkdtemp(prefix="llmops-prop-"))

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(["kind", "name", "version", "provider", "model", "template", "limits", "x"])
documents = st.dictionaries(
    keys, values | st.sampled_from(["model", "prompt", "a-b", "1.0.0"]), max_size=6
)


def _load(raw: bytes) -> None:
    path = _DIR / "m.yaml"
    path.write_bytes(raw)
    try:
        manifest = load_manifest(path, "m.yaml")
    except ManifestError as exc:
        assert exc.problems and all(str(p).startswith("m.yaml") for p in exc.problems)
    else:
        assert manifest.kind in {"prompt", "model", "retrieval", "thresholds", "pipeline"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes(raw: bytes) -> None:
    _load(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_arbitrary_yaml_documents(doc: dict[str, object]) -> None:
    _load(yaml.safe_dump(doc).encode("utf-8"))


# -- the shared statistics (llmops_cli.stats) against brute-force and scipy references -------

small_floats = st.lists(st.integers(-5, 5).map(float), min_size=1, max_size=40)  # many ties
pvalue_lists = st.lists(
    st.floats(0, 1) | st.sampled_from([0.0, 0.01, 0.05, 1.0]), min_size=0, max_size=30
)


@settings(max_examples=200, deadline=None)
@given(small_floats)
def test_average_ranks_are_scipys_rankdata(values: list[float]) -> None:
    from scipy.stats import rankdata

    ranks, counts = average_ranks(values)
    assert ranks.tolist() == rankdata(values).tolist()
    assert int(counts.sum()) == len(values)


def _brute_bh(p: list[float]) -> list[float]:
    """q_i = min over p_j >= p_i of m p_j / #{p_l <= p_j}, capped at 1 (the textbook step-up)."""
    m = len(p)
    return [min(1.0, *(m * pj / sum(pl <= pj for pl in p) for pj in p if pj >= pi)) for pi in p]


def _brute_holm(p: list[float]) -> list[float]:
    """q_i = max over p_j <= p_i of (m - r_j + 1) p_j, r_j its smallest rank, capped at 1."""
    m = len(p)
    return [min(1.0, max((m - sum(pl < pj for pl in p)) * pj for pj in p if pj <= pi)) for pi in p]


@settings(max_examples=300, deadline=None)
@given(pvalue_lists)
def test_bh_and_holm_match_their_brute_force_definitions(p: list[float]) -> None:
    import pytest

    assert benjamini_hochberg(p) == pytest.approx(_brute_bh(p), rel=1e-12, abs=1e-15)
    assert holm(p) == pytest.approx(_brute_holm(p), rel=1e-12, abs=1e-15)
    assert all(b <= h + 1e-15 for b, h in zip(benjamini_hochberg(p), holm(p), strict=True))


counts = st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=300, deadline=None)
@given(counts, counts)
def test_two_proportion_matches_the_formula_and_vectorises(
    a: tuple[int, int], b: tuple[int, int]
) -> None:
    import math

    import numpy as np
    import pytest

    (ea, na), (eb, nb) = a, b
    pooled = (ea + eb) / (na + nb)
    se = math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    expected: dict[Alternative, float]
    if se == 0:
        expected = {"greater": 1.0, "less": 1.0, "two-sided": 1.0}
    else:
        z = (eb / nb - ea / na) / se
        upper = math.erfc(z / math.sqrt(2)) / 2
        lower = math.erfc(-z / math.sqrt(2)) / 2
        expected = {"greater": upper, "less": lower, "two-sided": min(1.0, 2 * min(upper, lower))}
    for alternative, p in expected.items():
        got = float(two_proportion_p(ea, na, eb, nb, alternative))
        assert got == pytest.approx(p, rel=1e-9, abs=1e-300)
    both = two_proportion_p(np.array([ea, eb]), np.array([na, nb]), np.array([eb, ea]), [nb, na])
    assert both.tolist() == pytest.approx([expected["two-sided"]] * 2, rel=1e-9, abs=1e-300)


pairs = st.tuples(
    st.lists(st.integers(0, 6).map(float), min_size=3, max_size=30),
    st.lists(st.integers(0, 6).map(float), min_size=3, max_size=30),
)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_rank_tests_match_scipy(xy: tuple[list[float], list[float]]) -> None:
    import numpy as np
    import pytest
    from scipy import stats as sps

    x, y = np.array(xy[0]), np.array(xy[1])
    if len(set(xy[0] + xy[1])) > 1:
        auc, p = mann_whitney_greater(x, y)
        ref = sps.mannwhitneyu(x, y, alternative="greater", method="asymptotic")
        assert auc == pytest.approx(ref.statistic / (len(x) * len(y)))
        assert p == pytest.approx(ref.pvalue, rel=1e-9)
    d = x[: min(len(x), len(y))] - y[: min(len(x), len(y))]
    if np.count_nonzero(d) and len(set(np.abs(d[d != 0]))) > 1:
        expected = sps.wilcoxon(d, method="approx", correction=True).pvalue
        assert wilcoxon_signed_rank(d) == pytest.approx(expected, rel=1e-9)
    if len(set(xy[0][: len(d)])) > 1 and len(set(xy[1][: len(d)])) > 1:
        rho = sps.spearmanr(xy[0][: len(d)], xy[1][: len(d)]).statistic
        assert spearman(xy[0][: len(d)], xy[1][: len(d)]) == pytest.approx(rho, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50), st.integers(1, 7), st.integers(0, 9)
)
def test_bootstrap_means_do_not_depend_on_the_batch_size(
    values: list[float], batch: int, seed: int
) -> None:
    """Batches bound memory only: the draws equal one (samples, n) call of the same seed."""
    import numpy as np

    from llmops_cli.stats import bootstrap

    n, samples = len(values), 50
    whole = np.asarray(values)[np.random.default_rng(seed).integers(0, n, (samples, n))]
    original = bootstrap.BATCH_INDICES
    bootstrap.BATCH_INDICES = batch * n  # `batch` resamples at a time
    try:
        batched = resampled_means(values, samples, seed)
    finally:
        bootstrap.BATCH_INDICES = original
    assert batched.tolist() == whole.mean(axis=1).tolist()
    assert resampled_means(values, samples, seed).tolist() == batched.tolist()


@settings(max_examples=30, deadline=None)
@given(st.integers(2001, 6000), st.integers(0, 5))
def test_exact_bootstrap_medians_are_values_of_the_sample(n: int, seed: int) -> None:
    import numpy as np

    x = np.random.default_rng(seed).integers(0, 50, n).astype(float)
    drawn = resampled_medians(x, 500, seed)
    assert set(drawn.tolist()) <= set(x.tolist())
    again = median_difference_draws(x, x, 500, seed)
    assert again.shape == (500,) and np.all(np.abs(again) <= np.ptp(x))
