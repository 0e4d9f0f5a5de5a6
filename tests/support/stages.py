"""Run a meeting through the pipeline stages in process, in the order the Prefect flow does
(flows/prepare.py), without Prefect: for tests that need whole runs in seconds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.identity import apply_identity, match_items
from pipeline.ingest import collect, discover, read_and_validate
from pipeline.merge import build_ledger, check_ledger
from pipeline.policy import decide_items, explain, load_reviews, review_store_path
from pipeline.publish import publish
from pipeline.redact import (
    RedactionReview,
    apply_redaction_failures,
    load_redaction_review,
    record_outcomes,
    redact_family,
    save_unsure,
    unsure_entries,
)
from pipeline.review_desk import write_queue
from pipeline.rulebook import Rules, load_rules
from pipeline.run import MeetingRun


class Done:
    """A finished call that answers like a Prefect future."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def prepare_in_process(meeting_config: Path, inbox: Path, out: Path, state_dir: Path, *,
                       run_id: str, started_at: datetime | None = None,
                       batched: bool = False, cache: bool = False,
                       executor: Any = None) -> dict[str, Any]:
    """What `prepare_meeting` does, stage by stage; returns the run summary.

    `batched`: redact and write in batches as the flow does (flows/batches.py), each batch
    called in turn here instead of as a Prefect task, or submitted to `executor` (threads,
    as Prefect's default task runner) (in the worker pool installed with
    `pipeline.workers.install`, if any); `cache`: with the state folder's work cache, as
    the flow does. The audit store follows CASEBUNDLE_STATE_DIR / CASEBUNDLE_AUDIT_URL.
    """
    rules = load_rules(meeting_config)
    started = started_at or datetime.now(UTC).replace(microsecond=0)
    run = MeetingRun(run_id=run_id, started_at=started, meeting=rules.meeting,
                     meeting_config_path=str(meeting_config), inbox=str(inbox))
    if batched or cache:
        from flows import batches

        work = (batches.work_cache(state_dir, meeting_config, rules.redactor.rules_path)
                if cache else None)
        today = started.date()
        reads = [batches.cached_read(work, f, today, lambda f=f: read_and_validate(  # type: ignore[misc]
                     f, rules.meeting, today)) for f in discover(inbox)]
        return _batched(run, rules, collect(reads), state_dir, out, work, executor)
    files = discover(inbox)
    inputs = collect([read_and_validate(f, rules.meeting, run.started_at.date()) for f in files])
    review = _match_and_decide(run, rules, inputs, state_dir)
    record_outcomes(run, (redact_family(rules.redactor, rules.meeting, ref, run.items,
                                        run.decisions, run.identities, review=review)
                          for ref in sorted({i.family_ref for i in run.items})))
    run.decisions = apply_redaction_failures(run.decisions, run.redactions)
    run.ledger = build_ledger(run)
    check_ledger(inputs.rows_in, run.ledger)
    summary = publish(run, rules, out)
    write_queue(run, state_dir)  # the reviewers' working copy, beside their decisions
    save_unsure(state_dir, rules.meeting.meeting.id,
                unsure_entries(run.run_id, run.items, run.redactions))
    return summary


def _match_and_decide(run: MeetingRun, rules: Rules, inputs: Any,
                      state_dir: Path, work: Any = None) -> RedactionReview:
    """Identity, policy and the stored reviews, as the flow applies them (with `work`, the
    work cache, each family's decisions kept there as the flow keeps them); returns the
    meeting's redaction review for the redaction stage."""
    run.items, run.rejections = inputs.items, inputs.rejections
    run.files, run.duplicates, run.notes = inputs.files, inputs.duplicates, inputs.notes
    run.identities = match_items(run.items, rules.meeting, rules.identity)
    reviews = load_reviews(review_store_path(state_dir, rules.meeting.meeting.id))
    if work is not None:
        from flows.batches import cached_decisions

        decisions = cached_decisions(work, run.items, rules.meeting, rules.policy, reviews)
    else:
        decisions = decide_items(run.items, rules.meeting, rules.policy, reviews)
    run.decisions = {d.item_id: d for d in decisions}
    run.decisions, run.identities = apply_identity(run.decisions, run.items, run.identities,
                                                   reviews, rules.meeting)
    run.reminder_text = {code: explain(code, rules.policy).explanation
                         for d in decisions for code in d.agenda_reminders}
    return load_redaction_review(state_dir, rules.meeting.meeting.id)


def _batched(run: MeetingRun, rules: Any, inputs: Any, state_dir: Path, out: Path,
             work: Any, executor: Any) -> dict[str, Any]:
    """The rest of the flow with flows/batches.py's batches, called in turn."""
    from flows import batches

    def submitter(fn: Any) -> Any:
        if executor is not None:
            return lambda *a: executor.submit(fn, *a)
        return lambda *a: Done(fn(*a))

    review = _match_and_decide(run, rules, inputs, state_dir, work)
    plan = batches.BatchPlan.create(run.run_id, state_dir, remote=False)
    try:
        outcomes, pids = batches.redact_families(
            run, rules, review, work, plan, submitter(batches.redact_batch))
        record_outcomes(run, outcomes)
        run.decisions = apply_redaction_failures(run.decisions, run.redactions)
        run.ledger = build_ledger(run)
        check_ledger(inputs.rows_in, run.ledger)
        writer = batches.FamilyWriterTasks(run.run_id, plan, work,
                                           submitter(batches.write_batch),
                                           str(state_dir),
                                           published=out / rules.meeting.meeting.id)
        summary = publish(run, rules, out, writer)
        writer.record(run)
    finally:
        plan.remove()
    write_queue(run, state_dir)
    save_unsure(state_dir, rules.meeting.meeting.id,
                unsure_entries(run.run_id, run.items, run.redactions))
    return {**summary, "redaction_pids": pids, "outputs": writer.counts(),
            "work_cache": work.counts() if work is not None else {}}
