"""Bad input, one fixture per way a user can get a manifest wrong: exit 1, one located
message, never a traceback."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import Cli, Write

from llmops_cli.project import Project
from llmops_cli.validation import validate_project

PROMPT = "manifests/prompts/support-answer.yaml"
MODEL = "manifests/models/support-model-hosted.yaml"
LOCAL = "manifests/models/support-model-local.yaml"
RETRIEVAL = "manifests/retrieval/support-kb.yaml"
THRESHOLDS = "manifests/thresholds/support-gate.yaml"
PIPELINE = "manifests/pipelines/support-bot.yaml"
GOLDEN = "golden_sets/support/cases.jsonl"

MODEL_OK = """kind: model
name: support-model-hosted
version: 1.0.0
provider: openai
model: gpt-4o-mini-2024-07-18
limits:
  concurrency: 4
"""

PROMPT_HEAD = (
    "kind: prompt\nname: support-answer\nversion: 1.0.0\nvariables: [question]\ntemplate:\n"
)

# (file, content, expected message fragment, expected line, expected field)
BAD: list[tuple[str, str | bytes, str, int | None, str]] = [
    (
        MODEL,
        MODEL_OK.replace("concurrency: 4", "rpm: fast"),
        'expected integer, got string "fast"',
        7,
        "limits.rpm",
    ),
    (MODEL, MODEL_OK.replace("  concurrency: 4", "\tconcurrency: 4"), "tab character", 7, ""),
    (MODEL, MODEL_OK.replace("model: gpt", 'model: "gpt'), "YAML syntax error", 5, ""),
    (MODEL, MODEL_OK + "provider: anthropic\n", "duplicate key 'provider'", 8, ""),
    (
        MODEL,
        MODEL_OK.replace("limits:", "limitz:"),
        "unknown key 'limitz' (did you mean 'limits'?)",
        6,
        "limitz",
    ),
    (MODEL, MODEL_OK.replace("provider: openai\n", ""), "missing required field", 1, "provider"),
    (MODEL, MODEL_OK.replace("version: 1.0.0", "version: v1.0"), "SemVer", 3, "version"),
    (
        MODEL,
        MODEL_OK.replace("version: 1.0.0", "version: 1.0"),
        "quote it and use three parts",
        3,
        "version",
    ),
    (
        MODEL,
        MODEL_OK.replace("name: support-model-hosted", "name: Support_Model"),
        "lowercase name",
        2,
        "name",
    ),
    (MODEL, MODEL_OK.replace("gpt-4o-mini-2024-07-18", "gpt-4o"), "floating alias", 5, "model"),
    (
        MODEL,
        MODEL_OK.replace("gpt-4o-mini-2024-07-18", "gpt-4o-mini-latest"),
        "floating alias",
        5,
        "model",
    ),
    (
        MODEL,
        MODEL_OK.replace("gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06"),
        "not allowed by llmops.yaml",
        5,
        "model",
    ),
    (MODEL, "- kind: model\n- name: x\n", "expected a mapping at the top level", 1, ""),
    (
        MODEL,
        MODEL_OK + "deprecation_date: 2026-02-30\n",
        '"2026-02-30" is not a calendar date (day is out of range for month)',
        8,
        "deprecation_date",
    ),
    (
        MODEL,
        MODEL_OK + "changelog:\n  - {version: 1.0.0, date: 2026-04-31, note: x}\n",
        "is not a calendar date",
        9,
        "changelog[0].date",
    ),
    (
        MODEL,
        MODEL_OK.replace("  concurrency: 4", "    rpm: 5\n  concurrency: 4"),
        "indentation",
        8,
        "",
    ),
    (MODEL, MODEL_OK.replace("limits:", "limits:\n   rpm: 5"), "indentation", 8, ""),
    (MODEL, MODEL_OK + "---\nkind: prompt\n", "a second YAML document", 8, ""),
    (MODEL, "", "file is empty", None, ""),
    (MODEL, b"kind: model\nname: caf\xc3\nversion: 1.0.0\n", "not valid UTF-8", 2, ""),
    (
        MODEL,
        MODEL_OK.replace("provider: openai", "provider: !!python/object/apply:os.getcwd []"),
        "unsupported YAML",
        4,
        "provider",
    ),
    (
        MODEL,
        MODEL_OK + "fallbacks: [support-model-hosted@1.0.0]\n",
        "cannot fall back to itself",
        8,
        "fallbacks",
    ),
    (MODEL, "kind: modle\nname: x\nversion: 1.0.0\n", "unknown kind 'modle'", 1, "kind"),
    (
        MODEL,
        MODEL_OK.replace("kind: model", "kind: model\nkind: prompt"),
        "duplicate key 'kind'",
        2,
        "",
    ),
    (
        PROMPT,
        "kind: prompt\nname: support-answer\nversion: 1.0.0\ntemplate:\n  user: '{{ question }'\nvariables: [question]\n",
        "template syntax error",
        5,
        "template.user",
    ),
    (
        PROMPT,
        "kind: prompt\nname: support-answer\nversion: 1.0.0\ntemplate:\n  user: '{{ question }} {{ tone }}'\nvariables: [question]\n",
        "undeclared variable(s) tone",
        4,
        "variables",
    ),
    (
        PROMPT,
        "kind: prompt\nname: support-answer\nversion: 1.0.0\ntemplate:\n  user: '{{ question }}'\nvariables: [question]\nparameters:\n  top_p: 1.5\n",
        "must be <= 1",
        8,
        "parameters.top_p",
    ),
    (
        PROMPT,
        PROMPT_HEAD
        + "  user: |\n    {{ question }}\n    {% for i in range(10**9) %}.{% endfor %}\n",
        "case 'pw-01': template blocked by the sandbox: range() of 1,000,000,000 items",
        8,
        "template.user",
    ),
    (
        PROMPT,
        PROMPT_HEAD
        + "  user: |\n    {{ question }}\n    {% for a in range(9999) %}{% for b in range(9999) %}{% endfor %}{% endfor %}\n",
        "loops more than 100,000 times",
        8,
        "template.user",
    ),
    (
        PROMPT,
        PROMPT_HEAD + "  user: \"{{ question }} {{ 'x' * 10**9 }}\"\n",
        "`*` builds 1,000,000,000 items",
        6,
        "template.user",
    ),
    *(
        (
            PROMPT,
            PROMPT_HEAD + f'  user: "{{{{ question }}}} {expr}"\n',
            message,
            6,
            "template.user",
        )
        for expr, message in [
            ("{{ 'x'.ljust(10**10) }}", "ljust() with 10,000,000,000; the limit is 1,000,000"),
            ("{{ 'x'.ljust(3000000) }}", "ljust() with 3,000,000"),
            ("{{ 'x'|center(3000000) }}", "center() with 3,000,000"),
            ("{{ 'x'|truncate(10**10) }}", "truncate() with 10,000,000,000"),
            ("{{ [1]|batch(10**9, 0)|list }}", "batch() with 1,000,000,000"),
            ("{{ '{:>3000000}'.format('x') }}", "format() with 3,000,000"),
            ("{{ '{:>{}}'.format('x', 10**10) }}", "format() with 10,000,000,000"),
            ("{% set s = 'a' * 9999 %}{{ '{0}{0}'.format(s * 99) }}", "format() builds 1,979,802"),
            ("{% set s = 'a' * 2000 %}{{ s.replace('a', s) }}", "replace() builds 4,000,000"),
            ("{% set s = 'a' * 2000 %}{{ s|replace('a', s) }}", "replace() builds 4,000,000"),
            ("{% set s = 'a' * 2000 %}{{ s.join([s] * 999) }}", "join() builds 3,994,000"),
            ("{% set s = 'a' * 2000 %}{{ s|wordwrap(1, wrapstring=s) }}", "wordwrap() builds"),
            ("{% set s = '\\t' * 9999 %}{{ s.expandtabs(999) }}", "expandtabs() builds 9,999,000"),
            ("{{ '%*s' % (10**9, 'x') }}", "`%` builds 1,000,000,"),
            ("{{ '%3000000s' % 'x' }}", "`%` builds 3,000,410"),
            ("{{ '%*s'|format(10**9, 'x') }}", "format() builds 1,000,000,"),
        ]
    ),
    (
        PROMPT,
        PROMPT_HEAD + "  user: |\n    {{ question }}\n    {% include '/etc/passwd' %}\n",
        "{% include %} is not allowed",
        8,
        "template.user",
    ),
    (
        PROMPT,
        PROMPT_HEAD + "  user: '{{ question.text }}'\n",
        "case 'pw-01': template variable missing: 'str object' has no attribute 'text'",
        6,
        "template.user",
    ),
    (
        PROMPT,
        PROMPT_HEAD + "  user: '{{ question }} {{ 1 / 0 }}'\n",
        "template error: ZeroDivisionError",
        6,
        "template.user",
    ),
    (
        GOLDEN,
        '{"id": "a", "vars": {"question": "q"}}\n{"id": "b", "vars": {"question": "q"}, "assert": [{"type": "regex", "value": "(unclosed"}]}\n',
        "invalid regex '(unclosed': missing ), unterminated subpattern",
        2,
        "assert[0].value",
    ),
    (
        PIPELINE,
        "kind: pipeline\nname: support-bot\nversion: 1.0.0\nprompt: support-answer@1.0.0\nmodel: support-model-local@1.0.0\nretrieval: support-kb@1.0.0\nthresholds: support-gate@1.0.0\ngolden_set: golden_sets/support/cases.jsonl\nscorers:\n  - type: token_f1\n  - type: regex\n    value: '[a-'\n",
        "invalid regex '[a-'",
        12,
        "scorers[1].value",
    ),
    (
        RETRIEVAL,
        "kind: retrieval\nname: support-kb\nversion: 1.0.0\ncorpus: ../../etc\nchunk_size: 80\ntop_k: 3\n",
        "outside the project root",
        4,
        "corpus",
    ),
    (
        RETRIEVAL,
        "kind: retrieval\nname: support-kb\nversion: 1.0.0\ncorpus: /etc\nchunk_size: 80\ntop_k: 3\n",
        "must be relative",
        4,
        "corpus",
    ),
    (
        RETRIEVAL,
        "kind: retrieval\nname: support-kb\nversion: 1.0.0\ncorpus: golden_sets/support/corpus\nchunk_size: 80\nchunk_overlap: 80\ntop_k: 3\n",
        "must be smaller than chunk_size",
        6,
        "chunk_overlap",
    ),
    (
        RETRIEVAL,
        "kind: retrieval\nname: support-kb\nversion: 1.0.0\ncorpus: golden_sets/nope\nchunk_size: 80\ntop_k: 3\n",
        "corpus 'golden_sets/nope' not found",
        4,
        "corpus",
    ),
    (
        THRESHOLDS,
        "kind: thresholds\nname: support-gate\nversion: 1.0.0\nmetrics:\n  context_recall: {min: 85}\n",
        "fraction in [0, 1]",
        5,
        "metrics.context_recall.min",
    ),
    (
        THRESHOLDS,
        "kind: thresholds\nname: support-gate\nversion: 1.0.0\nmetrics:\n  context_recall: {severity: fail}\n",
        "needs `min` or `max`",
        5,
        "metrics.context_recall",
    ),
    (
        THRESHOLDS,
        "kind: thresholds\nname: support-gate\nversion: 1.0.0\nmetrics: {token_f1: {min: 0.3}}\nregression: {max_drop: 1.5}\n",
        "must be <= 1",
        5,
        "regression.max_drop",
    ),
    (
        THRESHOLDS,
        "kind: thresholds\nname: support-gate\nversion: 1.0.0\nmetrics: {token_f1: {min: 0.3}}\nregression:\n  max_drop: 0.02\n  baseline: prdo\n",
        "unknown stage 'prdo'; stages: dev, staging, prod",
        7,
        "regression.baseline",
    ),
    (
        THRESHOLDS,
        "kind: thresholds\nname: support-gate\nversion: 1.0.0\nmetrics: {token_f1: {min: 0.3}}\nregression: {confidence: 1}\n",
        "must be < 1",
        5,
        "regression.confidence",
    ),
    (
        PIPELINE,
        "kind: pipeline\nname: support-bot\nversion: 1.0.0\nprompt: support-answer@9.9.9\nmodel: support-model-local@1.0.0\nretrieval: support-kb@1.0.0\nthresholds: support-gate@1.0.0\ngolden_set: golden_sets/support/cases.jsonl\n",
        "prompt support-answer@9.9.9 not found; known versions: 1.0.0",
        4,
        "prompt",
    ),
    (
        PIPELINE,
        "kind: pipeline\nname: support-bot\nversion: 1.0.0\nprompt: support-answer@1.0.0\nmodel: support-model-local@1.0.0\nretrieval: support-kb@1.0.0\nthresholds: support-gate@1.0.0\ngolden_set: golden_sets/support\n",
        "golden set 'golden_sets/support' not found",
        8,
        "golden_set",
    ),
    (
        PIPELINE,
        "kind: pipeline\nname: support-bot\nversion: 1.0.0\nprompt: support-answer@1.0.0\nmodel: nope@1.0.0\nretrieval: support-kb@1.0.0\nthresholds: support-gate@1.0.0\ngolden_set: golden_sets/support/cases.jsonl\n",
        "no model named 'nope'",
        5,
        "model",
    ),
    (
        PIPELINE,
        "kind: pipeline\nname: support-bot\nversion: 1.0.0\nprompt: support-answer\nmodel: support-model-local@1.0.0\nthresholds: support-gate@1.0.0\ngolden_set: golden_sets/support/cases.jsonl\n",
        "name@version",
        4,
        "prompt",
    ),
    (
        PIPELINE,
        "kind: pipeline\nname: support-bot\nversion: 1.0.0\nprompt: support-answer@1.0.0\nmodel: support-model-local@1.0.0\nthresholds: support-gate@1.0.0\ngolden_set: golden_sets/support/cases.jsonl\n",
        "uses context but the pipeline has no `retrieval`",
        4,
        "retrieval",
    ),
    (
        PIPELINE,
        "kind: pipeline\nname: support-bot\nversion: 1.0.0\nprompt: support-answer@1.0.0\nmodel: support-model-local@1.0.0\nretrieval: support-kb@1.0.0\nthresholds: support-gate@1.0.0\ngolden_set: ../outside.jsonl\n",
        "outside the project root",
        8,
        "golden_set",
    ),
    (
        PIPELINE,
        "kind: pipeline\nname: support-bot\nversion: 1.0.0\nprompt: support-answer@1.0.0\nmodel: support-model-local@1.0.0\nretrieval: support-kb@1.0.0\nthresholds: support-gate@1.0.0\ngolden_set: golden_sets/support/cases.jsonl\nscorers:\n  - type: judge\n",
        "needs a named judge model",
        10,
        "scorers[0]",
    ),
    (
        GOLDEN,
        '{"id": "a", "vars": {"question": "q"}}\n{"id": "a", "vars": {"question": "q"}}\n',
        "duplicate case id 'a' (first on line 1)",
        2,
        "id",
    ),
    (
        GOLDEN,
        '{"id": "a", "vars": {"question": "q"}}\n{"id": "b", "vars": {"quest": "q"}}\n',
        "lacks variable(s) question",
        2,
        "vars",
    ),
    (
        GOLDEN,
        '{"id": "a", "vars": {"question": "q"}}\n{"id": "b", "vars": {"question": "q"}\n',
        "invalid JSON",
        2,
        "",
    ),
    (
        GOLDEN,
        '{"id": "a", "vars": {"question": "q"}, "tags": "x"}\n',
        "expected list, got string",
        1,
        "tags",
    ),
    (GOLDEN, "\n\n", "golden set has no cases", None, ""),
    (
        GOLDEN,
        '{"id": "a", "vars": {"question": "q"}}\n{"id": ' + "9" * 5000 + "}\n",
        "invalid JSON: a number too long",
        2,
        "",
    ),
    (
        GOLDEN,
        '{"id": "a", "vars": {"question": ' + "[" * 50_000 + "]" * 50_000 + "}}\n",
        "invalid JSON: nested too deeply",
        1,
        "",
    ),
    (
        "golden_sets/other.csv",
        'id,question\na,b\nc,"' + "x" * 200_000 + '"\n',
        "invalid CSV: field larger than field limit",
        3,
        "",
    ),
    (GOLDEN, '["a"]\n', "expected a JSON object per line", 1, ""),
    (
        "llmops.yaml",
        "kind: project\nname: x\nregistry:\n  stages: dev\n",
        "expected list, got string",
        4,
        "registry.stages",
    ),
]


@pytest.mark.parametrize(
    ("rel", "content", "message", "line", "field"),
    BAD,
    ids=[f"{i}-{b[2][:30]}" for i, b in enumerate(BAD)],
)
def test_bad_input_gives_one_located_error(
    project: Path,
    write: Callable[[str, str | bytes], Path],
    cli: Cli,
    rel: str,
    content: str | bytes,
    message: str,
    line: int | None,
    field: str,
) -> None:
    write(rel, content)
    result = cli("validate", "--project", str(project))
    assert result.exit_code == 1, result.output
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert errors, result.stderr
    hit = [e for e in errors if message in e]
    assert hit, f"{message!r} not in {errors}"
    where = rel if line is None else f"{rel}:{line}"
    assert hit[0].startswith(f"error: {where}: "), hit[0]
    if field:
        assert f": {field}: " in hit[0]
    assert "Traceback" not in result.output


def test_sample_is_valid(project: Path) -> None:
    report = validate_project(Project.load(project))
    assert report.ok, report.problems
    assert report.warnings == ()
    assert report.manifests == 6
    assert [p.pipeline.ref for p in report.pipelines] == ["support-bot@1.0.0"]


def test_multi_megabyte_manifest(project: Path, write: Write, cli: Cli) -> None:
    write(MODEL, MODEL_OK + "description: " + "x" * (3 << 20) + "\n")
    result = cli("validate", "--project", str(project))
    assert result.exit_code == 1
    assert "the limit is" in result.stderr


def test_all_problems_reported_together(project: Path, write: Write, cli: Cli) -> None:
    write(MODEL, MODEL_OK.replace("concurrency: 4", "rpm: fast") + "bogus: 1\n")
    write(
        THRESHOLDS,
        "kind: thresholds\nname: support-gate\nversion: 1.0.0\nmetrics:\n  token_f1: {min: 80}\n",
    )
    result = cli("validate", "--project", str(project))
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 3, errors


def test_duplicate_definition_is_ambiguous(project: Path, write: Write) -> None:
    write("manifests/models/copy.yaml", (project / LOCAL).read_text())
    report = validate_project(Project.load(project))
    assert any("also defined in" in p.message for p in report.errors)


def test_fallback_cycle(project: Path, write: Write) -> None:
    write(
        "manifests/models/a.yaml",
        MODEL_OK.replace("support-model-hosted", "fa") + "fallbacks: [fb@1.0.0]\n",
    )
    write(
        "manifests/models/b.yaml",
        MODEL_OK.replace("support-model-hosted", "fb") + "fallbacks: [fa@1.0.0]\n",
    )
    pipeline = (project / PIPELINE).read_text().replace("support-model-local@1.0.0", "fa@1.0.0")
    write(PIPELINE, pipeline)
    report = validate_project(Project.load(project))
    assert any(
        "fallback cycle: fa@1.0.0 -> fb@1.0.0 -> fa@1.0.0" in p.message for p in report.errors
    )


def test_symlink_escaping_root(project: Path, tmp_path: Path, write: Write) -> None:
    outside = tmp_path / "outside-corpus"
    outside.mkdir()
    (outside / "a.md").write_text("secret")
    (project / "golden_sets/support/link").symlink_to(outside)
    write(
        RETRIEVAL,
        "kind: retrieval\nname: support-kb\nversion: 1.0.0\ncorpus: golden_sets/support/link\nchunk_size: 80\ntop_k: 3\n",
    )
    report = validate_project(Project.load(project))
    assert any("outside the project root" in p.message for p in report.errors)


def test_unpinned_allowed_when_declared(project: Path, write: Write) -> None:
    write(
        MODEL,
        MODEL_OK.replace("gpt-4o-mini-2024-07-18", "gpt-4o-mini-latest") + "allow_unpinned: true\n",
    )
    assert validate_project(Project.load(project)).ok


def test_extra_golden_vars_are_a_warning(project: Path, write: Write) -> None:
    write(
        GOLDEN,
        '{"id": "a", "vars": {"question": "q"}}\n{"id": "b", "vars": {"question": "q", "tone": "x"}}\n',
    )
    report = validate_project(Project.load(project))
    assert report.ok
    [warning] = [p for p in report.warnings if "tone" in p.message]
    assert warning.line == 2 and "(first in case 'b')" in warning.message, warning


@pytest.mark.parametrize(
    "golden_set",
    [
        None,  # the sample's golden set, cut short mid-line
        "golden_sets/support/missing.jsonl",
        "../../etc/passwd",
    ],
)
def test_a_golden_set_that_fails_to_load_adds_no_threshold_warning(
    project: Path, write: Write, cli: Cli, golden_set: str | None
) -> None:
    """The trial's finding 7: the asserts' metrics (icontains) were not read, so they are not
    reported as unmeasured, and a missing or escaping path is not counted as a golden set."""
    if golden_set is None:
        text = (project / GOLDEN).read_text()
        write(GOLDEN, text[: len(text) // 2])
    else:
        pipeline = (project / PIPELINE).read_text()
        write(PIPELINE, pipeline.replace("golden_sets/support/cases.jsonl", golden_set))
    result = cli("validate", cwd=project)
    assert result.exit_code == 1
    assert "warning" not in result.stderr, result.stderr
    assert ", 1 golden set(s), 0 pipeline(s) resolved; 1 error(s), 0 warning(s)" in result.stdout


def test_csv_and_yaml_golden_sets(project: Path, write: Write) -> None:
    write(
        "golden_sets/support/cases.csv",
        'id,question,expected,tags,assert\n1,How?,Fine,a;b,"[{""type"": ""contains"", ""value"": ""F""}]"\n',
    )
    write("golden_sets/support/cases.yaml", "- id: 1\n  vars: {question: How?}\n  tags: [a]\n")
    for name in ("cases.csv", "cases.yaml"):
        pipeline = (project / PIPELINE).read_text().replace("cases.jsonl", name)
        write(PIPELINE, pipeline)
        report = validate_project(Project.load(project))
        assert report.ok, report.problems
        case = report.pipelines[0].golden.cases[0]
        assert case.id == "1" and case.vars["question"] == "How?" and case.tags[0] == "a"


def test_bad_yaml_golden_set_names_the_field(project: Path, write: Write, cli: Cli) -> None:
    write("golden_sets/other.yaml", "cases:\n  - id: 1\n  - id: 2\n    tags: oops\n")
    result = cli("validate", "golden_sets/other.yaml", "--project", str(project), cwd=project)
    assert result.exit_code == 1
    assert "golden_sets/other.yaml:4: cases[1].tags: expected list" in result.stderr


@pytest.mark.parametrize(
    ("rel", "content", "message"),
    [
        (
            PROMPT,
            PROMPT_HEAD + "  user: '{{ question }}{% for i in range(10**9) %}.{% endfor %}'\n",
            f"error: {PROMPT}:6: template.user: case 'pw-01': template blocked by the sandbox",
        ),
        (
            PROMPT,
            PROMPT_HEAD + "  user: \"{% include '/etc/passwd' %}{{ question }}\"\n",
            f"error: {PROMPT}:6: template.user: template blocked by the sandbox: {{% include %}}",
        ),
        (
            GOLDEN,
            '{"id": "a", "vars": {"question": "q"}, "assert": [{"type": "regex", "value": "("}]}\n',
            f"error: {GOLDEN}:1: assert[0].value: invalid regex '('",
        ),
    ],
)
def test_eval_refuses_what_validate_refuses(
    project: Path,
    write: Callable[[str, str | bytes], Path],
    cli: Cli,
    rel: str,
    content: str,
    message: str,
) -> None:
    """A sandbox violation or an invalid regex stops eval before any call (exit 1), instead
    of an internal error or cases counted as failed."""
    write(rel, content)
    result = cli("eval", "support-bot", "--no-track", cwd=project)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(message), result.stderr
    assert not (project / "reports").exists()


DOUBLING = (
    "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s }}"
)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ (range(99999)|list) * (range(99999)|list) }}", "can't multiply sequence"),
        ("{{ 10 ** (10 ** 8) }}", "too large a number"),
        (DOUBLING, "string of 1,048,576 characters"),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "RecursionError"),
        ("{{ ''.__class__ }}", "unsafe"),
    ],
)
def test_template_work_is_bounded(source: str, message: str) -> None:
    from llmops_cli.templates import TemplateProblem, render

    with pytest.raises(TemplateProblem, match=re.escape(message)):
        render(source, {})
    assert render("{{ '=' * 3 }}{% for c in cs %}{{ c ~ '!' }}{% endfor %}", {"cs": "ab"}) == (
        "===a!b!"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{% for x in [] %}a{% else %}empty{% endfor %}",
        "{% for x in xs %}{{ loop.index }}/{{ loop.length }}{% if loop.last %}!{% endif %}"
        "{{ loop.revindex }} {% endfor %}",
        "{% for x in xs if x > 1 %}{{ x }}{{ loop.cycle('a', 'b') }}{% endfor %}",
        "{% for k, v in d|dictsort %}{{ k }}={{ v }};{% endfor %}",
        "{% for c in tree recursive %}{{ c.n }}[{{ loop(c.kids) }}]{% endfor %}",
        "{{ xs|join(',') }} {{ 'a' ~ 1 ~ none }} {{ [1] + [2] }} {{ 2 ** 10 }} {{ '-' * 3 }}",
    ],
)
def test_bounded_templates_render_as_plain_jinja(source: str) -> None:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from llmops_cli.templates import render

    variables = {
        "xs": [1, 2, 3],
        "d": {"b": 2, "a": 1},
        "tree": [{"n": 1, "kids": [{"n": 2, "kids": []}]}],
    }
    plain = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    assert render(source, variables) == plain.from_string(source).render(**variables)


def test_loading_manifests_needs_no_evaluation_code() -> None:
    """The layers point one way: evaluation uses manifests, never the other way round."""
    import subprocess
    import sys

    code = (
        "import sys, llmops_cli.manifests.golden, llmops_cli.manifests.resolve\n"
        "print(sorted(m for m in sys.modules if m.startswith('llmops_cli.evaluation')))"
    )
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_big_numbers_in_a_prompt_are_data_not_sizes() -> None:
    """Only widths, counts and fills are held to the size limit, not the values shown."""
    from llmops_cli.templates import render

    source = (
        "{{ '{}'.format(n) }} {{ '%d' % n }} {{ '%d'|format(n) }} {{ n|filesizeformat }} "
        "{{ n|string }} {{ '{n:>12,}'.format_map({'n': n}) }} {{ ('a' * 3)|center(7) }}."
    )
    assert render(source, {"n": 123456789}) == (
        "123456789 123456789 123456789 123.5 MB 123456789  123,456,789   aaa  ."
    )
