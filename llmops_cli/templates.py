"""Prompt templates: Jinja2 in an immutable sandbox with StrictUndefined, so a template can
neither reach Python internals nor silently render a missing variable as empty text.

Jinja's sandbox guards attributes and calls, not work: `range(10**9)` is an OverflowError,
nested loops, `'x' * 10**9` or `'x'.ljust(10**10)` run until memory or patience ends. The
environment here also bounds the work of one render (loop iterations, the size of every string
or list an operator, method or filter builds: sizes that can be known are checked before
building) and refuses `{% include %}` / `{% import %}`: a prompt is one self-contained file.
Every failure is a TemplateProblem carrying the template line, for a located user error.
"""

from __future__ import annotations

import contextvars
import functools
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from types import TracebackType
from typing import Any, NoReturn

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import (
    ImmutableSandboxedEnvironment,
    SandboxedEscapeFormatter,
    SandboxedFormatter,
)
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

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


def _check_ints(name: str, args: Iterable[Any]) -> None:
    """Widths, counts and fills above MAX_SIZE build values above it: refuse them unbuilt."""
    for arg in args:
        if isinstance(arg, int) and abs(arg) > MAX_SIZE:
            _blocked(f"{name} with {arg:,}; the limit is {MAX_SIZE:,}")


def _check_size(name: str, size: int) -> None:
    if size > MAX_SIZE:
        _blocked(f"{name} builds {size:,} characters; the limit is {MAX_SIZE:,}")


def _replace_size(s: str, old: Any, new: Any, count: Any = -1) -> int:
    if not (isinstance(old, str) and isinstance(new, str) and isinstance(count, int)):
        return 0  # str.replace raises its own TypeError
    times = s.count(old) if count < 0 else min(count, s.count(old))
    return len(s) + times * (len(new) - len(old))


def _join_size(sep: str, items: list[Any]) -> int:
    return sum(len(str(i)) for i in items) + len(sep) * max(len(items) - 1, 0)


def _no_growth(*_: Any, **__: Any) -> int:
    return 0


# The str methods whose result can outgrow their arguments, and its size before building.
_GROWTH: dict[str, Callable[..., int]] = {
    "replace": _replace_size,
    "expandtabs": lambda s, tabsize=8, *_: len(s) + s.count("\t") * max(tabsize, 0),
}

_PRINTF = re.compile(r"%(?:\(([^)]*)\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.S)


def _printf_size(fmt: str, values: Any) -> int:
    """An upper bound of `fmt % values` (about 400 characters of slack per float), or 0
    where the formatting would raise anyway."""
    positional = list(values) if isinstance(values, tuple) else [values]
    size = len(fmt)
    try:
        for key, width, precision, conversion in _PRINTF.findall(fmt):
            if conversion == "%":
                continue
            for number in (width, precision):
                size += positional.pop(0) if number == "*" else int(number or 0)
            value = values[key] if key else positional.pop(0)
            size += len(str(value)) + 400
    except (IndexError, KeyError, TypeError):
        return 0
    return size


def _printf(fmt: str, values: Any) -> str:
    # the values are data ('%d' % 12345678); a `*` width among them counts in the size
    _check_size("`%`", _printf_size(fmt, values))
    return _sized(fmt % values)  # type: ignore[no-any-return]


class _Budgeted(string.Formatter):
    """str.format that checks each field's width before padding and the running total."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        self.built: int = getattr(self, "built", 0)
        _check_ints("format()", (int(n) for n in re.findall(r"\d+", format_spec)))
        text = super().format_field(value, format_spec)
        self.built += len(text)
        _check_size("format()", self.built)
        return text


class _SizedFormatter(_Budgeted, SandboxedFormatter):
    pass


class _SizedEscapeFormatter(_Budgeted, SandboxedEscapeFormatter):
    pass


# What Jinja passes before a filter's value (pass_environment, pass_context, ...).
_PASSED = (jinja2.Environment, jinja2.runtime.Context, nodes.EvalContext)


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A Jinja filter that refuses huge int arguments and sizes its result."""

    @functools.wraps(func)  # keeps jinja_pass_arg: the environment/context is passed the same
    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = [a for a in args if not isinstance(a, _PASSED)]
        if name != "format":  # the value itself is data ({{ 12345678|filesizeformat }}), as
            _check_ints(f"{name}()", [*values[1:], *kwargs.values()])  # are format's values
        _FILTER_GROWTH.get(name, _no_growth)(*values, **kwargs)
        return _sized(func(*args, **kwargs))

    return bounded


def _indent_size(s: Any, width: Any = 4, *_: Any, **__: Any) -> None:
    if isinstance(width, str):
        _check_size("indent()", len(str(s)) + len(width) * (str(s).count("\n") + 1))


def _wordwrap_size(
    s: Any, width: Any = 79, _long: Any = True, wrapstring: Any = None, **kw: Any
) -> None:
    wrap = kw.get("wrapstring", wrapstring)
    if isinstance(wrap, str) and isinstance(width, int):
        text = str(s)
        lines = len(text) // max(width, 1) + text.count("\n") + 1
        _check_size("wordwrap()", len(text) + len(wrap) * lines)


def _replace_filter_size(s: Any, old: Any, new: Any, count: Any = None, **_: Any) -> None:
    _check_size("replace()", _replace_size(str(s), old, new, -1 if count is None else count))


def _format_filter_size(fmt: Any, *args: Any, **kwargs: Any) -> None:
    _check_size("format()", _printf_size(str(fmt), kwargs or args))


_FILTER_GROWTH: dict[str, Callable[..., None]] = {
    "indent": _indent_size,
    "wordwrap": _wordwrap_size,
    "replace": _replace_filter_size,
    "format": _format_filter_size,
}


class PromptEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(name, f) for name, f in self.filters.items()}

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
        if operator == "%" and isinstance(left, str):  # '%*s' % (10**9, 'x')
            return _printf(left, right)
        return _sized(super().call_binop(context, operator, left, right))

    def call(
        __self,  # Jinja's signature: the prefixes keep the kwargs names free
        __context: jinja2.runtime.Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and callable(__obj):
            name = getattr(__obj, "__name__", "")
            _check_ints(f"{name}()", [*args, *kwargs.values()])
            if name == "join" and args:
                args = (list(args[0]), *args[1:])  # sized once, then joined
                _check_size("join()", _join_size(owner, args[0]))
            _check_size(f"{name}()", _GROWTH.get(name, _no_growth)(owner, *args, **kwargs))
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Jinja's own wrapper, with a formatter that sizes each field before padding it."""
        if super().wrap_str_format(value) is None:
            return None
        text: str = value.__self__
        is_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            formatter: _Budgeted = (
                _SizedEscapeFormatter(self, escape=text.escape)
                if isinstance(text, Markup)
                else _SizedFormatter(self)
            )
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one mapping argument")
                kwargs, args = args[0], ()
            # the values are data ('{}'.format(12345678)); format_field checks each width
            return type(text)(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(wrapper, value)


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
