from __future__ import annotations

from typing import Annotated

import typer


def schema(
    kind: Annotated[
        str,
        typer.Argument(
            help="prompt, model, retrieval, thresholds, pipeline, project, golden-case, "
            "manifest (every kind in one, chosen by `kind`), or a result: report "
            "(report.json) or verdict (gate.json).",
            show_default=False,
            metavar="KIND",
        ),
    ],
) -> None:
    """Print the JSON Schema of a manifest kind, or of a result file.

    For editors and yaml-language-server; the same schemas validate manifests. The report
    and verdict schemas are generated from the types that write and read those files.
    """
    import json

    if kind in ("report", "verdict"):
        from llmops_cli.contracts.schema import contract_schemas

        typer.echo(json.dumps(contract_schemas()[kind], indent=2, ensure_ascii=False))
        return
    if kind == "manifest":
        from llmops_cli.scaffold import combined_schema

        typer.echo(json.dumps(combined_schema(), indent=2))
        return
    from llmops_cli.manifests.schema import SCHEMA_NAMES, schema_text

    if kind not in SCHEMA_NAMES:  # a usage error (exit 2), like any unknown option value
        choices = ", ".join((*SCHEMA_NAMES, "manifest", "report", "verdict"))
        raise typer.BadParameter(f"{kind!r} is not one of: {choices}", param_hint="KIND")
    typer.echo(schema_text(kind), nl=False)
