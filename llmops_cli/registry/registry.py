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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from llmops_cli import __version__
from llmops_cli.contracts.report import EvalReport
from llmops_cli.errors import LlmopsError
from llmops_cli.manifests.model import Manifest, canonical_json, sha256_text
from llmops_cli.project import Project
from llmops_cli.registry.store import (
    BranchStore,
    GitError,
    RegistryConflict,
    find_repo,
    git_message,
)

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


def rolled_back_path(pipeline: str, stage: str) -> str:
    return f"history/{pipeline}/{stage}.rolled-back.yaml"  # stage names have no dot


def artifact_path(kind: str, name: str, version: str) -> str:
    return f"artifacts/{kind}/{name}/{version}.yaml"


class RegistryDiverged(LlmopsError):
    """The local registry branch and the remote's each hold events the other lacks."""


@dataclass(frozen=True)
class StageHistory:
    """Entries that were in a stage before the current one: `earlier` is what a rollback
    returns to (newest last); `rolled_back` holds the versions rollbacks left, which
    `rollback --to` can bring forward again."""

    earlier: list[dict[str, Any]]
    rolled_back: list[dict[str, Any]]


class Registry:
    def __init__(self, project: Project) -> None:
        config = project.config.get("registry", {})
        repo = config.get("repo")
        root = (project.root / repo).resolve() if repo else find_repo(project.root)
        if repo and not (root / ".git").exists() and not (root / "HEAD").exists():
            raise LlmopsError(f"registry.repo {repo!r} is not a git repository")
        self.project = project
        self.remote = str(config.get("remote", "origin"))
        self.branch = str(config.get("branch", DEFAULT_BRANCH))
        self.store = BranchStore(root, self.branch, self.remote)
        self.stages = project.stages
        self.protected: Mapping[str, Any] = config.get("protected", {})

    # -- reads: O(1) in history length ------------------------------------------------------

    def state(self, at: str | None = None) -> dict[str, Any]:
        text = self.store.read("state.yaml", at)
        return _load(text) if text else {"seq": 0, "pipelines": {}}

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
            return list(_load(texts[path] or "[]") or [])

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
                events = (_event(_load(t)) for t in reader.read(batch) if t is not None)
                found += (
                    e for e in events if pipeline in (None, e.pipeline) and stage in (None, e.stage)
                )
                if limit is not None and len(found) >= limit:
                    break
        return found[:limit][::-1]

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
            files, message = build(self.state(tip) if tip else {"seq": 0, "pipelines": {}}, tip)
            try:
                self.store.write(files, message, tip)
                return tip or ""
            except RegistryConflict:
                # jittered exponential backoff, so a slow writer is not starved by a fast one
                time.sleep(random.uniform(0, min(0.5, 0.01 * 2**attempt)))
        raise RegistryConflict(f"the registry kept moving; gave up after {MAX_ATTEMPTS} attempts")

    # -- sharing through a remote -----------------------------------------------------------

    def has_remote(self) -> bool:
        return self.store.git.has_remote(self.remote)

    def sync(self, *, offline_ok: bool = False) -> str:
        """Before a write: fetch the remote's registry (when the remote exists) and move the
        local branch up to it, so the write builds on the shared history instead of forking
        it. Events written here and not pushed yet are kept (they go with the next push).
        `offline_ok`: a failed fetch is not fatal (a local write while the git host is down);
        the warning to show is returned, and the write builds on the copy fetched before."""
        warning = ""
        if self.has_remote():
            try:
                self.store.fetch()
            except GitError as exc:
                if not offline_ok:
                    raise
                warning = (
                    f"{self.remote} not reached ({exc}); written on the registry as last "
                    "fetched, the next --push sends it"
                )
        self.catch_up()
        return warning

    def catch_up(self) -> None:
        """Move the local branch up to the remote-tracking one when it is missing or behind
        (no network); refuse when they have diverged."""
        local, remote = self.store.refs()
        relation = self.store.relation(local, remote)
        if relation in ("same", "ahead"):
            return
        if relation == "behind":
            self.store.move(remote, expected=local)
            return
        if relation == "unknown":
            raise RegistryDiverged(
                f"git cannot tell whether the local registry branch {self.branch} is behind "
                f"{self.remote}'s: its history was fetched shallow; nothing was written. Fetch "
                f"all of it (`git fetch --unshallow {self.remote} {self.branch}`) and retry"
            )
        ours = self.store.git.out("rev-list", "--count", f"{remote}..{local}")
        raise RegistryDiverged(
            f"the local registry branch {self.branch} has {ours} event(s) that {self.remote} "
            f"does not, and {self.remote} has moved since; nothing was written. See them with "
            f"`llmops registry history`; to keep {self.remote}'s and drop them, run `git "
            f"update-ref {self.store.ref} {self.store.tracking}`, then write again with --push"
        )

    def push(self) -> bool:
        """Push the branch atomically; False when the remote moved first (non-fast-forward)."""
        tip = self.store.tip()
        out = self.store.git.network(
            "push", "--atomic", "--porcelain", self.remote, f"{self.store.ref}:{self.store.ref}"
        )
        if out.returncode == 0:
            if tip:  # the remote-tracking branch now matches what the remote has
                self.store.git.run("update-ref", self.store.tracking, tip, check=False)
            return True
        reason = _push_rejection(out.stdout)
        if reason in LOST_RACE:
            return False
        why = f"{self.remote} refused it ({reason})" if reason else git_message(out.stderr)
        raise GitError(
            f"git push {self.remote} failed: {why}; the event is written locally, and the "
            "next --push sends it"
        )

    def record_and_push(
        self, *args: Any, attempts: int = 5, synced: bool = False
    ) -> dict[str, Any]:
        """`record` on top of the remote's state, then push; when someone pushed first, take
        the event back off the local branch, fetch, re-check the preconditions on their state
        and re-apply it. Never drops an event: a push that cannot win raises. `synced`: the
        caller has just called `sync()`."""
        if not self.has_remote():
            raise LlmopsError(
                f"--push: this repository has no remote {self.remote!r}; add it (`git remote "
                f"add {self.remote} URL`) or set registry.remote in llmops.yaml"
            )
        for attempt in range(attempts):
            if attempt or not synced:
                self.sync()
            base = self.store.tip()
            event = self.record(*args)
            if self.push():
                return event
            self.store.move(base, expected=self.store.tip())
        raise RegistryConflict(
            f"{self.remote} kept moving; gave up after {attempts} attempts (nothing was pushed)"
        )

    def record(
        self,
        event_type: str,
        pipeline: str,
        stage: str,
        fields: Mapping[str, Any],
        precheck: Callable[[dict[str, Any], StageHistory], tuple[dict[str, Any], dict[str, Any]]],
        extra_files: Callable[[str, dict[str, Any]], dict[str, str]],
    ) -> dict[str, Any]:
        """Append one event. `precheck(state, history)` re-validates against the state (and the
        stage's history) being written on, and returns the stage entry to install plus event
        fields that depend on that state (`history_index`: a rollback to that earlier entry;
        `rolled_back_index`: a roll forward to that rolled-back one); `extra_files` adds
        artifacts and evidence."""
        result: dict[str, Any] = {}
        self.catch_up()  # a library caller that skipped sync() still never forks the history

        def build(state: dict[str, Any], tip: str | None) -> tuple[dict[str, str], str]:
            history = self.history(pipeline, [stage], tip)[stage] if tip else StageHistory([], [])
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
            earlier, rolled_back = moved_history(history, previous, more)
            event.pop("history_index", None)
            event.pop("rolled_back_index", None)
            rolled_back = _latest_per_version(rolled_back, but=entry["version"])
            stages[stage] = entry
            state["seq"] = seq
            files = {
                "state.yaml": _dump(state),
                history_path(pipeline, stage): _dump(earlier[-HISTORY_KEPT:]),
                f"events/{seq:08d}-{event_id}.yaml": _dump(event),
                **extra_files(event_id, state),
            }
            if rolled_back or history.rolled_back:
                files[rolled_back_path(pipeline, stage)] = _dump(rolled_back[-HISTORY_KEPT:])
            result.clear()
            result.update(event)
            return files, f"{event_type} {pipeline}@{entry['version']} -> {stage}"

        self._commit(build)
        return result


# why `push --porcelain` says a ref was refused when someone else pushed first (the last two:
# the remote's own compare-and-swap lost, after it advertised the old tip); any other reason
# (a hook, branch protection) is not a race, and retrying cannot win it
LOST_RACE = (
    "fetch first",
    "non-fast-forward",
    "stale info",
    "atomic transaction failed",
    "failed to update ref",
)


def _push_rejection(porcelain: str) -> str:
    """The reason on the `!` (rejected) line of `git push --porcelain`: `!<TAB>src:dst<TAB>
    [rejected] (fetch first)` -> `fetch first`; "" when no ref was rejected."""
    for line in porcelain.splitlines():
        flag, _, rest = line.partition("\t")
        if flag == "!":
            summary = rest.partition("\t")[2]
            return summary.partition("(")[2].rpartition(")")[0] or summary.strip()
    return ""


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


def _event(data: Mapping[str, Any]) -> RegistryEvent:
    return RegistryEvent(
        data["id"],
        data["seq"],
        data["type"],
        data["pipeline"],
        data["version"],
        data["stage"],
        data,
    )


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


def _latest_per_version(entries: list[dict[str, Any]], but: str) -> list[dict[str, Any]]:
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
