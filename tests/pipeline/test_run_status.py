"""Run status from run_summary.json and ledger.csv; history from the audit store."""

from __future__ import annotations

import json

import pytest

from pipeline.errors import OutputError
from pipeline.meeting import MeetingConfig
from pipeline.models import LEDGER_COLUMNS
from pipeline.run_status import RejectedRow, group_rejections, load_status, parse_problems
from pipeline.safe_files import write_csv
from tests.pipeline.render.sample_run import MEETING


@pytest.mark.parametrize("reasons,expected", [
    ("MISSING_VALUE[consent]: is required but empty. Fix: fill in consent.",
     [("MISSING_VALUE", "consent", "is required but empty.", "fill in consent.")]),
    ("UNREADABLE_FILE: the file is not a readable .xlsx workbook. Fix: open it in Excel.",
     [("UNREADABLE_FILE", None, "the file is not a readable .xlsx workbook.",
       "open it in Excel.")]),
    ("BAD_DATE[dob]: not a date. Fix: use dd/mm/yyyy. | FUTURE_DATE[recorded_on]: is in the "
     "future. Fix: check the date.",
     [("BAD_DATE", "dob", "not a date.", "use dd/mm/yyyy."),
      ("FUTURE_DATE", "recorded_on", "is in the future.", "check the date.")]),
    ("something the parser does not know", [("", None, "something the parser does not know",
                                             "")]),
], ids=["column", "whole-file", "two-problems", "kept-whole"])
def test_parse_problems(reasons, expected):
    got = [(p.code, p.column, p.message, p.fix) for p in parse_problems(reasons)]
    assert got == expected


def ledger_row(agency: str, disposition: str, file: str, row: int, reasons: str = "") -> dict:
    return {"file": file, "sheet": "csv", "row": row, "agency": agency, "family_ref": "FAM-001",
            "item_id": "" if disposition == "rejected" else f"{agency}-{row}",
            "disposition": disposition, "reasons": reasons}


def write_run(tmp_path, rows, summary=None):
    folder = tmp_path / "jag-2026-12"
    write_csv(folder / "ledger.csv", LEDGER_COLUMNS, rows)
    counts = {d: sum(r["disposition"] == d for r in rows)
              for d in ("shared", "withheld", "review", "rejected")}
    data = summary or {"run_id": "abc123", "meeting_id": "jag-2026-12",
                       "started_at": "2026-11-30T09:00:00+00:00", "rows_in": len(rows),
                       "counts": counts,
                       "files": {"police/p.csv": "x", "yos/y.csv": "y", "yos/y (copy).csv": "y"},
                       "duplicates": {"yos/y (copy).csv": "yos/y.csv"},
                       "notes": {"police/p.csv": ["column 'extra' was not read"]}}
    (folder / "run_summary.json").write_text(json.dumps(data))


def test_status_per_agency(tmp_path):
    meeting = MeetingConfig.model_validate(MEETING)
    assert load_status(tmp_path, meeting) is None
    write_run(tmp_path, [
        ledger_row("police", "shared", "police/p.csv", 2),
        ledger_row("police", "review", "police/p.csv", 3),
        ledger_row("yos", "rejected", "yos/y.csv", 2, "MISSING_VALUE[risk]: is empty. Fix: "
                   "choose a risk."),
        ledger_row("yos", "rejected", "yos/y (copy).csv", 2, "DUPLICATE_FILE: identical to "
                   "yos/y.csv. Fix: delete the copy."),
    ])
    status = load_status(tmp_path, meeting)
    assert status is not None and status.rows_in == 4
    assert status.counts == {"shared": 1, "withheld": 0, "review": 1, "rejected": 2}
    by = {a.agency: a for a in status.agencies}
    assert list(by)[:2] == ["police", "school"]  # meeting order
    assert by["school"].sent_nothing
    assert [p.fix for r in by["yos"].rejected for p in r.problems] == ["choose a risk.",
                                                                       "delete the copy."]
    assert by["yos"].duplicates == {"yos/y (copy).csv": "yos/y.csv"}
    assert by["police"].notes == {"police/p.csv": ("column 'extra' was not read",)}
    mine = status.only("police")
    assert [a.agency for a in mine.agencies] == ["police"] and mine.rows_in == 2
    assert mine.counts["rejected"] == 0


def test_unreadable_outputs_say_how_to_fix(tmp_path):
    meeting = MeetingConfig.model_validate(MEETING)
    write_run(tmp_path, [ledger_row("police", "shared", "police/p.csv", 2)])
    (tmp_path / "jag-2026-12" / "run_summary.json").write_text("[1, 2]")
    with pytest.raises(OutputError, match="run the meeting again"):
        load_status(tmp_path, meeting)
    write_run(tmp_path, [ledger_row("police", "shared", "police/p.csv", 2)])
    (tmp_path / "jag-2026-12" / "ledger.csv").write_text("a,b\n1,2\n")
    with pytest.raises(OutputError, match="columns are not the ledger's"):
        load_status(tmp_path, meeting)


@pytest.mark.parametrize("rows,label", [
    ((None,), "whole file"), ((7,), "7"), ((2, 3, 4, 5), "2-5"), ((2, 5), "2, 5"),
    ((2, 3), "2, 3"), ((2, 4, 5), "2, 4, 5"),
])
def test_rejected_rows_with_the_same_problem_are_one_line(rows, label):
    problems = parse_problems("DUPLICATE_FILE: identical to a.csv. Fix: delete the copy.")
    rejected = tuple(RejectedRow(file="a (copy).csv", sheet="csv", row=r, family_ref="",
                                 problems=problems) for r in rows)
    other = RejectedRow(file="a (copy).csv", sheet="csv", row=99, family_ref="",
                        problems=parse_problems("BAD_DATE[dob]: no. Fix: yes."))
    groups = group_rejections((*rejected, other))
    assert [g.rows_label for g in groups] == [label, "99"]
