"""Bundles and the agenda as .xlsx workbooks (openpyxl), returned as bytes.

Every sheet: a handling banner in row 1, column headers in row 2 (both frozen), an
autofilter, wrapped text, real date cells, and the protective marking (and, for recipient
views, the onward-sharing notice) in the printed header and footer. Every string cell
passes through `safe_cell`. No hidden sheets, rows or columns, no comments, no defined
names. Zip timestamps and document dates are pinned to the run start so re-runs are
byte-identical.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.merge import Agenda, FamilyBundle, PersonView
from pipeline.safe_files import safe_cell

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_BANNER_FONT = Font(bold=True, color="9C0006")
_BANNER_FILL = PatternFill("solid", fgColor="FFC7CE")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    header: str
    width: int


def _utc_naive(value: datetime) -> datetime:
    # Excel has no time zones: aware times are stored as UTC wall-clock time; naive
    # times (local, as recorded by ingest) are stored as they are.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _cell_value(value: object) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (tuple, list)):
        value = ", ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return _utc_naive(value)
    if isinstance(value, str):
        # XML cannot hold most control characters; openpyxl would refuse the whole file.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return safe_cell(value)


def _persons(persons: Iterable[PersonView]) -> str:
    return "; ".join(f"{p.pseudonym} ({', '.join(p.agencies)})" for p in persons)


def add_table(
    wb: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    markings: Sequence[str],
    caption: str,
) -> Worksheet:
    """Append one sheet holding a banner, a header row and data rows."""
    ws = wb.create_sheet(title)
    last = get_column_letter(len(columns))
    banner = ws.cell(row=1, column=1, value=safe_cell(" | ".join([*markings, caption])))
    banner.font, banner.fill = _BANNER_FONT, _BANNER_FILL
    for idx, col in enumerate(columns, start=1):
        c = ws.cell(row=2, column=idx, value=safe_cell(col.header))
        c.font, c.fill, c.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        ws.column_dimensions[get_column_letter(idx)].width = col.width
    r = 2
    for r, row in enumerate(rows, start=3):  # noqa: B007 - r is the last row after the loop
        for idx, value in enumerate(row, start=1):
            c = ws.cell(row=r, column=idx, value=_cell_value(value))
            c.alignment = _WRAP
            if isinstance(value, datetime):
                c.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                c.number_format = DATE_FORMAT
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{last}{max(r, 2)}"
    text = "\n".join(markings)
    ws.oddHeader.center.text = text
    ws.oddFooter.center.text = text
    ws.oddFooter.right.text = "Page &P of &N"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToHeight = 0
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _new_workbook(started_at: datetime, title: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    props = wb.properties
    props.creator = "casebundle"
    props.lastModifiedBy = "casebundle"
    props.title = title
    props.created = props.modified = _utc_naive(started_at).replace(microsecond=0)
    return wb


_DEFINED_NAMES = re.compile(rb"<definedNames>.*?</definedNames>|<definedNames/>", re.S)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _to_bytes(wb: Workbook, started_at: datetime) -> bytes:
    """Save, then pin zip timestamps and the modified date, and drop defined names.

    openpyxl stamps 'now' on save and adds a hidden _xlnm._FilterDatabase name for each
    autofilter; Excel rebuilds that name itself when a filter is used, so dropping it loses
    nothing and keeps the promise of no defined names.
    """
    raw = io.BytesIO()
    wb.save(raw)
    stamp = _utc_naive(started_at).replace(microsecond=0)
    modified = stamp.isoformat().encode() + b"Z"
    zip_time = max(stamp, datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = _DEFINED_NAMES.sub(b"", data)
            elif info.filename == "docProps/core.xml":
                data = _MODIFIED.sub(rb"\g<1>" + modified + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=zip_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return out.getvalue()


# --- bundle -----------------------------------------------------------------------------

_SUMMARY = (Column("Section", 22), Column("Item", 38), Column("Detail", 60))
_CHRONOLOGY = (
    Column("Date", 12),
    Column("Historic", 10),
    Column("Subject", 22),
    Column("Role", 16),
    Column("Category", 16),
    Column("Fact / opinion / allegation", 16),
    Column("Opinion of", 22),
    Column("What happened (redacted)", 70),
    Column("Agencies", 18),
    Column("Item ids", 26),
    Column("Restricted to (court order, duty, agency)", 30),
)
_BASIS = (
    Column("Item id", 22),
    Column("Agency", 12),
    Column("Subject", 20),
    Column("Category", 16),
    Column("Consent", 18),
    Column("Consent given by", 12),
    Column("Consent scope", 14),
    Column("Lawful basis", 18),
    Column("Special condition", 24),
    Column("Legal power", 24),
    Column("Legal duty", 14),
    Column("Risk", 22),
    Column("Rationale (redacted)", 50),
    Column("Decided by", 20),
    Column("Subject informed", 16),
    Column("Status", 14),
    Column("Opinion of (redacted)", 22),
    Column("Policy reasons", 30),
    Column("Decision notes", 40),
    Column("Historic", 10),
    Column("Recipients", 18),
    Column("Restricted to", 30),
    Column("Reviewed by", 18),
    Column("Reviewed at", 18),
)
_PROVENANCE = (
    Column("Item id", 22),
    Column("Agency", 12),
    Column("File", 36),
    Column("Sheet", 16),
    Column("Row", 8),
    Column("SHA-256", 70),
    Column("Received at", 18),
    Column("Subject as submitted", 24),
    Column("Subject match", 40),
)


def _summary_rows(b: FamilyBundle) -> list[tuple[object, ...]]:
    s = b.summary
    rows: list[tuple[object, ...]] = [
        ("Meeting", "Meeting id", b.meeting_id),
        ("Meeting", "Type", b.meeting_type.upper()),
        ("Meeting", "Date", b.meeting_date),
        ("Family", "Family reference", b.family_ref),
    ]
    if b.recipient:
        rows.append(("View", "Prepared for", f"{b.recipient} ({b.recipient_kind})"))
    for m in b.members:
        age = "age unknown" if m.age is None else f"age {m.age}"
        rows.append(("Family member", m.name, f"{m.role}, {age}"))
    if not b.items:
        rows.append(("Items shared", "None", "No information was shared about this family."))
    for agency, n in s.shared_per_agency:
        rows.append(("Items shared", agency, n))
    rows.append(("Items shared", "Total", s.items_shared))
    rows.append(("Risk", "Highest recorded risk (shared items)", s.highest_risk or "none"))
    if s.awaiting_review is not None:
        rows.append(("Review", "Items awaiting review", s.awaiting_review))
    if s.unsure_awaiting is not None:
        rows.append(("Review", "Words removed as unsure, awaiting confirmation",
                     s.unsure_awaiting))
    for p in b.persons_of_concern:
        rows.append(("Possible person of concern", p.pseudonym, ", ".join(p.agencies)))
    return rows


def bundle_xlsx(b: FamilyBundle, started_at: datetime) -> bytes:
    """The workbook of one bundle: Summary, Chronology, Sharing basis, Provenance."""
    view = f" for {b.recipient}" if b.recipient else ""
    wb = _new_workbook(started_at, f"{b.meeting_id} {b.family_ref}{view}")
    head = f"{b.meeting_type.upper()} {b.meeting_id} {b.meeting_date.isoformat()} family {b.family_ref}{view}"
    add_table(wb, "Summary", _SUMMARY, _summary_rows(b), b.markings, f"{head}: summary")
    chron = [
        (
            e.when,
            e.historic,
            e.subject_name,
            e.subject_role,
            e.category,
            e.fact_or_opinion,
            e.opinion_of or None,
            e.text,
            e.agencies,
            e.item_ids,
            e.restriction or None,
        )
        for e in b.chronology
    ]
    add_table(wb, "Chronology", _CHRONOLOGY, chron, b.markings, f"{head}: chronology")
    basis = []
    for i in b.items:
        sb = i.sharing_basis
        basis.append(
            (
                i.item_id,
                i.agency,
                i.subject_name,
                i.category,
                sb.consent,
                sb.consent_given_by,
                sb.consent_scope,
                sb.lawful_basis,
                sb.special_condition,
                sb.legal_power,
                sb.legal_duty,
                sb.risk,
                sb.rationale,
                sb.decided_by,
                sb.subject_informed,
                sb.status,
                sb.opinion_of,
                i.reasons,
                "\n".join(i.notes),
                i.historic,
                i.recipients,
                i.restriction,
                i.reviewed_by,
                i.reviewed_at,
            )
        )
    add_table(wb, "Sharing basis", _BASIS, basis, b.markings, f"{head}: sharing basis")
    prov = [
        (i.item_id, i.agency, p.file, p.sheet, p.row, p.sha256, p.received_at,
         p.subject_name_as_submitted, p.subject_match)
        for i in b.items
        for p in (i.provenance,)
    ]
    add_table(wb, "Provenance", _PROVENANCE, prov, b.markings, f"{head}: provenance")
    return _to_bytes(wb, started_at)


# --- agenda -----------------------------------------------------------------------------

_AGENDA = (
    Column("Order", 8),
    Column("Family", 16),
    Column("Highest recorded risk", 24),
    Column("Agencies with concerns", 12),
    Column("Agencies", 28),
    Column("Shared", 9),
    Column("Withheld", 9),
    Column("Awaiting review", 10),
    Column("Reminders", 50),
    Column("Possible persons of concern", 36),
)
_SILENT = (Column("Agency", 20), Column("Submission", 44))
_NOTICES = (Column("Notice", 100),)


def agenda_xlsx(agenda: Agenda, started_at: datetime) -> bytes:
    """The agenda workbook: families in discussion order, then agencies to chase."""
    wb = _new_workbook(started_at, f"{agenda.meeting_id} agenda")
    head = f"{agenda.meeting_type.upper()} {agenda.meeting_id} {agenda.meeting_date.isoformat()}"
    if agenda.notices:  # first sheet, so it is what opens
        add_table(wb, "Notices", _NOTICES, [(n,) for n in agenda.notices], agenda.markings,
                  f"{head}: read first")
    rows = [
        (
            n,
            f.family_ref,
            f.highest_risk or "no items",
            len(f.agencies),
            f.agencies,
            f.shared,
            f.withheld,
            f.awaiting_review,
            "\n".join(f.reminders),
            _persons(f.persons_of_concern),
        )
        for n, f in enumerate(agenda.families, start=1)
    ]
    add_table(wb, "Agenda", _AGENDA, rows, agenda.markings, f"{head}: agenda")
    silent = [(a.agency, a.status) for a in agenda.silent_agencies]
    add_table(wb, "Not submitted", _SILENT, silent, agenda.markings, f"{head}: agencies to chase")
    return _to_bytes(wb, started_at)
