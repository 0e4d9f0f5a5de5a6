"""Property: the public interest decides the same whatever is wrong with the consent.

003 3.38: "where consent cannot be obtained or is refused, or where seeking it is
inappropriate or unsafe ... the question of whether there is a sufficient public interest
must be judged by the practitioner on the facts of each case." Whether consent is missing,
refused, given by someone who cannot give it, or given for another purpose, the item is
decided on its facts (risk, category, age, history, rationale, sources, recipients): the
disposition, the deciding codes and the recipients are identical; only the notes (info
codes, reminders, the bundle note when a child's refusal is overridden) may differ.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.models import VOCABULARIES
from pipeline.policy import decide_items, subject_age
from tests.pipeline.policy.helpers import make_item, make_meeting, rules

#: (family, name, role) from helpers.FAMILIES: adults, children of 10 and 15, an unknown age
SUBJECTS = (
    ("F1", "Jo Smith", "victim"),
    ("F1", "Alex Smith", "person_of_concern"),
    ("F1", "Sam Smith", "child"),
    ("F1", "Kim Smith", "child"),
    ("F2", "Pat Jones", "household_member"),
    ("F3", "Chris Doe", "household_member"),
)
RATIONALES = ("n/a", "Children in the household witnessed the assault last week.")
SUMMARIES = (
    "Police attended a report of a domestic incident at the home.",
    "The family are Muslim and attend the mosque on Fridays.",
)

facts = st.fixed_dictionaries(
    {
        "subject": st.sampled_from(SUBJECTS),
        "subject_dob": st.none() | st.dates(date(1960, 1, 1), date(2026, 11, 1)),
        "category": st.sampled_from(VOCABULARIES["category"]),
        "risk": st.sampled_from(VOCABULARIES["risk"]),
        "confidential": st.sampled_from(("yes", "unsure")),
        "recorded_on": st.sampled_from((date(2015, 3, 1), date(2026, 10, 1))),
        "legal_power": st.sampled_from((None, "s115 Crime and Disorder Act 1998")),
        "special_condition": st.sampled_from((None, "DPA 2018 Sch 1 para 18")),
        "rationale": st.sampled_from(RATIONALES),
        "summary": st.sampled_from(SUMMARIES),
        "source_at_risk": st.booleans(),
        "restricted_to": st.sampled_from(((), ("police", "csc"), ("court",))),
        "subject_informed": st.sampled_from(("yes", "not_yet", None)),
        "agency_decision": st.sampled_from(("share", "not_share")),
    }
)


def _variants(age: int | None, child: bool) -> dict[str, dict[str, Any]]:
    """The same item's consent recorded as missing, refused, invalid and out of scope."""
    # out of scope: consent from someone who could give it, but for early help only
    if not child:
        able: dict[str, Any] = {"consent_given_by": "subject"}
    elif age is not None and age >= rules().ages.presumed_capacity:
        able = {"consent_given_by": "parent", "subject_view": "agrees"}
    else:
        able = {"consent_given_by": "parent"}
    return {
        "missing": {"consent": "not_sought_delay", "consent_given_by": None,
                    "consent_scope": ()},
        "uncontactable": {"consent": "not_sought_uncontactable", "consent_given_by": None,
                          "consent_scope": ()},
        "refused": {"consent": "refused", "consent_given_by": "subject", "consent_scope": ()},
        "withdrawn": {"consent": "withdrawn", "consent_given_by": "subject",
                      "consent_scope": ()},
        "invalid_giver": {"consent": "explicit", "consent_given_by": "other",
                          "consent_scope": ("mash", "marac", "jag")},
        "giver_not_recorded": {"consent": "implied", "consent_given_by": None,
                               "consent_scope": ("mash", "marac", "jag")},
        "out_of_scope": {"consent": "explicit", **able, "consent_scope": ("early_help",)},
        "scope_not_recorded": {"consent": "implied", **able, "consent_scope": ()},
    }


def _decisive(codes: tuple[str, ...]) -> tuple[str, ...]:
    rc = rules().reason_codes
    return tuple(c for c in codes if rc[c].outcome in ("shared", "withheld", "review"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mtype=st.sampled_from(("jag", "mash", "marac")), f=facts)
def test_public_interest_outcome_is_the_same_for_any_consent_problem(mtype, f):
    family_ref, name, role = f.pop("subject")
    base = {**f, "family_ref": family_ref, "subject_name": name, "subject_role": role}
    meeting = make_meeting(mtype)
    probe = make_item(**base)
    age = subject_age(probe, meeting)
    child = (age < rules().ages.adult) if age is not None else role == "child"
    decisions = {
        label: decide_items([make_item(item_id=f"i-{label}", **base, **consent)], meeting,
                            rules())[0]
        for label, consent in _variants(age, child).items()
    }
    first_label, first = next(iter(decisions.items()))
    for label, d in decisions.items():
        where = f"{label} vs {first_label}"
        assert d.disposition == first.disposition, (where, d.reasons, first.reasons)
        assert _decisive(d.reasons) == _decisive(first.reasons), (where, d.reasons,
                                                                   first.reasons)
        assert d.recipients == first.recipients, where
        assert d.agenda_reminders == first.agenda_reminders, where
        assert d.historic == first.historic, where
    # and never a consent code as the basis: none of these consents is valid
    for d in decisions.values():
        assert "CONSENT_EXPLICIT" not in d.reasons and "CONSENT_IMPLIED" not in d.reasons
