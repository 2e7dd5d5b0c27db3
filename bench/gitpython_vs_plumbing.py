"""GitPython or plain git plumbing for the registry's reads (issue 17, item 4)?

Builds a repository whose one commit holds N small YAML files (events, as the registry
stores them), then reads every file by `<commit>:<path>` four ways, each in a fresh Python
process, and prints CPU seconds (the process and its git children; steadier than wall time
on a shared machine) and wall seconds:

  plumbing   llmops's BatchReader: one `git cat-file --batch`, the names fed from a thread
  gitpython  GitPython's `Repo.git.get_object_data`: its persistent `cat-file --batch`
  per-call   one `git cat-file blob` process per file (llmops's `Store.read`), on N/20 files,
             scaled to N
and the start-up cost of each library: `import git` + `Repo()` against `import subprocess`.

Run: .venv/bin/python bench/gitpython_vs_plumbing.py [N]   (default 2000)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import cpu_seconds

READERS = {
    "plumbing": """
from llmops_cli.registry.store import BatchReader
with BatchReader(ROOT, COMMIT) as reader:
    texts = reader.read([f"{COMMIT}:{p}" for p in PATHS])
""",
    "gitpython": """
import git
repo = git.Repo(ROOT)
texts = [repo.git.get_object_data(f"{COMMIT}:{p}")[3].decode() for p in PATHS]
""",
    "per-call": """
import subprocess
texts = [subprocess.run(["git", "cat-file", "blob", f"{COMMIT}:{p}"], cwd=ROOT,
                        capture_output=True, text=True, check=True).stdout for p in PATHS]
""",
}
STARTS = {  # each reader's imports and set-up alone, subtracted to leave the reads
    "plumbing": "from llmops_cli.registry.store import BatchReader\ntexts = PATHS",
    "gitpython": "import git\ngit.Repo(ROOT)\ntexts = PATHS",
    "per-call": "import subprocess\ntexts = PATHS",
}


def build(root: Path, n: int) -> tuple[str, list[str]]:
    """One commit holding `n` event files, made with `git fast-import` (seconds, not minutes)."""
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    paths = [f"events/{i:06d}.yaml" for i in range(n)]
    stream = ["commit refs/heads/main", "committer b <b@example.test> 0 +0000", "data 5", "bench"]
    for i, path in enumerate(paths):
        body = f"seq: {i}\npipeline: p-{i % 7}\nstage: dev\nversion: 1.0.{i}\n"
        stream += [f"M 100644 inline {path}", f"data {len(body)}", body.rstrip("\n")]
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=root, check=True, input="\n".join(stream) + "\n",
        text=True,
    )  # fmt: skip
    commit = subprocess.run(
        ["git", "rev-parse", "main"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()
    return commit, paths


def measure(code: str, root: Path, commit: str, paths: list[str]) -> tuple[float, float]:
    """Best of three runs of `code` in a fresh interpreter: (CPU s, wall s)."""
    return min((_once(code, root, commit, paths) for _ in range(3)), key=lambda r: r[0])


def _once(body: str, root: Path, commit: str, paths: list[str]) -> tuple[float, float]:
    code = (
        f"from pathlib import Path\nROOT, COMMIT = Path({str(root)!r}), {commit!r}\n"
        f"PATHS = {paths!r}\n" + body + "\nassert len(texts) == len(PATHS)\n"
    )
    script = root.parent / "reader.py"
    script.write_text(code)
    start = time.perf_counter()
    cpu = cpu_seconds([sys.executable, str(script)])
    return cpu, time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory(prefix="llmops-gitpy-") as tmp:
        root = Path(tmp) / "repo"
        commit, paths = build(root, n)
        reads, starts = {}, {}
        for reader, code in READERS.items():
            sample = paths[: max(n // 20, 1)] if reader == "per-call" else paths
            starts[reader] = measure(STARTS[reader], root, commit, sample)
            total = measure(code, root, commit, sample)
            scale = n / len(sample)  # per-call reads a 1/20 sample
            reads[reader] = tuple(
                (t - s) * scale for t, s in zip(total, starts[reader], strict=True)
            )
        print(f"{n} object reads by <commit>:<path>, best of 3; CPU s (process + git) / wall s")
        for reader in READERS:
            cpu, wall = reads[reader]
            print(
                f"  {reader:<10} reads {cpu:7.3f} / {wall:7.3f}  "
                f"({cpu / reads['plumbing'][0]:.2f}x plumbing CPU); "
                f"imports and set-up {starts[reader][0]:.3f} s CPU"
            )


if __name__ == "__main__":
    main()
