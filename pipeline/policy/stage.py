"""The policy stage: decide every item, with the human review decisions on record applied."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.meeting import MeetingConfig
from pipeline.models import Decision, Item
from pipeline.policy.engine import decide_items
from pipeline.policy.review import load_reviews, review_store_path
from pipeline.policy.rules import PolicyRules


def decide(items: Sequence[Item], meeting: MeetingConfig, policy: PolicyRules,
           state_dir: Path) -> list[Decision]:
    """The policy's decision for every item, with recorded human review decisions applied."""
    reviews = load_reviews(review_store_path(state_dir, meeting.meeting.id))
    return decide_items(items, meeting, policy, reviews)
