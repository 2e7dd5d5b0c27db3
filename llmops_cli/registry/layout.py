"""The registry branch's layout (DESIGN §6): where each file lives, how it is written, and
how a stage's history moves when its entry is replaced."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml: state files are parsed on every command
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def to_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def from_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def event_text(event: Mapping[str, Any]) -> str:
    """An event file's text: JSON, which is YAML too (the files keep their `.yaml` names and
    any YAML reader reads them) and parses ~15x faster than YAML: `registry history --all`
    reads every event."""
    return json.dumps(event, indent=2, ensure_ascii=False) + "\n"


def parse_event(text: str) -> Any:
    """An event file: JSON (written by this version) or YAML (by earlier ones)."""
    if text.startswith("{"):
        with suppress(ValueError):
            return json.loads(text)
    return from_yaml(text)


def history_path(pipeline: str, stage: str) -> str:
    return f"history/{pipeline}/{stage}.yaml"


def rolled_back_path(pipeline: str, stage: str) -> str:
    return f"history/{pipeline}/{stage}.rolled-back.yaml"  # stage names have no dot


def artifact_path(kind: str, name: str, version: str) -> str:
    return f"artifacts/{kind}/{name}/{version}.yaml"


@dataclass(frozen=True)
class StageHistory:
    """Entries that were in a stage before the current one: `earlier` is what a rollback
    returns to (newest last); `rolled_back` holds the versions rollbacks left, which
    `rollback --to` can bring forward again."""

    earlier: list[dict[str, Any]]
    rolled_back: list[dict[str, Any]]


def moved_history(
    history: StageHistory, previous: dict[str, Any] | None, more: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The stage's earlier and rolled-back entries once `previous` is replaced: a rollback to
    earlier[i] leaves what came after it as rolled back; a roll forward takes its entry out of
    the rolled-back list; both (and a promote) put `previous` where rollbacks find it."""
    earlier, rolled_back = list(history.earlier), list(history.rolled_back)
    kept = [previous] if previous else []
    if "history_index" in more:
        index = more["history_index"]
        return earlier[:index], [*rolled_back, *earlier[index + 1 :], *kept]
    if "rolled_back_index" in more:
        del rolled_back[more["rolled_back_index"]]
    return [*earlier, *kept], rolled_back


def latest_per_version(entries: list[dict[str, Any]], but: str) -> list[dict[str, Any]]:
    """One entry per version (the newest, in its place), leaving out version `but`."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in entries:
        latest.pop(entry["version"], None)
        latest[entry["version"]] = entry
    latest.pop(but, None)
    return list(latest.values())


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def summary_of(report: Mapping[str, Any]) -> str:
    keep = {
        k: report[k]
        for k in (
            "run_id",
            "pipeline",
            "fingerprint",
            "git",
            "target",
            "manifests",
            "golden_set",
            "summary",
        )
        if k in report
    }
    return json.dumps(keep, indent=2) + "\n"
