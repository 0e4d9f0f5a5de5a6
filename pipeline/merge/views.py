"""Recipient views: each agency's copy of a family bundle, cut to what it needs to know.

An item reaches an agency only if the policy's decision allows that agency and the
need-to-know table lets the agency's kind receive the item's category, or the agency
manages the risk the item shows; a decision that names the agency (restricted_to, legal
duty) overrides the table (NeedToKnow.receives).
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.merge.bundle import FamilyBundle, build_bundle, shared_items
from pipeline.models import Decision, Item
from pipeline.policy import NeedToKnow
from pipeline.run import MeetingRun

#: The audience code of the full bundles/ (the chair's), as recorded in the audit.
CHAIR = "chair"


def _visible(
    run: MeetingRun, agency: str, need_to_know: NeedToKnow
) -> Callable[[Item, Decision], bool]:
    meeting_type = run.meeting.meeting.type

    def visible(item: Item, decision: Decision) -> bool:
        return need_to_know.receives(meeting_type, agency, item, decision, run.meeting)

    return visible


def recipient_bundle(
    run: MeetingRun, family_ref: str, agency: str, need_to_know: NeedToKnow
) -> FamilyBundle:
    """The bundle of one family as `agency` receives it."""
    return build_bundle(
        run,
        family_ref,
        recipient=agency,
        recipient_kind=need_to_know.kind_of(agency),
        visible=_visible(run, agency, need_to_know),
    )


def recipients_by_item(run: MeetingRun, need_to_know: NeedToKnow) -> dict[str, tuple[str, ...]]:
    """item_id -> who received it in this run's outputs: "chair" then agency codes (sorted).

    Uses the same selection as the bundles and recipient views, so the audit records
    exactly what was written. Items in no bundle (not shared, or text not redacted) are
    absent.
    """
    received: dict[str, list[str]] = {}
    for family in run.meeting.families:
        for item in shared_items(run, family.ref):
            received[item.item_id] = [CHAIR]
        for agency in sorted(run.meeting.agencies):
            for item in shared_items(run, family.ref, _visible(run, agency, need_to_know)):
                received[item.item_id].append(agency)
    return {item_id: tuple(who) for item_id, who in sorted(received.items())}
