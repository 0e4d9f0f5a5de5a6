"""The matcher on the sample meeting's roster: one table of subjects as agencies write them,
with the outcome each must get (valid and invalid side by side)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.identity import Roster, Subject, dob_level, load_matcher
from pipeline.meeting import SAMPLE_MEETING, load_meeting

MATCHER = load_matcher()
ROSTER = Roster(load_meeting(SAMPLE_MEETING))
TONY = date(2009, 5, 14)
GARY = date(1981, 6, 19)
d = date

CASES = [
    # name, dob, role, filed under -> outcome, member (or other family)
    ("Tony Harrowfield", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("Tony HARROWFIELD", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("HARROWFIELD, Tony", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("TONY HARROWFIELD", TONY, "victim", "FAM-001", "matched", "Tony Harrowfield"),
    ("Anthony Harrowfield", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("Tone Harrowfield", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),  # alias
    ("Tnoy Harrowfield", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("Tony Harrowfeild", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("T. Harrowfield", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("Harrowfield Tony", TONY, "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("Tony Harrowfield", d(2009, 5, 15), "child", "FAM-001", "matched", "Tony Harrowfield"),
    ("Gaz Marchetti", GARY, "parent", "FAM-002", "matched", "Gary Marchetti"),
    ("Gaz Marchetti", None, "parent", "FAM-002", "matched", "Gary Marchetti"),
    ("Sharon Marchetti", d(1983, 2, 12), "parent", "FAM-002", "matched", "Sharon Marchetti"),
    ("Baby Wrexley", None, "unborn_child", "FAM-003", "matched", "Unborn baby Wrexley"),
    # name matches, date of birth disagrees: a person checks
    ("Tony Harrowfield", d(2011, 9, 1), "child", "FAM-001", "weak", None),
    # a first name only, no date of birth
    ("Tony", None, "child", "FAM-001", "weak", None),
    # a surname only: four members could be meant
    ("HARROWFIELD", None, "victim", "FAM-001", "ambiguous", None),
    # not on the roster: unrelated, or a relative sharing the surname
    ("Kelsey Doughty", d(2011, 6, 3), "child", "FAM-001", "not_on_roster", None),
    ("Maureen Wrexley", d(1958, 4, 1), "household_member", "FAM-003", "not_on_roster", None),
    ("Jordan Harrowfield", d(2013, 1, 1), "child", "FAM-001", "not_on_roster", None),
    # a member of another family: probably filed under the wrong family
    ("Kyle Marchetti", d(2012, 1, 8), "child", "FAM-004", "other_family", "FAM-002"),
    ("MARCHETTI, Kyle", d(2012, 1, 8), "child", "FAM-001", "other_family", "FAM-002"),
]


@pytest.mark.parametrize("name,dob,role,family,outcome,who", CASES,
                         ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in CASES])
def test_outcome(name, dob, role, family, outcome, who):
    m = MATCHER.match("i", Subject(name, dob, role), family, ROSTER)
    assert m.outcome == outcome, m.why
    if outcome == "matched":
        assert m.member == who and m.linked
    else:
        assert m.member is None and not m.linked
    if outcome == "other_family":
        assert m.other_family == who and m.candidates[0].family_ref == who
        assert who in m.why
    if outcome in ("weak", "ambiguous"):
        assert m.candidates and all(c.family_ref == family for c in m.candidates)


def test_why_names_no_one():
    for name, dob, role, family, *_ in CASES:
        m = MATCHER.match("i", Subject(name, dob, role), family, ROSTER)
        for word in name.replace(",", " ").split():
            if len(word) > 2:
                assert word.casefold() not in m.why.casefold(), (name, m.why)


def test_namesake_in_another_family_makes_a_missing_date_ambiguous():
    meeting = load_meeting(SAMPLE_MEETING).model_dump(mode="json")
    meeting["families"][3]["members"].append(
        {"name": "Tony Harrowfield", "dob": "2015-02-02", "role": "child"})  # a cousin
    roster = Roster(type(load_meeting(SAMPLE_MEETING)).model_validate(meeting))
    no_dob = MATCHER.match("i", Subject("Tony Harrowfield", None, "child"), "FAM-001", roster)
    assert no_dob.outcome == "ambiguous" and "FAM-004" in no_dob.why
    right = MATCHER.match("i", Subject("Tony Harrowfield", TONY, "child"), "FAM-001", roster)
    assert right.outcome == "matched"
    cousin = MATCHER.match("i", Subject("Tony Harrowfield", d(2015, 2, 2), "child"), "FAM-001",
                           roster)
    assert cousin.outcome == "other_family" and cousin.other_family == "FAM-004"


@pytest.mark.parametrize("subject,member,level", [
    (d(2009, 5, 14), d(2009, 5, 14), "exact"),
    (d(2009, 4, 5), d(2009, 5, 4), "swapped"),
    (d(2008, 5, 14), d(2009, 5, 14), "near"),  # one digit
    (d(2009, 5, 16), d(2009, 5, 14), "near"),
    (d(2009, 5, 31), d(2009, 5, 13), "near"),  # 31 / 13: neighbours transposed
    (None, d(2009, 5, 14), "missing"),
    (d(2009, 5, 14), None, "missing"),
    (d(2011, 9, 1), d(2009, 5, 14), "different"),
])
def test_dob_levels(subject, member, level):
    assert dob_level(subject, member) == level


def test_an_unnamed_baby_is_not_a_named_member():
    ben = next(m for m in ROSTER.family("FAM-003") if m.name == "Ben Wrexley")
    baby = next(m for m in ROSTER.family("FAM-003") if m.role == "unborn_child")
    subject = Subject("Baby Wrexley", None, "unborn_child")
    assert MATCHER.compare(subject, ben).forename == "different"
    assert MATCHER.compare(subject, baby).forename == "placeholder"
    assert MATCHER.compare(Subject("Ben Wrexley", None, "child"), baby).forename == "different"
    assert MATCHER.compare(Subject("WREXLEY", None, "victim"), baby).forename == "missing"
