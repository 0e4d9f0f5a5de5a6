"""`casebundle audit ...` end to end on a tmp SQLite store (no Prefect)."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli_audit import audit_app
from pipeline.audit import AuditSettings, record_run, write_head
from tests.pipeline.audit.conftest import RECIPIENTS, THIRD_PARTY, jag_run, marac_run

runner = CliRunner()


@pytest.fixture
def out(settings: AuditSettings, escrow_key: bytes, tmp_path: Path) -> Path:
    out = tmp_path / "outputs"
    for run in (jag_run(), marac_run()):
        head = record_run(run, RECIPIENTS, settings)
        write_head(head, out / run.meeting.meeting.id / "audit_head.json")
        (out / run.meeting.meeting.id / "bundle.docx").write_text("bundle")
    return out


def test_verify_ok_then_broken(out: Path, raw_db) -> None:
    ok = runner.invoke(audit_app, ["verify", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert "OK: 13 records" in ok.output and "2 head file(s)" in ok.output
    raw_db().execute("UPDATE audit_records SET body = replace(body, 'DSL', 'X') WHERE seq = 3")
    bad = runner.invoke(audit_app, ["verify", "--out", str(out)])
    assert bad.exit_code == 1 and "BROKEN at record 3 (altered)" in bad.output


def test_verify_truncation_needs_heads(out: Path, raw_db) -> None:
    raw_db().execute("DELETE FROM audit_records WHERE seq > 9")
    # the chain left is consistent in itself, but without a head truncation cannot be
    # detected: verify must fail, not say OK (issue 13, item 10)
    res = runner.invoke(audit_app, ["verify", "--no-out-heads"])
    assert res.exit_code == 1 and "no audit_head.json was found" in res.output
    head = out / "MARAC-2025-01" / "audit_head.json"
    res = runner.invoke(audit_app, ["verify", "--no-out-heads", "--head", str(head)])
    assert res.exit_code == 1 and "truncated" in res.output
    assert runner.invoke(audit_app, ["verify", "--out", str(out)]).exit_code == 1


def test_report_writes_both_files(out: Path) -> None:
    res = runner.invoke(audit_app, ["report", "--meeting", "JAG-2024-03", "--out", str(out)])
    assert res.exit_code == 0, res.output
    folder = out / "JAG-2024-03" / "audit"
    assert (folder / "audit_report.xlsx").exists() and (folder / "audit_report.html").exists()
    assert stat.S_IMODE((folder / "audit_report.html").stat().st_mode) == 0o600


def test_report_unknown_meeting_exits_2(out: Path) -> None:
    res = runner.invoke(audit_app, ["report", "--meeting", "NOPE", "--out", str(out)])
    assert res.exit_code == 2 and "no run of meeting NOPE" in res.output


def test_subject_json(out: Path) -> None:
    res = runner.invoke(audit_app, ["subject", " AMY  smith", "--dob", "2012-05-01",
                                    "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [i["item_id"] for i in data["shared"]] == ["police-1", "school-1"]
    assert [i["item_id"] for i in data["held"]] == ["police-3"]
    assert THIRD_PARTY not in res.output


def test_subject_bad_dob(out: Path) -> None:
    res = runner.invoke(audit_app, ["subject", "Amy", "--dob", "1 May 2012"])
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.output


def test_keygen(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "escrow.key"
    assert runner.invoke(audit_app, ["keygen", "--out", str(key)]).exit_code == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes().strip()) == 44
    again = runner.invoke(audit_app, ["keygen", "--out", str(key)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_reveal(out: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["reveal", "JAG-2024-03", "F1", "[Third party A]",
            "--reason", "chair decision at meeting, item 4", "--by", "JAG chair"]
    res = runner.invoke(audit_app, args)
    assert res.exit_code == 0 and res.output.strip() == THIRD_PARTY
    last = sqlite3.connect(db_path).execute(
        "SELECT kind, body FROM audit_records ORDER BY seq DESC LIMIT 1").fetchone()
    assert last[0] == "reveal" and THIRD_PARTY not in last[1]
    monkeypatch.delenv("CASEBUNDLE_ESCROW_KEY")
    denied = runner.invoke(audit_app, args)
    assert denied.exit_code == 2 and THIRD_PARTY not in denied.output


def test_purge_dry_run_then_purge(out: Path) -> None:
    dry = runner.invoke(audit_app, ["purge", "--before", "2024-12-31", "--out", str(out),
                                    "--dry-run"])
    assert dry.exit_code == 0 and "would purge: run run-jag-1" in dry.output
    assert (out / "JAG-2024-03" / "bundle.docx").exists()
    res = runner.invoke(audit_app, ["purge", "--before", "2024-12-31", "--out", str(out),
                                    "--by", "IG lead"])
    assert res.exit_code == 0, res.output
    assert not (out / "JAG-2024-03" / "bundle.docx").exists()
    assert runner.invoke(audit_app, ["verify", "--out", str(out)]).exit_code == 0


def test_settings_option(out: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("retention_months: {jag: 12}\n")
    res = runner.invoke(audit_app, ["--settings", str(bad), "verify"])
    assert res.exit_code == 2 and "no retention period" in res.output


def test_verify_never_creates_a_store_and_fails_without_one(tmp_path: Path,
                                                           monkeypatch) -> None:
    """Run from another folder: no store there. verify must fail, and leave no store."""
    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(tmp_path / "elsewhere"))
    res = runner.invoke(audit_app, ["verify", "--out", str(tmp_path)])
    assert res.exit_code == 1 and "no audit store at" in res.output
    assert not (tmp_path / "elsewhere").exists()


def test_verify_fails_on_an_empty_store(tmp_path: Path, monkeypatch) -> None:
    from pipeline.audit import AuditStore, load_audit_settings

    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(tmp_path / "state"))
    AuditStore.from_settings(load_audit_settings()).close()  # an empty store
    res = runner.invoke(audit_app, ["verify", "--out", str(tmp_path)])
    assert res.exit_code == 1 and "holds no records" in res.output


def test_verify_fails_when_a_named_head_is_missing(out: Path) -> None:
    res = runner.invoke(audit_app, ["verify", "--head", str(out / "nope.json")])
    assert res.exit_code == 1 and "not found" in res.output
