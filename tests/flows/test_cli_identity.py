"""The identity step at the command line: `validate` shows who each row is about, and
`review decide --member` confirms a subject (or is refused, with the fix)."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.cli_review import review_app
from pipeline.identity import apply_identity, describe, load_matcher, match_items
from pipeline.ingest import collect, discover, read_and_validate
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting
from pipeline.policy import (
    QUEUE_COLUMNS,
    decide_items,
    load_policy,
    load_reviews,
    review_queue_rows,
    review_store_path,
)
from tests.conftest import GOOD_ROW, TODAY, write_csv_file

runner = CliRunner()
REASON = "Checked with the school: the row is about Louise, the name was typed in error."


def test_validate_shows_each_rows_match(tmp_path):
    rows = [
        dict(GOOD_ROW, subject_name="HARROWFIELD, Tony", subject_dob="14/05/2009"),
        dict(GOOD_ROW, subject_name="Anthony Harrowfield", subject_dob="14/05/2009"),
        dict(GOOD_ROW, subject_name="Kelsey Doughty", subject_dob="03/06/2011"),
        dict(GOOD_ROW, family_ref="FAM-004", subject_name="Kyle Marchetti",
             subject_dob="08/01/2012"),
    ]
    f = write_csv_file(tmp_path / "police" / "rows.csv", rows)
    result = runner.invoke(app, ["validate", str(f), "--meeting", str(SAMPLE_MEETING)],
                           terminal_width=300)
    assert result.exit_code == 0, result.output  # nothing rejected: exit 0
    out = " ".join(result.output.split())
    assert out.count("matched: Tony Harrowfield") == 2
    assert "forename nickname" in out
    assert "not on FAM-001's roster" in out and "SUBJECT_NOT_ON_ROSTER" in out
    assert "probably FAM-002, not FAM-004" in out and "SUBJECT_PROBABLY_MISFILED" in out
    assert "2 valid rows name someone who is not matched" in out


@pytest.fixture(scope="module")
def queue_dir(tmp_path_factory):
    """The sample meeting's review queue as a run writes it (built once)."""
    tmp_path = tmp_path_factory.mktemp("queue")
    meeting = load_meeting(SAMPLE_MEETING)
    items = collect([read_and_validate(f, meeting, TODAY) for f in discover(SAMPLE_INBOX)]).items
    matches = match_items(items, meeting, load_matcher())
    decisions, _ = apply_identity({d.item_id: d for d in decide_items(items, meeting,
                                                                       load_policy())},
                                  items, matches, {}, meeting)
    identity = {k: describe(m) for k, m in matches.items() if not m.linked}
    queue = tmp_path / "out" / meeting.meeting.id / "review_queue.csv"
    queue.parent.mkdir(parents=True)
    with queue.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=QUEUE_COLUMNS)
        w.writeheader()
        w.writerows(review_queue_rows(items, decisions, identity))
    kelsey = next(i for i in items if not matches[i.item_id].linked
                  and matches[i.item_id].outcome == "not_on_roster")
    return {"out": tmp_path / "out", "item": kelsey, "id": meeting.meeting.id}


@pytest.fixture
def queued(queue_dir, tmp_path):
    """The queue, and empty review state for each test."""
    return {**queue_dir, "state": tmp_path / "state"}


def _review(q, *args):
    return runner.invoke(review_app, [*args, "--meeting", str(SAMPLE_MEETING), "--out",
                                      str(q["out"]), "--state", str(q["state"])],
                         env={"COLUMNS": "300"})


def test_list_shows_who_an_item_may_be_about(queued):
    result = _review(queued, "list")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "not on FAM-001's roster" in out
    assert "--share --member" in out


def test_decide_with_member_confirms_the_subject(queued):
    item = queued["item"]
    result = _review(queued, "decide", item.item_id, "--share", "--member",
                     "louise  HARROWFIELD", "--reason", REASON, "--by", "JAG coordinator")
    assert result.exit_code == 0, result.output
    assert "confirmed as about Louise Harrowfield (FAM-001)" in " ".join(result.output.split())
    rev = load_reviews(review_store_path(queued["state"], queued["id"]))[item.item_id]
    assert (rev.member, rev.disposition, rev.content_hash) == (
        "Louise Harrowfield", "shared", item.content_hash)


@pytest.mark.parametrize("args,message", [
    (["--share"], "needs --member naming who it is about"),
    (["--share", "--member", "Kyle Marchetti"], "is not a member of FAM-001"),
    (["--withhold", "--member", "Louise Harrowfield"], "--member goes with --share"),
], ids=["share-without-member", "member-of-another-family", "member-with-withhold"])
def test_decide_refuses_what_does_not_settle_who(queued, args, message):
    item = queued["item"]
    result = _review(queued, "decide", item.item_id, *args, "--reason", REASON, "--by",
                     "JAG coordinator")
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not review_store_path(queued["state"], queued["id"]).exists()


def test_withhold_needs_no_member(queued):
    item = queued["item"]
    result = _review(queued, "decide", item.item_id, "--withhold", "--reason",
                     "Not about this family; the school will resubmit under the right one.",
                     "--by", "JAG coordinator")
    assert result.exit_code == 0, result.output
