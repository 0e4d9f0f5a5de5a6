"""Count the hard styles in heldout7.jsonl from the gold spans (heldout4_styles.py's shapes and more).

    .venv/bin/python tests/cases/redaction/heldout7_styles.py [--show] [path/to/heldout7.jsonl]

Each count is read off the labelled text, never typed in by hand, so it changes when the notes
change; --show lists every occurrence. The shapes of heldout4_styles.py are counted with this
set's own list of names that are also ordinary words; the shapes added here are whole notes in
lower case, dates of birth with no label before them, unusual streets with and without a
postcode after them, e-mail addresses, third parties who share a family member's first name,
street nicknames that are ordinary words, IDVA notes and MARAC summaries, and agency terms
that must stay (outside every span). tests/benchmarks/test_corpus.py holds the set to a
minimum of each. Written without reading the redaction engine or the other sets' text.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HELDOUT7 = HERE / "heldout7.jsonl"


def _load_heldout4_styles() -> Any:
    spec = importlib.util.spec_from_file_location(
        "heldout4_styles_for_7", HERE / "heldout4_styles.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


h4 = _load_heldout4_styles()

# Person names in this set that are also ordinary English words (counted only where the same
# word also occurs as a plain word somewhere in the set, outside every span).
WORD_NAMES = frozenset({
    "faith", "hope", "summer", "storm", "bay", "sky", "blessing", "patience", "destiny",
    "tiny", "kettle", "mouse", "rocket", "bones", "moose", "pickle", "smudge", "chops",
    "whippet", "gaffer", "zeus", "rook", "spud", "deuce", "joker", "salt", "cannon", "temple", "harbour",
    "butcher", "reed", "wheat", "copper", "flint", "chalk", "barley", "hedges", "crowe",
    "verity", "lamb", "cole", "vale", "dean", "marky",
})  # fmt: skip
# Quoted street nicknames whose every word is an ordinary English word ('Moose', 'Lil Ace').
ORDINARY_NICKNAME_WORDS = frozenset({
    "moose", "kettle", "mouse", "rocket", "bones", "pickle", "smudge", "chops", "whippet",
    "gaffer", "tiny", "big", "little", "lil", "deuce", "joker", "spud", "harry", "zeus", "rook",
    "skinny", "sparky",
})  # fmt: skip
# Agency vocabulary that must survive redaction (each must occur outside every span, any case).
AGENCY_TERMS = (
    "tenancy", "arrears", "centile", "truanting", "PCSOs", "CAMHS", "EHCP", "s47",
    "Turnaround programme", "Early Help", "Clare's Law", "MARAC", "IDVA", "AssetPlus",
    "NRM",
)  # fmt: skip
DOB_LABEL = re.compile(r"(?i)(\bdob|d\.o\.b\.?|\bborn|date of birth)\W{0,4}$")


def load(path: Path = HELDOUT7) -> list[dict[str, Any]]:
    return h4.load(path)


def _unusual_street(span: str) -> bool:
    last_word = re.sub(r"\W", "", span.split()[-1]).casefold()
    return bool(re.match(r"(Flat \d+, )?\d", span)) and last_word not in h4.USUAL_SUFFIXES


def style_hits(notes: list[dict[str, Any]]) -> dict[str, list[str]]:
    """heldout4_styles' occurrences (with this set's word names) plus this set's own shapes."""
    hits = h4.style_hits(notes, WORD_NAMES)
    for n in notes:
        text, note_id, spans = n["text"], n["note_id"], n["spans"]

        def add(style: str, what: str, note_id: str = note_id) -> None:
            hits.setdefault(style, []).append(f"{note_id}: {what}")

        if text == text.lower():
            add("note written all in lower case", text.split("\n")[0][:40])
        if n["agency"] == "idva" or n["style"].startswith("marac"):
            add("IDVA note or MARAC summary", n["style"])
        if n["style"].startswith("marac"):
            add("MARAC risk summary", n["style"])
        keep_first = {k.split()[0].casefold() for k in n["keep_names"]}
        for i, (start, end, label, span) in enumerate(spans):
            if label == "DATE_OF_BIRTH" and not DOB_LABEL.search(text[max(0, start - 16) : start]):
                add("date of birth without a label (no DOB / born)", span)
            if label == "EMAIL":
                add("e-mail address", span)
            if label == "STREET_ADDRESS" and _unusual_street(span):
                nxt = spans[i + 1] if i + 1 < len(spans) else None
                followed = (
                    nxt is not None
                    and nxt[2] == "POSTCODE"
                    and re.fullmatch(r",? ?", text[end : nxt[0]]) is not None
                )
                add("unusual street then a postcode" if followed
                    else "unusual street with no postcode after it", span)  # fmt: skip
            if label == "THIRD_PARTY_PERSON":
                words = span.split()
                if len(words) > 1 and words[0].casefold() in keep_first:
                    add("third party sharing a family member's first name", span)
                if h4._quoted(text, start, end) and all(
                    w.casefold() in ORDINARY_NICKNAME_WORDS for w in words
                ):
                    add("quoted nickname made of ordinary words", span)
        for term in AGENCY_TERMS:
            for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", text, flags=re.IGNORECASE):
                if not any(s[0] <= m.start() < s[1] for s in spans):
                    add(f"agency term outside spans: {term}", term)
    return dict(sorted(hits.items()))


def style_counts(notes: list[dict[str, Any]]) -> dict[str, int]:
    """How many gold spans (or notes, families where it says so) show each style."""
    return {style: len(found) for style, found in style_hits(notes).items()}


def same_person(yaml_path: Path = HERE / "heldout7.yaml") -> dict[str, list[list[str]]]:
    """The author's same_person key from heldout7.yaml: family_ref -> groups of forms."""
    return h4.same_person(yaml_path)


def main(argv: list[str]) -> int:
    show = "--show" in argv
    args = [a for a in argv if a != "--show"]
    path = Path(args[0]) if args else HELDOUT7
    notes = load(path)
    families = len({n["family_ref"] for n in notes})
    print(f"{path.name}: {len(notes)} notes, {families} families")
    for style, found in style_hits(notes).items():
        print(f"  {style:<52}{len(found):>5}")
        if show:
            for what in found:
                print(f"      {what}")
    if path == HELDOUT7:
        groups = same_person()
        apart = h4.unjoinable_by_words(groups)
        print(f"  {'same_person groups (one person, several forms)':<52}"
              f"{sum(map(len, groups.values())):>5}")  # fmt: skip
        print(f"  {'  of which share no full name':<52}{len(apart):>5}")
        if show:
            for what in apart:
                print(f"      {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
