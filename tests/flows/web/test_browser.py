"""The web app as people use it: Debian's chromium, driven by Playwright, against a real
`casebundle web` process over the sample meeting's real run (tests/flows/conftest.py).

- a coordinator signs in, shares an item awaiting review with a reason, starts a run from
  the Runs page (the Prefect flow, in a child process), and finds the item in the family's
  bundle, reviewed, and in the governance lead's audit report under their account;
- a coordinator restores a word the redaction removed as unsure, re-runs, and finds the
  word in the family's bundle and a redaction_decision in the governance lead's audit page;
- a police reviewer on an item held because its subject matches another family's member
  sees why without being told who, cannot share it without choosing a roster member, and
  withholds it;
- a school reviewer cannot see the police items (nor their unsure words), nor open or
  decide one by URL;
- a forged form (no CSRF token; or from another site) is refused and changes nothing;
- five wrong passwords lock an account.

Screenshots of each page go to $CASEBUNDLE_SCREENSHOTS (docs/images/ when regenerating the
README's pictures), else to a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING
from pipeline.policy import load_reviews, review_store_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

CHROMIUM = Path(os.environ.get("CASEBUNDLE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
MEETING_ID = "jag-2026-12"
USERS = {
    "coord": ("coordinator", None, "amber kettle orchard"),
    "sch": ("agency_reviewer", "school", "cobalt thistle ferry"),
    "pol": ("agency_reviewer", "police", "saffron pebble compass"),
    "gov": ("governance_lead", None, "granite meadow whistle"),
    "locky": ("agency_reviewer", "health", "velvet harbour lantern"),
}
REASON = ("The family has agreed to early help and the partners need this to plan it; "
          "sharing only this fact is proportionate.")
MANIFEST = json.loads((Path(__file__).parents[2] / "cases" / "sample_manifest.json")
                      .read_text(encoding="utf-8"))
RUN_TIMEOUT_MS = 300_000


@dataclass
class Live:
    base: str
    out: Path
    state: Path
    shots: Path

    def queue(self) -> list[dict]:
        data = json.loads((self.state / MEETING_ID / "review_queue.json").read_text())
        return list(data["entries"])

    def unsure(self) -> list[dict]:
        path = self.state / MEETING_ID / "redaction_unsure.json"
        return list(json.loads(path.read_text(encoding="utf-8")))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"casebundle web exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    pytest.fail(f"casebundle web did not answer within {seconds} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def live(sample_run: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """`casebundle web` on a copy of the sample run's outputs and state, with 4 accounts."""
    root = tmp_path_factory.mktemp("web-live")
    out, state = root / "out", root / "state"
    shutil.copytree(sample_run["out"], out)
    shutil.copytree(sample_run["root"] / "state", state)
    env = dict(os.environ, PREFECT_HOME=str(root / "prefect"), NO_COLOR="1")
    env.pop("CASEBUNDLE_STATE_DIR", None)  # --state alone must be enough
    for name, (role, agency, password) in USERS.items():
        subprocess.run(
            [sys.executable, "-m", "flows.cli", "users", "add", name, "--role", role,
             *(["--agency", agency] if agency else []), "--state", str(state),
             "--password-stdin"],
            input=password + "\n", text=True, check=True, env=env, capture_output=True)
    port = _free_port()
    log = root / "web.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "web", "--meeting", str(SAMPLE_MEETING),
             "--inbox", str(SAMPLE_INBOX), "--out", str(out), "--state", str(state),
             "--port", str(port)],
            env=env, stdout=fh, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    shots = Path(os.environ.get("CASEBUNDLE_SCREENSHOTS") or root / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    try:
        _wait_up(base + "/login", proc, log)
        yield Live(base=base, out=out, state=state, shots=shots)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium.")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                              headless=True)
        yield b
        b.close()


def new_page(browser, live: Live):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  base_url=live.base, locale="en-GB")
    context.set_default_timeout(20_000)
    return context.new_page()


def sign_in(page, user: str, password: str | None = None):
    page.goto("/login")
    page.fill("#username", user)
    page.fill("#password", password if password is not None else USERS[user][2])
    page.click("form[action='/login'] button[type=submit]")
    return page


def shot(page, live: Live, name: str, full: bool = False) -> None:
    # a page still navigating (just after signing in) cannot be captured: wait until the
    # page the picture is of has loaded
    page.wait_for_load_state("load")
    page.screenshot(path=str(live.shots / f"{name}.png"), full_page=full)


def forge(page, action: str, fields: dict[str, str]) -> None:
    """Post a form built by hand in the page, as a forged request would be."""
    page.evaluate("""([action, fields]) => {
        const f = document.createElement('form');
        f.method = 'post'; f.action = action;
        for (const [k, v] of Object.entries(fields)) {
            const i = document.createElement('input');
            i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);
        }
        document.body.appendChild(f); f.submit();
    }""", [action, fields])
    page.wait_for_load_state()


def test_coordinator_decides_reruns_and_sees_it_in_bundle_and_audit(live: Live, browser):
    page = sign_in(new_page(browser, live), "coord")
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.locator("#signed-in-user")).to_have_text("coord")
    shot(page, live, "review-queue")
    card = page.locator("article.card").first
    item_id = (card.get_attribute("id") or "").removeprefix("item-")
    entry = next(e for e in live.queue() if e["item_id"] == item_id)
    family = entry["family_ref"]
    expect(card.locator("[data-field=summary]")).to_have_text(entry["summary"])

    page.goto(f"/bundles/{family}")
    assert item_id not in page.content()  # not shared yet

    page.goto(f"/review/{item_id}")
    page.fill(f"#reason-{item_id}", "ok")  # too short: refused, nothing recorded
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".error-box")).to_contain_text("empty or boilerplate")
    shot(page, live, "review-item", full=True)
    page.fill(f"#reason-{item_id}", REASON)
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".flash")).to_contain_text(f"Recorded: share item {item_id}")
    expect(page.locator("#decided")).to_contain_text("meeting coordinator")

    page.goto("/runs")
    started = time.monotonic()
    page.click("#start-run")
    expect(page.locator("#run-state")).to_contain_text("running")
    shot(page, live, "runs-running")
    expect(page.locator("#run-state")).to_contain_text("finished", timeout=RUN_TIMEOUT_MS)
    print(f"\nrun started from the browser took {time.monotonic() - started:.1f} s")
    shot(page, live, "runs", full=True)

    page.goto(f"/bundles/{family}")
    content = page.content()
    assert item_id in content and "Reviewed by meeting coordinator" in content
    page.goto("/review")
    assert f"item-{item_id}" not in page.content()  # decided and applied: off the queue

    gov = sign_in(new_page(browser, live), "gov")
    gov.goto(f"/governance?agency={entry['agency']}&disposition=shared")
    row = gov.locator("#decisions tr", has_text=item_id)
    expect(row).to_contain_text("meeting coordinator (coord)")
    expect(row).to_contain_text("REVIEW_DECISION_SHARE")
    expect(gov.locator("#reviews tr", has_text=item_id)).to_contain_text("coord")
    shot(gov, live, "governance")


def test_coordinator_restores_an_unsure_word_reruns_and_sees_it(live: Live, browser):
    third_parties = {v.casefold() for v in MANIFEST["third_party_identifiers"]}

    def bundle_items(family: str) -> set[str]:
        doc = json.loads((live.out / MEETING_ID / "bundles" / f"{family}.json").read_text())
        return {i["item_id"] for i in doc["items"]}

    # an ordinary word of a shared item (so it shows in the chair's bundle), not a name
    chosen = next(e for e in live.unsure() if e["word"].casefold() not in third_parties
                  and e["item_id"] in bundle_items(e["family_ref"]))
    span, word, family = chosen["span_id"], chosen["word"], chosen["family_ref"]
    page = sign_in(new_page(browser, live), "coord")
    page.goto(f"/bundles/{family}")
    before = page.content().count(word)

    page.goto("/redactions")
    pending = len(live.unsure())
    expect(page.locator("nav.menu a[href='/redactions'] .badge")).to_have_text(str(pending))
    card = page.locator(f"#span-{span}")
    expect(card.locator("mark")).to_have_text(word)  # highlighted in its context
    # in its redacted context as the run listed it (anyone else there already replaced)
    before_ctx, _, rest = chosen["context"].partition("\u27e6")
    expect(card.locator(".context")).to_have_text(before_ctx + word + rest.partition("\u27e7")[2])
    card.locator("input[name=reason]").fill("ordinary word")  # too short: refused
    card.get_by_role("button", name="Restore", exact=True).click()
    expect(page.locator(".error-box")).to_contain_text("fewer than 3 words")
    card = page.locator(f"#span-{span}")
    card.locator("input[name=reason]").fill("An ordinary word in this text, not the name of "
                                            "anyone")
    card.get_by_role("button", name="Restore", exact=True).click()
    expect(page.locator(".flash").first).to_contain_text(f"Recorded: restore \u201c{word}\u201d")
    expect(page.locator("nav.menu a[href='/redactions'] .badge")).to_have_text(str(pending - 1))
    expect(page.locator(f"#decided-{family}")).to_contain_text("coord")
    shot(page, live, "redaction-review", full=True)

    page.goto("/runs")
    started = time.monotonic()
    page.click("#start-run")
    expect(page.locator("#run-state")).to_contain_text("finished", timeout=RUN_TIMEOUT_MS)
    print(f"\nrun after the restore took {time.monotonic() - started:.1f} s")

    page.goto(f"/bundles/{family}")
    assert page.content().count(word) > before, word  # the word is back in the bundle
    page.goto("/redactions")
    assert span not in page.content()  # applied: no longer listed as unsure
    assert span not in {e["span_id"] for e in live.unsure()}

    gov = sign_in(new_page(browser, live), "gov")
    gov.goto("/governance")
    row = gov.locator("#redaction-decisions tr", has_text=chosen["item_id"])
    expect(row).to_contain_text("coord")
    expect(row).to_contain_text("meeting coordinator")
    expect(row).to_contain_text("restore")
    assert word not in gov.locator("#redaction-decisions").inner_text()
    gov.locator("#redaction-decisions").scroll_into_view_if_needed()
    shot(gov, live, "governance-redaction-decisions")


def test_identity_hold_names_no_one_of_another_family(live: Live, browser):
    held = next(e for e in live.queue() if e["agency"] == "police"
                and "SUBJECT_PROBABLY_MISFILED" in e["reasons"])
    item, other = held["item_id"], held["identity"]["other_family"]
    coord = sign_in(new_page(browser, live), "coord")
    coord.goto(f"/review/{item}")
    box = coord.locator(f"#item-{item} .identity")
    expect(box).to_contain_text(f"Probably {other}, not {held['family_ref']}")
    expect(box.locator("table.candidates")).to_contain_text(other)
    coord.select_option(f"#member-{item}", index=1)
    shot(coord, live, "review-item-identity", full=True)

    page = sign_in(new_page(browser, live), "pol")
    page.goto(f"/review/{item}")
    box = page.locator(f"#item-{item} .identity")
    expect(box).to_contain_text("Probably another family's member")
    expect(box).to_contain_text("not shown to agency reviewers")
    assert other not in page.content()
    assert box.locator("table.candidates").count() == 0
    page.fill(f"#reason-{item}", REASON)
    page.get_by_role("button", name="Share").click()  # no member chosen: refused
    expect(page.locator(".error-box")).to_contain_text("Choose who the item is about")
    shot(page, live, "review-item-identity-agency", full=True)
    assert item not in load_reviews(review_store_path(live.state, MEETING_ID))
    page.fill(f"#reason-{item}", "Filed under the wrong family; we will correct the "
                                  "family reference and send the row again.")
    page.get_by_role("button", name="Withhold").click()
    expect(page.locator(".flash")).to_contain_text(f"Recorded: withhold item {item}")
    decision = load_reviews(review_store_path(live.state, MEETING_ID))[item]
    assert (decision.disposition, decision.user, decision.member) == ("withheld", "pol", None)


def test_other_agency_cannot_see_or_decide_police_items(live: Live, browser):
    police = [e for e in live.queue() if e["agency"] == "police"]
    assert police, "the sample meeting has police items awaiting review"
    target = police[0]["item_id"]
    page = sign_in(new_page(browser, live), "sch")
    expect(page.locator(".notice").first).to_contain_text("school")
    listed = page.content()
    assert all(e["item_id"] not in listed for e in police)
    assert all(e["summary"] not in listed for e in police if e["summary"])

    page.goto(f"/review/{target}")  # by URL
    expect(page.locator("h1")).to_have_text("Not found")
    assert police[0]["summary"] not in page.content()

    page.goto("/review")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    forge(page, f"/review/{target}", {"csrf_token": token, "decision": "withhold",
                                      "reason": REASON})
    expect(page.locator("h1")).to_have_text("Not found")
    decided = load_reviews(review_store_path(live.state, MEETING_ID))
    assert target not in decided

    page.goto("/governance")
    expect(page.locator("h1")).to_have_text("Not allowed")


def test_forged_posts_are_refused(live: Live, browser):
    target = next(e for e in live.queue() if e["agency"] == "police")["item_id"]
    page = sign_in(new_page(browser, live), "coord")
    forge(page, f"/review/{target}", {"decision": "share", "reason": REASON})  # no token
    expect(page.locator("h1")).to_have_text("Form refused")
    expect(page.locator(".error-box")).to_contain_text("did not come from this site")
    shot(page, live, "csrf-refused")

    # the same form from another site: the browser does not send the session cookie
    page.goto("about:blank")
    page.set_content(f"""<form method="post" action="{live.base}/review/{target}">
        <input name="decision" value="share"><input name="reason" value="{REASON}">
        <button>go</button></form>""")
    page.click("button")
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Form refused")
    assert target not in load_reviews(review_store_path(live.state, MEETING_ID))


def test_five_wrong_passwords_lock_the_account(live: Live, browser):
    page = new_page(browser, live)
    for n in range(1, 5):
        sign_in(page, "locky", f"wrong password {n}")
        expect(page.locator("#login-error")).to_contain_text("user name or password is wrong")
    sign_in(page, "locky", "wrong password 5")
    expect(page.locator("#login-error")).to_contain_text("This account is locked")
    shot(page, live, "login-locked")
    sign_in(page, "locky")  # the right password, too late
    expect(page.locator("#login-error")).to_contain_text("This account is locked")
    expect(page).to_have_url(re.compile(r"/login"))


def test_pages_for_the_screenshots(live: Live, browser):
    """Each remaining page renders for its role (and is pictured for the README)."""
    page = new_page(browser, live)
    page.goto("/login")
    shot(page, live, "login")
    sign_in(page, "coord")
    page.goto("/account/password")
    shot(page, live, "password")

    gov = sign_in(new_page(browser, live), "gov")
    gov.goto("/governance/subject")
    gov.fill("#name", "Tony Harrowfield")
    gov.click("form[action='/governance/subject'] button[type=submit]")
    expect(gov.locator("#subject-result")).to_contain_text("Tony Harrowfield")
    shot(gov, live, "subject-access")
    gov.goto("/governance/verify")
    gov.click("#verify")
    expect(gov.locator("#verify-result")).to_contain_text("OK")
    shot(gov, live, "chain-verification")

    sch = sign_in(new_page(browser, live), "sch")
    shot(sch, live, "review-queue-school")
    sch.goto(f"/review/{next(e for e in live.queue() if e['agency'] == 'police')['item_id']}")
    shot(sch, live, "other-agency-item")
    police_span = next(e for e in live.unsure() if e["agency"] == "police")["span_id"]
    sch.goto(f"/redactions/{police_span}")  # another agency's unsure word, by URL
    expect(sch.locator("h1")).to_have_text("Not found")
