"""Bundles and the agenda as .xlsx workbooks (written with xlsxwriter), returned as bytes.

Every sheet: a handling banner in row 1, column headers in row 2 (both frozen, and both
repeated at the top of every printed page), an autofilter, wrapped text in rows tall
enough to show it, real date cells shown as dd/mm/yyyy, plain-English labels in place of
codes (pipeline/labels.py), and the page set up for A4 with the protective marking (and,
for recipient views, the onward-sharing notice) in the header and footer of every page
(`pipeline/spreadsheet.py`), each page of rows ended a little short of the page height. Every sheet fits the width of an A4 landscape page at
full size: the sharing basis of an item is split over two sheets rather than squeezed.

Text that a spreadsheet could run as a formula is stored as text with the quote prefix
(no apostrophe added to the text). No hidden sheets, rows or columns, no comments, no
defined names but the print titles. Zip timestamps and document dates are pinned to the
run start so re-runs are byte-identical. Written with xlsxwriter (`pipeline.spreadsheet.Book`),
which takes about half openpyxl's time for the same sheets (issue 15,
benchmarks/xlsx_writers.py); openpyxl still reads them back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pipeline.labels import Labels, load_labels, uk_date
from pipeline.merge import Agenda, BundleItem, FamilyBundle, FollowUp, PersonView
from pipeline.spreadsheet import (
    PRINTABLE_WIDTH,
    Book,
    Orientation,
    PageSpec,
    XwFormat,
    XwSheet,
    column_pixels,
    max_lines_per_row,
    page_breaks,
    page_setup,
    row_height,
    wrap_lines,
)

#: UK date forms (the cell keeps a real date; only its display is set)
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
#: cell formats, as xlsxwriter properties: every cell wraps its text at the top
_CELL = {"text_wrap": True, "valign": "top"}
_BANNER = {**_CELL, "align": "left", "bold": True, "font_color": "#9C0006",
           "bg_color": "#FFC7CE", "pattern": 1}
_HEADER = {**_CELL, "bold": True, "bg_color": "#D9D9D9", "pattern": 1}
_CONTINUED = "(continued)"


@dataclass(frozen=True)
class Column:
    """One column: the labels.yaml key of its header, its width in Excel units, and
    whether it holds counts (right-aligned)."""

    key: str
    width: float
    numeric: bool = False


@dataclass(frozen=True)
class Sheet:
    """One table and how it prints."""

    title: str
    columns: tuple[Column, ...]
    orientation: Orientation = "landscape"

    def __post_init__(self) -> None:
        total = sum(c.width for c in self.columns)
        if total > PRINTABLE_WIDTH[self.orientation]:
            raise ValueError(f"sheet {self.title!r} is {total} units wide; an A4 "
                             f"{self.orientation} page holds {PRINTABLE_WIDTH[self.orientation]}")


def _utc_naive(value: datetime) -> datetime:
    # Excel has no time zones: aware times are stored as UTC wall-clock time; naive
    # times (local, as recorded by ingest) are stored as they are.
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (tuple, list)):
        return "\n".join(str(v) for v in value if v not in (None, ""))
    return "" if value is None else str(value)


@dataclass(frozen=True)
class _Formats:
    """The formats of one column's data cells: text, text with the quote prefix, date,
    date and time (all wrapped at the top; counts right-aligned)."""

    plain: XwFormat
    quoted: XwFormat
    day: XwFormat
    stamp: XwFormat

    @classmethod
    def of(cls, book: Book, numeric: bool) -> _Formats:
        align = {**_CELL, "align": "right" if numeric else "left"}
        return cls(book.fmt(**align), book.fmt(**align, quote_prefix=True),
                   book.fmt(**align, num_format=DATE_FORMAT),
                   book.fmt(**align, num_format=DATETIME_FORMAT))


def _write(ws: XwSheet, row: int, column: int, value: object, f: _Formats) -> None:
    """One data cell (0-based `row`, `column`): a real date or number, or text."""
    if isinstance(value, str):
        if value:
            Book.write_text(ws, row, column, value, f.plain, f.quoted)
        else:
            ws.write_blank(row, column, None, f.plain)
    elif isinstance(value, datetime):
        ws.write_datetime(row, column, _utc_naive(value), f.stamp)
    elif isinstance(value, date):
        ws.write_datetime(row, column, value, f.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value):
        ws.write_number(row, column, value, f.plain)
    else:
        text = _text(value)
        if text:
            Book.write_text(ws, row, column, text, f.plain, f.quoted)
        else:
            ws.write_blank(row, column, None, f.plain)


def _display(value: object) -> str:
    """The text a cell shows, for measuring its height."""
    if isinstance(value, datetime):
        return "00/00/0000 00:00"
    if isinstance(value, date):
        return "00/00/0000"
    return _text(value)


def _split_long(row: Sequence[object], columns: Sequence[Column]) -> list[Sequence[object]]:
    """A row whose text would not fit one printed row, as continuation rows.

    Excel caps a row at 409 pt and a printed row cannot span pages, so text longer than
    `max_lines_per_row` lines continues in the rows below (marked "(continued)").
    """
    limit = max_lines_per_row()
    wrapped = [wrap_lines(_display(v), c.width) if isinstance(v, str) else [_display(v)]
               for v, c in zip(row, columns, strict=True)]
    if max(len(w) for w in wrapped) <= limit:
        return [row]
    parts: list[Sequence[object]] = []
    for start in range(0, max(len(w) for w in wrapped), limit):
        if start == 0:
            part = [("\n".join(w[:limit]) if isinstance(v, str) and len(w) > limit else v)
                    for v, w in zip(row, wrapped, strict=True)]
        else:
            part = ["\n".join(w[start:start + limit]) if isinstance(v, str) else None
                    for v, w in zip(row, wrapped, strict=True)]
            if not part[0]:
                part[0] = _CONTINUED
        parts.append(part)
    return parts


def add_table(book: Book, sheet: Sheet, rows: Iterable[Sequence[object]],
              markings: Sequence[str], caption: str, labels: Labels,
              footer: str | None = None) -> XwSheet:
    """Append one sheet: banner (markings and caption), header row, data rows, print setup.

    `footer` (default: the caption) names the sheet at the foot of every printed page.
    """
    ws = book.sheet(sheet.title)
    columns = sheet.columns
    last = len(columns) - 1
    banner_text = " | ".join([*markings, caption])
    total = sum(c.width for c in columns)
    banner_pt = row_height([(banner_text, total, True)])
    ws.set_row(0, banner_pt)
    if last:
        ws.merge_range(0, 0, 0, last, "", book.fmt(**_BANNER))
    book.text(ws, 0, 0, banner_text, **_BANNER)
    headers = []
    for idx, col in enumerate(columns):
        ws.set_column_pixels(idx, idx, column_pixels(col.width))
        headers.append((labels.column(col.key), col.width, True))
    header_pt = row_height(headers)
    ws.set_row(1, header_pt)
    for idx, ((header, _, _), col) in enumerate(zip(headers, columns, strict=True)):
        book.text(ws, 1, idx, header, **_HEADER, align="right" if col.numeric else "left")
    formats = [_Formats.of(book, col.numeric) for col in columns]
    heights: list[float] = []
    r = 1  # 0-based: the header row
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"sheet {sheet.title!r}: a row has {len(row)} values for "
                             f"{len(columns)} columns")
        for part in _split_long(row, columns):
            r += 1
            height = row_height(
                [(_display(v), c.width, False) for v, c in zip(part, columns, strict=True)])
            ws.set_row(r, height)
            heights.append(height)
            for idx, (value, f) in enumerate(zip(part, formats, strict=True)):
                _write(ws, r, idx, value, f)
    # a break after sheet row 3 + i (1-based; data start in row 3)
    ws.set_h_pagebreaks([3 + i for i in page_breaks(heights, banner_pt + header_pt,
                                                    sheet.orientation)])
    ws.freeze_panes(2, 0)  # A3
    ws.autofilter(1, 0, r, last)
    page_setup(ws, PageSpec(orientation=sheet.orientation, title_rows=2,
                            marking=tuple(markings), title=footer or caption))
    return ws


def new_book(started_at: datetime, title: str) -> Book:
    """An empty workbook for a run started at `started_at` (its document dates and zip
    times), titled `title`, created by casebundle."""
    return Book(title, started_at)


def to_bytes(book: Book) -> bytes:
    """The finished workbook: zip times and document dates pinned to the run start, only
    the print-title names kept (`pipeline.spreadsheet.Book.bytes`)."""
    return book.bytes()


def _agency(code: str, names: dict[str, str]) -> str:
    name = names.get(code)
    return f"{name} ({code})" if name else code


# --- bundle -----------------------------------------------------------------------------

SUMMARY = Sheet("Summary", (Column("section", 26), Column("item_name", 50),
                            Column("detail", 60)))

CHRONOLOGY = Sheet("Chronology", (
    # "Historic" and the restriction to named bodies (003 3.8) share a column: both mark
    # how to handle the entry, and the text keeps the width it needs to read well
    Column("date", 11), Column("marks", 16), Column("subject_name", 18),
    Column("category", 14), Column("fact_or_opinion", 15), Column("text", 48),
    # an item id (probation-2f96a1b159, 20 characters) must fit on one line: broken at its
    # hyphen it reads as two words, and copied text joins its first half to the next line
    Column("sources", 20),
))
NOT_SHARED = Sheet("Not shared", (
    Column("agency", 26), Column("category", 18), Column("date", 11),
    Column("disposition", 15), Column("reasons", 66),
))
BASIS = Sheet("Sharing basis", (
    Column("item_id", 19), Column("subject_name", 18), Column("consent", 25),
    Column("lawful_basis", 28), Column("risk", 19), Column("rationale", 27),
))
DECISIONS = Sheet("Decisions", (
    Column("item_id", 19), Column("decided_by", 15), Column("reasons", 40),
    Column("notes", 22), Column("recipients", 14), Column("restriction", 14),
    Column("review", 18),
))
PROVENANCE = Sheet("Provenance", (
    Column("item_id", 19), Column("agency", 10), Column("file", 30), Column("sheet", 12),
    Column("row", 6, numeric=True), Column("sha256", 41), Column("received_at", 17),
))
#: how each item's subject was linked to the family's roster (docs/identity.md): a sheet
#: of its own, as Provenance has no room left on an A4 landscape page
SUBJECT_MATCH = Sheet("Subject match", (
    Column("item_id", 19), Column("agency", 10), Column("subject_name", 20),
    Column("subject_name_as_submitted", 24), Column("subject_match", 66),
))
GUIDANCE = Sheet("Reasons", (Column("code", 30), Column("meaning", 46),
                             Column("guidance", 60)))

_BUNDLE_SHEETS = (SUMMARY, CHRONOLOGY, NOT_SHARED, BASIS, DECISIONS, PROVENANCE, SUBJECT_MATCH,
                  GUIDANCE)


def _persons(persons: Iterable[PersonView]) -> str:
    return "\n".join(f"{p.pseudonym} ({', '.join(p.agencies)})" for p in persons)


def _summary_rows(b: FamilyBundle, L: Labels) -> list[tuple[object, ...]]:
    s = b.summary
    names = dict(b.agency_names)
    rows: list[tuple[object, ...]] = [
        ("Meeting", "Meeting", f"{L.value('meeting_type', b.meeting_type)}, {b.meeting_id}"),
        ("Meeting", "Date", b.meeting_date),
        ("Family", "Family reference", b.family_ref),
    ]
    if b.recipient:
        rows.append(("View", "Prepared for", f"{_agency(b.recipient, names)}: only the items "
                                             "this agency needs to know"))
    else:
        rows.append(("View", "Chair's bundle", "Every item shared with the meeting"))
    for m in b.members:
        age = "age unknown" if m.age is None else f"age {m.age}"
        rows.append(("Family member", m.name, f"{L.value('subject_role', m.role)}, {age}"))
    if not b.items:
        rows.append(("Items shared", "None", "No information was shared about this family."))
    for agency, n in s.shared_per_agency:
        rows.append(("Items shared", _agency(agency, names), n))
    rows.append(("Items shared", "Total", s.items_shared))
    rows.append(("Risk", "Highest recorded risk (shared items)",
                 L.value("risk", s.highest_risk) or "None"))
    if s.awaiting_review is not None:
        rows.append(("Not shared", "Items awaiting review", s.awaiting_review))
    if b.recipient is None:
        withheld = sum(1 for n in b.not_shared if n.disposition == "withheld")
        rows.append(("Not shared", "Items withheld", withheld))
    for p in b.persons_of_concern:
        rows.append(("Possible person of concern", p.pseudonym, ", ".join(p.agencies)))
    rows.append(("Redaction", "Third parties",
                 "Text is redacted: third parties appear as placeholders such as "
                 "[Third party A]."))
    if s.unsure_awaiting is not None:
        rows.append(("Redaction", "Words removed as unsure, awaiting confirmation",
                     s.unsure_awaiting))
    return rows


def _reasons(codes: Iterable[str], L: Labels) -> str:
    return "\n".join(L.reason_with_code(c) for c in codes)


def _consent(i: BundleItem, L: Labels) -> str:
    sb = i.sharing_basis
    lines = [L.value("consent", sb.consent)]
    if sb.consent_given_by:
        lines.append(f"Given by: {L.value('consent_given_by', sb.consent_given_by)}")
    if sb.consent_scope:
        lines.append(f"Covers: {L.values_of('consent_scope', sb.consent_scope)}")
    told = L.value("subject_informed", sb.subject_informed) or "Not recorded"
    lines.append(f"Person told: {told}")
    return "\n".join(lines)


def bundle_xlsx(b: FamilyBundle, started_at: datetime, labels: Labels | None = None,
                citations: Mapping[str, str] | None = None) -> bytes:
    """The workbook of one bundle: Summary, Chronology, Not shared (chair), Sharing basis,
    Decisions, Provenance, Subject match, Reasons (each code used, with the guidance it
    cites)."""
    L = labels or load_labels()
    names = dict(b.agency_names)
    view = f" for {b.recipient}" if b.recipient else ""
    wb = new_book(started_at, f"{b.meeting_id} {b.family_ref}{view}")
    head = (f"{b.meeting_type.upper()} {b.meeting_id} {uk_date(b.meeting_date)} "
            f"family {b.family_ref}{view}")

    def table(sheet: Sheet, rows: Iterable[Sequence[object]]) -> None:
        add_table(wb, sheet, rows, b.markings, f"{head}: {sheet.title.lower()}", L,
                  footer=f"{b.family_ref}{view}: {sheet.title.lower()}")


    table(SUMMARY, _summary_rows(b, L))
    table(CHRONOLOGY, [
        (
            e.when,
            "\n".join(filter(None, ["Historic" if e.historic else "", e.restriction])),
            f"{e.subject_name}\n{L.value('subject_role', e.subject_role)}",
            L.value("category", e.category),
            "\n".join(filter(None, [
                L.value("fact_or_opinion", e.fact_or_opinion),
                *([f"{s.agency}: {L.value('fact_or_opinion', s.fact_or_opinion)}"
                   for s in e.sources] if e.fact_or_opinion == "mixed" else []),
                f"Opinion of {e.opinion_of}" if e.opinion_of else "",
            ])),
            e.text,
            "\n".join(f"{s.agency}\n{s.item_id}" for s in e.sources),
        )
        for e in b.chronology
    ])
    if b.recipient is None:
        table(NOT_SHARED, [
            (_agency(n.agency, names), L.value("category", n.category), n.when,
             L.value("disposition", n.disposition), "\n".join(L.reason(c) for c in n.reasons))
            for n in b.not_shared
        ])
    table(BASIS, [
        (
            f"{i.item_id}\n{i.agency}",
            f"{i.subject_name}\n{L.value('category', i.category)}",
            _consent(i, L),
            "\n".join(filter(None, [
                L.value("lawful_basis", i.sharing_basis.lawful_basis),
                f"Condition: {i.sharing_basis.special_condition}"
                if i.sharing_basis.special_condition else "",
                f"Power: {i.sharing_basis.legal_power}" if i.sharing_basis.legal_power else "",
                L.value("legal_duty", i.sharing_basis.legal_duty),
            ])),
            "\n".join(filter(None, [
                L.value("risk", i.sharing_basis.risk),
                f"Record: {L.value('status', i.sharing_basis.status)}"
                if i.sharing_basis.status else "",
            ])),
            i.sharing_basis.rationale or "",
        )
        for i in b.items
    ])
    table(DECISIONS, [
        (
            f"{i.item_id}\n{i.agency}",
            i.sharing_basis.decided_by,
            _reasons(i.reasons, L),
            "\n".join(i.notes),
            L.recipients_text(i.recipients),
            i.restriction or "",
            f"{i.reviewed_by}\n{uk_date(i.reviewed_at)}" if i.reviewed_by else "",
        )
        for i in b.items
    ])
    table(PROVENANCE, [
        (i.item_id, i.agency, p.file, p.sheet, p.row, p.sha256, p.received_at)
        for i in b.items
        for p in (i.provenance,)
    ])
    table(SUBJECT_MATCH, [
        (i.item_id, i.agency, i.subject_name, p.subject_name_as_submitted,
         L.prefixed("subject_match", p.subject_match))
        for i in b.items
        for p in (i.provenance,)
    ])
    table(GUIDANCE, guidance_rows(_codes_used(b), L, citations or {}))
    return to_bytes(wb)


def _codes_used(b: FamilyBundle) -> list[str]:
    codes = [c for i in b.items for c in i.reasons]
    codes += [c for n in b.not_shared for c in n.reasons]
    return sorted(set(codes))


def guidance_rows(codes: Iterable[str], L: Labels,
                  citations: Mapping[str, str]) -> list[tuple[object, ...]]:
    """One row per reason code: the code, its label and the guidance it rests on."""
    return [(c, L.reason(c), L.cite(citations[c]) if c in citations else "") for c in codes]


# --- agenda -----------------------------------------------------------------------------

AGENDA = Sheet("Agenda", (
    Column("order", 7, numeric=True), Column("family_ref", 11), Column("highest_risk", 21),
    Column("agencies", 22), Column("shared", 8, numeric=True),
    Column("withheld", 9, numeric=True), Column("review_count", 9, numeric=True),
    Column("reminders", 27), Column("persons_of_concern", 22),
))
FOLLOW_UP = Sheet("Follow up", (
    Column("agency", 11), Column("file", 28), Column("problem", 56), Column("what_to_do", 41),
))
SILENT = Sheet("Agencies to chase", (Column("agency", 50), Column("submission", 50)))
#: what the coordinator must see before anything else (an empty inbox): the first sheet
NOTICES = Sheet("Notices", (Column("notice", 120),))


def follow_up_rows(items: Iterable[FollowUp]) -> list[tuple[object, ...]]:
    return [(f.agency, f.file, f.problem, f.action) for f in items]


def agenda_xlsx(agenda: Agenda, started_at: datetime, labels: Labels | None = None) -> bytes:
    """The agenda workbook: notices (if any), families in discussion order, what to follow
    up, agencies to chase."""
    L = labels or load_labels()
    names = dict(agenda.agency_names)
    wb = new_book(started_at, f"{agenda.meeting_id} agenda")
    head = f"{agenda.meeting_type.upper()} {agenda.meeting_id} {uk_date(agenda.meeting_date)}"
    if agenda.notices:  # first sheet, so it is what opens
        add_table(wb, NOTICES, [(n,) for n in agenda.notices], agenda.markings,
                  f"{head}: read first", L)
    rows = [
        (
            n,
            f.family_ref,
            L.value("risk", f.highest_risk) or "No items",
            f"{len(f.agencies)}: {', '.join(f.agencies)}" if f.agencies else "0",
            f.shared,
            f.withheld,
            f.awaiting_review,
            "\n".join(L.reason(c) for c in f.reminder_codes) or "\n".join(f.reminders),
            _persons(f.persons_of_concern),
        )
        for n, f in enumerate(agenda.families, start=1)
    ]
    add_table(wb, AGENDA, rows, agenda.markings, f"{head}: agenda", L)
    add_table(wb, FOLLOW_UP, follow_up_rows(agenda.follow_ups), agenda.markings,
              f"{head}: what each agency must follow up", L)
    silent = [(_agency(a.agency, names), a.status) for a in agenda.silent_agencies]
    add_table(wb, SILENT, silent, agenda.markings, f"{head}: agencies to chase", L)
    return to_bytes(wb)
