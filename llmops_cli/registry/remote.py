"""Sharing the registry branch through a git remote: fetch and catch up before a write, push
atomically after it, and tell a lost race from a refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llmops_cli.errors import LlmopsError
from llmops_cli.registry.layout import StageHistory
from llmops_cli.registry.store import (
    BranchStore,
    GitError,
    Progress,
    git_message,
    network_timeout,
    refresh_timeout,
)

# the precheck of `Registry.record`: (state, stage history) -> (stage entry, event fields)
Precheck = Callable[[dict[str, Any], StageHistory], tuple[dict[str, Any], dict[str, Any]]]
# how to re-check one stored event on another state (re-applying local events on the remote's)
Reapply = Callable[[dict[str, Any]], Precheck]


class RegistryDiverged(LlmopsError):
    """The local registry branch and the remote's each hold events the other lacks."""


class NothingToDo(LlmopsError):
    """A precheck found the stage already as the write would leave it (e.g. that version is
    already there): not an error, nothing is written."""


class RemoteSync:
    """The remote half of `Registry`: what it needs is its store, remote and branch names."""

    store: BranchStore
    remote: str
    branch: str

    def has_remote(self) -> bool:
        return self.store.git.has_remote(self.remote)

    def sync(
        self,
        *,
        offline_ok: bool = False,
        progress: Progress | None = None,
        reapply: Reapply | None = None,
    ) -> str:
        """Before a write: fetch the remote's registry (when the remote exists) and move the
        local branch up to it, so the write builds on the shared history instead of forking
        it. Events written here and not pushed yet are kept (they go with the next push).
        `offline_ok`: a failed fetch is not fatal (a local write while the git host is down);
        the warning to show is returned, and the write builds on the copy fetched before,
        after a short deadline when there is such a copy. `progress` hears that a fetch starts.
        `reapply`: when the two have diverged, re-apply the local events on the remote's."""
        warning = ""
        if self.has_remote():
            have_copy = any(self.store.refs())
            limit = refresh_timeout() if offline_ok and have_copy else network_timeout()
            try:
                self.store.fetch(timeout=limit, progress=progress)
            except GitError as exc:
                if not offline_ok:
                    raise
                warning = (
                    f"{self.remote} not reached ({exc}); written on the registry as last "
                    "fetched, the next --push sends it"
                )
        self.catch_up(reapply)
        return warning

    def catch_up(self, reapply: Reapply | None = None) -> None:
        """Move the local branch up to the remote-tracking one when it is missing or behind
        (no network); when they have diverged, re-apply the local events on top of the
        remote's with `reapply`, else refuse."""
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
        assert local is not None and remote is not None  # diverged: both exist
        if reapply is not None:
            self.reapply_local(local, remote, reapply)
            return
        ours = self.store.git.out("rev-list", "--count", f"{remote}..{local}")
        raise RegistryDiverged(
            f"the local registry branch {self.branch} has {ours} event(s) that {self.remote} "
            f"does not, and {self.remote} has moved since; nothing was written. Run it again "
            f"with --push to re-apply them on top of {self.remote}'s (each re-checked against "
            f"its state) and push; see them with `llmops registry history`. To keep "
            f"{self.remote}'s and drop them instead, run `git update-ref {self.store.ref} "
            f"{self.store.tracking}`"
        )

    def reapply_local(self, local: str, remote: str, reapply: Reapply) -> None:
        raise NotImplementedError  # Registry writes events

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
