"""Authorisation on the server, for every route and object: the role decides which pages a
user may open; an agency reviewer sees and decides only their own agency's items, whether
they follow the menu, type a URL or post a form by hand."""

from __future__ import annotations

import pytest

from pipeline.audit import AuditStore, review_entries
from pipeline.policy import load_reviews, review_store_path
from tests.flows.web.conftest import (
    HEALTH_REVIEW_TEXT,
    POLICE_REVIEW_TEXT,
    REASON,
    csrf_of,
)

MEETING_ID = "jag-2026-12"

# (method, path) -> expected status per user; 303 = sent to sign in; {item} = police's item
ROUTES: list[tuple[str, str, dict[str | None, int]]] = [
    ("GET", "/review", {"coord": 200, "pol": 200, "hea": 200, "gov": 403, None: 303}),
    ("GET", "/review/{police}", {"coord": 200, "pol": 200, "hea": 404, "gov": 403, None: 303}),
    ("GET", "/review/{health}", {"coord": 200, "pol": 404, "hea": 200, "gov": 403, None: 303}),
    ("GET", "/redactions", {"coord": 200, "pol": 200, "hea": 200, "gov": 403, None: 303}),
    ("GET", "/redactions/{police_span}",
     {"coord": 200, "pol": 200, "hea": 404, "gov": 403, None: 303}),
    ("GET", "/redactions/{health_span}",
     {"coord": 200, "pol": 404, "hea": 200, "gov": 403, None: 303}),
    ("GET", "/runs", {"coord": 200, "pol": 200, "hea": 200, "gov": 200, None: 303}),
    ("GET", "/bundles/FAM-001", {"coord": 200, "pol": 200, "hea": 200, "gov": 403, None: 303}),
    ("GET", "/governance", {"coord": 403, "pol": 403, "hea": 403, "gov": 200, None: 303}),
    ("GET", "/governance/report.xlsx",
     {"coord": 403, "pol": 403, "hea": 403, "gov": 200, None: 303}),
    ("GET", "/governance/subject", {"coord": 403, "pol": 403, "hea": 403, "gov": 200, None: 303}),
    ("GET", "/governance/verify", {"coord": 403, "pol": 403, "hea": 403, "gov": 200, None: 303}),
    ("POST", "/governance/verify", {"coord": 403, "pol": 403, "hea": 403, "gov": 200, None: 303}),
    ("POST", "/governance/subject",
     {"coord": 403, "pol": 403, "hea": 403, "gov": 200, None: 303}),
    ("POST", "/runs/start", {"coord": 303, "pol": 403, "hea": 403, "gov": 403, None: 303}),
    ("POST", "/review/{police}", {"coord": 303, "pol": 303, "hea": 404, "gov": 403, None: 303}),
    ("POST", "/redactions/{police_span}",
     {"coord": 303, "pol": 303, "hea": 404, "gov": 403, None: 303}),
]
USERS = ["coord", "pol", "hea", "gov", None]


def _path(path: str, web) -> str:
    ids, spans = web.published.ids, web.published.spans
    return (path.replace("{police}", ids["police_review"]).replace("{health}", ids["review"])
            .replace("{police_span}", spans["police_review"])
            .replace("{health_span}", spans["health"]))


@pytest.mark.parametrize("method,path,expected", ROUTES,
                         ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_route_access_by_role(web, method, path, expected):
    for user in USERS:
        client = web.signed_in(user) if user else web.client()
        url = _path(path, web)
        if method == "GET":
            r = client.get(url, follow_redirects=False)
        else:
            # a valid token of this session: only the role may stop the request
            token = csrf_of(client.get("/login" if user is None else "/runs").text)
            r = client.post(url, data={"csrf_token": token, "decision": "share",
                                       "action": "confirm", "reason": REASON,
                                       "name": "Tyler Kettering"},
                            follow_redirects=False)
        assert r.status_code == expected[user], (user, method, url, r.status_code)
        if r.status_code == 303 and user is None:
            assert r.headers["location"].startswith("/login")
    web.ctx.launcher.wait(timeout=30)


def test_reviewer_list_shows_only_their_agency(web):
    pol = web.signed_in("pol").get("/review").text
    hea = web.signed_in("hea").get("/review").text
    coord = web.signed_in("coord").get("/review").text
    ids = web.published.ids
    assert ids["police_review"] in pol and ids["review"] not in pol
    assert POLICE_REVIEW_TEXT in pol and HEALTH_REVIEW_TEXT not in pol
    assert ids["review"] in hea and ids["police_review"] not in hea
    assert HEALTH_REVIEW_TEXT in hea and POLICE_REVIEW_TEXT not in hea
    assert ids["review"] in coord and ids["police_review"] in coord


def test_reviewer_cannot_decide_another_agencys_item_by_url(web):
    """The health reviewer posts a well-formed decision, with their own valid token, to the
    police item's URL: refused as not found, and nothing is stored or recorded."""
    hea = web.signed_in("hea")
    token = csrf_of(hea.get("/review").text)
    item = web.published.ids["police_review"]
    r = hea.post(f"/review/{item}", data={"csrf_token": token, "decision": "withhold",
                                           "reason": REASON})
    assert r.status_code == 404
    assert item not in r.text and POLICE_REVIEW_TEXT not in r.text
    assert load_reviews(review_store_path(web.published.state, MEETING_ID)) == {}
    with AuditStore.from_settings(web.published.audit) as store:
        assert review_entries(store, MEETING_ID) == []


def test_unknown_item_and_other_agencys_item_look_the_same(web):
    hea = web.signed_in("hea")
    other = hea.get(f"/review/{web.published.ids['police_review']}")
    missing = hea.get("/review/police-0000000000")
    assert other.status_code == missing.status_code == 404
    assert other.text.replace(web.published.ids["police_review"], "X") == \
        missing.text.replace("police-0000000000", "X")


def test_bundles_follow_the_recipient_views(web):
    out = web.published.out / MEETING_ID
    coord = web.signed_in("coord").get("/bundles/FAM-001")
    assert coord.text == (out / "bundles" / "FAM-001.html").read_text(encoding="utf-8")
    pol = web.signed_in("pol").get("/bundles/FAM-001")
    assert pol.text == (out / "recipients" / "police" / "FAM-001.html").read_text("utf-8")
    assert pol.text != coord.text
    for r in (coord, pol):
        assert r.headers["cache-control"] == "no-store"
        assert "script" not in r.headers["content-security-policy"]


@pytest.mark.parametrize("ref", ["FAM-999", "FAM-001.html", "%2e%2e%2fbundles",
                                 "..%2F..%2Fstate%2Fusers.json"])
def test_bundle_paths_outside_the_meeting_are_not_served(web, ref):
    r = web.signed_in("coord").get(f"/bundles/{ref}")
    assert r.status_code == 404


def test_reviewer_run_status_shows_only_their_agency(web):
    pol = web.signed_in("pol").get("/runs").text
    coord = web.signed_in("coord").get("/runs").text
    assert "yos/yos_2026-11.csv" in coord and "MISSING_VALUE" in coord
    assert "yos/yos_2026-11.csv" not in pol and "MISSING_VALUE" not in pol
    assert 'id="start-run"' in coord and 'id="start-run"' not in pol


def test_menu_follows_the_role(web):
    pol = web.signed_in("pol").get("/review").text
    gov = web.signed_in("gov").get("/governance").text
    assert 'href="/governance"' not in pol
    assert 'href="/review"' not in gov
