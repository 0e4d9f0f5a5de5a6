"""Governance pages: the audit report with filters, review decisions by account, subject
access, and chain verification (OK, then BROKEN after tampering)."""

from __future__ import annotations

import io
import re
import sqlite3

from openpyxl import load_workbook

from pipeline.models import MARKING
from tests.flows.web.conftest import REASON, post_form

MEETING_ID = "jag-2026-12"


def shown(page: str) -> tuple[int, int]:
    m = re.search(r"(\d+) of (\d+) records shown", page)
    assert m, "no record count on the page"
    return int(m.group(1)), int(m.group(2))


def rows_of(page: str) -> list[str]:
    body = page.split('id="decisions"', 1)[1].split("</tbody>", 1)[0]
    return body.split("<tr>")[2:]


def test_report_and_filters(web):
    gov = web.signed_in("gov")
    page = gov.get("/governance").text
    total = shown(page)[1]
    assert shown(page) == (total, total) and total == 15  # 14 items and 1 rejected row
    assert "Records match the run's ledger: <strong>yes</strong>" in page
    police = gov.get("/governance", params={"agency": "police"}).text
    n, _ = shown(police)
    assert n == 6 and all("<td>police</td>" in row for row in rows_of(police))
    withheld = gov.get("/governance", params={"disposition": "withheld"}).text
    assert shown(withheld)[0] == 1
    review = gov.get("/governance", params={"disposition": "review", "agency": "police"}).text
    assert shown(review)[0] == 1 and web.published.ids["police_review"] in review
    rejected = gov.get("/governance", params={"disposition": "rejected"}).text
    assert shown(rejected)[0] == 1 and "MISSING_VALUE" in rejected
    basis = gov.get("/governance", params={"lawful_basis": "public_task"}).text
    assert shown(basis)[0] == 14  # the rejected row has no lawful basis
    none = gov.get("/governance", params={"lawful_basis": "consent"}).text
    assert shown(none)[0] == 0 and "No record matches these filters" in none


def test_unknown_filter_values_mean_any(web):
    page = web.signed_in("gov").get("/governance", params={"agency": "<script>"}).text
    assert shown(page) == (15, 15) and "<script>" not in page


def test_review_decisions_are_listed_with_their_account(web):
    item = web.published.ids["police_review"]
    post_form(web.signed_in("pol"), "/review", f"/review/{item}",
              {"decision": "share", "reason": REASON})
    page = web.signed_in("gov").get("/governance").text
    table = page.split('id="reviews"', 1)[1].split("</table>", 1)[0]
    assert "<td>pol</td>" in table and "police reviewer" in table and item in table


def test_report_download(web):
    r = web.signed_in("gov").get("/governance/report.xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(r.content))
    assert "By agency" in wb.sheetnames
    assert r.headers["cache-control"] == "no-store"


def test_subject_access(web):
    gov = web.signed_in("gov")
    r = post_form(gov, "/governance/subject", "/governance/subject",
                  {"name": "  tyler   KETTERING "})
    assert r.status_code == 200
    assert re.search(r"tyler KETTERING: \d+ shared, \d+ not shared, \d+ held", r.text)
    assert "[Third party A]" in r.text and "Connor Maddox" not in r.text
    dated = post_form(gov, "/governance/subject", "/governance/subject",
                      {"name": "Tyler Kettering", "dob": "1999-01-01"})
    assert "0 shared, 0 not shared, 0 held" in dated.text
    bad = post_form(gov, "/governance/subject", "/governance/subject",
                    {"name": "Tyler Kettering", "dob": "31/12/2009"})
    assert bad.status_code == 400 and "not a date" in bad.text


def test_subject_name_never_goes_in_the_url(web):
    page = web.signed_in("gov").get("/governance/subject").text
    assert '<form method="post" action="/governance/subject"' in page


def test_verify_ok_then_broken_after_tampering(web):
    gov = web.signed_in("gov")
    ok = post_form(gov, "/governance/verify", "/governance/verify", {})
    assert "<strong>OK</strong>" in ok.text and "1 head file(s) checked" in ok.text
    db = web.published.state / "audit.sqlite"
    with sqlite3.connect(db) as conn:  # someone edits a decision behind the app's back
        conn.execute("DROP TRIGGER audit_records_no_update")
        conn.execute("UPDATE audit_records SET body = replace(body, 'withheld', 'shared') "
                     "WHERE kind = 'decision' AND body LIKE '%withheld%'")
    broken = post_form(gov, "/governance/verify", "/governance/verify", {})
    assert "<strong>BROKEN</strong>" in broken.text and "was altered" in broken.text
    assert MARKING in broken.text
