"""The special-category text check, measured on labelled sentences.

003 glossary 'Sensitive information' lists racial or ethnic origin, religious beliefs,
political opinions, trade union membership, physical or mental health and sexual life; 3.41
says sensitive information weighs heavily in the decision to share. The check is a safety net
for such content recorded under another category; the category remains the primary control.
Figures (benchmarks/special_category_text.py): development and heldout were tuned on;
heldout2 never was, and its floor below is its first measurement, so a change that loses
recall or precision on new text fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.policy import load_policy

LABELLED = Path(__file__).resolve().parents[2] / "cases" / "policy" / "special_category_text.yaml"
DOC = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))


def _score(rows):
    found = load_policy().special_category_text.found
    tp = fp = fn = 0
    for row in rows:
        want, got = bool(row["classes"]), bool(found(row["text"]))
        tp += want and got
        fp += got and not want
        fn += want and not got
    return tp / (tp + fp), tp / (tp + fn)


@pytest.mark.parametrize(
    "name,min_precision,min_recall",
    [("development", 1.0, 1.0), ("heldout", 1.0, 1.0), ("heldout2", 1.0, 0.48)],
)
def test_item_level_precision_and_recall(name, min_precision, min_recall):
    precision, recall = _score(DOC[name])
    assert precision >= min_precision, precision
    assert recall >= min_recall, recall


def test_the_labels_name_known_classes():
    classes = set(load_policy().special_category_text.labels)
    for name in ("development", "heldout", "heldout2"):
        for row in DOC[name]:
            assert set(row["classes"]) <= classes, row
