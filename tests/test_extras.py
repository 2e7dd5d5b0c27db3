"""The optional extras: the core install runs the CI gate step, and a command that needs a
missing extra stops with one line naming it and the pip command. "Missing" is real: each run is
a fresh interpreter whose import system refuses the extra's modules (helpers.python_without)."""

from __future__ import annotations

import importlib
import json
import tomllib
from pathlib import Path

import pytest
from conftest import REPO
from helpers import Cli, llmops_without, python_without
from test_registry import bump_prompt, evaluate

from llmops_cli.extras import EXTRAS, MissingExtra, needed

EVERY_EXTRA = [m for _, modules in EXTRAS.values() for m in modules]
GUARD = EXTRAS["guard"][1]


def _error(stderr: str, extra: str) -> str:
    """The one error line, checked to name the extra and its pip command."""
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    assert f"pip install 'llmops-cli[{extra}]'" in errors[0], errors[0]
    assert "Traceback" not in stderr
    return errors[0]


def test_the_extras_are_the_ones_pyproject_declares() -> None:
    optional = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert set(EXTRAS) | {"all", "dev", "local-embeddings"} == set(optional)
    assert optional["all"] == [f"llmops-cli[{','.join(EXTRAS)}]"]
    assert "llmops-cli[all]" in optional["dev"]


def test_the_core_install_validates_gates_and_promotes(repo: Path, cli: Cli) -> None:
    """A CI gate step: validate, the gate against the prod baseline on the registry branch
    (its bootstrap regression check included), promote, with no extra installed."""
    evaluate(cli, repo)
    for stage, extra in (("dev", []), ("staging", []), ("prod", ["--approver", "support-leads"])):
        assert cli("promote", "support-bot", "--to", stage, *extra, cwd=repo).exit_code == 0
    bump_prompt(repo, "1.1.0")
    assert cli("eval", "support-bot", "--no-track", cwd=repo).exit_code == 0
    assert llmops_without(EVERY_EXTRA, "validate", cwd=repo).returncode == 0
    gate = llmops_without(EVERY_EXTRA, "gate", "support-bot", "-f", "json", cwd=repo)
    assert gate.returncode == cli("gate", "support-bot", cwd=repo).exit_code, gate.stderr
    assert any(c["kind"] == "regression" for c in json.loads(gate.stdout)["checks"])
    promoted = llmops_without(EVERY_EXTRA, "promote", "support-bot", "--to", "dev", cwd=repo)
    assert promoted.returncode == 0 and "error" not in promoted.stderr, promoted.stderr


def test_eval_without_guard_stops_before_any_case(project: Path) -> None:
    """Scrubbing never silently weakens: no answer is stored unscrubbed of PII."""
    done = llmops_without(GUARD, "eval", "support-bot", "--no-track", cwd=project)
    assert done.returncode == 1
    assert "(no module named 'presidio_analyzer')" in _error(done.stderr, "guard")
    assert not (project / "reports").exists()
    assert not list((project / ".llmops").glob("runs/*.jsonl"))


def test_scrubbing_without_guard_fails_on_any_text() -> None:
    """Whatever the text (a plain one never loads Presidio): a caller learns at once."""
    code = (
        "from llmops_cli.extras import MissingExtra\n"
        "from llmops_cli.guardrails.scrub import scrub\n"
        "print(scrub('token=abcdef123456 hi', pii=False))\n"
        "try:\n    scrub('no digits, no at-sign')\n"
        "except MissingExtra as exc:\n    print(exc.extra)\n"
    )
    done = python_without(GUARD, code)
    assert done.stdout.split("\n")[:2] == ["token=<SECRET> hi", "guard"], done.stderr


@pytest.mark.parametrize(
    ("extra", "call"),
    [
        ("litellm", "from llmops_cli.evaluation.litellm_target import quiet_litellm as f; f()"),
        ("guard", "from llmops_cli.guardrails.pii import detector as f; f().redact('a@b.io')"),
        ("drift", "from llmops_cli import api; api.drift_check(current='a', reference='b')"),
        (
            "drift",
            "from llmops_cli import api; api.canary_analyze(logs='a', control='x', treatment='y')",
        ),
    ],
)
def test_a_library_caller_gets_missing_extra(extra: str, call: str, tmp_path: Path) -> None:
    code = (
        "from llmops_cli.extras import MissingExtra\n"
        f"try:\n    {call}\n"
        "except MissingExtra as exc:\n    print(exc.extra)\n"
    )
    done = python_without(EXTRAS[extra][1], code, cwd=tmp_path)
    assert done.stdout.strip() == extra, done.stderr


def test_eval_without_mlflow_warns_once_and_keeps_the_report(project: Path) -> None:
    done = llmops_without(["mlflow"], "eval", "support-bot", cwd=project)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "pip install 'llmops-cli[tracking]'" in warnings[0]
    assert "not tracked" in warnings[0]
    (report,) = (project / "reports/support-bot").glob("*/report.json")
    assert json.loads(report.read_text())["summary"]["cases"] > 0
    assert not list((project / ".llmops").glob("runs/*.tracking.json"))  # no logger started


def test_eval_through_litellm_without_it(project: Path) -> None:
    (project / "manifests/models/remote.yaml").write_text(
        "kind: model\nname: remote\nversion: 1.0.0\nprovider: anthropic\n"
        "model: claude-3-5-haiku-20241022\napi_base: http://127.0.0.1:9\n"
    )
    pipeline = project / "manifests/pipelines/support-bot.yaml"
    pipeline.write_text(pipeline.read_text().replace("support-model-local@1.0.0", "remote@1.0.0"))
    done = llmops_without(["litellm"], "eval", "support-bot", "--no-track", cwd=project)
    assert done.returncode == 1
    _error(done.stderr, "litellm")


@pytest.mark.parametrize(
    ("extra", "args"),
    [
        ("drift", ["drift-check", "--current", "a.jsonl", "--reference", "b.jsonl"]),
        (
            "drift",
            ["canary", "analyze", "--logs", "llmops.yaml", "--control", "a", "--treatment", "b"],
        ),
    ],
)
def test_a_command_names_its_missing_extra(project: Path, extra: str, args: list[str]) -> None:
    done = llmops_without(EXTRAS[extra][1], *args, cwd=project)
    assert done.returncode == 1
    _error(done.stderr, extra)


def test_guard_toxicity_runs_on_the_core_install(project: Path) -> None:
    """The toxicity model ships inside llmops: no extra, no scikit-learn."""
    heavy = [*EVERY_EXTRA, "sklearn", "joblib", "profanity_check"]
    done = llmops_without(heavy, "guard", "--checks", "toxicity", "you are an idiot", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("toxicity: 1.00\n1 of 1 texts flagged"), done.stdout


def test_needed_turns_a_missing_module_into_the_extra() -> None:
    with pytest.raises(MissingExtra, match=r"llmops-cli\[drift\]"), needed("drift"):
        importlib.import_module("llmops_test_no_such_module")
    with pytest.raises(ModuleNotFoundError), needed("drift"):  # llmops's own: a bug
        importlib.import_module("llmops_cli.no_such_module")
