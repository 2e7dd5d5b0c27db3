"""Eval throughput against a local OpenAI-compatible server (tests/fakeserver.py).

1. 1,000 cases, 50 ms server latency, concurrency 50, cache off: whole-process wall time vs
   the ideal 1,000 x 0.05 s / 50 = 1 s plus start-up; per-call client overhead.
2. The same 1,000 cases fully cached: whole-process wall time (target <= 2 s).
3. 10,000 cases (0 ms latency, concurrency 64): peak RSS.
Run: .venv/bin/python bench/eval_throughput.py  (add --skip-10k to skip part 3)

`--goals [--repeat N]` measures issue 18's goals 3 and 4 instead (default transport, `openai-http`):
3. 1,000 cases, 50 ms latency, concurrency 64, `--no-track --cache off`: the time beyond a
   1-case run of the same command, against the floor 1000 / 64 x 50 ms = 0.78 s (target
   <= 1.3x), once with `.llmops/` cleared of kept verdicts (first sight of these answers) and
   once repeated;
4. the same 1,000 cases all answered from the cache, tracking on (the default: a detached
   logger) and off (target <= 1.0 s wall).
Wall and CPU (user + sys of the eval process; not the server's, not the detached logger's).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LLMOPS = str(BIN / "llmops")
# the checkout PYTHONPATH names (a worktree), else the one installed in the venv
ENV = {"BENCH_KEY": "sk-bench-000000000000000000", "PATH": str(BIN) + ":/usr/bin:/bin"} | {
    k: v for k, v in os.environ.items() if k == "PYTHONPATH"
}


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


def _time_v(args: list[str], cwd: Path) -> tuple[float, str]:
    """Wall seconds of one whole process and /usr/bin/time -v's report of it."""
    start = time.perf_counter()
    out = subprocess.run(
        ["/usr/bin/time", "-v", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=ENV,
    )
    wall = time.perf_counter() - start
    assert out.returncode == 0, out.stderr[-2000:]
    return wall, out.stderr


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one whole process."""
    wall, report = _time_v(args, cwd)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1))  # type: ignore[union-attr]
    return wall, rss


def timed_cpu(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one whole process."""
    wall, report = _time_v(args, cwd)
    user = re.search(r"User time \(seconds\): ([\d.]+)", report)
    system = re.search(r"System time \(seconds\): ([\d.]+)", report)
    assert user and system
    return wall, float(user.group(1)) + float(system.group(1))


def median_of(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return sorted(r[0] for r in runs)[len(runs) // 2], sorted(r[1] for r in runs)[len(runs) // 2]


def wait_for_loggers(root: Path) -> None:
    """Every detached MLflow logger of `root` has written its outcome (none left running)."""
    deadline = time.monotonic() + 180
    runs = root / ".llmops/runs"
    while any('"pending"' in p.read_text() for p in runs.glob("*.tracking.json")):
        assert time.monotonic() < deadline, "a tracking logger did not finish"
        time.sleep(0.2)


def goals(repeats: int = 3) -> None:
    server, url = start_server(0.05)
    floor = 1000 / 64 * 0.05
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "p"
            make_project(root, url, 1000, 64, None)
            args = [LLMOPS, "eval", "support-bot", "--format", "json"]
            off = [*args, "--no-track", "--cache", "off"]
            timed_cpu([*off, "--limit", "1"], root)  # seals the manifests, keeps verdicts
            fresh, again, one_fresh, one_again = [], [], [], []
            for _ in range(repeats):  # alternated, so the load hits all alike
                # answers never seen: no guardrail verdict kept (manifests stay sealed); each
                # 1,000-case run is set against a 1-case run in the same state
                (root / ".llmops/cache/guardrails.sqlite").unlink(missing_ok=True)
                one_fresh.append(timed_cpu([*off, "--limit", "1"], root))
                (root / ".llmops/cache/guardrails.sqlite").unlink(missing_ok=True)
                fresh.append(timed_cpu(off, root))
                one_again.append(timed_cpu([*off, "--limit", "1"], root))
                again.append(timed_cpu(off, root))
            print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print(f"[goal 3] 1,000 cases, 50 ms, c=64, --no-track --cache off; floor {floor:.2f} s")
            for label, ones, many in (
                ("first sight", one_fresh, fresh),  # the guardrail verdicts made afresh
                ("repeated", one_again, again),  # the verdicts kept from the run before
            ):
                (w1, _), (w, c) = median_of(ones), median_of(many)
                print(
                    f"  {label:<12} 1 case {w1:.2f} s wall; 1,000 cases {w:.2f} s wall  "
                    f"{c:.2f} s CPU; beyond start-up {w - w1:.2f} s = {(w - w1) / floor:.2f}x "
                    "the floor (target <= 1.3x)"
                )
            timed_cpu([*args, "--no-track"], root)  # record every answer
            cached_off, cached_on = [], []
            for _ in range(repeats):
                cached_off.append(timed_cpu([*args, "--no-track"], root))
                cached_on.append(timed_cpu(args, root))
                wait_for_loggers(root)
            (wo, co), (wt, ct) = median_of(cached_off), median_of(cached_on)
            print("[goal 4] 1,000 cases all answered from the cache (target <= 1.0 s wall)")
            print(f"  tracking on (default)  {wt:.2f} s wall  {ct:.2f} s CPU")
            print(f"  --no-track             {wo:.2f} s wall  {co:.2f} s CPU")
    finally:
        server.terminate()
        server.wait()


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
    if "--goals" in sys.argv:
        goals(int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3)
    else:
        main()
