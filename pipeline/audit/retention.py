"""Retention: purge meeting outputs, escrowed mappings and shared text after their period.

Retention runs per meeting type (audit.yaml retention_months), counted from the meeting
date. A purge deletes the meeting's output folder (bundles, recipient views; the small
audit_head.json is kept so truncation stays detectable), and tombstones the content of its
records (redacted text as shared, sealed escrow tokens). Decision metadata stays, the chain
stays verifiable (content is chained by hash only) and the purge itself is recorded.
"""

from __future__ import annotations

import calendar
import re
import shutil
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import BaseModel

from pipeline.audit.chain import HEAD_FILE, AuditRecord, canonical_json
from pipeline.audit.exceptions import AuditError
from pipeline.audit.settings import AuditSettings
from pipeline.audit.store import AuditStore, NewRecord
from pipeline.models import FROZEN

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def add_months(d: date, months: int) -> date:
    """`d` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


class PurgeRun(BaseModel):
    model_config = FROZEN
    run_id: str
    meeting_id: str
    meeting_type: str
    meeting_date: str
    expires_on: str
    #: purged before its retention period ended (only with allow_early)
    early: bool
    #: records whose content (shared text, escrow token) is tombstoned
    records: tuple[int, ...]


class PurgePlan(BaseModel):
    """What a purge would remove; `execute_purge` carries it out."""

    model_config = FROZEN
    before: str | None
    today: str
    runs: tuple[PurgeRun, ...]
    #: runs older than --before that are still within retention, left alone
    kept_within_retention: tuple[PurgeRun, ...]
    #: meeting output folders to empty (everything but audit_head.json)
    folders: tuple[str, ...]


class PurgeResult(BaseModel):
    model_config = FROZEN
    plan: PurgePlan
    record_seq: int | None
    folders_removed: tuple[str, ...]


def _purged_runs(store: AuditStore) -> set[str]:
    return {run["run_id"] for p in store.of_kind("purge") for run in p.data()["runs"]}


def _folder_has_outputs(folder: Path) -> bool:
    return folder.is_dir() and any(p.name != HEAD_FILE for p in folder.iterdir())


def plan_purge(
    store: AuditStore,
    settings: AuditSettings,
    out_dir: Path,
    *,
    before: date | None = None,
    today: date | None = None,
    allow_early: bool = False,
) -> PurgePlan:
    """Runs due for purge: meeting before `before` (if given) and past retention."""
    today = today or date.today()
    done = _purged_runs(store)
    with_content: dict[str, list[int]] = defaultdict(list)
    for r in store.all():
        if r.content is not None:
            with_content[r.run_id].append(r.seq)
    runs: list[PurgeRun] = []
    kept: list[PurgeRun] = []
    by_meeting: dict[str, list[AuditRecord]] = defaultdict(list)
    for header in store.of_kind("run"):
        by_meeting[header.meeting_id].append(header)
        m = header.data()["meeting"]
        held_on = date.fromisoformat(m["date"])
        expires = add_months(held_on, settings.retention_months[m["type"]])
        if header.run_id in done and not with_content.get(header.run_id):
            continue
        due = held_on < before if before else expires <= today
        if not due:
            continue
        early = expires > today
        pr = PurgeRun(run_id=header.run_id, meeting_id=header.meeting_id, meeting_type=m["type"],
                      meeting_date=m["date"], expires_on=expires.isoformat(), early=early,
                      records=tuple(with_content.get(header.run_id, ())))
        (kept if early and not allow_early else runs).append(pr)
    gone = done | {r.run_id for r in runs}
    folders = sorted(
        meeting for meeting, headers in by_meeting.items()
        if all(h.run_id in gone for h in headers)
        and _SAFE_ID.match(meeting) and _folder_has_outputs(out_dir / meeting)
    )
    return PurgePlan(before=before.isoformat() if before else None, today=today.isoformat(),
                     runs=tuple(runs), kept_within_retention=tuple(kept), folders=tuple(folders))


def _empty_folder(out_dir: Path, meeting_id: str) -> None:
    folder = out_dir / meeting_id
    if folder.is_symlink() or folder.resolve().parent != out_dir.resolve():
        raise AuditError(f"{folder} is not a plain folder inside {out_dir}; not purged. "
                         "Fix: remove it by hand after checking what it holds.")
    for entry in folder.iterdir():
        if entry.name == HEAD_FILE:
            continue  # no personal data; keeps truncation of the chain detectable
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def execute_purge(
    store: AuditStore, plan: PurgePlan, out_dir: Path, *, by: str, allow_early: bool = False
) -> PurgeResult:
    """Record the purge and tombstone content (one transaction), then empty the folders."""
    if not plan.runs and not plan.folders:
        return PurgeResult(plan=plan, record_seq=None, folders_removed=())
    now = datetime.now(UTC).isoformat(timespec="seconds")
    seqs = sorted(s for r in plan.runs for s in r.records)
    body = {
        "before": plan.before, "today": plan.today, "by": by, "at": now,
        "allow_early": allow_early,
        "runs": [r.model_dump(exclude={"records"}) for r in plan.runs],
        "tombstoned": seqs, "folders": list(plan.folders),
    }
    written = store.append(
        [NewRecord(kind="purge", run_id=f"purge-{now}", meeting_id="*",
                   body=canonical_json(body), recorded_at=now)],
        tombstone=seqs, purged_at=now)
    removed = []
    for meeting in plan.folders:
        try:
            _empty_folder(out_dir, meeting)
        except OSError as exc:
            raise AuditError(f"the purge was recorded but {out_dir / meeting} could not be "
                             f"emptied ({type(exc).__name__}). Fix: check permissions and "
                             "run the purge again; it finishes the folders left.") from None
        removed.append(meeting)
    return PurgeResult(plan=plan, record_seq=written[0].seq, folders_removed=tuple(removed))
