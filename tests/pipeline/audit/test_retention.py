"""Retention purge: outputs, escrow and shared text go; metadata and the chain stay."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.audit import (
    AuditSettings,
    AuditStore,
    EscrowError,
    build_report,
    execute_purge,
    plan_purge,
    record_run,
    reveal,
    subject_report,
    verify_store,
    write_head,
)
from pipeline.audit.retention import add_months
from tests.pipeline.audit.conftest import AMY_DOB, RECIPIENTS, jag_run, marac_run


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "outputs"


@pytest.fixture
def store(settings: AuditSettings, escrow_key: bytes, out: Path) -> AuditStore:
    for run in (jag_run(), marac_run()):
        head = record_run(run, RECIPIENTS, settings)
        folder = out / run.meeting.meeting.id
        (folder / "bundles").mkdir(parents=True)
        (folder / "bundles" / "F1.docx").write_text("bundle")
        (folder / "ledger.csv").write_text("x")
        write_head(head, folder / "audit_head.json")
    return AuditStore.from_settings(settings)


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2024, 3, 5), 12, date(2025, 3, 5)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2023, 11, 30), 3, date(2024, 2, 29)),
    (date(2025, 1, 10), 24, date(2027, 1, 10)),
])
def test_add_months(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_dry_run_lists_and_changes_nothing(store: AuditStore, settings: AuditSettings,
                                          out: Path) -> None:
    before = store.all()
    plan = plan_purge(store, settings, out, today=date(2026, 1, 1))
    # JAG (12 months from 2024-03-05) has expired; MARAC (24 months) has not
    assert [r.meeting_id for r in plan.runs] == ["JAG-2024-03"]
    assert plan.folders == ("JAG-2024-03",)
    assert len(plan.runs[0].records) == 4  # three shared texts and one escrow token
    assert store.all() == before and (out / "JAG-2024-03" / "ledger.csv").exists()


def test_purge_keeps_the_chain_verifiable(store: AuditStore, settings: AuditSettings,
                                          out: Path) -> None:
    plan = plan_purge(store, settings, out, today=date(2026, 1, 1))
    result = execute_purge(store, plan, out, by="information governance lead")
    heads = sorted(out.glob("*/audit_head.json"))
    assert len(heads) == 2  # head files are kept
    check = verify_store(store, heads)
    assert check.ok, check.problems
    jag = out / "JAG-2024-03"
    assert [p.name for p in jag.iterdir()] == ["audit_head.json"]
    assert (out / "MARAC-2025-01" / "ledger.csv").exists()
    purge = store.all()[-1]
    assert purge.kind == "purge" and result.record_seq == purge.seq
    assert purge.data()["tombstoned"] == list(plan.runs[0].records)
    assert purge.data()["by"] == "information governance lead"
    # metadata stays: the report still counts, the subject query says the text was purged
    assert build_report(store, "JAG-2024-03").content_purged
    shared = subject_report(store, "Amy Smith", AMY_DOB).shared
    assert shared[0].shared_text is None and shared[0].purged_at
    # and the escrowed mapping is gone
    with pytest.raises(EscrowError, match="purged"):
        reveal(store, settings, "JAG-2024-03", "F1", "[Third party A]",
               reason="after retention ended", by="chair")
    # a second purge finds nothing more to do
    again = plan_purge(store, settings, out, today=date(2026, 1, 1))
    assert not again.runs and not again.folders


def test_before_respects_retention_unless_allowed(store: AuditStore, settings: AuditSettings,
                                                  out: Path) -> None:
    plan = plan_purge(store, settings, out, before=date(2025, 6, 1), today=date(2025, 6, 1))
    assert [r.meeting_id for r in plan.runs] == ["JAG-2024-03"]
    assert [r.meeting_id for r in plan.kept_within_retention] == ["MARAC-2025-01"]
    early = plan_purge(store, settings, out, before=date(2025, 6, 1), today=date(2025, 6, 1),
                       allow_early=True)
    assert [(r.meeting_id, r.early) for r in early.runs] == [
        ("JAG-2024-03", False), ("MARAC-2025-01", True)]
    execute_purge(store, early, out, by="DPO", allow_early=True)
    assert verify_store(store, sorted(out.glob("*/audit_head.json"))).ok


def test_rerun_meeting_is_purged_whole(store: AuditStore, settings: AuditSettings,
                                       out: Path) -> None:
    record_run(jag_run("run-jag-2"), RECIPIENTS, settings)
    plan = plan_purge(store, settings, out, today=date(2026, 1, 1))
    assert [r.run_id for r in plan.runs] == ["run-jag-1", "run-jag-2"]
    assert plan.folders == ("JAG-2024-03",)
