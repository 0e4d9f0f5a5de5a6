"""Human review decisions in the decision record: one `review` record per decision, written
when the person decides (the next run's `decision` record then shows it applied).

Golden rule 7 and paragraph 3.51 (../shared/seeds/003_e63cd6015283d4be.txt): record each
decision and its reason, and who made it. The record names the signed-in account and its
role; it holds no item text (the reason is the reviewer's own words). Decisions on words the
redaction removed as unsure are `redaction_decision` records (records.py); they are read
back here for the same pages.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from pipeline.audit.chain import AuditRecord, canonical_json
from pipeline.audit.store import AuditStore, NewRecord
from pipeline.models import FROZEN

KIND = "review"
REDACTION_KIND = "redaction_decision"


class ReviewEntry(BaseModel):
    """A recorded review decision as the governance pages show it."""

    model_config = FROZEN
    seq: int
    run_id: str
    item_id: str
    agency: str
    family_ref: str
    disposition: str
    reason: str
    by: str
    user: str | None
    role: str | None
    at: str
    content_hash: str


def review_record(
    *, meeting: dict[str, str], run_id: str, item_id: str, content_hash: str, agency: str,
    family_ref: str, disposition: str, reason: str, by: str, user: str | None,
    role: str | None, at: str, member: str | None = None,
) -> NewRecord:
    """The record of one person's share/withhold decision on an item awaiting review.

    `run_id` is the run whose review queue the person decided from; `meeting` is
    {id, type, date}. `member` is the roster member a share decision confirms the item is
    about (identity step), when the reviewer named one.
    """
    body: dict[str, Any] = {
        "run_id": run_id, "meeting": meeting, "item_id": item_id,
        "content_hash": content_hash, "agency": agency, "family_ref": family_ref,
        "disposition": disposition, "reason": reason, "by": by, "user": user, "role": role,
        "at": at,
    }
    if member is not None:
        body["member"] = member
    return NewRecord(kind=KIND, run_id=run_id, meeting_id=meeting["id"], item_id=item_id,
                     body=canonical_json(body), recorded_at=at)


def _entry(r: AuditRecord) -> ReviewEntry:
    d = r.data()
    return ReviewEntry(seq=r.seq, run_id=r.run_id, item_id=d["item_id"], agency=d["agency"],
                       family_ref=d["family_ref"], disposition=d["disposition"],
                       reason=d["reason"], by=d["by"], user=d.get("user"),
                       role=d.get("role"), at=d["at"], content_hash=d["content_hash"])


def review_entries(store: AuditStore, meeting_id: str) -> list[ReviewEntry]:
    """Every review decision recorded for a meeting, oldest first."""
    return [_entry(r) for r in store.of_kind(KIND, meeting_id)]


class RedactionEntry(BaseModel):
    """A recorded decision on a word removed as unsure, as the governance pages show it.
    Never the word itself (a confirmed word may be a third party's name)."""

    model_config = FROZEN
    seq: int
    run_id: str
    span_id: str
    item_id: str
    field: str
    agency: str | None
    family_ref: str
    action: str
    allow: bool
    reason: str
    by: str
    user: str | None
    at: str
    content_hash: str


def _redaction_entry(r: AuditRecord) -> RedactionEntry:
    d = r.data()
    return RedactionEntry(seq=r.seq, run_id=r.run_id, span_id=d["span_id"],
                          item_id=d["item_id"], field=d["field"], agency=d.get("agency"),
                          family_ref=d["family_ref"], action=d["action"],
                          allow=bool(d.get("allow")), reason=d["reason"], by=d["by"],
                          user=d.get("user"), at=str(d["at"]),
                          content_hash=d["content_hash"])


def redaction_entries(store: AuditStore, meeting_id: str) -> list[RedactionEntry]:
    """Every decision on an unsure redaction recorded for a meeting, oldest first."""
    return [_redaction_entry(r) for r in store.of_kind(REDACTION_KIND, meeting_id)]
