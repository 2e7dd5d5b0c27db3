"""The promises about the CLI itself: help everywhere, documented commands, fast start-up."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from llmops_cli.cli.main import app

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("litellm", "mlflow", "pandas", "scipy", "numpy", "presidio_analyzer", "jsonschema", "git")


def _commands() -> dict[str, typer.models.CommandInfo]:
    return {c.name or "": c for c in app.registered_commands}


def _walk(command: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every command, sub-commands of groups (`registry list`) included."""
    for name, sub in getattr(command, "commands", {}).items():
        yield f"{prefix}{name}", sub
        yield from _walk(sub, f"{prefix}{name} ")


def test_every_command_and_option_has_help() -> None:
    group = typer.main.get_command(app)
    assert group.help
    commands = dict(_walk(group))
    assert {"eval", "gate", "promote", "rollback", "registry list", "registry diff"} <= set(
        commands
    )
    for name, command in commands.items():
        assert command.help, f"{name} has no help"
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"{name} {param.name} has no help"
            else:
                assert getattr(param, "help", None), f"{name} argument {param.name} has no help"


def test_every_argument_is_shown_as_the_readme_writes_it() -> None:
    """`Usage: llmops eval [OPTIONS] {PIPELINE}` and `Missing argument 'PIPELINE'`, as the
    README writes `llmops eval PIPELINE` (Typer's default is the lower-case name)."""
    for name, command in _walk(typer.main.get_command(app)):
        for param in command.params:
            if param.param_type_name == "argument":
                metavar = param.metavar or ""
                assert metavar and metavar == metavar.upper(), f"{name} argument {param.name}"


def test_the_readme_names_the_current_rule_pack() -> None:
    """A rule pack version in the README is the one that ships (it said 2026.12.1 once the
    pack was at 2026.12.3)."""
    import re

    from llmops_cli.guardrails.injection_rules import RULE_PACK

    readme = (REPO / "README.md").read_text()
    assert set(re.findall(r"injection-\d{4}\.\d+\.\d+", readme)) <= {RULE_PACK}
    assert "Presidio's pattern recognizers on" not in readme  # the patterns are llmops's own


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for name in _commands():
        assert f"llmops {name}" in readme, f"`llmops {name}` missing from README.md"


def test_cli_import_loads_no_heavy_library() -> None:
    code = (
        "import sys, llmops_cli.cli.main\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_import_sets_offline_environment() -> None:
    code = "import os, llmops_cli; print(os.environ['LITELLM_LOCAL_MODEL_COST_MAP'], os.environ['HF_HUB_OFFLINE'])"
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["True", "1"]


def test_console_script_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "llmops_cli", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("llmops ")
