"""The `prepare_meeting` Prefect flow: ingest, match subjects, decide, redact, merge, write,
audit.

Prefect must not become a second copy of the data: flow and task parameters are paths and
ids only (tasks look the run's records up in the in-process `flows.batches.ACTIVE` registry); task
results live in memory only (never persisted, never cached); logs stay on the console and
name files, rows and counts, never cell values; `_guard` strips foreign exception text.
"""

from __future__ import annotations

import functools
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_HOME, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

from flows import batches
from flows.batches import (
    BatchPlan,
    FamilyWriterTasks,
    cached_decisions,
    cached_read,
    redact_batch,
    redact_families,
    start_pool,
    work_cache,
    write_batch,
)
from flows.progress import step
from flows.report import publish_artifact
from flows.server import current_token, record_server, register_run, stop_stale_servers
from pipeline import workers
from pipeline.errors import CasebundleError, TransientError
from pipeline.faults import checkpoint
from pipeline.identity import apply_identity, outcome_counts
from pipeline.ingest import InboxFile, collect, discover, read_isolated
from pipeline.memory import release
from pipeline.merge import build_ledger, check_ledger
from pipeline.models import Decision, SubjectMatch
from pipeline.policy import explain, load_reviews, review_store_path
from pipeline.publish import publish
from pipeline.redact import (
    apply_redaction_failures,
    load_redaction_review,
    record_outcomes,
    save_unsure,
    unsure_entries,
)
from pipeline.review_desk import write_queue
from pipeline.rulebook import Rules, load_rules
from pipeline.run import MeetingRun
from pipeline.safe_files import clean_stale_temp

P = ParamSpec("P")
R = TypeVar("R")

#: how Prefect 3.8.8 (prefect/server/api/server.py) reports a temporary server that never
#: answered its health check
_SERVER_TIMEOUT = "Timed out while attempting to connect to ephemeral Prefect API server"


class PrefectServerError(TransientError):
    """Prefect's temporary local server did not start, so the flow never ran."""


def server_start_failure(exc: BaseException) -> PrefectServerError | None:
    """What to tell the user when Prefect's temporary server failed to start; else None."""
    text = str(exc)
    if not (isinstance(exc, RuntimeError) and text.startswith(_SERVER_TIMEOUT)):
        return None
    exited = re.search(r"exited with code (-?\d+)", text)
    how = f" (its process exited with code {exited.group(1)})" if exited else ""
    timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    return PrefectServerError(
        f"Prefect's temporary local server did not start within {timeout} s{how}, so the "
        "meeting was not prepared: no inputs were read and no outputs were written. Try: run "
        "the command again (a busy machine can be slow to start it); allow it longer, e.g. "
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=300; check that PREFECT_HOME "
        f"({PREFECT_HOME.value()}) is on a writable disk with free space; or set "
        "PREFECT_API_URL to a Prefect server that is already running.")


def _guard(stage: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Re-raise foreign exceptions without their text, which may quote cell values."""
    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except CasebundleError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise CasebundleError(
                    f"stage '{stage}' failed with {type(exc).__name__}; no outputs were "
                    "published. Re-run with the same inputs to reproduce.") from None
        return inner
    return wrap


_TASK = dict(persist_result=False, cache_policy=NO_CACHE, retries=0)
#: cached work not used by any run for this many days is deleted
CACHE_KEEP_DAYS = 14

# In-process state of the runs under way, by run id: `batches.ACTIVE`. Tasks receive only
# ids and paths as parameters (what Prefect records) and look the data up there; it never
# leaves memory. It lives in flows.batches, always reached through the module: a
# deployment's runner may run a copy of this module's functions (pickled by value), and a
# copy of a dict here would be a second registry.


def _state(run_id: str) -> tuple[MeetingRun, Rules]:
    return batches.ACTIVE[run_id]




@task(name="read-and-validate-file", **_TASK)  # type: ignore[call-overload]
@_guard("read-and-validate")
def read_file_task(run_id: str, path: str, name: str, agency_folder: str) -> Any:
    run, rules = _state(run_id)
    f = InboxFile(path=Path(path), name=name, agency_folder=agency_folder)
    today = run.started_at.date()
    # in a worker process with memory and time limits: one file can never end the run;
    # a file with the same bytes, name and received time was read before: reused
    return cached_read(batches.CACHES.get(run_id), f, today,
                       lambda: read_isolated(f, rules.meeting, today, rules.ingest),
                       keep=_keep_read)


#: rejections that depend on the machine at the time (memory, time, a crashed reader),
#: not only on the file: such a read is done again next run, never taken from the cache
_MACHINE_CODES = frozenset({"FILE_TOO_LARGE", "READ_TIMEOUT", "READER_CRASHED"})


def _keep_read(result: Any) -> bool:
    _read, _items, rejections = result
    return not any(p.code in _MACHINE_CODES for r in rejections for p in r.problems)


@task(name="match-subjects", **_TASK)  # type: ignore[call-overload]
@_guard("match-subjects")
def match_task(run_id: str) -> dict[str, SubjectMatch]:
    run, rules = _state(run_id)
    return batches.cached_matches(batches.CACHES.get(run_id), run.items, rules.meeting,
                                  rules.identity)


@task(name="apply-identity", **_TASK)  # type: ignore[call-overload]
@_guard("apply-identity")
def apply_identity_task(run_id: str, state_dir: str
                        ) -> tuple[dict[str, Decision], dict[str, SubjectMatch]]:
    run, rules = _state(run_id)
    reviews = load_reviews(review_store_path(Path(state_dir), rules.meeting.meeting.id))
    return apply_identity(run.decisions, run.items, run.identities, reviews, rules.meeting)


@task(name="decide", **_TASK)  # type: ignore[call-overload]
@_guard("decide")
def decide_task(run_id: str, state_dir: str) -> list[Decision]:
    """The policy's decisions, with the reviews on record; a family whose items and
    reviews are unchanged since a run with the same code and rules is not decided again."""
    run, rules = _state(run_id)
    reviews = load_reviews(review_store_path(Path(state_dir), rules.meeting.meeting.id))
    return cached_decisions(batches.CACHES.get(run_id), run.items, rules.meeting,
                            rules.policy, reviews)


@task(name="redact-families", **_TASK)  # type: ignore[call-overload]
@_guard("redact")
def redact_batch_task(run_id: str, batch: int, plan_dir: str, rules_path: str) -> int:
    """One batch of families through the redaction engine (flows/batches.py); returns
    the id of the process that did it."""
    return redact_batch(run_id, batch, plan_dir, rules_path)


@task(name="write-families", **_TASK)  # type: ignore[call-overload]
@_guard("write-outputs")
def write_batch_task(run_id: str, batch: int, plan_dir: str, dest: str, cache_dir: str,
                     version: str) -> Any:
    """One batch of families' bundles and recipient views written into `dest`."""
    return write_batch(run_id, batch, plan_dir, dest, cache_dir, version)


@_guard("write-outputs")
def _publish(run: MeetingRun, rules: Rules, out: str, state_dir: str,
             writer: FamilyWriterTasks) -> dict[str, Any]:
    summary = publish(run, rules, Path(out), writer)
    write_queue(run, Path(state_dir))  # the reviewers' working copy, beside their decisions
    return summary


@flow(name="prepare-meeting", persist_result=False, log_prints=False)
def prepare_meeting(meeting_config: str, inbox: str, out: str = "outputs",
                    state_dir: str = ".casebundle") -> dict[str, Any]:
    """Prepare one meeting: every input row ends shared, withheld, review or rejected."""
    logger = get_run_logger()
    rules = load_rules(Path(meeting_config))
    meeting = rules.meeting
    run = MeetingRun(run_id=uuid.uuid4().hex[:12], started_at=datetime.now(UTC).replace(
        microsecond=0), meeting=meeting, meeting_config_path=meeting_config, inbox=inbox)
    batches.ACTIVE[run.run_id] = (run, rules)
    own_pool = None
    if workers.current() is None and not remote_runner():
        # nobody started the workers before Prefect (the CLI does): start them now;
        # the forkserver makes that safe beside Prefect's threads
        own_pool = start_pool(rules.redaction_rules)
        workers.install(own_pool)
    try:
        batches.CACHES[run.run_id] = work_cache(Path(state_dir), Path(meeting_config),
                                         rules.redaction_rules)
        return _prepare(run, rules, inbox, out, state_dir, logger)
    finally:
        del batches.ACTIVE[run.run_id]
        batches.CACHES.pop(run.run_id, None)
        if own_pool is not None:
            workers.install(None)
            own_pool.close()


class _Done:
    """A finished call that answers like a future."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _inline(*args: Any) -> _Done:
    return _Done(read_file_task(*args))


def remote_runner() -> bool:
    """Whether this flow's tasks run in other processes (a Dask task runner): then they
    cannot use this process's worker pool, and work travels through encrypted work files."""
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    runner = getattr(ctx, "task_runner", None) if ctx is not None else None
    return type(runner).__name__ == "DaskTaskRunner"


def _clean_after_killed_runs(out: Path, logger: Any) -> None:
    """Stop a Prefect server and remove temporary folders a killed run left behind, and
    record this run's own server so that a later run can do the same for it."""
    for line in stop_stale_servers() + clean_stale_temp(out):
        logger.warning("after a killed run: %s", line)
    token = current_token() or register_run()
    record_server(token)


def _prepare(run: MeetingRun, rules: Rules, inbox: str, out: str, state_dir: str,
             logger: Any) -> dict[str, Any]:
    meeting_id = run.meeting.meeting.id
    clock = [time.perf_counter()]

    def lap() -> float:
        clock.append(time.perf_counter())
        return round(clock[-1] - clock[-2], 2)

    seconds: dict[str, float] = {}
    _clean_after_killed_runs(Path(out), logger)
    files = discover(Path(inbox))
    logger.info("meeting %s: %d paths in inbox, %d refused unread", meeting_id, len(files),
                sum(1 for f in files if f.refusal))
    step("start", 1, 1)
    # on a Dask runner the files are read here (each read needs this process's run);
    # only the redaction and writing maps go to the cluster
    submit = _inline if remote_runner() else read_file_task.submit
    futures = {i: submit(run.run_id, str(f.path), f.name, f.agency_folder)
               for i, f in enumerate(files) if f.refusal is None}
    results = []
    for i, f in enumerate(files):
        results.append(futures.pop(i).result() if i in futures
                       else read_isolated(f, rules.meeting, run.started_at.date(), rules.ingest))
        step("read", i + 1, len(files))
    inputs = collect(results)
    del results  # the rows as read: only the validated items are kept from here on
    run.items, run.rejections = inputs.items, inputs.rejections
    run.files, run.duplicates, run.notes = inputs.files, inputs.duplicates, inputs.notes
    release()  # the readers' answers, unpickled and dropped: their pages go back
    seconds["read"] = lap()
    # who each item is about, before the policy; applied to its decisions after it
    run.identities = match_task(run.run_id)
    decisions = decide_task(run.run_id, state_dir)
    run.decisions = {d.item_id: d for d in decisions}
    run.decisions, run.identities = apply_identity_task(run.run_id, state_dir)
    logger.info("subjects: %s", outcome_counts(run.identities))  # counts only, no names
    step("decide", len(decisions), len(decisions))
    run.reminder_text = {code: explain(code, rules.policy).explanation
                         for d in decisions for code in d.agenda_reminders}
    release()
    seconds["decide"] = lap()
    checkpoint("redacting")  # fault-injection tests (pipeline/faults.py)
    review = load_redaction_review(Path(state_dir), meeting_id)
    plan = BatchPlan.create(run.run_id, Path(state_dir), remote=remote_runner())
    cache = batches.CACHES.get(run.run_id)
    try:
        outcomes, pids = redact_families(run, rules, review, cache, plan,
                                         redact_batch_task.submit, progress=step)
        logger.info("redaction: %d families, in %d worker processes", len(outcomes),
                    len(pids))
        record_outcomes(run, outcomes)
        run.decisions = apply_redaction_failures(run.decisions, run.redactions)
        del outcomes
        release()
        seconds["redact"] = lap()
        run.ledger = build_ledger(run)
        check_ledger(inputs.rows_in, run.ledger)
        logger.info("rows in %d = ledger rows %d", inputs.rows_in, len(run.ledger))
        # each family's files are written by write-families tasks (flows/batches.py)
        writer = FamilyWriterTasks(run.run_id, plan, cache, write_batch_task.submit,
                                   state_dir, published=Path(out) / meeting_id)
        summary = _publish(run, rules, out, state_dir, writer)
        if not writer.record(run):  # the outputs are in place: what they are, for reuse
            logger.warning("could not note the published views in the work cache; the "
                           "next run renders them again")
        logger.info("outputs: %s", writer.counts())
        lap()
        seconds.update(summary.pop("seconds", {}))
    finally:
        plan.remove()
    # the unsure spans go to the owner-only state folder for `casebundle review redaction`,
    # never under the circulated outputs (a span may be a third party's name)
    entries = unsure_entries(run.run_id, run.items, run.redactions)
    save_unsure(Path(state_dir), meeting_id, entries)
    logger.info("meeting %s: %d words removed as unsure (listed for review)", meeting_id,
                len(entries))
    step("write", 1, 1)
    logger.info("meeting %s written: %s", meeting_id, summary["counts"])
    if cache is not None:
        cache.prune(older_than_s=CACHE_KEEP_DAYS * 86400)
        logger.info("work reused from earlier runs: %s", cache.counts())  # counts only
        summary = {**summary, "work_cache": cache.counts(), "redaction_processes": len(pids),
                   "outputs": writer.counts()}
    seconds["other"] = max(0.0, round(time.perf_counter() - clock[0] - sum(seconds.values()),
                                      2))  # never -0.01 from rounding the other stages
    summary = {**summary, "seconds": seconds}
    logger.info("seconds per stage: %s", seconds)
    publish_artifact(run, summary)
    return summary
