"""What one run leaves in the decision record (golden rule 7; 003_e63cd6015283d4be.txt 3.51)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pipeline.audit import AuditError, AuditSettings, AuditStore, EscrowError, record_run
from pipeline.audit.settings import EscrowSettings
from tests.pipeline.audit.conftest import RECIPIENTS, THIRD_PARTY, jag_run, marac_run


def _records(settings: AuditSettings) -> list:
    with AuditStore.from_settings(settings) as store:
        return store.all()


def test_every_ledger_row_has_one_record(settings: AuditSettings) -> None:
    run = jag_run()
    head = record_run(run, RECIPIENTS, settings)
    recs = _records(settings)
    assert [r.kind for r in recs] == ["run", "decision", "decision", "decision", "decision",
                                      "rejection"]
    assert head.records_added == 6 and head.length == 6 and head.run_id == run.run_id
    assert len([r for r in recs if r.kind in ("decision", "rejection")]) == len(run.ledger)
    dumped = head.model_dump()
    json.dumps(dumped)  # the flow writes it as JSON as is
    assert {"length", "head_hash", "run_id"} <= set(dumped)


def test_decision_record_fields(settings: AuditSettings) -> None:
    record_run(marac_run(), RECIPIENTS, settings)
    rec = next(r for r in _records(settings) if r.item_id == "police-3")
    body = rec.data()
    assert body["meeting"] == {"id": "MARAC-2025-01", "type": "marac", "date": "2025-01-10"}
    assert body["content_hash"] == "hash-police-3"
    assert body["disposition"] == "shared" and body["reasons"] == ["REVIEWED"]
    assert body["recipients"] == ["chair", "idva"]
    assert body["review"] == {"by": "MARAC chair", "at": "2025-01-08T15:00:00+00:00",
                              "reason": "necessary for safety planning"}
    assert body["basis"]["rationale"] == "rationale of police-3 about [Third party A]"
    assert body["basis"]["legal_duty"] == "statutory_duty"
    assert body["redaction"] == [{"field": "rationale", "entity_type": "PERSON", "count": 1,
                                  "recognizer": "SpacyRecognizer"}]
    assert rec.content_data() == {"summary": "Arrested on 2 Jan; bail conditions set."}
    assert rec.subject_key == "amy smith" and rec.subject_dob == "2012-05-01"


def test_withheld_items_keep_no_text(settings: AuditSettings) -> None:
    record_run(jag_run(), RECIPIENTS, settings)
    rec = next(r for r in _records(settings) if r.item_id == "health-1")
    assert rec.content is None and rec.content_hash is None
    assert rec.data()["recipients"] == []
    # the pipeline redacts rationale of shared items only; the raw one is never stored
    assert rec.data()["basis"]["rationale"] is None


def test_rejection_record_has_location_and_reasons_not_values(settings: AuditSettings) -> None:
    record_run(jag_run(), RECIPIENTS, settings)
    rec = next(r for r in _records(settings) if r.kind == "rejection")
    body = rec.data()
    assert body["provenance"]["row"] == 5 and body["provenance"]["sheet"] == "items"
    assert body["reasons"][0].startswith("MISSING_VALUE[consent]")
    assert "secret cell" not in rec.body


def test_no_third_party_identifier_in_the_store(settings: AuditSettings, db_path: Path,
                                                escrow_key: bytes) -> None:
    record_run(jag_run(), RECIPIENTS, settings)
    record_run(marac_run(), RECIPIENTS, settings)
    raw = db_path.read_bytes()
    for secret in (THIRD_PARTY, "Kez Marlow", "Dean Quill", "raw summary", "raw rationale"):
        assert secret.encode() not in raw
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_escrow_is_skipped_without_key(settings: AuditSettings, db_path: Path) -> None:
    head = record_run(jag_run(), RECIPIENTS, settings)
    assert head.escrow == "skipped_no_key"
    assert head.warnings and head.warnings[0].startswith("ESCROW_SKIPPED")
    assert not [r for r in _records(settings) if r.kind == "escrow"]
    assert THIRD_PARTY.encode() not in db_path.read_bytes()


def test_escrow_required_refuses_before_writing(settings: AuditSettings) -> None:
    strict = settings.model_copy(update={"escrow": EscrowSettings(required=True)})
    with pytest.raises(EscrowError, match="escrow.required"):
        record_run(jag_run(), RECIPIENTS, strict)
    assert _records(settings) == []


def test_escrow_is_stored_sealed(settings: AuditSettings, escrow_key: bytes) -> None:
    head = record_run(jag_run(), RECIPIENTS, settings)
    assert head.escrow == "stored" and head.warnings == ()
    esc = [r for r in _records(settings) if r.kind == "escrow"]
    assert len(esc) == 1 and esc[0].data()["family_ref"] == "F1"
    assert esc[0].data()["pseudonyms"] == 2 and THIRD_PARTY not in (esc[0].content or "")


def test_rerun_appends_a_new_run(settings: AuditSettings) -> None:
    first = record_run(jag_run("run-a"), RECIPIENTS, settings)
    before = _records(settings)
    second = record_run(jag_run("run-b"), RECIPIENTS, settings)
    after = _records(settings)
    assert after[: len(before)] == before  # history untouched
    assert second.length == 2 * first.length and after[first.length].prev_hash == first.head_hash


def test_item_without_decision_is_refused(settings: AuditSettings) -> None:
    run = jag_run()
    del run.decisions["school-1"]
    with pytest.raises(AuditError, match="have no decision"):
        record_run(run, RECIPIENTS, settings)
