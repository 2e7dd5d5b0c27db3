"""`llmops validate`: every manifest, golden set and llmops.yaml of a project, checked in one
pass, all problems reported together."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from llmops_cli.errors import ManifestError, Problem
from llmops_cli.manifests.catalog import Catalog, manifest_files
from llmops_cli.manifests.checks import check_manifest
from llmops_cli.manifests.golden import GOLDEN_SUFFIXES, load_golden_set
from llmops_cli.manifests.immutability import ManifestStore, check_immutable
from llmops_cli.manifests.model import (
    Manifest,
    PipelineManifest,
    RetrievalManifest,
    ThresholdsManifest,
)
from llmops_cli.manifests.resolve import ResolvedPipeline, pipeline_problems
from llmops_cli.project import CONFIG_FILE, Project


@dataclass(frozen=True)
class ValidationReport:
    problems: tuple[Problem, ...]
    manifests: int
    golden_sets: int
    pipelines: tuple[ResolvedPipeline, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "counts": {
                "manifests": self.manifests,
                "golden_sets": self.golden_sets,
                "pipelines": len(self.pipelines),
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
            "pipelines": [p.summary() for p in self.pipelines],
            "problems": [p.to_dict() for p in self.problems],
        }


def validate_project(
    project: Project, paths: Sequence[Path] = (), store: ManifestStore | None = None
) -> ValidationReport:
    """Validate the whole project, or only what lies under `paths` (references still resolve
    against the whole project)."""
    selected = _select(project, paths)
    catalog = Catalog.load(project)
    policy = project.config.policy
    problems = [p for p in catalog.problems if _chosen(project, p.file, selected)]
    manifests = [m for m in catalog.manifests if _chosen(project, m.path, selected)]
    for manifest in manifests:
        problems.extend(check_manifest(manifest, policy))
        if isinstance(manifest, RetrievalManifest) and manifest.get("retriever"):
            problems.extend(_retriever_problems(project, manifest))
    if store is not None:
        problems.extend(check_immutable(manifests, store))
    problems.extend(_baseline_stage_problems(project, manifests))

    resolved: list[ResolvedPipeline] = []
    golden_seen: set[str] = set()
    for pipeline in manifests:
        if not isinstance(pipeline, PipelineManifest):
            continue
        result, found = pipeline_problems(catalog, pipeline)
        problems.extend(found)
        if result is not None:
            resolved.append(result)
            golden_seen.add(result.golden.path)
        else:
            golden_seen.add(posixpath.normpath(pipeline.golden_set))

    # a pipeline's golden set that is missing or outside the project is no golden set
    golden_count = sum(1 for display in golden_seen if _project_file(project, display))
    for path in _golden_files(project, selected):
        display = project.relative(path)
        if display in golden_seen:
            continue  # already checked through its pipeline, with variables
        golden_count += 1
        try:
            load_golden_set(path, display)
        except ManifestError as exc:
            problems.extend(exc.problems)

    unique = list(dict.fromkeys(problems))  # a shared golden set reports its problems once
    unique.sort(key=lambda p: (p.file, p.line or 0, p.field))
    return ValidationReport(
        problems=tuple(unique),
        manifests=len(manifests),
        golden_sets=golden_count,
        pipelines=tuple(resolved),
    )


def _baseline_stage_problems(project: Project, manifests: Sequence[Manifest]) -> list[Problem]:
    """`regression.baseline` names a stage of llmops.yaml: a misspelt one would read as an
    empty stage (a first release) and switch the gate's regression check off."""
    stages = project.stages
    return [
        Problem(
            m.path,
            f"unknown stage {stage!r}; stages: {', '.join(stages)}",
            line=m.line_of("regression", "baseline"),
            field="regression.baseline",
        )
        for m in manifests
        if isinstance(m, ThresholdsManifest)
        and isinstance(stage := m.data.get("regression", {}).get("baseline"), str)
        and stage not in stages
    ]


def _retriever_problems(project: Project, manifest: RetrievalManifest) -> list[Problem]:
    """Import the team's retriever and check that it takes (query, k): its own code, which
    eval would import anyway, so a wrong signature fails here rather than mid-run."""
    from llmops_cli.evaluation.retrieval import load_retriever
    from llmops_cli.evaluation.targets import load_callable

    try:
        load_retriever(manifest, lambda spec: load_callable(spec, project.root))
    except ManifestError as exc:
        return exc.problems
    return []


def _select(project: Project, paths: Sequence[Path]) -> list[Path] | None:
    if not paths:
        return None
    chosen = []
    for path in paths:
        resolved = path.resolve()
        if not resolved.is_relative_to(project.root):
            raise ManifestError([Problem(str(path), f"outside the project root {project.root}")])
        if not resolved.exists():
            raise ManifestError([Problem(str(path), "no such file or folder")])
        chosen.append(resolved)
    return chosen


def _chosen(project: Project, display: str, selected: list[Path] | None) -> bool:
    if selected is None:
        return True
    path = (project.root / display).resolve()
    return any(path == s or path.is_relative_to(s) for s in selected)


def _project_file(project: Project, display: str) -> bool:
    path = (project.root / display).resolve()
    return path.is_relative_to(project.root) and path.is_file()


def _golden_files(project: Project, selected: list[Path] | None) -> list[Path]:
    """Golden sets under golden_sets/ (skipping corpus folders), plus any chosen explicitly."""
    folder = project.root / "golden_sets"
    found = (
        sorted(
            p
            for p in folder.rglob("*")
            if p.is_file() and p.suffix.lower() in GOLDEN_SUFFIXES and "corpus" not in p.parts
        )
        if folder.is_dir()
        else []
    )
    if selected is None:
        return found
    chosen = [p for p in found if any(p == s or p.is_relative_to(s) for s in selected)]
    manifests = project.manifests_dir.resolve()
    for path in selected:
        if (
            path.is_file()
            and path.suffix.lower() in GOLDEN_SUFFIXES
            and path not in chosen
            and path.name != CONFIG_FILE
            and not path.is_relative_to(manifests)
        ):
            chosen.append(path)
    return chosen


__all__ = ["ValidationReport", "manifest_files", "validate_project"]
