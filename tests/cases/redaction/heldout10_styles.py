"""Count the hard styles in heldout10.jsonl from the gold spans: heldout9_styles.py's styles
(and through it heldout8_styles.py's), with the tenth blind set's own word lists.

    .venv/bin/python tests/cases/redaction/heldout10_styles.py [--show] [path/to/heldout10.jsonl]

Each count is read off the labelled text, never typed in by hand, so it changes when the
notes change; --show lists every occurrence. tests/benchmarks/test_corpus.py holds the set to
a minimum of each. Built on heldout8_styles.py (and through it heldout4_styles.py), with this
set's own word lists.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HELDOUT10 = HERE / "heldout10.jsonl"


def _load(name: str, filename: str) -> Any:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / filename)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


h8 = _load("redaction_heldout8_styles", "heldout8_styles.py")
h4 = h8.h4

# Person names in this set that are also ordinary English words (used as words elsewhere).
WORD_NAMES = frozenset({
    "faith", "hope", "summer", "storm", "bay", "sky", "precious", "blessing", "toffee",
    "button", "kipper", "brick", "doughnut", "noodle", "magpie", "pebble", "crumpet", "socks",
    "tadpole", "ladder", "haggis", "lolly", "pickaxe", "chalky", "wellies", "tiddles",
    "sherbet", "spanner",
})  # fmt: skip
# Words a nickname may be made of that are ordinary words ('Toffee', 'Chief Olawale' is not).
ORDINARY_WORDS = frozenset({
    "toffee", "button", "kipper", "brick", "doughnut", "noodle", "magpie", "pebble", "crumpet",
    "socks", "tadpole", "ladder", "haggis", "lolly", "pickaxe", "chalky", "wellies", "tiddles",
    "sherbet", "spanner", "man", "biscuit", "tin", "top", "storm",
})  # fmt: skip
# Agency vocabulary that must stay in the text (searched outside every gold span, any case).
AGENCY_TERMS = (
    "tenancy", "arrears", "centile", "CAMHS", "s47", "Turnaround programme", "Early Help",
    "Clare's Law", "MARAC", "IDVA", "AssetPlus", "NRM", "MASH", "DASH",
)  # fmt: skip
# Places, estates, wards and services that are not people and must stay (some are named
# after people or hold a first name), searched outside every gold span.
PLACE_TERMS = (
    "Gurnos estate", "Ysgol Cwm Rhondda", "Riverside Surgery", "Moss Side", "Harehills",
    "Chapeltown Health Centre", "Byker", "Jubilee Centre", "Castlemilk hub", "Grainger Market",
    "Victoria Park", "Mandela House", "Leigh Park", "Lewisham Shopping Centre", "Holme Wood estate",
    "Beeston hub", "Nghệ An", "Kumasi", "Margate", "Sylhet", "Dungannon", "Gdańsk", "Hanoi",
    "Kingston, Jamaica", "Lahore",
)  # fmt: skip
PERSON_TITLE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|PC|DC|DS|DI|Sgt|Pastor|TA|SW|teacher|mentor|officer)\.?\s)$", re.I
)
ROLE = re.compile(
    r"(?i)\b(?:DSL|PO|SW|SN|IDVA|officer|manager|worker|lead|head of|designated|consultant"
    r"|midwife|pastoral|psychiatr\w*|doctor)\b"
)
AGE_BRACKET = re.compile(
    r"(?i)\b\d{1,2}\s*(?:y|yo|yrs?|years?(?: old)?)?,?\s*\(\s*(?:dob:?\s*|b\.\s*)?$"
)
NUMBER_WORDS = re.compile(
    r"(?i)\b(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|\w+teenth|twentieth|twenty|thirtieth|thirty|thousand)\b"
)


def load(path: Path = HELDOUT10) -> list[dict[str, Any]]:
    return h4.load(path)


def style_counts(notes: list[dict[str, Any]]) -> dict[str, int]:
    return {style: len(hits) for style, hits in style_hits(notes).items()}


def _swap(notes: list[dict[str, Any]]) -> dict[str, list[str]]:
    """heldout8_styles' hits with this set's word lists."""
    saved = h8.WORD_NAMES, h8.ORDINARY_WORDS, h8.AGENCY_TERMS
    h8.WORD_NAMES, h8.ORDINARY_WORDS, h8.AGENCY_TERMS = WORD_NAMES, ORDINARY_WORDS, AGENCY_TERMS
    try:
        return h8.style_hits(notes)
    finally:
        h8.WORD_NAMES, h8.ORDINARY_WORDS, h8.AGENCY_TERMS = saved


def style_hits(notes: list[dict[str, Any]]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = defaultdict(list, _swap(notes))
    for n in notes:
        text, note_id, spans = n["text"], n["note_id"], n["spans"]

        def add(style: str, what: str, note_id: str = note_id) -> None:
            hits[style].append(f"{note_id}: {what}")

        lines = text.split("\n")
        for start, end, label, span in spans:
            words = span.split()
            before = text[max(0, start - 30) : start]
            if label == "DATE_OF_BIRTH":
                if AGE_BRACKET.search(before):
                    add("date of birth in brackets after an age", span)
                if re.search(r"\d(?:st|nd|rd|th)\b", span):
                    add("date of birth with an ordinal (1st, 23rd)", span)
                if NUMBER_WORDS.search(span):
                    add("date of birth spelled out in words", span)
            if label == "THIRD_PARTY_PERSON":
                ordinary = all(w.casefold() in ORDINARY_WORDS for w in words)
                if ordinary and not h4._quoted(text, start, end):
                    add("nickname made of ordinary words, not quoted", span)
                if ordinary and span.isupper():
                    add("nickname made of ordinary words in capitals", span)
                if PERSON_TITLE.search(before):
                    add("professional or third party after a title or role", span)
            if label in h4.PERSON and span.isupper() and h8.PARTICLE.search(span.title()):
                add("ALL-CAPS name with a particle or apostrophe", span)
            if label in h4.PERSON and re.search(r"'\w", span) and not span.endswith("'s"):
                add("name with an apostrophe (O'Dowd, Bell's)", span)
        # a sign-off: one of the last two lines names the writer with a role on it or the next
        for i in range(max(0, len(lines) - 3), len(lines)):
            line_start = sum(len(x) + 1 for x in lines[:i])
            first = next((s for s in spans if s[0] >= line_start), None)
            if first is None or first[2] not in h4.PERSON or first[0] > line_start + 10:
                continue
            rest = lines[i][first[1] - line_start :] + " " + " ".join(lines[i + 1 : i + 2])
            if ROLE.search(rest) and not re.match(r"\s*[:(]", lines[i][first[1] - line_start :]):
                add("sign-off with a role", first[3])
                break
        for term in PLACE_TERMS:
            if any(
                not any(s[0] <= m.start() < s[1] for s in spans)
                for m in re.finditer(re.escape(term), text)
            ):
                add("place, estate, ward or service name (not a person)", term)
    return dict(sorted(hits.items()))


def same_person(yaml_path: Path = HERE / "heldout10.yaml") -> dict[str, list[list[str]]]:
    """The author's same_person key from the source file: family_ref -> groups of forms."""
    return h4.same_person(yaml_path)


def main(argv: list[str]) -> int:
    show = "--show" in argv
    args = [a for a in argv if a != "--show"]
    path = Path(args[0]) if args else HELDOUT10
    notes = load(path)
    families = len({n["family_ref"] for n in notes})
    print(f"{path.name}: {len(notes)} notes, {families} families")
    for style, found in style_hits(notes).items():
        print(f"  {style:<60}{len(found):>5}")
        if show:
            for what in found:
                print(f"      {what}")
    if path == HELDOUT10:
        groups = same_person()
        apart = h4.unjoinable_by_words(groups)
        print(f"  {'same_person groups (one person, several forms)':<60}"
              f"{sum(map(len, groups.values())):>5}")  # fmt: skip
        print(f"  {'  of which share no full name (Kettle / BAILLIE ...)':<60}{len(apart):>5}")
        if show:
            for what in apart:
                print(f"      {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
