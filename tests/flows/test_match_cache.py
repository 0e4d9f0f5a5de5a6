"""Who each item is about, kept per family in the work cache (issue 15): a re-run takes a
family's matches from the cache only while its items are unchanged, and what it takes is
what matching again would give."""

from __future__ import annotations

from pathlib import Path

from flows.batches import cached_matches
from pipeline.cache import WorkCache
from pipeline.identity import load_matcher, match_items
from pipeline.ingest import collect, discover, read_and_validate
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting
from tests.conftest import TODAY


def test_matches_come_from_the_cache_only_while_a_familys_items_are_unchanged(
        tmp_path: Path) -> None:
    meeting, matcher = load_meeting(SAMPLE_MEETING), load_matcher()
    items = collect([read_and_validate(f, meeting, TODAY) for f in discover(SAMPLE_INBOX)]).items
    families = {i.family_ref for i in items}
    assert len(families) >= 3
    fresh = match_items(items, meeting, matcher)
    assert {m.outcome for m in fresh.values()} >= {"matched"}

    first = WorkCache(tmp_path, "v1")
    assert cached_matches(first, items, meeting, matcher) == fresh
    assert first.counts()["match"] == {"hits": 0, "misses": len(families)}
    again = WorkCache(tmp_path, "v1")
    assert cached_matches(again, items, meeting, matcher) == fresh
    assert again.counts()["match"] == {"hits": len(families), "misses": 0}

    # one item's subject renamed: only its family is matched again, and its item's match
    # is the matcher's answer for the new name, not the cached one
    item = next(i for i in items if fresh[i.item_id].outcome == "matched")
    renamed = item.model_copy(update={"subject_name": "Quentin Nobody-Known",
                                      "content_hash": "0" * 64})
    changed = [renamed if i.item_id == item.item_id else i for i in items]
    later = WorkCache(tmp_path, "v1")
    got = cached_matches(later, changed, meeting, matcher)
    assert got == match_items(changed, meeting, matcher)
    assert got[item.item_id].outcome != "matched"
    assert later.counts()["match"] == {"hits": len(families) - 1, "misses": 1}

    # another code, rules or roster version (the cache's version) shares nothing
    other = WorkCache(tmp_path, "v2")
    assert cached_matches(other, items, meeting, matcher) == fresh
    assert other.counts()["match"] == {"hits": 0, "misses": len(families)}

    # without a cache: the matcher itself
    assert cached_matches(None, items, meeting, matcher) == fresh
