"""Signing in and out, sessions, cookies, CSRF, lock-out and headers, through the app."""

from __future__ import annotations

import pytest

from flows.web.users import MAX_FAILURES
from pipeline.models import MARKING
from pipeline.policy import load_reviews, review_store_path
from tests.flows.web.conftest import ACCOUNTS, REASON, csrf_of, post_form, sign_in


def set_cookie(response) -> str:
    [cookie] = [c for c in response.headers.get_list("set-cookie")
                if c.startswith("casebundle_session=")]
    return cookie


def test_sign_in_sets_a_strict_http_only_session_cookie(web):
    client = web.client()
    page = client.get("/login")
    assert page.status_code == 200 and MARKING in page.text
    before = client.cookies.get("casebundle_session")
    r = client.post("/login", data={"username": "coord", "password": ACCOUNTS["coord"][2],
                                     "csrf_token": csrf_of(page.text)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    cookie = set_cookie(r).lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http on 127.0.0.1
    assert client.cookies.get("casebundle_session") != before  # new id at sign-in


def test_cookie_is_secure_over_tls(web):
    client = web.client(https=True)
    page = client.get("/login")
    r = client.post("/login", data={"username": "coord", "password": ACCOUNTS["coord"][2],
                                     "csrf_token": csrf_of(page.text)},
                    follow_redirects=False)
    assert "secure" in set_cookie(r).lower()
    assert r.headers["strict-transport-security"].startswith("max-age=")


def test_wrong_password_says_nothing_about_the_account(web):
    client = web.client()
    wrong = sign_in(client, "coord", "not the password at all")
    ghost = sign_in(client, "ghost", "not the password at all")
    assert wrong.status_code == ghost.status_code == 401
    assert "the user name or password is wrong" in wrong.text
    assert "the user name or password is wrong" in ghost.text


def test_five_wrong_passwords_lock_the_account(web):
    client = web.client()
    replies = [sign_in(client, "pol", f"wrong password {n}") for n in range(MAX_FAILURES)]
    assert all(r.status_code == 401 for r in replies)
    assert "locked" not in replies[-2].text
    assert "This account is locked after 5 failed sign-ins" in replies[-1].text
    right = sign_in(client, "pol", ACCOUNTS["pol"][2])
    assert right.status_code == 401 and "locked" in right.text
    assert client.get("/review", follow_redirects=False).status_code == 303  # not signed in
    # another account is not affected
    assert web.signed_in("coord").get("/review").status_code == 200


def test_sign_out_ends_the_session_on_the_server(web):
    client = web.signed_in("coord")
    token = client.cookies.get("casebundle_session")
    r = post_form(client, "/review", "/logout", {})
    assert r.url.path == "/login"
    stale = web.client()
    stale.cookies.set("casebundle_session", token)
    assert stale.get("/review", follow_redirects=False).headers["location"].startswith("/login")


def test_removed_user_and_password_reset_end_sessions(web):
    pol = web.signed_in("pol")
    coord = web.signed_in("coord")
    web.ctx.users.remove("pol")
    assert pol.get("/review", follow_redirects=False).status_code == 303
    web.ctx.users.set_password("coord", "a brand new passphrase")
    assert coord.get("/review", follow_redirects=False).status_code == 303
    assert sign_in(web.client(), "coord", "a brand new passphrase").status_code == 200


def test_change_own_password(web):
    client = web.signed_in("hea")
    bad = post_form(client, "/account/password", "/account/password",
                    {"current": "wrong one entirely", "new": "short", "confirm": "shorter"})
    assert bad.status_code == 400
    for problem in ("current password is wrong", "differ", "at least 12 characters"):
        assert problem in bad.text
    ok = post_form(client, "/account/password", "/account/password",
                   {"current": ACCOUNTS["hea"][2], "new": "lantern quarry mosaic",
                    "confirm": "lantern quarry mosaic"})
    assert ok.status_code == 200 and "Your password was changed" in ok.text
    assert client.get("/review").status_code == 200  # this session goes on
    assert sign_in(web.client(), "hea", "lantern quarry mosaic").status_code == 200


@pytest.mark.parametrize("next_,lands", [
    ("/runs", "/runs"), ("//evil.example/x", "/review"), ("https://evil.example", "/review"),
])
def test_after_sign_in_only_local_pages(web, next_, lands):
    client = web.client()
    page = client.get("/login", params={"next": next_})
    r = client.post("/login", data={"username": "coord", "password": ACCOUNTS["coord"][2],
                                     "next": next_, "csrf_token": csrf_of(page.text)},
                    follow_redirects=False)
    assert r.headers["location"] == lands


# --- CSRF -------------------------------------------------------------------------------------

def test_forged_post_without_token_is_refused_and_changes_nothing(web):
    client = web.signed_in("coord")
    item = web.published.ids["police_review"]
    for data in ({"decision": "share", "reason": REASON},
                 {"decision": "share", "reason": REASON, "csrf_token": "forged"}):
        r = client.post(f"/review/{item}", data=data)
        assert r.status_code == 403
        assert "did not come from this site" in r.text and MARKING in r.text
    store = review_store_path(web.published.state, "jag-2026-12")
    assert load_reviews(store) == {}


def test_token_of_another_session_is_refused(web):
    mine = web.signed_in("coord")
    theirs = web.signed_in("pol")
    token = csrf_of(theirs.get("/review").text)
    r = mine.post(f"/review/{web.published.ids['police_review']}",
                  data={"decision": "share", "reason": REASON, "csrf_token": token})
    assert r.status_code == 403


def test_cross_origin_post_is_refused_even_with_a_token(web):
    client = web.signed_in("coord")
    token = csrf_of(client.get("/review").text)
    r = client.post(f"/review/{web.published.ids['police_review']}",
                    data={"decision": "share", "reason": REASON, "csrf_token": token},
                    headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "another site" in r.text


def test_sign_in_form_needs_its_token_too(web):
    client = web.client()
    r = client.post("/login", data={"username": "coord", "password": ACCOUNTS["coord"][2]})
    assert r.status_code == 403
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_sign_out_needs_a_token(web):
    client = web.signed_in("coord")
    assert client.post("/logout").status_code == 403
    assert client.get("/review").status_code == 200  # still signed in


# --- headers and marking ----------------------------------------------------------------------

PAGES = {
    "coord": ["/review", "/redactions", "/runs", "/account/password"],
    "pol": ["/review", "/runs"],
    "gov": ["/governance", "/governance/subject", "/governance/verify", "/runs"],
}


@pytest.mark.parametrize("user", sorted(PAGES))
def test_every_page_has_the_marking_and_no_store(web, user):
    client = web.signed_in(user)
    for path in PAGES[user] + ["/no-such-page"]:
        r = client.get(path)
        assert r.status_code in (200, 404, 501), (path, r.status_code)
        assert r.text.count(MARKING) == 2, path  # top and bottom
        assert r.headers["cache-control"] == "no-store", path
        csp = r.headers["content-security-policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp, path
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_sign_in_page_and_errors_have_the_marking(web):
    client = web.client()
    for r in (client.get("/login"), client.get("/nowhere"),
              client.post("/login", data={"username": "x"})):
        assert MARKING in r.text and r.headers["cache-control"] == "no-store"


def test_unknown_host_header_is_refused(web):
    client = web.client()
    r = client.get("/login", headers={"Host": "rebind.evil.example"})
    assert r.status_code == 400


def test_no_api_docs_are_served(web):
    client = web.signed_in("coord")
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404
