"""Eval throughput side by side with promptfoo and DeepEval (issue 8).

The same 1,000 golden cases (the sample's 54 questions, numbered), the same deterministic
assertion per case (`icontains`), the same OpenAI-compatible server (tests/fakeserver.py,
aiohttp) on 127.0.0.1 answering after 50 ms. Whole processes, alternating the tools run by
run, medians of 3:

1. each tool at its defaults, uncached (llmops: `--cache off`, concurrency 16, MLflow
   tracking on; promptfoo: `--no-cache`, concurrency 4, results written to its database);
2. both at concurrency 16 and 64;
3. fully cached reruns (llmops `--cache read-only`; promptfoo with its cache filled).
DeepEval (bench/_deepeval_eval.py) generates with the OpenAI SDK at the given concurrency (it
leaves generation to the user: "defaults" uses 20, its metric concurrency) and scores with
`evaluate()`; it has no generation cache, so no cached row. DeepEval rewrites (and fsyncs)
its whole test-run and cache JSON files after every test case, so its time grows with the
square of the cases (~2.5 min for 1,000): it runs once per row, in two rows.
MLflow tracking stays on in every llmops row, as promptfoo always writes its results database.

llmops also retrieves (BM25 over the sample's 18 articles) and renders context for every case;
promptfoo and DeepEval send the question alone. promptfoo 0.121.20 lives in .bench/promptfoo (`make
bench` installs it); no traffic leaves 127.0.0.1 (see ../shared/BENCH-NOTES.md).
Run: .venv/bin/python bench/eval_vs_peers.py [CASES]   (`make bench` installs the peers)
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
DEEPEVAL = str(REPO / ".bench/deepeval/bin/python")
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
    # promptfoo exits 100 when an assertion fails; llmops 0 (eval does not gate). promptfoo
    # 0.121.20 on Node 20 now and then crashes in its logger at exit, after the eval is done
    # and saved: that run counts (its time is the whole eval), the crash is reported.
    finished = out.returncode == 1 and "Eval complete" in out.stdout + out.stderr
    if finished:
        print(f"  note: {cmd[0]} exited 1 after 'Eval complete' (its exit-time crash)")
    if out.returncode not in (0, 100) and not finished:
        raise SystemExit(f"{cmd[0]} failed ({out.returncode}): {out.stderr[-1500:]}")
    return elapsed


def main() -> None:
    server, url = start_server(0.05)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ours = Path(tmp) / "llmops"
            make_project(ours, url, CASES, concurrency=None, transport=None)
            golden = ours / "golden_sets/support/cases.jsonl"
            theirs = Path(tmp) / "promptfoo"
            promptfoo_project(theirs, golden, url)
            pf_env = promptfoo_env(Path(tmp) / "pf-state")
            our_env = {**os.environ, "BENCH_KEY": KEY, "MLFLOW_DISABLE_TELEMETRY": "true"}
            de_env = {**pf_env, "DEEPEVAL_TELEMETRY_OPT_OUT": "YES"}
            base = [LLMOPS, "eval", "support-bot", "--format", "json"]
            pf = [PROMPTFOO, "eval", "-c", "promptfooconfig.yaml", "--no-table"]
            de = [DEEPEVAL, str(Path(__file__).with_name("_deepeval_eval.py")), str(golden), url]
            # (llmops, promptfoo, DeepEval or None) per row
            plans: dict[str, tuple[list[str], list[str], list[str] | None]] = {
                "defaults": ([*base, "--cache", "off"], [*pf, "--no-cache"], [*de, "20"]),
                "concurrency 16": (
                    [*base, "--cache", "off", "--concurrency", "16"],
                    [*pf, "--no-cache", "-j", "16"],
                    None,
                ),
                "concurrency 64": (
                    [*base, "--cache", "off", "--concurrency", "64"],
                    [*pf, "--no-cache", "-j", "64"],
                    [*de, "64"],
                ),
            }
            if not os.access(DEEPEVAL, os.X_OK):
                print(f"note: DeepEval not installed at {DEEPEVAL}; its column is skipped")
                plans = {label: (a, b, None) for label, (a, b, _) in plans.items()}
            # fill both caches once; DeepEval caches metric results, not generations: no row
            run([*base, "--no-track", "--concurrency", "64"], ours, our_env)
            run([*pf, "-j", "64"], theirs, pf_env)
            plans["fully cached rerun"] = ([*base, "--cache", "read-only"], pf, None)
            for label, (our_cmd, pf_cmd, de_cmd) in plans.items():
                times: dict[str, list[float]] = {"llmops": [], "promptfoo": [], "DeepEval": []}
                for _ in range(3):  # alternate the tools, run by run
                    times["llmops"].append(run(our_cmd, ours, our_env))
                    times["promptfoo"].append(run(pf_cmd, theirs, pf_env))
                    if de_cmd is not None and not times["DeepEval"]:  # once: ~2.5 min a run
                        times["DeepEval"].append(run(de_cmd, Path(tmp), de_env))
                med = {tool: statistics.median(t) for tool, t in times.items() if t}
                line = f"{label:<20} llmops {med['llmops']:6.2f} s"
                for tool in ("promptfoo", "DeepEval"):
                    if tool in med:
                        line += f"  {tool} {med[tool]:6.2f} s ({med[tool] / med['llmops']:4.1f}x)"
                print(line, flush=True)
            print("(Nx) = llmops' throughput as a multiple of that tool's, same run")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
