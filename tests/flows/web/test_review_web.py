"""The review queue in the browser's terms: reasons with citations, redacted text, and a
decision recorded under the signed-in account, in the store and the audit chain, that the
next run applies."""

from __future__ import annotations

from pipeline.audit import AuditStore, review_entries
from pipeline.meeting import load_meeting
from pipeline.policy import decide, load_policy, load_reviews, review_store_path
from pipeline.review_desk import load_queue
from tests.flows.web.conftest import (
    POLICE_REVIEW_TEXT,
    REASON,
    post_form,
    sample_with_police_review,
)
from tests.pipeline.render.sample_run import RAW_NAMES

MEETING_ID = "jag-2026-12"


def test_queue_shows_reasons_citations_and_redacted_text_only(web):
    page = web.signed_in("coord").get("/review").text
    assert "Awaiting a decision (3)" in page
    rc = load_policy().reason_codes["SOURCE_AT_RISK"]
    assert "SOURCE_AT_RISK" in page
    assert rc.citation in page  # the paragraph, not just the code
    assert " ".join(rc.explanation.split())[:60] in page
    assert "NO_SUCH_CODE</span>: (this code is not in the policy rules)" in page
    assert POLICE_REVIEW_TEXT in page
    for name in RAW_NAMES:
        assert name not in page


def test_decide_share_records_the_signed_in_user(web):
    client = web.signed_in("pol")
    item = web.published.ids["police_review"]
    r = post_form(client, f"/review/{item}", f"/review/{item}",
                  {"decision": "share", "reason": REASON, "by": "Chief Constable"})
    assert r.status_code == 200 and "Recorded: share item" in r.text
    assert "Awaiting a decision (0)" in r.text and "Decided, applies from the next run (1)" in r.text
    decision = load_reviews(review_store_path(web.published.state, MEETING_ID))[item]
    # the role comes from the account, never from the form ("by" above is ignored)
    assert (decision.user, decision.by, decision.disposition) == ("pol", "police reviewer",
                                                                  "shared")
    queue = load_queue(web.published.state, MEETING_ID)
    entry_in_queue = queue.get(item) if queue is not None else None
    assert entry_in_queue is not None
    assert decision.content_hash == entry_in_queue.content_hash
    with AuditStore.from_settings(web.published.audit) as store:
        [entry] = review_entries(store, MEETING_ID)
    assert (entry.user, entry.role, entry.by, entry.item_id, entry.disposition) == (
        "pol", "agency_reviewer", "police reviewer", item, "shared")
    assert entry.run_id == web.published.run_id and entry.reason == " ".join(REASON.split())


def test_the_next_run_applies_the_web_decision(web):
    item = web.published.ids["police_review"]
    post_form(web.signed_in("coord"), "/review", f"/review/{item}",
              {"decision": "withhold", "reason": REASON})
    _, police = sample_with_police_review()  # the same row again, as the next run reads it
    assert police.item_id == item
    [d] = decide([police], load_meeting(web.published.meeting_path), load_policy(),
                 web.published.state)
    assert (d.disposition, d.reasons[0]) == ("withheld", "REVIEW_DECISION_WITHHOLD")
    assert (d.reviewed_by, d.reviewed_user) == ("meeting coordinator", "coord")
    changed = police.model_copy(update={"content_hash": "0" * 64})  # the agency edited it
    [again] = decide([changed], load_meeting(web.published.meeting_path), load_policy(),
                     web.published.state)
    assert again.disposition == "review" and "REVIEW_DECISION_STALE" in again.reasons


def test_boilerplate_reason_is_refused_and_nothing_recorded(web):
    client = web.signed_in("coord")
    item = web.published.ids["police_review"]
    for data, message in (({"decision": "share", "reason": "n/a"}, "empty or boilerplate"),
                          ({"decision": "share", "reason": "ok"}, "empty or boilerplate"),
                          ({"reason": REASON}, "Choose Share or Withhold"),
                          ({"decision": "publish", "reason": REASON},
                           "Choose Share or Withhold")):
        r = post_form(client, f"/review/{item}", f"/review/{item}", data)
        assert r.status_code == 400 and message in r.text
        assert data["reason"] in r.text  # what was typed is kept for correction
    assert load_reviews(review_store_path(web.published.state, MEETING_ID)) == {}
    with AuditStore.from_settings(web.published.audit) as store:
        assert review_entries(store, MEETING_ID) == []


def test_a_later_decision_supersedes_and_both_are_in_the_record(web):
    item = web.published.ids["police_review"]
    post_form(web.signed_in("pol"), "/review", f"/review/{item}",
              {"decision": "share", "reason": REASON})
    post_form(web.signed_in("coord"), "/review", f"/review/{item}",
              {"decision": "withhold", "reason": REASON + " Overruled at the chair's check."})
    decision = load_reviews(review_store_path(web.published.state, MEETING_ID))[item]
    assert (decision.disposition, decision.user) == ("withheld", "coord")
    with AuditStore.from_settings(web.published.audit) as store:
        assert [e.user for e in review_entries(store, MEETING_ID)] == ["pol", "coord"]


def test_family_filter(web):
    client = web.signed_in("coord")
    assert "Awaiting a decision (2)" in client.get("/review?family=FAM-001").text
    assert "Awaiting a decision (0)" in client.get("/review?family=FAM-003").text


def test_no_run_yet(web):
    import shutil

    shutil.rmtree(web.published.out)
    (web.published.state / MEETING_ID / "review_queue.json").unlink()
    page = web.signed_in("coord").get("/review")
    assert page.status_code == 200 and "The meeting has not run yet" in page.text


def test_a_queue_older_than_the_outputs_is_flagged(web):
    summary = web.published.out / MEETING_ID / "run_summary.json"
    summary.write_text(summary.read_text().replace('"run-0001"', '"run-0002"'))
    page = web.signed_in("coord").get("/review").text
    assert "This queue is from run run-0001, but the latest outputs are from run run-0002" \
        in page
