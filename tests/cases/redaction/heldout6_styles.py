"""Count the hard styles in heldout6.jsonl from the gold spans.

    .venv/bin/python tests/cases/redaction/heldout6_styles.py [--show] [path/to/heldout6.jsonl]

heldout4_styles.py's counts (with this set's names that are also ordinary words) and a few
more shapes: whole notes in lower case, dates of birth with no label, streets with unusual
suffixes with and without a postcode after them, e-mail addresses, third parties who share a
first name with a family member, IDVA notes and MARAC summaries, and agency vocabulary that
must stay (counted outside every gold span). Every count is read off the labelled text, so it
changes when the notes change; --show lists every occurrence. tests/benchmarks/test_corpus.py
holds the set to a minimum of each.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HELDOUT6 = HERE / "heldout6.jsonl"
HELDOUT6_YAML = HERE / "heldout6.yaml"


def _load_heldout4_styles() -> Any:
    spec = importlib.util.spec_from_file_location(
        "heldout4_styles_for_6", HERE / "heldout4_styles.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


h4 = _load_heldout4_styles()

# Person names in this set that are also ordinary English words (counted when the word also
# occurs outside every span somewhere in the set).
WORD_NAMES = frozenset({
    "faith", "hope", "summer", "storm", "bay", "sky", "blessing", "destiny", "ivy", "poppy",
    "glass", "steel", "pike", "moss", "rook", "lamb", "patience", "sparrow", "moose", "tank",
    "nails", "moth", "ruby", "river", "crystal", "dawn", "precious",
})  # fmt: skip
# Agency vocabulary that must stay in the text (matched case-insensitively outside spans).
AGENCY_TERMS = (
    "tenancy", "arrears", "centile", "truanting", "PCSOs", "CAMHS", "EHCP", "s47",
    "Turnaround programme", "Early Help", "Clare's Law", "MARAC", "IDVA",
)  # fmt: skip
DOB_LABEL = re.compile(r"(?i)\b(dob|d\.o\.b\.?|born|date of birth)\b")


def load(path: Path = HELDOUT6) -> list[dict[str, Any]]:
    return h4.load(path)


def same_person(yaml_path: Path = HELDOUT6_YAML) -> dict[str, list[list[str]]]:
    return h4.same_person(yaml_path)


def _outside(note: dict[str, Any], start: int) -> bool:
    return not any(s[0] <= start < s[1] for s in note["spans"])


def style_hits(notes: list[dict[str, Any]]) -> dict[str, list[str]]:
    hits = {k: list(v) for k, v in h4.style_hits(notes, WORD_NAMES).items()}

    def add(style: str, what: str) -> None:
        hits.setdefault(style, []).append(what)

    for n in notes:
        text, note_id, spans = n["text"], n["note_id"], n["spans"]
        # A whole note in lower case: no capital letter outside identifier spans.
        caps_outside = any(
            c.isupper()
            for i, c in enumerate(text)
            if not any(s[0] <= i < s[1] and not s[2].endswith("_PERSON") for s in spans)
        )
        if not caps_outside:
            add("note written all in lower case", note_id)
        keep_first = {k.split()[0].casefold() for k in n["keep_names"]}
        for i, (start, end, label, span) in enumerate(spans):
            if label == "DATE_OF_BIRTH" and not DOB_LABEL.search(text[max(0, start - 14) : end]):
                add("date of birth without a label (no DOB / born)", f"{note_id}: {span}")
            if label == "STREET_ADDRESS":
                last_word = re.sub(r"\W", "", span.split()[-1]).casefold()
                if last_word not in h4.USUAL_SUFFIXES:
                    nxt = spans[i + 1] if i + 1 < len(spans) else None
                    then_pc = (
                        nxt is not None
                        and nxt[2] == "POSTCODE"
                        and re.fullmatch(r",? ?", text[end : nxt[0]]) is not None
                    )
                    style = (
                        "unusual street then a postcode"
                        if then_pc
                        else "unusual street with no postcode after it"
                    )
                    add(style, f"{note_id}: {span}")
            if label == "EMAIL":
                add("e-mail address", f"{note_id}: {span}")
            if (
                label == "THIRD_PARTY_PERSON"
                and len(span.split()) > 1
                and span.split()[0].casefold() in keep_first
            ):
                add("third party sharing a family member's first name", f"{note_id}: {span}")
        for term in AGENCY_TERMS:
            for m in re.finditer(rf"(?i)\b{re.escape(term)}\b", text):
                if _outside(n, m.start()):
                    add(f"agency term outside spans: {term}", note_id)
        if n["agency"] == "idva":
            add("IDVA note or MARAC summary", note_id)
        if n["style"].startswith("marac"):
            add("MARAC risk summary", note_id)
    return dict(sorted(hits.items()))


def style_counts(notes: list[dict[str, Any]]) -> dict[str, int]:
    return {style: len(found) for style, found in style_hits(notes).items()}


def main(argv: list[str]) -> int:
    show = "--show" in argv
    args = [a for a in argv if a != "--show"]
    path = Path(args[0]) if args else HELDOUT6
    notes = load(path)
    families = len({n["family_ref"] for n in notes})
    print(f"{path.name}: {len(notes)} notes, {families} families, "
          f"{len({n['style'] for n in notes})} note styles")  # fmt: skip
    for style, found in style_hits(notes).items():
        print(f"  {style:<52}{len(found):>5}")
        if show:
            for what in found:
                print(f"      {what}")
    if path == HELDOUT6:
        groups = same_person()
        print(f"  {'same_person groups (one person, several forms)':<52}"
              f"{sum(map(len, groups.values())):>5}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
