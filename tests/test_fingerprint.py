from __future__ import annotations

from pathlib import Path

import pytest

from llmops_cli.manifests.catalog import Catalog, semver_key, split_ref
from llmops_cli.manifests.immutability import check_immutable, next_patch
from llmops_cli.manifests.pinning import is_pinned
from llmops_cli.manifests.resolve import find_pipeline, resolve_pipeline
from llmops_cli.project import Project


def fingerprint(root: Path) -> str:
    catalog = Catalog.load(Project.load(root))
    return resolve_pipeline(catalog, find_pipeline(catalog, "support-bot")).fingerprint


def test_fingerprint_ignores_formatting_but_not_content(project: Path) -> None:
    base = fingerprint(project)
    prompt = project / "manifests/prompts/support-answer.yaml"
    prompt.write_text("# a comment\n" + prompt.read_text())
    assert fingerprint(project) == base
    prompt.write_text(prompt.read_text().replace("one or two sentences", "one sentence"))
    changed = fingerprint(project)
    assert changed != base


@pytest.mark.parametrize(
    "path", ["golden_sets/support/cases.jsonl", "golden_sets/support/corpus/refunds.md"]
)
def test_fingerprint_covers_data(project: Path, path: str) -> None:
    base = fingerprint(project)
    with (project / path).open("a") as f:
        f.write("\n")
    assert fingerprint(project) != base


def test_corpus_rename_changes_fingerprint(project: Path) -> None:
    base = fingerprint(project)
    corpus = project / "golden_sets/support/corpus"
    (corpus / "refunds.md").rename(corpus / "refund-policy.md")
    assert fingerprint(project) != base


@pytest.mark.parametrize(
    ("model", "pinned"),
    [
        ("gpt-4o-mini-2024-07-18", True),
        ("gpt-4-0613", True),
        ("claude-3-5-sonnet-20241022", True),
        ("gemini-1.5-pro-002", True),
        ("mistral-large-2407", True),
        ("llama3.1:8.0.1", True),
        ("anthropic.claude-3-haiku-20240307-v1:0", True),
        ("gpt-4o", False),
        ("gpt-4o-mini", False),
        ("claude-3-5-sonnet-latest", False),
        ("llama3:latest", False),
        ("mistral-large-latest", False),
    ],
)
def test_pinning(model: str, pinned: bool) -> None:
    assert is_pinned(model) is pinned


def test_semver_order_and_refs() -> None:
    versions = ["1.0.0", "1.0.0-rc.1", "1.0.0-alpha", "0.9.10", "1.10.0", "1.2.0", "1.0.0-alpha.1"]
    ordered = sorted(versions, key=semver_key)
    assert ordered == [
        "0.9.10",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-rc.1",
        "1.0.0",
        "1.2.0",
        "1.10.0",
    ]
    assert split_ref("a-b@1.2.3") == ("a-b", "1.2.3")
    assert split_ref("a-b") == ("a-b", None)
    assert next_patch("1.2.3-rc.1") == "1.2.4"


def test_bare_name_finds_highest_version(project: Path) -> None:
    src = project / "manifests/prompts/support-answer.yaml"
    (project / "manifests/prompts/v2.yaml").write_text(
        src.read_text().replace("version: 1.0.0", "version: 1.10.0")
    )
    catalog = Catalog.load(Project.load(project))
    assert catalog.find("prompt", "support-answer").version == "1.10.0"


class FakeStore:
    """Stands in for the registry (issue 4) behind the ManifestStore protocol."""

    def __init__(self, hashes: dict[tuple[str, str, str], str]) -> None:
        self.hashes = hashes

    def registered_hash(self, kind: str, name: str, version: str) -> str | None:
        return self.hashes.get((kind, name, version))


def test_immutability_interface(project: Path) -> None:
    catalog = Catalog.load(Project.load(project))
    prompt = catalog.find("prompt", "support-answer@1.0.0")
    same = FakeStore({("prompt", "support-answer", "1.0.0"): prompt.content_hash})
    assert check_immutable(catalog.manifests, same) == []
    edited = FakeStore({("prompt", "support-answer", "1.0.0"): "0" * 64})
    problems = check_immutable(catalog.manifests, edited)
    assert len(problems) == 1
    assert "bump the version (e.g. 1.0.1)" in str(problems[0])
    assert str(problems[0]).startswith("manifests/prompts/support-answer.yaml:3: version:")
