"""Regression guard for the identity matcher on the labelled subject/roster set.

Uses `benchmarks/identity_eval.py`'s scoring. Asserts the chosen thresholds' results on the
`tune` split only; `holdout` is for honest measurement, never a target (it is checked for
size and shape, not scores), as with the redaction held-out sets.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from pipeline.identity import load_matcher
from pipeline.meeting import load_meeting

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases" / "identity"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


ev = _load("casebundle_identity_eval", REPO / "benchmarks" / "identity_eval.py")
gen = _load("casebundle_identity_cases", CASES / "build_labelled.py")

KINDS = {"exact", "nickname", "misspelt_forename", "misspelt_surname", "transposed_surname",
         "transposed_forename", "initial", "caps_surname", "surname_comma", "dob_swapped",
         "dob_near", "dob_missing", "dob_different", "namesake_filed_right",
         "namesake_no_dob", "namesake_filed_under_other", "unrelated",
         "relative_not_on_roster", "same_first_name_not_on_roster"}


@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_labelled_set_shape(split):
    cases = ev.load_cases(split)
    assert len(cases) >= 300
    kinds = {c["kind"] for c in cases}
    assert kinds >= KINDS, KINDS - kinds
    assert any(k.startswith("misfiled_") for k in kinds)
    assert any("+dob_" in k for k in kinds)
    roster = load_meeting(CASES / f"roster_{split}.yaml")
    members = {(f.ref, m.name) for f in roster.families for m in f.members}
    for c in cases:
        t = c["truth"]
        assert t is None or (t["family_ref"], t["member"]) in members, c
        assert roster.family(c["filed_family"]) is not None, c
    truths = [c["truth"] for c in cases]
    assert sum(t is None for t in truths) >= 100  # people on no roster


@pytest.mark.parametrize("split,pools", [("tune", gen.TUNE), ("holdout", gen.HOLDOUT)])
def test_committed_set_is_what_the_generator_writes(split, pools):
    yaml_text, cases = gen.Builder(split, pools).build()
    assert yaml_text == (CASES / f"roster_{split}.yaml").read_text(encoding="utf-8")
    lines = [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in cases]
    assert lines == (CASES / f"labelled_{split}.jsonl").read_text(encoding="utf-8").splitlines()


def test_splits_share_no_family_names():
    def surnames(split):
        m = load_meeting(CASES / f"roster_{split}.yaml")
        return {mem.name.split()[-1] for f in m.families for mem in f.members}
    assert not surnames("tune") & surnames("holdout")


def test_tuned_thresholds_on_the_tune_split():
    s = ev.score("tune", load_matcher())
    assert s.precision == 1.0, [w["case_id"] for w in s.wrong]  # no wrong automatic link
    assert s.outsiders_linked == 0
    assert s.recall >= 0.92
    assert s.misfiled_flagged / s.misfiled >= 0.95
    assert s.review_share <= 0.40
