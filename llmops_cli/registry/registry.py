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

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from llmops_cli import __version__
from llmops_cli.contracts.report import EvalReport
from llmops_cli.errors import LlmopsError
from llmops_cli.manifests.model import Manifest, canonical_json, sha256_text
from llmops_cli.project import Project, ProtectedStage
from llmops_cli.registry.layout import (
    StageHistory,
    artifact_path,
    event_text,
    from_yaml,
    history_path,
    latest_per_version,
    moved_history,
    parse_event,
    rolled_back_path,
    to_yaml,
)
from llmops_cli.registry.reapply import reapply_local
from llmops_cli.registry.remote import Precheck, Reapply, RemoteSync
from llmops_cli.registry.store import BranchStore, Progress, RegistryConflict, find_repo
from llmops_cli.registry.types import ReadPoint, RegistryEvent

MAX_ATTEMPTS = 50
HISTORY_KEPT = 100


class Registry(RemoteSync):
    def __init__(self, project: Project) -> None:
        config = project.config.registry
        repo = config.repo
        root = (project.root / repo).resolve() if repo else find_repo(project.root)
        if repo and not (root / ".git").exists() and not (root / "HEAD").exists():
            raise LlmopsError(f"registry.repo {repo!r} is not a git repository")
        self.project = project
        self.remote = config.remote
        self.branch = config.branch
        self.store = BranchStore(root, self.branch, self.remote)
        self.stages = project.stages
        self.protected: Mapping[str, ProtectedStage] = config.protected
        self.reapplied: list[str] = []  # what re-applying local events on the remote's did
        self.before_reapply: str | None = None  # the local branch before that

    # -- reads: O(1) in history length ------------------------------------------------------

    def state(self, at: str | None = None) -> dict[str, Any]:
        text = self.store.read("state.yaml", at)
        return from_yaml(text) if text else {"seq": 0, "pipelines": {}}

    def read_point(self) -> tuple[str | None, ReadPoint]:
        """The commit reads look at (None: no registry yet), and which copy of the branch it
        is: a read from the remote-tracking branch shows the registry as last fetched."""
        commit, tracking = self.store.read_source()
        if commit is None:
            return None, ReadPoint("empty")
        if tracking:
            return commit, ReadPoint(
                "remote-tracking", self.store.tracking, self.store.fetched_at()
            )
        local, remote = self.store.refs()
        if remote is None and not self.has_remote():
            return commit, ReadPoint("local", self.store.ref)  # a registry of this repo only
        # events written here that the remote (as last fetched) lacks, and whether it moved
        unpushed = int(self.store.git.out("rev-list", "--count", commit, *_not(remote)))
        diverged = self.store.relation(local, remote) == "diverged"
        return commit, ReadPoint(
            "local", self.store.ref, unpushed=unpushed, diverged=diverged, remote=self.remote
        )

    def current(self, pipeline: str, stage: str, at: str | None = None) -> dict[str, Any] | None:
        entry = self.state(at).get("pipelines", {}).get(pipeline, {}).get(stage)
        return None if entry is None else dict(entry)

    def history(
        self, pipeline: str, stages: Sequence[str], at: str | None = None
    ) -> dict[str, StageHistory]:
        """Earlier and rolled-back entries of each stage, oldest first (one git call)."""
        paths = [f(pipeline, s) for s in stages for f in (history_path, rolled_back_path)]
        texts = self.store.read_many(paths, at)

        def entries(path: str) -> list[dict[str, Any]]:
            return list(from_yaml(texts[path] or "[]") or [])

        return {
            s: StageHistory(
                entries(history_path(pipeline, s)), entries(rolled_back_path(pipeline, s))
            )
            for s in stages
        }

    def events(
        self,
        pipeline: str | None = None,
        limit: int | None = None,
        stage: str | None = None,
    ) -> list[RegistryEvent]:
        """Events oldest first: all of them, or the newest `limit` of those matching `pipeline`
        and `stage`. The events folder is listed once; blobs are read newest first in growing
        rounds through one `git cat-file --batch`, until `limit` match: the newest 20 cost the
        same in a history of 1,000 events or 100,000."""
        tip = self.store.head()
        if tip is None or limit == 0:
            return []
        files = sorted(self.store.entries("events", tip), key=lambda file: _event_seq(file[0]))
        newest_first = [oid for _, oid in reversed(files)]
        found: list[RegistryEvent] = []
        with self.store.reader(tip) as reader:
            for batch in _rounds(newest_first, limit):
                events = (
                    RegistryEvent.from_record(parse_event(t))
                    for t in reader.read(batch)
                    if t is not None
                )
                found += (
                    e for e in events if pipeline in (None, e.pipeline) and stage in (None, e.stage)
                )
                if limit is not None and len(found) >= limit:
                    break
        return found[:limit][::-1]

    def event(self, event_id: str, at: str | None = None) -> RegistryEvent | None:
        """The event with this id (one `ls-tree` of the events folder, one blob)."""
        for name, _ in self.store.entries("events", at):
            if name.removesuffix(".yaml").endswith(f"-{event_id}"):
                text = self.store.read(f"events/{name}", at)
                return None if text is None else RegistryEvent.from_record(parse_event(text))
        return None

    def actor(self) -> str:
        """Who runs the command, as git would sign a commit of theirs (`Name <email>`, from
        user.name / user.email or GIT_AUTHOR_*); "" when git knows no one."""
        out = self.store.git.run("var", "GIT_AUTHOR_IDENT", check=False)
        ident = out.stdout.strip() if out.returncode == 0 else ""
        return ident.rsplit(" ", 2)[0] if ident.count(" ") >= 2 else ident

    def evidence_report(
        self, pipeline: str, stage: str, at: str | None = None
    ) -> EvalReport | None:
        """The full report that put the version now in `stage` there (None if none)."""
        at = at or self.store.head()  # both reads from one commit
        current = self.current(pipeline, stage, at)
        if current is None or "evidence" not in current:
            return None
        path = f"evidence/{current['evidence']}/report.json"
        text = self.store.read(path, at)
        return None if text is None else EvalReport.from_json(text, source=f"{self.branch}:{path}")

    def artifact(
        self, kind: str, name: str, version: str, at: str | None = None
    ) -> dict[str, Any] | None:
        text = self.store.read(artifact_path(kind, name, version), at)
        return None if text is None else from_yaml(text)

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
                found[key] = sha256_text(canonical_json(from_yaml(text)))
        return found

    # -- writes -----------------------------------------------------------------------------

    def _commit(
        self, build: Callable[[dict[str, Any], str | None], tuple[dict[str, str], str]]
    ) -> str:
        """Read, build, compare-and-swap; on a lost race start again from the new tip."""
        for attempt in range(MAX_ATTEMPTS):
            tip = self.store.tip()
            files, message = build(self.state(tip) if tip else {"seq": 0, "pipelines": {}}, tip)
            try:
                self.store.write(files, message, tip)
                return tip or ""
            except RegistryConflict:
                # jittered exponential backoff, so a slow writer is not starved by a fast one
                time.sleep(random.uniform(0, min(0.5, 0.01 * 2**attempt)))
        raise RegistryConflict(f"the registry kept moving; gave up after {MAX_ATTEMPTS} attempts")

    def record_and_push(
        self,
        *args: Any,
        attempts: int = 5,
        synced: bool = False,
        reapply: Reapply | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """`record` on top of the remote's state, then push; when someone pushed first, take
        the event back off the local branch, fetch, re-check the preconditions on their state
        and re-apply it (and, with `reapply`, the events written here before and not pushed).
        Never drops an event: a push that cannot win raises. `synced`: the caller has just
        called `sync()`."""
        if not self.has_remote():
            raise LlmopsError(
                f"--push: this repository has no remote {self.remote!r}; add it (`git remote "
                f"add {self.remote} URL`) or set registry.remote in llmops.yaml"
            )
        for attempt in range(attempts):
            if attempt or not synced:
                self.sync(reapply=reapply, progress=progress)
            base = self.store.tip()
            event = self.record(*args)
            if self.push():
                return event
            self.store.move(base, expected=self.store.tip())
        raise RegistryConflict(
            f"{self.remote} kept moving; gave up after {attempts} attempts (nothing was pushed)"
        )

    def push_pending(self, *, attempts: int = 5, reapply: Reapply | None = None) -> bool:
        """Push the events written here and not pushed yet (none: nothing to do, False);
        when someone pushed first, re-apply them on top of theirs (with `reapply`)."""
        for attempt in range(attempts):
            if attempt:
                self.sync(reapply=reapply)
            local, remote = self.store.refs()
            if local is None or self.store.relation(local, remote) in ("same", "behind"):
                return False
            if self.push():
                return True
        raise RegistryConflict(
            f"{self.remote} kept moving; gave up after {attempts} attempts (nothing was pushed)"
        )

    def reapply_local(self, local: str, remote: str, reapply: Reapply) -> None:
        """Re-apply the local events the remote lacks on top of its (reapply.py)."""
        reapply_local(self, local, remote, reapply)

    def undo_reapply(self) -> None:
        """Put the local branch back as it was before `reapply_local` (the command that
        needed it failed, so it leaves the registry as it found it)."""
        if self.before_reapply is not None:
            self.store.move(self.before_reapply, expected=self.store.tip())
            self.before_reapply = None
            self.reapplied.clear()

    def record(
        self,
        event_type: str,
        pipeline: str,
        stage: str,
        fields: Mapping[str, Any],
        precheck: Precheck,
        extra_files: Callable[[str, dict[str, Any]], dict[str, str]],
        *,
        event_id: str | None = None,
    ) -> dict[str, Any]:
        """Append one event. `precheck(state, history)` re-validates against the state (and the
        stage's history) being written on, and returns the stage entry to install plus event
        fields that depend on that state (`history_index`: a rollback to that earlier entry;
        `rolled_back_index`: a roll forward to that rolled-back one); `extra_files` adds
        artifacts and evidence; `event_id`: keep this id (an event re-applied elsewhere)."""
        result: dict[str, Any] = {}
        self.catch_up()  # a library caller that skipped sync() still never forks the history

        def build(state: dict[str, Any], tip: str | None) -> tuple[dict[str, str], str]:
            history = self.history(pipeline, [stage], tip)[stage] if tip else StageHistory([], [])
            entry, more = precheck(state, history)
            seq = int(state.get("seq", 0)) + 1
            new_id = event_id or uuid.uuid4().hex[:12]
            stages = state.setdefault("pipelines", {}).setdefault(pipeline, {})
            previous = stages.get(stage)
            event = {
                "id": new_id,
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
            entry = {"evidence": new_id, **entry, "event": new_id, "at": event["at"]}
            earlier, rolled_back = moved_history(history, previous, more)
            event.pop("history_index", None)
            event.pop("rolled_back_index", None)
            rolled_back = latest_per_version(rolled_back, but=entry["version"])
            stages[stage] = entry
            state["seq"] = seq
            files = {
                "state.yaml": to_yaml(state),
                history_path(pipeline, stage): to_yaml(earlier[-HISTORY_KEPT:]),
                f"events/{seq:08d}-{new_id}.yaml": event_text(event),
                **extra_files(new_id, state),
            }
            if rolled_back or history.rolled_back:
                files[rolled_back_path(pipeline, stage)] = to_yaml(rolled_back[-HISTORY_KEPT:])
            result.clear()
            result.update(event)
            return files, f"{event_type} {pipeline}@{entry['version']} -> {stage}"

        self._commit(build)
        return result


def _not(ref: str | None) -> list[str]:
    return [] if ref is None else ["--not", ref]


def _event_seq(name: str) -> int:
    """`00000042-<id>.yaml` -> 42: the order of events by number, not by name (names sort by
    number only while seq fits the 8-digit padding)."""
    head = name.partition("-")[0]
    return int(head) if head.isdigit() else -1


def _rounds(items: Sequence[str], limit: int | None) -> Iterator[Sequence[str]]:
    """`items` in consecutive slices: all at once without a limit; else `limit` first, then
    twice as many each round (when filters skip events, few rounds find the newest matches)."""
    size = limit or len(items)
    start = 0
    while start < len(items):
        yield items[start : start + size]
        start += size
        size *= 2
