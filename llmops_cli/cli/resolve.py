from __future__ import annotations

import json

import typer

from llmops_cli.cli.options import (
    FormatOption,
    OutputFormat,
    PipelineArgument,
    ProjectOption,
    open_project,
)


def resolve(
    pipeline: PipelineArgument,
    project: ProjectOption = None,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Show what a pipeline binds, and its fingerprint.

    Lists each manifest's name@version, the golden set and the corpus, and the fingerprint
    (sha256 of all their content) that identifies exactly what would be evaluated.
    """
    from llmops_cli.manifests.catalog import Catalog
    from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline

    catalog = Catalog.load(open_project(project))
    resolved = resolve_pipeline(catalog, find_pipeline(catalog, pipeline))
    summary = resolved.summary()
    if output is OutputFormat.json:
        typer.echo(json.dumps(summary, indent=2))
        return
    typer.echo(f"pipeline     {summary['pipeline']}")
    for role, ref in summary["manifests"].items():
        if role != "pipeline":
            typer.echo(f"{role:<12} {ref}")
    for ref in summary["fallbacks"]:
        typer.echo(f"{'fallback':<12} {ref}")
    golden = summary["golden_set"]
    typer.echo(f"{'golden set':<12} {golden['path']} ({golden['cases']} cases)")
    if summary["corpus"]:
        typer.echo(f"{'corpus':<12} {summary['corpus']['path']}")
    typer.echo(f"{'fingerprint':<12} {summary['fingerprint']}")
