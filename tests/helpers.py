"""Small helpers shared by the test modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmops_cli.evaluation.report import latest_report
from llmops_cli.project import Project


def latest(project: Path, pipeline: str = "support-bot") -> dict[str, Any]:
    """The newest report.json of a pipeline, parsed."""
    return json.loads(latest_report(Project.load(project), pipeline).read_text())  # type: ignore[no-any-return]
