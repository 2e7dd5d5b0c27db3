"""The example Airflow DAG's callables, as plain functions on a real project, registry and
bare remote; Airflow itself is not installed (the file must import without it)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from test_registry_api import bump, evaluated

from llmops_cli import api

DAG_FILE = Path(__file__).resolve().parents[1] / "examples/airflow/llmops_dag.py"


@pytest.fixture
def dag() -> ModuleType:
    spec = importlib.util.spec_from_file_location("llmops_dag", DAG_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_file_imports_without_airflow(dag: ModuleType) -> None:
    assert "airflow" not in sys.modules
    assert not hasattr(dag, "llmops_drift")  # no DAG objects without Airflow
    assert callable(dag.evaluate_and_gate) and callable(dag.roll_back)


@pytest.mark.parametrize(
    ("drift", "approved", "branch"),
    [
        ({"drifted": False, "signals": []}, "support-bot", "no_drift"),
        ({"drifted": True, "signals": ["latency_ms"]}, None, "open_rollback_decision"),
        ({"drifted": True, "signals": ["latency_ms"]}, "billing-bot", "open_rollback_decision"),
        ({"drifted": True, "signals": ["latency_ms"]}, "support-bot", "roll_back"),
    ],
)
def test_a_rollback_waits_for_an_approval_of_this_pipeline(
    dag: ModuleType, drift: dict[str, object], approved: str | None, branch: str
) -> None:
    assert dag.decide(drift, approved, "support-bot") == branch


def test_drift_opens_a_decision_and_the_approved_rollback_is_pushed(
    dag: ModuleType, project: Path, tmp_path: Path
) -> None:
    root = evaluated(project)
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(root), str(bare)], check=True)
    subprocess.run(["git", "remote", "add", "origin", str(bare)], cwd=root, check=True)
    api.promote(root, "support-bot", "dev", push=True)
    bump(root, "1.1.0")
    api.promote(root, "support-bot", "dev", push=True)
    drift = {"drifted": True, "signals": ["latency_ms", "judge_score"]}

    path = dag.open_rollback_decision(str(root), "support-bot", "dev", drift)
    decision = json.loads(path.read_text())
    assert path == root / "reports/support-bot/rollback-decision.json"
    assert (decision["current"], decision["rollback_to"]) == ("1.1.0", "1.0.0")
    assert decision["signals"] == ["latency_ms", "judge_score"]
    assert "airflow variables set llmops_rollback_approved support-bot" in decision["approve"]
    assert api.registry_show(root, "support-bot").stages[0].current.version == "1.1.0"  # type: ignore[union-attr]

    outcome = dag.roll_back(str(root), "support-bot", "dev", drift)
    assert (outcome["from"], outcome["to"]) == ("1.1.0", "1.0.0")
    pushed = subprocess.run(
        ["git", "show", "llmops/registry:state.yaml"],
        cwd=bare,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "version: 1.0.0" in pushed  # the remote holds the rollback
    event = api.registry_history(root, limit=1)[0]
    assert event.id == outcome["event"] and "latency_ms, judge_score" in event.reason


@pytest.mark.skipif(
    not (hasattr(api, "evaluate") and hasattr(api, "gate")),
    reason="api.evaluate / api.gate not in llmops_cli.api yet",
)
def test_the_scheduled_eval_and_gate(dag: ModuleType, project: Path) -> None:
    config = project / "llmops.yaml"
    config.write_text(config.read_text().replace("enabled: true", "enabled: false"))
    outcome = dag.evaluate_and_gate(str(project), "support-bot")
    assert outcome["passed"] is True and outcome["verdict"] == "pass"
    thresholds = project / "manifests/thresholds/support-gate.yaml"
    thresholds.write_text(thresholds.read_text().replace("{min: 0.85,", "{min: 0.999,"))
    with pytest.raises(dag.GateFailedError, match="the gate failed"):
        dag.evaluate_and_gate(str(project), "support-bot")


def test_the_hourly_drift_check_feeds_the_branch(dag: ModuleType, project: Path) -> None:
    from driftdata import records, write_jsonl

    week = [
        {**r, "timestamp": r["timestamp"].replace("2026-11-01", f"2026-11-{day:02d}")}
        for day in range(1, 8)
        for r in records(300, day)
    ]
    hour = [{**r, "timestamp": "2026-11-08T00:30:00Z"} for r in records(300, 9, shift="latency")]
    write_jsonl(project / "logs/inference.jsonl", week + hour)
    drift = dag.check_drift(
        str(project), "logs/inference.jsonl", "2026-11-08T00:00:00Z..2026-11-08T01:00:00Z"
    )
    assert "latency_p99" in drift["signals"] or "latency_ms" in drift["signals"], drift
    # the first breached window is pending (two in a row alert): no rollback decision yet
    assert drift["drifted"] is False and drift["status"] == "pending"
    assert dag.decide(drift, "support-bot", "support-bot") == "no_drift"
