"""Registry operations with long histories (issue 4).

Builds a registry branch holding N events with `git fast-import` (one commit; what our
operations cost depends on the tip's tree, not on the number of commits), then times whole
`llmops` processes: promote, rollback, and `registry show` at N = 1,000 and 10,000.
Targets: promote and rollback <= 0.5 s at 10,000 events; show within 1.2x between sizes.
Run: .venv/bin/python bench/registry_scale.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _timing import median_seconds

LLMOPS = str(Path(sys.executable).parent / "llmops")


def git(root: Path, *args: str, input: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, input=input, capture_output=True)


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
        files[f"events/{seq:08d}-{event_id}.yaml"] = yaml.safe_dump(
            {
                "id": event_id,
                "seq": seq,
                "type": "promote",
                "pipeline": name,
                "version": version,
                "stage": "dev",
                "at": "2026-01-01T00:00:00Z",
            }
        )
    for name, history in histories.items():
        files[f"history/{name}/dev.yaml"] = yaml.safe_dump(history, sort_keys=False)
    files["state.yaml"] = yaml.safe_dump({"seq": events, "pipelines": pipelines}, sort_keys=False)
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


def make_root(tmp: Path, events: int) -> Path:
    root = tmp / f"p{events}"
    subprocess.run([LLMOPS, "init", str(root)], check=True, capture_output=True)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "init")
    subprocess.run(
        [LLMOPS, "eval", "support-bot", "--no-track"], cwd=root, check=True, capture_output=True
    )
    subprocess.run([LLMOPS, "gate", "support-bot"], cwd=root, check=True, capture_output=True)
    synthetic_history(root, events)
    return root


def main() -> None:
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
