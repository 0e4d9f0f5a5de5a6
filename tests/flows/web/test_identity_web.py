"""Identity confirmation in the review form: an item held because its subject is not linked
to the family's roster is shared only as about a roster member the reviewer chooses (as
`casebundle review decide --member`); the page shows the matcher's candidates and why, and
never names a member of another family to an agency reviewer."""

from __future__ import annotations

import pytest

from flows.web.identity import identity_view
from pipeline.audit import AuditStore
from pipeline.identity import apply_identity
from pipeline.meeting import MeetingConfig, load_meeting
from pipeline.models import MatchCandidate, MatchOutcome, SubjectMatch
from pipeline.policy import load_reviews, review_store_path
from tests.flows.web.conftest import (
    MISFILED_SUBJECT,
    REASON,
    add_misfiled,
    csrf_of,
    post_form,
    sample_with_police_review,
)
from tests.pipeline.render.sample_run import MEETING

MEETING_ID = "jag-2026-12"
#: FAM-001's members: none may be named to the school reviewer on FAM-002's item
FAM_001 = ("Tyler Kettering", "Dawn Kettering", "Lacey Kettering")


def card_of(page: str, item_id: str) -> str:
    return page.split(f'id="item-{item_id}"', 1)[1].split("</article>", 1)[0]


def stored(web):
    return load_reviews(review_store_path(web.published.state, MEETING_ID))


def test_coordinator_sees_the_candidates_and_why(web):
    item = web.published.ids["misfiled"]
    card = card_of(web.signed_in("coord").get(f"/review/{item}").text, item)
    assert "Probably FAM-001, not FAM-002" in card
    assert "<td>Tyler Kettering</td>" in card and "FAM-001" in card
    assert "forename exact; surname close; date of birth exact; role agrees" in card
    assert "14.5" in card
    # the share form offers FAM-002's members only
    select = card.split('name="member"', 1)[1].split("</select>", 1)[0]
    assert '<option value="Gary Pollitt">Gary Pollitt (parent)</option>' in select
    assert all(name not in select for name in FAM_001)


def test_agency_reviewer_is_not_told_who_in_another_family(web):
    item = web.published.ids["misfiled"]
    page = web.signed_in("sch").get(f"/review/{item}").text
    queue = web.signed_in("sch").get("/review").text
    for text in (page, queue):
        card = card_of(text, item)
        assert "Probably another family&#39;s member, not FAM-002&#39;s" in card
        assert "1 closer match in another family of this meeting is not shown" in card
        for leak in (*FAM_001, "FAM-001", "14.5", "surname close"):
            assert leak not in text, leak
    assert MISFILED_SUBJECT in page  # the agency's own spelling of its own subject


def test_share_needs_a_member_of_the_family(web):
    item = web.published.ids["misfiled"]
    sch = web.signed_in("sch")
    for data, message in (
        ({"decision": "share", "reason": REASON}, "Choose who the item is about"),
        ({"decision": "share", "reason": REASON, "member": "Tyler Kettering"},
         "not a member of FAM-002"),
        ({"decision": "share", "reason": REASON, "member": "  "},
         "Choose who the item is about"),
    ):
        r = post_form(sch, f"/review/{item}", f"/review/{item}", data)
        assert r.status_code == 400 and message in r.text, data
        assert REASON in r.text  # what was typed is kept
        # the refusal names no one of another family either
        assert all(name not in r.text for name in FAM_001 if name != data.get("member"))
    assert item not in stored(web)
    with AuditStore.from_settings(web.published.audit) as store:
        assert store.of_kind("review", MEETING_ID) == []


def test_share_with_the_member_confirms_who_it_is_about(web):
    item = web.published.ids["misfiled"]
    r = post_form(web.signed_in("sch"), f"/review/{item}", f"/review/{item}",
                  {"decision": "share", "reason": REASON, "member": "gary  POLLITT"})
    assert r.status_code == 200 and f"Recorded: share item {item} as about Gary Pollitt" in r.text
    d = stored(web)[item]
    assert (d.disposition, d.member, d.user, d.by) == ("shared", "Gary Pollitt", "sch",
                                                       "school reviewer")
    with AuditStore.from_settings(web.published.audit) as store:
        [record] = store.of_kind("review", MEETING_ID)
    assert record.data()["member"] == "Gary Pollitt" and record.data()["user"] == "sch"

    # the next run: the identity step takes the confirmation (same row, same hash)
    sample, _ = sample_with_police_review()
    again = add_misfiled(sample)
    assert again.item_id == item
    meeting = load_meeting(web.published.meeting_path)
    _, matches = apply_identity(sample.run.decisions, [again], sample.run.identities,
                                stored(web), meeting)
    assert (matches[item].outcome, matches[item].member) == ("confirmed", "Gary Pollitt")


def test_withhold_needs_no_member(web):
    item = web.published.ids["misfiled"]
    coord = web.signed_in("coord")
    page = coord.get(f"/review/{item}").text
    r = coord.post(f"/review/{item}", data={"csrf_token": csrf_of(page),
                                            "decision": "withhold", "reason": REASON,
                                            "member": "Gary Pollitt"},
                    follow_redirects=False)
    assert r.status_code == 303
    d = stored(web)[item]
    assert (d.disposition, d.member) == ("withheld", None)


def test_an_item_matched_to_the_roster_asks_for_no_member(web):
    item = web.published.ids["police_review"]
    card = card_of(web.signed_in("coord").get(f"/review/{item}").text, item)
    assert 'name="member"' not in card and "Who it is about" not in card


# --- what an agency reviewer may see of each outcome (table-driven) ---------------------------

_MEETING = MeetingConfig.model_validate(MEETING)


def _match(outcome: MatchOutcome, why: str, *cands: tuple[str, str, float], other: str | None = None,
           member: str | None = None) -> SubjectMatch:
    return SubjectMatch(
        item_id="x", family_ref="FAM-001", outcome=outcome, member=member, score=5.0, why=why,
        candidates=tuple(MatchCandidate(family_ref=f, member=m, score=s, why="forename exact")
                         for f, m, s in cands), other_family=other)


@pytest.mark.parametrize("match,shown,hidden,why_has,why_lacks", [
    (_match("ambiguous", "2 members of FAM-001 match about equally well (scores 12, 11.5)",
            ("FAM-001", "Tyler Kettering", 12), ("FAM-001", "Lacey Kettering", 11.5)),
     ["Tyler Kettering", "Lacey Kettering"], 0, "2 members of FAM-001", ""),
    (_match("ambiguous", "a member of FAM-002 matches about as well (score 11) as the best "
            "member of FAM-001 (12)",
            ("FAM-001", "Tyler Kettering", 12), ("FAM-002", "Gary Pollitt", 11)),
     ["Tyler Kettering"], 1, "another family", "FAM-002"),
    (_match("other_family", "matches a member of FAM-004 (score 16: forename exact) better "
            "than any member of FAM-001", ("FAM-004", "Ellie Brannigan", 16), other="FAM-004"),
     [], 1, "another family", "FAM-004"),
    (_match("not_on_roster", "no member of FAM-001 is close (best score -3)",
            ("FAM-003", "Kwame Osei", 4)),
     [], 1, "member of FAM-001 is close", "FAM-003"),
    (_match("weak", "the closest member of FAM-001 scores 5", ("FAM-001", "Dawn Kettering", 5)),
     ["Dawn Kettering"], 0, "FAM-001 scores 5", ""),
])
def test_identity_view_for_an_agency_reviewer(match, shown, hidden, why_has, why_lacks):
    agency = identity_view(match, _MEETING, sees_all=False)
    coord = identity_view(match, _MEETING, sees_all=True)
    assert agency is not None and coord is not None
    assert [c.member for c in agency.candidates] == shown and agency.hidden == hidden
    assert why_has in agency.why and (not why_lacks or why_lacks not in agency.why)
    others = {c.member for c in match.candidates} - set(shown)
    assert not any(name in f"{agency.headline} {agency.why}" for name in others)
    # the coordinator sees everything the matcher said
    assert [c.member for c in coord.candidates] == [c.member for c in match.candidates]
    assert coord.hidden == 0 and coord.why[1:] == match.why[1:]


def test_identity_view_without_a_match():
    assert identity_view(None, _MEETING, sees_all=True) is None
