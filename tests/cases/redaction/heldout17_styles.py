"""Count the hard styles in heldout17.jsonl from the gold spans: heldout11_styles.py's styles
(and through it heldout10_styles.py's and heldout8_styles.py's), with the seventeenth blind
set's own word lists, titles and roles.

    .venv/bin/python tests/cases/redaction/heldout17_styles.py [--show] [path/to/heldout17.jsonl]

Each count is read off the labelled text, never typed in by hand, so it changes when the
notes change; --show lists every occurrence. tests/benchmarks/test_corpus.py holds the set to
a minimum of each. Built on heldout11_styles.py (and through it heldout10_styles.py,
heldout8_styles.py and heldout4_styles.py), with this set's own word lists, titles and roles.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HELDOUT17 = HERE / "heldout17.jsonl"


def _load(name: str, filename: str) -> Any:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / filename)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


h11 = _load("redaction_heldout11_styles", "heldout11_styles.py")
h10 = h11.h10
h4 = h10.h4

# Person names in this set that are also ordinary English words (used as words elsewhere).
WORD_NAMES = frozenset({
    "faith", "hope", "summer", "storm", "bay", "sky", "will", "mark", "rose", "grace", "joy",
    "bill", "river", "dawn", "sunny", "penny", "jack", "patience",
    "ferret", "pigeon", "hornet", "gecko", "beetle", "stoat", "otter", "badger", "weasel",
    "puffin", "gannet", "lobster", "haddock", "conker", "nugget", "pudding", "whippet", "sprout",
    "turnip", "pilchard", "cobweb", "gravel", "domino", "hedgehog", "rocket", "thimble", "walnut",
})  # fmt: skip
# Words a nickname may be made of that are ordinary words ('Ferret', 'HADDOCK', 'gravel'): this
# set's are animals, food and small things.
ORDINARY_WORDS = frozenset({
    "ferret", "pigeon", "hornet", "gecko", "beetle", "stoat", "otter", "badger", "weasel",
    "puffin", "gannet", "lobster", "haddock", "conker", "nugget", "pudding", "whippet", "sprout",
    "turnip", "pilchard", "cobweb", "gravel", "domino", "hedgehog", "rocket", "thimble", "walnut",
})  # fmt: skip
# Agency vocabulary that must stay in the text (searched outside every gold span, any case).
AGENCY_TERMS = (
    "tenancy", "arrears", "centile", "CAMHS", "s47", "Clare's Law", "MARAC", "IDVA",
    "AssetPlus", "NRM", "MASH", "DASH",
)  # fmt: skip
# Places and services that are not people and must stay, searched outside every gold span
# (several are also first names or surnames: Stanley, Douglas, Ramsey, Walton, Sutton ...).
PLACE_TERMS = (
    "Farnborough", "Pokhara", "Rybnik", "Katowice", "Chalvey", "Edmonton Green", "Adama",
    "Harar", "Darnall", "Page Hall", "Sutton", "Croydon", "Cheam", "Highfields", "Belgrave",
    "Boston", "Plovdiv", "Rotherham", "Knaresborough", "Harrogate", "Bakhchysarai", "Fratton",
    "Praia", "Harehills", "Kinshasa", "Crumpsall", "Kampala", "Freetown", "Whitechapel",
    "Billingsgate", "Peckham", "Brixton", "Port of Spain", "San Fernando", "Georgetown",
    "Leyton", "Douglas", "Peel", "Ramsey", "Port Erin", "Lerwick", "Scalloway", "Strabane",
    "Derry", "Newry", "Shankill", "Cleator Moor", "Whitehaven", "Workington", "Byker", "Walker",
    "Stanley", "Kirkby", "Walton", "Alder Hey", "Knowle West", "Hounslow", "Jalalabad",
    "Hanley", "Duhok", "Aleppo", "Gaziantep", "Hillfields", "Haiphong", "Deptford", "Woolwich",
)  # fmt: skip
PERSON_TITLE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|PC|DC|DS|DI|PS|Sgt|Con|TA|SW|HV|PO|DN|EHO|DSL|IDVA|nurse"
    r"|interpreter|Translator|mentor|officer|landlord|Chair|worker|staff|Officer|teacher|uncle"
    r"|aunt|aunty|nan|nana|pastor|Pastor|gran)\.?\s)$",
    re.I,
)
ROLE = re.compile(
    r"(?i)\b(?:DSL|PO|SW|HV|GP|IDVA|YJ|YOT|EHO|EWO|DN|MASH|TA|officer|manager|worker|lead"
    r"|head of|deputy head|tutor|teacher|practitioner|receptionist|registrar|nurse|consultant"
    r"|chair|pastoral|case manager|midwife|coordinator|SpR|head of year|adviser|assistant"
    r"|doctor|designated|paediatrician|psychiatrist|sergeant)\b"
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SHORT_MONTH = re.compile(r"(?i)\d{1,2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4}")


def load(path: Path = HELDOUT17) -> list[dict[str, Any]]:
    return h4.load(path)


def style_counts(notes: list[dict[str, Any]]) -> dict[str, int]:
    return {style: len(hits) for style, hits in style_hits(notes).items()}


_SWAPPED = ("WORD_NAMES", "ORDINARY_WORDS", "AGENCY_TERMS", "PLACE_TERMS", "PERSON_TITLE", "ROLE")


def _swap(notes: list[dict[str, Any]]) -> dict[str, list[str]]:
    """heldout10_styles' hits with this set's word lists, titles and roles."""
    saved = {name: getattr(h10, name) for name in _SWAPPED}
    for name in _SWAPPED:
        setattr(h10, name, globals()[name])
    try:
        return h10.style_hits(notes)
    finally:
        for name, value in saved.items():
            setattr(h10, name, value)


def style_hits(notes: list[dict[str, Any]]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = defaultdict(list, _swap(notes))
    for n in notes:
        text, note_id = n["text"], n["note_id"]
        for start, _, label, span in n["spans"]:
            if label != "DATE_OF_BIRTH":
                continue
            if ISO_DATE.fullmatch(span):
                hits["date of birth in ISO form (2010-07-14)"].append(f"{note_id}: {span}")
            if SHORT_MONTH.fullmatch(span):
                hits["date of birth as 12-Jun-1997"].append(f"{note_id}: {span}")
            if span.startswith("b. ") or text[max(0, start - 3) : start] == "b. ":
                hits["date of birth after b. (b. 5th Sep 1994)"].append(f"{note_id}: {span}")
    return dict(sorted(hits.items()))


def same_person(yaml_path: Path = HERE / "heldout17.yaml") -> dict[str, list[list[str]]]:
    """The author's same_person key from the source file: family_ref -> groups of forms."""
    return h4.same_person(yaml_path)


def main(argv: list[str]) -> int:
    show = "--show" in argv
    args = [a for a in argv if a != "--show"]
    path = Path(args[0]) if args else HELDOUT17
    notes = load(path)
    families = len({n["family_ref"] for n in notes})
    print(f"{path.name}: {len(notes)} notes, {families} families")
    for style, found in style_hits(notes).items():
        print(f"  {style:<60}{len(found):>5}")
        if show:
            for what in found:
                print(f"      {what}")
    if path == HELDOUT17:
        groups = same_person()
        apart = h4.unjoinable_by_words(groups)
        print(f"  {'same_person groups (one person, several forms)':<60}"
              f"{sum(map(len, groups.values())):>5}")  # fmt: skip
        print(f"  {'  of which share no full name (Ferret / THAPA-MAGAR ...)':<60}{len(apart):>5}")
        if show:
            for what in apart:
                print(f"      {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
