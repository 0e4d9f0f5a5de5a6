"""The `prepare_meeting` Prefect flow: ingest, decide, redact, merge, write, audit.

Prefect must not become a second copy of the data: flow and task parameters are paths and
ids only (tasks look the run's records up in the in-process `_ACTIVE` registry); task
results live in memory only (never persisted, never cached); logs stay on the console and
name files, rows and counts, never cell values; `_guard` strips foreign exception text.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.progress import step
from pipeline.errors import CasebundleError
from pipeline.ingest import InboxFile, collect, discover, read_and_validate
from pipeline.merge import build_ledger, check_ledger
from pipeline.models import Decision
from pipeline.policy import decide, explain
from pipeline.publish import publish
from pipeline.redact import RedactionOutcome, apply_redaction_failures, redact_family
from pipeline.rulebook import Rules, load_rules
from pipeline.run import MeetingRun

P = ParamSpec("P")
R = TypeVar("R")



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
    return read_and_validate(f, rules.meeting, run.started_at.date())


@task(name="decide", **_TASK)  # type: ignore[call-overload]
@_guard("decide")
def decide_task(run_id: str, state_dir: str) -> list[Decision]:
    run, rules = _state(run_id)
    return decide(run.items, rules.meeting, rules.policy, Path(state_dir))


@task(name="redact-family", **_TASK)  # type: ignore[call-overload]
@_guard("redact")
def redact_task(run_id: str, family_ref: str) -> RedactionOutcome:
    run, rules = _state(run_id)
    return redact_family(rules.redactor, rules.meeting, family_ref, run.items, run.decisions)


@task(name="write-outputs", **_TASK)  # type: ignore[call-overload]
@_guard("write-outputs")
def write_task(run_id: str, out: str) -> dict[str, Any]:
    run, rules = _state(run_id)
    return publish(run, rules, Path(out))


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


def _prepare(run: MeetingRun, rules: Rules, inbox: str, out: str, state_dir: str,
             logger: Any) -> dict[str, Any]:
    meeting_id = run.meeting.meeting.id
    files = discover(Path(inbox))
    logger.info("meeting %s: %d files in inbox", meeting_id, len(files))
    step("start", 1, 1)
    futures = [read_file_task.submit(run.run_id, str(f.path), f.name, f.agency_folder)
               for f in files]
    results = []
    for n, fut in enumerate(futures, start=1):
        results.append(fut.result())
        step("read", n, len(futures))
    inputs = collect(results)
    run.items, run.rejections = inputs.items, inputs.rejections
    run.files, run.duplicates, run.notes = inputs.files, inputs.duplicates, inputs.notes
    decisions = decide_task(run.run_id, state_dir)
    run.decisions = {d.item_id: d for d in decisions}
    step("decide", len(decisions), len(decisions))
    run.reminder_text = {code: explain(code, rules.policy).explanation
                         for d in decisions for code in d.agenda_reminders}
    families = sorted({i.family_ref for i in run.items})
    for n, ref in enumerate(families, start=1):
        # one batch per family, in turn: one loaded engine per process, no thread races
        fam = redact_task(run.run_id, ref)
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
    summary = write_task(run.run_id, out)
    step("write", 1, 1)
    logger.info("meeting %s written: %s", meeting_id, summary["counts"])
    return summary
