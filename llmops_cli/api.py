"""The public Python API: `from llmops_cli import api`.

    from llmops_cli import api

    project = api.load_project("path/to/project")      # or pass the path to each function
    report = api.evaluate(project, "support-bot")       # run the golden set, write the report
    verdict = api.gate(project, "support-bot")          # pass / fail against the thresholds
    result = api.promote(project, "support-bot", "dev") # record it in the git registry

Each function takes a project (a `Project`, or a path inside one; `None`: the working
directory) and plain options, returns a typed, frozen result (`llmops_cli.contracts`, or the
area's own types such as `llmops_cli.registry.types`), and raises `LlmopsError` (its
`exit_code` is the CLI's) for anything the user can fix. Nothing here prints or exits. The CLI
commands are thin wrappers over these functions; the README's "Python API" section shows one
example each, and the tests run those examples.

This module only re-exports; the code lives in the area it belongs to.
"""

from __future__ import annotations

import os

from llmops_cli.errors import ExitCode, LlmopsError, ManifestError, Problem
from llmops_cli.project import Project, ProjectConfig, as_project


def load_project(path: str | os.PathLike[str] | Project | None = None) -> Project:
    """The project whose `llmops.yaml` is at or above `path` (default: the working directory),
    with its typed `config`. Every API function accepts what this does, so a caller may pass
    a path or a `Project`; loading once saves re-reading `llmops.yaml` per call."""
    return as_project(path)


__all__ = [
    "ExitCode",
    "LlmopsError",
    "ManifestError",
    "Problem",
    "Project",
    "ProjectConfig",
    "load_project",
]

# Each section re-exports its area's functions and extends __all__ (keeps merges apart).

# evaluation (evaluate, calibrate_judge) ------------------------------------------------------
from llmops_cli.contracts.report import CaseRow, EvalReport, load_report  # noqa: E402
from llmops_cli.evaluation.calibrate import JudgeCalibrationReport, calibrate_judge  # noqa: E402
from llmops_cli.evaluation.session import evaluate  # noqa: E402

__all__ += [
    "CaseRow",
    "EvalReport",
    "JudgeCalibrationReport",
    "calibrate_judge",
    "evaluate",
    "load_report",
]

# gate ----------------------------------------------------------------------------------------
from llmops_cli.contracts.verdict import GateCheck, GateVerdict, load_verdict  # noqa: E402
from llmops_cli.gate.run import gate  # noqa: E402

__all__ += ["GateCheck", "GateVerdict", "gate", "load_verdict"]

# registry (promote, rollback, export) --------------------------------------------------------

from llmops_cli.registry.export import export, reproduce  # noqa: E402
from llmops_cli.registry.promotion import promote  # noqa: E402
from llmops_cli.registry.reads import (  # noqa: E402
    registry_diff,
    registry_history,
    registry_list,
    registry_show,
)
from llmops_cli.registry.rollback import rollback  # noqa: E402
from llmops_cli.registry.types import (  # noqa: E402
    ExportedConfig,
    PipelineStatus,
    PromotionResult,
    RegistryEvent,
    RegistryListing,
    StageDiff,
)

__all__ += [
    "ExportedConfig",
    "PipelineStatus",
    "PromotionResult",
    "RegistryEvent",
    "RegistryListing",
    "StageDiff",
    "export",
    "promote",
    "registry_diff",
    "registry_history",
    "registry_list",
    "registry_show",
    "reproduce",
    "rollback",
]

# drift and canary (drift_check, canary_analyze) ----------------------------------------------
from llmops_cli.canary.api import canary_analyze  # noqa: E402
from llmops_cli.contracts.canary import CanaryDecision, MetricComparison  # noqa: E402
from llmops_cli.contracts.drift import DriftReport, SignalFinding  # noqa: E402
from llmops_cli.drift.api import drift_check  # noqa: E402

__all__ += [
    "CanaryDecision",
    "DriftReport",
    "MetricComparison",
    "SignalFinding",
    "canary_analyze",
    "drift_check",
]

# guardrails (guard) --------------------------------------------------------------------------
from llmops_cli.guard_api import guard  # noqa: E402
from llmops_cli.guardrails.pipeline import GuardRunReport  # noqa: E402

__all__ += ["GuardRunReport", "guard"]
