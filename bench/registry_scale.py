"""Registry operations with long histories (issue 4).

Builds a registry branch holding N events with `git fast-import` (one commit; what our
operations cost depends on the tip's tree, not on the number of commits), then times whole
`llmops` processes: promote, rollback, and `registry show` at N = 1,000 and 10,000.
Targets: promote and rollback <= 0.5 s at 10,000 events; show within 1.2x between sizes.
Run: .venv/bin/python bench/registry_scale.py

`registry_scale.py history [SIZES...]` (issue 18): CPU seconds of `registry history --limit 20`,
`--all` and a pipeline filter (`p-1`, one event in 100) at 1,000 / 5,000 / 10,000 events, and
the ratio between sizes; with GTO in .bench/gto, `gto history` at the smallest size beside it.
Targets: `--limit 20` flat in history length, `--all` linear at worst, >= 20x GTO.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _timing import cpu_seconds, median_seconds

LLMOPS = str(Path(sys.executable).parent / "llmops")
YAML_EVENTS = "--yaml-events" in sys.argv
if YAML_EVENTS:
    sys.argv.remove("--yaml-events")


def git(root: Path, *args: str, input: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, input=input, capture_output=True)


def event_text(event: dict[str, object]) -> str:
    """An event file as the registry writes it (JSON since 2026-12; `--yaml-events`: YAML, as
    written by earlier versions)."""
    if YAML_EVENTS:
        return dump(event)
    return json.dumps(event, indent=2, ensure_ascii=False) + "\n"


def dump(data: object) -> str:
    """YAML as the registry writes it (libyaml: 10x faster than PyYAML's pure-Python dump)."""
    return yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)


def synthetic_history(root: Path, events: int) -> None:
    pipelines: dict[str, dict[str, object]] = {}
    histories: dict[str, list[object]] = {}
    files: dict[str, str] = {}
    for seq in range(1, events + 1):
        name = f"p-{seq % 100}"
        version = f"1.0.{seq // 100}"
        event_id = f"{seq:012x}"
        entry = {
            "version": version,
            "fingerprint": f"{seq:064x}",
            "manifests": {},
            "event": event_id,
            "at": "2026-01-01T00:00:00Z",
        }
        previous = pipelines.setdefault(name, {}).get("dev")
        if previous is not None:
            histories[name] = [*histories.get(name, []), previous][-100:]
        pipelines[name]["dev"] = entry
        files[f"events/{seq:08d}-{event_id}.yaml"] = event_text(
            {  # every field a real promote event has, so that reading one costs the same
                "id": event_id,
                "seq": seq,
                "type": "promote",
                "pipeline": name,
                "version": version,
                "stage": "dev",
                "previous_version": previous["version"] if previous else None,
                "from_stage": None,
                "fingerprint": f"{seq:064x}",
                "source_commit": f"{seq:040x}",
                "report_run_id": f"20260101T000000Z-{seq:08x}-0000",
                "report_sha256": f"{seq:064x}",
                "gate_verdict": "pass",
                "approvers": [],
                "reason": "",
                "forced": False,
                "manifests": {
                    "prompt": f"prompt-{name}@{version}",
                    "model": "model@1.0.0",
                    "retrieval": "kb@1.0.0",
                    "thresholds": "gate@1.0.0",
                    "golden_set": f"{seq:064x}",
                },
                "change_type": ["prompt"],
                "at": "2026-01-01T00:00:00Z",
                "tool_version": "0.1.0",
            },
        )
    for name, history in histories.items():
        files[f"history/{name}/dev.yaml"] = dump(history)
    files["state.yaml"] = dump({"seq": events, "pipelines": pipelines})
    stream = [
        "commit refs/heads/llmops/registry",
        "committer bench <b@b> 1700000000 +0000",
        "data 7",
        "history",
    ]
    for path, text in files.items():
        data = text.encode()
        stream += [f"M 100644 inline {path}", f"data {len(data)}", data.decode()]
    git(root, "fast-import", "--quiet", input=("\n".join(stream) + "\n").encode())


def make_root(tmp: Path, events: int, evidence: bool = True) -> Path:
    """A project whose registry holds `events` events; `evidence`: with a passing gate of
    support-bot, so that it can be promoted."""
    root = tmp / f"p{events}"
    subprocess.run([LLMOPS, "init", str(root)], check=True, capture_output=True)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "init")
    if not evidence:
        synthetic_history(root, events)
        return root
    subprocess.run(
        [LLMOPS, "eval", "support-bot", "--no-track"], cwd=root, check=True, capture_output=True
    )
    subprocess.run([LLMOPS, "gate", "support-bot"], cwd=root, check=True, capture_output=True)
    synthetic_history(root, events)
    return root


HISTORY_CASES = {
    "--limit 20": ["--limit", "20"],
    "--all": ["--all"],
    "p-1 --limit 20": ["p-1", "--limit", "20"],
}


def history_bench(sizes: tuple[int, ...], runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        roots = {n: make_root(Path(tmp), n, evidence=False) for n in sizes}
        cpu: dict[tuple[str, int], list[float]] = {}
        for _ in range(runs):  # alternate sizes and cases run by run
            for n in sizes:
                for case, args in HISTORY_CASES.items():
                    cmd = [LLMOPS, "registry", "history", *args]
                    cpu.setdefault((case, n), []).append(cpu_seconds(cmd, roots[n]))
        med = {key: statistics.median(times) for key, times in cpu.items()}
        print(f"registry history, CPU seconds (median of {runs}; llmops and its git processes)")
        print(
            f"{'':<16}" + "".join(f"{n:>10,}" for n in sizes) + f"   {sizes[-1]:,} vs {sizes[0]:,}"
        )
        for case in HISTORY_CASES:
            cells = "".join(f"{med[case, n]:9.2f}s" for n in sizes)
            print(f"{case:<16}{cells}   {med[case, sizes[-1]] / med[case, sizes[0]]:.2f}x")
        gto = Path(__file__).resolve().parents[1] / ".bench/gto/bin/gto"
        if gto.exists():
            from registry_vs_gto import ENV, gto_history

            n = sizes[0]
            theirs = Path(tmp) / f"gto{n}"
            theirs.mkdir()
            gto_history(theirs, n)
            theirs_s = statistics.median(
                cpu_seconds([str(gto), "history"], theirs, env=ENV) for _ in range(3)
            )
            print(
                f"gto history at {n:,} entries: {theirs_s:.2f} s CPU (median of 3); llmops "
                f"--all {theirs_s / med['--all', n]:.1f}x and --limit 20 "
                f"{theirs_s / med['--limit 20', n]:.1f}x less"
            )
        else:
            print(f"(no {gto}: `make .bench/gto/bin/gto` installs GTO for the comparison)")


def main() -> None:
    if sys.argv[1:2] == ["history"]:
        history_bench(tuple(int(a) for a in sys.argv[2:]) or (1_000, 5_000, 10_000))
        return
    sizes = (1_000, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        roots = {n: make_root(Path(tmp), n) for n in sizes}
        # alternate sizes run by run, so machine noise hits both alike
        show: dict[int, list[float]] = {n: [] for n in sizes}
        for _ in range(9):
            for n in sizes:
                show[n].append(
                    median_seconds([LLMOPS, "registry", "show", "p-1"], runs=1, cwd=roots[n])
                )
        for n in sizes:
            root = roots[n]
            times = []
            for _ in range(3):  # one real promotion on top of the history, then undo it
                times.append(
                    median_seconds(
                        [LLMOPS, "promote", "support-bot", "--to", "dev"], runs=1, cwd=root
                    )
                )
                git(
                    root, "update-ref", "refs/heads/llmops/registry", "refs/heads/llmops/registry~1"
                )
            rollback = median_seconds(
                [LLMOPS, "rollback", "p-1", "--stage", "dev", "--reason", "bench"], runs=5, cwd=root
            )
            version = median_seconds([LLMOPS, "--version"], runs=5, cwd=root)
            print(
                f"{n:>6} events: promote {sorted(times)[1]:.2f} s, rollback {rollback:.2f} s, "
                f"registry show {sorted(show[n])[4]:.2f} s (llmops --version {version:.2f} s)"
            )
        ratio = sorted(show[10_000])[4] / sorted(show[1_000])[4]
        print(f"registry show, 10,000 vs 1,000 events: {ratio:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
