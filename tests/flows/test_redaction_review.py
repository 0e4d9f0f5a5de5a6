"""Redaction review end to end: the sample meeting's unsure words are listed by `casebundle
review redaction list`, one is restored through the CLI (a thin layer over
pipeline.redact.review), and the next run shows the word in its bundle, with the decision in
the audit chain (issue 11)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING
from pipeline.redact import list_unsure

pytestmark = pytest.mark.slow

MANIFEST = json.loads((Path(__file__).parents[1] / "cases" / "sample_manifest.json")
                      .read_text(encoding="utf-8"))


def test_restore_an_unsure_word_and_see_it_in_the_next_run(sample_run, tmp_path, monkeypatch):
    meeting_id = sample_run["meeting"].meeting.id
    state = tmp_path / "state"
    shutil.copytree(sample_run["root"] / "state", state)
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(state))
    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)

    entries = list_unsure(state, meeting_id)
    assert entries, "the sample meeting has words removed as unsure"
    # the unsure list is in the owner-only state folder, never among the outputs
    assert not any(p.name == "redaction_unsure.json" for p in sample_run["dir"].rglob("*"))
    runner = CliRunner()
    listed = runner.invoke(app, ["review", "redaction", "list", "--meeting", str(SAMPLE_MEETING),
                                 "--state", str(state)], env={"COLUMNS": "250"})
    assert listed.exit_code == 0, listed.output
    for e in entries:
        assert e.span_id in listed.output

    # the chair's bundle says how many words await confirmation
    bundle = json.loads((sample_run["dir"] / "bundles" / f"{entries[0].family_ref}.json")
                        .read_text(encoding="utf-8"))
    assert bundle["summary"]["unsure_redactions_awaiting"] >= 1

    third_parties = {v.casefold() for v in MANIFEST["third_party_identifiers"]}

    def in_bundle(e) -> bool:
        """A word of a shared item: items awaiting review are redacted too (for reviewers),
        but only shared items reach the bundle, where the restored word must show."""
        doc = json.loads((sample_run["dir"] / "bundles" / f"{e.family_ref}.json")
                         .read_text(encoding="utf-8"))
        return e.item_id in {i["item_id"] for i in doc["items"]}

    chosen = next(e for e in entries
                  if e.word.casefold() not in third_parties and in_bundle(e))
    family_json = sample_run["dir"] / "bundles" / f"{chosen.family_ref}.json"
    before = family_json.read_text(encoding="utf-8")
    restored = runner.invoke(app, [
        "review", "redaction", "restore", chosen.span_id, "--meeting", str(SAMPLE_MEETING),
        "--state", str(state), "--by", "JAG coordinator",
        "--reason", "an ordinary word, not anyone's name"])
    assert restored.exit_code == 0, restored.output
    assert "Recorded" in restored.output

    from flows.prepare import prepare_meeting

    out = tmp_path / "outputs"
    os.environ["CASEBUNDLE_STATE_DIR"] = str(state)
    prepare_meeting(meeting_config=str(SAMPLE_MEETING), inbox=str(SAMPLE_INBOX), out=str(out),
                    state_dir=str(state))
    after = (out / meeting_id / "bundles" / f"{chosen.family_ref}.json").read_text(
        encoding="utf-8")
    count = before.count(chosen.word)
    assert after.count(chosen.word) > count, chosen.word
    assert chosen.span_id not in {e.span_id for e in list_unsure(state, meeting_id)}

    from pipeline.audit import AuditStore, load_audit_settings, verify_store

    with AuditStore.from_settings(load_audit_settings()) as store:
        records = store.of_kind("redaction_decision", meeting_id)
        assert len(records) == 1
        body = json.loads(records[0].body)
        assert body["span_id"] == chosen.span_id and body["action"] == "restore"
        assert body["by"] == "JAG coordinator" and "word" not in body
        assert verify_store(store, [out / meeting_id / "audit_head.json"]).ok
