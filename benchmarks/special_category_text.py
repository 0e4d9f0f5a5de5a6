"""Measure the special-category text check (policy.yaml special_category_text).

Prints, for the labelled sentences in tests/cases/policy/special_category_text.yaml, the
item-level precision and recall (does the text hold any special category?) and per-class
counts, for each set (development and heldout: tuned on; heldout2: never tuned on); then how
often the check fires on unlabelled agency notes (the redaction corpora), which is how
often an item outside the special categories would be looked at, before consent, a
threshold-level risk or a legal duty lets it through. Run from the repo root:

    .venv/bin/python benchmarks/special_category_text.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.policy import load_policy  # noqa: E402

LABELLED = ROOT / "tests" / "cases" / "policy" / "special_category_text.yaml"
CORPORA = sorted((ROOT / "tests" / "cases" / "redaction").glob("*.jsonl"))


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Item-level precision/recall and per-class true/false positives and misses."""
    found_fn = load_policy().special_category_text.found
    tp = fp = fn = tn = 0
    per_class: dict[str, Counter[str]] = {}
    misses: list[str] = []
    for row in rows:
        text = str(row["text"])
        want = set(row["classes"])
        got = set(found_fn(text))
        if want and got:
            tp += 1
        elif got:
            fp += 1
            misses.append(f"false alarm {sorted(got)}: {text}")
        elif want:
            fn += 1
            misses.append(f"missed {sorted(want)}: {text}")
        else:
            tn += 1
        for c in want | got:
            counts = per_class.setdefault(c, Counter())
            counts["tp" if c in want and c in got else "fp" if c in got else "fn"] += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"n": len(rows), "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision,
            "recall": recall, "per_class": per_class, "misses": misses}


def corpus_rate() -> tuple[int, Counter[str]]:
    found_fn = load_policy().special_category_text.found
    n, fired = 0, Counter[str]()
    for path in CORPORA:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            n += 1
            classes = found_fn(json.loads(line)["text"])
            fired.update(classes or ("(none)",))
    return n, fired


def main() -> int:
    doc = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    for name in [k for k in doc if k != "version"]:
        s = score(doc[name])
        sys.stdout.write(
            f"{name:<12} {s['n']:>3} sentences: precision {s['precision']:.3f}, recall "
            f"{s['recall']:.3f} (tp {s['tp']}, fp {s['fp']}, fn {s['fn']}, tn {s['tn']})\n"
        )
        for c, counts in sorted(s["per_class"].items()):
            sys.stdout.write(f"    {c:<24} tp {counts['tp']:>2}  fp {counts['fp']:>2}  "
                             f"fn {counts['fn']:>2}\n")
        for m in s["misses"]:
            sys.stdout.write(f"    - {m}\n")
    n, fired = corpus_rate()
    none = fired.pop("(none)", 0)
    sys.stdout.write(f"unlabelled agency notes ({', '.join(p.name for p in CORPORA)}): {n}; "
                     f"the check fires on {n - none} ({(n - none) / n:.1%})\n")
    for c, k in fired.most_common():
        sys.stdout.write(f"    {c:<24} {k}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
