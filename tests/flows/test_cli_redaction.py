"""`casebundle review redaction restore|confirm` at the command line, without a run: the
decision and its audit record go to the state folder named by --state, audit first."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app
from pipeline.audit import AuditStore, load_audit_settings, redaction_entries
from pipeline.meeting import SAMPLE_MEETING
from pipeline.redact import UnsureEntry, load_redaction_review, save_unsure

MEETING_ID = "jag-2026-12"
SPAN = "c0ffee00c0ffee00"


def test_state_option_names_the_audit_store_too(tmp_path, monkeypatch):
    state, elsewhere = tmp_path / "state", tmp_path / "elsewhere"
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(elsewhere))  # must not be used
    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
    save_unsure(state, MEETING_ID, [UnsureEntry(
        span_id=SPAN, run_id="run-1", family_ref="FAM-004", item_id="yos-1", field="summary",
        agency="yos", content_hash="h1", word="Turnaround", pseudonym="[Third party M]",
        context="Connor offered the ⟦[Third party M]⟧ programme.")])
    result = CliRunner().invoke(app, [
        "review", "redaction", "restore", SPAN, "--meeting", str(SAMPLE_MEETING),
        "--state", str(state), "--by", "JAG coordinator",
        "--reason", "the name of a youth programme"])
    assert result.exit_code == 0, result.output
    assert "audit record 1" in " ".join(result.output.split())
    assert load_redaction_review(state, MEETING_ID).decisions[SPAN].user is None
    with AuditStore.from_settings(load_audit_settings(state_dir=state)) as store:
        [entry] = redaction_entries(store, MEETING_ID)
    assert (entry.span_id, entry.by, entry.agency, entry.action) == (
        SPAN, "JAG coordinator", "yos", "restore")
    assert not elsewhere.exists()


def test_a_short_reason_is_refused_and_nothing_recorded(tmp_path, monkeypatch):
    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
    save_unsure(tmp_path, MEETING_ID, [UnsureEntry(
        span_id=SPAN, run_id="run-1", family_ref="FAM-004", item_id="yos-1", field="summary",
        agency="yos", content_hash="h1", word="Turnaround", pseudonym="[Third party M]",
        context="⟦[Third party M]⟧")])
    result = CliRunner().invoke(app, [
        "review", "redaction", "confirm", SPAN, "--meeting", str(SAMPLE_MEETING),
        "--state", str(tmp_path), "--by", "chair", "--reason", "no"])
    assert result.exit_code == 2 and "at least 3 words" in result.output
    assert load_redaction_review(tmp_path, MEETING_ID).decisions == {}
    assert not (tmp_path / "audit.sqlite").exists()
