"""The blank submission template an agency fills in (`casebundle template`).

Sheet "Submission": the contract's header row in row 1 (ingest reads it there), and on
every column an input prompt saying what goes in it. Columns with a closed list of values
get a drop-down, dates get a date check (a real date, not in the future), and both show an
error alert naming the fix when a wrong value is typed. Sheet "Guidance": one row per
column. Both carry the protective marking in the printed header and footer (a filled
template holds OFFICIAL-SENSITIVE information) and print on A4 landscape: the Submission
sheet across three pages with the first columns repeated on each, so a row can be
followed from page to page.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.ingest.contract import COLUMNS, Column
from pipeline.meeting import MeetingConfig
from pipeline.models import MARKING
from pipeline.safe_files import write_bytes
from pipeline.spreadsheet import (
    BASE_FONT,
    FONT_NAME,
    PageSpec,
    apply_page_setup,
    new_workbook,
    row_height,
    workbook_bytes,
)

_REQUIRED_TEXT = {
    "yes": "required",
    "no": "optional",
    "child": "required when subject_role is child",
    "unless_not_share": "required unless agency_decision is not_share",
}
#: rows of the Submission sheet that carry the prompts, checks and date format
MAX_ROWS = 2000
#: Excel's limits: a list typed into a validation, a prompt title, a prompt, an alert
_LIST_MAX, _TITLE_MAX, _PROMPT_MAX, _ERROR_MAX = 255, 32, 255, 225
#: the Submission sheet prints this many pages wide, repeating the first columns
PAGES_WIDE = 3
_REPEAT_COLUMNS = "A:D"  # agency, family_ref, item_ref, subject_name
_WIDE_TEXT = {"summary": 44, "rationale": 36, "opinion_of": 22, "special_condition": 24,
              "legal_power": 24, "decided_by": 20, "subject_name": 20}
_DATE_FORMAT = "dd/mm/yyyy"
_HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
#: where lists too long to type into a validation are written, on the Guidance sheet
_LIST_COLUMN = 8  # column H; the guidance table uses A:E


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _prompt(col: Column, values: tuple[str, ...]) -> str:
    head = f"{_REQUIRED_TEXT[col.required].capitalize()}. {col.description}"
    if col.kind == "date":
        return _clip(f"{head} Type the date as dd/mm/yyyy.", _PROMPT_MAX)
    if values:
        listed = f" One of: {', '.join(values)}."
        if len(head) + len(listed) <= _PROMPT_MAX:
            return head + listed
        return _clip(head + " Choose from the drop-down.", _PROMPT_MAX)
    return _clip(head, _PROMPT_MAX)


def _lists(meeting: MeetingConfig | None, agency: str | None) -> dict[str, tuple[str, ...]]:
    lists: dict[str, tuple[str, ...]] = {c.name: c.values for c in COLUMNS
                                         if c.kind in ("vocab", "bool") and c.values}
    lists["source_at_risk"] = ("yes", "no")
    if meeting is not None:
        lists["agency"] = (agency,) if agency else meeting.agencies
        lists["family_ref"] = tuple(f.ref for f in meeting.families)
    return lists


def _validation(col: Column, values: tuple[str, ...], list_ref: str | None) -> DataValidation:
    """The prompt, and for a list or a date the check and its error alert, of one column."""
    title = _clip(col.name, _TITLE_MAX)
    dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=title,
                        prompt=_prompt(col, values))
    if values:
        dv.type = "list"
        dv.formula1 = list_ref or '"' + ",".join(values) + '"'
        dv.showErrorMessage, dv.errorStyle = True, "stop"
        dv.errorTitle = _clip(f"{col.name}: not allowed", _TITLE_MAX)
        shown = ", ".join(values)
        dv.error = _clip(f"{col.name} must be one of: {shown}." if len(shown) < 180 else
                         f"{col.name} must be a value from the drop-down list.", _ERROR_MAX)
    elif col.kind == "date":
        dv.type, dv.operator = "date", "between"
        dv.formula1, dv.formula2 = "DATE(1900,1,1)", "TODAY()"
        dv.showErrorMessage, dv.errorStyle = True, "stop"
        dv.errorTitle = _clip(f"{col.name}: not a date", _TITLE_MAX)
        dv.error = _clip(f"{col.name} must be a date on or before today, typed as "
                         "dd/mm/yyyy (for example 03/12/2026).", _ERROR_MAX)
    return dv


def _submission(ws: Worksheet, guide: Worksheet, meeting: MeetingConfig | None,
                agency: str | None) -> None:
    lists = _lists(meeting, agency)
    list_col = _LIST_COLUMN
    headers = []
    for idx, col in enumerate(COLUMNS, start=1):
        letter = get_column_letter(idx)
        cell = ws.cell(row=1, column=idx, value=col.name)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        width = _WIDE_TEXT.get(col.name, max(12, len(col.name) + 3))
        ws.column_dimensions[letter].width = width
        headers.append((col.name, width, True))
        if col.kind == "date":  # a column style: no per-cell formats to print as pages
            ws.column_dimensions[letter].number_format = _DATE_FORMAT
        values = lists.get(col.name, ())
        list_ref = None
        if values and len(",".join(values)) + 2 > _LIST_MAX:
            list_ref = _list_range(guide, list_col, col.name, values)
            list_col += 1
        dv = _validation(col, values, list_ref)
        dv.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.add_data_validation(dv)
    ws.row_dimensions[1].height = row_height(headers)
    ws.freeze_panes = "A2"
    apply_page_setup(ws, PageSpec(orientation="landscape", title_rows=1, marking=(MARKING,),
                                  title="casebundle submission", pages_wide=PAGES_WIDE,
                                  title_columns=_REPEAT_COLUMNS))


def _list_range(guide: Worksheet, column: int, name: str, values: tuple[str, ...]) -> str:
    """Write a drop-down's values on the Guidance sheet; the range a validation refers to."""
    letter = get_column_letter(column)
    guide.cell(row=1, column=column, value=f"{name} values").font = _HEADER_FONT
    for r, v in enumerate(values, start=2):
        guide.cell(row=r, column=column, value=v)
    guide.column_dimensions[letter].width = max(14, max(len(v) for v in values) + 2)
    return f"Guidance!${letter}$2:${letter}${len(values) + 1}"


_GUIDE_HEADERS = (("column", 20), ("required", 18), ("values", 34), ("meaning", 42),
                  ("also accepted as header", 22))


def _guidance(guide: Worksheet, lists: dict[str, tuple[str, ...]]) -> None:
    for idx, (h, width) in enumerate(_GUIDE_HEADERS, start=1):
        cell = guide.cell(row=1, column=idx, value=h)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        guide.column_dimensions[get_column_letter(idx)].width = width
    for r, col in enumerate(COLUMNS, start=2):
        text: str
        if col.kind == "date":
            text = "date: dd/mm/yyyy, yyyy-mm-dd or an Excel date cell"
        elif col.kind == "agency_list":
            text = "comma-separated agency codes"
        elif col.name in ("agency", "family_ref") and lists.get(col.name):
            values = lists[col.name]
            text = ("one of: " + ", ".join(values) if len(values) <= 20 else
                    f"one of the meeting's {len(values)} values (see the drop-down)")
        elif col.values:
            text = (", ".join(col.values) +
                    (" (comma-separated list)" if col.kind == "vocab_list" else ""))
        else:
            text = "free text"
        row = (col.name, _REQUIRED_TEXT[col.required], text, col.description,
               ", ".join(col.synonyms))
        for c, v in enumerate(row, start=1):
            cell = guide.cell(row=r, column=c, value=v)
            cell.alignment, cell.font = _WRAP, BASE_FONT
        guide.row_dimensions[r].height = row_height(
            [(str(v), w, False) for v, (_, w) in zip(row, _GUIDE_HEADERS, strict=True)])
    guide.freeze_panes = "A2"
    guide.print_area = f"A1:E{len(COLUMNS) + 1}"
    apply_page_setup(guide, PageSpec(orientation="landscape", title_rows=1,
                                     marking=(MARKING,), title="casebundle submission guidance"))


def build_template(meeting: MeetingConfig | None = None, agency: str | None = None) -> bytes:
    """An .xlsx with a Submission sheet (headers, prompts, checks) and a Guidance sheet."""
    wb = new_workbook()
    ws = wb.create_sheet("Submission")
    guide = wb.create_sheet("Guidance")
    _guidance(guide, _lists(meeting, agency))
    _submission(ws, guide, meeting, agency)
    wb.properties.creator = "casebundle"
    wb.properties.title = "casebundle submission template"
    return workbook_bytes(wb)


def write_template(path: Path, meeting: MeetingConfig | None = None,
                   agency: str | None = None) -> Path:
    return write_bytes(path, build_template(meeting, agency))
