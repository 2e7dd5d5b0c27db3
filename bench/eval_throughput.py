"""Eval throughput against a local OpenAI-compatible server (tests/fakeserver.py).

1. 1,000 cases, 50 ms server latency, concurrency 50, cache off: whole-process wall time vs
   the ideal 1,000 x 0.05 s / 50 = 1 s plus start-up; per-call client overhead.
2. The same 1,000 cases fully cached: whole-process wall time (target <= 2 s).
3. 10,000 cases (0 ms latency, concurrency 64): peak RSS.
Run: .venv/bin/python bench/eval_throughput.py  (add --skip-10k to skip part 3)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LLMOPS = str(BIN / "llmops")


def start_server(latency: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "tests/fakeserver.py"), str(latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def make_project(
    root: Path, url: str, cases: int, concurrency: int | None, transport: str | None = "litellm"
) -> None:
    """The sample project with `cases` numbered golden cases and its model served at `url`
    (None: leave the setting at llmops' default)."""
    subprocess.run([LLMOPS, "init", str(root)], check=True, stdout=subprocess.DEVNULL)
    source = [
        json.loads(x) for x in (root / "golden_sets/support/cases.jsonl").read_text().splitlines()
    ]
    with (root / "golden_sets/support/cases.jsonl").open("w") as f:
        for i in range(cases):
            case = dict(source[i % len(source)])
            case["id"] = f"c{i}"
            case["vars"] = {"question": f"{case['vars']['question']} (#{i})"}
            f.write(json.dumps(case) + "\n")
    (root / "manifests/models/bench.yaml").write_text(
        "kind: model\nname: bench\nversion: 1.0.0\nprovider: openai\nmodel: gpt-4o-mini-2024-07-18\n"
        f"api_base: {url}\napi_key_env: BENCH_KEY\n"
        + (f"limits: {{concurrency: {concurrency}, timeout_s: 30}}\n" if concurrency else "")
        + (f"transport: {transport}\n" if transport else "")
    )
    pipeline = root / "manifests/pipelines/support-bot.yaml"
    pipeline.write_text(pipeline.read_text().replace("support-model-local@1.0.0", "bench@1.0.0"))


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one whole process, via /usr/bin/time -v."""
    start = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-v", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"BENCH_KEY": "sk-bench-000000000000000000", "PATH": str(BIN) + ":/usr/bin:/bin"},
    )
    wall = time.perf_counter() - start
    assert out.returncode == 0, out.stderr[-2000:]
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))  # type: ignore[union-attr]
    return wall, rss


def main() -> None:
    server, url = start_server(0.05)
    ideal = 1000 * 0.05 / 50
    try:
        for transport, _imports in (
            ("litellm", "import llmops_cli.cli.main, litellm"),
            ("openai-http", "import llmops_cli.cli.main, aiohttp"),
        ):
            with tempfile.TemporaryDirectory() as tmp:
                root = Path(tmp) / "p"
                make_project(root, url, 1000, 50, transport)
                args = [LLMOPS, "eval", "support-bot", "--no-track", "--format", "json"]
                # fixed cost of the same command (imports, retrieval index, report files):
                # a one-case run
                startup = sorted(
                    timed([*args, "--cache", "off", "--limit", "1"], root)[0] for _ in range(3)
                )[1]
                wall = sorted(timed([*args, "--cache", "off"], root)[0] for _ in range(3))[1]
                # time beyond start-up and the ideal, spread over the calls: the client's own cost
                overhead_ms = (wall - startup - ideal) / 1000 * 1000
                print(
                    f"[{transport}] 1,000 cases, 50 ms latency, concurrency 50, cache off: median {wall:.2f} s"
                )
                print(
                    f"  start-up (a 1-case run of the same command): {startup:.2f} s; ideal {ideal:.2f} s + start-up = {ideal + startup:.2f} s"
                )
                print(
                    f"  ratio to ideal + start-up: {wall / (ideal + startup):.2f}x (target <= 1.5x)"
                )
                print(f"  client overhead per call (serialised): {overhead_ms:.1f} ms")
                timed([*args, "--cache", "read-write"], root)  # record
                cached = sorted(timed([*args, "--cache", "read-only"], root)[0] for _ in range(3))[
                    1
                ]
                print(
                    f"  1,000 cases fully cached (read-only replay): median {cached:.2f} s (target <= 2 s)"
                )
    finally:
        server.terminate()
    if "--skip-10k" in sys.argv:
        return
    server, url = start_server(0.0)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "p"
            make_project(root, url, 10_000, 64, "openai-http")
            wall, rss = timed(
                [LLMOPS, "eval", "support-bot", "--no-track", "--cache", "off", "--format", "json"],
                root,
            )
            print(
                f"[openai-http] 10,000 cases, concurrency 64: {wall:.1f} s, peak RSS {rss / 1024:.0f} MiB"
            )
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
