"""Take the README's screenshots with headless Chromium: report.html of the sample project
(a second run compared with the first, after the gate) and the MLflow run page of the same
kind of run on a live `mlflow server` (its dataset input, tags and the results table).
Run: .venv/bin/python docs/screenshots.py   (writes docs/report-html.png, docs/mlflow-*.png)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import ARGS, CHROMIUM  # noqa: E402
from mlflowserver import mlflow_server  # noqa: E402

LLMOPS = [sys.executable, "-m", "llmops_cli"]


def llmops(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [*LLMOPS, *args], cwd=root, capture_output=True, text=True, env=env or os.environ
    )
    if done.returncode not in (0, 4):
        raise SystemExit(f"llmops {' '.join(args)}: {done.stderr}")
    return done.stdout


def sample(root: Path) -> None:
    subprocess.run([*LLMOPS, "init", str(root)], check=True, capture_output=True)


def second_run(root: Path) -> Path:
    """Two evals with one case made to fail and one to pass in the second, then the gate."""
    llmops(root, "eval", "support-bot", "--no-track")
    golden = root / "golden_sets/support/cases.jsonl"
    cases = [json.loads(line) for line in golden.read_text().splitlines()]
    for case in cases:
        if case["id"] == "2fa-02":
            case["assert"] = [{"type": "icontains", "value": "authenticator app"}]
        if case["id"] == "pw-03":
            case["assert"] = [{"type": "icontains", "value": "Reset your password"}]
    golden.write_text("".join(json.dumps(c) + "\n" for c in cases))
    llmops(root, "eval", "support-bot", "--no-track")
    llmops(root, "gate", "support-bot")
    reports = root.glob("reports/support-bot/*/report.json")
    return max(reports, key=lambda p: p.stat().st_mtime_ns).parent / "report.html"


def shoot(page, url: str, name: str, ready: str, click: str = "") -> None:  # type: ignore[no-untyped-def]
    """A page of MLflow's single-page app once its run has loaded (it polls: no network idle)."""
    page.goto(url)
    page.get_by_text(ready).first.wait_for(timeout=90_000)
    close = page.get_by_role("button", name="Close")
    if close.count():
        close.first.click()  # the assistant's side panel
    if click:
        page.get_by_text(click).first.click()
        page.wait_for_timeout(3000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(DOCS / name), full_page=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        root = Path(tmp) / "quillnote"
        sample(root)
        page.goto(second_run(root).as_uri())
        page.select_option("#f-status", "failed")
        page.locator("#rows tr.case").first.click()
        page.screenshot(path=str(DOCS / "report-html.png"), full_page=True)

        with mlflow_server(Path(tmp) / "mlflow") as url:
            tracked = Path(tmp) / "tracked"
            sample(tracked)
            env = {**os.environ, "MLFLOW_TRACKING_URI": url}
            llmops(tracked, "eval", "support-bot", "--wait-tracking", env=env)
            llmops(tracked, "gate", "support-bot", env=env)
            [report] = tracked.glob("reports/support-bot/*/report.json")
            outcome = tracked / f".llmops/runs/{report.parent.name}.tracking.json"
            run = json.loads(outcome.read_text())["mlflow_run_id"]
            gated = tracked / f".llmops/runs/{report.parent.name}.gate.tracking.json"
            while json.loads(gated.read_text())["state"] == "pending":  # tags come from the
                time.sleep(0.2)  # gate's background process
            from mlflow.tracking import MlflowClient

            experiment = MlflowClient(url).get_run(run).info.experiment_id
            shoot(
                page,
                f"{url}/#/experiments/{experiment}/runs/{run}",
                "mlflow-run.png",
                "golden_sets/support/cases.jsonl",
            )
            table = f"{url}/#/experiments/{experiment}/runs/{run}/artifacts"
            shoot(
                page,
                table,
                "mlflow-table.png",
                "eval_results_table.json",
                click="eval_results_table.json",
            )
        browser.close()


if __name__ == "__main__":
    main()
