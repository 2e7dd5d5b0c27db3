"""Airflow DAGs built on `llmops_cli.api`: a daily eval + gate, and an hourly drift check that
opens a rollback decision (and rolls back only once a person has approved it).

Copy this file into your DAGs folder and set the three constants (or the Airflow Variables
of the same names). The task callables are plain functions with plain arguments, so they run
(and are tested, in tests/test_examples_airflow.py) without Airflow; only the DAG wiring at
the bottom imports it.

    llmops_eval_gate   @daily   evaluate_and_gate: eval the pipeline, gate the report; the
                                task fails when the gate does
    llmops_drift       @hourly  check_drift -> decide (branch) -> no_drift
                                                              -> open_rollback_decision
                                                              -> roll_back
The rollback is never automatic: on drift, `open_rollback_decision` writes the decision
(signals, the version now in the stage, the one a rollback returns to, and how to approve)
to `reports/<pipeline>/rollback-decision.json` for the on-call engineer. Approving is setting
the Airflow Variable `llmops_rollback_approved` to the pipeline's name; the next drifting run
then rolls the stage back (and clears the approval).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from llmops_cli import api

PROJECT_DIR = "/opt/llm-app"  # a git checkout holding llmops.yaml (with the registry's remote)
PIPELINE = "support-bot"
STAGE = "prod"
LOG = "logs/inference.jsonl"  # inference logs the serving code appends to
APPROVAL_VARIABLE = "llmops_rollback_approved"  # its value: the pipeline cleared to roll back


class GateFailedError(RuntimeError):
    """Fails the Airflow task: the report did not pass the gate."""


# -- the task callables (plain functions) ------------------------------------------------------


def evaluate_and_gate(project_dir: str, pipeline: str) -> dict[str, Any]:
    """Evaluate `pipeline` on its golden set and gate the report; raise when the gate fails.
    Returns what the next tasks (or XCom) need: the run id and the verdict."""
    project = api.load_project(project_dir)
    report = api.evaluate(project, pipeline)
    verdict = api.gate(project, pipeline)
    outcome = {"run_id": report.run_id, "verdict": verdict.verdict, "passed": verdict.passed}
    if not verdict.passed:
        failed = ", ".join(check.name for check in verdict.failures) or "see gate.json"
        raise GateFailedError(f"{pipeline}: the gate failed ({failed}); run {report.run_id}")
    return outcome


def check_drift(
    project_dir: str, log: str, window: str = "last:1h", reference: str = "prior:7d"
) -> dict[str, Any]:
    """Compare the last hour of production logs with the week before; `drifted` is the drift
    check's alert (after its consecutive-window streak), `signals` those to look at."""
    report = api.drift_check(
        project_dir, log=Path(project_dir, log), reference=reference, current=window
    )
    return {
        "drifted": report.alerting,
        "status": report.status,
        "signals": [s.name for s in report.flagged],
    }


def decide(drift: dict[str, Any], approved_pipeline: str | None, pipeline: str) -> str:
    """The branch to take: no drift; drift awaiting a person; drift with the rollback approved."""
    if not drift.get("drifted"):
        return "no_drift"
    return "roll_back" if approved_pipeline == pipeline else "open_rollback_decision"


def open_rollback_decision(
    project_dir: str, pipeline: str, stage: str, drift: dict[str, Any]
) -> Path:
    """Write the rollback decision for a person: what drifted, the version in `stage`, the
    one a rollback returns to, and how to approve it."""
    project = api.load_project(project_dir)
    status = next(s for s in api.registry_show(project, pipeline).stages if s.stage == stage)
    current = status.current.version if status.current else None
    previous = status.earlier[-1].version if status.earlier else None
    decision = {
        "kind": "rollback-decision",
        "pipeline": pipeline,
        "stage": stage,
        "signals": list(drift.get("signals", [])),
        "current": current,
        "rollback_to": previous,
        "opened_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "approve": (
            f"airflow variables set {APPROVAL_VARIABLE} {pipeline}   (or run: llmops rollback "
            f'{pipeline} --stage {stage} --reason "drift: ..." --push)'
        ),
    }
    path = project.reports_dir / pipeline / "rollback-decision.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(decision, indent=2) + "\n", encoding="utf-8")
    return path


def roll_back(
    project_dir: str, pipeline: str, stage: str, drift: dict[str, Any], *, push: bool = True
) -> dict[str, Any]:
    """Put `stage` back to its previous version (approved by a person), pushed to the remote."""
    signals = ", ".join(drift.get("signals", [])) or "drift"
    result = api.rollback(
        project_dir, pipeline, stage, reason=f"drift ({signals}), approved in Airflow", push=push
    )
    event = result.event
    return {"event": event.id, "from": event.from_version, "to": event.version}


# -- the DAGs (only where Airflow is installed) ------------------------------------------------


def _build_dags() -> dict[str, Any]:  # pragma: no cover - needs Airflow
    import pendulum
    from airflow import DAG
    from airflow.models import Variable

    try:  # Airflow 3
        from airflow.providers.standard.operators.empty import EmptyOperator
        from airflow.providers.standard.operators.python import (
            BranchPythonOperator,
            PythonOperator,
        )
    except ImportError:  # Airflow 2
        from airflow.operators.empty import EmptyOperator
        from airflow.operators.python import BranchPythonOperator, PythonOperator

    start = pendulum.datetime(2026, 1, 1, tz="UTC")
    common = {"start_date": start, "catchup": False, "max_active_runs": 1}
    args = {"project_dir": PROJECT_DIR, "pipeline": PIPELINE}

    with DAG("llmops_eval_gate", schedule="@daily", **common) as eval_dag:
        PythonOperator(
            task_id="evaluate_and_gate", python_callable=evaluate_and_gate, op_kwargs=args
        )

    def _decide(ti: Any) -> str:
        approved = Variable.get(APPROVAL_VARIABLE, default_var=None)
        return decide(ti.xcom_pull(task_ids="check_drift"), approved, PIPELINE)

    def _roll_back(ti: Any) -> dict[str, Any]:
        outcome = roll_back(PROJECT_DIR, PIPELINE, STAGE, ti.xcom_pull(task_ids="check_drift"))
        Variable.delete(APPROVAL_VARIABLE)  # one approval, one rollback
        return outcome

    with DAG("llmops_drift", schedule="@hourly", **common) as drift_dag:
        check = PythonOperator(
            task_id="check_drift",
            python_callable=check_drift,
            op_kwargs={"project_dir": PROJECT_DIR, "log": LOG},
        )
        branch = BranchPythonOperator(task_id="decide", python_callable=_decide)
        opened = PythonOperator(
            task_id="open_rollback_decision",
            python_callable=lambda ti: str(
                open_rollback_decision(
                    PROJECT_DIR, PIPELINE, STAGE, ti.xcom_pull(task_ids="check_drift")
                )
            ),
        )
        rolled = PythonOperator(task_id="roll_back", python_callable=_roll_back)
        check >> branch >> [EmptyOperator(task_id="no_drift"), opened, rolled]
    return {"llmops_eval_gate": eval_dag, "llmops_drift": drift_dag}


try:
    import airflow  # noqa: F401
except ImportError:  # the callables above still import and run
    pass
else:  # pragma: no cover - needs Airflow
    globals().update(_build_dags())
