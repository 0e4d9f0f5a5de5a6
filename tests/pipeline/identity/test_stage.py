"""The identity stage on real items: matching before the policy, the outcome applied after
it, review confirmations, and which names redaction keeps."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.identity import (
    Roster,
    apply_identity,
    linked_subject_names,
    load_matcher,
    match_items,
    outcome_counts,
    unmatched_agencies,
)
from pipeline.identity.stage import subject_of
from pipeline.ingest import collect, discover, read_and_validate
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting
from pipeline.models import Decision, SubjectMatch
from pipeline.policy import ReviewDecision, decide_items, load_policy
from pipeline.redact import keep_names
from tests.conftest import TODAY

AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
REASON = "Checked against the school's records: this is the family's child, DOB mistyped."


@pytest.fixture(scope="module")
def sample():
    meeting = load_meeting(SAMPLE_MEETING)
    items = collect([read_and_validate(f, meeting, TODAY) for f in discover(SAMPLE_INBOX)]).items
    matches = match_items(items, meeting, load_matcher())
    decisions = {d.item_id: d for d in decide_items(items, meeting, load_policy())}
    return meeting, items, matches, decisions


def test_a_subject_written_alike_in_many_items_is_matched_once_for_each(sample):
    """match_items matches each (subject, family) once; every item still gets its own
    match, the same as matching that item alone."""
    meeting, items, matches, _ = sample
    matcher, roster = load_matcher(), Roster(meeting)
    repeated = [i for i in items if sum(subject_of(j) == subject_of(i)
                                        and j.family_ref == i.family_ref for j in items) > 1]
    assert len(repeated) >= 10
    for i in items:
        assert matches[i.item_id] == matcher.match(i.item_id, subject_of(i), i.family_ref,
                                                   roster)
        assert matches[i.item_id].item_id == i.item_id


def _one(items, matches, outcome):
    (item,) = [i for i in items if matches[i.item_id].outcome == outcome]
    return item


def test_sample_outcomes(sample):
    _, items, matches, _ = sample
    counts = outcome_counts(matches)
    assert counts["not_on_roster"] == 1 and counts["other_family"] == 1
    assert counts["matched"] == len(items) - 2
    assert _one(items, matches, "not_on_roster").subject_name == "Kelsey Doughty"
    misfiled = _one(items, matches, "other_family")
    assert matches[misfiled.item_id].other_family == "FAM-002"
    gaz = next(i for i in items if i.subject_name == "Gaz Marchetti")
    assert matches[gaz.item_id].member == "Gary Marchetti"


def test_unlinked_items_the_policy_would_share_go_to_review(sample):
    meeting, items, matches, decisions = sample
    kelsey = _one(items, matches, "not_on_roster")
    kyle = _one(items, matches, "other_family")
    for item in (kelsey, kyle):
        assert decisions[item.item_id].disposition == "shared"  # what the policy said
    out, after = apply_identity(decisions, items, matches, {}, meeting)
    assert out[kelsey.item_id].disposition == "review"
    assert out[kelsey.item_id].reasons[0] == "SUBJECT_NOT_ON_ROSTER"
    assert out[kyle.item_id].reasons[0] == "SUBJECT_PROBABLY_MISFILED"
    for item in (kelsey, kyle):
        d = out[item.item_id]
        assert d.recipients == () and "INFORM_SUBJECT" not in d.agency_reminders
    # every linked item keeps the policy's decision exactly
    for item in items:
        if matches[item.item_id].linked:
            assert out[item.item_id] == decisions[item.item_id]
    assert after == matches


def test_withheld_stays_withheld_and_review_keeps_the_identity_code_first(sample):
    meeting, items, matches, decisions = sample
    kelsey = _one(items, matches, "not_on_roster")
    base = decisions[kelsey.item_id]
    for disposition, first in (("withheld", "PI_SIGNIFICANT_HARM"),
                               ("review", "SUBJECT_NOT_ON_ROSTER")):
        d = base.model_copy(update={"disposition": disposition})
        out, _ = apply_identity({**decisions, kelsey.item_id: d}, items, matches, {}, meeting)
        assert out[kelsey.item_id].disposition == disposition
        assert out[kelsey.item_id].reasons[0] == first
        assert "SUBJECT_NOT_ON_ROSTER" in out[kelsey.item_id].reasons


def _review(item, member=None, disposition="shared", content_hash=None):
    return ReviewDecision(item_id=item.item_id, content_hash=content_hash or item.content_hash,
                          disposition=disposition, reason=REASON, by="JAG coordinator", at=AT,
                          member=member)


def test_a_confirmed_member_links_and_shares(sample):
    meeting, items, matches, _ = sample
    kelsey = _one(items, matches, "not_on_roster")
    review = _review(kelsey, member="louise harrowfield")  # case and spacing ignored
    decisions = {d.item_id: d for d in decide_items(items, meeting, load_policy(),
                                                    {kelsey.item_id: review})}
    out, after = apply_identity(decisions, items, matches, {kelsey.item_id: review}, meeting)
    d, m = out[kelsey.item_id], after[kelsey.item_id]
    assert d.disposition == "shared" and "SUBJECT_MATCH_CONFIRMED" in d.reasons
    assert d.reviewed_by == "JAG coordinator"
    assert m.outcome == "confirmed" and m.member == "Louise Harrowfield" and m.linked
    assert "JAG coordinator" in m.why
    # once confirmed, the agency's spelling is a kept family name
    assert "Kelsey Doughty" in keep_names(meeting, "FAM-001", items, after)


@pytest.mark.parametrize("member,stale", [(None, False), ("Kyle Marchetti", False),
                                          ("Louise Harrowfield", True)],
                         ids=["no-member", "member-of-another-family", "row-changed"])
def test_a_share_decision_that_does_not_settle_who_keeps_the_item_in_review(sample, member,
                                                                              stale):
    meeting, items, matches, _ = sample
    kelsey = _one(items, matches, "not_on_roster")
    review = _review(kelsey, member=member, content_hash="0" * 64 if stale else None)
    decisions = {d.item_id: d for d in decide_items(items, meeting, load_policy(),
                                                    {kelsey.item_id: review})}
    out, after = apply_identity(decisions, items, matches, {kelsey.item_id: review}, meeting)
    d = out[kelsey.item_id]
    assert d.disposition == "review" and d.reasons[0] == "SUBJECT_NOT_ON_ROSTER"
    assert "REVIEW_DECISION_SHARE" not in d.reasons and d.reviewed_by is None
    assert ("SUBJECT_CONFIRMATION_NOT_APPLIED" in d.reasons) is not stale
    assert not after[kelsey.item_id].linked
    assert "Kelsey Doughty" not in keep_names(meeting, "FAM-001", items, after)


def test_a_withhold_decision_withholds(sample):
    meeting, items, matches, _ = sample
    kyle = _one(items, matches, "other_family")
    review = _review(kyle, disposition="withheld")
    decisions = {d.item_id: d for d in decide_items(items, meeting, load_policy(),
                                                    {kyle.item_id: review})}
    out, _ = apply_identity(decisions, items, matches, {kyle.item_id: review}, meeting)
    assert out[kyle.item_id].disposition == "withheld"
    assert out[kyle.item_id].reasons[0] == "REVIEW_DECISION_WITHHOLD"
    assert out[kyle.item_id].reasons[-1] == "SUBJECT_PROBABLY_MISFILED"


def test_keep_names_holds_roster_names_and_linked_spellings_only(sample):
    meeting, items, matches, _ = sample
    fam1 = keep_names(meeting, "FAM-001", items, matches)
    assert "Tony Harrowfield" in fam1 and "Tone" in fam1
    assert "Kelsey Doughty" not in fam1
    fam2 = keep_names(meeting, "FAM-002", items, matches)
    assert "Gaz Marchetti" in fam2  # the agency's spelling of a linked subject
    fam4 = keep_names(meeting, "FAM-004", items, matches)
    assert not [n for n in fam4 if "Kyle" in n]
    assert linked_subject_names("FAM-001", items, matches) == tuple(sorted(
        {i.subject_name for i in items if i.family_ref == "FAM-001"} - {"Kelsey Doughty"}))


def test_agencies_with_no_linked_row(sample):
    meeting, items, matches, _ = sample
    assert unmatched_agencies(items, matches) == {}
    unlinked = {k: m.model_copy(update={"outcome": "not_on_roster", "member": None})
                if items_by_id(items)[k].agency == "yos" else m for k, m in matches.items()}
    rows = sum(i.agency == "yos" for i in items)
    assert unmatched_agencies(items, unlinked) == {"yos": rows}


def items_by_id(items):
    return {i.item_id: i for i in items}


def test_missing_identity_record_fails_closed(sample):
    meeting, items, matches, decisions = sample
    partial = dict(matches)
    partial.pop(items[0].item_id)
    with pytest.raises(ValueError, match="no identity outcome"):
        apply_identity(decisions, items, partial, {}, meeting)


OUTCOMES = ("matched", "weak", "ambiguous", "not_on_roster", "other_family")
DISPOSITIONS = ("shared", "withheld", "review")


@settings(max_examples=100, deadline=None)
@given(drawn=st.lists(st.tuples(st.sampled_from(OUTCOMES), st.sampled_from(DISPOSITIONS)),
                      min_size=20, max_size=20))
def test_property_an_unlinked_item_is_never_shared(sample, drawn):
    """Whatever the policy decided and whatever the matcher said, every item keeps exactly
    one decision, and no item whose subject is not linked ends up shared or addressed."""
    meeting, all_items, _, _ = sample
    items = all_items[:20]
    chosen, policy = {}, {}
    for item, (outcome, disposition) in zip(items, drawn, strict=True):
        chosen[item.item_id] = SubjectMatch(
            item_id=item.item_id, family_ref=item.family_ref, outcome=outcome,
            member=item.subject_name if outcome == "matched" else None, why="drawn")
        policy[item.item_id] = Decision(item_id=item.item_id, disposition=disposition,
                                        reasons=("NOT_CONFIDENTIAL",))
    out, after = apply_identity(policy, items, chosen, {}, meeting)
    assert set(out) == set(policy) and set(after) == {i.item_id for i in items}
    for item in items:
        d = out[item.item_id]
        if not after[item.item_id].linked:
            assert d.disposition != "shared" and d.recipients == ()
        else:
            assert d == policy[item.item_id]
