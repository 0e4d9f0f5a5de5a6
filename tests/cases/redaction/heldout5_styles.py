"""Count the hard styles in heldout5.jsonl, from the gold spans.

    .venv/bin/python tests/cases/redaction/heldout5_styles.py [--show] [path/to/heldout5.jsonl]

The styles issue 11 lists are counted by heldout4_styles.py's counter (the same definitions,
with heldout5's names that are also ordinary words); a few more shapes the fifth set was
written for are counted here. Every count is read off the labelled text, never typed in by
hand; --show lists every occurrence. tests/benchmarks/test_corpus.py holds the set to a
minimum of each.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HELDOUT5 = HERE / "heldout5.jsonl"
HELDOUT5_YAML = HERE / "heldout5.yaml"


def _load_counter() -> Any:
    spec = importlib.util.spec_from_file_location(
        "redaction_heldout4_styles", HERE / "heldout4_styles.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


h4 = _load_counter()

# Person names in the set (first names, surnames, street nicknames) that are also ordinary
# English words; a name counts when the word is also used as a word somewhere in the set.
WORD_NAMES = frozenset({
    "faith", "hope", "summer", "storm", "bay", "sky", "gable", "ash", "noon", "moss", "poppy",
    "swift", "church", "lord", "liberty", "crane", "hazel", "cotton", "lace", "precious",
    "ruby", "mason", "pat", "dale", "jade", "ward", "eaves", "hale", "eke", "sharp", "pike",
    "spanner", "biscuit", "chalky", "smudge", "wasp", "kettle", "nugget", "ghost", "snowy",
    "boxer", "mouse", "pip", "young", "big",
})  # fmt: skip

# Agency vocabulary and service names the set uses as ordinary text (never labelled).
AGENCY_TERMS = (
    "tenancy", "arrears", "centile", "truanting", "PCSOs", "CAMHS", "EHCP", "s47",
    "Turnaround programme", "Early Help", "MARAC", "IDVA", "DASH", "CCE", "NRM", "OASys",
    "MAPPA", "NOSP", "Jobcentre", "Clare's Law",
)  # fmt: skip

DOB_LABEL = re.compile(
    r"(?i)(\bdob\b|d\.o\.b\.?|\bborn\b|date of birth|\bb\.|birthday)[\s:.,-]*(on\s+)?(the\s+)?$"
)
IDENTIFIER_LABELS = ("PHONE", "EMAIL", "POSTCODE", "NHS", "NINO", "VEHICLE_REG", "UPN",
                     "POLICE_REF", "DATE_OF_BIRTH", "STREET_ADDRESS")  # fmt: skip


def load(path: Path = HELDOUT5) -> list[dict[str, Any]]:
    return h4.load(path)


def _outside_spans(note: dict[str, Any]) -> str:
    """The note's text with every gold span cut out (a NUL where each was, so no word joins
    across a span)."""
    text, out, pos = note["text"], [], 0
    for start, end, _, _ in note["spans"]:
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "\0".join(out)


def style_hits(notes: list[dict[str, Any]]) -> dict[str, list[str]]:
    """heldout4_styles' styles (with heldout5's word names) and heldout5's extra shapes."""
    hits: dict[str, list[str]] = defaultdict(list, h4.style_hits(notes, WORD_NAMES))
    for n in notes:
        text, note_id = n["text"], n["note_id"]
        outside = _outside_spans(n)
        if not any(c.isupper() for c in outside):
            hits["note written all in lower case"].append(note_id)
        spans = n["spans"]
        for i, (start, end, label, span) in enumerate(spans):
            if label == "DATE_OF_BIRTH" and not DOB_LABEL.search(text[max(0, start - 24) : start]):
                hits["date of birth without a label (no DOB / born)"].append(f"{note_id}: {span}")
            if label == "STREET_ADDRESS":
                last_word = re.sub(r"\W", "", span.split()[-1]).casefold()
                if not re.match(r"(?i)(Flat \d+, )?\d", span) or last_word in h4.USUAL_SUFFIXES:
                    continue
                nxt = spans[i + 1] if i + 1 < len(spans) else None
                gap = text[end : nxt[0]] if nxt else ""
                followed = nxt is not None and nxt[2] == "POSTCODE" and re.fullmatch(r"[ ,]*", gap)
                if followed:
                    hits["unusual street then a postcode"].append(f"{note_id}: {span}")
                else:
                    hits["unusual street with no postcode after it"].append(f"{note_id}: {span}")
            if label == "EMAIL":
                hits["e-mail address"].append(f"{note_id}: {span}")
        for term in AGENCY_TERMS:
            for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", outside):
                hits[f"agency term outside spans: {term}"].append(f"{note_id}: {m.group()}")
    return dict(sorted(hits.items()))


def style_counts(notes: list[dict[str, Any]]) -> dict[str, int]:
    return {style: len(found) for style, found in style_hits(notes).items()}


def same_person(yaml_path: Path = HELDOUT5_YAML) -> dict[str, list[list[str]]]:
    """The author's same_person key from heldout5.yaml: family_ref -> groups of forms."""
    return h4.same_person(yaml_path)


def main(argv: list[str]) -> int:
    show = "--show" in argv
    args = [a for a in argv if a != "--show"]
    path = Path(args[0]) if args else HELDOUT5
    notes = load(path)
    families = len({n["family_ref"] for n in notes})
    print(f"{path.name}: {len(notes)} notes, {families} families")
    for style, found in style_hits(notes).items():
        print(f"  {style:<52}{len(found):>5}")
        if show:
            for what in found:
                print(f"      {what}")
    groups = same_person(path.with_suffix(".yaml"))
    apart = h4.unjoinable_by_words(groups)
    print(f"  {'same_person groups (one person, several forms)':<52}"
          f"{sum(map(len, groups.values())):>5}")  # fmt: skip
    print(f"  {'  of which share no full name (Olena / Олена ...)':<52}{len(apart):>5}")
    if show:
        for what in apart:
            print(f"      {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
