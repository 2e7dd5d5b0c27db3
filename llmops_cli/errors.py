"""Exit codes (DESIGN §10) and the one error hierarchy the CLI turns into them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USER_ERROR = 1
    USAGE = 2
    BUG = 3
    GATE_FAILED = 4
    DRIFT = 5
    INTERRUPTED = 130
    PIPE_CLOSED = 141  # stdout's reader went away (`| head`): 128 + SIGPIPE, no message


class LlmopsError(Exception):
    """A problem the user can fix. Its message is shown as one line: say what to do next."""

    exit_code: ExitCode = ExitCode.USER_ERROR


class ManifestError(LlmopsError):
    """One or more problems in a manifest, golden set or llmops.yaml, each located."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ProjectNotFound(LlmopsError):
    pass


@dataclass(frozen=True, slots=True)
class Problem:
    """One located finding, shown as `file:line: field: message`."""

    file: str
    message: str
    line: int | None = None
    field: str = ""
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`; did you mean 'support-bot'?` when a known name is close to a misspelt `name`."""
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
