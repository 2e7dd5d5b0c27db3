"""Binding a pipeline to the exact manifests, golden set and corpus it names, and the
fingerprint that identifies that whole bundle."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from llmops_cli.errors import ManifestError, Problem
from llmops_cli.manifests.catalog import Catalog
from llmops_cli.manifests.checks import render_problems, template_variables
from llmops_cli.manifests.golden import GoldenSet, check_variables, load_golden_set
from llmops_cli.manifests.model import (
    ROLE_KINDS,
    Manifest,
    ModelManifest,
    PipelineManifest,
    PromptManifest,
    RetrievalManifest,
    ThresholdsManifest,
    canonical_json,
    sha256_text,
    thaw,
)
from llmops_cli.manifests.scorer_specs import spec_problem
from llmops_cli.metrics import ALWAYS_MEASURED
from llmops_cli.templates import RETRIEVAL_VARIABLES

FINGERPRINT_VERSION = 1


@dataclass(frozen=True)
class ResolvedPipeline:
    pipeline: PipelineManifest
    prompt: PromptManifest
    model: ModelManifest
    thresholds: ThresholdsManifest
    retrieval: RetrievalManifest | None
    judge: ModelManifest | None
    fallbacks: tuple[ModelManifest, ...]
    golden: GoldenSet
    golden_path: Path
    corpus_path: Path | None
    corpus_sha256: str | None
    scorer_models: tuple[ModelManifest, ...] = ()  # `model:` refs named by scorers

    @property
    def manifests(self) -> tuple[Manifest, ...]:
        found: list[Manifest | None] = [
            self.pipeline,
            self.prompt,
            self.model,
            self.retrieval,
            self.thresholds,
            self.judge,
            *self.fallbacks,
            *self.scorer_models,
        ]
        unique: dict[int, Manifest] = {}
        for manifest in found:
            if manifest is not None:
                unique.setdefault(id(manifest), manifest)  # a judge may also be a fallback
        return tuple(unique.values())

    def model_for(self, ref: str | None) -> ModelManifest | None:
        """The judge or embedding model a scorer names (default: the pipeline's judge)."""
        if ref is None:
            return self.judge
        return next((m for m in self.scorer_models if m.ref == ref), None)

    @cached_property  # hashes every manifest's content; read several times per command
    def fingerprint(self) -> str:
        """sha256 over every manifest's content plus the golden set and corpus content."""
        bundle = {
            "v": FINGERPRINT_VERSION,
            "manifests": sorted(
                ({"kind": m.kind, "ref": m.ref, "data": thaw(m.data)} for m in self.manifests),
                key=lambda item: (item["kind"], item["ref"]),
            ),
            "golden_set": self.golden.sha256,
            "corpus": self.corpus_sha256,
        }
        return sha256_text(canonical_json(bundle))

    def summary(self) -> dict[str, Any]:
        return {
            "pipeline": self.pipeline.ref,
            "fingerprint": self.fingerprint,
            "manifests": {
                role: m.ref
                for role, m in (
                    ("pipeline", self.pipeline),
                    ("prompt", self.prompt),
                    ("model", self.model),
                    ("retrieval", self.retrieval),
                    ("thresholds", self.thresholds),
                    ("judge", self.judge),
                )
                if m is not None
            },
            "fallbacks": [m.ref for m in self.fallbacks],
            "scorer_models": [m.ref for m in self.scorer_models],
            "golden_set": {
                "path": self.golden.path,
                "cases": len(self.golden.cases),
                "sha256": self.golden.sha256,
            },
            "corpus": None
            if self.retrieval is None
            else {
                "path": self.retrieval.corpus,
                "sha256": self.corpus_sha256,
            },
        }


def corpus_sha256(path: Path) -> str:
    """Hash of every file's relative path and bytes, so renames and edits both count."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        rel = file.name if file == path else file.relative_to(path).as_posix()
        digest.update(rel.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def find_pipeline(catalog: Catalog, ref: str) -> PipelineManifest:
    try:
        found = catalog.find("pipeline", ref)
    except LookupError as exc:
        raise _with_causes(catalog, [Problem("manifests/", str(exc))]) from exc
    assert isinstance(found, PipelineManifest)
    return found


def resolve_pipeline(catalog: Catalog, pipeline: PipelineManifest) -> ResolvedPipeline:
    """Resolve every reference and path; raise one ManifestError listing all errors.
    Warnings are kept on the exception-free path via `pipeline_problems`."""
    resolved, problems = pipeline_problems(catalog, pipeline)
    errors = [p for p in problems if p.severity == "error"]
    if errors or resolved is None:
        raise _with_causes(catalog, errors)
    return resolved


def _with_causes(catalog: Catalog, errors: list[Problem]) -> ManifestError:
    """The files that failed to load come first: a "no prompt named ..." is usually their
    echo, and the root cause (file:line: field) is what the user must fix."""
    causes = [p for p in catalog.problems if p.severity == "error"]
    return ManifestError(list(dict.fromkeys([*causes, *errors])))


def pipeline_problems(
    catalog: Catalog, pipeline: PipelineManifest
) -> tuple[ResolvedPipeline | None, list[Problem]]:
    problems: list[Problem] = []
    bound = _bind(catalog, pipeline, problems)
    fallbacks: list[ModelManifest] = []
    if isinstance(bound.get("model"), ModelManifest):
        fallbacks, found = _fallback_chain(catalog, bound["model"])  # type: ignore[arg-type]
        problems.extend(found)
    golden, golden_path = _golden(catalog, pipeline, problems)
    retrieval = bound.get("retrieval")
    corpus_path = corpus_hash = None
    if isinstance(retrieval, RetrievalManifest):
        corpus_path, corpus_hash = _corpus(catalog, retrieval, problems)
    prompt = bound.get("prompt")
    if isinstance(prompt, PromptManifest):
        problems.extend(_prompt_problems(pipeline, prompt, retrieval is not None, golden))
    problems.extend(_scorer_problems(pipeline, bound.get("thresholds"), golden))
    scorer_models = _scorer_models(catalog, pipeline, problems)

    if any(p.severity == "error" for p in problems) or golden is None or golden_path is None:
        return None, problems
    resolved = ResolvedPipeline(
        pipeline=pipeline,
        prompt=bound["prompt"],  # type: ignore[arg-type]
        model=bound["model"],  # type: ignore[arg-type]
        thresholds=bound["thresholds"],  # type: ignore[arg-type]
        retrieval=retrieval,  # type: ignore[arg-type]
        judge=bound.get("judge"),  # type: ignore[arg-type]
        fallbacks=tuple(fallbacks),
        scorer_models=tuple(scorer_models),
        golden=golden,
        golden_path=golden_path,
        corpus_path=corpus_path,
        corpus_sha256=corpus_hash,
    )
    return resolved, problems


def _bind(
    catalog: Catalog, pipeline: PipelineManifest, problems: list[Problem]
) -> dict[str, Manifest]:
    """The manifest each role of the pipeline names; each missing one is a problem."""
    bound: dict[str, Manifest] = {}
    for role, ref in pipeline.refs().items():
        try:
            bound[role] = catalog.find(ROLE_KINDS[role], ref)
        except LookupError as exc:
            problems.append(
                Problem(pipeline.path, str(exc), line=pipeline.line_of(role), field=role)
            )
    return bound


def _golden(
    catalog: Catalog, pipeline: PipelineManifest, problems: list[Problem]
) -> tuple[GoldenSet | None, Path | None]:
    """The pipeline's golden set (loaded once per catalog) and its path."""
    found = _file_named(catalog, pipeline, "golden_set", "golden set", problems, Path.is_file)
    if found is None:
        return None, None
    display = _display(pipeline.golden_set)
    try:
        cache = catalog.project.state_dir / "cache"
        golden = catalog.memo("golden", found, lambda: load_golden_set(found, display, cache))
        return golden, found
    except ManifestError as exc:
        problems.extend(exc.problems)
        return None, found


def _corpus(
    catalog: Catalog, retrieval: RetrievalManifest, problems: list[Problem]
) -> tuple[Path | None, str | None]:
    """The retrieval config's corpus and its content hash (computed once per catalog)."""
    found = _file_named(catalog, retrieval, "corpus", "corpus", problems, Path.exists)
    if found is None:
        return None, None
    return found, catalog.memo("corpus", found, lambda: corpus_sha256(found))


def _file_named(
    catalog: Catalog,
    owner: Manifest,
    field: str,
    what: str,
    problems: list[Problem],
    present: Callable[[Path], bool],
) -> Path | None:
    """The project path `owner`'s `field` names, when it is `present`; else a problem."""
    reference = str(owner.data[field])
    try:
        path = catalog.project.inside(
            reference, origin=owner.path, line=owner.line_of(field), field_name=field
        )
    except ManifestError as exc:
        problems.extend(exc.problems)
        return None
    if not present(path):
        message = f"{what} {reference!r} not found"
        problems.append(Problem(owner.path, message, line=owner.line_of(field), field=field))
        return None
    return path


def _prompt_problems(
    pipeline: PipelineManifest,
    prompt: PromptManifest,
    retrieves: bool,
    golden: GoldenSet | None,
) -> list[Problem]:
    """The template's own problems, retrieval variables without a retrieval config, and
    golden cases that lack a variable or fail to render."""
    used, problems = template_variables(prompt)  # a syntax error or an `{% include %}`
    renders = not problems
    if not retrieves and used & RETRIEVAL_VARIABLES:
        renders = False
        problems.append(
            Problem(
                pipeline.path,
                f"prompt {prompt.ref} uses "
                f"{', '.join(sorted(used & RETRIEVAL_VARIABLES))} but the pipeline has "
                "no `retrieval`",
                line=pipeline.line_of("prompt"),
                field="retrieval",
            )
        )
    if golden is not None:
        missing = check_variables(golden, prompt.variables, prompt.ref)
        problems.extend(missing)
        if renders and not any(p.severity == "error" for p in missing):
            problems.extend(render_problems(prompt, golden.cases, retrieves))
    return problems


def _scorer_models(
    catalog: Catalog, pipeline: PipelineManifest, problems: list[Problem]
) -> list[ModelManifest]:
    """The models the pipeline's scorers name (a judge, an embedder)."""
    models: list[ModelManifest] = []
    for index, scorer in enumerate(pipeline.get("scorers", ())):
        if "model" not in scorer:
            continue
        found = _model(catalog, pipeline, scorer["model"], ("scorers", index), "model")
        if isinstance(found, Problem):
            problems.append(found)
        else:
            models.append(found)
    return models


def _model(
    catalog: Catalog, owner: Manifest, ref: str, where: tuple[str, int], *sub: str
) -> ModelManifest | Problem:
    """The model manifest `ref` names, or a Problem located at `where` in `owner`."""
    try:
        found = catalog.find("model", ref)
    except LookupError as exc:
        field = ".".join((f"{where[0]}[{where[1]}]", *sub))
        return Problem(owner.path, str(exc), line=owner.line_of(*where), field=field)
    assert isinstance(found, ModelManifest)
    return found


def _fallback_chain(
    catalog: Catalog, model: ModelManifest
) -> tuple[list[ModelManifest], list[Problem]]:
    """Every model reachable through `fallbacks`, breadth first; a cycle is an error."""
    chain: list[ModelManifest] = []
    problems: list[Problem] = []

    def visit(current: ModelManifest, path: tuple[str, ...]) -> None:
        for index, ref in enumerate(current.fallbacks):
            if ref in path:
                cycle = " -> ".join((*path[path.index(ref) :], ref))
                problems.append(
                    Problem(
                        current.path,
                        f"fallback cycle: {cycle}",
                        line=current.line_of("fallbacks", index),
                        field=f"fallbacks[{index}]",
                    )
                )
                continue
            target = _model(catalog, current, ref, ("fallbacks", index))
            if isinstance(target, Problem):
                problems.append(target)
                continue
            if target not in chain:
                chain.append(target)
                visit(target, (*path, ref))

    visit(model, (model.ref,))
    return [m for m in chain if m is not model], problems


def _display(reference: str) -> str:
    """A project-relative path as written, normalised (`./a/../b` -> `b`)."""
    return posixpath.normpath(reference)


def _scorer_problems(
    pipeline: PipelineManifest, thresholds: Manifest | None, golden: GoldenSet | None
) -> list[Problem]:
    problems = []
    scorers = pipeline.get("scorers", ())
    measured = set(ALWAYS_MEASURED)
    if golden is not None:  # per-case asserts produce metrics too
        measured |= {a.get("name", a["type"]) for case in golden.cases for a in case.asserts}
    for index, scorer in enumerate(scorers):
        measured.add(scorer.get("name", scorer["type"]))
        found = spec_problem(scorer)
        if found is not None:
            problems.append(
                Problem(
                    pipeline.path,
                    found[1],
                    line=pipeline.line_of("scorers", index, found[0]),
                    field=f"scorers[{index}].{found[0]}",
                )
            )
        if scorer["type"] == "judge":
            measured.add(scorer.get("rubric", "judge"))
            if "model" not in scorer and "judge" not in pipeline.data:
                problems.append(
                    Problem(
                        pipeline.path,
                        "a judge scorer needs a named judge model: set "
                        "`judge: name@version` on the pipeline or `model:` on the scorer",
                        line=pipeline.line_of("scorers", index),
                        field=f"scorers[{index}]",
                    )
                )
    # a golden set that failed to load: its asserts' metrics are unknown, not missing
    if isinstance(thresholds, ThresholdsManifest) and golden is not None:
        for name in thresholds.metrics:
            if name not in measured:
                problems.append(
                    Problem(
                        thresholds.path,
                        f"metric {name!r} is not produced by any scorer of "
                        f"pipeline {pipeline.ref}; the gate will report it as unmeasured",
                        line=thresholds.line_of("metrics", name),
                        field=f"metrics.{name}",
                        severity="warning",
                    )
                )
    return problems
