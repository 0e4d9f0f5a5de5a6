"""The same inputs give the same outputs: two runs of the sample meeting through the stages
write the same files, apart from run ids and timestamps (tests/support/outputs.py)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting
from tests.support.outputs import differences, snapshot
from tests.support.stages import prepare_in_process


def _run(root: Path, run_id: str, monkeypatch: pytest.MonkeyPatch,
         inbox: Path = SAMPLE_INBOX) -> Path:
    state = root / f"state-{run_id}"
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(state))  # a fresh audit store per run
    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
    summary = prepare_in_process(SAMPLE_MEETING, inbox, root / f"out-{run_id}", state,
                                 run_id=run_id)
    assert summary["run_id"] == run_id
    return root / f"out-{run_id}" / load_meeting(SAMPLE_MEETING).meeting.id


@pytest.mark.slow
def test_two_runs_of_the_sample_write_the_same_files(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # the second run reads a copy of the inbox received a day later: the same inputs, other
    # receipt times (each file's modification time is when it was received)
    inbox = tmp_path / "INBOX"
    shutil.copytree(SAMPLE_INBOX, inbox)
    for path in inbox.rglob("*"):
        stat = path.stat()
        os.utime(path, (stat.st_atime + 86400, stat.st_mtime + 86400))
    first = _run(tmp_path, "run0000000a1", monkeypatch)
    second = _run(tmp_path, "run0000000b2", monkeypatch, inbox)
    assert differences(first, second) == []
    compared = snapshot(first)
    # not a vacuous comparison: every kind of output is there, xlsx member by member
    assert len(compared) > 400
    for part in ("agenda.html", "ledger.csv", "review_queue.csv", "run_summary.json",
                 "audit_head.json", "bundles/FAM-001.json", "bundles/FAM-001.html",
                 "bundles/FAM-001.xlsx::xl/worksheets/sheet1.xml",
                 "recipients/police/FAM-001.json", "receipts/police.csv"):
        assert part in compared, part
    # and what was ignored did differ: run ids, the audit head and the receipt times
    for name in ("run_summary.json", "audit_head.json", "bundles/FAM-001.json",
                 "bundles/FAM-001.xlsx"):
        assert (first / name).read_bytes() != (second / name).read_bytes(), name


# --- the comparison itself ---------------------------------------------------------------


def _folder(root: Path, run_id: str, *, when: str = "2026-11-23T08:30:00+00:00",
            cell: str = "seen 2026-10-03", ledger: str = "FAM-001,shared\n",
            received: datetime = datetime(2026, 11, 20, 14, 5, 9), count: float = 3,
            page: str = "<td>20/11/2026 14:05 UTC</td><td>03/10/2026</td>") -> Path:
    root.mkdir(parents=True)
    (root / "bundle.html").write_text(page)  # times and dates as a UK reader sees them
    (root / "run_summary.json").write_text(json.dumps({"run_id": run_id, "started_at": when}))
    (root / "audit_head.json").write_text(json.dumps(
        {"run_id": run_id, "recorded_at": when,
         "head_hash": hashlib.sha256(run_id.encode()).hexdigest()}))
    (root / "ledger.csv").write_text(ledger)
    wb = Workbook()
    wb.active["A1"] = cell
    wb.active["B1"] = received  # a date-time cell: stored as days since 1900
    wb.active["B1"].number_format = "yyyy-mm-dd hh:mm"
    wb.active["C1"] = count
    wb.save(root / "bundle.xlsx")
    return root


def test_run_ids_timestamps_and_head_hashes_are_ignored(tmp_path: Path) -> None:
    a = _folder(tmp_path / "a", "0123456789ab")
    b = _folder(tmp_path / "b", "ba9876543210", when="2026-11-24T17:05:59+00:00",
                received=datetime(2026, 11, 21, 9, 0, 1),
                page="<td>21/11/2026 09:00 UTC</td><td>03/10/2026</td>")
    assert differences(a, b) == []


@pytest.mark.parametrize(("change", "shown"), [
    ({"ledger": "FAM-001,withheld\n"}, "differs: ledger.csv"),
    ({"ledger": "FAM-002,shared\n"}, "differs: ledger.csv"),
    ({"cell": "seen 2026-10-04"}, "differs: bundle.xlsx::xl/worksheets/sheet1.xml"),  # a date
    ({"cell": "seen 2026-10-03 by [Third party A]"}, "differs: bundle.xlsx::"),
    ({"count": 4}, "differs: bundle.xlsx::xl/worksheets/sheet1.xml"),
    ({"count": 3.5}, "differs: bundle.xlsx::xl/worksheets/sheet1.xml"),
    ({"received": datetime(2026, 11, 21)}, "differs: bundle.xlsx::"),  # a date, no time
    ({"page": "<td>20/11/2026 14:05 UTC</td><td>04/10/2026</td>"}, "differs: bundle.html"),
])
def test_any_other_difference_is_reported(tmp_path: Path, change: dict[str, Any],
                                          shown: str) -> None:
    a = _folder(tmp_path / "a", "0123456789ab")
    b = _folder(tmp_path / "b", "ba9876543210", **change)
    found = differences(a, b)
    assert len(found) == 1 and found[0].startswith(shown), found


def test_a_missing_or_extra_file_is_reported(tmp_path: Path) -> None:
    a = _folder(tmp_path / "a", "0123456789ab")
    b = tmp_path / "b"
    shutil.copytree(a, b)
    (a / "ledger.csv").unlink()
    (b / "extra.csv").write_text("x\n")
    assert differences(a, b) == [f"only in {b}: extra.csv", f"only in {b}: ledger.csv"]
