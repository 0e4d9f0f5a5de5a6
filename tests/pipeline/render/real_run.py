"""The sample meeting (sample_inputs/) run through the real stages, without Prefect.

The same stage functions, in the same order, as flows/prepare.py calls them as tasks:
ingest, decide, redact (per family), ledger, publish. The render tests print what this
writes; the one end-to-end test through Prefect is tests/flows/test_prepare_meeting.py.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from pipeline.ingest import collect, discover, read_and_validate
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING
from pipeline.merge import build_ledger, check_ledger
from pipeline.policy import decide, explain
from pipeline.publish import publish
from pipeline.redact import apply_redaction_failures, redact_family
from pipeline.rulebook import load_rules
from pipeline.run import MeetingRun

#: a fixed start time, so that "historic" and dates in the outputs do not drift
STARTED_AT = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def run_sample(out: Path, state: Path, meeting: Path = SAMPLE_MEETING,
               inbox: Path = SAMPLE_INBOX) -> Path:
    """Run the meeting into `out`; return `<out>/<meeting_id>/`.

    The audit store is found through CASEBUNDLE_STATE_DIR: the caller sets it (to `state`).
    """
    rules = load_rules(meeting)
    run = MeetingRun(run_id="render-test", started_at=STARTED_AT, meeting=rules.meeting,
                     meeting_config_path=str(meeting), inbox=str(inbox))
    inputs = collect([read_and_validate(f, rules.meeting, STARTED_AT.date())
                      for f in discover(inbox)])
    run.items, run.rejections = inputs.items, inputs.rejections
    run.files, run.duplicates, run.notes = inputs.files, inputs.duplicates, inputs.notes
    decisions = decide(run.items, rules.meeting, rules.policy, state)
    run.decisions = {d.item_id: d for d in decisions}
    run.reminder_text = {code: explain(code, rules.policy).explanation
                         for d in decisions for code in d.agenda_reminders}
    for ref in sorted({i.family_ref for i in run.items}):
        fam = redact_family(rules.redactor, rules.meeting, ref, run.items, run.decisions)
        run.redactions.update(fam.texts)
        if fam.persons_of_concern:
            run.persons_of_concern[fam.family_ref] = fam.persons_of_concern
        if fam.escrow:
            run.escrow[fam.family_ref] = fam.escrow
    run.decisions = apply_redaction_failures(run.decisions, run.redactions)
    run.ledger = build_ledger(run)
    check_ledger(inputs.rows_in, run.ledger)
    publish(run, rules, out)
    return out / rules.meeting.meeting.id


if __name__ == "__main__":  # pragma: no cover - a developer's shortcut
    import sys

    os.environ["CASEBUNDLE_STATE_DIR"] = sys.argv[2]
    folder = run_sample(Path(sys.argv[1]), Path(sys.argv[2]))

    print(folder)  # noqa: T201
