"""Count the hard styles in heldout8.jsonl from the gold spans: heldout4_styles.py's styles
plus the shapes the eighth blind set adds.

    .venv/bin/python tests/cases/redaction/heldout8_styles.py [--show] [path/to/heldout8.jsonl]

Each count is read off the labelled text, never typed in by hand, so it changes when the
notes change; --show lists every occurrence. tests/benchmarks/test_corpus.py holds the set to
a minimum of each. Written from heldout4_styles.py alone (no other set's counter was read).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HELDOUT8 = HERE / "heldout8.jsonl"


def _load_h4() -> Any:
    name = "redaction_heldout4_styles"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "heldout4_styles.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


h4 = _load_h4()

# Person names in this set that are also ordinary English words (used as words elsewhere).
WORD_NAMES = frozenset({
    "faith", "hope", "summer", "storm", "bay", "sky", "lock", "marble", "nettle", "ward",
    "pepper", "crow", "honey", "barley", "bridge", "little",
})  # fmt: skip
# Words a street nickname may be made of that are ordinary words ('Lil Ace', 'Big Dunc').
ORDINARY_WORDS = frozenset({
    "moose", "lil", "ace", "little", "big", "tank", "spud", "peanut", "gravy", "ghost",
    "bubbles", "uncle", "jackpot", "pocket", "dime",
})  # fmt: skip
# Agency vocabulary that must stay in the text (searched outside every gold span, any case).
AGENCY_TERMS = (
    "tenancy", "arrears", "centile", "truanting", "PCSOs", "CAMHS", "EHCP", "s47",
    "Turnaround programme", "Early Help", "Clare's Law", "MARAC", "IDVA", "AssetPlus", "NRM",
)  # fmt: skip
PARTICLE = re.compile(
    r"(?:^|\s)(?:(?i:ap|de|da|van|bin|ó|ní)\s|(?i:al)-\w|(?i:o)'\w|(?i:mc)\w|Ma?c[A-Z])"
)
DOB_LABEL = re.compile(r"(?i)\b(?:dob|d\.o\.b|born|b\.)\W*$")
# Note shapes by their style field (the set's own style names).
DOCUMENT_STYLES = {
    "MASH referral form with labelled fields": r"^mash_referral_form$",
    "GP letter": r"^gp_letter$",
    "A&E / ED attendance": r"^emergency_department$",
    "CCTV or ASB diary log": r"cctv|asb_diary",
    "chat transcript quoted in a note": r"chat_transcript",
    "voicemail transcript": r"voicemail",
    "e-mail with headers": r"(?:^|_)email",
}


def load(path: Path = HELDOUT8) -> list[dict[str, Any]]:
    return h4.load(path)


def style_counts(notes: list[dict[str, Any]]) -> dict[str, int]:
    return {style: len(hits) for style, hits in style_hits(notes).items()}


def style_hits(notes: list[dict[str, Any]]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = defaultdict(list, h4.style_hits(notes, WORD_NAMES))
    for n in notes:
        text, note_id, spans = n["text"], n["note_id"], n["spans"]

        def add(style: str, what: str, note_id: str = note_id) -> None:
            hits[style].append(f"{note_id}: {what}")

        keep_first = {k.split()[0].casefold() for k in n["keep_names"]}
        if text[:1].islower() and sum(c.isupper() for c in text) <= 4:
            add("note written all in lower case", text[:40])
        for i, (start, end, label, span) in enumerate(spans):
            words = span.split()
            if label == "THIRD_PARTY_PERSON":
                if len(words) > 1 and words[0].casefold() in keep_first:
                    add("third party sharing a family member's first name", span)
                quoted = h4._quoted(text, start, end)
                if quoted and all(w.casefold() in ORDINARY_WORDS or len(w) == 1 for w in words):
                    add("quoted nickname made of ordinary words", span)
            if label in h4.PERSON:
                if PARTICLE.search(span):
                    add("name with a particle (ap, de, van, bin, al-, O', Mc ...)", span)
                if re.search(r"\w-\w", span) and not h4.HANDLE.search(span):
                    add("hyphenated or double-barrelled name", span)
            if label == "DATE_OF_BIRTH" and not DOB_LABEL.search(text[max(0, start - 12) : start]):
                add("date of birth without a label (no DOB / born)", span)
            if label == "STREET_ADDRESS":
                last = re.sub(r"\W", "", words[-1]).casefold()
                if re.match(r"(Flat \d+, |Unit \d+, )?\d", span) and last not in h4.USUAL_SUFFIXES:
                    nxt = spans[i + 1] if i + 1 < len(spans) else None
                    if nxt and nxt[2] == "POSTCODE" and text[end : nxt[0]] in (", ", " "):
                        add("unusual street then a postcode", span)
                    else:
                        add("unusual street with no postcode after it", span)
            if label == "EMAIL":
                add("e-mail address", span)
        if n["agency"] == "idva" or n["style"].startswith("marac"):
            add("IDVA note or MARAC summary", n["style"])
        if n["style"].startswith("marac"):
            add("MARAC risk summary", n["style"])
        for shape, pattern in DOCUMENT_STYLES.items():
            if re.search(pattern, n["style"]):
                add(f"note shape: {shape}", n["style"])
        speakers = {
            m.group(1)
            for m in re.finditer(r"(?m)^([^\W\d][^:\n]{0,30}):", text)
            for s in spans
            if s[2] in h4.PERSON and s[0] == m.start() and s[1] == m.end(1)
        }
        if len(speakers) >= 3:
            add("note shape: minutes or meeting with three or more named speakers", n["style"])
        for term in AGENCY_TERMS:
            if any(
                not any(s[0] <= m.start() < s[1] for s in spans)
                for m in re.finditer(rf"(?i)\b{re.escape(term)}\b", text)
            ):
                add(f"agency term outside spans: {term}", term)
    return dict(sorted(hits.items()))


def same_person(yaml_path: Path = HERE / "heldout8.yaml") -> dict[str, list[list[str]]]:
    """The author's same_person key from the source file: family_ref -> groups of forms."""
    return h4.same_person(yaml_path)


def main(argv: list[str]) -> int:
    show = "--show" in argv
    args = [a for a in argv if a != "--show"]
    path = Path(args[0]) if args else HELDOUT8
    notes = load(path)
    families = len({n["family_ref"] for n in notes})
    print(f"{path.name}: {len(notes)} notes, {families} families")
    for style, found in style_hits(notes).items():
        print(f"  {style:<60}{len(found):>5}")
        if show:
            for what in found:
                print(f"      {what}")
    if path == HELDOUT8:
        groups = same_person()
        apart = h4.unjoinable_by_words(groups)
        print(f"  {'same_person groups (one person, several forms)':<60}"
              f"{sum(map(len, groups.values())):>5}")  # fmt: skip
        print(f"  {'  of which share no full name (Moose / PROWSE ...)':<60}{len(apart):>5}")
        if show:
            for what in apart:
                print(f"      {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
