"""Run status: what the meeting's latest run did, per agency, and the runs before it.

Read from what runs leave behind, never from Prefect: `<out>/<meeting_id>/run_summary.json`
and `ledger.csv` for the latest run (counts, and every rejected row with what the agency
should fix), and the audit store's `run` records for the history. Rejection reasons carry
no cell values (models.Problem.as_reason), so they can be shown to the agency that sent
the row.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline.audit import AuditStore
from pipeline.errors import OutputError
from pipeline.meeting import MeetingConfig
from pipeline.models import FROZEN, LEDGER_COLUMNS

SUMMARY_NAME = "run_summary.json"
LEDGER_NAME = "ledger.csv"
DISPOSITIONS: tuple[str, ...] = ("shared", "withheld", "review", "rejected")
#: one problem of a rejected row as the ledger writes it: CODE[column]: message Fix: fix
_PROBLEM = re.compile(r"^(?P<code>[A-Z][A-Z0-9_]*)(?:\[(?P<column>[^\]]*)\])?:\s*"
                      r"(?P<message>.*?)(?:\s+Fix:\s*(?P<fix>.*))?$", re.S)


class RowProblem(BaseModel):
    model_config = FROZEN
    code: str
    column: str | None
    message: str
    fix: str


class RejectedRow(BaseModel):
    """A row (or, with row None, a whole file) that the run did not take in."""

    model_config = FROZEN
    file: str
    sheet: str
    row: int | None
    family_ref: str
    problems: tuple[RowProblem, ...]


class RejectedGroup(BaseModel):
    """Rejected rows of one file that share the same problems (e.g. a duplicate file)."""

    model_config = FROZEN
    file: str
    sheet: str
    rows: tuple[int | None, ...]
    family_ref: str
    problems: tuple[RowProblem, ...]

    @property
    def rows_label(self) -> str:
        """'whole file', '7', or '2-13' / '2, 5, 9' for several rows."""
        rows = [r for r in self.rows if r is not None]
        if not rows:
            return "whole file"
        if len(rows) > 2 and rows == list(range(rows[0], rows[-1] + 1)):
            return f"{rows[0]}-{rows[-1]}"
        return ", ".join(str(r) for r in rows)


def group_rejections(rows: tuple[RejectedRow, ...]) -> list[RejectedGroup]:
    """Rows with the same file, sheet, family and problems, as one line each."""
    groups: dict[tuple[object, ...], list[RejectedRow]] = {}
    for r in rows:
        groups.setdefault((r.file, r.sheet, r.family_ref, r.problems), []).append(r)
    return [RejectedGroup(file=g[0].file, sheet=g[0].sheet, rows=tuple(r.row for r in g),
                          family_ref=g[0].family_ref, problems=g[0].problems)
            for g in groups.values()]


class AgencyStatus(BaseModel):
    model_config = FROZEN
    agency: str
    name: str
    counts: dict[str, int]
    rejected: tuple[RejectedRow, ...]
    files: tuple[str, ...]
    duplicates: dict[str, str]
    notes: dict[str, tuple[str, ...]]

    @property
    def sent_nothing(self) -> bool:
        return not self.files

    @property
    def rejected_groups(self) -> list[RejectedGroup]:
        return group_rejections(self.rejected)


class RunStatus(BaseModel):
    """The latest run of a meeting, per agency (no item text, no cell values)."""

    model_config = FROZEN
    meeting_id: str
    run_id: str
    started_at: str
    rows_in: int
    counts: dict[str, int]
    agencies: tuple[AgencyStatus, ...]

    def only(self, agency: str) -> RunStatus:
        """The same status cut to one agency (what that agency's reviewer may see)."""
        mine = tuple(a for a in self.agencies if a.agency == agency)
        counts = mine[0].counts if mine else dict.fromkeys(DISPOSITIONS, 0)
        return self.model_copy(update={"agencies": mine, "counts": counts,
                                       "rows_in": sum(counts.values())})


class RunHistoryEntry(BaseModel):
    """One recorded run of the meeting (from the audit store's run records)."""

    model_config = FROZEN
    run_id: str
    started_at: str
    recorded_at: str
    counts: dict[str, int]
    by_agency: dict[str, dict[str, int]]


def parse_problems(reasons: str) -> tuple[RowProblem, ...]:
    """A rejected ledger row's reasons as problems; text that does not parse is kept whole."""
    out: list[RowProblem] = []
    for part in (p.strip() for p in reasons.split(" | ")):
        if not part:
            continue
        m = _PROBLEM.match(part)
        if m is None:
            out.append(RowProblem(code="", column=None, message=part, fix=""))
            continue
        out.append(RowProblem(code=m["code"], column=m["column"] or None,
                              message=m["message"].strip(), fix=(m["fix"] or "").strip()))
    return tuple(out)


def _read_summary(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise OutputError(f"{path}: cannot be read as a run summary. Fix: run the meeting "
                          "again to rewrite it.") from None
    if not isinstance(data, dict) or not {"run_id", "counts", "rows_in"} <= data.keys():
        raise OutputError(f"{path}: is not a casebundle run summary. Fix: run the meeting "
                          "again to rewrite it.")
    return data


def _read_ledger(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if list(reader.fieldnames or ()) != list(LEDGER_COLUMNS):
                raise OutputError(f"{path}: its columns are not the ledger's. Fix: run the "
                                  "meeting again to rewrite it.")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error):
        raise OutputError(f"{path}: cannot be read as a ledger. Fix: run the meeting again "
                          "to rewrite it.") from None


def _row_number(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _agency_of_file(name: str) -> str:
    return name.split("/", 1)[0] if "/" in name else ""


def load_status(out: Path, meeting: MeetingConfig) -> RunStatus | None:
    """The meeting's latest run as its outputs record it; None when it has not run yet."""
    folder = Path(out) / meeting.meeting.id
    summary_path = folder / SUMMARY_NAME
    if not summary_path.is_file():
        return None
    summary = _read_summary(summary_path)
    ledger = _read_ledger(folder / LEDGER_NAME)
    counts: dict[str, Counter[str]] = {}
    rejected: dict[str, list[RejectedRow]] = {}
    for row in ledger:
        agency = row["agency"] or _agency_of_file(row["file"])
        counts.setdefault(agency, Counter())[row["disposition"]] += 1
        if row["disposition"] == "rejected":
            rejected.setdefault(agency, []).append(RejectedRow(
                file=row["file"], sheet=row["sheet"], row=_row_number(row["row"]),
                family_ref=row["family_ref"], problems=parse_problems(row["reasons"])))
    files: dict[str, str] = summary.get("files") or {}
    duplicates: dict[str, str] = summary.get("duplicates") or {}
    notes: dict[str, list[str]] = summary.get("notes") or {}
    agencies = list(meeting.agencies) + sorted(set(counts) - set(meeting.agencies))
    rows = tuple(
        AgencyStatus(
            agency=a, name=meeting.agency_names.get(a, a),
            counts={d: counts.get(a, Counter())[d] for d in DISPOSITIONS},
            rejected=tuple(rejected.get(a, ())),
            files=tuple(sorted(f for f in files if _agency_of_file(f) == a)),
            duplicates={k: v for k, v in duplicates.items() if _agency_of_file(k) == a},
            notes={k: tuple(v) for k, v in notes.items() if _agency_of_file(k) == a})
        for a in agencies)
    try:
        return RunStatus(meeting_id=str(summary.get("meeting_id", meeting.meeting.id)),
                         run_id=str(summary["run_id"]),
                         started_at=str(summary.get("started_at", "")),
                         rows_in=int(summary["rows_in"]),
                         counts={d: int(summary["counts"].get(d, 0)) for d in DISPOSITIONS},
                         agencies=rows)
    except (ValidationError, ValueError, TypeError, AttributeError):
        raise OutputError(f"{summary_path}: is not a casebundle run summary. Fix: run the "
                          "meeting again to rewrite it.") from None


def run_history(store: AuditStore, meeting_id: str, limit: int = 20) -> list[RunHistoryEntry]:
    """The meeting's recorded runs, newest first (counts from each run's own ledger)."""
    out: list[RunHistoryEntry] = []
    for r in reversed(store.of_kind("run", meeting_id)[-limit:]):
        d = r.data()
        by_agency: dict[str, dict[str, int]] = d.get("ledger_counts") or {}
        total: Counter[str] = Counter()
        for c in by_agency.values():
            total.update(c)
        out.append(RunHistoryEntry(run_id=r.run_id, started_at=d.get("started_at", ""),
                                   recorded_at=r.recorded_at,
                                   counts={k: total[k] for k in DISPOSITIONS},
                                   by_agency=by_agency))
    return out
