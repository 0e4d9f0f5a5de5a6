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
