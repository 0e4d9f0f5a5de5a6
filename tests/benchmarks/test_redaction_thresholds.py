"""Regression guard: casebundle's redaction meets issue 4's thresholds on the tuned corpora.

Uses the same scoring as `benchmarks/redaction_eval.py` (casebundle only, no vanilla
Presidio), so CI catches a rule change that lets identifiers through. The held-out sets
(`heldout2`, `heldout3`) are deliberately not asserted here: they are for honest
measurement, not for tuning against (see benchmarks/README.md).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases" / "redaction"


def _load_eval():
    spec = importlib.util.spec_from_file_location(
        "casebundle_redaction_eval", REPO / "benchmarks" / "redaction_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


ev = _load_eval()

THRESHOLDS = {
    "PHONE": 0.99, "EMAIL": 0.99, "POSTCODE": 0.99, "NHS": 0.99, "NINO": 0.99,
    "VEHICLE_REG": 0.99, "THIRD_PARTY_PERSON": 0.95, "STREET_ADDRESS": 0.95,
}


def _run(notes):
    run = ev.run_casebundle(notes)
    assert run.name == "casebundle", "the real engine must load (not the stand-in)"
    return run


@pytest.fixture(scope="module", params=["corpus.jsonl", "heldout.jsonl", "heldout2.jsonl"])
def scores(request):
    notes = ev.load_corpus(CASES / request.param)
    return ev.score(notes, _run(notes))


@pytest.mark.parametrize(("label", "minimum"), sorted(THRESHOLDS.items()))
def test_recall_meets_threshold(scores, label, minimum):
    assert scores.recall(label) >= minimum, scores.misses[:10]


def test_family_names_survive(scores):
    assert scores.retention() >= 0.98, scores.family_misses[:10]


def test_no_two_people_share_a_pseudonym(scores):
    assert not scores.collisions, scores.collisions[:5]


SYNTH = REPO / "tests" / "cases" / "presidio_synth" / "synth_dataset_v2.json"


@pytest.mark.slow
def test_presidio_synth_development_half_meets_issue_11():
    """presidio-research's public synth set, texts 1-750 (the half developed on; the last
    750 are reported by benchmarks/redaction_eval.py, never asserted, so never tuned on)."""
    notes = ev.load_presidio_json(SYNTH, "first")
    s = ev.score(notes, _run(notes))
    strict = s.removed_any["THIRD_PARTY_PERSON"] / s.n_gold["THIRD_PARTY_PERSON"]
    assert strict >= 0.97, s.misses[:10]
    for label in ("PHONE", "EMAIL", "STREET_ADDRESS"):
        assert s.recall(label) >= 0.97, (label, s.misses[:10])
    assert s.plain_share() <= 0.03
