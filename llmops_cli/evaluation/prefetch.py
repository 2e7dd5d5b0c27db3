"""What the report needs that does not depend on this run's rows, made in a background thread
while the calls are in flight (the event loop mostly waits on sockets then): the bootstrap's
resample indices (and numpy, where retrieval has not imported it), the HTML page's template,
the previous report the page compares with, read and converted, and the code hash of the
aggregates' memo key. About 0.1 s of a
1,000-case eval leaves the critical path.

Only ever a head start: what the thread did not make, or failed at, the report makes in the
foreground as it always did, with the same result.
"""

from __future__ import annotations

import threading
from contextlib import suppress

from llmops_cli.evaluation.report import Prefetched, read_newest
from llmops_cli.project import Project


class ReportPrefetch:
    """`start()` once the first call is answered (the setup and the first burst of requests
    have the CPU to themselves); `wait()` before the report is built. Never started (no
    calls): nothing is made ahead."""

    def __init__(self, project: Project, pipeline_name: str, rows: int) -> None:
        self._folder = project.reports_dir / pipeline_name
        self._rows = rows
        self.previous: Prefetched | None = None
        self._thread = threading.Thread(target=self._work, name="llmops-prefetch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _work(self) -> None:
        # each step on its own: a failure (an unreadable report, a missing template) costs
        # only the head start, and the foreground meets it again and reports it as it would
        with suppress(Exception):
            from llmops_cli.evaluation.aggregate import prepare

            prepare(self._rows)
        with suppress(Exception):
            from llmops_cli.render import html

            html.prepare()
        with suppress(Exception):
            self.previous = read_newest(self._folder)
        with suppress(Exception):  # the aggregates' memo key (a walk of the package's files)
            from llmops_cli.evaluation.replay import code_tag

            code_tag()

    def wait(self) -> Prefetched | None:
        """The thread's end (local work only: reading and importing); the previous report."""
        if self._thread.ident is not None:
            self._thread.join()
        return self.previous
