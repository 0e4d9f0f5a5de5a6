"""Starting a meeting run from the web app: `casebundle run` as a child process.

The run goes through the Prefect flow exactly as from the command line (same options, same
state folder), in its own process, so the web app stays small and a failed run cannot take
it down. One run at a time per web app. Each start is kept in `<state>/web/runs.jsonl`
(who started it, when, how it ended) and its console output in `<state>/web/runs/<id>.log`,
both owner-only; the console output names files and counts, never cell values.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

JobState = Literal["running", "succeeded", "failed"]
TAIL_LINES = 15


class RunBusy(Exception):
    """A run started from this app has not finished yet."""


class RunJob(BaseModel):
    model_config = ConfigDict(frozen=True)
    job_id: str
    started_by: str
    started_at: datetime
    state: JobState = "running"
    finished_at: datetime | None = None
    returncode: int | None = None

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class RunLauncher:
    """Runs `argv` in the background, one at a time, and remembers how each run ended."""

    def __init__(self, argv: Sequence[str], state_dir: Path, env: dict[str, str] | None = None
                 ) -> None:
        self.argv = list(argv)
        self.env = env
        self.folder = Path(state_dir) / "web"
        self.history_path = self.folder / "runs.jsonl"
        self._lock = threading.Lock()
        self._current: RunJob | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def _log_path(self, job_id: str) -> Path:
        return self.folder / "runs" / f"{job_id}.log"

    def start(self, started_by: str) -> RunJob:
        """Start a run; raise RunBusy while the previous one is still running."""
        with self._lock:
            if self._current is not None and self._current.state == "running":
                raise RunBusy(self._current.job_id)
            now = datetime.now(UTC).replace(microsecond=0)
            job = RunJob(job_id=now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3),
                         started_by=started_by, started_at=now)
            log_path = self._log_path(job.job_id)
            log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as log:
                self._proc = subprocess.Popen(  # noqa: S603 - our own CLI, fixed argv
                    self.argv, stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, env=self.env, start_new_session=True)
            self._current = job
            threading.Thread(target=self._wait, args=(self._proc, job), daemon=True,
                             name=f"casebundle-run-{job.job_id}").start()
            return job

    def _wait(self, proc: subprocess.Popen[bytes], job: RunJob) -> None:
        code = proc.wait()
        done = job.model_copy(update={
            "state": "succeeded" if code == 0 else "failed", "returncode": code,
            "finished_at": datetime.now(UTC).replace(microsecond=0)})
        with self._lock:
            self._current = done
            self._append(done)

    def _append(self, job: RunJob) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.history_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            fh.write(job.model_dump_json() + "\n")

    def current(self) -> RunJob | None:
        """The run started last from this app (running or finished), if any."""
        with self._lock:
            return self._current

    def history(self, limit: int = 10) -> list[RunJob]:
        """Runs started from the web app, newest first (lines that do not parse are skipped:
        this is a convenience log, the audit store is the record)."""
        if not self.history_path.is_file():
            return []
        jobs: list[RunJob] = []
        for line in self.history_path.read_text(encoding="utf-8").splitlines():
            try:
                jobs.append(RunJob.model_validate(json.loads(line)))
            except ValueError:
                continue
        return jobs[::-1][:limit]

    def tail(self, job: RunJob, lines: int = TAIL_LINES) -> list[str]:
        """The last lines of a run's console output (to tell the coordinator why it failed)."""
        path = self._log_path(job.job_id)
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [ln for ln in text.splitlines() if ln.strip()][-lines:]

    def wait(self, timeout: float | None = None) -> RunJob | None:
        """Block until the current run ends (for tests and shutdown)."""
        proc = self._proc
        if proc is not None:
            proc.wait(timeout=timeout)
            for _ in range(100):  # the watcher thread records the end just after
                job = self.current()
                if job is None or job.state != "running":
                    return job
                threading.Event().wait(0.05)
        return self.current()

    def stop(self) -> None:
        """End a run still going when the app shuts down."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
