"""Fixtures for the web app: a published run (no Prefect, no spaCy), accounts, clients.

The run is the hand-built sample of tests/pipeline/render/sample_run.py with a second item
awaiting review (from police, so two agencies have items in the queue) and a school item
held because its subject matches a member of another family (the real matcher's outcome),
published by the real `pipeline.publish.publish` into a temporary out folder with its own
audit store; plus the words the run "removed as unsure" (SPANS) in the state folder.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import yaml
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from flows.web.app import create_app
from flows.web.context import WebConfig, WebContext
from flows.web.users import UserStore
from pipeline.audit import AuditSettings
from pipeline.identity import load_matcher
from pipeline.ingest import load_ingest_settings
from pipeline.labels import load_labels
from pipeline.models import Item, RedactedText, text_key
from pipeline.policy import load_need_to_know, load_policy
from pipeline.publish import publish
from pipeline.redact import DEFAULT_RULES, UnsureEntry, load_settings, save_unsure
from pipeline.review_desk import write_queue
from pipeline.rulebook import Rules
from tests.pipeline.render.sample_run import MEETING, Sample, build_sample

#: accounts of every test: user -> (role, agency, password)
ACCOUNTS: dict[str, tuple[str, str | None, str]] = {
    "coord": ("coordinator", None, "amber kettle orchard"),
    "pol": ("agency_reviewer", "police", "velvet harbour lantern"),
    "hea": ("agency_reviewer", "health", "cobalt thistle ferry"),
    "sch": ("agency_reviewer", "school", "saffron pebble compass"),
    "gov": ("governance_lead", None, "granite meadow whistle"),
}
#: what the police review item's text says after redaction (raw: "Connor Maddox ...")
POLICE_REVIEW_TEXT = "[Third party A] and Tyler were stopped near the shops at 23:40."
HEALTH_REVIEW_TEXT = "Seen at clinic; advice given."
REASON = ("Sharing is necessary so partners can agree a safety plan; proportionate because "
          "only the fact of the stop is shared.")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
#: the school's spelling of a FAM-001 child, filed under FAM-002 (the matcher says:
#: probably FAM-001's Tyler Kettering)
MISFILED_SUBJECT = "Tyler Ketering"
#: words "removed as unsure": label -> (item label, field, word, pseudonym, context)
SPANS: dict[str, tuple[str, str, str, str, str]] = {
    "police_review": ("police_review", "summary", "Quillan", "[Third party B]",
                      "[Third party A] and Tyler were stopped near ⟦[Third party B]⟧ shops "
                      "at 23:40."),
    "police_shared": ("dup_police", "summary", "Razor", "[Third party C]",
                      "Tyler was seen with [Third party A] and ⟦[Third party C]⟧ throwing "
                      "stones at …"),
    "health": ("review", "summary", "Brightwater", "[Third party D]",
               "Seen at ⟦[Third party D]⟧ clinic; advice given."),
    "police_fam2": ("pollitt", "summary", "Moose", "[Third party A]",
                    "Arrested for assault with ⟦[Third party A]⟧; released under …"),
}


def fast_hasher() -> PasswordHasher:
    """argon2id with small costs: the same code path, quicker tests."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass
class Published:
    meeting_path: Path
    inbox: Path
    out: Path
    state: Path
    audit: AuditSettings
    ids: dict[str, str]
    run_id: str
    #: SPANS label -> span id
    spans: dict[str, str]


def audit_settings(state: Path) -> AuditSettings:
    return AuditSettings(database_url=f"sqlite:///{state / 'audit.sqlite'}",
                         retention_months={"jag": 12, "mash": 12, "marac": 24})


def sample_with_police_review() -> tuple[Sample, Item]:
    """The hand-built sample run plus a police item awaiting review (raw text: a name)."""
    sample = build_sample()
    police = sample.builder.add(
        "police", disposition="review", subject_name="Tyler Kettering", category="offending",
        summary="Connor Maddox and Tyler were stopped near the shops at 23:40.",
        source_at_risk=True, decision={"reasons": ("SOURCE_AT_RISK", "NO_SUCH_CODE")})
    return sample, police


def add_misfiled(sample: Sample) -> Item:
    """A school item about FAM-001's Tyler, filed under FAM-002: held for identity, with
    the real matcher's outcome in the run."""
    from pipeline.identity import Roster, Subject

    run = sample.run
    item = sample.builder.add(
        "school", disposition="review", family_ref="FAM-002", subject_name=MISFILED_SUBJECT,
        subject_dob=date(2009, 6, 11), category="education",
        summary="Missed nine sessions this half term.", legal_power=None,
        decision={"reasons": ("SUBJECT_PROBABLY_MISFILED", "REVIEW_OPINION_THIRD_PARTY")})
    run.identities[item.item_id] = load_matcher().match(
        item.item_id, Subject(name=item.subject_name, dob=item.subject_dob,
                              role=item.subject_role), item.family_ref, Roster(run.meeting))
    return item


@pytest.fixture(scope="session")
def published_once(tmp_path_factory: pytest.TempPathFactory) -> Published:
    """Publish the sample run once per session (writing every bundle takes a few seconds)."""
    root = tmp_path_factory.mktemp("published")
    sample, police = sample_with_police_review()
    run = sample.run
    ids = dict(sample.ids)
    ids["police_review"] = police.item_id
    for item_id, text in ((ids["review"], HEALTH_REVIEW_TEXT),
                          (police.item_id, POLICE_REVIEW_TEXT)):
        run.redactions[text_key(item_id, "summary")] = RedactedText(item_id=item_id, text=text)
        run.redactions[text_key(item_id, "rationale")] = RedactedText(
            item_id=item_id, text="Shared so partners can agree a joint plan.")
    misfiled = add_misfiled(sample)
    ids["misfiled"] = misfiled.item_id
    for name in ("summary", "rationale"):
        run.redactions[text_key(misfiled.item_id, name)] = RedactedText(
            item_id=misfiled.item_id, text=getattr(misfiled, name))
    meeting_path = root / "meeting.yaml"
    meeting_path.write_text(yaml.safe_dump(MEETING), encoding="utf-8")
    state, out, inbox = root / "state", root / "out", root / "INBOX"
    inbox.mkdir()
    audit = audit_settings(state)
    rules = Rules(meeting=run.meeting, policy=load_policy(), redaction=load_settings(),
                  redaction_rules=DEFAULT_RULES,
                  need_to_know=load_need_to_know(), audit=audit, identity=load_matcher(),
                  ingest=load_ingest_settings(), labels=load_labels())
    publish(run, rules, out)
    write_queue(run, state)
    items = {i.item_id: i for i in run.items}
    entries = []
    for n, (label, field, word, pseudonym, context) in enumerate(SPANS.values()):
        item = items[ids[label]]
        entries.append(UnsureEntry(
            span_id=f"{n + 1:016x}", run_id=run.run_id, family_ref=item.family_ref,
            item_id=item.item_id, field=field, agency=item.agency,
            content_hash=item.content_hash, word=word, pseudonym=pseudonym, context=context))
    save_unsure(state, run.meeting.meeting.id, entries)
    return Published(meeting_path=meeting_path, inbox=inbox, out=out, state=state,
                     audit=audit, ids=ids, run_id=run.run_id,
                     spans={k: e.span_id for k, e in zip(SPANS, entries, strict=True)})


@pytest.fixture
def published(published_once: Published, tmp_path: Path) -> Published:
    """A private copy of the published run for one test (its own outputs and state)."""
    root = tmp_path / "published"
    shutil.copytree(published_once.meeting_path.parent, root)
    return Published(meeting_path=root / "meeting.yaml", inbox=root / "INBOX",
                     out=root / "out", state=root / "state",
                     audit=audit_settings(root / "state"), ids=published_once.ids,
                     run_id=published_once.run_id, spans=published_once.spans)


@dataclass
class Web:
    ctx: WebContext
    published: Published
    app: object

    def client(self, https: bool = False) -> TestClient:
        base = "https://testserver" if https else "http://testserver"
        return TestClient(self.app, base_url=base)  # type: ignore[arg-type]

    def signed_in(self, username: str) -> TestClient:
        client = self.client()
        sign_in(client, username, ACCOUNTS[username][2])
        return client


def make_web(published: Published, run_argv: tuple[str, ...] | None = None) -> Web:
    users = UserStore(published.state, hasher=fast_hasher())
    for name, (role, agency, password) in ACCOUNTS.items():
        users.add(name, role, password, agency=agency)  # type: ignore[arg-type]
    config = WebConfig(meeting_path=published.meeting_path, inbox=published.inbox,
                       out=published.out, state=published.state, audit=published.audit,
                       allowed_hosts=("testserver",),
                       run_argv=run_argv or (sys.executable, "-c", "print('run finished')"))
    ctx = WebContext.build(config, users=users)
    return Web(ctx=ctx, published=published, app=create_app(ctx))


@pytest.fixture
def web(published: Published) -> Web:
    return make_web(published)


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def sign_in(client: TestClient, username: str, password: str):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_of(page.text)})


def post_form(client: TestClient, page_path: str, action: str, data: dict[str, str]):
    """Open `page_path`, take its CSRF token, and post `data` to `action` as the form does."""
    page = client.get(page_path)
    assert page.status_code == 200, page.text
    return client.post(action, data={**data, "csrf_token": csrf_of(page.text)})
