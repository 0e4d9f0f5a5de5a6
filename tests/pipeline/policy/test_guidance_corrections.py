"""Issue 12: the eight corrections and the special-category check, each as a table.

Each table quotes the paragraph of the guidance that decides it and puts valid and invalid
(or sharing and non-sharing) rows side by side. Seeds: 003 = 003_e63cd6015283d4be.txt
(Bedfordshire protocol), 001 = 001_a4141e39c5e050ec.txt (DCSF case examples), 000 =
000_eb978277be808925.txt (Ruby, Bev, Paula).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pipeline.merge import receipt_rows
from pipeline.models import content_hash
from pipeline.policy import decide_items, explain, subject_age
from pipeline.policy.consent import assess_consent
from tests.pipeline.policy.helpers import make_item, make_meeting, rules

# Subjects from helpers.FAMILIES (ages at the meeting, 2026-11-20).
JO = {"subject_name": "Jo Smith", "subject_role": "victim"}  # 34, F1 has children
ALEX = {"subject_name": "Alex Smith", "subject_role": "person_of_concern"}  # 36, F1
SAM = {"subject_name": "Sam Smith", "subject_role": "child"}  # 10
KIM = {"subject_name": "Kim Smith", "subject_role": "child"}  # 15
PAT = {"family_ref": "F2", "subject_name": "Pat Jones", "subject_role": "household_member"}
SIXTEEN = {**KIM, "subject_dob": date(2010, 6, 1)}
SEVENTEEN = {**KIM, "subject_dob": date(2009, 6, 1)}
BY_PARENT = {"consent": "explicit", "consent_given_by": "parent",
             "consent_scope": ("mash", "marac", "jag")}
NONE_SOUGHT = {"consent": "not_sought_delay", "consent_given_by": None, "consent_scope": ()}


def decide(meeting_type: str = "marac", **overrides: Any):
    return decide_items([make_item(**overrides)], make_meeting(meeting_type), rules())[0]


def row(mtype: str, overrides: dict[str, Any], disposition: str, present: tuple[str, ...],
        absent: tuple[str, ...] = (), *, id: str):
    return pytest.param(mtype, overrides, disposition, present, absent, id=id)


def check(mtype, overrides, disposition, present, absent):
    d = decide(mtype, **overrides)
    assert d.disposition == disposition, d.reasons
    for code in present:
        assert code in d.reasons, (code, d.reasons)
    for code in absent:
        assert code not in d.reasons, (code, d.reasons)
    return d


# --- 1. a competent child decides ----------------------------------------------------------
# 003 3.28: "If you judge a child or young person to be competent to give consent, then their
# consent or refusal to consent is the one to consider, even if a parent or carer disagrees."
# 003 3.30: "All people aged 16 and over are presumed, in law, to have the capacity to give or
# withhold their consent to sharing of confidential information".
# 003 3.26: "where a child cannot consent or where you have judged that they are not
# competent to consent, a person with parental responsibility should be asked to consent".

COMPETENT_CHILD = [
    row("mash", {**KIM, **BY_PARENT, "subject_view": "refuses", "category": "sexual_health",
                 "risk": "welfare_concern"},
        "review", ("CHILD_REFUSED", "PI_JUDGEMENT_NEEDED"), ("CONSENT_EXPLICIT",),
        id="15-refuses-parent-consents-003-3.28"),
    row("mash", {**KIM, **BY_PARENT, "subject_view": "refuses", "category": "sexual_health",
                 "risk": "none_identified"},
        "withheld", ("CHILD_REFUSED", "PI_NO_RISK"), ("CONSENT_EXPLICIT",),
        id="15-refuses-no-risk-withheld-003-3.28"),
    row("mash", {**KIM, **BY_PARENT, "subject_view": "refuses", "category": "sexual_health",
                 "risk": "significant_harm_child"},
        "shared", ("PI_SIGNIFICANT_HARM", "CHILD_REFUSAL_OVERRIDDEN"), ("CONSENT_EXPLICIT",),
        id="15-refuses-significant-harm-003-3.29"),
    row("jag", {**SIXTEEN, **BY_PARENT, "subject_view": "refuses", "category": "offending",
                "risk": "crime_disorder"},
        "review", ("CHILD_REFUSED",), ("CONSENT_EXPLICIT",), id="16-objects-003-3.30"),
    row("jag", {**SEVENTEEN, **BY_PARENT, "category": "education", "risk": "crime_disorder"},
        "review", ("YOUNG_PERSON_DECIDES", "PI_JUDGEMENT_NEEDED"), ("CONSENT_EXPLICIT",),
        id="17-not-asked-parent-only-003-3.30"),
    row("jag", {**SEVENTEEN, **BY_PARENT, "subject_view": "agrees", "category": "education",
                "risk": "crime_disorder"},
        "shared", ("CONSENT_EXPLICIT",), ("YOUNG_PERSON_DECIDES",),
        id="17-agrees-with-parent-003-3.28"),
    row("jag", {**SEVENTEEN, **BY_PARENT, "subject_view": "unable_to_decide",
                "category": "education", "risk": "crime_disorder"},
        "shared", ("CONSENT_EXPLICIT",), (), id="17-judged-unable-parent-decides-003-3.26"),
    row("mash", {**KIM, **BY_PARENT, "subject_view": "unable_to_decide",
                 "category": "education", "risk": "welfare_concern"},
        "shared", ("CONSENT_EXPLICIT",), ("CHILD_REFUSED",),
        id="15-judged-not-competent-003-3.26"),
    row("mash", {**SAM, **BY_PARENT, "category": "education", "risk": "welfare_concern"},
        "shared", ("CONSENT_EXPLICIT",), (), id="10-parent-consents-001-case10"),
    row("mash", {**SAM, **BY_PARENT, "subject_view": "refuses", "category": "education",
                 "risk": "welfare_concern"},
        "review", ("CHILD_REFUSED",), ("CONSENT_EXPLICIT",),
        id="10-judged-competent-refuses-003-3.23"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,present,absent", COMPETENT_CHILD)
def test_1_a_competent_childs_refusal_decides(mtype, overrides, disposition, present, absent):
    check(mtype, overrides, disposition, present, absent)


def test_1_overridden_refusal_is_noted_in_the_bundle():
    d = decide("mash", **KIM, **BY_PARENT, subject_view="refuses", category="sexual_health",
               risk="significant_harm_child")
    assert any("views were sought and not followed" in n for n in d.notes)


@pytest.mark.parametrize(
    "subject,view,reminded",
    [(KIM, None, True), (KIM, "not_asked", True), (KIM, "agrees", False), (SAM, None, False),
     (SEVENTEEN, "agrees", False)],
    ids=["15-view-not-recorded", "15-not-asked", "15-agrees", "10-under-12", "17-agrees"],
)
def test_1_seek_the_view_of_a_child_of_12_or_over(subject, view, reminded):
    # 003 3.23: "Children aged 12 or over may generally be expected to have sufficient
    # understanding."
    d = decide("mash", **subject, **BY_PARENT, subject_view=view, category="education",
               risk="welfare_concern")
    assert d.disposition == "shared"
    assert ("SEEK_CHILD_VIEW" in d.agency_reminders) is reminded


def test_1_subject_view_is_hashed_only_when_set():
    # review decisions recorded before the column existed still apply to rows without it
    values = make_item().model_dump(exclude={"item_id", "content_hash", "provenance"})
    without = {k: v for k, v in values.items() if k != "subject_view"}
    assert content_hash(without) == content_hash({**without, "subject_view": None})
    assert content_hash(without) != content_hash({**without, "subject_view": "refuses"})


# --- 2. consent that is not valid does not hide the public interest -------------------------
# 003 3.38: "where consent cannot be obtained or is refused, or where seeking it is
# inappropriate or unsafe ... the question of whether there is a sufficient public interest
# must be judged"; 3.43: significant harm to a child or serious harm to an adult.

INVALID_CONSENT = [
    row("mash", {"subject_name": "Baby Smith", "subject_role": "unborn_child", **BY_PARENT,
                 "consent_scope": ("early_help",), "category": "health",
                 "risk": "significant_harm_child"},
        "shared", ("PI_SIGNIFICANT_HARM", "CONSENT_SCOPE_NOT_COVERED"), (),
        id="unborn-early-help-consent-003-3.43"),
    row("marac", {**JO, "consent_given_by": "other", "risk": "serious_harm_adult"},
        "shared", ("PI_SERIOUS_HARM_ADULT", "CONSENT_GIVER_UNCLEAR"), (),
        id="sister-consented-003-3.22"),
    row("marac", {**JO, "consent_scope": ("early_help",), "risk": "none_identified",
                  "category": "housing"},
        "withheld", ("PI_NO_RISK", "CONSENT_SCOPE_NOT_COVERED"), (),
        id="out-of-scope-no-risk-001-case2"),
    row("marac", {**JO, "consent_given_by": "parent", "risk": "welfare_concern",
                  "category": "housing"},
        "review", ("PI_JUDGEMENT_NEEDED", "CONSENT_GIVER_UNCLEAR"), (),
        id="parent-for-adult-welfare-003-3.30"),
    row("marac", {**JO, "risk": "serious_harm_adult"}, "shared", ("CONSENT_EXPLICIT",),
        ("PI_SERIOUS_HARM_ADULT",), id="valid-consent-decides-003-3.19"),
    # a child under 12 consenting alone: a person could still find the consent valid, so it
    # is checked unless the threshold is met anyway
    row("mash", {**SAM, "category": "education", "risk": "welfare_concern"}, "review",
        ("CHILD_CONSENT_COMPETENCE",), (), id="under-12-alone-checked-003-3.24"),
    row("mash", {**SAM, "category": "education", "risk": "significant_harm_child"}, "shared",
        ("PI_SIGNIFICANT_HARM",), ("CHILD_CONSENT_COMPETENCE",),
        id="under-12-alone-threshold-met-003-3.43"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,present,absent", INVALID_CONSENT)
def test_2_invalid_consent_goes_to_the_public_interest(mtype, overrides, disposition, present,
                                                       absent):
    check(mtype, overrides, disposition, present, absent)


@pytest.mark.parametrize("code", ["CONSENT_SCOPE_NOT_COVERED", "CONSENT_GIVER_UNCLEAR",
                                  "YOUNG_PERSON_DECIDES"])
def test_2_consent_problems_are_notes_not_outcomes(code):
    assert explain(code, rules()).outcome == "info"
    assert "public interest" in explain(code, rules()).explanation


# --- 3. unsure confidentiality does not delay a disclosure ----------------------------------
# 003 3.13: "you should check with the individual whether the information is or is not
# confidential"; 3.43: significant harm "will normally be justified in the public interest";
# flowchart note after 3.2: "follow the relevant procedures without delay".

UNSURE = [
    row("mash", {**SAM, "confidential": "unsure", "consent": "not_sought_unsafe",
                 "consent_given_by": None, "consent_scope": (), "subject_informed": "no_unsafe",
                 "category": "social_care", "risk": "significant_harm_child"},
        "shared", ("PI_SIGNIFICANT_HARM", "CONFIDENTIALITY_UNSURE_THRESHOLD_MET"),
        ("CONFIDENTIALITY_UNSURE",), id="belt-assault-unsure-003-3.43"),
    row("marac", {**JO, "confidential": "unsure", "consent": "refused",
                  "risk": "serious_harm_adult"},
        "shared", ("PI_SERIOUS_HARM_ADULT",), ("CONFIDENTIALITY_UNSURE",),
        id="serious-harm-adult-unsure-003-3.43"),
    row("marac", {**JO, "confidential": "unsure", "consent": "refused",
                  "risk": "welfare_concern"},
        "review", ("CONFIDENTIALITY_UNSURE",), (), id="welfare-unsure-003-3.13"),
    row("marac", {**JO, "confidential": "unsure", "consent": "refused",
                  "risk": "none_identified"},
        "withheld", ("PI_NO_RISK",), (), id="no-risk-unsure-withheld"),
    row("marac", {**JO, "confidential": "unsure"}, "shared", ("CONSENT_EXPLICIT",),
        ("CONFIDENTIALITY_UNSURE",), id="unsure-with-consent-003-3.14"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,present,absent", UNSURE)
def test_3_unsure_confidentiality_does_not_delay(mtype, overrides, disposition, present,
                                                  absent):
    check(mtype, overrides, disposition, present, absent)


# --- 4. a legal duty is not lost to the agency's "not share" --------------------------------
# 003 3.1: "you must use your professional judgment to decide whether to share or not ...
# unless there is a statutory duty or a court order to share"; 3.8: "you must share the
# information ... unless in the case of a court order, your organisation is prepared to
# challenge it and is likely to seek legal advice".

DUTY = [
    row("mash", {"legal_duty": "statutory_duty", "restricted_to": ("csc",),
                 "agency_decision": "not_share"},
        "review", ("LEGAL_DUTY_AGENCY_NOT_SHARE", "LEGAL_DUTY"), ("AGENCY_NOT_SHARE",),
        id="statutory-duty-not-share-003-3.1"),
    row("marac", {"legal_duty": "court_order", "restricted_to": ("police",),
                  "agency_decision": "not_share"},
        "review", ("LEGAL_DUTY_AGENCY_NOT_SHARE",), ("AGENCY_NOT_SHARE",),
        id="court-order-challenged-003-3.8"),
    row("marac", {"legal_duty": "court_order", "agency_decision": "not_share"},
        "review", ("LEGAL_DUTY_AGENCY_NOT_SHARE", "LEGAL_DUTY_NO_RECIPIENTS"), (),
        id="court-order-no-body-named-003-3.7"),
    row("marac", {"agency_decision": "not_share"}, "withheld", ("AGENCY_NOT_SHARE",), (),
        id="no-duty-not-share-stands-003-3.1"),
    row("jag", {"legal_duty": "statutory_duty", "restricted_to": ("csc",),
                "agency_decision": "not_share", "category": "finance",
                "risk": "none_identified"},
        "withheld", ("NOT_NECESSARY_FOR_PURPOSE",), (), id="duty-outside-purpose-003-3.3"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,present,absent", DUTY)
def test_4_a_duty_with_not_share_goes_to_a_person(mtype, overrides, disposition, present,
                                                  absent):
    check(mtype, overrides, disposition, present, absent)


def test_4_the_agenda_and_the_receipt_say_so_plainly():
    item = make_item(legal_duty="statutory_duty", restricted_to=("csc",),
                     agency_decision="not_share",
                     rationale="Sharing would damage our therapeutic relationship with her.")
    d = decide_items([item], make_meeting("mash"), rules())[0]
    assert d.agenda_reminders == ("LEGAL_DUTY_NOT_SHARED",)
    assert d.recipients == ()
    r = receipt_rows("police", [item], [d], rules())[0]
    assert r["outcome"].startswith("Awaiting review")
    assert "so it is shared" not in r["explanations"]
    assert "Your rationale: Sharing would damage" in r["explanations"]
    assert "legal adviser" in r["next_steps"]


# --- 5. historic violence by someone who may pose a risk ------------------------------------
# 001 case 8, lessons: "Practitioners must be curious, open-minded and seek information out,
# including historical records ... Information should have been brought together and shared
# with all the practitioners involved"; 003 2.2: "About those who may pose a risk of harm".

OLD = {"recorded_on": date(2015, 6, 1), "consent": "not_sought_unsafe",
       "consent_given_by": None, "consent_scope": (), "subject_informed": "no_unsafe"}

HISTORIC = [
    row("marac", {**ALEX, **OLD, "category": "offending", "risk": "unknown"},
        "review", ("HISTORIC_POSSIBLE_RISK", "HISTORIC"), ("HISTORIC_SENSITIVE",),
        id="perpetrator-old-violence-unknown-001-case8"),
    row("mash", {**ALEX, **OLD, "subject_role": "ex_partner", "category": "offending",
                 "risk": "crime_disorder"},
        "review", ("HISTORIC_POSSIBLE_RISK",), ("HISTORIC_SENSITIVE",),
        id="ex-partner-old-offending-001-case8"),
    row("marac", {**ALEX, **OLD, "category": "offending", "risk": "none_identified"},
        "withheld", ("PI_NO_RISK",), ("HISTORIC_POSSIBLE_RISK",),
        id="no-risk-recorded-stays-withheld-001-case3"),
    row("marac", {**ALEX, **OLD, "category": "offending", "risk": "significant_harm_child"},
        "shared", ("HISTORIC_RISK_OF_HARM",), (), id="mark-current-harm-001-case8"),
    row("mash", {**JO, **OLD, "category": "offending", "risk": "unknown"},
        "withheld", ("HISTORIC_SENSITIVE",), ("HISTORIC_POSSIBLE_RISK",),
        id="victims-old-offending-stays-withheld-000-ex2"),
    row("mash", {**ALEX, **OLD, "category": "mental_health", "risk": "unknown"},
        "withheld", ("HISTORIC_SENSITIVE",), ("HISTORIC_POSSIBLE_RISK",),
        id="old-mental-health-not-violence-000-ex2"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,present,absent", HISTORIC)
def test_5_historic_violence_reaches_a_person(mtype, overrides, disposition, present, absent):
    check(mtype, overrides, disposition, present, absent)


# --- special category content recorded under another category -------------------------------
# 003 glossary 'Sensitive information': "(a) the racial or ethnic origin of the data subject;
# ... (c) his religious beliefs ...; (e) his physical or mental health"; 3.41: "particularly
# if it is sensitive information where the implications of sharing may be especially
# significant".

OPEN = {"confidential": "no", "consent": "not_required", "consent_given_by": None,
        "consent_scope": (), "subject_informed": "not_yet"}

SPECIAL_TEXT = [
    row("jag", {**OPEN, "category": "education", "risk": "welfare_concern",
                "summary": "The family are Muslim and he attends the mosque on Fridays."},
        "review", ("SPECIAL_CATEGORY_IN_TEXT",), (), id="religion-in-education-glossary-c"),
    row("mash", {**OPEN, "category": "housing", "risk": "welfare_concern",
                 "summary": "She is of Irish Traveller heritage and moves between sites."},
        "review", ("SPECIAL_CATEGORY_IN_TEXT",), (), id="ethnicity-in-housing-glossary-a"),
    row("mash", {**OPEN, "category": "education", "risk": "welfare_concern",
                 "summary": "Kim was diagnosed with type 1 diabetes in the summer."},
        "review", ("SPECIAL_CATEGORY_IN_TEXT",), (), id="health-in-education-glossary-e"),
    row("jag", {**OPEN, "category": "asb", "risk": "crime_disorder",
                "summary": "Seen with white powder near Church Street in a black hoodie."},
        "shared", ("NOT_CONFIDENTIAL",), ("SPECIAL_CATEGORY_IN_TEXT",),
        id="look-alike-words-not-special"),
    row("mash", {"category": "education", "risk": "welfare_concern",
                 "summary": "She asked for a quiet room to pray during Ramadan."},
        "shared", ("CONSENT_EXPLICIT",), ("SPECIAL_CATEGORY_IN_TEXT",),
        id="explicit-consent-is-a-condition-003-3.19"),
    row("mash", {**OPEN, "category": "domestic_abuse", "risk": "significant_harm_child",
                 "summary": "Mother, who is pregnant, was assaulted in front of the children."},
        "shared", ("NOT_CONFIDENTIAL",), ("SPECIAL_CATEGORY_IN_TEXT",),
        id="threshold-met-is-a-condition-003-3.43"),
    row("mash", {**OPEN, "category": "health", "risk": "welfare_concern",
                 "special_condition": "DPA 2018 Sch 1 para 18",
                 "summary": "Kim was diagnosed with type 1 diabetes in the summer."},
        "shared", ("NOT_CONFIDENTIAL",), ("SPECIAL_CATEGORY_IN_TEXT",),
        id="special-category-by-category-rule-11"),
    row("jag", {**OPEN, "category": "education", "risk": "welfare_concern",
                "legal_power": "Crime and Disorder Act 1998 s115",
                "summary": "He told staff he is gay and is being bullied for it."},
        "review", ("SPECIAL_CATEGORY_IN_TEXT",), (), id="power-is-not-a-condition-here"),
]


@pytest.mark.parametrize("mtype,overrides,disposition,present,absent", SPECIAL_TEXT)
def test_special_category_found_by_text(mtype, overrides, disposition, present, absent):
    d = check(mtype, overrides, disposition, present, absent)
    if "SPECIAL_CATEGORY_IN_TEXT" in d.reasons:
        assert any("special category information (" in n for n in d.notes), d.notes


@pytest.mark.parametrize(
    "text,found",
    [
        ("The family are Muslim.", ("religious_beliefs",)),
        ("Attends the local church every Sunday.", ("religious_beliefs",)),
        ("Christian Smith was at the address.", ()),
        ("She is a practising Christian.", ("religious_beliefs",)),
        ("Lives on Church Street near the Temple Road shops.", ()),
        ("Black British, lives with her grandmother.", ("racial_or_ethnic_origin",)),
        ("Wore a black hoodie; white powder seized.", ()),
        ("Racially abused a neighbour.", ("racial_or_ethnic_origin",)),
        ("He has expressed extreme right-wing views online.", ("political_opinions",)),
        ("Her partner is a trade union representative.", ("trade_union",)),
        ("She disclosed that she is bisexual.", ("sexual_life",)),
        ("Worried about sexual advances from older males.", ()),
        ("A paternity DNA test is awaited.", ("genetic_or_biometric",)),
        ("Seen by her GP for anxiety.", ("health",)),
        ("Served notice of termination of the tenancy.", ()),
        ("Lent him twenty pounds.", ()),
    ],
)
def test_special_category_text_classes(text, found):
    assert rules().special_category_text.found(text) == found


# --- the consent assessment on its own -------------------------------------------------------

@pytest.mark.parametrize(
    "overrides,state,codes",
    [
        ({}, "valid", ("CONSENT_EXPLICIT",)),
        ({"consent": "implied"}, "valid", ("CONSENT_IMPLIED",)),
        ({"consent": "refused"}, "none", ()),
        ({"consent_scope": ("early_help",)}, "none", ("CONSENT_SCOPE_NOT_COVERED",)),
        ({"consent_given_by": "other", "consent_scope": ()}, "none",
         ("CONSENT_GIVER_UNCLEAR", "CONSENT_SCOPE_NOT_COVERED")),
        ({**SAM}, "check", ("CHILD_CONSENT_COMPETENCE",)),
        ({**SAM, "consent_scope": ()}, "none", ("CONSENT_SCOPE_NOT_COVERED",)),
        ({**SEVENTEEN, **BY_PARENT}, "none", ("YOUNG_PERSON_DECIDES",)),
    ],
    ids=["explicit", "implied", "refused", "scope", "giver-and-scope", "under-12",
         "under-12-out-of-scope", "17-by-parent"],
)
def test_consent_assessment(overrides, state, codes):
    item = make_item(**overrides)
    meeting = make_meeting("marac")
    a = assess_consent(item, subject_age(item, meeting), "marac", rules())
    assert (a.state, a.codes) == (state, codes)


def test_1_no_reminder_to_seek_the_view_when_nothing_was_shared_on_the_consent():
    d = decide("mash", **KIM, **BY_PARENT, agency_decision="not_share", category="education",
               risk="welfare_concern")
    assert d.disposition == "withheld"
    assert "SEEK_CHILD_VIEW" not in d.agency_reminders
