"""The 35 hard cases (tests/cases/policy/hard_cases.yaml) decide as the guidance says.

Each case carries the outcome and the paragraph written down from the guidance before the
engine was changed; the runner puts the row through the policy engine and the merge stage
(chair's chronology, recipient views, receipt). `benchmarks/policy_hard_cases.py` prints
the same comparison as a table.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.pipeline.policy.hard_cases import Case, cases, check_case, meeting

CASES = cases()


def test_the_table_is_complete():
    assert len(CASES) == 35
    assert len({c.id for c in CASES}) == 35
    assert {c.meeting for c in CASES} == {"jag", "mash", "marac"}
    by_issue = Counter(c.issue for c in CASES)
    # every correction of issue 12, the special-category check, and controls
    assert set(by_issue) == {"1", "2", "3", "4", "5", "6", "7", "8", "special", "control"}
    for c in CASES:
        assert c.guidance.strip(), c.id
        assert any(seed in c.guidance for seed in ("003 ", "001 ", "000 ", "004 ")), c.id
        assert c.expect["disposition"] in ("shared", "withheld", "review"), c.id
        meeting(c.meeting)  # the meeting config is valid


@pytest.mark.parametrize("case", CASES, ids=[f"{c.id}-{c.issue}" for c in CASES])
def test_hard_case(case: Case):
    assert check_case(case) == [], f"{case.title}: {case.guidance}"
