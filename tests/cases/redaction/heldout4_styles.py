"""Count the hard styles in heldout4.jsonl (the shapes issue 11 lists), from the gold spans.

    .venv/bin/python tests/cases/redaction/heldout4_styles.py [--show] [path/to/heldout4.jsonl]

Each count is read off the labelled text, never typed in by hand, so it changes when the
notes change; --show lists every occurrence. tests/benchmarks/test_corpus.py holds the set to a minimum of each.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
HELDOUT4 = HERE / "heldout4.jsonl"

PERSON = ("THIRD_PARTY_PERSON", "FAMILY_PERSON")
TITLE_BEFORE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|DC|DS|PC|PCSO|Pastor)\.?|\bDSL Mr|\bDSL Ms)\s$"
)
HANDLE = re.compile(r"^@|[._]|\d")
QUOTES = "'\"‘’“”"
# Street words that are not the usual Street/Road/Lane/Avenue/Close/Drive/Way/Court.
USUAL_SUFFIXES = {
    "street", "road", "lane", "avenue", "close", "drive", "way", "court", "crescent",
    "place", "gardens", "grove", "terrace",
}  # fmt: skip
# Person names in the set that are also ordinary English words (used as words elsewhere).
WORD_NAMES = {
    "faith", "blessing", "rose", "patience", "destiny", "hope", "young", "stone", "lamb",
    "hill", "sales", "pole", "marsh", "bell", "frost", "sparrow", "storm", "angel", "ivy",
    "river", "mark", "moth", "tiny", "gill",
}  # fmt: skip


def load(path: Path = HELDOUT4) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _persons(note: dict[str, Any], label: str | None = None) -> list[list[Any]]:
    return [s for s in note["spans"] if s[2] in PERSON and (label is None or s[2] == label)]


def _non_latin(text: str) -> bool:
    return any(c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") for c in text)


def _quoted(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return before in QUOTES and bool(before) and after in QUOTES and text[end : end + 2] != "'s"


def _free_words(notes: list[dict[str, Any]]) -> set[str]:
    """Lower-cased words that occur outside every gold span."""
    words: set[str] = set()
    for n in notes:
        for m in re.finditer(r"\w+", n["text"]):
            if not any(s[0] <= m.start() < s[1] for s in n["spans"]):
                words.add(m.group().casefold())
    return words


def style_counts(
    notes: list[dict[str, Any]], word_names: set[str] | frozenset[str] = WORD_NAMES
) -> dict[str, int]:
    """How many gold spans (or notes, lines, families where it says so) show each style."""
    return {style: len(hits) for style, hits in style_hits(notes, word_names).items()}


def style_hits(
    notes: list[dict[str, Any]], word_names: set[str] | frozenset[str] = WORD_NAMES
) -> dict[str, list[str]]:
    """Each style's occurrences, as "note_id: text" (family_ref for the family styles).
    word_names: the set's person names that are also ordinary words (heldout4's by default)."""
    hits: dict[str, list[str]] = defaultdict(list)
    by_family: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in notes:
        by_family[n["family_ref"]].append(n)
    free = _free_words(notes)

    for n in notes:
        text, note_id = n["text"], n["note_id"]

        def add(style: str, what: str, note_id: str = note_id) -> None:
            hits[style].append(f"{note_id}: {what}")

        keep = n["keep_names"]
        keep_first = {k.split()[0].casefold() for k in keep}
        keep_last = {k.split()[-1].casefold() for k in keep if len(k.split()) > 1}
        aliases = {k.casefold() for k in keep if len(k.split()) == 1}
        family_t = [s for m in by_family[n["family_ref"]] for s in _persons(m, PERSON[0])]
        t_firsts = {s[3].split()[0].casefold() for s in family_t if len(s[3].split()) > 1}
        persons = _persons(n)
        for start, end, label, span in persons:
            third = label == "THIRD_PARTY_PERSON"
            who = "third party" if third else "family name"
            words = span.split()
            before, after = text[:start], text[end : end + 2]
            handle = bool(HANDLE.search(span)) and len(words) == 1
            quoted = _quoted(text, start, end)
            if third and handle:
                add("handle with @" if span.startswith("@") else "handle without @", span)
            if third and quoted and not handle:
                add("quoted street nickname", span)
            if third and len(words) == 1 and not (handle or quoted or TITLE_BEFORE.search(before)):
                add("third party by one name alone (no title, not quoted)", span)
                if span.casefold() in t_firsts:
                    add("first name of a fully named third party used alone", span)
            if span.islower() and not handle:
                add(f"lower-case {who}", span)
            if after == "'s":
                add(f"possessive 's, {who}", span)
            elif after[:1] == "'" and not after[1:].isalnum() and not quoted:
                add("possessive bare apostrophe (Jones' car)", span)
            if any(len(w) >= 3 and w.isupper() and w.isalpha() for w in words):
                add(f"ALL-CAPS {who}", span)
            if third and len(words) > 1 and words[-1].casefold() in keep_last:
                add("third party sharing the family's surname", span)
            if not span.isascii():
                add("non-ASCII name (accents or other scripts)", span)
            if _non_latin(span):
                add("name in a non-Latin script", span)
            if any(w.casefold() in word_names and w.casefold() in free for w in words):
                add("name that is also an ordinary word used as a word", span)
            if not third and span.casefold() in aliases:
                add("family alias or nickname", span)
            if not third and len(words) == 1 and span.casefold() in keep_first:
                add("family first name only", span)
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if line.strip() == span:
                add(f"name alone on a line, {who}", span)
            if start == line_start and text[end : end + 1] == ":":
                add(f"speaker label, {who}", span)
        # SURNAME, Forename: an ALL-CAPS person span, ", ", then a person span.
        for a, b in zip(persons, persons[1:], strict=False):
            if _caps(a[3]) and text[a[1] : b[0]] == ", ":
                add("police style SURNAME, Forename", f"{a[3]}, {b[3]}")
        # Lists: three or more people joined by commas and "and" (quotes allowed around them);
        # "SURNAME, Forename" counts as one person.
        people: list[list[list[Any]]] = []
        for s in persons:
            prev = people[-1][-1] if people else None
            if prev and _caps(prev[3]) and len(people[-1]) == 1 and text[prev[1] : s[0]] == ", ":
                people[-1].append(s)
            else:
                people.append([s])
        run = people[:1]
        for a, b in zip(people, people[1:], strict=False):
            if re.fullmatch(r"['\"]?(, | and |, and )['\"]?", text[a[-1][1] : b[0][0]]):
                run.append(b)
                if len(run) == 3:
                    add("list of three or more people", " / ".join(p[0][3] for p in run))
            else:
                run = [b]
        # Sign-off: the last line (or the one before a short role line such as "Headteacher")
        # is short, names a third party and is not a sentence or a heading ("Dr Anand
        # Rathore", "Bex Oduya, YJ case worker", "logged by kirsty t").
        line_end = len(text)
        for _ in range(2):
            line_start = text.rfind("\n", 0, line_end) + 1
            line = text[line_start:line_end]
            named = any(
                s[2] == "THIRD_PARTY_PERSON" and line_start <= s[0] < line_end for s in n["spans"]
            )
            if line_start == 0 or len(line.split()) > 6 or ":" in line:
                break
            if named:
                if not line.rstrip().endswith("."):
                    add("sign-off (a closing line names the writer)", line)
                break
            line_end = line_start - 1
        for _, _, label, span in n["spans"]:
            if label == "STREET_ADDRESS":
                last_word = re.sub(r"\W", "", span.split()[-1]).casefold()
                if re.match(r"(Flat \d+, )?\d", span) and last_word not in USUAL_SUFFIXES:
                    add("street with an unusual suffix", span)
                if not span.isascii():
                    add("address with accents", span)
            if label == "VEHICLE_REG" and span.islower():
                add("lower-case vehicle registration", span)
            if label == "POLICE_REF" and re.fullmatch(r"\d{2}/\d{6,7}[A-Z]", span):
                add("PNC ID", span)
            if label == "DATE_OF_BIRTH" and re.search(r"[A-Za-z]", span):
                add("date of birth with the month in words", span)

    # Families: several third parties each; two different people with one first name (two
    # full names with the same first word and different surnames, initials aside).
    for ref, family in by_family.items():
        names = {_fold(s[3]) for m in family for s in _persons(m, PERSON[0])}
        firsts: dict[str, set[str]] = defaultdict(set)
        for x in names:
            if len(x.split()) > 1 and len(x.split()[-1].rstrip(".")) > 1:
                firsts[x.split()[0]].add(x)
        for same in (v for v in firsts.values() if len(v) > 1):
            hits["families: two third parties with one first name"].append(
                f"{ref}: {' / '.join(sorted(same))}"
            )
        if len(names) >= 5:
            hits["families: five or more third-party names"].append(f"{ref}: {len(names)}")
    return dict(sorted(hits.items()))


def _caps(name: str) -> bool:
    """An ALL-CAPS surname as police write it (McKINNON counts)."""
    return re.sub(r"^Ma?c(?=[A-Z])", "", name).isupper()


def _fold(name: str) -> str:
    """Case and accents folded ("ŞAHİN" and "Şahin" are one surname)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def same_person(yaml_path: Path = HERE / "heldout4.yaml") -> dict[str, list[list[str]]]:
    """The author's same_person key from the source file: family_ref -> groups of forms."""
    data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    return {f["family_ref"]: f.get("same_person", []) for f in data["families"]}


def unjoinable_by_words(groups: dict[str, list[list[str]]]) -> list[str]:
    """Groups whose forms are not all word-subsets of one multi-word form in the group
    (Dot / Dorothy Tolhurst, Олег / Oleg, Theo M / Theo Marchetti): a scorer that joins
    mentions only by shared words will take these for different people."""
    out = []
    for ref, family in groups.items():
        for group in family:
            folded = [_fold(x) for x in group]
            fulls = [set(x.split()) for x in folded if len(x.split()) > 1]
            if not any(all(set(x.split()) <= f for x in folded) for f in fulls):
                out.append(f"{ref}: {' / '.join(group)}")
    return out


def main(argv: list[str]) -> int:
    show = "--show" in argv
    args = [a for a in argv if a != "--show"]
    path = Path(args[0]) if args else HELDOUT4
    notes = load(path)
    families = len({n["family_ref"] for n in notes})
    print(f"{path.name}: {len(notes)} notes, {families} families")
    for style, found in style_hits(notes).items():
        print(f"  {style:<52}{len(found):>5}")
        if show:
            for what in found:
                print(f"      {what}")
    if path == HELDOUT4:
        groups = same_person()
        apart = unjoinable_by_words(groups)
        print(f"  {'same_person groups (one person, several forms)':<52}"
              f"{sum(map(len, groups.values())):>5}")  # fmt: skip
        print(f"  {'  of which share no full name (Dot / Dorothy ...)':<52}{len(apart):>5}")
        if show:
            for what in apart:
                print(f"      {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
