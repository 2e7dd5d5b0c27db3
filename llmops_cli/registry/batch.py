"""Reading many git objects through one `git cat-file --batch` process, in rounds."""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from llmops_cli.registry.store import GitError, git_env


class BatchReader:
    """A `git cat-file --batch` process answering requests in rounds, so a caller reading the
    newest events first can stop as soon as it has enough. Each round's names are written from
    a thread while this one reads the answers: neither pipe can fill up with both sides
    waiting. The process is killed at the deadline, and ends when the reader is closed."""

    def __init__(self, repo: Path, commit: str, timeout: float = 120.0) -> None:
        self.repo, self.commit, self.requested = repo, commit, 0
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        try:
            self.proc = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=repo,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                env=git_env(),
            )
        except OSError as exc:
            self.stderr.close()
            raise GitError(f"git cat-file --batch failed: {exc}") from exc
        self.timed_out = False
        self.deadline = threading.Timer(timeout, self._kill)
        self.deadline.daemon = True
        self.deadline.start()

    def _kill(self) -> None:
        self.timed_out = True
        self.proc.kill()

    def __enter__(self) -> BatchReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.deadline.cancel()
        assert self.proc.stdin is not None and self.proc.stdout is not None
        with suppress(BrokenPipeError):  # it died already; the read said so
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()

    def read(self, names: Sequence[str]) -> list[str | None]:
        """The content of each object named (None: no such object), in order."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.requested += len(names)
        feeder = threading.Thread(target=self._feed, args=("".join(f"{n}\n" for n in names),))
        feeder.start()
        try:
            return [self._answer(name) for name in names]
        except (ValueError, IndexError) as exc:
            why = self._why(exc)
            raise GitError(
                f"git cat-file --batch could not read the registry at {self.commit[:12]} in "
                f"{self.repo} ({why}); run `git fsck` there"
            ) from None
        except BaseException:  # e.g. ^C: end git first, or the feeder may wait on it forever
            self.proc.kill()
            raise
        finally:
            feeder.join()

    def _feed(self, request: str) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(request.encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):  # git died; the answers stop short, which says so
            pass

    def _answer(self, name: str) -> str | None:
        """`<oid> <type> <size>\\n<content>\\n`, or `<name> missing`."""
        assert self.proc.stdout is not None
        header = self.proc.stdout.readline().decode()
        if not header.endswith("\n"):
            raise ValueError(f"{name}: output cut short")
        if header.rstrip().endswith(" missing"):
            return None
        size = int(header.split()[2])
        content = self.proc.stdout.read(size + 1)
        if len(content) != size + 1:
            raise ValueError(f"{name}: output cut short")
        return content[:size].decode("utf-8")

    def _why(self, exc: Exception) -> str:
        if self.timed_out:
            return "no answer within the deadline"
        try:  # it stopped answering: it dies, having said why; or it is stuck, and is ended
            self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.stderr.seek(0)
        lines = self.stderr.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else str(exc)
