"""Turning one MeetingRun into decision records, and `record_run`, the flow's entry point.

Golden rule 7 and paragraph 3.51 (../shared/seeds/003_e63cd6015283d4be.txt): record
every decision and its reasons, whether or not the item was shared, and for shared items
what was shared and with whom. Third-party identifiers are never recorded: free text is
stored only in its redacted form, and redaction summaries carry types and counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.audit.chain import (
    AuditHead,
    EscrowStatus,
    VerifyResult,
    canonical_json,
    read_head,
    verify_chain,
)
from pipeline.audit.escrow import escrow_records
from pipeline.audit.exceptions import AuditError, EscrowError
from pipeline.audit.settings import AuditSettings, load_escrow_key
from pipeline.audit.store import AuditStore, NewRecord
from pipeline.models import REDACTED_FIELDS, Decision, Item, Rejection, text_key
from pipeline.run import MeetingRun


def subject_key(name: str) -> str:
    """Name as matched by subject access queries: case- and space-insensitive."""
    return " ".join(name.split()).casefold()


def _meeting(run: MeetingRun) -> dict[str, str]:
    m = run.meeting.meeting
    return {"id": m.id, "type": m.type, "date": m.date.isoformat()}


def _redaction(run: MeetingRun, item_id: str) -> tuple[list[dict[str, Any]], list[str]]:
    lines: list[dict[str, Any]] = []
    failed: list[str] = []
    for field in REDACTED_FIELDS:
        r = run.redactions.get(text_key(item_id, field))
        if r is None:
            continue
        if r.failed:
            failed.append(field)
        lines.extend({"field": field, "entity_type": e.entity_type, "count": e.count,
                      "recognizer": e.recognizer} for e in r.summary)
    return lines, failed


def decision_record(
    run: MeetingRun, item: Item, decision: Decision, recipients: tuple[str, ...], at: str
) -> NewRecord:
    """The record of one item's decision; redacted text as shared goes in `content`."""
    p = item.provenance
    rationale = run.redacted(item.item_id, "rationale")
    redaction, failed = _redaction(run, item.item_id)
    review = None
    if decision.reviewed_by or decision.reviewed_at or decision.review_reason:
        review = {"by": decision.reviewed_by,
                  "at": decision.reviewed_at.isoformat() if decision.reviewed_at else None,
                  "reason": decision.review_reason}
        if decision.reviewed_user:
            review["user"] = decision.reviewed_user
    body: dict[str, Any] = {
        "run_id": run.run_id, "meeting": _meeting(run), "item_id": item.item_id,
        "content_hash": item.content_hash, "agency": item.agency, "family_ref": item.family_ref,
        "item_ref": item.item_ref,
        "provenance": {"file": p.file, "sheet": p.sheet, "row": p.row, "sha256": p.sha256,
                       "received_at": p.received_at.isoformat()},
        "subject": {"name": item.subject_name,
                    "dob": item.subject_dob.isoformat() if item.subject_dob else None,
                    "role": item.subject_role},
        "category": item.category, "recorded_on": item.recorded_on.isoformat(),
        "event_date": item.event_date.isoformat() if item.event_date else None,
        "disposition": decision.disposition, "reasons": list(decision.reasons),
        "historic": decision.historic,
        "basis": {
            "agency_decision": item.agency_decision, "confidential": item.confidential,
            "consent": item.consent, "consent_given_by": item.consent_given_by,
            "consent_scope": list(item.consent_scope), "lawful_basis": item.lawful_basis,
            "special_condition": item.special_condition, "legal_power": item.legal_power,
            "legal_duty": item.legal_duty, "risk": item.risk,
            # only the redacted rationale is ever stored; None when no redaction was made
            "rationale": rationale, "decided_by": item.decided_by,
            "subject_informed": item.subject_informed,
        },
        "redaction": redaction, "redaction_failed": failed,
        "recipients": sorted(recipients) if decision.disposition == "shared" else [],
        "review": review,
        "decided_at": run.started_at.isoformat(),
    }
    match = run.identities.get(item.item_id)
    if match is not None:  # who the item was found to be about (pipeline/identity/)
        body["identity"] = {"outcome": match.outcome, "member": match.member,
                            "score": match.score, "why": match.why}
    content = None
    if decision.disposition == "shared":
        shared = {f: t for f in REDACTED_FIELDS if f != "rationale"
                  and (t := run.redacted(item.item_id, f)) is not None}
        content = canonical_json(shared)
    return NewRecord(
        kind="decision", run_id=run.run_id, meeting_id=run.meeting.meeting.id,
        # one person, one key: the roster name of a linked subject, whatever the spelling
        item_id=item.item_id, subject_key=subject_key(run.subject_name(item)),
        subject_dob=item.subject_dob.isoformat() if item.subject_dob else None,
        body=canonical_json(body), recorded_at=at, content=content)


def rejection_record(run: MeetingRun, rejection: Rejection, at: str) -> NewRecord:
    """A row (or file) that was not taken in: where it was and why, never its values."""
    p = rejection.provenance
    body = {
        "run_id": run.run_id, "meeting": _meeting(run),
        "agency": rejection.agency or p.agency_folder, "family_ref": rejection.family_ref,
        "provenance": {"file": p.file, "sheet": p.sheet, "row": p.row, "sha256": p.sha256,
                       "received_at": p.received_at.isoformat(),
                       "agency_folder": p.agency_folder},
        "disposition": "rejected", "reasons": [pr.as_reason() for pr in rejection.problems],
    }
    return NewRecord(kind="rejection", run_id=run.run_id, meeting_id=run.meeting.meeting.id,
                     body=canonical_json(body), recorded_at=at)


def run_record(run: MeetingRun, escrow: EscrowStatus, at: str) -> NewRecord:
    """The run header: what ran, on which files, and the ledger's own counts."""
    counts: Counter[tuple[str, str]] = Counter((r.agency, r.disposition) for r in run.ledger)
    ledger_counts: dict[str, dict[str, int]] = {}
    for (agency, disposition), n in sorted(counts.items()):
        ledger_counts.setdefault(agency, {})[disposition] = n
    m = run.meeting.meeting
    body = {
        "run_id": run.run_id, "meeting": {**_meeting(run), "purpose": m.purpose},
        "agencies": list(run.meeting.agencies),
        "families": [f.ref for f in run.meeting.families],
        "started_at": run.started_at.isoformat(), "meeting_config": run.meeting_config_path,
        "inbox": run.inbox, "files": dict(sorted(run.files.items())),
        "duplicates": dict(sorted(run.duplicates.items())),
        "counts": {"items": len(run.items), "rejections": len(run.rejections),
                   "ledger_rows": len(run.ledger)},
        "ledger_counts": ledger_counts, "escrow": escrow,
    }
    return NewRecord(kind="run", run_id=run.run_id, meeting_id=m.id,
                     body=canonical_json(body), recorded_at=at)


def record_run(
    run: MeetingRun, recipients: Mapping[str, tuple[str, ...]], settings: AuditSettings
) -> AuditHead:
    """Append one run's records to the store; return the head for audit_head.json.

    `recipients` maps item_id to the agency codes that received it (chair included).
    """
    missing = [i.item_id for i in run.items if i.item_id not in run.decisions]
    if missing:
        raise AuditError(f"run {run.run_id}: {len(missing)} item(s) have no decision (first "
                         f"{missing[0]}). Fix: every item needs exactly one decision.")
    key = load_escrow_key(settings)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    sealed, escrow = escrow_records(run, key, at)
    if escrow == "skipped_no_key" and settings.escrow.required:
        raise EscrowError("escrow.required is true but no escrow key is configured. Fix: set "
                          "CASEBUNDLE_ESCROW_KEY or escrow.key_file in audit.yaml.")
    new = [run_record(run, escrow, at)]
    new += [decision_record(run, i, run.decisions[i.item_id],
                            tuple(recipients.get(i.item_id, ())), at) for i in run.items]
    new += [rejection_record(run, rj, at) for rj in run.rejections]
    new += sealed
    with AuditStore.from_settings(settings) as store:
        written = store.append(new)
    last = written[-1]
    warnings: tuple[str, ...] = ()
    if escrow == "skipped_no_key":
        warnings = ("ESCROW_SKIPPED: no escrow key configured; pseudonyms of this run cannot "
                    "be revealed later (no plaintext was stored).",)
    return AuditHead(length=last.seq, head_hash=last.record_hash, run_id=run.run_id,
                     meeting_id=run.meeting.meeting.id, recorded_at=at,
                     records_added=len(written), escrow=escrow,
                     warnings=warnings)


def record_redaction_decision(settings: AuditSettings, meeting_id: str, run_id: str,
                              decision: Mapping[str, Any], restored_word: str | None) -> int:
    """Append a reviewer's decision on an unsure redaction (restore or confirm); return
    its sequence number. `decision` holds ids, hashes, action, who, when and why, never the
    word; a restored word (which the next bundle will show) goes in the purgeable content.
    """
    at = datetime.now(UTC).isoformat(timespec="seconds")
    new = NewRecord(kind="redaction_decision", run_id=run_id, meeting_id=meeting_id,
                    item_id=str(decision.get("item_id", "")) or None,
                    body=canonical_json(dict(decision)), recorded_at=at,
                    content=None if restored_word is None else canonical_json(
                        {"restored_word": restored_word}))
    with AuditStore.from_settings(settings) as store:
        return store.append([new])[-1].seq


def verify_store(store: AuditStore, head_files: Sequence[Path] = ()) -> VerifyResult:
    """Verify the whole chain, and that it still reaches each given audit_head.json."""
    heads = [(str(p), read_head(p)) for p in head_files]
    return verify_chain(store.all(), heads)
