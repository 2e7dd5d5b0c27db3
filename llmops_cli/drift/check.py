"""Compare a current window with a reference, signal by signal: statistic, p-value, level.

A level needs both an effect past its threshold and significance after Benjamini–Hochberg
across every p-value of the run: big windows do not alarm on negligible differences, small
ones do not alarm on noise, and a window below `min_window` is "insufficient data".
"""

from __future__ import annotations

from dataclasses import replace

from llmops_cli.contracts.drift import INSUFFICIENT, OK, SignalFinding
from llmops_cli.drift.config import DriftConfig
from llmops_cli.drift.rules import RULES
from llmops_cli.drift.summary import WindowSummary
from llmops_cli.stats import benjamini_hochberg


def compare(
    reference: WindowSummary, current: WindowSummary, config: DriftConfig
) -> list[SignalFinding]:
    """Each signal's finding by its kind's rule (rules.py), then BH across the run."""
    results = []
    for spec in config.signals:
        ref = reference.signals.get(spec.name)
        cur = current.signals.get(spec.name)
        n_ref = ref.n if ref is not None else 0
        n_cur = cur.n if cur is not None else 0
        min_n = config.min_window if spec.kind != "freshness" else 1
        if ref is None or cur is None or n_ref < min_n or n_cur < min_n:
            results.append(
                SignalFinding(
                    spec.name,
                    spec.kind,
                    spec.field,
                    INSUFFICIENT,
                    "",
                    None,
                    n_ref,
                    n_cur,
                    reason=f"needs {config.min_window} values in each window "
                    f"(reference {n_ref}, current {n_cur})",
                )
            )
            continue
        result = RULES[spec.kind](spec, ref, cur)
        auto = "; a low-cardinality column found in the log, compared as categories"
        results.append(
            replace(result, action=spec.action, reason=result.reason + (auto if spec.auto else ""))
        )
    return _adjust(results, config.fdr)


def _adjust(results: list[SignalFinding], fdr: float) -> list[SignalFinding]:
    """Benjamini–Hochberg over the run's p-values, then settle each level."""
    tested = [r.p_value for r in results if r.p_value is not None]
    adjusted = iter(benjamini_hochberg(tested))
    return [_settle(r, next(adjusted) if r.p_value is not None else None, fdr) for r in results]


def _settle(r: SignalFinding, q: float | None, fdr: float) -> SignalFinding:
    """A level stands when significant after BH (or an absolute limit was crossed)."""
    r = replace(r, p_adjusted=q)
    if r.level == INSUFFICIENT:
        return r
    if q is None or q < fdr or r.details.get("absolute") or r.level == OK:
        return r
    return replace(r, level=OK, reason=r.reason + f"; not significant (BH-adjusted p = {q:.3g})")
