"""`llmops canary analyze`: compare a control and a treatment arm in production logs and
decide promote / hold / roll back, with the statistics as evidence (DESIGN §9).

Independent arms (canary, A/B): one record per request, an arm field (prompt_version by
default). Shadow mode (`pair_field`): both arms answered the same request, so each metric is
compared pair by pair (Wilcoxon signed-rank, sign test), and an LLM judge's verdicts given in
both presentation orders cancel its position bias.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from llmops_cli.canary import stats
from llmops_cli.drift.logs import BadRecords, is_event, read_chunks
from llmops_cli.errors import LlmopsError
from llmops_cli.stats import adjust, wilcoxon_signed_rank

KINDS = ("rate", "mean", "distribution")
# what a field usually is, and which way is better
KNOWN: dict[str, tuple[str, str]] = {
    "success": ("rate", "higher"),
    "thumbs_up": ("rate", "higher"),
    "resolved": ("rate", "higher"),
    "error": ("rate", "lower"),
    "guardrail_triggered": ("rate", "lower"),
    "refusal": ("rate", "lower"),
    "judge_score": ("mean", "higher"),
    "latency_ms": ("distribution", "lower"),
    "cost_usd": ("distribution", "lower"),
    "completion_tokens": ("distribution", "lower"),
}
LINE = "__line__"  # the log line of each record, for messages about bad ones
SRM_ALPHA = 0.001  # a split this unlikely means assignment or logging is broken
DEFAULT_MDE_RATE = 0.02  # two percentage points
DEFAULT_MDE_SD = 0.2  # a "small" standardised effect (Cohen's d)


@dataclass(frozen=True)
class MetricSpec:
    name: str
    kind: str
    better: str
    mde: float | None = None  # smallest effect worth detecting, in the metric's unit


def parse_metric(text: str) -> MetricSpec:
    """`NAME`, `NAME:KIND`, `NAME:KIND:higher|lower` or `NAME:higher|lower` (with an optional
    `@MDE` at the end, e.g. `judge_score:mean:higher@0.05`)."""
    body, _, mde_text = text.partition("@")
    name, *rest = body.split(":")
    kind, better = KNOWN.get(name, (None, None))
    for part in rest:
        if part in KINDS:
            kind = part
        elif part in ("higher", "lower"):
            better = part
        else:
            raise LlmopsError(
                f"--metric {text}: unknown {part!r}; use NAME[:rate|mean|distribution]"
                "[:higher|lower][@MDE]"
            )
    if kind is None or better is None:
        raise LlmopsError(
            f"--metric {text}: {name!r} is not a known metric; say what it is and which way is "
            f"better, e.g. {name}:mean:higher"
        )
    try:
        mde = float(mde_text) if mde_text else None
    except ValueError:
        raise LlmopsError(f"--metric {text}: @{mde_text} is not a number") from None
    return MetricSpec(name, kind, better, mde)


@dataclass
class CanaryConfig:
    arm_field: str = "prompt_version"
    control: str = ""
    treatment: str = ""
    metrics: Sequence[MetricSpec] = ()
    alpha: float = 0.05
    correction: str = "holm"
    treatment_share: float = 0.5  # the planned split, for the sample-ratio check
    sequential: bool = False
    power: float = 0.8
    timestamp_field: str = "timestamp"
    pair_field: str | None = None
    judge_fields: tuple[str, str] | None = None  # verdicts with control shown first, then second
    on_bad_record: str = "skip"  # or "error": stop at the first unusable record
    max_bad_fraction: float = 0.01  # of all records, or of either arm's, as drift-check
    notes: list[str] = field(default_factory=list)


def load_logs(path: Path, config: CanaryConfig, bad: BadRecords | None = None) -> pd.DataFrame:
    """The records, with the file line of each in LINE; lines that are no JSON object are
    counted in `bad` (whose policy stops at the first under `on_bad_record: error`)."""
    names = [m.name for m in config.metrics] or list(KNOWN)  # default: whichever are there
    wanted = {config.arm_field, config.timestamp_field, *names}
    if config.pair_field:
        wanted.add(config.pair_field)
    if config.judge_fields:
        wanted.update(config.judge_fields)
    bad = bad if bad is not None else BadRecords(config.on_bad_record)
    frames = [c.frame.assign(**{LINE: c.lines}) for c in read_chunks(path, wanted, bad)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if config.arm_field not in frame:
        raise LlmopsError(f"{path}: no record has the arm field {config.arm_field!r}")
    if config.timestamp_field in frame:  # arrival order, for the sequential test
        order = pd.to_datetime(frame[config.timestamp_field], utc=True, errors="coerce")
        frame = frame.assign(_t=order).sort_values("_t", kind="stable").drop(columns="_t")
    frame[config.arm_field] = frame[config.arm_field].astype("string")
    return frame


def default_metrics(frame: pd.DataFrame) -> list[MetricSpec]:
    return [MetricSpec(n, k, b) for n, (k, b) in KNOWN.items() if n in frame]


def _values(series: pd.Series, kind: str) -> stats.F64:
    if kind == "rate":
        flags = series.map(lambda v: None if v is None or v is pd.NA else is_event(v))
        rates: stats.F64 = flags.dropna().to_numpy(dtype=np.float64)
        return rates
    numbers: stats.F64 = pd.to_numeric(series, errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    return numbers[np.isfinite(numbers)]


def _test(spec: MetricSpec, a: np.ndarray, b: np.ndarray) -> stats.TestResult:
    if spec.kind == "rate":
        return stats.two_proportion(int(a.sum()), len(a), int(b.sum()), len(b))
    if spec.kind == "mean":
        return stats.welch(a, b)
    return stats.mann_whitney(a, b)


def _mde(spec: MetricSpec, result: stats.TestResult) -> float:
    if spec.mde is not None:
        return spec.mde
    return DEFAULT_MDE_RATE if spec.kind == "rate" else DEFAULT_MDE_SD * result.sd


def _independent(frame: pd.DataFrame, config: CanaryConfig) -> list[dict[str, Any]]:
    arm = frame[config.arm_field]
    rows = []
    for spec in config.metrics:
        if spec.name not in frame:
            raise LlmopsError(f"no record has the metric field {spec.name!r}")
        a = _values(frame.loc[arm == config.control, spec.name], spec.kind)
        b = _values(frame.loc[arm == config.treatment, spec.name], spec.kind)
        if len(a) < 2 or len(b) < 2:
            rows.append({**asdict(spec), "status": "insufficient_data", "n": [len(a), len(b)]})
            continue
        result = _test(spec, a, b)
        mde = _mde(spec, result)
        p = result.p
        extra: dict[str, Any] = {}
        if config.sequential:
            p = stats.msprt_p(a, b, mde)
            extra["always_valid_ci"] = list(stats.msprt_interval(a, b, mde, config.alpha))
        rows.append(
            {
                **asdict(spec),
                **extra,
                "test": result.test + (" + mSPRT (always valid)" if config.sequential else ""),
                "control": result.control,
                "treatment": result.treatment,
                "effect": result.effect,
                "ci95": list(result.ci),
                "p": p,
                "n": list(result.n),
                "mde": mde,
                "required_per_arm_for_mde": stats.required_per_arm(
                    result.sd, mde, config.alpha, config.power
                ),
                "required_per_arm_for_observed": stats.required_per_arm(
                    result.sd, result.effect, config.alpha, config.power
                ),
            }
        )
    return rows


def _paired(frame: pd.DataFrame, config: CanaryConfig) -> list[dict[str, Any]]:
    assert config.pair_field is not None
    key, arm = config.pair_field, frame[config.arm_field]
    control = frame[arm == config.control].drop_duplicates(key).set_index(key)
    treatment = frame[arm == config.treatment].drop_duplicates(key).set_index(key)
    both = control.index.intersection(treatment.index)
    rows = []
    for spec in config.metrics:
        if spec.name not in frame:
            raise LlmopsError(f"no record has the metric field {spec.name!r}")
        pair = pd.DataFrame(
            {"a": control.loc[both, spec.name], "b": treatment.loc[both, spec.name]}
        ).dropna()
        a, b = _values(pair["a"], spec.kind), _values(pair["b"], spec.kind)
        if len(a) != len(b) or len(a) < 2:
            rows.append({**asdict(spec), "status": "insufficient_data", "n": [len(a), len(b)]})
            continue
        d = b - a
        if spec.kind == "rate":
            wins, losses = int((d > 0).sum()), int((d < 0).sum())
            p, test = stats.sign_test(wins, losses), "sign test (discordant pairs)"
        else:
            p, test = wilcoxon_signed_rank(d), "Wilcoxon signed-rank"
        sd = float(d.std(ddof=1)) if len(d) > 1 else 0.0
        half = stats.Z975 * sd / np.sqrt(len(d))
        effect = float(d.mean())
        mde = spec.mde if spec.mde is not None else (
            DEFAULT_MDE_RATE if spec.kind == "rate" else DEFAULT_MDE_SD * float(a.std(ddof=1))
        )  # fmt: skip
        rows.append(
            {
                **asdict(spec),
                "test": test,
                "control": float(a.mean()),
                "treatment": float(b.mean()),
                "effect": effect,
                "ci95": [effect - half, effect + half],
                "p": p,
                "n": [len(d), len(d)],
                "mde": mde,
                "required_per_arm_for_mde": stats.required_per_arm(sd / np.sqrt(2), mde),
                "required_per_arm_for_observed": stats.required_per_arm(sd / np.sqrt(2), effect),
            }
        )
    return rows


def swapped_win_rate(first: Sequence[Any], second: Sequence[Any], treatment: str) -> dict[str, Any]:
    """Judge win rate of the treatment from verdicts given in both presentation orders: a
    pair counts as a win or a loss only when both orders agree, otherwise as a tie — a judge
    that always prefers the first answer then scores exactly 0.5."""
    wins = losses = ties = 0
    for x, y in zip(first, second, strict=True):
        if x is None or y is None or pd.isna(x) or pd.isna(y):
            continue
        if str(x) == str(y) == treatment:
            wins += 1
        elif str(x) == str(y) and str(x) != "tie":
            losses += 1
        else:
            ties += 1
    n = wins + losses + ties
    rate = (wins + ties / 2) / n if n else None
    consistent = (wins + losses) / n if n else None
    return {
        "pairs": n,
        "wins": wins,
        "losses": losses,
        "ties_or_inconsistent": ties,
        "win_rate": rate,
        "order_consistency": consistent,
        "p": stats.sign_test(wins, losses),
    }


def decide(rows: list[dict[str, Any]], srm_mismatch: bool, alpha: float) -> tuple[str, list[str]]:
    if srm_mismatch:
        return "hold", ["sample ratio mismatch: arm sizes do not match the planned split; fix "
                        "assignment or logging before trusting any metric"]  # fmt: skip
    tested = [r for r in rows if "p_adjusted" in r]
    worse = [r for r in tested if r["verdict"] == "worse"]
    better = [r for r in tested if r["verdict"] == "better"]
    if worse:
        return "rollback", [
            f"{r['name']} is worse: {r['control']:.4g} -> {r['treatment']:.4g} "
            f"(adjusted p {r['p_adjusted']:.2g})"
            for r in worse
        ]
    reasons = [
        f"{r['name']} is better: {r['control']:.4g} -> {r['treatment']:.4g} "
        f"(adjusted p {r['p_adjusted']:.2g})"
        for r in better
    ]
    if better:
        return "promote", reasons
    short = [
        r for r in tested if r["required_per_arm_for_mde"] < 0 or
        min(r["n"]) < r["required_per_arm_for_mde"]
    ]  # fmt: skip
    missing = [r for r in rows if "p_adjusted" not in r]
    if not short and not missing and tested:
        return "promote", [
            "no metric differs and every metric has the sample to detect its minimum effect"
        ]
    needs = [
        f"{r['name']}: {min(r['n'])} per arm of ~{r['required_per_arm_for_mde']} needed to "
        f"detect {r['mde']:.3g}"
        for r in short
    ] + [f"{r['name']}: not enough data" for r in missing]
    return "hold", ["no significant difference yet", *needs]


def _unusable(series: pd.Series, kind: str) -> np.ndarray:
    """Values present but not of the metric's type: a rate flag that is a mapping, a number
    that is text ("slow"), a boolean or infinite. Nulls are absent, not bad."""
    present: np.ndarray = series.notna().to_numpy(dtype=bool)
    if kind == "rate":
        mapping: np.ndarray = series.map(lambda v: isinstance(v, dict)).to_numpy(dtype=bool)
        flags: np.ndarray = present & mapping
        return flags
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    boolean: np.ndarray = series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    wrong: np.ndarray = present & (~np.isfinite(numbers) | boolean)
    return wrong


def screen_records(
    frame: pd.DataFrame, config: CanaryConfig, source: str, bad: BadRecords
) -> dict[str, Any]:
    """Blank out (and count, per arm) wrong-typed metric values of the two arms' records, so
    a dropped row is never silent: above `max_bad_fraction` of all records, or of either
    arm's, the analysis stops (exit 1), as drift-check does."""
    malformed = bad.count  # lines that were no JSON object at all, counted while reading
    arm = frame[config.arm_field]
    arms = {label: (arm == label).fillna(False).to_numpy(dtype=bool) for label in
            (config.control, config.treatment)}  # fmt: skip
    mine = arms[config.control] | arms[config.treatment]
    flagged = np.zeros(len(frame), dtype=bool)
    lines = frame[LINE].to_numpy() if LINE in frame else np.arange(1, len(frame) + 1)
    for spec in config.metrics:
        if spec.name not in frame:
            continue
        wrong = _unusable(frame[spec.name], spec.kind) & mine
        if wrong.any():
            first = frame[spec.name][wrong].iloc[0]
            wanted = "a flag" if spec.kind == "rate" else "a number"
            bad.add(Path(source), lines[wrong], spec.name, f"expected {wanted}, got {first!r}")
            frame.loc[wrong, spec.name] = None
            flagged |= wrong
    by_arm = {label: int((flagged & rows).sum()) for label, rows in arms.items()}
    total = len(frame) + malformed
    count = malformed + int(flagged.sum())
    shares = [count / total if total else 0.0]
    shares += [by_arm[label] / rows.sum() for label, rows in arms.items() if rows.sum()]
    if max(shares) > config.max_bad_fraction:
        raise LlmopsError(
            f"{source}: {count} of {total} records are unusable ({by_arm[config.control]} of "
            f"{config.control}, {by_arm[config.treatment]} of {config.treatment}); over "
            f"--max-bad-fraction {config.max_bad_fraction:g}, dropping them could bias the "
            f"decision; first: {bad.examples[0]}"
        )
    return {"count": count, "records": total, "malformed": malformed, "by_arm": by_arm,
            "examples": list(bad.examples)}  # fmt: skip


def analyze(
    frame: pd.DataFrame, config: CanaryConfig, source: str, bad: BadRecords | None = None
) -> dict[str, Any]:
    arms = frame[config.arm_field].value_counts(dropna=True)
    for label in (config.control, config.treatment):
        if label not in arms:
            seen = ", ".join(map(str, arms.index[:10])) or "none"
            raise LlmopsError(
                f"{source}: no record has {config.arm_field}={label!r} (arms seen: {seen})"
            )
    n_a, n_b = int(arms[config.control]), int(arms[config.treatment])
    metrics = list(config.metrics) or default_metrics(frame)
    if not metrics:
        raise LlmopsError(f"{source}: none of {', '.join(KNOWN)} is in the logs; name --metric")
    config.metrics = metrics
    bad_records = screen_records(frame, config, source, bad or BadRecords(config.on_bad_record))
    rows = _paired(frame, config) if config.pair_field else _independent(frame, config)
    tested = [r for r in rows if "p" in r]
    adjusted_p = adjust([r["p"] for r in tested], config.correction)
    for r, adjusted in zip(tested, adjusted_p, strict=True):
        r["p_adjusted"] = adjusted
        significant = adjusted < config.alpha
        improved = (r["effect"] > 0) == (r["better"] == "higher")
        r["verdict"] = ("better" if improved else "worse") if significant else "no difference"
    srm_p = stats.sample_ratio_p(n_a, n_b, config.treatment_share)
    srm: dict[str, Any] = {
        "planned_treatment_share": config.treatment_share,
        "observed_treatment_share": n_b / (n_a + n_b),
        "p": srm_p,
        "mismatch": bool(srm_p < SRM_ALPHA) and not config.pair_field,
    }
    decision, reasons = decide(rows, srm["mismatch"], config.alpha)
    out: dict[str, Any] = {
        "schema_version": 1,
        "kind": "canary",
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "logs": source,
        "arm_field": config.arm_field,
        "control": config.control,
        "treatment": config.treatment,
        "mode": "paired" if config.pair_field else "independent",
        "n": {"control": n_a, "treatment": n_b},
        "alpha": config.alpha,
        "correction": config.correction,
        "sequential": config.sequential,
        "sample_ratio": srm,
        "bad_records": bad_records,
        "metrics": rows,
        "decision": decision,
        "reasons": reasons,
    }
    if config.judge_fields and config.pair_field:
        out["judge"] = _judge(frame, config)
    return out


def _judge(frame: pd.DataFrame, config: CanaryConfig) -> dict[str, Any]:
    assert config.judge_fields is not None and config.pair_field is not None
    first, second = config.judge_fields
    if first not in frame or second not in frame:
        raise LlmopsError(f"judge fields {first!r} and {second!r} must both be in the logs")
    per_pair = frame.dropna(subset=[first, second]).drop_duplicates(config.pair_field)
    return swapped_win_rate(list(per_pair[first]), list(per_pair[second]), config.treatment)


def summary_lines(result: Mapping[str, Any]) -> list[str]:
    lines = [
        f"canary {result['arm_field']}: {result['control']} (n={result['n']['control']}) vs "
        f"{result['treatment']} (n={result['n']['treatment']}), {result['mode']}"
        + (", sequential" if result["sequential"] else "")
    ]
    for r in result["metrics"]:
        if "p" not in r:
            lines.append(f"  {r['name']:<22} insufficient data (n={r['n']})")
            continue
        # sequential: the interval that stays valid under repeated looks (for the difference
        # in means, which the mSPRT tests), so it agrees with the always-valid p
        low, high = r.get("always_valid_ci", r["ci95"])
        lines.append(
            f"  {r['name']:<22} {r['control']:>10.4g} -> {r['treatment']:<10.4g} "
            f"effect {r['effect']:+.4g} [{low:+.3g}, {high:+.3g}]  "
            f"p {r['p']:.2g} (adj {r['p_adjusted']:.2g})  {r['verdict']}"
        )
    srm = result["sample_ratio"]
    if srm["mismatch"]:
        lines.append(
            f"  SAMPLE RATIO MISMATCH: treatment share {srm['observed_treatment_share']:.3f} vs "
            f"planned {srm['planned_treatment_share']:.3f} (p {srm['p']:.2g})"
        )
    bad = result.get("bad_records") or {}
    if bad.get("count"):
        by_arm = ", ".join(f"{arm} {n}" for arm, n in bad["by_arm"].items())
        lines.append(
            f"  {bad['count']} of {bad['records']} records unusable and skipped "
            f"({bad['malformed']} malformed; wrong-typed by arm: {by_arm}); "
            f"first: {bad['examples'][0]}"
        )
    if "judge" in result:
        j = result["judge"]
        lines.append(
            f"  judge win rate (position-swapped) {j['win_rate']:.3f} over {j['pairs']} pairs; "
            f"order consistency {j['order_consistency']:.2f}; sign-test p {j['p']:.2g}"
        )
    lines.append(f"decision: {result['decision'].upper()} — " + "; ".join(result["reasons"]))
    return lines
