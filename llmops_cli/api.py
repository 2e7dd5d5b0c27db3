"""The public Python API: `from llmops_cli import api`.

Each function takes a project (a `Project`, or a path inside one) and plain options, returns
a typed result from `llmops_cli.contracts` (or the area's own frozen dataclass) and raises
`LlmopsError` for anything the user can fix. The CLI commands are thin wrappers over these.
This module only re-exports; the code lives in the area it belongs to.
"""

from __future__ import annotations

import os
from pathlib import Path

from llmops_cli.errors import ExitCode, LlmopsError, ManifestError, Problem
from llmops_cli.project import Project


def load_project(path: str | os.PathLike[str] | Project | None = None) -> Project:
    """The project whose `llmops.yaml` is at or above `path` (default: the working directory).
    Every API function accepts what this does, so a caller may pass a path or a `Project`."""
    if isinstance(path, Project):
        return path
    return Project.find(Path(path) if path is not None else None)


__all__ = [
    "ExitCode",
    "LlmopsError",
    "ManifestError",
    "Problem",
    "Project",
    "load_project",
]

# Each section re-exports its area's functions and extends __all__ (keeps merges apart).

# evaluation (evaluate, calibrate_judge) ------------------------------------------------------
from llmops_cli.contracts.report import CaseRow, EvalReport, load_report  # noqa: E402
from llmops_cli.evaluation.session import evaluate  # noqa: E402

__all__ += ["CaseRow", "EvalReport", "evaluate", "load_report"]

# gate ----------------------------------------------------------------------------------------
from llmops_cli.contracts.verdict import GateCheck, GateVerdict, load_verdict  # noqa: E402
from llmops_cli.gate.run import gate  # noqa: E402

__all__ += ["GateCheck", "GateVerdict", "gate", "load_verdict"]

# registry (promote, rollback, export) --------------------------------------------------------

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
from llmops_cli.guardrails.pipeline import GuardRunReport, guard  # noqa: E402

__all__ += ["GuardRunReport", "guard"]
