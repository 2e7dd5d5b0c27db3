"""The resume journal: each finished case is appended to `.llmops/runs/<pipeline>/<key>.jsonl`
as it finishes, so an interrupted run (Ctrl-C, kill) resumes where it stopped. The key names
everything that shapes the run's rows (fingerprint, target, repeat, limit, tags, scrubbing)."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmops_cli.manifests.model import canonical_json

if TYPE_CHECKING:
    from llmops_cli.evaluation.plan import EvalOptions
    from llmops_cli.manifests.resolve import ResolvedPipeline
    from llmops_cli.project import Project


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Journal:
    """Append-only JSONL of finished cases; the first line names the run it belongs to."""

    def __init__(
        self, path: Path, run_id: str, started_at: str, rows: list[dict[str, Any]]
    ) -> None:
        self.path = path
        self.run_id = run_id
        self.started_at = started_at
        self.rows = rows
        self.done = {(r["case_id"], r["repeat"]) for r in rows}
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    @staticmethod
    def path_for(
        project: Project, resolved: ResolvedPipeline, options: EvalOptions, target: str
    ) -> Path:
        identity = canonical_json(
            {
                "fingerprint": resolved.fingerprint,
                "target": target,
                "repeat": options.repeat,
                "limit": options.limit,
                "tags": sorted(options.tags),
                "scrub": options.scrub_outputs,
            }
        )
        key = hashlib.sha256(identity.encode()).hexdigest()[:20]
        return project.state_dir / "runs" / resolved.pipeline.name / f"{key}.jsonl"

    @classmethod
    def open(
        cls, project: Project, resolved: ResolvedPipeline, options: EvalOptions, target: str
    ) -> Journal:
        path = cls.path_for(project, resolved, options, target)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows: list[dict[str, Any]] = []
        header: dict[str, Any] | None = None
        if path.exists():
            text = path.read_text("utf-8")
            if text and not text.endswith("\n"):
                with path.open("a", encoding="utf-8") as f:
                    f.write("\n")  # seal a line cut short by a kill before appending more
            for line in text.splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a kill: that case simply runs again
                if header is None:
                    header = record
                elif isinstance(record, dict) and "case_id" in record:
                    rows.append(record)
        if header is None or "run_id" not in header:
            started = utc_now()
            stamp = started.replace("-", "").replace(":", "")
            unique = uuid.uuid4().hex[:4]  # two runs of one pipeline may start in one second
            header = {
                "run_id": f"{stamp}-{resolved.fingerprint[:8]}-{unique}",
                "started_at": started,
            }
            path.write_text(json.dumps(header) + "\n", encoding="utf-8")
            rows = []
        return cls(path, header["run_id"], header["started_at"], rows)

    def append(self, row: dict[str, Any]) -> None:
        # one write() per line: a kill leaves whole lines or one truncated last line
        os.write(self._fd, (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        self.rows.append(row)
        self.done.add((row["case_id"], row["repeat"]))

    def close(self) -> None:
        os.close(self._fd)
