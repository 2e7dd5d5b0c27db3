from __future__ import annotations

from typing import Annotated

import typer


def schema(
    kind: Annotated[
        str,
        typer.Argument(
            help="prompt, model, retrieval, thresholds, pipeline, project or golden-case.",
            show_default=False,
        ),
    ],
) -> None:
    """Print the JSON Schema of a manifest kind.

    For editors and yaml-language-server; the same schemas validate manifests.
    """
    from llmops_cli.manifests.schema import schema_text

    typer.echo(schema_text(kind), nl=False)
