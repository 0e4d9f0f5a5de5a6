"""The governance report: counts equal the ledger; xlsx and HTML are safe to open."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.audit import (
    AuditError,
    AuditSettings,
    AuditStore,
    build_report,
    record_run,
)
from pipeline.render import audit_report_html, write_audit_report
from tests.pipeline.audit.conftest import RECIPIENTS, jag_run, marac_run


@pytest.fixture
def store(settings: AuditSettings) -> AuditStore:
    record_run(jag_run(), RECIPIENTS, settings)
    record_run(marac_run(), RECIPIENTS, settings)
    return AuditStore.from_settings(settings)


@pytest.mark.parametrize("make", [jag_run, marac_run])
def test_counts_equal_the_ledger(store: AuditStore, make) -> None:
    run = make()
    rep = build_report(store, run.meeting.meeting.id)
    ledger = Counter((r.agency, r.disposition) for r in run.ledger)
    for row in rep.agencies:
        for disposition in ("shared", "withheld", "review", "rejected"):
            assert getattr(row, disposition) == ledger[(row.agency, disposition)]
        assert row.submitted == sum(n for (a, _), n in ledger.items() if a == row.agency)
    assert rep.totals.submitted == len(run.ledger) and rep.ledger_matches


def test_sections(store: AuditStore) -> None:
    rep = build_report(store, "JAG-2024-03")
    assert [(a.agency, a.submitted, a.shared, a.rejected) for a in rep.agencies] == [
        ("police", 2, 2, 0), ("school", 2, 1, 1), ("health", 1, 0, 0), ("housing", 0, 0, 0)]
    assert [(s.agency, s.note) for s in rep.silent] == [
        ("health", "shared nothing: 1 withheld, 0 awaiting review, 0 rejected"),
        ("housing", "submitted nothing")]
    assert [x.item_id for x in rep.no_consent] == ["police-1", "police-2"]  # school: explicit
    assert rep.no_consent[0].decided_by == "PS 123"
    assert ("legal_power", "Crime and Disorder Act 1998 s115", 1) in [
        (b.basis, b.value, b.items) for b in rep.bases]
    assert ("lawful_basis", "public_task", 3) in [(b.basis, b.value, b.items) for b in rep.bases]
    person = next(r for r in rep.redactions if r.entity_type == "PERSON")
    # summaries 2 + 1, rationales 1 + 1 (police-2's rationale had nothing to remove)
    assert (person.count, person.items) == (5, 3)


def test_reviewed_item_shows_reviewer(store: AuditStore) -> None:
    rep = build_report(store, "MARAC-2025-01")
    assert [(x.item_id, x.reviewed_by) for x in rep.no_consent] == [("police-3", "MARAC chair")]


def test_latest_run_or_chosen_run(store: AuditStore, settings: AuditSettings) -> None:
    record_run(jag_run("run-jag-2"), RECIPIENTS, settings)
    assert build_report(store, "JAG-2024-03").run_id == "run-jag-2"
    assert build_report(store, "JAG-2024-03", "run-jag-1").runs_of_meeting == 2
    with pytest.raises(AuditError, match="not a run of meeting"):
        build_report(store, "JAG-2024-03", "run-marac-1")
    with pytest.raises(AuditError, match="no run of meeting NOPE"):
        build_report(store, "NOPE")


def test_xlsx_is_marked_filtered_frozen_and_inert(store: AuditStore, tmp_path: Path) -> None:
    xlsx, html = write_audit_report(build_report(store, "JAG-2024-03"), tmp_path)
    assert xlsx == tmp_path / "JAG-2024-03" / "audit" / "audit_report.xlsx" and html.exists()
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Summary", "By agency", "Bases relied on",
                             "Shared without consent", "Redactions", "Shared nothing"]
    for ws in wb.worksheets:
        assert ws.sheet_state == "visible"
        # banner in row 1, headers in row 2: both frozen and printed on every page
        assert ws.freeze_panes == "A3" and ws.auto_filter.ref
        assert ws.print_title_rows == "$1:$2"
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        # one page wide: fitToWidth left out means 1 (ECMA-376's default)
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert "OFFICIAL-SENSITIVE" in (ws.oddHeader.center.text or "")
        assert "OFFICIAL-SENSITIVE" in (ws.oddFooter.center.text or "")
        assert not any(d.hidden for d in ws.column_dimensions.values())
        assert not any(d.hidden for d in ws.row_dimensions.values())
        for row in ws.iter_rows():
            for cell in row:
                assert cell.comment is None
                assert cell.data_type != "f"  # nothing is a formula
    assert not wb.defined_names
    ws = wb["Shared without consent"]
    headers = [c.value for c in ws[2]]
    assert headers[:3] == ["Item", "Category", "Consent"]  # words, not field names
    col = headers.index("Rationale (redacted)") + 1
    cells = [row[col - 1] for row in ws.iter_rows(min_row=3)]
    hostile = [c for c in cells if c.value == "=HYPERLINK(\"http://x\")"]
    assert hostile and all(c.quotePrefix and c.data_type == "s" for c in hostile)
    consent = [row[2].value for row in ws.iter_rows(min_row=3)]
    assert "Not sought: asking would be unsafe (not_sought_unsafe)" in consent



def test_html_is_self_contained_and_escaped(store: AuditStore) -> None:
    page = audit_report_html(build_report(store, "JAG-2024-03"))
    assert page.count("OFFICIAL-SENSITIVE") >= 3
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&#34;http://x&#34;" in page or "&quot;http://x&quot;" in page
    assert "<link" not in page and "src=" not in page
