"""The redaction review page: unsure words per family, highlighted in their redacted context,
with restore / confirm / allow-list decisions recorded under the signed-in account (in the
audit chain first, then the meeting's redaction decisions); an agency reviewer sees and
decides only their own agency's words, by URL and by form as well."""

from __future__ import annotations

import re

import pytest

from pipeline.audit import AuditStore, redaction_entries
from pipeline.redact import list_unsure, load_redaction_review
from tests.flows.web.conftest import SPANS, csrf_of, post_form

MEETING_ID = "jag-2026-12"
REASON = "the name of a local youth programme"


def decisions(web) -> dict:
    return dict(load_redaction_review(web.published.state, MEETING_ID).decisions)


def audit_entries(web) -> list:
    with AuditStore.from_settings(web.published.audit) as store:
        return redaction_entries(store, MEETING_ID)


def main_of(page: str) -> str:
    return page.split("<main>", 1)[1].split("</main>", 1)[0]


def test_words_per_family_highlighted_in_context(web):
    page = web.signed_in("coord").get("/redactions").text
    # every word, in its family's section, highlighted where it was removed
    for label, (_, _, word, pseudonym, context) in SPANS.items():
        span_id = web.published.spans[label]
        before, _, rest = context.partition("⟦")
        after = rest.partition("⟧")[2]
        assert f'data-span="{span_id}">{before}<mark>{word}</mark>{after}</p>' in page
        assert f"The text shows it as <strong>{pseudonym}</strong>" in page
    fam1 = page.split('id="family-FAM-001"', 1)[1].split("</section>", 1)[0]
    fam2 = page.split('id="family-FAM-002"', 1)[1].split("</section>", 1)[0]
    assert "FAM-001: 3 awaiting a decision" in fam1 and "Moose" not in fam1
    assert "FAM-002: 1 awaiting a decision" in fam2 and "Moose" in fam2
    # the raw names the run replaced are nowhere on the page: only pseudonyms around words
    assert "Connor Maddox" not in page


def test_pending_counts_per_family_and_in_the_menu(web):
    coord = web.signed_in("coord")
    page = coord.get("/redactions").text
    assert re.search(r'href="/redactions" aria-current="page">Redaction review '
                     r'<span class="badge"[^>]*>4</span>', page)
    assert re.search(r'FAM-001 <span class="badge" title="awaiting a decision">3</span>', page)
    assert re.search(r'FAM-002 <span class="badge" title="awaiting a decision">1</span>', page)
    # every page's menu carries the count, for the viewer's own agency
    assert re.search(r"Redaction review <span class=\"badge\"[^>]*>4</span>",
                     coord.get("/runs").text)
    pol = web.signed_in("pol").get("/review").text
    assert re.search(r"Redaction review <span class=\"badge\"[^>]*>3</span>", pol)
    hea = web.signed_in("hea").get("/review").text
    assert re.search(r"Redaction review <span class=\"badge\"[^>]*>1</span>", hea)
    # one decided: the counts go down
    post_form(coord, "/redactions", f"/redactions/{web.published.spans['police_fam2']}",
              {"action": "confirm", "reason": "a street nickname of an adult"})
    page = coord.get("/redactions").text
    assert re.search(r"Redaction review <span class=\"badge\"[^>]*>3</span>", page)
    assert re.search(r'FAM-002 <span class="badge zero" title="awaiting a decision">0</span>',
                     page)
    only2 = coord.get("/redactions?family=FAM-002").text
    assert "FAM-002: 0 awaiting a decision" in only2 and 'id="family-FAM-001"' not in only2
    assert "Moose" in only2.split('id="decided-FAM-002"', 1)[1]


def test_restore_is_recorded_under_the_signed_in_account(web):
    coord = web.signed_in("coord")
    span = web.published.spans["police_shared"]
    r = post_form(coord, "/redactions", f"/redactions/{span}",
                  {"action": "restore", "reason": REASON, "by": "Chief Constable"})
    assert r.status_code == 200 and "Recorded: restore \u201cRazor\u201d" in r.text
    assert str(r.url).endswith("/redactions?family=FAM-001")
    d = decisions(web)[span]
    # the role and account come from the session, never from the form
    assert (d.action, d.allow, d.by, d.user, d.agency, d.reason) == (
        "restore", False, "meeting coordinator", "coord", "police", REASON)
    [entry] = audit_entries(web)
    assert (entry.span_id, entry.user, entry.by, entry.action, entry.run_id) == (
        span, "coord", "meeting coordinator", "restore", web.published.run_id)
    # listed as decided, no longer awaiting
    decided = r.text.split('id="decided-FAM-001"', 1)[1].split("</table>", 1)[0]
    assert "Razor" in decided and "coord" in decided and "from the next run" in decided


def test_agency_reviewer_restores_their_own_word(web):
    pol = web.signed_in("pol")
    span = web.published.spans["police_review"]
    r = post_form(pol, f"/redactions/{span}", f"/redactions/{span}",
                  {"action": "restore", "reason": REASON})
    assert r.status_code == 200 and "Recorded: restore" in r.text
    assert (decisions(web)[span].by, decisions(web)[span].user) == ("police reviewer", "pol")


def test_allow_list_is_the_coordinators(web):
    span = web.published.spans["police_review"]
    pol = web.signed_in("pol")
    page = pol.get(f"/redactions/{span}").text
    assert 'value="allow"' not in page and "ask the coordinator" in page
    r = pol.post(f"/redactions/{span}", data={"csrf_token": csrf_of(page), "action": "allow",
                                              "reason": REASON})
    assert r.status_code == 403 and "Only the meeting coordinator" in r.text
    assert decisions(web) == {} and audit_entries(web) == []

    coord = web.signed_in("coord")
    assert 'value="allow"' in coord.get(f"/redactions/{span}").text
    r = post_form(coord, f"/redactions/{span}", f"/redactions/{span}",
                  {"action": "allow", "reason": REASON})
    assert "in every text of the meeting (allow-list)" in r.text
    review = load_redaction_review(web.published.state, MEETING_ID)
    assert review.allow_words == ("Quillan",)
    assert audit_entries(web)[0].allow is True


@pytest.mark.parametrize("data,status,message", [
    ({"action": "restore", "reason": "ok"}, 400, "fewer than 3 words"),
    ({"action": "restore", "reason": ""}, 400, "fewer than 3 words"),
    ({"reason": REASON}, 400, "Choose Restore or Confirm"),
    ({"action": "delete", "reason": REASON}, 400, "Choose Restore or Confirm"),
])
def test_a_decision_needs_an_action_and_a_reason(web, data, status, message):
    coord = web.signed_in("coord")
    span = web.published.spans["health"]
    r = post_form(coord, f"/redactions/{span}", f"/redactions/{span}", data)
    assert r.status_code == status and message in r.text
    if data["reason"]:
        assert f'value="{data["reason"]}"' in r.text  # what was typed is kept
    assert decisions(web) == {} and audit_entries(web) == []


def test_confirm_then_change_of_mind_both_recorded(web):
    coord = web.signed_in("coord")
    span = web.published.spans["health"]
    post_form(coord, "/redactions", f"/redactions/{span}",
              {"action": "confirm", "reason": "the name of a private clinic"})
    post_form(coord, "/redactions", f"/redactions/{span}",
              {"action": "restore", "reason": "the NHS clinic's public name"})
    assert decisions(web)[span].action == "restore"
    assert [e.action for e in audit_entries(web)] == ["confirm", "restore"]


# --- access: another agency's word is not found, by URL and by form ---------------------------


def test_reviewer_sees_only_their_agencys_words(web):
    pol = main_of(web.signed_in("pol").get("/redactions").text)
    hea = main_of(web.signed_in("hea").get("/redactions").text)
    for label, (_, _, word, _, _) in SPANS.items():
        police = label != "health"
        assert (word in pol) == police and (web.published.spans[label] in pol) == police
        assert (word in hea) == (not police)
    assert "police" in pol and 'id="family-FAM-002"' in pol
    assert 'id="family-FAM-002"' not in hea  # health has no word in FAM-002
    sch = web.signed_in("sch").get("/redactions").text
    assert 'id="no-spans"' in sch and "<mark>" not in sch


def test_another_agencys_word_by_url_is_not_found(web):
    hea = web.signed_in("hea")
    police_span = web.published.spans["police_review"]
    other = hea.get(f"/redactions/{police_span}")
    missing = hea.get("/redactions/" + "0" * 16)
    bad = hea.get("/redactions/..%2F..%2Fusers.json")
    assert other.status_code == missing.status_code == bad.status_code == 404
    assert "Quillan" not in other.text
    assert other.text.replace(police_span, "X") == missing.text.replace("0" * 16, "X")


def test_another_agencys_word_by_form_is_not_found_and_not_recorded(web):
    hea = web.signed_in("hea")
    token = csrf_of(hea.get("/redactions").text)  # the reviewer's own valid token
    for action in ("restore", "confirm", "allow"):
        r = hea.post(f"/redactions/{web.published.spans['police_review']}",
                     data={"csrf_token": token, "action": action, "reason": REASON})
        assert r.status_code == 404 and "Quillan" not in r.text
    assert decisions(web) == {} and audit_entries(web) == []


def test_a_form_without_the_csrf_token_is_refused(web):
    coord = web.signed_in("coord")
    span = web.published.spans["health"]
    for data in ({"action": "restore", "reason": REASON},
                 {"action": "restore", "reason": REASON, "csrf_token": "forged"}):
        r = coord.post(f"/redactions/{span}", data=data)
        assert r.status_code == 403 and "Form refused" in r.text
    # another session's token is no better
    other = csrf_of(web.signed_in("hea").get("/redactions").text)
    r = coord.post(f"/redactions/{span}", data={"action": "restore", "reason": REASON,
                                                 "csrf_token": other})
    assert r.status_code == 403
    assert decisions(web) == {} and audit_entries(web) == []


def test_governance_lead_does_not_decide(web):
    gov = web.signed_in("gov")
    span = web.published.spans["health"]
    assert gov.get("/redactions").status_code == 403
    assert gov.get(f"/redactions/{span}").status_code == 403
    token = csrf_of(gov.get("/runs").text)
    r = gov.post(f"/redactions/{span}", data={"csrf_token": token, "action": "confirm",
                                              "reason": REASON})
    assert r.status_code == 403 and decisions(web) == {}
    assert "/redactions" not in gov.get("/runs").text.split("</nav>", 1)[0]


def test_governance_page_lists_redaction_decisions(web):
    post_form(web.signed_in("pol"), "/redactions",
              f"/redactions/{web.published.spans['police_review']}",
              {"action": "confirm", "reason": "a nickname of an older youth"})
    page = web.signed_in("gov").get("/governance").text
    table = page.split('id="redaction-decisions"', 1)[1].split("</table>", 1)[0]
    assert "pol" in table and "police reviewer" in table and "keep removed" in table
    assert "a nickname of an older youth" in table
    assert "Quillan" not in page  # the word itself is not shown to governance


# --- the list as the run left it ---------------------------------------------------------------


def test_a_list_older_than_the_outputs_is_flagged(web):
    summary = web.published.out / MEETING_ID / "run_summary.json"
    summary.write_text(summary.read_text().replace('"run-0001"', '"run-0002"'))
    page = web.signed_in("coord").get("/redactions").text
    assert "This list is from run run-0001, but the latest outputs are from run run-0002" \
        in page


def test_no_list_yet_and_a_damaged_list(web):
    path = web.published.state / MEETING_ID / "redaction_unsure.json"
    path.unlink()
    coord = web.signed_in("coord")
    page = coord.get("/redactions")
    assert page.status_code == 200 and 'id="no-spans"' in page.text
    assert "<form" not in main_of(page.text)
    path.write_text("{broken", encoding="utf-8")
    r = coord.get("/redactions")
    assert r.status_code == 500 and "run the meeting again" in r.text
    # the menu of other pages still renders, without a count
    runs = coord.get("/runs")
    assert runs.status_code == 200 and "Redaction review</a>" in runs.text


def test_a_word_gone_from_a_new_run_is_not_found(web):
    span = web.published.spans["health"]
    coord = web.signed_in("coord")
    token = csrf_of(coord.get(f"/redactions/{span}").text)
    entries = [e for e in list_unsure(web.published.state, MEETING_ID) if e.span_id != span]
    from pipeline.redact import save_unsure

    save_unsure(web.published.state, MEETING_ID, entries)  # a run replaced the list
    r = coord.post(f"/redactions/{span}", data={"csrf_token": token, "action": "restore",
                                                 "reason": REASON})
    assert r.status_code == 404 and decisions(web) == {}


def test_review_item_points_to_its_unsure_words(web):
    item = web.published.ids["police_review"]
    card = web.signed_in("pol").get(f"/review/{item}").text
    assert "1 word in this item was removed only because" in card
    assert 'href="/redactions?family=FAM-001"' in card
    coord = web.signed_in("coord")
    post_form(coord, "/redactions", f"/redactions/{web.published.spans['police_review']}",
              {"action": "confirm", "reason": "a nickname of an older youth"})
    assert "removed only because" not in coord.get(f"/review/{item}").text
