"""The review desk: items awaiting a human decision with their redacted text, and recording
a person's decision in the review store and the decision record together.

After publishing, a run writes `<state>/<meeting_id>/review_queue.json` beside the review
decisions: one entry per item awaiting review, with what a reviewer needs to decide (golden
rule 3, seek advice; 003 3.45) and the item's free text only in its redacted form, as it
would be shared. It is the reviewers' working copy, kept in the state folder and not among
the outputs: the redaction in it is automatic and has not been checked by anyone yet (the
reviewer is the check), and outputs are what gets circulated. A decision is tied to the
item's content hash (003 3.21), needs a real reason (golden rule 7; 003 3.51), and is
recorded in the audit chain before it is stored, so no decision applies without its
record. Used by `casebundle review` and `casebundle web`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from pipeline.audit import (
    AuditSettings,
    AuditStore,
    record_redaction_decision,
    review_record,
)
from pipeline.errors import ReviewError
from pipeline.meeting import MeetingConfig
from pipeline.models import FROZEN, REDACTED_FIELDS, SubjectMatch, text_key
from pipeline.policy import (
    PolicyRules,
    ReviewDecision,
    is_boilerplate,
    load_reviews,
    record_review,
    review_store_path,
)
from pipeline.redact import (
    RedactionDecision,
    list_unsure,
    new_span_decision,
    store_span_decision,
)
from pipeline.run import MeetingRun
from pipeline.safe_files import write_text

QUEUE_DETAILS_NAME = "review_queue.json"


class QueueEntry(BaseModel):
    """One item awaiting review, as a reviewer sees it: facts, reasons, redacted text."""

    model_config = FROZEN

    item_id: str
    content_hash: str
    agency: str
    family_ref: str
    item_ref: str | None
    subject_name: str
    subject_role: str
    category: str
    recorded_on: date
    event_date: date | None
    fact_or_opinion: str
    source: str
    confidential: str
    consent: str
    lawful_basis: str
    legal_power: str | None
    risk: str
    agency_decision: str
    decided_by: str
    file: str
    sheet: str
    row: int | None
    reasons: tuple[str, ...]
    #: redacted text by field (summary, opinion_of, rationale); None when empty or failed
    summary: str | None
    opinion_of: str | None
    rationale: str | None
    #: fields whose redaction failed: their text is not shown (fail closed)
    redaction_failed: tuple[str, ...] = ()
    #: the identity step's outcome: who the item may be about, the matcher's candidates
    #: (roster names, possibly of other families) and why; None in queues written before
    identity: SubjectMatch | None = None


class ReviewQueue(BaseModel):
    """The review queue one run wrote."""

    model_config = FROZEN

    meeting_id: str
    run_id: str
    started_at: datetime
    entries: tuple[QueueEntry, ...]

    def get(self, item_id: str) -> QueueEntry | None:
        return next((e for e in self.entries if e.item_id == item_id), None)


def queue_entries(run: MeetingRun) -> list[QueueEntry]:
    """The run's items awaiting review, in input order, with their redacted text."""
    out: list[QueueEntry] = []
    for item in run.items:
        d = run.decisions[item.item_id]
        if d.disposition != "review":  # the same selection as review_queue.csv
            continue
        texts: dict[str, str | None] = {}
        failed: list[str] = []
        for name in REDACTED_FIELDS:
            texts[name] = run.redacted(item.item_id, name)
            r = run.redactions.get(text_key(item.item_id, name))
            if getattr(item, name) and (r is None or r.failed):
                failed.append(name)  # never fall back to the raw text
        p = item.provenance
        out.append(QueueEntry(
            item_id=item.item_id, content_hash=item.content_hash, agency=item.agency,
            family_ref=item.family_ref, item_ref=item.item_ref, subject_name=item.subject_name,
            subject_role=item.subject_role, category=item.category,
            recorded_on=item.recorded_on, event_date=item.event_date,
            fact_or_opinion=item.fact_or_opinion, source=item.source,
            confidential=item.confidential, consent=item.consent,
            lawful_basis=item.lawful_basis, legal_power=item.legal_power, risk=item.risk,
            agency_decision=item.agency_decision, decided_by=item.decided_by,
            file=p.file, sheet=p.sheet, row=p.row, reasons=d.reasons,
            summary=texts["summary"], opinion_of=texts["opinion_of"],
            rationale=texts["rationale"], redaction_failed=tuple(failed),
            identity=run.identities.get(item.item_id)))
    return out


def queue_document(run: MeetingRun) -> str:
    """review_queue.json for a run."""
    queue = ReviewQueue(meeting_id=run.meeting.meeting.id, run_id=run.run_id,
                        started_at=run.started_at, entries=tuple(queue_entries(run)))
    return queue.model_dump_json(indent=2) + "\n"


def queue_path(state_dir: Path, meeting_id: str) -> Path:
    """<state>/<meeting_id>/review_queue.json (the meeting id is checked to name a folder)."""
    return review_store_path(state_dir, meeting_id).with_name(QUEUE_DETAILS_NAME)


def write_queue(run: MeetingRun, state_dir: Path) -> Path:
    """Write the run's review queue to the state folder, replacing the last one in one step."""
    path = queue_path(state_dir, run.meeting.meeting.id)
    tmp = path.with_name(f".{QUEUE_DETAILS_NAME}.tmp-{run.run_id}")
    write_text(tmp, queue_document(run))
    os.replace(tmp, path)
    return path


def load_queue(state_dir: Path, meeting_id: str) -> ReviewQueue | None:
    """The review queue of the meeting's latest run; None when the meeting has not run."""
    path = queue_path(state_dir, meeting_id)
    if not path.is_file():
        return None
    try:
        queue = ReviewQueue.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError, json.JSONDecodeError):
        raise ReviewError(f"{path}: is not a review queue casebundle can read. Fix: run the "
                          "meeting again to rewrite it.") from None
    if queue.meeting_id != meeting_id:
        raise ReviewError(f"{path}: belongs to meeting {queue.meeting_id}, not {meeting_id}. "
                          "Fix: run the meeting again to rewrite it.")
    return queue


def is_pending(entry: QueueEntry, reviews: Mapping[str, ReviewDecision]) -> bool:
    """True while no decision applies to the item as it is now (none, or the row changed)."""
    d = reviews.get(entry.item_id)
    return d is None or d.content_hash != entry.content_hash


def role_label(role: str, agency: str | None) -> str:
    """The role a decision is recorded under in bundles and receipts (never a name)."""
    if role == "agency_reviewer" and agency:
        return f"{agency} reviewer"
    return {"coordinator": "meeting coordinator"}.get(role, role.replace("_", " "))


def record_decision(
    *,
    meeting: MeetingConfig,
    run_id: str,
    item_id: str,
    content_hash: str,
    agency: str,
    family_ref: str,
    disposition: Literal["shared", "withheld"],
    reason: str,
    by: str,
    user: str | None,
    role: str | None,
    state_dir: Path,
    audit: AuditSettings,
    policy: PolicyRules,
    at: datetime | None = None,
    member: str | None = None,
) -> ReviewDecision:
    """Record a decision on an item awaiting review: first in the audit chain, then in the
    review store (so no decision applies without its record).

    `run_id` is the run whose review queue the item was decided from; `content_hash` the
    item's hash in that queue (the decision stops applying if the row changes). Raises
    ReviewError when the reason is empty or boilerplate or `by` is blank. The decision
    applies from the next run. `member`, with a share decision, is the roster member the
    reviewer confirms the item is about (for an item whose subject did not match).
    """
    reason = " ".join(reason.split())
    if is_boilerplate(reason, policy):
        raise ReviewError(
            "the reason is empty or boilerplate. Fix: say why sharing is (or is not) "
            f"necessary and proportionate, in at least {policy.rationale.min_words} words "
            "(golden rule 7; 003_e63cd6015283d4be.txt 3.51).")
    if not by.strip():
        raise ReviewError("the decision names no role. Fix: say in which role you decide.")
    when = (at or datetime.now(UTC)).replace(microsecond=0)
    decision = ReviewDecision(item_id=item_id, content_hash=content_hash,
                              disposition=disposition, reason=reason, by=by.strip(), at=when,
                              user=user, member=member if disposition == "shared" else None)
    m = meeting.meeting
    record = review_record(
        meeting={"id": m.id, "type": m.type, "date": m.date.isoformat()}, run_id=run_id,
        item_id=item_id, content_hash=content_hash, agency=agency, family_ref=family_ref,
        disposition=disposition, reason=reason, by=decision.by, user=user, role=role,
        at=when.isoformat(timespec="seconds"), member=decision.member)
    with AuditStore.from_settings(audit) as store:
        store.append([record])
    record_review(review_store_path(state_dir, m.id), decision)
    return decision


def record_span_decision(
    *,
    meeting_id: str,
    span_id: str,
    action: Literal["restore", "confirm"],
    reason: str,
    by: str,
    user: str | None,
    state_dir: Path,
    audit: AuditSettings,
    allow: bool = False,
    at: datetime | None = None,
) -> tuple[RedactionDecision, int]:
    """Record a decision on a word the last run removed as unsure: first in the audit chain
    (a `redaction_decision` record, never holding the word unless it is restored), then in
    the meeting's redaction decisions. Returns the decision and its audit sequence number.

    Raises ConfigError for a span not in the last run's list or an allow-list confirmation,
    ReviewError for a reason shorter than pipeline.redact.MIN_REASON_WORDS words.
    """
    decision = new_span_decision(state_dir, meeting_id, span_id, action, by=by,
                                 reason=reason, allow=allow, user=user, at=at)
    entry = next(e for e in list_unsure(state_dir, meeting_id) if e.span_id == span_id)
    body = decision.model_dump(mode="json", exclude={"word"})
    seq = record_redaction_decision(audit, meeting_id, entry.run_id, body,
                                    decision.word if action == "restore" else None)
    store_span_decision(state_dir, meeting_id, decision)
    return decision, seq


def latest_run_id(out: Path, meeting_id: str) -> str | None:
    """The run id in <out>/<meeting_id>/run_summary.json, if it can be read."""
    try:
        data = json.loads((Path(out) / meeting_id / "run_summary.json").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    run_id = data.get("run_id") if isinstance(data, dict) else None
    return str(run_id) if run_id else None


def current_reviews(state_dir: Path, meeting_id: str) -> dict[str, ReviewDecision]:
    """The latest decision per item recorded for the meeting."""
    return load_reviews(review_store_path(state_dir, meeting_id))
