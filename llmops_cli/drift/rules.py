"""The comparison rule of each signal kind: its statistics, effect thresholds and the
one-sided treatment of a move in the harmless direction. Each rule returns a finding before
the Benjamini–Hochberg step (check.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from llmops_cli.contracts.drift import ALERT, OK, WARN, SignalFinding
from llmops_cli.drift import stats
from llmops_cli.drift.config import SignalSpec
from llmops_cli.drift.summary import CountSummary, NumericSummary, TextSummary
from llmops_cli.stats import two_proportion_p

HIST_BINS = 24
TOP_CATEGORIES = 12
# (spec, summary of the reference, of the current window) -> the finding
Rule = Callable[[SignalSpec, Any, Any], SignalFinding]


def _grade(value: float, warn: float | None, alert: float | None) -> str:
    if alert is not None and value >= alert:
        return ALERT
    if warn is not None and value >= warn:
        return WARN
    return OK


_RANK = {OK: 0, WARN: 1, ALERT: 2}


def _worst(*levels: str) -> str:
    return max(levels, key=_RANK.__getitem__)


@dataclass(frozen=True)
class _Move:
    """One signed change (up > 0) with the one-sided p-value of each direction."""

    change: float
    p_up: float
    p_down: float
    label: str = ""


def _directed(direction: str, moves: list[_Move], grade: Any) -> tuple[str, float, _Move, bool]:
    """(level, p-value, the move that decided, whether it is the harmless direction).

    A move in the direction of harm is graded fully, with its one-sided p-value; a move the
    other way is reported too, but at most as a warning and with a two-sided p-value. Several
    moves (quantiles) share one Bonferroni-corrected p-value."""
    k = len(moves)
    if direction == "both":
        top = max(moves, key=lambda m: abs(m.change))
        p = min(1.0, 2 * k * min(top.p_up, top.p_down))
        return grade(abs(top.change)), p, top, False
    sign = 1.0 if direction == "up" else -1.0
    harmful = max(moves, key=lambda m: sign * m.change)
    level = grade(sign * harmful.change)
    p_harm = harmful.p_up if sign > 0 else harmful.p_down
    if level != OK:
        return level, min(1.0, k * p_harm), harmful, False
    harmless = min(moves, key=lambda m: sign * m.change)
    if grade(-sign * harmless.change) == OK:
        return OK, min(1.0, k * p_harm), harmful, False
    p_other = harmless.p_down if sign > 0 else harmless.p_up
    return WARN, min(1.0, 2 * k * p_other), harmless, True


def _quantile_moves(spec: SignalSpec, ref: NumericSummary, cur: NumericSummary) -> list[_Move]:
    """Per quantile q: log(current / reference) and the p-values of a two-proportion test
    of the share of current values above the reference's q-quantile."""
    assert cur.sample is not None
    qs = np.asarray(spec.get("quantiles"), float)
    ref_q = ref.ecdf.quantile(qs)
    cur_q = stats.sorted_quantile(cur.sample, qs)
    above_ref = np.rint((1 - ref.ecdf(ref_q)) * ref.n).astype(np.int64)
    above_cur = len(cur.sample) - np.searchsorted(cur.sample, ref_q, side="right")
    n_cur = len(cur.sample)
    p_up = two_proportion_p(above_ref, ref.n, above_cur, n_cur, "greater")
    p_down = two_proportion_p(above_ref, ref.n, above_cur, n_cur, "less")
    return [
        _Move(float(np.log(c / r)), float(up), float(down), f"p{q * 100:g}")
        for q, r, c, up, down in zip(qs, ref_q, cur_q, p_up, p_down, strict=True)
        if r > 0 and c > 0
    ]


def _numeric(spec: SignalSpec, ref: Any, cur: Any) -> SignalFinding:
    assert isinstance(ref, NumericSummary) and isinstance(cur, NumericSummary)
    assert cur.sample is not None
    shares = stats.bin_shares(cur.sample, ref.psi_edges)
    psi = stats.psi(ref.psi_shares, shares)
    d, p = stats.ks_against(ref.ecdf, ref.n, cur.sample)
    level = _grade(psi, spec.get("psi_warn"), spec.get("psi_alert"))
    reason = (
        f"PSI {psi:.3f} (warn {spec.get('psi_warn')}, alert {spec.get('psi_alert')}), KS D {d:.3f}"
    )
    details: dict[str, Any] = {
        "psi": psi,
        "ks_d": d,
        "direction": spec.direction,
        "mean_reference": ref.mean,
        "mean_current": cur.mean,
        "p99_reference": ref.p99,
        "p99_current": cur.p99,
    }
    statistic, value = "psi", psi
    if spec.direction != "both" and level != OK and _harmless_shift(spec.direction, ref, cur):
        level = WARN  # PSI has no direction: a shift the harmless way is reported, not alerted
        reason += f"; moved {'down' if spec.direction == 'up' else 'up'} (harmless): warn at most"
    warn_at, alert_at = spec.get("ratio_warn"), spec.get("ratio_alert")
    moves = _quantile_moves(spec, ref, cur) if warn_at or alert_at else []
    if moves:

        def grade(log_ratio: float) -> str:
            return _grade(float(np.exp(log_ratio)), warn_at, alert_at)

        q_level, q_p, move, harmless = _directed(spec.direction, moves, grade)
        details["quantile_ratios"] = {m.label: float(np.exp(m.change)) for m in moves}
        reason += ", " + ", ".join(f"{m.label} {np.exp(m.change):.2f}x" for m in moves)
        reason += f" (warn {warn_at}x, alert {alert_at}x; harm: {spec.direction})"
        if harmless:
            reason += f"; {move.label} moved the harmless way: warn at most"
        p = min(1.0, 2 * min(p, q_p))  # one p-value for two tests of the same null
        if _RANK[q_level] > _RANK[level]:
            statistic, value = f"{move.label}_ratio", float(np.exp(move.change))
        level = _worst(level, q_level)
    ratio_limit = spec.get("p99_ratio")
    if ratio_limit is not None and ref.p99 > 0:
        ratio = cur.p99 / ref.p99
        details["p99_ratio"] = ratio
        reason += f", p99 {ratio:.2f}x reference"
        if ratio >= ratio_limit:  # an operational limit: alerts without a p-value
            level, details["absolute"] = ALERT, True
        elif ratio >= 1 + (ratio_limit - 1) / 2 and level == OK:
            level = WARN
    return SignalFinding(
        spec.name,
        spec.kind,
        spec.field,
        level,
        statistic,
        value,
        ref.n,
        cur.n,
        p,
        details=details,
        reason=reason,
        chart=_histogram(ref, cur),
    )


def _harmless_shift(direction: str, ref: NumericSummary, cur: NumericSummary) -> bool:
    """No quantile (p50, p95, p99) moved more than 2% the harmful way."""
    assert cur.sample is not None
    qs = np.array([0.5, 0.95, 0.99])
    ref_q, cur_q = ref.ecdf.quantile(qs), stats.sorted_quantile(cur.sample, qs)
    worse = cur_q > ref_q * 1.02 if direction == "up" else cur_q < ref_q * 0.98
    return not bool(worse.any())


def _quality(spec: SignalSpec, ref: Any, cur: Any) -> SignalFinding:
    assert isinstance(ref, NumericSummary) and isinstance(cur, NumericSummary)
    move = _Move(
        (cur.mean - ref.mean) / abs(ref.mean) if ref.mean else 0.0,
        stats.welch_drop(cur.mean, cur.var, cur.n, ref.mean, ref.var, ref.n),  # a rise
        stats.welch_drop(ref.mean, ref.var, ref.n, cur.mean, cur.var, cur.n),  # a drop
    )
    limit = float(spec.get("max_drop"))

    def grade(harm: float) -> str:
        return ALERT if harm > limit else WARN if harm > limit / 2 else OK

    level, p, _, harmless = _directed(spec.direction, [move], grade)
    reason = (
        f"mean {ref.mean:.3f} -> {cur.mean:.3f} ({move.change:+.1%}; alert past {limit:.0%}"
        f" the harmful way, {spec.direction})"
    )
    return SignalFinding(
        spec.name,
        spec.kind,
        spec.field,
        level,
        "relative_drop",
        -move.change,
        ref.n,
        cur.n,
        p,
        details={
            "mean_reference": ref.mean,
            "mean_current": cur.mean,
            "direction": spec.direction,
        },
        reason=reason + ("; the harmless direction: warn at most" if harmless else ""),
        chart=_histogram(ref, cur),
    )


def _categorical(spec: SignalSpec, ref: Any, cur: Any) -> SignalFinding:
    assert isinstance(ref, CountSummary) and isinstance(cur, CountSummary)
    support = sorted(set(ref.counts) | set(cur.counts))
    r = np.array([ref.counts.get(k, 0) for k in support], float)
    c = np.array([cur.counts.get(k, 0) for k in support], float)
    jsd = stats.jensen_shannon(r, c)
    unseen = sum(v for k, v in cur.counts.items() if k not in ref.counts) / cur.n
    level = max(
        _grade(jsd, spec.get("jsd_warn"), spec.get("jsd_alert")),
        _grade(unseen, spec.get("unseen_warn"), spec.get("unseen_alert")),
        key=[OK, WARN, ALERT].index,
    )
    new = [k for k in cur.counts if k not in ref.counts][:5]
    top = sorted(
        support, key=lambda k: -(ref.counts.get(k, 0) / ref.n + cur.counts.get(k, 0) / cur.n)
    )
    return SignalFinding(
        spec.name,
        spec.kind,
        spec.field,
        level,
        "js_distance",
        jsd,
        ref.n,
        cur.n,
        stats.homogeneity_p(r, c),
        details={"unseen_share": unseen, "unseen_examples": new},
        reason=f"JS distance {jsd:.3f}, unseen categories {unseen:.1%}"
        + (f" (e.g. {', '.join(map(str, new[:3]))})" if new else ""),
        chart={
            "labels": top[:TOP_CATEGORIES],
            "reference": [ref.counts.get(k, 0) / ref.n for k in top[:TOP_CATEGORIES]],
            "current": [cur.counts.get(k, 0) / cur.n for k in top[:TOP_CATEGORIES]],
        },
    )


def _rate(spec: SignalSpec, ref: Any, cur: Any) -> SignalFinding:
    assert isinstance(ref, CountSummary) and isinstance(cur, CountSummary)
    rate_ref, rate_cur = ref.events / ref.n, cur.events / cur.n
    change = rate_cur - rate_ref
    move = _Move(
        change,
        float(two_proportion_p(ref.events, ref.n, cur.events, cur.n, "greater")),
        float(two_proportion_p(ref.events, ref.n, cur.events, cur.n, "less")),
    )
    warn_at, alert_at = spec.get("warn_increase"), spec.get("alert_increase")
    level, p, _, harmless = _directed(
        spec.direction, [move], lambda harm: _grade(harm, warn_at, alert_at)
    )
    details: dict[str, Any] = {
        "rate_reference": rate_ref,
        "rate_current": rate_cur,
        "direction": spec.direction,
    }
    reason = f"rate {rate_ref:.2%} -> {rate_cur:.2%} ({change:+.2%}; harm: {spec.direction})"
    if harmless:
        reason += "; the harmless direction: warn at most"
    limit = spec.get("max_stale_share") if spec.kind == "freshness" else None
    if limit is not None and rate_cur > limit:
        level, details["absolute"] = ALERT, True
        reason += f", over the {limit:.0%} limit"
    return SignalFinding(
        spec.name,
        spec.kind,
        spec.field,
        level,
        "rate_change",
        change,
        ref.n,
        cur.n,
        p,
        details=details,
        reason=reason,
    )


def _text(spec: SignalSpec, ref: Any, cur: Any) -> SignalFinding:
    assert isinstance(ref, TextSummary) and isinstance(cur, TextSummary)
    auc, p, centroid = stats.text_domain_shift(ref.docs, cur.docs)
    level = _grade(auc, spec.get("auc_warn"), spec.get("auc_alert"))
    return SignalFinding(
        spec.name,
        spec.kind,
        spec.field,
        level,
        "domain_auc",
        auc,
        ref.n,
        cur.n,
        p,
        details={"centroid_cosine_distance": centroid},
        reason=f"a classifier tells current from reference queries with AUC {auc:.2f} "
        f"(0.5 = indistinguishable); centroid cosine distance {centroid:.3f}",
    )


def _histogram(ref: NumericSummary, cur: NumericSummary) -> dict[str, Any]:
    assert cur.sample is not None
    tails = np.array([0.005, 0.995])
    ref_lo, ref_hi = ref.ecdf.quantile(tails)
    cur_lo, cur_hi = stats.sorted_quantile(cur.sample, tails)
    lo, hi = min(float(ref_lo), float(cur_lo)), max(float(ref_hi), float(cur_hi))
    if hi <= lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, HIST_BINS + 1)
    ref_cdf = ref.ecdf(edges)
    cur_cdf = np.searchsorted(cur.sample, edges, side="right") / len(cur.sample)
    return {
        "edges": edges.tolist(),
        "reference": np.diff(ref_cdf).tolist(),
        "current": np.diff(cur_cdf).tolist(),
    }


RULES: dict[str, Rule] = {
    "numeric": _numeric,
    "quality": _quality,
    "categorical": _categorical,
    "rate": _rate,
    "freshness": _rate,
    "text": _text,
}
