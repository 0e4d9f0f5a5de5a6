"""The benchmark's reading of a set author's same_person key (benchmarks/redaction_eval.py):
forms listed together are one person, every other form is a person of its own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "tests" / "cases" / "redaction"


def _load_eval() -> Any:
    name = "casebundle_redaction_eval"  # shared with test_redaction_thresholds.py
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "redaction_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ev = _load_eval()


def _note(note_id: str, text: str, names: list[str]) -> Any:
    spans = tuple(ev.Gold(text.index(n), text.index(n) + len(n), "THIRD_PARTY_PERSON", n)
                  for n in names)
    return ev.Note(note_id, "F1", "police", "test", (), text, spans)


def _run(notes: list[Any], tags: dict[str, list[str]]) -> Any:
    preds = {}
    for n in notes:
        preds[n.note_id] = [ev.Pred(g.start, g.end, "PERSON", t)
                            for g, t in zip(n.spans, tags[n.note_id], strict=True)]
    return ev.EngineRun("casebundle", preds, {n.note_id: "" for n in notes}, 0.0,
                        pseudonyms=True)


NOTES = [
    _note("F1-01", "Dot and Dorothy Tolhurst came; Sorensen left.", ["Dot", "Dorothy Tolhurst",
                                                                      "Sorensen"]),
    _note("F1-02", "Mads Sorensen and Dot.", ["Mads Sorensen", "Dot"]),
]
KEY = {"F1": [["Dorothy Tolhurst", "Dot"], ["Mads Sorensen"]]}


def test_a_correct_link_the_word_rule_cannot_see_is_no_collision_by_the_key():
    run = _run(NOTES, {"F1-01": ["A", "A", "B"], "F1-02": ["C", "A"]})
    (consistent, people), collisions, split = ev.pseudonyms_by_key(NOTES, run, KEY)
    assert collisions == [] and split == []
    assert (consistent, people) == (1, 1)  # Dot / Dorothy Tolhurst, named three times
    # the word rule takes Dot and Dorothy Tolhurst for different people sharing "A"
    _, word_collisions = ev.pseudonym_consistency(NOTES, run)
    assert word_collisions


def test_different_people_sharing_a_pseudonym_and_a_person_split_in_two():
    run = _run(NOTES, {"F1-01": ["A", "B", "C"], "F1-02": ["C", "A"]})
    (consistent, people), collisions, split = ev.pseudonyms_by_key(NOTES, run, KEY)
    # Sorensen (not in the key with Mads Sorensen) and Mads Sorensen share C
    assert len(collisions) == 1 and "sorensen" in collisions[0]
    # Dot / Dorothy Tolhurst got A and B
    assert len(split) == 1 and (consistent, people) == (0, 1)


def test_the_key_is_read_from_the_sets_yaml(tmp_path: Path):
    key = ev.load_same_person(CASES / "heldout4.jsonl")
    assert ["Dorothy Tolhurst", "Dot"] in key["H4-10"]
    assert ev.load_same_person(CASES / "heldout2.jsonl") == {}
    assert ev.load_same_person(tmp_path / "nothing.jsonl") == {}
