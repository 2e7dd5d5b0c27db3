from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def init(
    directory: Annotated[
        Path, typer.Argument(help="New folder to create the sample project in.", show_default=False)
    ],
) -> None:
    """Create a new project from the working sample.

    Writes the support-bot pipeline, its manifests, corpus and golden set into DIRECTORY.
    Refuses to write into a folder that already has files.
    """
    from llmops_cli.scaffold import write_sample

    written = write_sample(directory)
    typer.echo(f"created {directory} ({written} files)")
    typer.echo(f"next: cd {directory} && llmops validate")
