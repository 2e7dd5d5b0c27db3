from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmops_cli.cli.options import FormatOption, OutputFormat, ProjectOption, open_project
from llmops_cli.errors import ExitCode

if TYPE_CHECKING:
    from llmops_cli.manifests.immutability import ManifestStore
    from llmops_cli.project import Project


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders to check (default: the whole project).",
            show_default=False,
            metavar="PATH...",
        ),
    ] = None,
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Check manifests, golden sets and llmops.yaml.

    Schemas, references, pinned models, template variables and paths, all in one pass.
    Exits 1 if anything is wrong, listing every problem as file:line: field: message.
    """
    from llmops_cli.validation import validate_project

    proj = open_project(project)
    report = validate_project(proj, paths or (), store=_registry(proj))
    if output is OutputFormat.json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for problem in report.problems:
            typer.echo(f"{problem.severity}: {problem}", err=True)
        status = "ok" if report.ok else "failed"
        typer.echo(
            f"{status}: {report.manifests} manifests, {report.golden_sets} golden set(s), "
            f"{len(report.pipelines)} pipeline(s) resolved; "
            f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        )
    if not report.ok:
        raise typer.Exit(int(ExitCode.USER_ERROR))


def _registry(project: Project) -> ManifestStore | None:
    """The registry, when the project is in a git repository that has one."""
    from llmops_cli.errors import LlmopsError
    from llmops_cli.registry.registry import Registry

    try:
        registry = Registry(project)
    except LlmopsError:
        return None
    return registry if registry.store.head() is not None else None  # a fresh clone: remote-tracking
