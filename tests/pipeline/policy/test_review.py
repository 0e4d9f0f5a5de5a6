"""Human review: the decision store, how decisions apply, and the `review` CLI.

A person decides what the rules cannot (golden rule 3, seek advice; 003_e63cd6015283d4be.txt
3.45), the decision is recorded with its reason (golden rule 7; 003 3.51), and it stops
applying if the item changes (003 3.21).
"""

from __future__ import annotations

import csv
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from flows.cli_review import QUEUE_COLUMNS, review_app
from pipeline.audit import AuditStore, load_audit_settings, review_entries
from pipeline.errors import ConfigError
from pipeline.models import Decision, Item
from pipeline.policy import (
    ReviewDecision,
    decide_items,
    load_reviews,
    record_review,
    review_store_path,
)
from tests.pipeline.policy.helpers import make_item, make_meeting, rules

AT = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)
REASON = "Children's social care confirmed the referral is open and needs this detail."


def review_of(item: Item, disposition: str = "shared", **kw) -> ReviewDecision:
    values = {"item_id": item.item_id, "content_hash": item.content_hash,
              "disposition": disposition, "reason": REASON, "by": "MARAC coordinator",
              "at": AT, **kw}
    return ReviewDecision(**values)


def decide_one(item: Item, review: ReviewDecision | None = None, mtype: str = "marac") -> Decision:
    reviews = {review.item_id: review} if review else None
    return decide_items([item], make_meeting(mtype), rules(), reviews)[0]


# An item the rules send to review: source at risk (003 3.50).
def pending(**kw) -> Item:
    return make_item(source="member_of_public", source_at_risk=True, **kw)


# --- applying decisions ------------------------------------------------------------------------

def test_share_decision_applies_to_unchanged_item():
    item = pending()
    assert decide_one(item).disposition == "review"
    d = decide_one(item, review_of(item))
    assert d.disposition == "shared"
    assert d.reasons[0] == "REVIEW_DECISION_SHARE"
    assert "SOURCE_AT_RISK" in d.reasons and "CONSENT_EXPLICIT" in d.reasons
    assert (d.reviewed_by, d.reviewed_at, d.review_reason) == ("MARAC coordinator", AT, REASON)
    assert d.recipients == ("*",)


def test_withhold_decision_applies():
    item = pending()
    d = decide_one(item, review_of(item, "withheld"))
    assert d.disposition == "withheld"
    assert d.reasons[:2] == ("REVIEW_DECISION_WITHHOLD", "SOURCE_AT_RISK")
    assert d.recipients == ()


def test_decision_stops_applying_when_the_row_changes():
    item = pending()
    old = review_of(item, content_hash="f" * 64)
    d = decide_one(item, old)
    assert d.disposition == "review"
    assert "REVIEW_DECISION_STALE" in d.reasons
    assert d.reviewed_by is None


def test_share_decision_cannot_override_a_withholding_rule():
    item = make_item(agency_decision="not_share")
    d = decide_one(item, review_of(item))
    assert d.disposition == "withheld"
    assert "REVIEW_SHARE_NOT_APPLIED" in d.reasons and d.reviewed_by is None


def test_shared_after_review_without_consent_reminds_to_inform():
    # 003 3.48: explain to the person that you intend to share, unless unsafe
    item = make_item(consent="refused", risk="welfare_concern", subject_informed="not_yet")
    assert decide_one(item).disposition == "review"
    d = decide_one(item, review_of(item))
    assert d.disposition == "shared"
    assert d.agency_reminders == ("INFORM_SUBJECT",)


def test_review_cannot_widen_restricted_to():
    item = pending(restricted_to=("health",))
    assert decide_one(item, review_of(item)).recipients == ("health",)


def test_review_decision_validation():
    with pytest.raises(ValueError, match="must not be blank"):
        review_of(make_item(), reason="   ")
    with pytest.raises(ValueError):
        review_of(make_item(), disposition="review")


# --- the store ------------------------------------------------------------------------------------

def test_store_path(tmp_path):
    assert review_store_path(tmp_path, "MARAC-2026-11") == (
        tmp_path / "MARAC-2026-11" / "review_decisions.jsonl"
    )
    with pytest.raises(ConfigError, match="meeting id cannot name a folder"):
        review_store_path(tmp_path, "../escape")


def test_record_and_load_latest_per_item(tmp_path):
    path = review_store_path(tmp_path, "M1")
    a, b = make_item(), make_item()
    assert load_reviews(path) == {}
    record_review(path, review_of(a, "withheld"))
    record_review(path, review_of(b))
    record_review(path, review_of(a, "shared", by="Chair"))
    got = load_reviews(path)
    assert got[a.item_id].disposition == "shared" and got[a.item_id].by == "Chair"
    assert got[b.item_id] == review_of(b)
    # append-only: the history stays
    assert len(path.read_text().splitlines()) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_record_tightens_existing_permissions(tmp_path):
    path = tmp_path / "M1" / "review_decisions.jsonl"
    path.parent.mkdir()
    path.write_text("")
    path.chmod(0o644)
    record_review(path, review_of(make_item()))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_corrupt_store_names_the_line_not_its_content(tmp_path):
    path = tmp_path / "review_decisions.jsonl"
    good = review_of(make_item()).model_dump_json()
    path.write_text(f"{good}\n\n{{\"item_id\": \"x\", \"reason\": \"Jo Smith said\"}}\n")
    with pytest.raises(ConfigError) as err:
        load_reviews(path)
    assert "line 3 is not a valid review decision" in str(err.value)
    assert "Jo Smith" not in str(err.value)


def test_store_lines_are_json(tmp_path):
    path = tmp_path / "r.jsonl"
    record_review(path, review_of(make_item()))
    row = json.loads(path.read_text())
    assert set(row) == {"item_id", "content_hash", "disposition", "reason", "by", "at", "member",
                        "user"}
    assert row["user"] is None  # recorded from the command line: no signed-in account


def test_store_lines_without_user_still_load(tmp_path):
    """Decisions recorded before accounts existed have no `user`: they still apply."""
    path = tmp_path / "r.jsonl"
    line = review_of(make_item()).model_dump(mode="json")
    del line["user"]
    path.write_text(json.dumps(line) + "\n")
    assert load_reviews(path)[line["item_id"]].user is None


# --- the CLI --------------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def setup(tmp_path):
    """A meeting file, a run's review queue with two items, and empty state."""
    meeting = make_meeting("marac")
    mfile = tmp_path / "meeting.yaml"
    mfile.write_text(yaml.safe_dump(meeting.model_dump(mode="json")), encoding="utf-8")
    items = [pending(), make_item(consent="refused", risk="welfare_concern")]
    decisions = decide_items(items, meeting, rules())
    assert [d.disposition for d in decisions] == ["review", "review"]
    queue = tmp_path / "out" / meeting.meeting.id / "review_queue.csv"
    queue.parent.mkdir(parents=True)
    with queue.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=QUEUE_COLUMNS)
        w.writeheader()
        for item, d in zip(items, decisions, strict=True):
            w.writerow({
                "item_id": item.item_id, "content_hash": item.content_hash,
                "agency": item.agency, "family_ref": item.family_ref,
                "subject_role": item.subject_role, "category": item.category,
                "file": item.provenance.file, "sheet": item.provenance.sheet,
                "row": item.provenance.row, "reasons": "; ".join(d.reasons),
            })
    return {"meeting": mfile, "out": tmp_path / "out", "state": tmp_path / "state",
            "items": items, "id": meeting.meeting.id, "config": meeting}


def run(setup, *args: str, env: dict[str, str] | None = None):
    base = ["--meeting", str(setup["meeting"]), "--out", str(setup["out"])]
    if env is None:
        base += ["--state", str(setup["state"])]
    return runner.invoke(review_app, [*args, *base], env={"COLUMNS": "250", **(env or {})})


def test_cli_list_shows_items_and_explanations(setup):
    result = run(setup, "list")
    assert result.exit_code == 0, result.output
    for item in setup["items"]:
        assert item.item_id in result.output
    assert "SOURCE_AT_RISK" in result.output
    assert "must check that the source" in result.output  # the explanation, not just the code


def test_cli_decide_records_a_decision_tied_to_the_hash(setup):
    item = setup["items"][0]
    result = run(setup, "decide", item.item_id, "--share", "--reason", REASON,
                 "--by", "MARAC coordinator")
    assert result.exit_code == 0, result.output
    reviews = load_reviews(review_store_path(setup["state"], setup["id"]))
    rev = reviews[item.item_id]
    assert (rev.disposition, rev.content_hash, rev.by) == ("shared", item.content_hash,
                                                           "MARAC coordinator")
    # the next run applies it
    d = decide_items([item], setup["config"], rules(), reviews)[0]
    assert d.disposition == "shared" and d.reasons[0] == "REVIEW_DECISION_SHARE"
    # the decision is in the audit chain, recorded before it could apply
    with AuditStore.from_settings(load_audit_settings(state_dir=setup["state"])) as store:
        [entry] = review_entries(store, setup["id"])
    assert (entry.item_id, entry.disposition, entry.by, entry.user, entry.content_hash) == (
        item.item_id, "shared", "MARAC coordinator", None, item.content_hash)
    assert entry.reason == REASON
    # and `list` shows it as decided
    listed = run(setup, "list")
    assert "decisions recorded (1)" in listed.output
    assert "awaiting a decision (1)" in listed.output


def test_cli_state_dir_from_environment(setup, tmp_path):
    item = setup["items"][1]
    env_state = tmp_path / "env-state"
    result = run(setup, "decide", item.item_id, "--withhold", "--reason", REASON,
                 "--by", "Chair", env={"CASEBUNDLE_STATE_DIR": str(env_state)})
    assert result.exit_code == 0, result.output
    assert load_reviews(review_store_path(env_state, setup["id"]))[item.item_id].disposition \
        == "withheld"


@pytest.mark.parametrize(
    "args,message",
    [
        (["decide", "police-nope", "--share", "--reason", REASON, "--by", "Chair"],
         "is not in the review queue"),
        (["decide", "{item}", "--share", "--reason", "n/a", "--by", "Chair"],
         "empty or boilerplate"),
        (["decide", "{item}", "--share", "--reason", "see above", "--by", "Chair"],
         "empty or boilerplate"),
        (["decide", "{item}", "--reason", REASON, "--by", "Chair"],
         "exactly one of --share or --withhold"),
        (["decide", "{item}", "--share", "--withhold", "--reason", REASON, "--by", "Chair"],
         "exactly one of --share or --withhold"),
        (["decide", "{item}", "--share", "--reason", REASON, "--by", "  "],
         "--by must name your role"),
    ],
    ids=["unknown-item", "n/a", "see-above", "neither", "both", "blank-by"],
)
def test_cli_decide_refuses(setup, args, message):
    args = [a.replace("{item}", setup["items"][0].item_id) for a in args]
    result = run(setup, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not review_store_path(setup["state"], setup["id"]).exists()
    assert not (setup["state"] / "audit.sqlite").exists()  # nothing recorded either


def test_cli_without_queue(setup):
    (setup["out"] / setup["id"] / "review_queue.csv").unlink()
    result = run(setup, "list")
    assert result.exit_code == 2
    assert "no review queue" in result.output


def test_cli_bad_meeting(setup, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("meeting: {}\n")
    result = runner.invoke(review_app, ["list", "--meeting", str(bad)])
    assert result.exit_code == 2
    assert "invalid meeting config" in result.output


def test_cli_stale_decision_is_listed_as_not_applying(setup):
    item = setup["items"][0]
    path = review_store_path(setup["state"], setup["id"])
    record_review(path, review_of(item, content_hash="0" * 64))
    result = run(setup, "list")
    assert "no longer applies" in result.output
    assert "awaiting a decision (2)" in result.output


def test_cli_module_does_not_import_prefect():
    source = Path(__file__).resolve().parents[3].joinpath("flows", "cli_review.py").read_text()
    assert "import prefect" not in source and "from prefect" not in source
