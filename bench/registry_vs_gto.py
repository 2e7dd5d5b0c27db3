"""Registry operations side by side with GTO (issue 8): promote (GTO: assign) and show, with
1,500 and 10,000 history entries.

Both histories are built with `git fast-import`: for llmops, N promote events on the registry
branch (as in bench/registry_scale.py); for GTO, N annotated tags in GTO's own format, half
registrations (`p-K@v1.0.J`) and half stage assignments (`p-K#dev#M`), over 100 artifacts,
each tag on its own commit. Whole processes, alternating tool by tool; medians. GTO's reads
are quadratic in the number of tags, so at 10,000 it runs once per operation.
Run: .venv/bin/python bench/registry_vs_gto.py   (GTO from .bench/gto: `make bench` installs it)

`registry_vs_gto.py history [SIZES...]` (issue 18 goal 5): `llmops registry history` beside
`gto history`, CPU seconds (user + system, git children included), medians, the two tools
alternated run by run: the whole history (`--all` / `gto history`), one artifact (`p-1
--limit 20` / `gto history p-1`), and llmops's default `--limit 20`. Target: >= 20x GTO.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import cpu_seconds
from registry_scale import HISTORY_CASES, LLMOPS, git, make_root

GTO = str(Path(__file__).resolve().parents[1] / ".bench/gto/bin/gto")
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "b@b",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "b@b",
}


def gto_history(root: Path, entries: int) -> None:
    git(root, "init", "-q")
    stream = ["reset refs/heads/main"]
    versions = entries // 2
    for i in range(1, versions + 1):
        stream += [
            "commit refs/heads/main",
            f"mark :{i}",
            f"committer b <b@b> {1700000000 + i} +0000",
        ]
        stream += ["data 2", "c"] + ([f"from :{i - 1}"] if i > 1 else [])
    assigned: dict[str, int] = {}
    for i in range(1, versions + 1):
        name, version = f"p-{i % 100}", f"v1.0.{i // 100}"
        assigned[name] = assigned.get(name, 0) + 1
        for tag, message in (
            (f"{name}@{version}", f"Registering artifact {name} version {version}"),
            (
                f"{name}#dev#{assigned[name]}",
                f"Assigning stage dev to artifact {name} version {version}",
            ),
        ):
            data = message.encode()
            stream += [f"tag {tag}", f"from :{i}", f"tagger b <b@b> {1700000000 + i} +0000"]
            stream += [f"data {len(data)}", message]
    git(root, "fast-import", "--quiet", input=("\n".join(stream) + "\n").encode())
    git(root, "checkout", "-q", "main")


def seconds(cmd: list[str], cwd: Path, undo: list[str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, env=ENV)
    elapsed = time.perf_counter() - start
    if undo:
        subprocess.run(undo, cwd=cwd, check=True, capture_output=True)
    return elapsed


HISTORY_PAIRS = (  # llmops case (registry_scale.HISTORY_CASES), the GTO command it answers
    ("--all", ["history"]),
    ("p-1 --limit 20", ["history", "p-1"]),
    ("--limit 20", ["history"]),
)


def history_side_by_side(sizes: tuple[int, ...], runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            ours = make_root(Path(tmp), n, evidence=False)
            theirs = Path(tmp) / f"gto{n}"
            theirs.mkdir()
            gto_history(theirs, n)
            cpu: dict[str, list[float]] = {}
            # GTO is quadratic in tags: past 1,500 entries one run of its whole history only
            pairs = HISTORY_PAIRS if n <= 1_500 else HISTORY_PAIRS[::2]
            runs = runs if n <= 1_500 else 1
            for _ in range(runs):  # alternate the tools, run by run
                for case, args in HISTORY_CASES.items():
                    cmd = [LLMOPS, "registry", "history", *args]
                    cpu.setdefault(case, []).append(cpu_seconds(cmd, ours))
                for gto_args in ({" ".join(a): a for _, a in pairs}).values():
                    cpu.setdefault(f"gto {' '.join(gto_args)}", []).append(
                        cpu_seconds([GTO, *gto_args], theirs, env=ENV)
                    )
            med = {k: statistics.median(v) for k, v in cpu.items()}
            print(f"{n:>6,} history entries, CPU seconds (median of {runs}):")
            for case, gto_args in pairs:
                gto_case = f"gto {' '.join(gto_args)}"
                print(
                    f"  llmops registry history {case:<15} {med[case]:6.2f} s   "
                    f"{gto_case:<17} {med[gto_case]:6.2f} s   "
                    f"llmops {med[gto_case] / med[case]:5.1f}x less"
                )


def main() -> None:
    if sys.argv[1:2] == ["history"]:
        history_side_by_side(tuple(int(a) for a in sys.argv[2:]) or (1_000, 1_500))
        return
    sizes = tuple(int(a) for a in sys.argv[1:]) or (1_500, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            ours = make_root(Path(tmp), n)
            theirs = Path(tmp) / f"gto{n}"
            theirs.mkdir()
            gto_history(theirs, n)
            rounds = 5 if n <= 1_500 else 1
            times: dict[str, list[float]] = {}
            last = n // 2
            for _ in range(rounds):  # alternate the tools, run by run
                undo_ours = ["git", "update-ref", "refs/heads/llmops/registry",
                             "refs/heads/llmops/registry~1"]  # fmt: skip
                times.setdefault("llmops promote", []).append(
                    seconds([LLMOPS, "promote", "support-bot", "--to", "dev"], ours, undo_ours)
                )
                times.setdefault("gto assign", []).append(
                    seconds(
                        [
                            GTO,
                            "assign",
                            "p-1",
                            "--version",
                            f"v1.0.{(last - 1) // 100}",
                            "--stage",
                            "prod",
                        ],
                        theirs,
                        ["sh", "-c", "git tag -l 'p-1#prod#*' | xargs git tag -d"],
                    )
                )
                times.setdefault("llmops registry show", []).append(
                    seconds([LLMOPS, "registry", "show", "p-1"], ours)
                )
                times.setdefault("gto show", []).append(seconds([GTO, "show", "p-1"], theirs))
            med = {k: statistics.median(v) for k, v in times.items()}
            print(f"{n:>6,} history entries ({rounds} runs each):")
            for ours_op, theirs_op in (
                ("llmops promote", "gto assign"),
                ("llmops registry show", "gto show"),
            ):
                print(
                    f"  {ours_op:<22} {med[ours_op]:7.2f} s   {theirs_op:<10} {med[theirs_op]:7.2f} s"
                    f"   llmops {med[theirs_op] / med[ours_op]:5.1f}x faster"
                )


if __name__ == "__main__":
    main()
