"""Recipient views: each agency's copy of a family bundle, cut to what it needs to know.

An item reaches an agency only if the policy's decision allows that agency and the
need-to-know table lets the agency's kind receive the item's category, or the agency
manages the risk the item shows; a decision that names the agency (restricted_to, legal
duty) overrides the table (NeedToKnow.receives).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipeline.merge.bundle import FamilyBundle, FamilyMerge
from pipeline.merge.not_shared import Outcomes
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
    return _view(FamilyMerge(run, family_ref), agency, need_to_know)


def _view(merge: FamilyMerge, agency: str, need_to_know: NeedToKnow) -> FamilyBundle:
    return merge.bundle(recipient=agency, recipient_kind=need_to_know.kind_of(agency),
                        visible=_visible(merge.run, agency, need_to_know))


@dataclass(frozen=True)
class FamilyViews:
    """A family's chair's bundle and every agency's view, built from one merge."""

    chair: FamilyBundle
    #: in the meeting config's agency order
    recipients: tuple[FamilyBundle, ...]

    def received(self) -> dict[str, tuple[str, ...]]:
        """item_id -> who received it: "chair" then agency codes (sorted)."""
        out = {i.item_id: [CHAIR] for i in self.chair.items}
        for view in sorted(self.recipients, key=lambda v: v.recipient or ""):
            for i in view.items:
                out[i.item_id].append(view.recipient or "")
        return {item_id: tuple(who) for item_id, who in out.items()}


def family_views(run: MeetingRun, family_ref: str, need_to_know: NeedToKnow,
                 outcomes: Outcomes | None = None) -> FamilyViews:
    """The chair's bundle and each agency's view of one family, sharing the merge work
    (`outcomes`: as for `build_bundle`)."""
    merge = FamilyMerge(run, family_ref, outcomes)
    return FamilyViews(chair=merge.bundle(),
                       recipients=tuple(_view(merge, agency, need_to_know)
                                        for agency in run.meeting.agencies))


def recipients_by_item(run: MeetingRun, need_to_know: NeedToKnow) -> dict[str, tuple[str, ...]]:
    """item_id -> who received it in this run's outputs: "chair" then agency codes (sorted).

    Uses the same selection as the bundles and recipient views, so the audit records
    exactly what was written. Items in no bundle (not shared, or text not redacted) are
    absent.
    """
    received: dict[str, tuple[str, ...]] = {}
    for family in run.meeting.families:
        received.update(family_views(run, family.ref, need_to_know).received())
    return dict(sorted(received.items()))
