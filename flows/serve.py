"""`casebundle serve`: the drop folder as a Prefect deployment.

`prepare_meeting.serve(...)` registers a deployment for one meeting and runs every flow run
scheduled for it; beside it a watcher thread polls the inbox and, once what is there has
changed since the last run and then stayed the same for `settle` seconds (every file's
size and modification time unchanged, and none modified within `settle` seconds), asks
Prefect for a run of the deployment. A file still being copied in changes size or time
between polls, so it is never read half-way; a change that lands while a run is under way
starts another run when that one ends (the work cache makes it cheap: only the changed
files and the families they touch are redone).

Each run publishes its markdown artifact (flows/report.py): counts, no personal data.
Parameters are the config, inbox, output and state paths only.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.ingest import discover

logger = logging.getLogger(__name__)

#: (size, mtime_ns) of every file under the inbox, by relative name
Snapshot = dict[str, tuple[int, int]]


def snapshot(inbox: Path) -> Snapshot:
    """What is in the inbox now: every path a run would account for (read, or refused
    unread such as a lock file or a hidden copy still arriving), with size and time; a
    link's own, never its target's."""
    out: Snapshot = {}
    for f in discover(inbox):
        try:
            st = f.path.lstat()
        except OSError:
            continue  # gone between listing and looking: the next poll sees it settle
        out[f.name] = (st.st_size, st.st_mtime_ns)
    return out


@dataclass
class Settler:
    """Decides when the inbox has settled into something not yet prepared.

    `observe(snap, now)` is called on every poll; it returns True once per settled change:
    the inbox differs from what the last run saw, it has not changed for `settle` seconds,
    and no file in it was modified in the last `settle` seconds.
    """

    settle: float
    last_run: Snapshot | None = None
    _seen: Snapshot | None = None
    _since: float = 0.0

    def observe(self, snap: Snapshot, now: float) -> bool:
        if snap != self._seen:
            self._seen, self._since = snap, now
            return False
        if snap == self.last_run or now - self._since < self.settle:
            return False
        # a file written moments ago may still be open for writing
        newest = max((mtime for _, mtime in snap.values()), default=0) / 1e9
        return time.time() - newest >= self.settle

    def started(self, snap: Snapshot) -> None:
        """A run was asked for on `snap`."""
        self.last_run = snap


@dataclass
class Watcher:
    """Polls the inbox every `poll` seconds and calls `trigger` when it settles."""

    inbox: Path
    trigger: Callable[[], None]
    settle: float = 10.0
    poll: float = 2.0
    first_run: bool = True
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        settler = Settler(self.settle)
        if not self.first_run:
            settler.started(snapshot(self.inbox))
        while not self.stop.is_set():
            snap = snapshot(self.inbox)
            if settler.observe(snap, time.monotonic()):
                settler.started(snap)
                logger.info("inbox settled (%d files): asking for a run", len(snap))
                try:
                    self.trigger()
                except Exception as exc:  # noqa: BLE001 - keep watching; say what failed
                    logger.warning("could not ask for a run yet (%s); trying again",
                                   type(exc).__name__)
                    settler.last_run = None
            self.stop.wait(self.poll)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="casebundle-inbox-watcher",
                                  daemon=True)
        thread.start()
        return thread


def deployment_name(meeting_id: str) -> str:
    return f"drop-folder-{meeting_id}"


def serve(meeting: Path, inbox: Path, out: Path, state: Path, *, settle: float = 10.0,
          poll: float = 2.0) -> None:
    """Serve the meeting's deployment and watch its inbox until interrupted.

    With PREFECT_API_URL set, against that server; otherwise one temporary local server
    is started here and shared by the deployment, the watcher and the flow runs.
    """
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.prepare import prepare_meeting
    from pipeline.meeting import load_meeting

    server = None
    api_before = os.environ.get("PREFECT_API_URL")
    if not PREFECT_API_URL.value():
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        os.environ["PREFECT_API_URL"] = server.api_url  # inherited by the flow runs

    meeting_id = load_meeting(meeting).meeting.id
    name = deployment_name(meeting_id)
    parameters = {"meeting_config": str(meeting.resolve()), "inbox": str(inbox.resolve()),
                  "out": str(out.resolve()), "state_dir": str(state.resolve())}

    def trigger() -> None:
        run_deployment(f"{prepare_meeting.name}/{name}", parameters=parameters, timeout=0)

    watcher = Watcher(inbox, trigger, settle=settle, poll=poll)
    try:
        with temporary_settings({PREFECT_API_URL: os.environ.get("PREFECT_API_URL")}
                                if server is not None else {}):
            watcher.start()
            prepare_meeting.serve(name=name, parameters=parameters, limit=1,
                                  description=f"casebundle drop folder for {meeting_id}: "
                                              "runs when the inbox settles")
    finally:
        watcher.stop.set()
        if server is not None:
            server.stop()
            if api_before is None:  # the temporary server is gone
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = api_before
