"""The optional extras of the install: which feature needs which `pip install
'llmops-cli[EXTRA]'`. The core install (validate, resolve, gate, promote, registry, export,
judge calibration, the openai-http transport) needs none of them; a command that reaches a
missing one stops with one line naming the extra and the pip command (`MissingExtra`)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from llmops_cli.errors import LlmopsError

# extra -> (what needs it, the top-level modules it installs that llmops imports); the names
# match [project.optional-dependencies] in pyproject.toml (a test holds them together)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "tracking": ("MLflow tracking to a local store", ("mlflow",)),
    "litellm": ("models with transport litellm", ("litellm",)),
    "drift": ("drift-check, canary", ("pandas", "pyarrow", "scipy")),
    "guard": (
        "PII redaction: eval scrubs every answer, guard --redact; an NER model",
        ("presidio_analyzer", "presidio_anonymizer", "spacy"),
    ),
}


class MissingExtra(LlmopsError):
    """A feature whose optional dependencies are not installed."""

    def __init__(self, extra: str, module: str | None = None) -> None:
        self.extra = extra
        purpose, modules = EXTRAS[extra]
        missing = module or next((m for m in modules if not _importable(m)), modules[0])
        super().__init__(
            f"the '{extra}' extra ({purpose}) is not installed: "
            f"pip install 'llmops-cli[{extra}]' (no module named {missing!r})"
        )


@cache  # per process: scrubbing asks once per text
def available(extra: str) -> bool:
    """Whether every module of `extra` can be imported (found, not imported)."""
    return all(_importable(m) for m in EXTRAS[extra][1])


def require(extra: str) -> None:
    """Stop with MissingExtra unless `extra` is installed: for a check before the work starts
    (an eval that would scrub its answers), not only at the import that needs it."""
    if not available(extra):
        raise MissingExtra(extra)


@contextmanager
def needed(extra: str) -> Iterator[None]:
    """Around the import of an extra's module: a missing module (or one of its own
    dependencies) becomes MissingExtra; a missing module of llmops itself stays a bug."""
    try:
        yield
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] == "llmops_cli":
            raise
        raise MissingExtra(extra, exc.name) from exc


def missing_extra(exc: ModuleNotFoundError) -> MissingExtra | None:
    """The extra a failed import belongs to, when it is one of theirs (the CLI's last resort
    for an import site that does not use `needed`)."""
    top = (exc.name or "").split(".")[0]
    for extra, (_, modules) in EXTRAS.items():
        if top in modules:
            return MissingExtra(extra, top)
    return None


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a finder refused it, or a half-removed package
        return False
