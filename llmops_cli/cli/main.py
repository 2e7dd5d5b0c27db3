"""The `llmops` application: commands, global options and the one error funnel."""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from llmops_cli import __version__
from llmops_cli.cli import (
    canary,
    drift,
    gate,
    guard,
    init,
    judge,
    promote,
    registry,
    resolve,
    schema,
    validate,
)
from llmops_cli.cli import eval as eval_cmd
from llmops_cli.cli.options import NOTES
from llmops_cli.errors import ExitCode, LlmopsError, ManifestError
from llmops_cli.extras import missing_extra


class LlmopsGroup(TyperGroup):
    """Turns every exception into one stderr line and the exit code of DESIGN §10."""

    def invoke(self, ctx: Any) -> Any:  # a click Context; Typer vendors click since 0.22
        try:
            return self._invoke(ctx)
        finally:  # notes held under --format json that no error object took
            for line in ctx.meta.pop(NOTES, []):
                typer.echo(line, err=True)

    def _invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LlmopsError as exc:
            _fail(ctx, str(exc).splitlines() or [type(exc).__name__], exc.exit_code, exc)
        except (KeyboardInterrupt, typer.Abort):
            _fail(ctx, ["interrupted"], ExitCode.INTERRUPTED, prefix="")
        except ModuleNotFoundError as exc:  # a lazy import whose extra is not installed
            missing = missing_extra(exc)
            if missing is None:
                _bug(ctx, exc)
            _fail(ctx, [str(missing)], missing.exit_code, missing)
        except BrokenPipeError as exc:
            if _stdout_reader_gone():  # `llmops ... | head -1`: the reader has all it wanted
                raise typer.Exit(_stdout_closed()) from None
            _bug(ctx, exc)  # a pipe to a child process or a socket: a real failure
        except OSError as exc:
            if exc.errno not in _ENVIRONMENT_ERRNOS:
                _bug(ctx, exc)
            # a full disk (`> /dev/full` too), a read-only or forbidden folder: the machine's
            # state, not a bug
            where = f" {exc.filename}" if exc.filename else " (output)"
            _fail(ctx, [f"cannot write{where}: {exc.strerror}"], ExitCode.USER_ERROR)
        except Exception as exc:
            if _from_framework(exc):
                raise  # usage errors and exits: Typer reports them itself (exit 2 / as given)
            _bug(ctx, exc)


_ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES})


def _fail(
    ctx: Any,
    lines: list[str],
    code: ExitCode,
    exc: LlmopsError | None = None,
    prefix: str = "error: ",
) -> NoReturn:
    """The one way out on an error: `error: ...` lines on stderr, or under `--format json`
    one JSON object there (`{"error", "exit_code"}`, plus `problems` for manifest errors)
    so that a script reading JSON gets JSON; stdout carries only results."""
    if ctx.meta.get("llmops.format") == "json":
        import json

        body: dict[str, Any] = {"error": "\n".join(lines), "exit_code": int(code)}
        if isinstance(exc, ManifestError):
            body["problems"] = [p.to_dict() for p in exc.problems]
        if notes := ctx.meta.pop(NOTES, []):  # e.g. `mlflow run of ...`: inside, not before
            body["notes"] = notes
        typer.echo(json.dumps(body), err=True)
    else:
        for line in lines:
            typer.echo(f"{prefix}{line}", err=True)
    raise typer.Exit(int(code)) from None


def _bug(ctx: Any, exc: Exception) -> NoReturn:
    if _debug(ctx):
        import traceback

        traceback.print_exc()
        raise typer.Exit(int(ExitCode.BUG)) from None
    message = (
        f"internal error: {type(exc).__name__}: {exc} "
        "(this is a bug; rerun with --debug for the traceback and report it)"
    )
    _fail(ctx, [message], ExitCode.BUG, prefix="")


def _stdout_reader_gone() -> bool:
    """Whether stdout is a pipe whose reader has closed it: then a write there fails with
    EPIPE, and poll() reports POLLERR on the write end (Linux, macOS; elsewhere: False)."""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll(), or stdout has no descriptor
        return False


def _stdout_closed() -> int:
    """Point stdout at /dev/null so that the interpreter's last flush cannot fail again, and
    exit as a process killed by SIGPIPE would (128 + 13), silently, like `yes | head -1`."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return int(ExitCode.PIPE_CLOSED)


def _from_framework(exc: Exception) -> bool:
    # Typer >= 0.22 vendors click; its exception classes live in typer or click by version.
    return isinstance(exc, typer.Exit) or type(exc).__module__.split(".")[0] in ("click", "typer")


def _debug(ctx: Any) -> bool:
    return bool(ctx.meta.get("llmops.debug")) or os.environ.get("LLMOPS_DEBUG") == "1"


app = typer.Typer(
    name="llmops",
    cls=LlmopsGroup,
    help=(
        "Versioned prompts, models and retrieval configs: evaluate, gate, promote, roll back.\n\n"
        "Exit codes: 0 ok, 1 user error, 2 usage, 3 bug, 4 gate failed, 5 drift, 130 interrupted."
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich+markdown would double start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"llmops {__version__}")
        raise typer.Exit()


@app.callback()
def callback(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show tracebacks for internal errors (or LLMOPS_DEBUG=1)."),
    ] = False,
) -> None:
    """Exit codes: 0 ok, 1 user error, 2 usage, 3 bug, 4 gate failed, 5 drift, 130 interrupted."""
    ctx.meta["llmops.debug"] = debug


app.command("init")(init.init)
app.command("validate")(validate.validate)
app.command("schema")(schema.schema)
app.command("resolve")(resolve.resolve)
app.command("eval")(eval_cmd.eval_command)
app.command("gate")(gate.gate)
app.command("promote")(promote.promote)
app.command("rollback")(promote.rollback)
app.command("export")(registry.export)
app.command("reproduce")(registry.reproduce)
app.add_typer(registry.app, name="registry")
app.add_typer(drift.app, name="drift-check")
app.command("guard")(guard.guard)
app.add_typer(canary.app, name="canary")
app.add_typer(judge.app, name="judge")


def main() -> None:
    """Console-script entry point."""
    # Typer validates parameters through pydantic, whose plugin discovery scans every installed
    # distribution's entry points (~60 ms a command). llmops uses no pydantic plugins; only the
    # CLI process opts out (library users keep theirs), and a user's own setting wins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    stdout = sys.stdout
    try:
        app(prog_name="llmops")  # always ends in SystemExit
    except SystemExit as exc:
        # --help / --version met a closed pipe before any command ran: Typer's own EPIPE
        # handler has replaced stdout and chose 1 ("user error"); exit as a closed pipe does
        # elsewhere
        if exc.code == 1 and sys.stdout is not stdout and _stdout_reader_gone():
            raise SystemExit(int(ExitCode.PIPE_CLOSED)) from None
        raise
    finally:
        try:  # output still buffered when the reader left: flush it here, not at shutdown
            sys.stdout.flush()
        except BrokenPipeError:
            raise SystemExit(_stdout_closed()) from None
