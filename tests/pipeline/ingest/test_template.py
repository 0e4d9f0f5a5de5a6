"""The submission template: every column prompts, every checked column alerts, dates are
checked as dates, the marking is on every printed page, and a filled template reads back."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.ingest import COLUMNS, InboxFile, build_template, read_and_validate, write_template
from pipeline.ingest.template import MAX_ROWS
from pipeline.meeting import MeetingConfig
from pipeline.models import MARKING, VOCABULARIES
from tests.conftest import GOOD_ROW, MEETING, TODAY

DATE_COLUMNS = [c.name for c in COLUMNS if c.kind == "date"]
LIST_COLUMNS = [c.name for c in COLUMNS if c.kind in ("vocab", "bool")]


def _book(meeting: MeetingConfig | None = None, agency: str | None = None):
    return load_workbook(io.BytesIO(build_template(meeting, agency)))


def _by_column(ws: Worksheet) -> dict[str, DataValidation]:
    headers = {ws.cell(row=1, column=i).column_letter: ws.cell(row=1, column=i).value
               for i in range(1, ws.max_column + 1)}
    found: dict[str, DataValidation] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert rng.min_col == rng.max_col and (rng.min_row, rng.max_row) == (2, MAX_ROWS)
            name = headers[ws.cell(row=1, column=rng.min_col).column_letter]
            assert name not in found, f"two validations on {name}"
            found[name] = dv
    return found


def test_every_column_has_an_input_prompt(meeting: MeetingConfig) -> None:
    ws = _book(meeting, "police")["Submission"]
    checks = _by_column(ws)
    assert set(checks) == {c.name for c in COLUMNS}
    for col in COLUMNS:
        dv = checks[col.name]
        assert dv.showInputMessage and dv.promptTitle == col.name[:32], col.name
        assert dv.prompt and len(dv.prompt) <= 255, col.name
        assert col.description.split()[0] in dv.prompt, col.name
        required = {"yes": "Required.", "no": "Optional.", "child": "Required when",
                    "unless_not_share": "Required unless"}[col.required]
        assert dv.prompt.startswith(required), col.name



@pytest.mark.parametrize("name", [*LIST_COLUMNS, "agency", "family_ref"])
def test_every_list_column_has_a_drop_down_and_an_error_alert(meeting: MeetingConfig,
                                                              name: str) -> None:
    dv = _by_column(_book(meeting, "police")["Submission"])[name]
    assert dv.type == "list" and dv.showErrorMessage and dv.errorStyle == "stop"
    assert dv.errorTitle and len(dv.errorTitle) <= 32
    assert dv.error and len(dv.error) <= 225 and name in dv.error
    values = {"agency": ("police",), "family_ref": ("FAM-001", "FAM-002"),
              "source_at_risk": ("yes", "no")}.get(name) or VOCABULARIES[name]
    assert dv.formula1 == '"' + ",".join(values) + '"'


@pytest.mark.parametrize("name", DATE_COLUMNS)
def test_every_date_column_is_checked_as_a_date_up_to_today(name: str) -> None:
    ws = _book()["Submission"]
    dv = _by_column(ws)[name]
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == (
        "date", "between", "DATE(1900,1,1)", "TODAY()")
    assert dv.showErrorMessage and dv.errorStyle == "stop"
    assert "dd/mm/yyyy" in dv.error and "dd/mm/yyyy" in dv.prompt
    letter = next(c.column_letter for c in ws[1] if c.value == name)
    assert ws.column_dimensions[letter].number_format == "dd/mm/yyyy"


def test_free_text_columns_prompt_but_never_refuse() -> None:
    checks = _by_column(_book()["Submission"])
    for col in COLUMNS:
        if col.kind in ("text", "agency_list", "vocab_list") and col.name not in (
                "agency", "family_ref"):
            assert checks[col.name].type is None and not checks[col.name].showErrorMessage


def test_without_a_meeting_agency_and_family_are_free_text() -> None:
    checks = _by_column(_book()["Submission"])
    assert checks["agency"].type is None and checks["family_ref"].type is None


def test_marking_and_print_setup_on_both_sheets() -> None:
    wb = _book()
    assert wb.sheetnames == ["Submission", "Guidance"]
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows == "$1:$1"
        for part in (ws.oddHeader.center, ws.oddFooter.center):
            assert part.text == MARKING
    sub = wb["Submission"]
    # three pages wide, agency to subject repeated on each page so a row can be followed
    assert (sub.page_setup.fitToWidth, sub.page_setup.fitToHeight) == (3, 0)
    assert sub.print_title_cols == "$A:$D"
    guide = wb["Guidance"]
    assert guide.page_setup.fitToWidth == 1
    assert [r[0].value for r in guide.iter_rows(min_row=2, max_col=1)] == \
        [c.name for c in COLUMNS]


def test_a_list_too_long_to_type_is_read_from_the_guidance_sheet() -> None:
    many = dict(MEETING, families=[
        {"ref": f"FAMILY-REFERENCE-{n:03d}", "members": [{"name": "Sam Doe", "role": "child"}]}
        for n in range(40)])
    wb = _book(MeetingConfig.model_validate(many))
    dv = _by_column(wb["Submission"])["family_ref"]
    assert dv.type == "list" and dv.formula1.startswith("Guidance!$H$2:$H$41")
    guide = wb["Guidance"]
    assert guide["H1"].value == "family_ref values"
    assert [guide.cell(row=r, column=8).value for r in (2, 41)] == [
        "FAMILY-REFERENCE-000", "FAMILY-REFERENCE-039"]


def test_a_filled_template_reads_back_as_a_valid_row(tmp_path: Path,
                                                     meeting: MeetingConfig) -> None:
    path = write_template(tmp_path / "police" / "return.xlsx", meeting, "police")
    wb = load_workbook(path)
    ws = wb["Submission"]
    headers = [c.value for c in ws[1]]
    for idx, name in enumerate(headers, start=1):
        value: object = GOOD_ROW.get(name) or None
        if name in DATE_COLUMNS and value:
            value = datetime.strptime(str(value), "%d/%m/%Y")  # a real date cell
        ws.cell(row=2, column=idx, value=value)
    wb.save(path)
    f = InboxFile(path=path, name="police/return.xlsx", agency_folder="police")
    read, items, rejections = read_and_validate(f, meeting, TODAY)
    assert rejections == [] and len(items) == 1
    assert items[0].recorded_on == date(2026, 11, 1)
    assert any("Guidance" in n for n in read.notes)  # the guidance sheet is not data
