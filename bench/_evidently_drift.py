"""Run by .bench/evidently's Python: Evidently's DataDriftPreset over the bench Parquet files.
Prints {column: drift score} as JSON. `--same-tests` asks for PSI (numeric) and
Jensen-Shannon (categorical), the tests llmops runs; otherwise Evidently's defaults."""

import json
import sys

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.presets import DataDriftPreset

NUMERIC = ["latency_ms", "ttft_ms", "prompt_tokens", "completion_tokens", "cost_usd", "judge_score"]
CATEGORICAL = ["model", "prompt_version", "region", "error", "guardrail_triggered", "refusal"]


def load(path: str) -> pd.DataFrame:
    frame = pd.read_parquet(path, columns=NUMERIC + CATEGORICAL)
    frame["error"] = frame["error"].fillna("none")
    for column in ("guardrail_triggered", "refusal"):
        frame[column] = frame[column].astype(str)
    return frame


ref_path, cur_path = sys.argv[1], sys.argv[2]
same = "--same-tests" in sys.argv
definition = DataDefinition(numerical_columns=NUMERIC, categorical_columns=CATEGORICAL)
ref = Dataset.from_pandas(load(ref_path), data_definition=definition)
cur = Dataset.from_pandas(load(cur_path), data_definition=definition)
preset = (
    DataDriftPreset(num_method="psi", cat_method="jensenshannon") if same else DataDriftPreset()
)
result = Report([preset]).run(cur, ref)
scores = {}
for metric in result.dict()["metrics"]:
    config = metric.get("config", {})
    column = config.get("column")
    if column and isinstance(metric.get("value"), int | float):
        scores[column] = {"value": metric["value"], "method": config.get("method")}
print(json.dumps(scores))
