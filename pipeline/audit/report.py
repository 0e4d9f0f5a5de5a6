"""Governance report of one meeting run: who submitted and shared what, on which basis.

Built from the audit store only (never from outputs), written as xlsx and self-contained
HTML to <out>/<meeting_id>/audit/. Lists every item shared without consent with its
rationale and decider (../shared/seeds/003_e63cd6015283d4be.txt 3.38, 3.51).
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from pipeline.audit.chain import AuditRecord
from pipeline.audit.exceptions import AuditError
from pipeline.audit.store import AuditStore
from pipeline.models import FROZEN
from pipeline.safe_files import safe_cell, secure_mkdir, write_bytes, write_text

#: consent values under which sharing is with the person's agreement (or needs none)
CONSENTED = ("explicit", "implied", "not_required")
MARKING = "OFFICIAL-SENSITIVE"
TEMPLATES = Path(__file__).resolve().parent / "templates"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


class AgencyCounts(BaseModel):
    model_config = FROZEN
    agency: str
    submitted: int = 0
    shared: int = 0
    withheld: int = 0
    review: int = 0
    rejected: int = 0


class BasisCount(BaseModel):
    model_config = FROZEN
    basis: str  # lawful_basis | special_condition | legal_power | legal_duty
    value: str
    items: int


class NoConsentItem(BaseModel):
    model_config = FROZEN
    item_id: str
    agency: str
    family_ref: str
    category: str
    consent: str
    lawful_basis: str
    legal_power: str | None
    legal_duty: str
    risk: str
    subject_informed: str | None
    rationale: str | None  # redacted
    decided_by: str
    reviewed_by: str | None


class RedactionCount(BaseModel):
    model_config = FROZEN
    entity_type: str
    recognizer: str
    count: int
    items: int


class SilentAgency(BaseModel):
    model_config = FROZEN
    agency: str
    submitted: int
    note: str


class AuditReport(BaseModel):
    """Everything the governance report shows; counts only, plus redacted rationales."""

    model_config = FROZEN
    meeting_id: str
    meeting_type: str
    meeting_date: str
    run_id: str
    run_started_at: str
    recorded_at: str
    runs_of_meeting: int
    generated_at: str
    agencies: tuple[AgencyCounts, ...]
    totals: AgencyCounts
    ledger_matches: bool
    bases: tuple[BasisCount, ...]
    no_consent: tuple[NoConsentItem, ...]
    redactions: tuple[RedactionCount, ...]
    silent: tuple[SilentAgency, ...]
    content_purged: bool


def report_from_records(records: Sequence[AuditRecord], runs_of_meeting: int = 1) -> AuditReport:
    """Build the report from one run's records (its run header, decisions, rejections)."""
    header = next((r for r in records if r.kind == "run"), None)
    if header is None:
        raise AuditError("these records have no run header. Fix: pass one run's records.")
    run = header.data()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    bases: Counter[tuple[str, str]] = Counter()
    redactions: Counter[tuple[str, str]] = Counter()
    redacted_items: dict[tuple[str, str], set[str]] = defaultdict(set)
    no_consent: list[NoConsentItem] = []
    purged = False
    for r in records:
        if r.kind not in ("decision", "rejection"):
            continue
        d = r.data()
        counts[d["agency"]][d["disposition"]] += 1
        if r.kind != "decision" or d["disposition"] != "shared":
            continue
        purged = purged or (r.content is None and r.purged_at is not None)
        b = d["basis"]
        for basis in ("lawful_basis", "special_condition", "legal_power", "legal_duty"):
            if b.get(basis) and b[basis] != "none":
                bases[(basis, str(b[basis]))] += 1
        for line in d["redaction"]:
            k = (line["entity_type"], line["recognizer"])
            redactions[k] += int(line["count"])
            redacted_items[k].add(d["item_id"])
        if b["consent"] not in CONSENTED:
            review = d.get("review") or {}
            no_consent.append(NoConsentItem(
                item_id=d["item_id"], agency=d["agency"], family_ref=d["family_ref"],
                category=d["category"], consent=b["consent"], lawful_basis=b["lawful_basis"],
                legal_power=b.get("legal_power"), legal_duty=b["legal_duty"], risk=b["risk"],
                subject_informed=b.get("subject_informed"), rationale=b.get("rationale"),
                decided_by=b["decided_by"], reviewed_by=review.get("by")))
    agencies = list(run["agencies"]) + sorted(set(counts) - set(run["agencies"]))
    rows = tuple(_agency_row(a, counts[a]) for a in agencies)
    totals = _agency_row("TOTAL", sum((counts[a] for a in agencies), Counter()))
    ledger = {a: Counter(v) for a, v in run["ledger_counts"].items()}
    ledger_matches = {a: +c for a, c in counts.items() if +c} == {a: +c for a, c in ledger.items()}
    silent = tuple(SilentAgency(agency=row.agency, submitted=row.submitted,
                                note=_silence(row)) for row in rows if row.shared == 0)
    return AuditReport(
        meeting_id=header.meeting_id, meeting_type=run["meeting"]["type"],
        meeting_date=run["meeting"]["date"], run_id=header.run_id,
        run_started_at=run["started_at"], recorded_at=header.recorded_at,
        runs_of_meeting=runs_of_meeting,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        agencies=rows, totals=totals, ledger_matches=ledger_matches,
        bases=tuple(BasisCount(basis=k[0], value=k[1], items=n)
                    for k, n in sorted(bases.items())),
        no_consent=tuple(sorted(no_consent, key=lambda x: (x.agency, x.item_id))),
        redactions=tuple(RedactionCount(entity_type=k[0], recognizer=k[1], count=n,
                                        items=len(redacted_items[k]))
                         for k, n in sorted(redactions.items())),
        silent=silent, content_purged=purged)


def _agency_row(agency: str, c: Counter[str]) -> AgencyCounts:
    return AgencyCounts(agency=agency, submitted=sum(c.values()), shared=c["shared"],
                        withheld=c["withheld"], review=c["review"], rejected=c["rejected"])


def _silence(row: AgencyCounts) -> str:
    if row.submitted == 0:
        return "submitted nothing"
    return (f"shared nothing: {row.withheld} withheld, {row.review} awaiting review, "
            f"{row.rejected} rejected")


def build_report(store: AuditStore, meeting_id: str, run_id: str | None = None) -> AuditReport:
    """The report of a meeting's latest run (or of `run_id`)."""
    runs = store.of_kind("run", meeting_id)
    if not runs:
        raise AuditError(f"no run of meeting {meeting_id} is recorded in {store.safe_url}. "
                         "Fix: check the meeting id, or run the meeting first.")
    chosen = runs[-1].run_id if run_id is None else run_id
    if chosen not in {r.run_id for r in runs}:
        raise AuditError(f"run {run_id} is not a run of meeting {meeting_id}. Known runs: "
                         f"{', '.join(r.run_id for r in runs)}.")
    return report_from_records(store.of_run(chosen), runs_of_meeting=len(runs))


# --- writers -------------------------------------------------------------------------------

def _sheets(rep: AuditReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    summary: list[list[Any]] = [
        ["Classification", MARKING], ["Meeting", rep.meeting_id],
        ["Meeting type", rep.meeting_type], ["Meeting date", rep.meeting_date],
        ["Run", rep.run_id], ["Run started", rep.run_started_at],
        ["Recorded", rep.recorded_at], ["Runs of this meeting", rep.runs_of_meeting],
        ["Report generated", rep.generated_at],
        ["Records match the run's ledger", "yes" if rep.ledger_matches else "NO"],
        ["Shared text purged under retention", "yes" if rep.content_purged else "no"],
    ]
    counts = ["agency", "submitted", "shared", "withheld", "review", "rejected"]
    nc = list(NoConsentItem.model_fields)
    return [
        ("Summary", ["field", "value"], summary),
        ("By agency", counts,
         [[getattr(a, c) for c in counts] for a in (*rep.agencies, rep.totals)]),
        ("Bases relied on", ["basis", "value", "shared items"],
         [[b.basis, b.value, b.items] for b in rep.bases]),
        ("Shared without consent", nc, [[getattr(x, c) for c in nc] for x in rep.no_consent]),
        ("Redactions", ["entity_type", "recognizer", "removed", "items"],
         [[r.entity_type, r.recognizer, r.count, r.items] for r in rep.redactions]),
        ("Shared nothing", ["agency", "submitted", "note"],
         [[s.agency, s.submitted, s.note] for s in rep.silent]),
    ]


def _fill(ws: Worksheet, columns: list[str], rows: list[list[Any]]) -> None:
    ws.append([safe_cell(c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows or [["(none)"] + [None] * (len(columns) - 1)]:
        ws.append([safe_cell(v) for v in row])
    for i in range(1, len(columns) + 1):
        longest = max(len(str(c.value or "")) for c in ws[get_column_letter(i)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(12, longest + 2), 80)
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for hf in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        hf.center.text = MARKING
    for hf in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        hf.center.text = MARKING
        hf.right.text = "Page &P of &N"


def render_xlsx(rep: AuditReport) -> bytes:
    wb = Workbook()
    wb.properties.creator = "casebundle"
    wb.properties.title = f"Audit report {rep.meeting_id}"
    first = True
    for title, columns, rows in _sheets(rep):
        if first:
            ws = wb.active
            assert ws is not None
            ws.title = title
            first = False
        else:
            ws = wb.create_sheet(title)
        _fill(ws, columns, rows)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_html(rep: AuditReport) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("audit_report.html.j2").render(
        r=rep, marking=MARKING, no_consent_columns=list(NoConsentItem.model_fields))


def write_report(rep: AuditReport, out_dir: Path) -> tuple[Path, Path]:
    """Write <out>/<meeting_id>/audit/audit_report.{xlsx,html}."""
    if not _SAFE_ID.match(rep.meeting_id):
        raise AuditError(f"meeting id {rep.meeting_id!r} cannot name a folder.")
    folder = secure_mkdir(out_dir / rep.meeting_id / "audit")
    xlsx = write_bytes(folder / "audit_report.xlsx", render_xlsx(rep))
    html = write_text(folder / "audit_report.html", render_html(rep))
    return xlsx, html
