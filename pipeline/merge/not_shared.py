"""What the chair is told about items not shared with the meeting: that they exist, never
what they say.

For each item of a family that was withheld or is awaiting review, the chair's bundle shows
the agency, the category, the date and the reasons that decided it (golden rule 7: the
decision not to share is recorded too; 003_e63cd6015283d4be.txt 3.51). Never its summary,
rationale, subject or any other free text: the chair learns that Health holds something
withheld about the family, not what it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pipeline.run import MeetingRun

#: reason code -> outcome (shared, withheld, review, info, reminder), from policy.yaml
Outcomes = Mapping[str, str]


@dataclass(frozen=True)
class NotSharedItem:
    agency: str
    category: str
    when: date  # event date, else the date recorded
    disposition: str  # "withheld" or "review"
    #: the reason codes that decided the disposition (every code when outcomes are unknown)
    reasons: tuple[str, ...]


def deciding_reasons(reasons: tuple[str, ...], disposition: str,
                     outcomes: Outcomes | None) -> tuple[str, ...]:
    """The codes whose outcome is the disposition: why it was withheld or is waiting.

    A withheld item may also carry NOT_CONFIDENTIAL (which alone would have shared it);
    showing that beside "withheld" would read as a contradiction, so it is left out.
    """
    if not outcomes:
        return reasons
    deciding = tuple(c for c in reasons if outcomes.get(c) == disposition)
    return deciding or reasons


def not_shared(run: MeetingRun, family_ref: str,
               outcomes: Outcomes | None = None) -> tuple[NotSharedItem, ...]:
    """Withheld and awaiting-review items of a family, by date then agency (no content)."""
    out = []
    for item in run.items_of_family(family_ref):
        disposition = run.disposition(item)
        if disposition == "shared":
            continue
        decision = run.decisions.get(item.item_id)
        codes = decision.reasons if decision is not None else ()
        if decision is not None and decision.disposition != disposition:
            # shared by the policy, but its text could not be redacted: held for a person
            codes = ("REDACTION_FAILED",)
        out.append(NotSharedItem(
            agency=item.agency,
            category=item.category,
            when=item.when,
            disposition=disposition,
            reasons=deciding_reasons(codes, disposition, outcomes),
        ))
    return tuple(sorted(out, key=lambda n: (n.when, n.agency, n.disposition, n.category)))
