"""A human review decision is applied by the next run, recorded in the ledger, and lapses
when the agency changes the row (it is tied to the item's content hash)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.ingest import collect, discover, read_and_validate
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting
from pipeline.merge import build_ledger
from pipeline.models import content_hash
from pipeline.policy import (
    ReviewDecision,
    decide_items,
    load_policy,
    load_reviews,
    record_review,
    review_store_path,
)
from pipeline.run import MeetingRun
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def sample():
    meeting = load_meeting(SAMPLE_MEETING)
    inputs = collect([read_and_validate(f, meeting, TODAY) for f in discover(SAMPLE_INBOX)])
    return meeting, inputs, load_policy()


def _ledger(meeting, inputs, decisions):
    run = MeetingRun(run_id="t", started_at=datetime(2026, 11, 23, tzinfo=UTC),
                     meeting=meeting, meeting_config_path="m", inbox="i", items=inputs.items,
                     rejections=inputs.rejections, decisions={d.item_id: d for d in decisions})
    return {r.item_id: r for r in build_ledger(run)}


def test_review_decision_applies_next_run_and_lapses_on_change(sample, tmp_path):
    meeting, inputs, policy = sample
    first = decide_items(inputs.items, meeting, policy)
    queue = [(i, d) for i, d in zip(inputs.items, first, strict=True)
             if d.disposition == "review"]
    assert queue, "the sample meeting has items awaiting review"
    item, _ = queue[0]
    store = review_store_path(tmp_path, meeting.meeting.id)
    record_review(store, ReviewDecision(
        item_id=item.item_id, content_hash=item.content_hash, disposition="withheld",
        reason="Source could be identified from the detail; agency to resubmit a summary.",
        by="MASH team manager", at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC)))

    second = decide_items(inputs.items, meeting, policy, load_reviews(store))
    d = next(x for x in second if x.item_id == item.item_id)
    assert d.disposition == "withheld"
    assert "REVIEW_DECISION_WITHHOLD" in d.reasons
    assert d.reviewed_by == "MASH team manager"
    line = _ledger(meeting, inputs, second)[item.item_id]
    assert line.disposition == "withheld"
    assert line.reviewed_by == "MASH team manager"
    assert line.reviewed_at.startswith("2026-11-24T10:00")
    assert "resubmit" in line.review_reason
    # other items are untouched
    assert [x for x in second if x.item_id != item.item_id] == [
        x for x in first if x.item_id != item.item_id]

    # the agency changes the row: the decision no longer applies
    values = item.model_dump(exclude={"item_id", "content_hash", "provenance"})
    values["summary"] = (item.summary or "") + " Updated after review."
    changed = item.model_copy(update={"summary": values["summary"],
                                      "content_hash": content_hash(values)})
    items = [changed if i.item_id == item.item_id else i for i in inputs.items]
    third = decide_items(items, meeting, policy, load_reviews(store))
    d3 = next(x for x in third if x.item_id == item.item_id)
    assert d3.disposition == "review"
    assert d3.reviewed_by is None
