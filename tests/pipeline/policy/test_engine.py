"""The policy engine, rule by rule, table-driven; each row cites the guidance it comes from.

Seeds: 003 = 003_e63cd6015283d4be.txt (protocol: golden rules 2.9, key questions 3.3-3.52),
004 = 004_2b5b80d686f72053.txt (2018 golden rules), 001 = 001_a4141e39c5e050ec.txt (ten
case examples), 000 = 000_eb978277be808925.txt (Ruby, Bev, Paula).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import ConfigError
from pipeline.models import VOCABULARIES, Purpose
from pipeline.policy import (
    ReviewDecision,
    decide_items,
    explain,
    is_boilerplate,
    load_policy,
    subject_age,
)
from pipeline.policy.docs import generated_sections, update_doc
from pipeline.policy.rules import ENGINE_CODES, POLICY_PATH
from tests.pipeline.policy.helpers import make_item, make_meeting, rules

ROOT = Path(__file__).resolve().parents[3]

# Subjects from helpers.FAMILIES (ages at the meeting, 2026-11-20).
JO = {"subject_name": "Jo Smith", "subject_role": "victim"}  # 34, family F1 has children
ALEX = {"subject_name": "Alex Smith", "subject_role": "person_of_concern"}  # 36, F1
SAM = {"subject_name": "Sam Smith", "subject_role": "child"}  # 10
KIM = {"subject_name": "Kim Smith", "subject_role": "child"}  # 15
PAT = {"family_ref": "F2", "subject_name": "Pat Jones", "subject_role": "household_member"}  # 46
CHRIS = {"family_ref": "F3", "subject_name": "Chris Doe", "subject_role": "household_member"}
REFUSED: dict[str, Any] = {"consent": "refused", "consent_given_by": "subject", "consent_scope": ()}


def decide(meeting_type: str = "marac", **overrides: Any):
    return decide_items([make_item(**overrides)], make_meeting(meeting_type), rules())[0]


def case(mtype: str, overrides: dict[str, Any], disposition: str, code: str, id: str):
    return pytest.param(mtype, overrides, disposition, code, id=id)


def check(mtype: str, overrides: dict[str, Any], disposition: str, code: str) -> None:
    d = decide(mtype, **overrides)
    assert d.disposition == disposition, d.reasons
    assert code in d.reasons, d.reasons
    for c in d.reasons:
        assert c in rules().reason_codes


# --- rule 1: purpose and relevance (Q1, golden rule 6) ------------------------------------

RULE_1 = [
    # 001 case 5: a JAG deals with anti-social and criminal behaviour (s115 CDA 1998).
    case("jag", {"category": "asb", "risk": "crime_disorder"}, "shared", "CONSENT_EXPLICIT",
         id="jag-asb-in-profile-001-case5"),
    case("jag", {"category": "sexual_health", "risk": "welfare_concern"}, "withheld",
         "NOT_NECESSARY_FOR_PURPOSE", id="jag-sexual-health-not-necessary-golden-rule-6"),
    case("jag", {"category": "finance", "risk": "none_identified"}, "withheld",
         "NOT_NECESSARY_FOR_PURPOSE", id="jag-finance-not-necessary-003-3.3"),
    # Outside the profile but a serious risk: considered (003 3.42-3.43).
    case("jag", {"category": "health", "risk": "significant_harm_child"}, "shared",
         "OUTSIDE_PURPOSE_SERIOUS_RISK", id="jag-health-serious-risk-003-3.43"),
    # 000 examples 1 and 3: MASH needs the full picture about the child.
    case("mash", {"category": "health", "risk": "welfare_concern"}, "shared",
         "CONSENT_EXPLICIT", id="mash-health-in-profile-000-ex3"),
    case("mash", {"category": "other", "risk": "welfare_concern"}, "review",
         "NECESSITY_CHECK", id="mash-other-checked-003-3.49"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_1)
def test_rule_1_purpose(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


# --- rule 2: the agency's own decision (golden rule 7) -------------------------------------

RULE_2 = [
    case("marac", {"agency_decision": "not_share"}, "withheld", "AGENCY_NOT_SHARE",
         id="not-share-with-consent-003-3.1"),
    case("marac", {"agency_decision": "not_share", "risk": "significant_harm_child", **REFUSED},
         "withheld", "AGENCY_NOT_SHARE", id="not-share-beats-public-interest"),
    # 003 3.1: judgement decides "unless there is a statutory duty or a court order to
    # share"; 3.8: "you must share": a person decides, the duty is not silently dropped.
    case("marac", {"agency_decision": "not_share", "legal_duty": "statutory_duty",
                   "restricted_to": ("csc",)},
         "review", "LEGAL_DUTY_AGENCY_NOT_SHARE", id="not-share-with-legal-duty-003-3.8"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_2)
def test_rule_2_agency_decision(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


def test_rule_2_not_share_without_rationale_reminds_agency():
    # golden rule 7: "record your decision ... whether it is to share information or not"
    d = decide(agency_decision="not_share", rationale="n/a")
    assert d.disposition == "withheld"
    assert d.agency_reminders == ("RECORD_NOT_SHARE_RATIONALE",)
    assert d.recipients == ()


# --- rule 3: confidentiality (Q3) ------------------------------------------------------------

RULE_3 = [
    # 001 case 4: "Some of the information the schools have is confidential. Some of it isn't."
    case("jag", {"confidential": "no", "consent": "not_sought_delay", "category": "education",
                 "risk": "crime_disorder"},
         "shared", "NOT_CONFIDENTIAL", id="not-confidential-001-case4"),
    case("marac", {"confidential": "unsure", "risk": "welfare_concern", **REFUSED},
         "review", "CONFIDENTIALITY_UNSURE", id="unsure-003-3.13"),
    case("marac", {"confidential": "unsure"}, "shared", "CONSENT_EXPLICIT",
         id="unsure-but-consent-003-3.14"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_3)
def test_rule_3_confidentiality(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


# --- rule 4: consent (Q4) ---------------------------------------------------------------------

RULE_4 = [
    # 001 case 9: the Browns give written consent to share within the family support service.
    case("marac", {}, "shared", "CONSENT_EXPLICIT", id="explicit-001-case9"),
    # 003 3.19: implied consent where sharing is intrinsic to the service.
    case("marac", {"consent": "implied"}, "shared", "CONSENT_IMPLIED", id="implied-003-3.19"),
    # 001 case 2: Cathy's consent for the nursery did not cover the health visitor. Without
    # consent for this purpose the public interest decides (003 3.38): serious harm, shared.
    case("marac", {"consent_scope": ("early_help",)}, "shared", "CONSENT_SCOPE_NOT_COVERED",
         id="other-purpose-001-case2"),
    case("marac", {"consent_scope": ("early_help",), "risk": "welfare_concern"}, "review",
         "PI_JUDGEMENT_NEEDED", id="other-purpose-welfare-003-3.41"),
    case("marac", {"consent_scope": ()}, "shared", "PI_SERIOUS_HARM_ADULT",
         id="scope-not-recorded-003-3.18"),
    # 003 3.21: consent can be withdrawn; withdrawn counts as refused.
    case("marac", {"consent": "withdrawn", "risk": "none_identified"}, "withheld", "PI_NO_RISK",
         id="withdrawn-is-refused-003-3.21"),
    # 003 3.30: an adult's own consent is needed; a parent cannot give it. No valid consent,
    # so the public interest decides (3.38): serious harm to an adult is shared.
    case("marac", {"consent_given_by": "parent"}, "shared", "CONSENT_GIVER_UNCLEAR",
         id="parent-for-adult-003-3.30"),
    case("marac", {"consent_given_by": None, "risk": "welfare_concern"}, "review",
         "CONSENT_GIVER_UNCLEAR", id="giver-not-recorded-003-3.22"),
    case("marac", {"consent_given_by": "other", "risk": "none_identified"}, "withheld",
         "CONSENT_GIVER_UNCLEAR", id="giver-other-003-3.22"),
    # 001 case 10: Sarah consents for her son Ryan; 003 3.26-3.27.
    case("mash", {**SAM, "consent_given_by": "parent", "category": "education",
                  "risk": "welfare_concern"},
         "shared", "CONSENT_EXPLICIT", id="parent-for-child-001-case10"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_4)
def test_rule_4_consent(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


# --- rule 5: public interest (Q5) -------------------------------------------------------------

RULE_5 = [
    # 001 case 6: Helen's mother refuses; the consultant shares with CSC (significant harm).
    case("mash", {**SAM, **REFUSED, "consent_given_by": "parent", "category": "health",
                  "risk": "significant_harm_child"},
         "shared", "PI_SIGNIFICANT_HARM", id="refused-significant-harm-001-case6"),
    # 003 3.43: serious harm to an adult.
    case("marac", {**REFUSED}, "shared", "PI_SERIOUS_HARM_ADULT", id="refused-serious-harm-3.43"),
    case("marac", {**ALEX, "consent": "not_sought_crime", "category": "offending",
                   "risk": "serious_crime", "legal_power": "s115 Crime and Disorder Act 1998"},
         "shared", "PI_SERIOUS_CRIME", id="serious-crime-003-3.43"),
    # 003 4.2: lacks capacity and at risk of serious harm.
    case("marac", {"consent": "lacks_capacity", "consent_given_by": None},
         "shared", "PI_SERIOUS_HARM_ADULT", id="lacks-capacity-serious-harm-003-4.2"),
    # 003 3.39, 3.41-3.42: crime and disorder, welfare or unknown need a person's judgement.
    case("jag", {**REFUSED, "category": "asb", "risk": "crime_disorder"}, "review",
         "PI_JUDGEMENT_NEEDED", id="crime-disorder-003-3.39"),
    case("marac", {**REFUSED, "risk": "welfare_concern"}, "review", "PI_JUDGEMENT_NEEDED",
         id="welfare-003-3.41"),
    case("marac", {**REFUSED, "risk": "unknown"}, "review", "PI_JUDGEMENT_NEEDED",
         id="unknown-risk-003-3.42"),
    # 001 case 3: mother's mental health, refused, little benefit to the children: withheld.
    case("mash", {**REFUSED, "category": "mental_health", "risk": "none_identified"},
         "withheld", "PI_NO_RISK", id="no-risk-001-case3"),
    case("marac", {"consent": "not_required", "risk": "none_identified"}, "withheld",
         "PI_NO_RISK", id="not-required-needs-a-basis"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_5)
def test_rule_5_public_interest(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


# --- rule 6: adults at risk only to themselves (003 3.44) --------------------------------------

SELF = {**REFUSED, "risk": "risk_to_self_only", "category": "substance_misuse"}

RULE_6 = [
    case("marac", {**PAT, **SELF}, "withheld", "ADULT_SELF_RISK_ONLY", id="adult-003-3.44"),
    case("marac", {**PAT, **SELF, "subject_name": "Patricia Jones"}, "withheld",
         "ADULT_SELF_RISK_ONLY", id="adult-by-alias-003-3.44"),
    case("marac", {**SELF, "family_ref": "F2", "subject_name": "Unknown Person",
                   "subject_dob": date(1970, 1, 1)},
         "withheld", "ADULT_SELF_RISK_ONLY", id="adult-by-item-dob-003-3.44"),
    case("marac", {**CHRIS, **SELF}, "review", "SELF_RISK_AGE_UNKNOWN", id="age-unknown-3.30"),
    case("marac", {**PAT, **SELF, "subject_dob": date(2009, 6, 1)}, "review",
         "SELF_RISK_UNDER_18", id="aged-17-003-3.30"),
    case("marac", {**KIM, **SELF}, "review", "SELF_RISK_UNDER_18", id="aged-15-003-4.9c"),
    case("marac", {**PAT, **SELF, "consent": "lacks_capacity"}, "review",
         "SELF_RISK_NO_CAPACITY", id="lacks-capacity-003-3.33"),
    # 003 2.4 and 001 case 10 (parental drug use affects the child): a child is affected.
    case("marac", {**JO, **SELF}, "review", "SELF_RISK_CHILD_AFFECTED",
         id="family-with-children-001-case10"),
    case("marac", {**PAT, **SELF, "subject_role": "parent"}, "review",
         "SELF_RISK_CHILD_AFFECTED", id="subject-is-parent-003-2.4"),
    # with consent, 3.44 does not arise
    case("marac", {**PAT, "risk": "risk_to_self_only", "category": "substance_misuse"},
         "shared", "CONSENT_EXPLICIT", id="adult-consents-003-3.44"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_6)
def test_rule_6_adult_self_risk(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


def test_subject_age_from_family_or_item():
    m = make_meeting()
    assert subject_age(make_item(**KIM), m) == 15
    assert subject_age(make_item(subject_name="  jo   BROWN "), m) == 34  # alias
    assert subject_age(make_item(**CHRIS), m) is None
    assert subject_age(make_item(**CHRIS, subject_dob=date(2000, 11, 21)), m) == 25


# --- rule 7: legal duty and powers (003 3.7-3.9, 3.37) ----------------------------------------

DUTY: dict[str, Any] = {"legal_duty": "statutory_duty", "restricted_to": ("csc",)}

RULE_7 = [
    case("marac", {**DUTY, **REFUSED, "risk": "none_identified"}, "shared", "LEGAL_DUTY",
         id="duty-overrides-refusal-003-3.8"),
    case("marac", {"legal_duty": "court_order", **REFUSED}, "review",
         "LEGAL_DUTY_NO_RECIPIENTS", id="court-order-no-recipients-003-3.7"),
    # 001 case 4: the schools have a power (CDA 1998) but must still weigh confidentiality.
    case("jag", {**REFUSED, "category": "education", "risk": "none_identified",
                 "legal_power": "s115 Crime and Disorder Act 1998"},
         "withheld", "LEGAL_POWER_NOT_DUTY", id="power-is-not-duty-001-case4"),
    # 001 case 5: the JAG weighs the public interest for confidential information.
    case("jag", {**REFUSED, "category": "asb", "risk": "crime_disorder",
                 "legal_power": "s115 Crime and Disorder Act 1998"},
         "review", "PI_JUDGEMENT_NEEDED", id="power-needs-public-interest-001-case5"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_7)
def test_rule_7_legal_duty(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


def test_rule_7_duty_shares_only_with_named_bodies():
    d = decide(**DUTY, **REFUSED, risk="none_identified")
    assert d.recipients == ("csc",)
    assert "CONSENT_EXPLICIT" not in d.reasons and "PI_NO_RISK" not in d.reasons


# --- rule 8: historic information (000 example 2; 001 case 8) ----------------------------------

OLD = {"recorded_on": date(2019, 5, 1)}

RULE_8 = [
    # 000 example 2 (Bev): old, very personal, no current risk: share a current summary.
    case("mash", {**JO, **REFUSED, **OLD, "category": "sexual_health",
                  "risk": "welfare_concern"},
         "withheld", "HISTORIC_SENSITIVE", id="bev-000-example-2"),
    case("mash", {**JO, **REFUSED, **OLD, "category": "finance", "risk": "none_identified"},
         "withheld", "HISTORIC_SENSITIVE", id="historic-finance-000-example-2"),
    # 001 case 8: Mark's history of violence should have been shared.
    case("marac", {**ALEX, "consent": "not_sought_unsafe", "consent_given_by": None,
                   "category": "offending", "risk": "significant_harm_child",
                   "event_date": date(2015, 3, 1)},
         "shared", "HISTORIC_RISK_OF_HARM", id="mark-001-case8"),
    case("marac", {**OLD, "category": "housing", "risk": "welfare_concern"}, "shared",
         "HISTORIC", id="historic-not-sensitive-golden-rule-6"),
    case("marac", {**OLD, "category": "mental_health", "risk": "welfare_concern"}, "shared",
         "CONSENT_EXPLICIT", id="historic-sensitive-with-consent"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_8)
def test_rule_8_historic(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


@pytest.mark.parametrize(
    "when,historic",
    [(date(2024, 11, 20), False), (date(2024, 11, 19), True), (date(2026, 11, 1), False)],
)
def test_rule_8_lookback_boundary(when, historic):
    # lookback 24 months before 2026-11-20 -> older than 2024-11-20 is historic
    assert decide(recorded_on=date(2026, 11, 1), event_date=when).historic is historic
    assert decide(recorded_on=when).historic is historic


def test_rule_8_explanation_suggests_a_current_summary():
    assert "short current summary" in explain("HISTORIC_SENSITIVE", rules()).explanation


# --- rule 9: recording (golden rule 7; 003 3.51) ------------------------------------------------

@pytest.mark.parametrize(
    "rationale,boilerplate",
    [
        ("", True), ("n/a", True), ("N/A", True), ("na", True), ("see above", True),
        ("As above.", True), ("tbc", True), ("-", True), ("  ", True), ("Risk to child", True),
        ("safeguarding", True),
        ("Children in the household witnessed the assault last week.", False),
        ("Mother's partner has convictions for violence against previous partners.", False),
    ],
)
def test_rule_9_boilerplate(rationale, boilerplate):
    assert is_boilerplate(rationale, rules()) is boilerplate


RULE_9 = [
    # 000 example 3 (Paula): sharing without consent needs the facts recorded, not "n/a".
    case("mash", {**REFUSED, "risk": "significant_harm_child", "rationale": "n/a"}, "review",
         "RATIONALE_NOT_RECORDED", id="no-rationale-golden-rule-7"),
    case("mash", {**REFUSED, "risk": "significant_harm_child", "rationale": "see above"},
         "review", "RATIONALE_NOT_RECORDED", id="see-above-003-3.51"),
    case("marac", {"rationale": "n/a"}, "shared", "CONSENT_EXPLICIT",
         id="consent-needs-no-justification"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_9)
def test_rule_9_recording(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


# --- rule 10: children's consent (003 3.22-3.29) -------------------------------------------------

RULE_10 = [
    case("mash", {**SAM, "category": "education", "risk": "welfare_concern"}, "review",
         "CHILD_CONSENT_COMPETENCE", id="under-12-consents-003-3.24"),
    case("mash", {**CHRIS, "subject_role": "child", "category": "education",
                  "risk": "welfare_concern"},
         "review", "CHILD_CONSENT_COMPETENCE", id="child-age-unknown-003-3.23"),
    case("mash", {**KIM, "category": "education", "risk": "welfare_concern"}, "shared",
         "CONSENT_EXPLICIT", id="aged-15-consents-003-3.23"),
    # 001 case 7 (Natasha, 14): refusal overridden for significant harm.
    case("mash", {**KIM, **REFUSED, "category": "sexual_health",
                  "risk": "significant_harm_child"},
         "shared", "CHILD_REFUSAL_OVERRIDDEN", id="natasha-001-case7"),
    case("mash", {**KIM, **REFUSED, "category": "education", "risk": "welfare_concern"},
         "review", "CHILD_REFUSED", id="refusal-below-threshold-003-3.28"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_10)
def test_rule_10_children(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


def test_rule_10_competence_questions_listed():
    text = explain("CHILD_CONSENT_COMPETENCE", rules()).explanation
    for phrase in ("understand the question", "implications", "alternatives",
                   "weigh", "clear view", "consistent"):
        assert phrase in text


def test_rule_10_note_when_child_views_not_followed():
    d = decide("mash", **KIM, **REFUSED, category="sexual_health", risk="significant_harm_child")
    assert any("views were sought and not followed" in n for n in d.notes)
    below = decide("mash", **KIM, **REFUSED, category="education", risk="welfare_concern")
    assert below.notes == ()


# --- rule 11: special category and offence data -------------------------------------------------

OPEN = {"confidential": "no", "consent": "not_required", "consent_given_by": None,
        "consent_scope": (), "risk": "welfare_concern"}

RULE_11 = [
    case("mash", {**OPEN, "category": "health"}, "review", "SPECIAL_CATEGORY_NO_CONDITION",
         id="health-no-condition-003-glossary"),
    case("mash", {**OPEN, "category": "health",
                  "special_condition": "DPA 2018 Sch 1 para 18 safeguarding children"},
         "shared", "NOT_CONFIDENTIAL", id="special-condition-recorded"),
    case("jag", {**OPEN, "category": "offending", "legal_power": "s115 CDA 1998"},
         "shared", "NOT_CONFIDENTIAL", id="legal-power-001-case5"),
    case("mash", {"consent": "implied", "category": "mental_health", "risk": "welfare_concern"},
         "review", "SPECIAL_CATEGORY_NO_CONDITION", id="implied-consent-not-explicit"),
    case("mash", {"category": "mental_health", "risk": "welfare_concern"}, "shared",
         "CONSENT_EXPLICIT", id="explicit-consent"),
    case("mash", {**REFUSED, "category": "substance_misuse", "risk": "significant_harm_child"},
         "shared", "PI_SIGNIFICANT_HARM", id="threshold-met-001-case10"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_11)
def test_rule_11_special_category(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


# --- rule 12: sources (003 3.50) ------------------------------------------------------------------

RULE_12 = [
    case("marac", {"source": "member_of_public", "source_at_risk": True}, "review",
         "SOURCE_AT_RISK", id="source-at-risk-003-3.50"),
    case("marac", {"source": "member_of_public", "source_at_risk": None}, "shared",
         "CONSENT_EXPLICIT", id="source-not-at-risk"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,code", RULE_12)
def test_rule_12_sources(mtype, overrides, disposition, code):
    check(mtype, overrides, disposition, code)


# --- rule 13: informing the subject (003 3.36, 3.48) ---------------------------------------------

NO_CONSENT_SHARED = {**REFUSED, "risk": "significant_harm_child"}

RULE_13 = [
    # 000 example 3 (Paula): referral without consent, "would however need to inform Paula".
    pytest.param({**NO_CONSENT_SHARED, "subject_informed": "not_yet"}, ("INFORM_SUBJECT",),
                 id="paula-000-example-3"),
    pytest.param({**NO_CONSENT_SHARED, "subject_informed": None}, ("INFORM_SUBJECT",),
                 id="not-recorded-003-3.48"),
    pytest.param({**NO_CONSENT_SHARED, "subject_informed": "no_delay"}, ("INFORM_SUBJECT",),
                 id="after-delay-003-3.36"),
    pytest.param({**NO_CONSENT_SHARED, "subject_informed": "yes"}, (), id="already-told"),
    pytest.param({"subject_informed": "not_yet"}, (), id="with-consent"),
    pytest.param({**REFUSED, "risk": "none_identified", "subject_informed": "not_yet"}, (),
                 id="withheld-no-reminder"),
    pytest.param({**NO_CONSENT_SHARED, "subject_informed": "no_unsafe"},
                 ("DO_NOT_INFORM_FAMILY",), id="unsafe-003-3.36"),
    pytest.param({**DUTY, **REFUSED, "subject_informed": "not_yet"}, ("INFORM_SUBJECT",),
                 id="legal-duty-003-3.37"),
]


@pytest.mark.parametrize("overrides,reminders", RULE_13)
def test_rule_13_inform_subject(overrides, reminders):
    assert decide("mash", **overrides).agency_reminders == reminders


@pytest.mark.parametrize(
    "flag",
    [{"consent": "not_sought_unsafe", "consent_given_by": None},
     {"subject_informed": "no_unsafe"},
     {"subject_informed": "no_prejudice_crime"},
     {"consent": "not_sought_crime", "consent_given_by": None}],
)
def test_rule_13_one_unsafe_item_silences_the_family(flag):
    # 003 3.36: telling one family member can alert a perpetrator.
    flagged = make_item(agency="health", **ALEX, **{**NO_CONSENT_SHARED, **flag})
    victim = make_item(agency="police", **NO_CONSENT_SHARED, subject_informed="not_yet")
    other_family = make_item(agency="police", **PAT, **NO_CONSENT_SHARED,
                             subject_informed="not_yet")
    for items in ([flagged, victim, other_family], [other_family, victim, flagged]):
        by_id = {d.item_id: d for d in decide_items(items, make_meeting("mash"), rules())}
        assert by_id[victim.item_id].agency_reminders == ("DO_NOT_INFORM_FAMILY",)
        assert by_id[other_family.item_id].agency_reminders == ("INFORM_SUBJECT",)


# --- rule 14: significant harm (003 flowchart after 3.2) -----------------------------------------

@pytest.mark.parametrize(
    "mtype,overrides,agenda",
    [
        ("marac", {"risk": "significant_harm_child"}, ("CONFIRM_CSC_REFERRAL",)),
        ("jag", {"risk": "significant_harm_child", "category": "asb"}, ("CONFIRM_CSC_REFERRAL",)),
        ("mash", {"risk": "significant_harm_child"}, ()),
        ("marac", {"risk": "serious_harm_adult"}, ()),
        ("marac", {"risk": "significant_harm_child", "agency_decision": "not_share"},
         ("CONFIRM_CSC_REFERRAL",)),
    ],
    ids=["marac", "jag", "mash-is-the-referral", "adult-risk", "even-if-withheld"],
)
def test_rule_14_confirm_csc_referral(mtype, overrides, agenda):
    assert decide(mtype, **overrides).agenda_reminders == agenda


# --- recipients (golden rule 6) -------------------------------------------------------------------

@pytest.mark.parametrize(
    "restricted,disposition,recipients,code",
    [
        ((), "shared", ("*",), "CONSENT_EXPLICIT"),
        (("health", "csc"), "shared", ("health", "csc"), "RECIPIENTS_RESTRICTED"),
        ((" Health ", "court"), "shared", ("health",), "RECIPIENTS_RESTRICTED"),
        (("court",), "review", (), "RECIPIENTS_NOT_IN_MEETING"),
    ],
)
def test_restricted_to_narrows_recipients(restricted, disposition, recipients, code):
    d = decide(restricted_to=restricted)
    assert (d.disposition, d.recipients) == (disposition, recipients)
    assert code in d.reasons


# --- precedence (docs/policy.md) -------------------------------------------------------------------

@pytest.mark.parametrize(
    "mtype,overrides,disposition,first",
    [
        # withheld beats review: the source check is moot once withheld
        ("marac", {"agency_decision": "not_share", "source_at_risk": True}, "withheld",
         "AGENCY_NOT_SHARE"),
        # review beats shared
        ("marac", {"source_at_risk": True}, "review", "SOURCE_AT_RISK"),
        # a legal duty is not blocked by consent rules (refusal, child's refusal, history)
        ("marac", {**DUTY, **KIM, **REFUSED, **OLD, "category": "mental_health",
                   "risk": "none_identified"}, "shared", "LEGAL_DUTY"),
        # ... but purpose (rule 1) is not a consent rule
        ("jag", {**DUTY, "category": "finance", "risk": "none_identified"}, "withheld",
         "NOT_NECESSARY_FOR_PURPOSE"),
        # ... nor is recording (rule 9)
        ("marac", {**DUTY, **REFUSED, "rationale": "n/a"}, "review", "RATIONALE_NOT_RECORDED"),
        # unsure confidentiality and no risk: the more protective withheld wins
        ("marac", {"confidential": "unsure", **REFUSED, "risk": "none_identified"}, "withheld",
         "PI_NO_RISK"),
    ],
)
def test_precedence(mtype, overrides, disposition, first):
    d = decide(mtype, **overrides)
    assert d.disposition == disposition
    assert d.reasons[0] == first, d.reasons


# --- explain ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "code,outcome,cites,says",
    [
        # what the cited paragraph asks the reader to know or do, in plain words
        ("PI_SIGNIFICANT_HARM", "shared", "3.42-3.43",
         ("without consent", "public interest", "significant harm")),
        ("ADULT_SELF_RISK_ONLY", "withheld", "3.44", ("capacity", "only themselves", "withheld")),
        # issue 12: consent for another purpose is a note; the public interest decides
        ("CONSENT_SCOPE_NOT_COVERED", "info", "case example 2",
         ("purpose", "does not carry over", "public interest")),
        ("SOURCE_AT_RISK", "review", "3.50", ("source", "cannot be identified")),
        ("INFORM_SUBJECT", "reminder", "3.48", ("Tell them", "why and with whom", "unsafe")),
    ],
)
def test_explain(code, outcome, cites, says):
    rc = explain(code, rules())
    assert (rc.code, rc.outcome) == (code, outcome)
    assert cites in rc.citation
    text = " ".join(rc.explanation.split())
    for phrase in says:
        assert phrase in text, (phrase, text)
    assert "_" not in text  # plain words, no reason codes or field names


def test_explain_unknown_code():
    with pytest.raises(ConfigError, match="'NOPE' is not defined"):
        explain("NOPE", rules())


# --- docs/policy.md ------------------------------------------------------------------------------

def test_docs_list_every_reason_code():
    text = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    for code in rules().reason_codes:
        assert f"`{code}`" in text, code


def test_docs_generated_tables_are_current():
    text = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    assert update_doc(text, rules()) == text, (
        "regenerate with: .venv/bin/python -m pipeline.policy.docs"
    )
    assert set(generated_sections(rules())) == {"reason-codes", "profiles"}


# --- broken policy.yaml: fails on load, naming the file, the rule and the problem ---------------

def _base() -> dict[str, Any]:
    return yaml.safe_load(POLICY_PATH.read_text(encoding="utf-8"))


def _set(path: str, value: Any):
    def edit(d: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for p in parents:
            d = d[p]
        if value is _DELETE:
            del d[last]
        else:
            d[last] = value
    return edit


_DELETE = object()

BROKEN = [
    pytest.param(_set("reason_codes.PI_NO_RISK", _DELETE),
                 "reason_codes.PI_NO_RISK: missing (the engine uses it)", id="missing-code"),
    pytest.param(_set("reason_codes.PI_NO_RISK.outcome", "maybe"),
                 "rule reason_codes.PI_NO_RISK.outcome: Input should be", id="bad-outcome"),
    pytest.param(_set("reason_codes.HISTORIC.outcome", "withheld"),
                 "reason_codes.HISTORIC.outcome: must be info, not withheld", id="info-decisive"),
    pytest.param(_set("reason_codes.LEGAL_DUTY.outcome", "info"),
                 "reason_codes.LEGAL_DUTY.outcome: must be shared, withheld or review",
                 id="decisive-info"),
    pytest.param(_set("reason_codes.PI_NO_RISK.citation", "common sense"),
                 "reason_codes.PI_NO_RISK.citation: must cite a seed file", id="no-citation"),
    pytest.param(_set("reason_codes.PI_NO_RISK.explanation", "No."),
                 "reason_codes.PI_NO_RISK.explanation: String should have at least 20",
                 id="short-explanation"),
    pytest.param(_set("reason_codes.MADE_UP", {"rule": "x", "outcome": "info",
                                               "explanation": "An explanation long enough.",
                                               "citation": "golden rule 1"}),
                 "reason_codes.MADE_UP: unknown code", id="unknown-code"),
    pytest.param(_set("profiles.jag.necessary", ["asb", "gardening"]),
                 "rule profiles.jag.necessary.1: Input should be", id="bad-category"),
    pytest.param(_set("profiles.mash", _DELETE),
                 "no profile for meeting type(s) mash", id="missing-profile"),
    pytest.param(_set("profiles.jag.check", ["asb"]),
                 "both necessary and check: asb", id="category-twice"),
    pytest.param(_set("public_interest.review", ["crime_disorder", "welfare_concern"]),
                 "every risk needs a group (share, review, withhold or self_risk); missing: unknown",
                 id="risk-missing"),
    pytest.param(_set("public_interest.withhold", ["none_identified", "unknown"]),
                 "risks listed in more than one group: unknown", id="risk-twice"),
    pytest.param(_set("public_interest.share.serious_crime", "PI_NO_RISK"),
                 "public_interest.share.serious_crime: PI_NO_RISK must be a reason code with "
                 "outcome shared", id="share-to-withheld-code"),
    pytest.param(_set("rationale.boilerplate", ["n/a", "(unclosed"]),
                 "pattern 2 ('(unclosed') is not a valid regex", id="bad-regex"),
    pytest.param(_set("ages.adult", 12),
                 "rule ages.adult: Input should be greater than or equal to 16", id="bad-age"),
    pytest.param(_set("historic.possible_risk.risks", ["unknown", "serious_crime"]),
                 "possible_risk.risks: serious_crime already show a risk of harm",
                 id="possible-risk-overlaps-harm"),
    pytest.param(_set("special_category_text.patterns.health", ["gp", "(unclosed"]),
                 "patterns.health: pattern 2 ('(unclosed') is not a valid regex",
                 id="special-text-bad-regex"),
    pytest.param(_set("special_category_text.labels.health", _DELETE),
                 "labels and patterns must name the same classes", id="special-text-unlabelled"),
    pytest.param(_set("notes.special_category_in_text", "A note that names no classes at all."),
                 "rule notes.special_category_in_text: String should match pattern",
                 id="note-without-placeholder"),
    pytest.param(lambda d: (_set("ages.child_competence", 16)(d),
                            _set("ages.presumed_capacity", 14)(d)),
                 "expected child_competence <= presumed_capacity <= adult",
                 id="presumed-capacity-order"),
    pytest.param(_set("reason_codes.PI_NO_RISK.next_step", "Nothing."),
                 "reason_codes.PI_NO_RISK.next_step: String should have at least 10",
                 id="next-step-too-short"),
    pytest.param(_set("surprise", True), "rule surprise: Extra inputs are not permitted",
                 id="unknown-key"),
    pytest.param(_set("version", 2), "rule version: Input should be 1", id="bad-version"),
]


@pytest.mark.parametrize("edit,message", BROKEN)
def test_broken_policy_fails_on_load(tmp_path, edit, message):
    data = _base()
    edit(data)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    text = str(err.value)
    assert str(path) in text
    assert message in text, text
    assert "Fix:" in text


@pytest.mark.parametrize(
    "content,message",
    [("reason_codes: [unclosed", "cannot be read as YAML"),
     ("", "is empty or not a mapping"),
     ("- a list", "is empty or not a mapping")],
    ids=["syntax", "empty", "list"],
)
def test_unreadable_policy(tmp_path, content, message):
    path = tmp_path / "policy.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_policy(path)


def test_missing_policy_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_policy(tmp_path / "nope.yaml")


def test_shipped_policy_covers_every_engine_code():
    assert set(load_policy().reason_codes) == set(ENGINE_CODES)


# --- properties: total and deterministic --------------------------------------------------------

# What each reason code decides, written from the guidance (not read from policy.yaml), so
# the property below and the YAML are checked against an independent statement of the rules.
WITHHELD = {
    "NOT_NECESSARY_FOR_PURPOSE",  # 003 3.3-3.5, golden rule 6: not needed for the purpose
    "AGENCY_NOT_SHARE",           # 003 3.1, golden rule 7: the agency's own decision
    "PI_NO_RISK",                 # 003 3.41: confidential, no consent, no risk
    "ADULT_SELF_RISK_ONLY",       # 003 3.44: a capable adult risking only themselves
    "HISTORIC_SENSITIVE",         # 000 example 2 (Bev): old, sensitive, no current risk
    "REVIEW_DECISION_WITHHOLD",   # 003 3.45, 3.51: a person decided not to share
}
REVIEW = {
    "NECESSITY_CHECK", "CONFIDENTIALITY_UNSURE", "PI_JUDGEMENT_NEEDED", "SELF_RISK_AGE_UNKNOWN",
    "SELF_RISK_UNDER_18", "SELF_RISK_NO_CAPACITY", "SELF_RISK_CHILD_AFFECTED",
    "LEGAL_DUTY_NO_RECIPIENTS", "RATIONALE_NOT_RECORDED", "CHILD_CONSENT_COMPETENCE",
    "SPECIAL_CATEGORY_NO_CONDITION", "SOURCE_AT_RISK", "RECIPIENTS_NOT_IN_MEETING",
    "REDACTION_FAILED",  # 003 3.13, 3.18-3.30, 3.39-3.45, 3.49-3.51: a person must judge
    "LEGAL_DUTY_AGENCY_NOT_SHARE",  # 003 3.1, 3.8: a duty is not discretion; a person decides
    "HISTORIC_POSSIBLE_RISK",     # 001 case 8: historic violence must reach a person
    "SPECIAL_CATEGORY_IN_TEXT",   # 003 glossary 'sensitive information', 3.41
    # who the item is about is not settled (003 Q2 3.10, 3.49; golden rules 4 and 6)
    "SUBJECT_NOT_ON_ROSTER", "SUBJECT_MATCH_WEAK", "SUBJECT_MATCH_AMBIGUOUS",
    "SUBJECT_PROBABLY_MISFILED",
}
SHARED = {
    "NOT_CONFIDENTIAL", "CONSENT_EXPLICIT", "CONSENT_IMPLIED",  # 003 Q3, 3.14, 3.18-3.19
    "PI_SIGNIFICANT_HARM", "PI_SERIOUS_HARM_ADULT", "PI_SERIOUS_CRIME",  # 003 3.42-3.43
    "LEGAL_DUTY",                 # 003 3.7-3.9: a statutory duty or court order
    "REVIEW_DECISION_SHARE",      # 003 3.45, 3.51: a person decided to share
}
#: reasons that explain without deciding, and reminders that never decide
INFO = {
    "OUTSIDE_PURPOSE_SERIOUS_RISK", "LEGAL_POWER_NOT_DUTY", "HISTORIC", "HISTORIC_RISK_OF_HARM",
    "CHILD_REFUSED", "CHILD_REFUSAL_OVERRIDDEN", "RECIPIENTS_RESTRICTED",
    "REVIEW_SHARE_NOT_APPLIED", "REVIEW_DECISION_STALE",
    # consent for another purpose, or from someone who cannot give it, is no consent: the
    # public interest decides (003 3.18, 3.21, 3.22, 3.38; 001 case example 2)
    "CONSENT_SCOPE_NOT_COVERED", "CONSENT_GIVER_UNCLEAR",
    "CONFIDENTIALITY_UNSURE_THRESHOLD_MET",  # 003 3.13 with 3.43: do not delay
    "YOUNG_PERSON_DECIDES",       # 003 3.23, 3.28, 3.30: a competent young person decides
    "SUBJECT_MATCH_CONFIRMED", "SUBJECT_CONFIRMATION_NOT_APPLIED",  # 003 3.45, 3.51
}
REMINDERS = {"RECORD_NOT_SHARE_RATIONALE", "INFORM_SUBJECT", "DO_NOT_INFORM_FAMILY",
             "CONFIRM_CSC_REFERRAL",
             "LEGAL_DUTY_NOT_SHARED",  # 003 3.1, 3.8: the agenda says a duty was not met
             "SEEK_CHILD_VIEW"}        # 003 3.23, 3.26: record a 12-15-year-old's own view
OUTCOME = {**dict.fromkeys(WITHHELD, "withheld"), **dict.fromkeys(REVIEW, "review"),
           **dict.fromkeys(SHARED, "shared"), **dict.fromkeys(INFO, "info"),
           **dict.fromkeys(REMINDERS, "reminder")}


def expected_disposition(reasons: tuple[str, ...]) -> str:
    """Withheld beats review beats shared (docs/policy.md, precedence); a person's decision to
    share settles the review reasons it was asked about, but never a withholding rule."""
    decided = {OUTCOME[c] for c in reasons}
    if "withheld" in decided:
        return "withheld"
    if "REVIEW_DECISION_SHARE" in reasons:
        return "shared"
    return next(o for o in ("review", "shared") if o in decided)


def test_each_reason_code_decides_what_the_guidance_says():
    assert len(OUTCOME) == 56
    assert {c: rc.outcome for c, rc in rules().reason_codes.items()} == OUTCOME


def _subset(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=3).map(tuple)


def _opt(values: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(values)


NAMES = ("Jo Smith", "Alex Smith", "Sam Smith", "Kim Smith", "Pat Jones", "Patricia Jones",
         "Lee Jones", "Chris Doe", "Someone Else")
RATIONALES = ("n/a", "", "see above", "Risk to child",
              "Children in the household witnessed the assault last week.")

item_fields = st.fixed_dictionaries(
    {
        "agency": st.sampled_from(("police", "health", "csc", "housing")),
        "family_ref": st.sampled_from(("F1", "F2", "F3", "F9")),
        "subject_name": st.sampled_from(NAMES),
        "subject_dob": st.none() | st.dates(date(1930, 1, 1), date(2026, 11, 20)),
        "subject_role": st.sampled_from(VOCABULARIES["subject_role"]),
        "category": st.sampled_from(VOCABULARIES["category"]),
        "recorded_on": st.dates(date(2010, 1, 1), date(2026, 11, 20)),
        "event_date": st.none() | st.dates(date(2000, 1, 1), date(2026, 11, 20)),
        "agency_decision": st.sampled_from(VOCABULARIES["agency_decision"]),
        "source_at_risk": st.sampled_from((None, True, False)),
        "confidential": st.sampled_from(VOCABULARIES["confidential"]),
        "consent": st.sampled_from(VOCABULARIES["consent"]),
        "consent_given_by": _opt(VOCABULARIES["consent_given_by"]),
        "consent_scope": _subset(get_args(Purpose)),
        "special_condition": st.sampled_from((None, "", "DPA 2018 Sch 1 para 18")),
        "legal_power": st.sampled_from((None, "s115 CDA 1998")),
        "legal_duty": st.sampled_from(VOCABULARIES["legal_duty"]),
        "risk": st.sampled_from(VOCABULARIES["risk"]),
        "rationale": st.sampled_from(RATIONALES),
        "subject_informed": _opt(VOCABULARIES["subject_informed"]),
        "restricted_to": _subset(("police", "health", "csc", "court")),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    mtype=st.sampled_from(("jag", "mash", "marac")),
    fields=st.lists(item_fields, min_size=1, max_size=8),
    seed=st.integers(0, 2**16),
)
def test_engine_is_total_and_deterministic(mtype, fields, seed):
    items = [make_item(item_id=f"i{n}", **f) for n, f in enumerate(fields)]
    meeting = make_meeting(mtype)
    decisions = decide_items(items, meeting, rules())

    assert [d.item_id for d in decisions] == [i.item_id for i in items]
    for item, d in zip(items, decisions, strict=True):
        assert len(d.reasons) >= 1
        assert len(set(d.reasons)) == len(d.reasons)
        # reasons decide or explain; reminders only remind (sets written from the guidance)
        assert set(d.reasons) <= WITHHELD | REVIEW | SHARED | INFO, d.reasons
        assert set(d.agency_reminders) | set(d.agenda_reminders) <= REMINDERS
        # the disposition is the most protective decisive outcome among the reasons
        assert d.disposition == expected_disposition(d.reasons), d.reasons
        # nothing goes anywhere unless shared; shared always goes somewhere
        assert (d.recipients != ()) == (d.disposition == "shared")
        if item.agency_decision == "not_share":
            # never shared on the rules alone; withheld unless a legal duty sends it to a
            # person (003 3.1, 3.8)
            assert d.disposition == ("withheld" if item.legal_duty == "none"
                                     else d.disposition)
            assert d.disposition != "shared"
        if d.disposition != "shared":
            assert "INFORM_SUBJECT" not in d.agency_reminders
        assert d.reviewed_by is None

    # deterministic: same inputs, same outputs; and independent of item order
    assert decide_items(items, meeting, rules()) == decisions
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    again = {d.item_id: d for d in decide_items(shuffled, meeting, rules())}
    assert again == {d.item_id: d for d in decisions}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.lists(item_fields, min_size=1, max_size=6),
    choices=st.lists(st.sampled_from((None, "shared", "withheld", "stale")), min_size=6,
                     max_size=6),
)
def test_engine_is_total_with_reviews(fields, choices):
    items = [make_item(item_id=f"i{n}", **f) for n, f in enumerate(fields)]
    meeting = make_meeting("marac")
    reviews = {
        i.item_id: ReviewDecision(
            item_id=i.item_id,
            content_hash="0" * 64 if c == "stale" else i.content_hash,
            disposition="shared" if c == "stale" else c,
            reason="The reviewer weighed the risk against the intrusion.",
            by="Chair", at=datetime(2026, 11, 18, tzinfo=UTC),
        )
        for i, c in zip(items, choices, strict=False) if c is not None
    }
    plain = decide_items(items, meeting, rules())
    reviewed = decide_items(items, meeting, rules(), reviews)
    for item, before, after in zip(items, plain, reviewed, strict=True):
        assert after.reasons
        assert set(after.reasons) <= WITHHELD | REVIEW | SHARED | INFO, after.reasons
        assert after.disposition == expected_disposition(after.reasons), after.reasons
        r = reviews.get(item.item_id)
        if r is None or r.content_hash != item.content_hash:
            assert after.disposition == before.disposition and after.reviewed_by is None
        elif r.disposition == "withheld":
            assert after.disposition == "withheld" and after.reviewed_by == "Chair"
        elif before.disposition == "withheld":  # a review cannot override a withholding rule
            assert after.disposition == "withheld" and after.reviewed_by is None
        else:
            assert after.disposition == "shared" and after.reviewed_by == "Chair"
