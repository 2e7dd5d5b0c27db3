"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader alone loses line numbers, accepts duplicate keys (last one wins) and
expands aliases without limit (a "billion laughs" document). We compose the node graph with
the safe loader, then build plain Python values ourselves so that we can
- record the line of every field path, for messages like `file.yaml:7: limits.rpm: ...`;
- reject duplicate keys instead of silently dropping one;
- cap the number of values an alias-heavy document may expand to;
- reject any tag the safe constructor does not know (`!!python/object`, ...) without running it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from llmops_cli.errors import ManifestError, Problem

try:  # the C parser is ~10x faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

FieldPath = tuple[str | int, ...]

MAX_FILE_BYTES = 1 << 20  # a manifest is a page of YAML; 1 MiB is already absurd
MAX_NODES = 100_000  # values after alias expansion; stops "billion laughs" in microseconds


@dataclass(frozen=True)
class LocatedDocument:
    """A parsed YAML document plus the 1-based line of each field path."""

    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


def format_path(path: FieldPath) -> str:
    """`('limits', 'rpm')` -> `limits.rpm`; `('assert', 0, 'type')` -> `assert[0].type`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_text(path: Path, display: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file, turning size, I/O and encoding problems into located errors."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ManifestError(
                [Problem(display, f"file is {size:,} bytes; the limit is {max_bytes:,} bytes")]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ManifestError([Problem(display, f"cannot read file: {exc.strerror}")]) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ManifestError(
            [Problem(display, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line=line)]
        ) from exc


def load_yaml(text: str, display: str) -> LocatedDocument:
    """Parse one YAML document safely. Raises ManifestError with the file and line."""
    if not text.strip():
        raise ManifestError([Problem(display, "file is empty; expected a YAML mapping")])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise ManifestError([_syntax_problem(exc, text, display)]) from exc
    except yaml.reader.ReaderError as exc:  # a NUL or other control character
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        what = f"character U+{code:04X}: {exc.reason}"
        raise ManifestError([Problem(display, f"YAML syntax error: {what}", line=line)]) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - the parsers raise only the two above
        raise ManifestError([Problem(display, f"YAML error: {exc}")]) from exc
    if node is None:
        raise ManifestError([Problem(display, "file holds no YAML document")])
    builder = _Builder(display)
    data = builder.build(node, ())
    return LocatedDocument(data=data, lines=builder.lines)


_INDENT_PROBLEMS = ("expected key", "mapping values are not allowed", "expected '-' indicator")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """One located message. The problem mark is where the parser gave up, which is the
    offending line (a key indented one space too far, a second `---`); only when that is the
    end of the file (an unclosed quote or bracket) is the context mark, where the unclosed
    construct began, the better line."""
    problem, context = exc.problem or "invalid YAML", exc.context or ""
    mark = exc.problem_mark
    if mark is None or ("end of stream" in problem and exc.context_mark is not None):
        mark = exc.context_mark
    line = mark.line + 1 if mark is not None else None
    if problem == "but found another document":
        what = "a second YAML document starts here; a manifest is one document (remove this `---`)"
    elif exc.problem_mark is not None and _indented_with_tab(text, exc.problem_mark.line):
        line = exc.problem_mark.line + 1
        what = "tab character used for indentation; YAML needs spaces"
    else:
        what = problem
        began = exc.context_mark.line + 1 if exc.context_mark is not None else None
        if context and began is not None and began != line:
            what += f" ({context.removeprefix('while ')} that starts on line {began})"
        elif context:
            what += f" {context}"
        if any(p in problem for p in _INDENT_PROBLEMS):
            what += "; check the indentation of this line"
    return Problem(display, f"YAML syntax error: {what}", line=line)


def _indented_with_tab(text: str, line: int) -> bool:
    lines = text.splitlines()
    if line >= len(lines):
        return False
    row = lines[line]
    return "\t" in row[: len(row) - len(row.lstrip())]


class _Builder:
    def __init__(self, display: str) -> None:
        self.display = display
        self.lines: dict[FieldPath, int] = {}
        self.count = 0
        self.open: set[int] = set()  # collections being built, to catch recursive aliases
        self.constructor = _Loader("")  # only its scalar constructor is used

    def fail(self, node: yaml.Node, message: str, path: FieldPath) -> ManifestError:
        return ManifestError(
            [Problem(self.display, message, line=node.start_mark.line + 1, field=format_path(path))]
        )

    def build(self, node: yaml.Node, path: FieldPath) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node, f"document expands to more than {MAX_NODES:,} values (alias bomb?)", path
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            if id(node) in self.open:  # `a: &x [*x]`: it would expand forever
                raise self.fail(node, "an alias refers to the anchor that contains it", path)
            self.open.add(id(node))
            try:
                return self._collection(node, path)
            finally:
                self.open.discard(id(node))
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise self.fail(node, f"unsupported YAML value: {exc.problem}", path) from exc
        except ValueError as exc:  # e.g. 2026-02-30 matches the timestamp pattern, is no day
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # as written: the schema's `format: date` locates it
            raise self.fail(node, f"invalid value {node.value!r}: {exc}", path) from exc
        if isinstance(value, datetime.date):
            return node.value  # keep dates as written; JSON Schema `format: date` checks them
        if isinstance(value, bytes):
            raise self.fail(node, "binary values are not supported", path)
        if isinstance(value, int) and value.bit_length() > 63:  # not even a 64-bit number
            raise self.fail(node, "integer too large", path)
        return value

    def _collection(self, node: yaml.MappingNode | yaml.SequenceNode, path: FieldPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, f"unsupported YAML tag {node.tag!r}", path)
            return self._mapping(node, path)
        if node.tag != "tag:yaml.org,2002:seq":
            raise self.fail(node, f"unsupported YAML tag {node.tag!r}", path)
        return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, path: FieldPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in self._merged(node):
            key = self.build(key_node, path)
            if not isinstance(key, str):
                key = str(key)  # keys like `200:` or `true:`; the schema decides if they belong
            if key in out:
                raise self.fail(key_node, f"duplicate key {key!r}", path)
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key))
        return out

    def _merged(
        self, node: yaml.MappingNode, within: frozenset[int] = frozenset()
    ) -> Iterator[tuple[yaml.Node, yaml.Node]]:
        """Yield key/value pairs, expanding `<<: *anchor` merge keys (explicit keys win)."""
        within = within | {id(node)}
        explicit = [(k, v) for k, v in node.value if k.tag != "tag:yaml.org,2002:merge"]
        seen = {k.value for k, _ in explicit if isinstance(k, yaml.ScalarNode)}
        for key_node, value_node in node.value:
            if key_node.tag != "tag:yaml.org,2002:merge":
                continue
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise self.fail(source, "merge key `<<` needs a mapping", ())
                if id(source) in within:
                    raise self.fail(source, "merge key `<<` merges a mapping into itself", ())
                for k, v in self._merged(source, within):
                    if isinstance(k, yaml.ScalarNode) and k.value not in seen:
                        seen.add(k.value)
                        yield k, v
        yield from explicit
