from __future__ import annotations

import time
from pathlib import Path

import pytest

from llmops_cli.errors import ManifestError
from llmops_cli.yamlio import MAX_NODES, format_path, load_yaml, read_text


def problem(text: str) -> str:
    with pytest.raises(ManifestError) as info:
        load_yaml(text, "f.yaml")
    assert len(info.value.problems) == 1
    return str(info.value.problems[0])


def test_lines_are_recorded_per_field() -> None:
    doc = load_yaml("a: 1\nb:\n  c: [x, y]\n  d: 2\n", "f.yaml")
    assert doc.data == {"a": 1, "b": {"c": ["x", "y"], "d": 2}}
    assert doc.line_of(("b", "d")) == 4
    assert doc.line_of(("b", "c", 1)) == 3
    assert doc.line_of(("b", "missing")) == 2  # nearest ancestor


def test_duplicate_keys_are_rejected_with_line() -> None:
    assert problem("a: 1\nb: 2\na: 3\n") == "f.yaml:3: duplicate key 'a'"


def test_tabs_are_explained() -> None:
    assert "tab character" in problem("a:\n\tb: 1\n")


def test_unclosed_quote_is_a_syntax_error() -> None:
    assert problem('a: "oops\nb: 2\n').startswith("f.yaml:")


def test_python_tags_never_execute(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\n"
    assert "unsupported YAML" in problem(text)
    assert not marker.exists()


def test_custom_tags_on_collections_are_rejected() -> None:
    assert "unsupported YAML tag" in problem("a: !!python/dict {x: 1}\n")
    assert "unsupported YAML tag" in problem("a: !!set {x: null}\n")


def test_billion_laughs_is_cut_off_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    start = time.process_time()
    message = problem("\n".join(lines) + "\n")
    assert f"more than {MAX_NODES:,}" in message
    assert time.process_time() - start < 5  # CPU time, a hang guard rather than a benchmark


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1, *x]\n", "f.yaml:1: a[1]: an alias refers to the anchor that contains it"),
        ("b: 1\na: &x {b: *x}\n", "f.yaml:2: a.b: an alias refers to the anchor that contains it"),
        ("a: &x {<<: *x}\n", "f.yaml:1: merge key `<<` merges a mapping into itself"),
        ("a: 1\nb: 0x" + "f" * 5000 + "\n", "f.yaml:2: b: integer too large"),
        ("a: 1\nb: x\x00\n", "f.yaml:2: YAML syntax error: character U+0000: control characters"),
    ],
)
def test_hostile_documents_are_located_errors(text: str, message: str) -> None:
    assert problem(text).startswith(message)


def test_shared_anchors_are_not_recursion() -> None:
    doc = load_yaml("a: &x {b: 1}\nc: *x\nd: [*x, *x]\n", "f.yaml")
    assert doc.data["d"] == [{"b": 1}, {"b": 1}]


def test_merge_keys_expand_and_explicit_keys_win() -> None:
    doc = load_yaml("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n", "f.yaml")
    assert doc.data["use"] == {"x": 1, "y": 3}


def test_empty_and_comment_only_files() -> None:
    assert "empty" in problem("")
    assert "no YAML document" in problem("# only a comment\n")


def test_multiple_documents_are_rejected_at_the_second_one() -> None:
    assert problem("a: 1\nb: 2\n---\nc: 3\n").startswith("f.yaml:3: YAML syntax error: a second")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("kind: model\nlimits:\n    rpm: 5\n  tpm: 6\n", 4),  # dedented to no known level
        ("kind: model\nlimits:\n  rpm: 5\n   tpm: 6\n", 4),  # indented one space too far
        ("kind: model\nx: [1, 2\ny: 3\n", 3),  # where the parser gave up, naming the start
    ],
)
def test_syntax_errors_point_at_the_offending_line(text: str, line: int) -> None:
    message = problem(text)
    assert message.startswith(f"f.yaml:{line}: YAML syntax error: "), message


def test_indentation_errors_say_what_to_check() -> None:
    assert "check the indentation" in problem("a:\n    b: 5\n  c: 6\n")


def test_an_unclosed_quote_points_where_it_opened() -> None:
    assert problem('a: 1\nb: "oops\nc: 2\nd: 3\n').startswith("f.yaml:2:")


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(ManifestError) as info:
        read_text(path, "x.yaml")
    assert str(info.value) == "x.yaml:2: not valid UTF-8 (byte 0xe9)"


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * (2 << 20) + "\n")
    with pytest.raises(ManifestError, match="the limit is"):
        read_text(path, "big.yaml")


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="cannot read file"):
        read_text(tmp_path / "missing.yaml", "missing.yaml")


def test_dates_stay_strings_and_keys_become_strings() -> None:
    doc = load_yaml("d: 2025-06-30\n200: ok\n", "f.yaml")
    assert doc.data == {"d": "2025-06-30", "200": "ok"}


def test_impossible_dates_stay_strings_for_the_schema_to_locate() -> None:
    doc = load_yaml("a: 1\nd: 2026-02-30\nt: 2026-13-01T10:00:00Z\n", "f.yaml")
    assert doc.data == {"a": 1, "d": "2026-02-30", "t": "2026-13-01T10:00:00Z"}
    assert doc.line_of(("d",)) == 2


def test_format_path() -> None:
    assert format_path(("assert", 0, "type")) == "assert[0].type"
    assert format_path(()) == ""
