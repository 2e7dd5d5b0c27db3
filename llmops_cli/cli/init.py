from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from llmops_cli.cli.options import FormatOption, OutputFormat


def init(
    directory: Annotated[
        Path,
        typer.Argument(
            help="New folder to create the sample project in.", show_default=False, metavar="DIR"
        ),
    ],
    git: Annotated[
        bool,
        typer.Option(help="Run `git init` when DIRECTORY is not inside a git repository."),
    ] = True,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Create a new project from the working sample.

    Writes the support-bot pipeline, its manifests, corpus and golden set into DIRECTORY,
    with the JSON Schemas for editors (.schemas/, a yaml-language-server `$schema` line on
    every manifest, .vscode/settings.json). Runs `git init` when DIRECTORY is in no git
    repository (the registry lives in git). Refuses a folder that already has files.
    """
    from llmops_cli.scaffold import init_project

    report = init_project(directory, git=git)
    if output is OutputFormat.json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    typer.echo(f"created {directory} ({report.files} files)")
    if report.git_initialised:
        typer.echo(f"initialised a git repository in {directory}")
    typer.echo(f"next: cd {directory} && llmops validate")
