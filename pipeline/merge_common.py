"""What the bundle (pipeline/merge.py) and agenda (pipeline/agenda.py) models share: the
protective marking, risk ranking, persons of concern and dispositions as outputs see them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.models import RISK_ORDER, Item, PersonOfConcern
from pipeline.run import MeetingRun

MARKING = "Protective marking: OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class PersonView:
    pseudonym: str
    agencies: tuple[str, ...]


def risk_rank(risk: str | None) -> int:
    """Position in RISK_ORDER (0 = most serious); unknown or None sorts last."""
    return RISK_ORDER.index(risk) if risk in RISK_ORDER else len(RISK_ORDER)


def highest_risk(risks: Iterable[str]) -> str | None:
    ranked = sorted(set(risks), key=risk_rank)
    return ranked[0] if ranked else None


def effective_disposition(run: MeetingRun, item: Item) -> str:
    """The item's disposition as outputs see it.

    A shared item whose redacted summary is missing (redaction failed) is routed to review
    by the flow (REDACTION_FAILED), so it counts as awaiting review, never as shared.
    """
    decision = run.decisions.get(item.item_id)
    if decision is None:
        return "review"
    if decision.disposition == "shared" and run.redacted(item.item_id, "summary") is None:
        return "review"
    return decision.disposition


def person_views(
    pocs: Iterable[PersonOfConcern], item_ids: set[str] | None
) -> tuple[PersonView, ...]:
    views = [
        PersonView(p.pseudonym, tuple(sorted(set(p.agencies))))
        for p in pocs
        if item_ids is None or item_ids.intersection(p.item_ids)
    ]
    return tuple(sorted(views, key=lambda v: v.pseudonym))
