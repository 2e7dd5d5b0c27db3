"""Prompt templates: Jinja2 in an immutable sandbox with StrictUndefined, so a template can
neither reach Python internals nor silently render a missing variable as empty text."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

# Supplied by the runner when the pipeline has retrieval, never by golden cases.
RETRIEVAL_VARIABLES = frozenset({"context", "chunks"})


class TemplateProblem(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@cache
def environment() -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
    )


def variables_used(source: str) -> frozenset[str]:
    """Top-level names a template reads. Raises TemplateProblem on a syntax error."""
    try:
        ast = environment().parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message}", exc.lineno) from exc
    return frozenset(meta.find_undeclared_variables(ast))


@cache
def _compiled(source: str) -> jinja2.Template:
    return environment().from_string(source)


def render(source: str, variables: Mapping[str, Any]) -> str:
    try:
        return _compiled(source).render(**variables)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"template variable missing: {exc.message}", None) from exc
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateProblem(f"template blocked by the sandbox: {exc}", None) from exc
