"""report.html at scale: render time per 1,000 cases (Python, Jinja2 + the embedded JSON), with
a baseline diff, for 1,000 and 10,000 cases; then, when /usr/bin/chromium is there, how long
headless Chromium takes to load the 10,000-case page, draw its first rows and filter them.

The cases are the sample project's real eval rows (54, offline baseline model) repeated under
new ids; the baseline is the same report with every seventh case's status flipped.
Run: .venv/bin/python bench/html_report.py
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from llmops_cli.contracts.report import EvalReport  # noqa: E402
from llmops_cli.render import html  # noqa: E402


def sample_report(root: Path) -> dict[str, Any]:
    llmops = [sys.executable, "-m", "llmops_cli"]
    subprocess.run([*llmops, "init", str(root)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*llmops, "eval", "support-bot", "--no-track"], cwd=root, check=True, capture_output=True
    )
    [path] = root.glob("reports/support-bot/*/report.json")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def scaled(report: dict[str, Any], n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = report["cases"]
    cases = []
    for i in range(n):
        row = copy.deepcopy(rows[i % len(rows)])
        row["case_id"] = f"{row['case_id']}-{i}"
        cases.append(row)
    big = {**report, "cases": cases}
    baseline = copy.deepcopy(big)
    for row in baseline["cases"][::7]:
        row["status"] = "failed" if row["status"] == "passed" else "passed"
    return big, baseline


def time_render(plain: dict[str, Any], plain_baseline: dict[str, Any]) -> tuple[float, str]:
    report, baseline = EvalReport.from_dict(plain), EvalReport.from_dict(plain_baseline)
    html.render(report, baseline, baseline_label="bench")  # templates compiled once
    best, page = float("inf"), ""
    for _ in range(3):
        started = time.process_time()
        page = html.render(report, baseline, baseline_label="bench")
        best = min(best, time.process_time() - started)
    return best, page


def time_chromium(path: Path) -> None:
    from browser import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        print("chromium: not installed, skipped")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("#rows tr.case")
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        page.select_option("#f-status", "failed")
        page.select_option("#f-sort", "m:token_f1")
        filtered = time.perf_counter() - started
        count = page.text_content("#count")
        browser.close()
    print(
        f"chromium, 10,000 cases: load + first rows {loaded:.2f} s; "
        f"filter + sort {filtered:.2f} s ({count})"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = sample_report(Path(tmp) / "proj")
        for n in (1_000, 10_000):
            big, baseline = scaled(report, n)
            seconds, page = time_render(big, baseline)
            print(
                f"{n:>6} cases: render {seconds:.3f} CPU-s ({seconds / n * 1000:.3f} s per "
                f"1,000 cases), page {len(page.encode()) / 1e6:.1f} MB"
            )
        out = Path(tmp) / "report.html"
        out.write_text(page, "utf-8")
        time_chromium(out)


if __name__ == "__main__":
    main()
