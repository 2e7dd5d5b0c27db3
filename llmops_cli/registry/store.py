"""The registry's storage: one git branch written with plumbing only.

The user's working tree, index and current branch are never touched: blobs are written with
`hash-object`, trees built in a throw-away index file, commits made with `commit-tree`, and the
branch moved with `update-ref NEW OLD` — a compare-and-swap, so two writers never both win and
a crash leaves the old commit or the new one. Reads go straight to `git cat-file` on the tip:
the local branch, or the remote-tracking one when the local branch is missing or behind it (a
fresh clone). Fetches and pushes run with a deadline and never prompt for credentials.
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from llmops_cli import procs
from llmops_cli.errors import LlmopsError
from llmops_cli.guardrails.scrub import scrub_secrets

if TYPE_CHECKING:
    from llmops_cli.registry.batch import BatchReader

ZERO = "0" * 40
Relation = Literal["same", "behind", "ahead", "diverged", "unknown"]
FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "llmops",
    "GIT_AUTHOR_EMAIL": "llmops@localhost",
    "GIT_COMMITTER_NAME": "llmops",
    "GIT_COMMITTER_EMAIL": "llmops@localhost",
}


class RegistryConflict(LlmopsError):
    """The branch moved under us (another writer won the compare-and-swap)."""


class GitError(LlmopsError):
    pass


class NotARepository(LlmopsError):
    """The project is not inside a git repository, so it has no registry at all."""


# git's messages untranslated: the code reads some of them ("couldn't find remote ref")
GIT_ENV = {"LC_ALL": "C", "LANGUAGE": ""}
NETWORK_TIMEOUT_S = 60.0
# a fetch that only refreshes a copy fetched before (a write without --push, the gate's
# baseline): when the remote is silent the copy serves, so waiting a minute buys nothing
REFRESH_TIMEOUT_S = 5.0
# no credential prompt (nobody answers it in CI), and an HTTP transfer slower than 1 KB/s for
# 20 s is abandoned by git itself; the subprocess deadline covers ssh and everything else
NETWORK_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_HTTP_LOW_SPEED_LIMIT": "1000",
    "GIT_HTTP_LOW_SPEED_TIME": "20",
}


def network_timeout() -> float:
    raw = os.environ.get("LLMOPS_GIT_TIMEOUT", "")
    if not raw:
        return NETWORK_TIMEOUT_S
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise LlmopsError(
            f"LLMOPS_GIT_TIMEOUT={raw!r}: expected a number of seconds above 0, e.g. 60"
        )
    return seconds


def refresh_timeout() -> float:
    """The deadline of a fetch that can fall back on a copy fetched before: a few seconds
    (LLMOPS_GIT_TIMEOUT, when shorter)."""
    return min(REFRESH_TIMEOUT_S, network_timeout())


Progress = Callable[[str], None]


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **GIT_ENV, **(extra or {})}


@dataclass(frozen=True)
class Git:
    repo: Path

    def run(
        self,
        *args: str,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        try:
            out = subprocess.run(
                ["git", *args],
                cwd=self.repo,
                input=input,
                capture_output=True,
                text=True,
                env=git_env(env),
                timeout=120,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(f"git {args[0]} failed: {exc}") from exc
        if check and out.returncode != 0:
            message = (out.stderr.strip() or out.stdout.strip()).splitlines()
            last = scrub_secrets(message[-1]) if message else "failed"
            raise GitError(f"git {' '.join(args[:2])}: {last}")
        return out

    def out(self, *args: str, input: str | None = None) -> str:
        return self.run(*args, input=input).stdout.strip()

    def network(self, *args: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
        """A fetch or push, killed (with its ssh / helper children) at the deadline
        (`timeout`, default LLMOPS_GIT_TIMEOUT)."""
        limit = network_timeout() if timeout is None else timeout
        try:  # ^C or the deadline end git with its ssh / helper children
            return procs.run(["git", *args], cwd=self.repo, env=git_env(NETWORK_ENV), timeout=limit)
        except OSError as exc:
            raise GitError(f"git {args[0]} failed: {exc}") from exc
        except subprocess.TimeoutExpired:
            where = next((a for a in args[1:] if not a.startswith("-")), "")
            raise GitError(
                f"git {args[0]} {where}: no answer within {limit:g} s; check the network "
                "and the remote's URL (LLMOPS_GIT_TIMEOUT sets the deadline)"
            ) from None

    def has_remote(self, name: str) -> bool:
        return self.run("config", "--get", f"remote.{name}.url", check=False).returncode == 0


def git_message(stderr: str) -> str:
    """The line of git's stderr that says what went wrong (not the advice after it)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return scrub_secrets((fatal or lines or ["failed"])[0])  # a URL may hold a token


def find_repo(start: Path) -> Path:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            text=True,
            env=git_env(),
            timeout=30,
        )
    except OSError as exc:
        raise GitError(f"git is not available: {exc}") from exc
    if out.returncode != 0:
        raise NotARepository(
            f"{start} is not inside a git repository; the registry lives in git "
            "(run `git init`, or set registry.repo in llmops.yaml)"
        )
    return Path(out.stdout.strip())


class BranchStore:
    """Files on one branch: read the tip, write a new commit by compare-and-swap."""

    def __init__(self, repo: Path, branch: str, remote: str = "origin") -> None:
        self.git = Git(repo)
        self.ref = branch if branch.startswith("refs/") else f"refs/heads/{branch}"
        self.remote = remote
        self.tracking = f"refs/remotes/{remote}/{self.ref.removeprefix('refs/heads/')}"
        self.requested = 0  # objects asked of `git cat-file --batch` so far (what reads cost)

    def tip(self) -> str | None:
        """The local branch: what writes compare-and-swap."""
        return self.refs()[0]

    def refs(self) -> tuple[str | None, str | None]:
        """The local branch's commit and the remote-tracking branch's, in one git call."""
        out = self.git.out(
            "for-each-ref", "--format=%(refname) %(objectname)", self.ref, self.tracking
        )
        found = dict(line.split(" ", 1) for line in out.splitlines())
        return found.get(self.ref), found.get(self.tracking)

    def head(self) -> str | None:
        """The commit reads look at: the local branch, or the remote-tracking one when the
        local branch is missing or behind it (a fresh clone has only the latter). Ahead
        (events not pushed yet) or diverged: what was written here. Unknown: the fetched
        one, the shared state (writes refuse until the history is complete)."""
        return self.read_source()[0]

    def read_source(self) -> tuple[str | None, bool]:
        """`head()`, and whether it is the remote-tracking branch (as fetched, not fetched now)."""
        local, remote = self.refs()
        tracking = remote is not None and self.relation(local, remote) in ("behind", "unknown")
        return (remote if tracking else local), tracking

    def fetched_at(self) -> str | None:
        """When the remote-tracking branch was last brought here (UTC): the newest of its own
        reflog (a fetch that moved it), FETCH_HEAD when the last fetch named this branch, and
        the clone (which writes no reflog for remote-tracking branches). None: unknown."""
        paths = self.git.out(
            "rev-parse",
            "--git-path",
            f"logs/{self.tracking}",
            "--git-path",
            "FETCH_HEAD",
            "--git-path",
            "logs/HEAD",
        ).splitlines()
        moved, fetch_head, head = (self.git.repo / p for p in paths)
        branch = self.ref.removeprefix("refs/heads/")
        times = [
            _reflog_time(_lines(moved)[-1:]),
            _mtime(fetch_head) if f"branch '{branch}' of" in "".join(_lines(fetch_head)) else None,
            _reflog_time(line for line in _lines(head)[:1] if "\tclone: " in line),
        ]
        known = [t for t in times if t is not None]
        if not known:
            return None
        return datetime.fromtimestamp(max(known), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def relation(self, local: str | None, remote: str | None) -> Relation:
        """How the local branch stands to the remote-tracking one, from one merge-base:
        reads (head) and writes (catch_up) decide on the same answer. No shared commit:
        `diverged` (two histories begun apart), or `unknown` in a shallow repository (the
        fetch may have cut the history off before the shared commit)."""
        if local == remote:
            return "same"
        if local is None or remote is None:
            return "behind" if local is None else "ahead"
        out = self.git.run("merge-base", local, remote, check=False)
        base = out.stdout.strip()
        if out.returncode != 0 or not base:
            shallow = self.git.out("rev-parse", "--is-shallow-repository") == "true"
            return "unknown" if shallow else "diverged"
        return "behind" if base == local else "ahead" if base == remote else "diverged"

    def fetch(self, *, timeout: float | None = None, progress: Progress | None = None) -> bool:
        """Update the remote-tracking branch; False when the remote has no such branch.
        `timeout`: the deadline (default LLMOPS_GIT_TIMEOUT); `progress` is told at once that
        the fetch starts and how long it may take."""
        limit = network_timeout() if timeout is None else timeout
        if progress is not None:
            progress(f"fetching {self.remote} (up to {limit:g} s)...")
        out = self.git.network(
            "fetch",
            "--quiet",
            "--no-tags",
            self.remote,
            f"+{self.ref}:{self.tracking}",
            timeout=limit,
        )
        if out.returncode == 0:
            return True
        if "couldn't find remote ref" in out.stderr:
            # the remote has none (any more): forget a stale copy, as `fetch --prune` would
            self.git.run("update-ref", "-d", self.tracking, check=False)
            return False
        raise GitError(f"git fetch {self.remote} {self.ref}: {git_message(out.stderr)}")

    def move(self, commit: str | None, expected: str | None) -> None:
        """Point the local branch at `commit` (None: delete it), only if it is at `expected`."""
        args = (self.ref, commit, expected or ZERO) if commit else ("-d", self.ref, expected or "")
        if self.git.run("update-ref", *args, check=False).returncode != 0:
            raise RegistryConflict(f"the registry branch {self.ref} moved meanwhile; retry")

    def read(self, path: str, at: str | None = None) -> str | None:
        commit = at or self.head()
        if commit is None:
            return None
        out = self.git.run("cat-file", "blob", f"{commit}:{path}", check=False)
        return out.stdout if out.returncode == 0 else None

    def read_many(self, paths: Sequence[str], at: str | None = None) -> dict[str, str | None]:
        """Several files in one `git cat-file --batch` call."""
        commit = at or self.head()
        if commit is None or not paths:
            return dict.fromkeys(paths)
        with self.reader(commit) as reader:
            return dict(zip(paths, reader.read([f"{commit}:{p}" for p in paths]), strict=True))

    @contextmanager
    def reader(self, commit: str) -> Iterator[BatchReader]:
        """One `git cat-file --batch` process reading objects of `commit`, in rounds."""
        from llmops_cli.registry.batch import BatchReader

        reader = BatchReader(self.git.repo, commit)
        try:
            with reader:
                yield reader
        finally:
            self.requested += reader.requested

    def list(self, folder: str, at: str | None = None) -> list[str]:
        return [name for name, _ in self.entries(folder, at)]

    def entries(self, folder: str, at: str | None = None) -> Sequence[tuple[str, str]]:
        """(name, object id) of each file in `folder`, from one `git ls-tree`. The ids read
        in O(1) each, where `commit:folder/name` makes git search the folder's tree again for
        every name (quadratic in a folder of thousands of events)."""
        commit = at or self.head()
        if commit is None:
            return []
        out = self.git.run("ls-tree", "-z", f"{commit}:{folder}", check=False)
        if out.returncode != 0:
            return []
        rows = (line.partition("\t") for line in out.stdout.split("\0") if line)
        return [(name, info.split()[2]) for info, _, name in rows]

    def write(self, files: Mapping[str, str], message: str, expected: str | None) -> str:
        """Commit `files` on top of `expected` and move the branch there, only if it still
        points at `expected` (None: only if it does not exist yet)."""
        with tempfile.TemporaryDirectory(prefix="llmops-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if expected is not None:
                self.git.run("read-tree", expected, env=env)
            # every blob in one `hash-object` call (a git process costs ~5 ms)
            sources = []
            for i, text in enumerate(files.values()):
                source = Path(tmp) / f"blob-{i}"
                source.write_text(text, encoding="utf-8")
                sources.append(f"{source}\n")
            blobs = self.git.out(
                "hash-object", "-w", "--no-filters", "--stdin-paths", input="".join(sources)
            ).split()
            lines = [f"100644 {blob}\t{path}\n" for blob, path in zip(blobs, files, strict=True)]
            self.git.run("update-index", "--index-info", input="".join(lines), env=env)
            tree = self.git.run("write-tree", env=env).stdout.strip()
        parents = ["-p", expected] if expected is not None else []
        commit = self._commit_tree(tree, parents, message)
        moved = self.git.run(
            "update-ref", "-m", message, self.ref, commit, expected or ZERO, check=False
        )
        if moved.returncode != 0:
            raise RegistryConflict(
                f"the registry branch {self.ref} moved while writing; retry the command"
            )
        return commit

    def _commit_tree(self, tree: str, parents: Sequence[str], message: str) -> str:
        made = self.git.run("commit-tree", tree, *parents, "-m", message, check=False)
        if made.returncode != 0 and "email" in made.stderr:
            # No git identity here (a fresh CI runner): who acted is in the event itself, so
            # the commit gets a neutral one instead of failing the promotion.
            made = self.git.run(
                "commit-tree", tree, *parents, "-m", message, env=FALLBACK_IDENTITY, check=False
            )
        if made.returncode != 0:
            raise GitError(f"git commit-tree: {made.stderr.strip() or 'failed'}")
        return made.stdout.strip()


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _reflog_time(lines: Iterable[str]) -> float | None:
    """The time of a reflog line (`OLD NEW Name <email> 1700000000 +0000<TAB>message`)."""
    for line in lines:
        stamp = line.partition("\t")[0].rsplit(" ", 2)[-2]
        if stamp.isdigit():
            return float(stamp)
    return None
