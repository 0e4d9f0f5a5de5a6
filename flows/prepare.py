"""The `prepare_meeting` Prefect flow: ingest, match subjects, decide, redact, merge, write,
audit.

Prefect must not become a second copy of the data: flow and task parameters are paths and
ids only (tasks look the run's records up in the in-process `_ACTIVE` registry); task
results live in memory only (never persisted, never cached); logs stay on the console and
name files, rows and counts, never cell values; `_guard` strips foreign exception text.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_HOME, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

from flows.progress import step
from flows.server import current_token, record_server, register_run, stop_stale_servers
from pipeline.errors import CasebundleError, TransientError
from pipeline.faults import checkpoint
from pipeline.identity import apply_identity, match_items, outcome_counts
from pipeline.ingest import InboxFile, collect, discover, read_isolated
from pipeline.merge import build_ledger, check_ledger
from pipeline.models import Decision, SubjectMatch
from pipeline.policy import decide, explain, load_reviews, review_store_path
from pipeline.publish import publish
from pipeline.redact import (
    RedactionOutcome,
    apply_redaction_failures,
    load_redaction_review,
    redact_family,
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

#: In-process state of the runs under way, by run id. Tasks receive only ids and paths as
#: parameters (what Prefect records) and look the data up here; it never leaves memory.
_ACTIVE: dict[str, tuple[MeetingRun, Rules]] = {}


def _state(run_id: str) -> tuple[MeetingRun, Rules]:
    return _ACTIVE[run_id]


@task(name="read-and-validate-file", **_TASK)  # type: ignore[call-overload]
@_guard("read-and-validate")
def read_file_task(run_id: str, path: str, name: str, agency_folder: str) -> Any:
    run, rules = _state(run_id)
    f = InboxFile(path=Path(path), name=name, agency_folder=agency_folder)
    # in a worker process with memory and time limits: one file can never end the run
    return read_isolated(f, rules.meeting, run.started_at.date(), rules.ingest)


@task(name="match-subjects", **_TASK)  # type: ignore[call-overload]
@_guard("match-subjects")
def match_task(run_id: str) -> dict[str, SubjectMatch]:
    run, rules = _state(run_id)
    return match_items(run.items, rules.meeting, rules.identity)


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
    run, rules = _state(run_id)
    return decide(run.items, rules.meeting, rules.policy, Path(state_dir))


@task(name="redact-family", **_TASK)  # type: ignore[call-overload]
@_guard("redact")
def redact_task(run_id: str, family_ref: str, state_dir: str) -> RedactionOutcome:
    run, rules = _state(run_id)
    # reviewers' decisions on unsure redactions: restored words, allow-list, confirmations
    review = load_redaction_review(Path(state_dir), rules.meeting.meeting.id)
    return redact_family(rules.redactor, rules.meeting, family_ref, run.items, run.decisions,
                         run.identities, review=review)


@task(name="write-outputs", **_TASK)  # type: ignore[call-overload]
@_guard("write-outputs")
def write_task(run_id: str, out: str, state_dir: str) -> dict[str, Any]:
    run, rules = _state(run_id)
    summary = publish(run, rules, Path(out))
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
    _ACTIVE[run.run_id] = (run, rules)
    try:
        return _prepare(run, rules, inbox, out, state_dir, logger)
    finally:
        del _ACTIVE[run.run_id]


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
    _clean_after_killed_runs(Path(out), logger)
    files = discover(Path(inbox))
    logger.info("meeting %s: %d paths in inbox, %d refused unread", meeting_id, len(files),
                sum(1 for f in files if f.refusal))
    step("start", 1, 1)
    futures = {i: read_file_task.submit(run.run_id, str(f.path), f.name, f.agency_folder)
               for i, f in enumerate(files) if f.refusal is None}
    results = []
    for i, f in enumerate(files):
        results.append(futures[i].result() if i in futures
                       else read_isolated(f, rules.meeting, run.started_at.date(), rules.ingest))
        step("read", i + 1, len(files))
    inputs = collect(results)
    run.items, run.rejections = inputs.items, inputs.rejections
    run.files, run.duplicates, run.notes = inputs.files, inputs.duplicates, inputs.notes
    # who each item is about, before the policy; applied to its decisions after it
    run.identities = match_task(run.run_id)
    decisions = decide_task(run.run_id, state_dir)
    run.decisions = {d.item_id: d for d in decisions}
    run.decisions, run.identities = apply_identity_task(run.run_id, state_dir)
    logger.info("subjects: %s", outcome_counts(run.identities))  # counts only, no names
    step("decide", len(decisions), len(decisions))
    run.reminder_text = {code: explain(code, rules.policy).explanation
                         for d in decisions for code in d.agenda_reminders}
    checkpoint("redacting")  # fault-injection tests (pipeline/faults.py)
    families = sorted({i.family_ref for i in run.items})
    for n, ref in enumerate(families, start=1):
        # one batch per family, in turn: one loaded engine per process, no thread races
        fam = redact_task(run.run_id, ref, state_dir)
        step("redact", n, len(families))
        run.redactions.update(fam.texts)
        if fam.persons_of_concern:
            run.persons_of_concern[fam.family_ref] = fam.persons_of_concern
        if fam.escrow:
            run.escrow[fam.family_ref] = fam.escrow
    run.decisions = apply_redaction_failures(run.decisions, run.redactions)
    run.ledger = build_ledger(run)
    check_ledger(inputs.rows_in, run.ledger)
    logger.info("rows in %d = ledger rows %d", inputs.rows_in, len(run.ledger))
    summary = write_task(run.run_id, out, state_dir)
    # the unsure spans go to the owner-only state folder for `casebundle review redaction`,
    # never under the circulated outputs (a span may be a third party's name)
    entries = unsure_entries(run.run_id, run.items, run.redactions)
    save_unsure(Path(state_dir), meeting_id, entries)
    logger.info("meeting %s: %d words removed as unsure (listed for review)", meeting_id,
                len(entries))
    step("write", 1, 1)
    logger.info("meeting %s written: %s", meeting_id, summary["counts"])
    return summary
