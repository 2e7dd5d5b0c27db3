"""MLflow as its users know it, against a real `mlflow server` (and a sqlite store): the golden
set is the run's dataset input, the cases a table MLflow's own `load_table` reads, the gate's
verdict and the registry's events are tags on the run they judged, and (opt-in) promotions and
rollbacks move stage aliases in MLflow's prompt registry."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import latest, wait_tracking

from llmops_cli.project import Project
from llmops_cli.tracking import read_outcome

SECRET = "sk-live-abcdefghijklmnopqrstuvwxyz012345"


@pytest.fixture
def server(mlflow_url: str) -> str:
    """The run's shared `mlflow server` (conftest): these tests keep to their experiments,
    quillnote-support and quillnote-mirror (with the support-answer prompt)."""
    return mlflow_url


def wait_follow_up(project: Path, key: str) -> dict[str, Any]:
    """The outcome of a background follow-up (gate tags, a registry event) once it is done."""
    proj = Project.load(project)
    deadline = time.monotonic() + 180
    while (found := read_outcome(proj, key)) is None or found["state"] == "pending":
        assert time.monotonic() < deadline, f"no outcome for {key}: {found}"
        time.sleep(0.1)
    return found


def run_of(client: Any, project: Path) -> Any:
    outcome = read_outcome(Project.load(project), latest(project)["run_id"])
    assert outcome is not None and outcome["state"] == "logged", outcome
    return client.get_run(outcome["mlflow_run_id"])


def assert_views(client: Any, run: Any, report: dict[str, Any]) -> None:
    [dataset_input] = run.inputs.dataset_inputs
    dataset = dataset_input.dataset
    assert dataset.name == "golden_sets/support/cases.jsonl"
    assert dataset.digest == report["golden_set"]["sha256"][:12]
    assert json.loads(dataset.profile) == {"num_rows": report["golden_set"]["cases"]}
    assert {t.key: t.value for t in dataset_input.tags} == {"mlflow.data.context": "eval"}
    table = client.load_table(
        run.info.experiment_id, "eval_results_table.json", run_ids=[run.info.run_id]
    )
    assert len(table) == len(report["cases"])
    by_id = {r["case_id"]: r for r in report["cases"]}
    for _, row in table.iterrows():
        case = by_id[row["case_id"]]
        assert row["status"] == case["status"]
        assert row["failed_checks"] == ", ".join(case["failed_checks"])
        assert row["score.token_f1"] == pytest.approx(case["scores"]["token_f1"]["value"])


@pytest.mark.slow
def test_a_server_run_has_the_golden_set_the_cases_and_the_gate_verdict(
    project: Path, cli: Any, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlflow.tracking import MlflowClient

    monkeypatch.setenv("MLFLOW_TRACKING_URI", server)
    result = cli("eval", "support-bot", "--wait-tracking", cwd=project)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    client = MlflowClient(server)
    run = run_of(client, project)
    report = latest(project)
    assert_views(client, run, report)
    assert "eval_results_table.json" in {a.path for a in client.list_artifacts(run.info.run_id)}
    from llmops_cli import api  # the library's gate tags the run it judged, as the CLI's does

    assert api.gate(project, "support-bot").passed
    assert wait_follow_up(project, f"{report['run_id']}.gate")["state"] == "done"
    tags = client.get_run(run.info.run_id).data.tags
    assert tags["llmops.gate.verdict"] == "pass" and tags["llmops.gate.failed"] == ""
    folder = project / "reports/support-bot" / report["run_id"]
    for name in ("gate.json", "junit.xml"):  # the files the gate wrote replace the eval's
        logged = Path(client.download_artifacts(run.info.run_id, name, str(project / "dl")))
        assert logged.read_bytes() == (folder / name).read_bytes()
    verdict = json.loads(
        (project / "reports/support-bot" / report["run_id"] / "gate.json").read_text()
    )
    assert [c["name"] for c in json.loads(tags["llmops.gate.checks"])] == [
        c["name"] for c in verdict["checks"]
    ]


@pytest.mark.slow
def test_a_sqlite_store_run_has_the_same_views(
    project: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlflow.tracking import MlflowClient

    store = f"sqlite:///{project / '.llmops/mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store)  # load_table searches the global store
    assert cli("eval", "support-bot", "--limit", "6", cwd=project).exit_code == 0
    assert wait_tracking(project)["state"] == "logged"
    client = MlflowClient(store)
    assert_views(client, run_of(client, project), latest(project))


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.slow
def test_promotions_and_rollbacks_move_prompt_aliases_when_mirrored(
    project: Path, cli: Any, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlflow.tracking import MlflowClient
    from test_registry import bump_prompt

    monkeypatch.setenv("MLFLOW_TRACKING_URI", server)
    config = project / "llmops.yaml"
    config.write_text(
        config.read_text().replace(
            "  experiment: quillnote-support\n",
            "  experiment: quillnote-mirror\n  mirror_registry: true\n",
        )
    )
    prompt = project / "manifests/prompts/support-answer.yaml"
    prompt.write_text(
        prompt.read_text().replace("one or two sentences", f"one or two sentences (key {SECRET})")
    )
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "init")
    client = MlflowClient(server)

    def release() -> str:
        assert cli("eval", "support-bot", "--wait-tracking", cwd=project).exit_code == 0
        assert cli("gate", "support-bot", cwd=project).exit_code == 0
        promoted = cli("promote", "support-bot", "--to", "dev", "-f", "json", cwd=project)
        assert promoted.exit_code == 0 and "warning" not in promoted.stderr, promoted.output
        event = json.loads(promoted.stdout)["event_id"]
        run_id = latest(project)["run_id"]
        assert wait_follow_up(project, f"{run_id}.event-{event}")["state"] == "done"
        tags = run_of(client, project).data.tags
        assert tags["llmops.registry.event"] == event and tags["llmops.registry.dev.event"] == event
        assert "support-answer" in tags["mlflow.linkedPrompts"]  # "Registered prompts"
        return str(event)

    release()
    first = client.get_prompt_version_by_alias("support-answer", "dev")
    assert first.tags["llmops.version"] == "1.0.0"
    assert SECRET not in json.dumps(first.template) and "one or two sentences" in json.dumps(
        first.template
    )
    bump_prompt(project, "1.1.0")
    release()
    assert (
        client.get_prompt_version_by_alias("support-answer", "dev").tags["llmops.version"]
        == "1.1.0"
    )
    back = cli(
        "rollback", "support-bot", "--stage", "dev", "--reason", "terse", "-f", "json", cwd=project
    )
    assert back.exit_code == 0, back.output
    event = json.loads(back.stdout)["event_id"]
    first_run = min(
        (project / "reports/support-bot").glob("*/report.json"), key=lambda p: p.stat().st_mtime_ns
    )
    assert wait_follow_up(project, f"{first_run.parent.name}.event-{event}")["state"] == "done"
    again = client.get_prompt_version_by_alias("support-answer", "dev")
    assert again.version == first.version  # registered once, the alias moved back
    assert len(client.search_prompt_versions("support-answer")) == 2


@pytest.mark.slow
def test_mirroring_works_on_the_default_sqlite_store_without_a_stray_db(
    project: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No MLFLOW_TRACKING_URI: the run and the prompt registry both live in .llmops/mlflow.db,
    and nothing lands in the working directory."""
    from mlflow.tracking import MlflowClient

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    config = project / "llmops.yaml"
    config.write_text(
        config.read_text().replace(
            "  experiment: quillnote-support\n",
            "  experiment: quillnote-support\n  mirror_registry: true\n",
        )
    )
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "init")
    assert cli("eval", "support-bot", "--wait-tracking", cwd=project).exit_code == 0
    assert cli("gate", "support-bot", cwd=project).exit_code == 0
    from llmops_cli import api  # the library's promote tags and mirrors, as the CLI's does

    monkeypatch.chdir(project)
    event = api.promote(project, "support-bot", "dev").event.id
    outcome = wait_follow_up(project, f"{latest(project)['run_id']}.event-{event}")
    assert outcome["state"] == "done", outcome
    client = MlflowClient(f"sqlite:///{project / '.llmops/mlflow.db'}")
    tags = run_of(client, project).data.tags
    assert "support-answer" in tags["mlflow.linkedPrompts"]
    assert tags["llmops.prompt.dev"].startswith("support-answer/")
    assert not (project / "mlflow.db").exists() and not (project / "mlruns").exists()


@pytest.mark.slow
def test_a_dead_server_costs_the_mirror_one_warning_and_keeps_the_promotion(
    project: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_tracking import refused_port

    from llmops_cli.registry.registry import Registry

    config = project / "llmops.yaml"
    config.write_text(
        config.read_text().replace(
            "  experiment: quillnote-support\n",
            "  experiment: quillnote-support\n  mirror_registry: true\n  timeout_s: 2\n",
        )
    )
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "init")
    assert cli("eval", "support-bot", "--no-track", cwd=project).exit_code == 0
    assert cli("gate", "support-bot", cwd=project).exit_code == 0
    url = refused_port()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
    promoted = cli("promote", "support-bot", "--to", "dev", "-f", "json", cwd=project)
    assert promoted.exit_code == 0, promoted.output
    event = json.loads(promoted.stdout)["event_id"]
    assert Registry(Project.load(project)).current("support-bot", "dev") is not None
    outcome = wait_follow_up(project, f"{latest(project)['run_id']}.event-{event}")
    assert outcome["state"] == "failed" and "pa55w0rd" not in outcome["warning"]
    assert outcome["warning"].startswith(
        f"MLflow tracking at {url.replace('bob:pa55w0rd', '<SECRET>')} failed:"
    )
    gate = cli("gate", "support-bot", cwd=project)
    warnings = [x for x in gate.stderr.splitlines() if x.startswith("warning:")]
    assert len(warnings) == 1 and "the gate and the registry are not affected" in warnings[0]
    assert "warning:" not in cli("gate", "support-bot", cwd=project).stderr  # once


def test_mirror_registry_must_be_a_boolean(project: Path, cli: Any) -> None:
    config = project / "llmops.yaml"
    config.write_text(
        config.read_text().replace(
            "  experiment: quillnote-support\n",
            "  experiment: quillnote-support\n  mirror_registry: sometimes\n",
        )
    )
    result = cli("validate", cwd=project)
    assert result.exit_code == 1 and "tracking.mirror_registry" in result.stderr, result.output
    config.write_text(
        config.read_text().replace("mirror_registry: sometimes", "mirror_registry: true")
    )
    assert cli("validate", cwd=project).exit_code == 0
