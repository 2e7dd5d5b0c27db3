"""Eval throughput side by side with promptfoo (issue 8).

The same 1,000 golden cases (the sample's 54 questions, numbered), the same deterministic
assertion per case (`icontains`), the same OpenAI-compatible server (tests/fakeserver.py,
aiohttp) on 127.0.0.1 answering after 50 ms. Whole processes, alternating the tools run by
run, medians of 3:

1. each tool at its defaults, uncached (llmops: `--cache off`, concurrency 16, MLflow
   tracking on; promptfoo: `--no-cache`, concurrency 4, results written to its database);
2. both at concurrency 16 and 64;
3. fully cached reruns (llmops `--cache read-only`; promptfoo with its cache filled).

llmops also retrieves (BM25 over the sample's 18 articles) and renders context for every case;
promptfoo sends the question alone. promptfoo 0.121.20 lives in .bench/promptfoo (`make
bench` installs it); no traffic leaves 127.0.0.1 (see ../shared/BENCH-NOTES.md).
Run: .venv/bin/python bench/eval_vs_promptfoo.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from eval_throughput import LLMOPS, make_project, start_server

REPO = Path(__file__).resolve().parents[1]
PROMPTFOO = str(REPO / ".bench/promptfoo/node_modules/.bin/promptfoo")
KEY = "sk-bench-000000000000000000"
CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000


def promptfoo_env(state: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PROMPTFOO_CONFIG_DIR": str(state / "config"),
        "PROMPTFOO_CACHE_PATH": str(state / "cache"),
        "PROMPTFOO_LOG_DIR": str(state / "logs"),
        "PROMPTFOO_DISABLE_TELEMETRY": "1",
        "PROMPTFOO_DISABLE_UPDATE": "1",
        "PROMPTFOO_DISABLE_SHARING": "1",
        "NO_UPDATE_NOTIFIER": "1",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
        "OPENAI_API_KEY": KEY,
    }


def promptfoo_project(folder: Path, golden: Path, url: str) -> None:
    tests = []
    for line in golden.read_text().splitlines():
        case = json.loads(line)
        tests.append(
            {
                "vars": case["vars"],
                "assert": [{"type": a["type"], "value": a["value"]} for a in case["assert"]],
            }
        )
    config = {
        "description": "llmops bench",
        "prompts": ["Answer the customer's question.\n\nQuestion: {{question}}"],
        "providers": [{"id": "openai:chat:gpt-4o-mini-2024-07-18", "config": {"apiBaseUrl": url}}],
        "tests": tests,
    }
    folder.mkdir(parents=True)
    (folder / "promptfooconfig.yaml").write_text(json.dumps(config))  # JSON is YAML


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    # promptfoo exits 100 when an assertion fails; llmops 0 (eval does not gate)
    if out.returncode not in (0, 100):
        raise SystemExit(f"{cmd[0]} failed ({out.returncode}): {out.stderr[-1500:]}")
    return elapsed


def main() -> None:
    server, url = start_server(0.05)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ours = Path(tmp) / "llmops"
            make_project(ours, url, CASES, concurrency=None, transport=None)
            theirs = Path(tmp) / "promptfoo"
            promptfoo_project(theirs, ours / "golden_sets/support/cases.jsonl", url)
            state = Path(tmp) / "pf-state"
            pf_env = promptfoo_env(state)
            our_env = {**os.environ, "BENCH_KEY": KEY, "MLFLOW_DISABLE_TELEMETRY": "true"}
            base = [LLMOPS, "eval", "support-bot", "--format", "json"]
            pf = [PROMPTFOO, "eval", "-c", "promptfooconfig.yaml", "--no-table"]
            plans = {
                "defaults": (
                    [*base, "--cache", "off"],
                    [*pf, "--no-cache"],
                ),
                "concurrency 16": (
                    [*base, "--cache", "off", "--no-track", "--concurrency", "16"],
                    [*pf, "--no-cache", "-j", "16"],
                ),
                "concurrency 64": (
                    [*base, "--cache", "off", "--no-track", "--concurrency", "64"],
                    [*pf, "--no-cache", "-j", "64"],
                ),
            }
            # fill both caches once
            run([*base, "--no-track", "--concurrency", "64"], ours, our_env)
            run([*pf, "-j", "64"], theirs, pf_env)
            plans["fully cached rerun"] = (
                [*base, "--cache", "read-only", "--no-track"],
                pf,
            )
            for label, (our_cmd, their_cmd) in plans.items():
                a, b = [], []
                for _ in range(3):
                    a.append(run(our_cmd, ours, our_env))
                    b.append(run(their_cmd, theirs, pf_env))
                x, y = statistics.median(a), statistics.median(b)
                print(
                    f"{label:<20} llmops {x:6.2f} s  promptfoo {y:6.2f} s  "
                    f"llmops {y / x:4.1f}x the throughput"
                )
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
