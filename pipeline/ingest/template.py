"""The blank submission template an agency fills in (`casebundle template`)."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.ingest.contract import COLUMNS
from pipeline.meeting import MeetingConfig
from pipeline.safe_files import write_bytes

_REQUIRED_TEXT = {
    "yes": "required",
    "no": "optional",
    "child": "required when subject_role is child",
    "unless_not_share": "required unless agency_decision is not_share",
}
MAX_ROWS = 2000


def build_template(meeting: MeetingConfig | None = None, agency: str | None = None) -> bytes:
    """An .xlsx with a Submission sheet (headers + drop-downs) and a Guidance sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Submission"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for idx, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=idx, value=col.name)
        cell.font = bold
        cell.fill = fill
        ws.column_dimensions[get_column_letter(idx)].width = max(14, len(col.name) + 4)
    ws.freeze_panes = "A2"
    lists: dict[str, tuple[str, ...]] = {c.name: c.values for c in COLUMNS if c.kind in
                                         ("vocab", "bool")}
    lists["source_at_risk"] = ("yes", "no")
    if meeting is not None:
        lists["agency"] = (agency,) if agency else meeting.agencies
        lists["family_ref"] = tuple(f.ref for f in meeting.families)
    for idx, col in enumerate(COLUMNS, start=1):
        values = lists.get(col.name)
        if not values:
            continue
        formula = '"' + ",".join(values) + '"'
        if len(formula) > 255:  # Excel's limit for inline lists
            continue
        dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                            showErrorMessage=True, errorTitle=col.name,
                            error=f"Choose one of: {', '.join(values)}")
        letter = get_column_letter(idx)
        dv.add(f"{letter}2:{letter}{MAX_ROWS}")
        ws.add_data_validation(dv)
    for idx, col in enumerate(COLUMNS, start=1):
        if col.kind == "date":
            letter = get_column_letter(idx)
            for r in range(2, 201):
                ws[f"{letter}{r}"].number_format = "DD/MM/YYYY"

    guide = wb.create_sheet("Guidance")
    headers = ("column", "required", "values", "meaning", "also accepted as header")
    for idx, h in enumerate(headers, start=1):
        guide.cell(row=1, column=idx, value=h).font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, col in enumerate(COLUMNS, start=2):
        text: str
        if col.kind == "date":
            text = "date: dd/mm/yyyy, yyyy-mm-dd or an Excel date cell"
        elif col.kind == "agency_list":
            text = "comma-separated agency codes"
        elif col.values:
            text = (", ".join(col.values) +
                      (" (comma-separated list)" if col.kind == "vocab_list" else ""))
        else:
            text = "free text"
        row = (col.name, _REQUIRED_TEXT[col.required], text, col.description,
               ", ".join(col.synonyms))
        for c, v in enumerate(row, start=1):
            guide.cell(row=r, column=c, value=v).alignment = wrap
    for letter, width in zip("ABCDE", (20, 22, 45, 70, 30), strict=True):
        guide.column_dimensions[letter].width = width
    guide.freeze_panes = "A2"
    wb.properties.creator = "casebundle"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_template(path: Path, meeting: MeetingConfig | None = None,
                   agency: str | None = None) -> Path:
    return write_bytes(path, build_template(meeting, agency))
