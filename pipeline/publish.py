"""Publish: write everything a run produces into the meeting's output folder, atomically.

Bundles, recipient views and the agenda (`pipeline/render/`), then the run files
(docs/outputs.md): `ledger.csv`, `review_queue.csv`, `receipts/<agency>.csv`,
`audit_head.json` and `run_summary.json`. The decisions are recorded in the audit store
before the folder is swapped in, so no published output lacks its audit record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.audit import record_run, write_head
from pipeline.faults import checkpoint
from pipeline.identity import describe, outcome_counts, unmatched_agencies
from pipeline.merge import NO_AGENCY, follow_ups, receipt_rows, rejection_rows
from pipeline.models import LEDGER_COLUMNS, LedgerRow
from pipeline.policy import QUEUE_COLUMNS, QUEUE_NAME, review_queue_rows
from pipeline.render import WriteSettings, write_agenda, write_families, write_settings
from pipeline.rulebook import Rules
from pipeline.run import MeetingRun
from pipeline.safe_files import atomic_dir, secure_mkdir, write_csv, write_text

#: writes every family's bundle and recipient views into a folder; returns, by item_id,
#: who received each item ("chair", then agencies). `in_process` does it here; the flow
#: passes one that spreads the families over worker processes.
FamilyWriter = Callable[[MeetingRun, Path, WriteSettings], dict[str, tuple[str, ...]]]


def in_process(run: MeetingRun, dest: Path, settings: WriteSettings
               ) -> dict[str, tuple[str, ...]]:
    """Every family's outputs, written in this process."""
    refs = [f.ref for f in run.meeting.families]
    return write_families(run, refs, str(dest), settings).received


def write_ledger(path: Path, ledger: list[LedgerRow]) -> Path:
    """ledger.csv: one line per input row (docs/outputs.md)."""
    return write_csv(path, LEDGER_COLUMNS, (r.model_dump() for r in ledger))


def publish(run: MeetingRun, rules: Rules, out: Path,
            write_family_outputs: FamilyWriter = in_process) -> dict[str, Any]:
    """Write every output of the run into a temp folder, audit it, then swap it in.

    Returns the run summary (counts, files, duplicates, notes: no personal data).
    """
    meeting_id = run.meeting.meeting.id
    settings = write_settings(rules.need_to_know, rules.policy, rules.labels)
    outcomes = settings.outcomes
    started = time.perf_counter()
    with atomic_dir(out / meeting_id) as tmp:
        secure_mkdir(tmp)
        received = write_family_outputs(run, tmp, settings)
        write_agenda(run, tmp, settings.labels, outcomes)
        write_ledger(tmp / "ledger.csv", run.ledger)
        identity = {i: describe(m) for i, m in run.identities.items() if not m.linked}
        write_csv(tmp / QUEUE_NAME, QUEUE_COLUMNS,
                  review_queue_rows(run.items, run.decisions, identity))
        decisions = [run.decisions[i.item_id] for i in run.items]
        for agency in sorted(run.meeting.agencies):  # valid items come from these only
            rows = receipt_rows(agency, run.items, decisions, rules.policy, run.identities)
            rows += rejection_rows(agency, run.rejections)
            rows.sort(key=_input_order)
            if rows:
                write_csv(tmp / "receipts" / f"{agency}.csv", list(rows[0]), rows)
        written = time.perf_counter()
        checkpoint("writing")  # fault-injection tests: outputs half written, not audited
        head = record_run(run, dict(sorted(received.items())), rules.audit)
        checkpoint("auditing")  # recorded in the audit store, not yet published
        audited = time.perf_counter()
        counts = disposition_counts(run)
        write_head(head, tmp / "audit_head.json")
        summary = {"run_id": run.run_id, "meeting_id": meeting_id,
                   "started_at": run.started_at.isoformat(), "rows_in": len(run.ledger),
                   "counts": counts, "files": run.files, "duplicates": run.duplicates,
                   "notes": run.notes, "identity": outcome_counts(run.identities),
                   "attention": attention(run), "by_agency": agency_counts(run),
                   "unsure_redactions": unsure_counts(run),
                   "follow_up": [
                       {"agency": f.agency, "kind": f.kind, "file": f.file,
                        "rows": list(f.rows), "problem": f.problem, "action": f.action}
                       for f in follow_ups(run, rules.labels, outcomes)]}
        write_text(tmp / "run_summary.json", json.dumps(summary, indent=2, sort_keys=True))
    # seconds spent (returned, not written: the file stays the same from run to run)
    done = time.perf_counter()
    return {**summary, "seconds": {"write": round(written - started + done - audited, 2),
                                   "audit": round(audited - written, 2)}}


def attention(run: MeetingRun) -> list[str]:
    """What the coordinator must not miss (also on the agenda): an empty inbox, and
    agencies none of whose rows matched a family's roster. Codes and counts, no names."""
    out = []
    if not run.files and not run.items and not run.rejections:
        out.append("inbox empty: no agency submitted a file")
    for agency, rows in unmatched_agencies(run.items, run.identities).items():
        out.append(f"{agency}: none of its {rows} valid rows matched a family's roster "
                   "(check family_ref, subject_name and subject_dob)")
    return out


def unsure_counts(run: MeetingRun) -> dict[str, int]:
    """Words removed as unsure (deny by default) in the run's texts, and how many of them
    still await a reviewer's confirmation (`casebundle review redaction`). Counts only."""
    texts = [r for r in run.redactions.values() if not r.failed]
    return {"removed": sum(len(r.unsure) for r in texts),
            "awaiting_confirmation": sum(r.awaiting for r in texts)}


def _input_order(row: dict[str, str]) -> tuple[str, str, int]:
    return (row["file"], row["sheet"], int(row["row"]) if row["row"] else -1)


def agency_counts(run: MeetingRun) -> dict[str, dict[str, int]]:
    """Ledger lines per agency and disposition (every meeting agency, even with none)."""
    counts = {a: dict.fromkeys(("shared", "withheld", "review", "rejected"), 0)
              for a in run.meeting.agencies}
    for row in run.ledger:
        agency = row.agency or NO_AGENCY  # a file at the top of the inbox
        counts.setdefault(agency, dict.fromkeys(("shared", "withheld", "review",
                                                 "rejected"), 0))
        counts[agency][row.disposition] += 1
    return counts


def disposition_counts(run: MeetingRun) -> dict[str, int]:
    """Ledger lines per disposition."""
    counts = {"shared": 0, "withheld": 0, "review": 0, "rejected": 0}
    for row in run.ledger:
        counts[row.disposition] += 1
    return counts
