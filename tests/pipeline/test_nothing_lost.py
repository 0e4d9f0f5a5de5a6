"""Property: whatever agencies drop in the inbox, rows in = ledger rows, each exactly once."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import collect, discover, read_and_validate
from pipeline.merge import build_ledger, check_ledger
from pipeline.policy import decide_items, load_policy
from pipeline.run import MeetingRun
from tests.conftest import GOOD_ROW, MEETING, TODAY, csv_bytes, make_workbook

POLICY = load_policy()

# values each column may take: valid alternatives, garbage and empty
CELL_VALUES = {
    "agency": ["police", "school", "fire", "", "POLICE"],
    "family_ref": ["FAM-001", "FAM-002", "FAM-404", ""],
    "subject_role": ["child", "parent", "victim", "aunt", ""],
    "subject_dob": ["11/06/2009", "", "31/31/2001", "2030-01-01"],
    "category": ["asb", "health", "finance", "edu", ""],
    "recorded_on": ["01/11/2026", "2019-01-01", "tomorrow", "", "01/01/2099"],
    "consent": ["explicit", "refused", "not_sought_unsafe", "lacks_capacity", "yes", ""],
    "consent_scope": ["jag", "early_help", "jag,court", ""],
    "confidential": ["yes", "no", "unsure", "maybe"],
    "risk": ["significant_harm_child", "none_identified", "risk_to_self_only", "", "high"],
    "agency_decision": ["share", "not_share", ""],
    "summary": ["Seen with older youths.", "", "=HYPERLINK(\"x\")"],
    "rationale": ["n/a", "", "Needed to plan a joint response to protect the children."],
    "legal_duty": ["none", "statutory_duty", "court_order", "sometimes"],
    "restricted_to": ["", "police", "csc"],
    "source_at_risk": ["yes", "no", "", "dunno"],
}

row_strategy: st.SearchStrategy[dict[str, Any]] = st.one_of(
    st.just({}),  # a blank row: not an input row
    st.fixed_dictionaries({}, optional={k: st.sampled_from(v) for k, v in CELL_VALUES.items()}
                          ).map(lambda o: {**GOOD_ROW, **o}),
)

file_strategy = st.fixed_dictionaries({
    "kind": st.sampled_from(["csv", "xlsx", "corrupt", "copy", "hidden_row"]),
    "folder": st.sampled_from(["police", "school", "health"]),
    "rows": st.lists(row_strategy, min_size=0, max_size=6),
})


def _write(inbox: Path, n: int, spec: dict, written: list[Path]) -> int:
    """Write one file; return the number of ledger lines it must produce."""
    folder = inbox / spec["folder"]
    folder.mkdir(parents=True, exist_ok=True)
    rows = spec["rows"]
    data_rows = sum(1 for r in rows if r)
    headers = list(GOOD_ROW)
    kind = spec["kind"]
    if kind == "copy" and written:
        src = written[-1]
        dst = folder / f"{n:02d}_copy{src.suffix}"
        shutil.copyfile(src, dst)
        written.append(dst)
        return -1  # same units as the original: computed by the caller
    if kind == "corrupt":
        path = folder / f"{n:02d}.xlsx"
        path.write_bytes(b"not really a workbook " + bytes([n]))
        written.append(path)
        return 1
    if kind == "csv" or kind == "copy":
        path = folder / f"{n:02d}.csv"
        path.write_bytes(csv_bytes(rows or [{}], headers))
    else:
        wb = make_workbook(rows or [{}], headers)
        if kind == "hidden_row":
            wb.active.row_dimensions[2].hidden = True
        path = folder / f"{n:02d}.xlsx"
        wb.save(path)
    written.append(path)
    return data_rows or 1  # a file with no data rows is one EMPTY_FILE line


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(file_strategy, min_size=1, max_size=5))
def test_rows_in_equal_ledger_rows(specs):
    from pipeline.meeting import MeetingConfig

    meeting = MeetingConfig.model_validate(MEETING)
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp)
        written: list[Path] = []
        expected = 0
        units_by_path: dict[Path, int] = {}
        for n, spec in enumerate(specs):
            units = _write(inbox, n, spec, written)
            if units == -1:
                units = units_by_path[Path(written[-2])]
            units_by_path[written[-1]] = units
            expected += units
        inputs = collect([read_and_validate(f, meeting, TODAY) for f in discover(inbox)])
        decisions = decide_items(inputs.items, meeting, POLICY)
        run = MeetingRun(run_id="t", started_at=datetime(2026, 11, 23), meeting=meeting,
                         meeting_config_path="m.yaml", inbox=str(inbox),
                         items=inputs.items, rejections=inputs.rejections,
                         decisions={d.item_id: d for d in decisions})
        ledger = build_ledger(run)
        check_ledger(inputs.rows_in, ledger)  # raises if anything was lost
        assert len(ledger) == inputs.rows_in == expected
        assert {r.disposition for r in ledger} <= {"shared", "withheld", "review", "rejected"}
        for r in ledger:
            assert r.reasons, r
            if r.disposition == "rejected":
                continue
            assert r.item_id
