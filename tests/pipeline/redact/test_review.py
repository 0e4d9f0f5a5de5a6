"""The redaction review store without the engine: decisions under an account and agency,
checked before anything is written, and which decision is in force for a span."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.errors import ConfigError, ReviewError
from pipeline.redact import (
    MIN_REASON_WORDS,
    UnsureEntry,
    decide_span,
    list_unsure,
    load_redaction_review,
    new_span_decision,
    save_unsure,
    store_span_decision,
)

MEETING = "jag-2026-12"


def entry(span_id: str = "a" * 16, *, agency: str = "police", content_hash: str = "h1",
          confirmed: bool = False) -> UnsureEntry:
    return UnsureEntry(span_id=span_id, run_id="run1", family_ref="FAM-001",
                       item_id="police-1", field="summary", agency=agency,
                       content_hash=content_hash, word="Turnaround",
                       pseudonym="[Third party A]",
                       context="Offered the ⟦[Third party A]⟧ programme.", confirmed=confirmed)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    save_unsure(tmp_path, MEETING, [entry(), entry("b" * 16, agency="school")])
    return tmp_path


def test_a_decision_carries_the_account_and_the_agency(state: Path):
    at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    d = decide_span(state, MEETING, "a" * 16, "restore", by="police reviewer",
                    reason="  the name of a   youth programme ", user="pc.jones", at=at)
    assert (d.user, d.agency, d.reason, d.at) == ("pc.jones", "police",
                                                  "the name of a youth programme", at)
    stored = json.loads((state / MEETING / "redaction_decisions.jsonl").read_text())
    assert stored["user"] == "pc.jones" and stored["agency"] == "police"
    assert load_redaction_review(state, MEETING).decisions["a" * 16] == d


def test_decisions_recorded_before_accounts_still_load(state: Path):
    old = {"span_id": "a" * 16, "item_id": "police-1", "field": "summary",
           "family_ref": "FAM-001", "content_hash": "h1", "word": "Turnaround",
           "action": "confirm", "allow": False, "reason": "a neighbour's name here",
           "by": "JAG coordinator", "at": "2026-11-30T10:00:00+00:00"}
    (state / MEETING / "redaction_decisions.jsonl").write_text(json.dumps(old) + "\n")
    d = load_redaction_review(state, MEETING).decisions["a" * 16]
    assert d.user is None and d.agency is None


@pytest.mark.parametrize("reason,by,error", [
    ("", "chair", ReviewError),
    ("ordinary word", "chair", ReviewError),          # fewer than MIN_REASON_WORDS words
    ("   \t  ", "chair", ReviewError),
    ("an ordinary word here", "  ", ReviewError),     # no role
])
def test_a_decision_without_a_real_reason_or_role_is_refused(state: Path, reason, by, error):
    assert MIN_REASON_WORDS == 3
    with pytest.raises(error):
        new_span_decision(state, MEETING, "a" * 16, "restore", by=by, reason=reason)
    assert not (state / MEETING / "redaction_decisions.jsonl").exists()


def test_new_span_decision_checks_without_writing(state: Path):
    d = new_span_decision(state, MEETING, "b" * 16, "confirm", by="school reviewer",
                          reason="a classmate's first name", user="dsl")
    assert not (state / MEETING / "redaction_decisions.jsonl").exists()
    store_span_decision(state, MEETING, d)
    assert load_redaction_review(state, MEETING).decisions == {"b" * 16: d}
    with pytest.raises(ConfigError, match="no unsure redaction"):
        new_span_decision(state, MEETING, "c" * 16, "confirm", by="x", reason="a b c")


def test_in_force_and_awaiting_follow_the_content_hash(state: Path):
    [a, _] = list_unsure(state, MEETING)
    review = load_redaction_review(state, MEETING)
    assert review.awaiting(a) and review.in_force(a.span_id, a.content_hash) is None
    decide_span(state, MEETING, a.span_id, "restore", by="chair", reason="a programme name")
    review = load_redaction_review(state, MEETING)
    assert not review.awaiting(a)
    assert review.in_force(a.span_id, "h1") is not None
    changed = a.model_copy(update={"content_hash": "h2"})  # the agency edited the row
    assert review.in_force(a.span_id, "h2") is None and review.awaiting(changed)
    # a span the run already marked confirmed does not await a decision
    assert not review.awaiting(entry("d" * 16, confirmed=True))
