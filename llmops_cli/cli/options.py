"""Options shared by several commands, and the few output helpers they share."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from llmops_cli.project import Project

ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project",
        "-C",
        help="Project folder (default: the nearest folder upwards holding llmops.yaml).",
        envvar="LLMOPS_PROJECT",
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _remember_format(ctx: typer.Context, value: OutputFormat) -> OutputFormat:
    """Keep the chosen format where the error funnel (cli/main.py) finds it: an error under
    `--format json` is a JSON object too."""
    ctx.meta["llmops.format"] = value
    return value


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="Output format: text for people, json for tools.",
        callback=_remember_format,
    ),
]


NOTES = "llmops.notes"  # ctx.meta: the stderr notes held under --format json


def stderr_notes(ctx: typer.Context) -> Callable[[str], None]:
    """A note or warning for stderr (`mlflow run of ...: ...`). Under `--format json` it is
    held: the error funnel (cli/main.py) folds it into the error object when the command
    fails, so stderr stays one JSON object, and prints it when the command ends otherwise."""

    def note(line: str) -> None:
        if ctx.meta.get("llmops.format") == OutputFormat.json:
            ctx.meta.setdefault(NOTES, []).append(line)
        else:
            typer.echo(line, err=True)

    return note


def open_project(folder: Path | None) -> Project:
    from llmops_cli.project import Project

    return Project.load(folder) if folder is not None else Project.find()


PipelineArgument = Annotated[
    str,
    typer.Argument(
        help="Pipeline name (highest version) or name@version.",
        show_default=False,
        metavar="PIPELINE",
    ),
]


def append_step_summary(markdown: str) -> None:
    """Append to $GITHUB_STEP_SUMMARY when it is set. A summary that cannot be written is a
    warning: the verdict and its exit code matter more than the summary of it."""
    import os

    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as f:
            f.write(markdown)
    except OSError as exc:
        typer.echo(f"warning: $GITHUB_STEP_SUMMARY not written ({exc.strerror}: {path})", err=True)
