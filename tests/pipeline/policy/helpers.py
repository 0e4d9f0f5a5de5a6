"""Builders for policy, review and receipt tests: a valid Item and a meeting with defaults.

The default item is confidential domestic abuse information about an adult victim in a
MARAC, shared with explicit consent that covers the meeting: it is shared. Each test
changes only the fields its rule looks at.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from pipeline.meeting import MeetingConfig
from pipeline.models import Item, Provenance, content_hash
from pipeline.policy import PolicyRules, load_policy

MEETING_DATE = date(2026, 11, 20)
AGENCIES = ("police", "health", "csc", "housing", "education", "probation", "idva")

#: F1 has children; F2 is adults only; F3 has no dates of birth.
FAMILIES: list[dict[str, Any]] = [
    {
        "ref": "F1",
        "members": [
            {"name": "Jo Smith", "dob": "1992-04-01", "role": "victim", "aliases": ["Jo Brown"]},
            {"name": "Alex Smith", "dob": "1990-01-01", "role": "person_of_concern"},
            {"name": "Sam Smith", "dob": "2016-06-15", "role": "child"},
            {"name": "Kim Smith", "dob": "2010-12-01", "role": "child"},
        ],
    },
    {
        "ref": "F2",
        "members": [
            {"name": "Pat Jones", "dob": "1980-03-03", "role": "household_member",
             "aliases": ["Patricia Jones"]},
            {"name": "Lee Jones", "dob": "1979-07-07", "role": "partner"},
        ],
    },
    {"ref": "F3", "members": [{"name": "Chris Doe", "role": "household_member"}]},
]


@cache
def rules() -> PolicyRules:
    """The project's policy.yaml, loaded once."""
    return load_policy()


def make_meeting(type: str = "marac", **meeting: Any) -> MeetingConfig:
    """A valid meeting config (defaults: MARAC on MEETING_DATE, 24 months look-back)."""
    m = {
        "id": f"{type.upper()}-2026-11",
        "type": type,
        "date": MEETING_DATE,
        "purpose": "Plan safety for families at high risk of harm.",
        "lookback_months": 24,
        **meeting,
    }
    return MeetingConfig.model_validate(
        {"meeting": m, "agencies": list(AGENCIES), "families": FAMILIES}
    )


_counter = 0


def make_item(**overrides: Any) -> Item:
    """A valid Item; any field can be overridden. content_hash follows the content."""
    global _counter
    _counter += 1
    values: dict[str, Any] = {
        "agency": "police",
        "family_ref": "F1",
        "item_ref": None,
        "subject_name": "Jo Smith",
        "subject_dob": None,
        "subject_role": "victim",
        "category": "domestic_abuse",
        "recorded_on": date(2026, 10, 1),
        "event_date": None,
        "status": "current",
        "agency_decision": "share",
        "summary": "Police attended a report of a domestic incident at the home.",
        "fact_or_opinion": "fact",
        "opinion_of": None,
        "source": "agency_record",
        "source_at_risk": False,
        "confidential": "yes",
        "consent": "explicit",
        "consent_given_by": "subject",
        "consent_scope": ("marac", "mash", "jag"),
        "lawful_basis": "public_task",
        "special_condition": None,
        "legal_power": None,
        "legal_duty": "none",
        "risk": "serious_harm_adult",
        "rationale": "Recent incident is directly relevant to the victim's safety plan.",
        "decided_by": "DS, public protection unit",
        "subject_informed": "yes",
        "restricted_to": (),
    }
    values.update(overrides)
    item_id = values.pop("item_id", f"{values['agency']}-{_counter:06d}")
    digest = values.pop("content_hash", None) or content_hash(values)
    provenance = values.pop(
        "provenance",
        Provenance(
            file=f"{values['agency']}/{values['agency']}_2026-11.xlsx",
            sheet="Items",
            row=_counter + 1,
            sha256="0" * 64,
            received_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
            agency_folder=values["agency"],
        ),
    )
    return Item(item_id=item_id, content_hash=digest, provenance=provenance, **values)
