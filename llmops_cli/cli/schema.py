from __future__ import annotations

from typing import Annotated

import typer


def schema(
    kind: Annotated[
        str,
        typer.Argument(
            help="prompt, model, retrieval, thresholds, pipeline, project, golden-case, or "
            "manifest (every kind in one, chosen by `kind`).",
            show_default=False,
        ),
    ],
) -> None:
    """Print the JSON Schema of a manifest kind.

    For editors and yaml-language-server; the same schemas validate manifests.
    """
    if kind == "manifest":
        import json

        from llmops_cli.scaffold import combined_schema

        typer.echo(json.dumps(combined_schema(), indent=2))
        return
    from llmops_cli.manifests.schema import schema_text

    typer.echo(schema_text(kind), nl=False)
