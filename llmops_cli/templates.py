"""Prompt templates: Jinja2 in an immutable sandbox with StrictUndefined, so a template can
neither reach Python internals nor silently render a missing variable as empty text.

Jinja's sandbox guards attributes and calls, not work: `range(10**9)` is an OverflowError,
nested loops or `'x' * 10**9` run until memory or patience ends. The environment here also
bounds the work of one render (loop iterations, the size of every string or list an operator
builds) and refuses `{% include %}` / `{% import %}`: a prompt is one self-contained file.
Every failure is a TemplateProblem carrying the template line, for a located user error.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from types import TracebackType
from typing import Any, NoReturn

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

# Supplied by the runner when the pipeline has retrieval, never by golden cases.
RETRIEVAL_VARIABLES = frozenset({"context", "chunks"})

MAX_RANGE = 100_000  # items of one range(), as Jinja's own sandbox
MAX_LOOP_ITEMS = 100_000  # loop iterations in one render, all loops together
MAX_SIZE = 1_000_000  # characters (or items) of any string or list an operator builds

_LOOP = "__llmops_loop__"  # wraps every loop's iterable; the name cannot be a user variable
_CONCAT = "__llmops_concat__"
_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("loop_budget")


class TemplateProblem(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _blocked(message: str) -> NoReturn:
    raise SecurityError(message)


def _range(*args: int) -> range:
    items = range(*args)
    if len(items) > MAX_RANGE:
        _blocked(f"range() of {len(items):,} items; the limit is {MAX_RANGE:,}")
    return items


def _loop(iterable: Iterable[Any]) -> Iterator[Any]:
    budget = _budget.get([MAX_LOOP_ITEMS])
    for item in iterable:
        budget[0] -= 1
        if budget[0] < 0:
            _blocked(f"the template loops more than {MAX_LOOP_ITEMS:,} times in one render")
        yield item


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | tuple) and len(value) > MAX_SIZE:
        _blocked(f"the template builds a value of {len(value):,} items; the limit is {MAX_SIZE:,}")
    return value


def _concat(*parts: Any) -> str:
    strings = [str(p) for p in parts]
    total = sum(map(len, strings))
    if total > MAX_SIZE:  # checked before joining: the big string is never built
        _blocked(f"the template builds a string of {total:,} characters; the limit is {MAX_SIZE:,}")
    return "".join(strings)


class _NoLoader(jinja2.BaseLoader):
    def get_source(self, environment: jinja2.Environment, template: str) -> NoReturn:
        _blocked(f"{{% include %}} / {{% import %}} of {template!r}: a prompt is one file")


class PromptEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "*":  # refuse before building: 'x' * 10**9 is a gigabyte
            for seq, count in ((left, right), (right, left)):
                repeats = isinstance(seq, str | list | tuple) and isinstance(count, int)
                size = len(seq) * count if repeats else 0
                if size > MAX_SIZE:
                    _blocked(f"`*` builds {size:,} items; the limit is {MAX_SIZE:,}")
        big_power = isinstance(left, int) and isinstance(right, int) and abs(left) > 1
        if operator == "**" and big_power and right * abs(left).bit_length() > 4096:
            _blocked(f"{left} ** {right} is too large a number for a prompt")
        return _sized(super().call_binop(context, operator, left, right))


class _Guard(NodeTransformer):
    """Route every loop and every `~` through the budgeted helpers."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = _call(_LOOP, [node.iter], node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _call(_CONCAT, list(node.nodes), node.lineno)


def _call(name: str, args: list[nodes.Node], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.Name(name, "load", lineno=lineno), args, [], None, None, lineno=lineno)


@cache
def environment() -> PromptEnvironment:
    env = PromptEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        loader=_NoLoader(),
    )
    env.globals.update({"range": _range, _LOOP: _loop, _CONCAT: _concat})
    return env


def variables_used(source: str) -> frozenset[str]:
    """Top-level names a template reads. Raises TemplateProblem on a syntax error or on an
    `{% include %}`, `{% import %}` or `{% extends %}`."""
    try:
        ast = environment().parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message}", exc.lineno) from exc
    for node in ast.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        tag = type(node).__name__.lower().replace("fromimport", "from ... import")
        raise TemplateProblem(
            f"template blocked by the sandbox: {{% {tag} %}} is not allowed; a prompt is one "
            "self-contained template (put the text in the prompt or pass it as a variable)",
            node.lineno,
        )
    return frozenset(meta.find_undeclared_variables(ast))


@cache
def _compiled(source: str) -> jinja2.Template:
    env = environment()
    ast = _Guard().visit(env.parse(source))
    return env.from_string(ast)


def render(source: str, variables: Mapping[str, Any]) -> str:
    """Render with the loop budget reset. Raises TemplateProblem (with the template line
    where known) for every failure: each comes from the template or its variables."""
    token = _budget.set([MAX_LOOP_ITEMS])
    try:
        return _sized(_compiled(source).render(**variables))  # type: ignore[no-any-return]
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message}", exc.lineno) from exc
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"template variable missing: {exc.message}", _line(exc)) from exc
    except SecurityError as exc:
        raise TemplateProblem(f"template blocked by the sandbox: {exc}", _line(exc)) from exc
    except Exception as exc:  # ZeroDivisionError, TypeError, RecursionError, ...: the template's
        raise TemplateProblem(f"template error: {type(exc).__name__}: {exc}", _line(exc)) from exc
    finally:
        _budget.reset(token)


def _line(exc: BaseException) -> int | None:
    """The template line of the innermost template frame (Jinja rewrites tracebacks so that
    template code shows as `<template>` at its own line numbers)."""
    line = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
