"""The git-backed registry: which pipeline version sits in which stage, and why.

Layout of the branch (DESIGN §6):
    state.yaml                              current version per pipeline and stage
    history/<pipeline>/<stage>.yaml         earlier versions of that stage, for rollback
    events/<seq>-<event-id>.yaml            append-only promote / rollback events
    artifacts/<kind>/<name>/<version>.yaml  immutable snapshot of every registered manifest
    evidence/<event-id>/                    gate verdict + report summary the event relied on
Every write is one commit moved into place by compare-and-swap; on a lost race the command
re-reads the state, re-checks its preconditions and tries again.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from llmops_cli import __version__
from llmops_cli.errors import LlmopsError
from llmops_cli.manifests.model import Manifest, canonical_json, sha256_text
from llmops_cli.project import Project
from llmops_cli.registry.store import BranchStore, RegistryConflict, find_repo

DEFAULT_BRANCH = "llmops/registry"
MAX_ATTEMPTS = 50
HISTORY_KEPT = 100


@dataclass(frozen=True)
class RegistryEvent:
    id: str
    seq: int
    type: str
    pipeline: str
    version: str
    stage: str
    data: Mapping[str, Any]


try:  # libyaml: state files are parsed on every command
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def _load(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


def history_path(pipeline: str, stage: str) -> str:
    return f"history/{pipeline}/{stage}.yaml"


def artifact_path(kind: str, name: str, version: str) -> str:
    return f"artifacts/{kind}/{name}/{version}.yaml"


class Registry:
    def __init__(self, project: Project) -> None:
        config = project.config.get("registry", {})
        repo = config.get("repo")
        root = (project.root / repo).resolve() if repo else find_repo(project.root)
        if repo and not (root / ".git").exists() and not (root / "HEAD").exists():
            raise LlmopsError(f"registry.repo {repo!r} is not a git repository")
        self.project = project
        self.store = BranchStore(root, str(config.get("branch", DEFAULT_BRANCH)))
        self.stages = project.stages
        self.protected: Mapping[str, Any] = config.get("protected", {})
        self.remote = str(config.get("remote", "origin"))
        self.branch = str(config.get("branch", DEFAULT_BRANCH))

    # -- reads: O(1) in history length ------------------------------------------------------

    def state(self, at: str | None = None) -> dict[str, Any]:
        text = self.store.read("state.yaml", at)
        return _load(text) if text else {"seq": 0, "pipelines": {}}

    def current(self, pipeline: str, stage: str) -> dict[str, Any] | None:
        entry = self.state().get("pipelines", {}).get(pipeline, {}).get(stage)
        return None if entry is None else dict(entry)

    def history(self, pipeline: str, stages: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Earlier entries of each stage, oldest first (one git call)."""
        texts = self.store.read_many([history_path(pipeline, s) for s in stages])
        return {s: (_load(texts[history_path(pipeline, s)] or "[]") or []) for s in stages}

    def events(self, pipeline: str | None = None, limit: int | None = None) -> list[RegistryEvent]:
        names = sorted(self.store.list("events"))
        if limit is not None and pipeline is None:
            names = names[-limit:]
        texts = self.store.read_many([f"events/{n}" for n in names])
        found = []
        for text in texts.values():
            if text is None:
                continue
            data = _load(text)
            if pipeline is None or data["pipeline"] == pipeline:
                found.append(
                    RegistryEvent(
                        data["id"],
                        data["seq"],
                        data["type"],
                        data["pipeline"],
                        data["version"],
                        data["stage"],
                        data,
                    )
                )
        return found[-limit:] if limit is not None else found

    def evidence_report(self, pipeline: str, stage: str) -> dict[str, Any] | None:
        """The full report that put the version now in `stage` there (None if none)."""
        current = self.current(pipeline, stage)
        if current is None or "evidence" not in current:
            return None
        text = self.store.read(f"evidence/{current['evidence']}/report.json")
        return None if text is None else json.loads(text)

    def artifact(self, kind: str, name: str, version: str) -> dict[str, Any] | None:
        text = self.store.read(artifact_path(kind, name, version))
        return None if text is None else _load(text)

    def registered_hash(self, kind: str, name: str, version: str) -> str | None:
        data = self.artifact(kind, name, version)
        return None if data is None else sha256_text(canonical_json(data))

    def registered_hashes(self, manifests: Iterable[Manifest]) -> dict[tuple[str, str, str], str]:
        """Content hashes of the registered versions of `manifests`, in one git call."""
        keys = {
            (m.kind, m.name, m.version): artifact_path(m.kind, m.name, m.version) for m in manifests
        }
        texts = self.store.read_many(list(keys.values()))
        found = {}
        for key, path in keys.items():
            text = texts[path]
            if text is not None:
                found[key] = sha256_text(canonical_json(_load(text)))
        return found

    # -- writes -----------------------------------------------------------------------------

    def _commit(
        self, build: Callable[[dict[str, Any], str | None], tuple[dict[str, str], str]]
    ) -> str:
        """Read, build, compare-and-swap; on a lost race start again from the new tip."""
        for attempt in range(MAX_ATTEMPTS):
            tip = self.store.tip()
            files, message = build(self.state(tip), tip)
            try:
                self.store.write(files, message, tip)
                return tip or ""
            except RegistryConflict:
                # jittered exponential backoff, so a slow writer is not starved by a fast one
                time.sleep(random.uniform(0, min(0.5, 0.01 * 2**attempt)))
        raise RegistryConflict(f"the registry kept moving; gave up after {MAX_ATTEMPTS} attempts")

    # -- sharing through a remote -----------------------------------------------------------

    def pull(self) -> None:
        """Make the local branch what the remote has (the remote is the truth when pushing)."""
        tracking = f"refs/remotes/{self.remote}/{self.branch}"
        fetched = self.store.git.run(
            "fetch", "--quiet", self.remote, f"+refs/heads/{self.branch}:{tracking}", check=False
        )
        if fetched.returncode != 0:
            missing = "couldn't find remote ref" in fetched.stderr
            if not missing:
                raise LlmopsError(f"git fetch {self.remote} failed: {fetched.stderr.strip()}")
            return  # the remote has no registry yet: ours will be the first
        remote_tip = self.store.git.out("rev-parse", tracking)
        local = self.store.tip()
        if remote_tip != local:
            moved = self.store.git.run(
                "update-ref", self.store.ref, remote_tip, local or "0" * 40, check=False
            )
            if moved.returncode != 0:
                raise RegistryConflict("the local registry branch moved during a fetch; retry")

    def push(self) -> bool:
        """Push the branch atomically; False when the remote moved first (non-fast-forward)."""
        out = self.store.git.run(
            "push",
            "--atomic",
            "--porcelain",
            self.remote,
            f"{self.store.ref}:refs/heads/{self.branch}",
            check=False,
        )
        if out.returncode == 0:
            return True
        if (
            "rejected" in out.stdout
            or "fetch first" in out.stderr
            or "non-fast-forward" in out.stderr
        ):
            return False
        raise LlmopsError(
            f"git push {self.remote} failed: {out.stderr.strip() or out.stdout.strip()}"
        )

    def record_and_push(self, *args: Any, attempts: int = 5) -> dict[str, Any]:
        """`record` on top of the remote's state, then push; when someone pushed first, fetch,
        re-check the preconditions on their state, and try again."""
        for _ in range(attempts):
            self.pull()
            event = self.record(*args)
            if self.push():
                return event
        raise RegistryConflict(
            f"{self.remote} kept moving; gave up after {attempts} attempts (nothing was pushed)"
        )

    def record(
        self,
        event_type: str,
        pipeline: str,
        stage: str,
        fields: Mapping[str, Any],
        precheck: Callable[
            [dict[str, Any], list[dict[str, Any]]], tuple[dict[str, Any], dict[str, Any]]
        ],
        extra_files: Callable[[str, dict[str, Any]], dict[str, str]],
    ) -> dict[str, Any]:
        """Append one event. `precheck(state, history)` re-validates against the state (and the
        stage's history) being written on, and returns the stage entry to install plus event
        fields that depend on that state; `extra_files` adds artifacts and evidence."""
        result: dict[str, Any] = {}

        def build(state: dict[str, Any], tip: str | None) -> tuple[dict[str, str], str]:
            history_text = self.store.read(history_path(pipeline, stage), tip) if tip else None
            history: list[dict[str, Any]] = (_load(history_text) or []) if history_text else []
            entry, more = precheck(state, history)
            seq = int(state.get("seq", 0)) + 1
            event_id = uuid.uuid4().hex[:12]
            stages = state.setdefault("pipelines", {}).setdefault(pipeline, {})
            previous = stages.get(stage)
            event = {
                "id": event_id,
                "seq": seq,
                "type": event_type,
                "pipeline": pipeline,
                "version": entry["version"],
                "stage": stage,
                "previous_version": previous["version"] if previous else None,
                **fields,
                **more,
                "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "tool_version": __version__,
            }
            # evidence stays with the version: a rolled-back-to entry keeps its original one
            entry = {"evidence": event_id, **entry, "event": event_id, "at": event["at"]}
            if event_type == "rollback":
                history = history[: more["history_index"]]
            elif previous:
                history = [*history, previous][-HISTORY_KEPT:]
            event.pop("history_index", None)
            stages[stage] = entry
            state["seq"] = seq
            files = {
                "state.yaml": _dump(state),
                history_path(pipeline, stage): _dump(history),
                f"events/{seq:08d}-{event_id}.yaml": _dump(event),
                **extra_files(event_id, state),
            }
            result.clear()
            result.update(event)
            return files, f"{event_type} {pipeline}@{entry['version']} -> {stage}"

        self._commit(build)
        return result


def replay(events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The current version per pipeline and stage, rebuilt from the event log alone."""
    current: dict[str, Any] = {}
    for event in sorted(events, key=lambda e: e["seq"]):
        current.setdefault(event["pipeline"], {})[event["stage"]] = event["version"]
    return current


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
