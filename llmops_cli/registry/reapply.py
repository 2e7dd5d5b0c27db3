"""Re-applying the events written here on top of the remote's registry, when the two
diverged: each one a compare-and-swap on its stage entry (it applies only while the stage
holds what the event replaced), re-checked by the rules of its kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from llmops_cli.errors import LlmopsError
from llmops_cli.manifests.model import canonical_json
from llmops_cli.registry.layout import StageHistory, from_yaml, parse_event
from llmops_cli.registry.remote import NothingToDo, Precheck, Reapply

if TYPE_CHECKING:
    from llmops_cli.registry.registry import Registry


def reapply_local(registry: Registry, local: str, remote: str, reapply: Reapply) -> None:
    """Re-apply the events of the local branch that the remote-tracking one lacks on top
    of it, in their order. Each is a compare-and-swap on its stage entry: it applies only
    while the remote's stage still holds the entry the event replaced, re-checked by the
    precheck `reapply(event)` gives; one whose target the stage already holds is left out
    (`NothingToDo`); a stage the remote moved elsewhere refuses. An event keeps its id,
    evidence and first number and time (`reapplied`) and gets the next number. The old
    local branch is kept under refs/llmops-backup/; when one cannot be re-applied, nothing
    changes."""
    git = registry.store.git
    pending: list[tuple[dict[str, Any], dict[str, str], dict[str, Any] | None]] = []
    for commit in git.out("rev-list", "--reverse", f"{remote}..{local}").split():
        out = git.out("diff-tree", "-z", "--no-commit-id", "--name-only", "-r", "--root", commit)
        paths = [p for p in out.split("\0") if p]
        texts = registry.store.read_many(paths, commit)
        events = [t for p, t in texts.items() if p.startswith("events/") and t is not None]
        if len(events) != 1:
            continue  # not an event commit: nothing to re-apply
        extra = {
            p: t
            for p, t in texts.items()
            if p.startswith(("evidence/", "artifacts/")) and t is not None
        }
        event = parse_event(events[0])
        # the stage entry the event was decided against: the state it was written on
        before = registry.state(f"{commit}^") if event.get("previous_version") else {}
        decided_on = before.get("pipelines", {}).get(event["pipeline"], {}).get(event["stage"])
        pending.append((event, extra, decided_on))
    backup = f"refs/llmops-backup/{registry.branch}/{local[:12]}"
    git.run("update-ref", backup, local)
    registry.store.move(remote, expected=local)
    notes: list[str] = []
    try:
        for event, extra, decided_on in pending:
            notes.append(_reapply_one(registry, event, extra, reapply(event), decided_on))
    except BaseException:
        registry.store.move(local, expected=registry.store.tip())  # as it was: nothing written
        raise
    registry.before_reapply = registry.before_reapply or local
    first = f"refs/llmops-backup/{registry.branch}/{registry.before_reapply[:12]}"
    # a push that lost the race re-applies again: one note, of the last re-apply, naming
    # the branch as it was before the command
    registry.reapplied = [
        f"{len(pending)} local event(s) {registry.remote} lacked, re-checked and re-applied on "
        f"top of its registry (the branch as it was: {first}): " + "; ".join(notes)
    ]


def _reapply_one(
    registry: Registry,
    event: dict[str, Any],
    extra: dict[str, str],
    check: Precheck,
    decided_on: Mapping[str, Any] | None,
) -> str:
    """Re-apply one local event on the remote's state: a compare-and-swap on its stage
    entry. It applies only while the stage still holds the entry the event was decided
    against (`decided_on`); one the stage already holds the event's target is left out;
    anything else refuses (an old decision must not replace a newer version)."""
    seq = (event.get("reapplied") or {}).get("seq", event["seq"])  # as first written
    what = f"#{seq} {event['type']} {event['pipeline']}@{event['version']} -> "
    what += str(event["stage"])
    refuse = f"cannot re-apply local event {what} on {registry.remote}'s registry: "
    drop = (
        f"nothing was written. To keep {registry.remote}'s and drop the local events, run "
        f"`git update-ref {registry.store.ref} {registry.store.tracking}`"
    )
    artifacts = [p for p in extra if p.startswith("artifacts/")]
    theirs = registry.store.read_many(artifacts, registry.store.tip())
    for path in artifacts:
        text = theirs[path]
        if text is None:
            continue
        if canonical_json(from_yaml(text)) != canonical_json(from_yaml(extra[path])):
            raise LlmopsError(
                f"{refuse}{registry.remote} registered {path} with other content; {drop}, "
                "then bump that manifest's version and promote again"
            )
        del extra[path]  # registered already, with this content: theirs stays as it is
    fields = {k: v for k, v in event.items() if k not in RECORDED}
    # the decision's own number and time, also after a second re-apply
    fields["reapplied"] = event.get("reapplied") or {"seq": event["seq"], "at": event.get("at")}

    def guarded(
        state: dict[str, Any], history: StageHistory
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        name, stage = event["pipeline"], event["stage"]
        now = state.get("pipelines", {}).get(name, {}).get(stage)
        if holds(now, event["version"], event.get("fingerprint")):
            raise NothingToDo(f"{what}: {registry.remote} already has it")
        if decided_on is None:
            moved = now is not None
        else:
            moved = not holds(now, decided_on.get("version"), decided_on.get("fingerprint"))
        if moved:
            was, held = _entry(decided_on), _entry(now)
            if was == held:
                held += " (another fingerprint)"
            raise LlmopsError(
                f"{refuse}{registry.remote} moved {stage} from {was} to {held} since; this "
                f"event wanted {was} -> {event['version']}. {drop}; then, if "
                f"{event['version']} should still replace {held}, redo it deliberately: "
                f"`{_redo(event)}`"
            )
        try:
            return check(state, history)
        except NothingToDo:
            raise
        except LlmopsError as exc:
            raise LlmopsError(f"{refuse}{exc}; {drop}") from None

    try:
        written = registry.record(
            event["type"],
            event["pipeline"],
            event["stage"],
            fields,
            guarded,
            lambda _id, _state: extra,
            event_id=event["id"],
        )
    except NothingToDo:
        return f"{what} left out ({registry.remote} already has it)"
    return f"{what} is now #{written['seq']}"


# the event fields `record` (and the precheck) write themselves: a re-applied event gets
# them anew
RECORDED = ("id", "seq", "type", "pipeline", "version", "stage", "previous_version", "at",
            "tool_version", "approval_waived")  # fmt: skip


def holds(entry: Mapping[str, Any] | None, version: object, fingerprint: object) -> bool:
    """The stage entry is that version (and fingerprint, when one is known)."""
    if entry is None or entry.get("version") != version:
        return False
    return fingerprint is None or entry.get("fingerprint") == fingerprint


def _redo(event: Mapping[str, Any]) -> str:
    """The command that makes the change of `event` again, on the state as it is now."""
    name, stage, version = event["pipeline"], event["stage"], event["version"]
    if event["type"] == "rollback":
        return f"llmops rollback {name} --stage {stage} --to {version} --reason ... --push"
    return f"llmops promote {name}@{version} --to {stage} --push"


def _entry(entry: Mapping[str, Any] | None) -> str:
    return "nothing" if entry is None else str(entry.get("version"))
