"""The policy's decisions kept per family in the work cache (issue 15): a re-run takes a
family's decisions from the cache only while its items and the reviews recorded on them
are unchanged, and what it takes is what deciding again would give."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flows.batches import cached_decisions
from pipeline.cache import WorkCache
from pipeline.ingest import collect, discover, read_and_validate
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting
from pipeline.policy import ReviewDecision, decide_items, load_policy
from tests.conftest import TODAY


def test_decisions_come_from_the_cache_only_while_items_and_reviews_are_unchanged(
        tmp_path: Path) -> None:
    meeting, policy = load_meeting(SAMPLE_MEETING), load_policy()
    items = collect([read_and_validate(f, meeting, TODAY) for f in discover(SAMPLE_INBOX)]).items
    families = {i.family_ref for i in items}
    assert len(families) >= 3
    fresh = decide_items(items, meeting, policy, {})

    first = WorkCache(tmp_path, "v1")
    assert cached_decisions(first, items, meeting, policy, {}) == fresh
    assert first.counts()["decide"] == {"hits": 0, "misses": len(families)}
    again = WorkCache(tmp_path, "v1")
    assert cached_decisions(again, items, meeting, policy, {}) == fresh
    assert again.counts()["decide"] == {"hits": len(families), "misses": 0}

    # a review recorded on one item: its family is decided again, with the review applied
    waiting = next(d for d in fresh if d.disposition == "review")
    item = next(i for i in items if i.item_id == waiting.item_id)
    review = ReviewDecision(item_id=item.item_id, content_hash=item.content_hash,
                            disposition="withheld", reason="Not needed for this meeting.",
                            by="chair", at=datetime(2026, 12, 1, 9, tzinfo=UTC))
    reviewed = WorkCache(tmp_path, "v1")
    got = cached_decisions(reviewed, items, meeting, policy, {item.item_id: review})
    assert got == decide_items(items, meeting, policy, {item.item_id: review})
    assert next(d for d in got if d.item_id == item.item_id).disposition == "withheld"
    assert reviewed.counts()["decide"] == {"hits": len(families) - 1, "misses": 1}

    # an item's content changed: only its family is decided again
    changed = [i.model_copy(update={"content_hash": "0" * 64}) if i.item_id == item.item_id
               else i for i in items]
    later = WorkCache(tmp_path, "v1")
    assert cached_decisions(later, changed, meeting, policy, {}) == fresh
    assert later.counts()["decide"] == {"hits": len(families) - 1, "misses": 1}

    # another code or rules version (the cache's version) shares nothing
    other = WorkCache(tmp_path, "v2")
    assert cached_decisions(other, items, meeting, policy, {}) == fresh
    assert other.counts()["decide"] == {"hits": 0, "misses": len(families)}
