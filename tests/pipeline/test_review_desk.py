"""The review desk: review_queue.json (redacted text only, failures not shown), reading it
back, and what is pending once decisions are recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from pipeline.errors import ReviewError
from pipeline.models import RedactedText, text_key
from pipeline.policy import ReviewDecision
from pipeline.review_desk import (
    ReviewQueue,
    is_pending,
    load_queue,
    queue_document,
    queue_entries,
    role_label,
    write_queue,
)
from tests.pipeline.render.sample_run import RAW_NAMES, build_sample


def sample_with_texts():
    sample = build_sample()
    review_id = sample.ids["review"]
    run = sample.run
    run.redactions[text_key(review_id, "summary")] = RedactedText(
        item_id=review_id, text="Seen at clinic with [Third party A].")
    run.redactions[text_key(review_id, "rationale")] = RedactedText(
        item_id=review_id, text=None, failed=True)
    return sample


def test_queue_holds_review_items_with_redacted_text_only():
    sample = sample_with_texts()
    entries = queue_entries(sample.run)
    assert [e.item_id for e in entries] == [sample.ids["review"]]
    [e] = entries
    assert e.summary == "Seen at clinic with [Third party A]."
    # the rationale could not be redacted: it is named as failed and never shown raw
    assert e.rationale is None and e.redaction_failed == ("rationale",)
    document = queue_document(sample.run)
    for name in RAW_NAMES:
        assert name not in document
    assert "Shared so partners can agree a joint plan." not in document  # the raw rationale


def test_queue_without_any_redaction_shows_nothing_raw():
    sample = build_sample()  # the review item's texts were never redacted
    [e] = queue_entries(sample.run)
    assert e.summary is None and set(e.redaction_failed) == {"summary", "rationale"}


def test_queue_round_trip_and_errors(tmp_path):
    sample = sample_with_texts()
    folder = tmp_path / "jag-2026-12"
    folder.mkdir()
    assert load_queue(tmp_path, "jag-2026-12") is None  # the meeting has not run
    (folder / "review_queue.json").write_text(queue_document(sample.run))
    queue = load_queue(tmp_path, "jag-2026-12")
    assert isinstance(queue, ReviewQueue) and queue.run_id == "run-0001"
    assert queue.get(sample.ids["review"]) is not None and queue.get("nope") is None
    (folder / "review_queue.json").write_text("{broken")
    with pytest.raises(ReviewError, match="run the meeting again"):
        load_queue(tmp_path, "jag-2026-12")
    other = json.loads(queue_document(sample.run))
    other["meeting_id"] = "marac-2026-11"
    (folder / "review_queue.json").write_text(json.dumps(other))
    with pytest.raises(ReviewError, match="belongs to meeting marac-2026-11"):
        load_queue(tmp_path, "jag-2026-12")


def test_pending_until_a_decision_for_this_version_of_the_row():
    [e] = queue_entries(sample_with_texts().run)
    at = datetime(2026, 11, 30, tzinfo=UTC)

    def decision(content_hash: str) -> ReviewDecision:
        return ReviewDecision(item_id=e.item_id, content_hash=content_hash,
                              disposition="shared", reason="x", by="chair", at=at)

    assert is_pending(e, {})
    assert not is_pending(e, {e.item_id: decision(e.content_hash)})
    assert is_pending(e, {e.item_id: decision("0" * 64)})  # the row changed since


@pytest.mark.parametrize("role,agency,label", [
    ("coordinator", None, "meeting coordinator"),
    ("agency_reviewer", "police", "police reviewer"),
    ("governance_lead", None, "governance lead"),
])
def test_role_labels(role, agency, label):
    assert role_label(role, agency) == label


def test_write_queue_replaces_the_last_one_owner_only(tmp_path):
    sample = sample_with_texts()
    path = write_queue(sample.run, tmp_path)
    assert path == tmp_path / "jag-2026-12" / "review_queue.json"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    sample.run.run_id = "run-0002"
    write_queue(sample.run, tmp_path)
    queue = load_queue(tmp_path, "jag-2026-12")
    assert queue is not None and queue.run_id == "run-0002"
    assert [p.name for p in path.parent.iterdir()] == ["review_queue.json"]  # no temp left


def test_queue_carries_the_identity_outcome():
    from pipeline.models import MatchCandidate, SubjectMatch

    sample = sample_with_texts()
    review_id = sample.ids["review"]
    match = SubjectMatch(
        item_id=review_id, family_ref="FAM-001", outcome="other_family", score=-14.5,
        why="matches a member of FAM-004 (score 16: ...) better than any member of FAM-001",
        candidates=(MatchCandidate(family_ref="FAM-004", member="Ellie Brannigan", score=16,
                                   why="forename exact; surname exact"),),
        other_family="FAM-004")
    sample.run.identities[review_id] = match
    [e] = queue_entries(sample.run)
    assert e.identity == match
    # read back from the document, as the web app does
    queue = ReviewQueue.model_validate_json(queue_document(sample.run))
    assert queue.entries[0].identity == match
    # a queue written before the identity step was kept still loads
    old = json.loads(queue_document(sample.run))
    del old["entries"][0]["identity"]
    assert ReviewQueue.model_validate(old).entries[0].identity is None


# --- decisions on words removed as unsure: the audit record first, then the store -------------


def _unsure_state(tmp_path):
    from pipeline.redact import UnsureEntry, save_unsure

    entry = UnsureEntry(span_id="f" * 16, run_id="run-0001", family_ref="FAM-001",
                        item_id="police-1", field="summary", agency="police",
                        content_hash="h1", word="Turnaround", pseudonym="[Third party A]",
                        context="Offered the ⟦[Third party A]⟧ programme.")
    save_unsure(tmp_path, "jag-2026-12", [entry])
    return entry


def _audit(tmp_path):
    from pipeline.audit import AuditSettings

    return AuditSettings(database_url=f"sqlite:///{tmp_path / 'audit.sqlite'}",
                         retention_months={"jag": 12, "mash": 12, "marac": 24})


@pytest.mark.parametrize("action,allow", [("restore", False), ("restore", True),
                                          ("confirm", False)])
def test_record_span_decision_goes_to_the_audit_chain_then_the_store(tmp_path, action, allow):
    from pipeline.audit import AuditStore, redaction_entries
    from pipeline.redact import load_redaction_review
    from pipeline.review_desk import record_span_decision

    entry = _unsure_state(tmp_path)
    audit = _audit(tmp_path)
    decision, seq = record_span_decision(
        meeting_id="jag-2026-12", span_id=entry.span_id, action=action,
        reason="the name of a youth programme", by="police reviewer", user="pc.jones",
        state_dir=tmp_path, audit=audit, allow=allow)
    assert load_redaction_review(tmp_path, "jag-2026-12").decisions[entry.span_id] == decision
    with AuditStore.from_settings(audit) as store:
        [record] = store.of_kind("redaction_decision", "jag-2026-12")
        [shown] = redaction_entries(store, "jag-2026-12")
    assert record.seq == seq == shown.seq and record.run_id == "run-0001"
    body = json.loads(record.body)
    assert "word" not in body and "Turnaround" not in record.body
    assert (body["user"], body["by"], body["agency"], body["action"], body["allow"]) == (
        "pc.jones", "police reviewer", "police", action, allow)
    # the word goes (purgeable) with a restore only: the next bundle shows it anyway
    assert (record.content is not None and "Turnaround" in record.content) == (
        action == "restore")
    assert (shown.user, shown.by, shown.agency, shown.item_id, shown.field, shown.action,
            shown.allow, shown.reason) == (
        "pc.jones", "police reviewer", "police", "police-1", "summary", action, allow,
        "the name of a youth programme")


def test_record_span_decision_stores_nothing_without_its_audit_record(tmp_path, monkeypatch):
    import pipeline.review_desk as desk
    from pipeline.audit import AuditError
    from pipeline.redact import load_redaction_review

    entry = _unsure_state(tmp_path)

    def refuse(*args, **kwargs):
        raise AuditError("the audit store is read-only")

    monkeypatch.setattr(desk, "record_redaction_decision", refuse)
    with pytest.raises(AuditError):
        desk.record_span_decision(
            meeting_id="jag-2026-12", span_id=entry.span_id, action="restore",
            reason="the name of a youth programme", by="chair", user="coord",
            state_dir=tmp_path, audit=_audit(tmp_path))
    assert load_redaction_review(tmp_path, "jag-2026-12").decisions == {}


def test_record_span_decision_refuses_before_recording(tmp_path):
    from pipeline.audit import AuditStore
    from pipeline.errors import ConfigError
    from pipeline.review_desk import record_span_decision

    entry = _unsure_state(tmp_path)
    audit = _audit(tmp_path)
    for kwargs, error in (({"reason": "ok"}, ReviewError),
                          ({"reason": "a neighbour's name", "action": "confirm",
                            "allow": True}, ConfigError),
                          ({"reason": "a neighbour's name", "span_id": "0" * 16},
                           ConfigError)):
        args = {"meeting_id": "jag-2026-12", "span_id": entry.span_id, "action": "restore",
                "by": "chair", "user": "coord", "state_dir": tmp_path, "audit": audit,
                **kwargs}
        with pytest.raises(error):
            record_span_decision(**args)
    with AuditStore.from_settings(audit) as store:
        assert store.of_kind("redaction_decision", "jag-2026-12") == []
