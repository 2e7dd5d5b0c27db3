"""What MLflow's UI shows of an eval run, built from the (already scrubbed) report: the golden
set as the run's dataset input, and the per-case results as a table artifact in the shape
`mlflow.log_table` writes (pandas' "split" JSON, listed in the `mlflow.loggedArtifacts` tag),
which the UI's artifact and evaluation views read. Pure: both clients (REST and MLflow's
own) send these."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmops_cli.contracts.report import EvalReport

RESULTS_TABLE = "eval_results_table.json"
LOGGED_ARTIFACTS = json.dumps([{"path": RESULTS_TABLE, "type": "table"}])
DATASET_CONTEXT = "eval"


def golden_dataset(report: EvalReport) -> dict[str, str]:
    """The golden set as MLflow's Dataset entity fields (`name`, `digest`, `source_type`,
    `source`, `schema`, `profile`): its path, content hash and case count."""
    golden = report.golden_set
    path = golden.path
    columns = [("id", "string"), ("input", "string"), ("expected", "string"), ("tags", "string")]
    schema = {"mlflow_colspec": [{"type": t, "name": n, "required": False} for n, t in columns]}
    return {
        "name": path,
        "digest": golden.sha256[:12],
        "source_type": "local",
        "source": json.dumps({"uri": path}),
        "schema": json.dumps(schema),
        "profile": json.dumps({"num_rows": golden.cases}),
    }


def results_table(report: EvalReport) -> dict[str, Any]:
    """One row per case: status, input, expected, output, failed checks, each metric's score."""
    metrics = list(report.summary.metrics)
    columns = [
        "case_id",
        "status",
        "failed_checks",
        "input",
        "expected",
        "output",
        *(f"score.{m}" for m in metrics),
        "tags",
        "repeat",
        "error",
        "latency_ms",
    ]
    data = []
    for row in report.cases:
        scores = {name: score.value for name, score in row.scores.items()}
        data.append(
            [
                row.case_id,
                row.status,
                ", ".join(row.failed_checks),
                _text(row.input),
                _text(row.expected),
                _text(row.output),
                *(scores.get(m) for m in metrics),
                ", ".join(row.tags),
                row.repeat,
                row.error,
                row.latency_ms,
            ]
        )
    return {"columns": columns, "data": data}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
