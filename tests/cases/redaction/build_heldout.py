"""Build the held-out redaction evaluation sets from heldout.yaml and heldout2-17.yaml.

    .venv/bin/python tests/cases/redaction/build_heldout.py                  # rewrites heldout.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --check          # exit 1 if it would change
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 2 [--check]  # heldout2.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 3 [--check]  # heldout3.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 4 [--check]  # heldout4.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 5 [--check]  # heldout5.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 6 [--check]  # heldout6.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 7 [--check]  # heldout7.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 8 [--check]  # heldout8.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 9 [--check]  # heldout9.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 10 [--check]  # heldout10.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 11 [--check]  # heldout11.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 12 [--check]  # heldout12.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 13 [--check]  # heldout13.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 14 [--check]  # heldout14.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 15 [--check]  # heldout15.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 16 [--check]  # heldout16.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --set 17 [--check]  # heldout17.jsonl

build_heldout2.py to build_heldout17.py are the same as --set 2 to 17.

The held-out notes are hand-written only (no Faker), so the output is fully deterministic. Each
line of a heldout*.jsonl file has the same fields as corpus.jsonl, with source "heldout",
"heldout2", "heldout3", "heldout4", "heldout5" or
"heldout6", "heldout7", "heldout8", "heldout9", "heldout10", "heldout11", "heldout12",
"heldout13", "heldout14", "heldout15", "heldout16" or "heldout17". The markup and label set are those of
generate.py (parse_markup, LABELS); corpus.jsonl and the other sets are not touched. Unlike seed.yaml, line breaks inside a
note are kept (chronologies, e-mail headers, minutes): spacing is normalised within each line
and blank lines are dropped.

Agencies: the first set adds adult social care, IDVA and substance misuse to generate.AGENCIES
(the dev corpus uses only those); the second and third sets add early help, the fire service,
faith groups and the voluntary sector. GP, health visitor, A&E and CAMHS notes are agency
"health" with that style. The fourth set uses only the seven agencies of generate.AGENCIES;
its keep_names may hold single-word aliases and second spellings (a roster member's aliases).
The fifth set uses the same seven agencies plus "idva" (IDVA notes), with keep_names as the fourth.
The sixth set uses the fifth set's agencies and keep_names rules, and so do the seventh to
seventeenth.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any, NamedTuple

import yaml

HERE = Path(__file__).resolve().parent
HELDOUT_YAML = HERE / "heldout.yaml"
HELDOUT_FILE = HERE / "heldout.jsonl"

# Agencies in the first held-out set beyond generate.AGENCIES.
EXTRA_AGENCIES = ("adult_social_care", "idva", "substance_misuse")
# Agencies in the second and third held-out sets beyond those of the first.
EXTRA_AGENCIES_2 = ("early_help", "fire_service", "faith_group", "voluntary_sector")


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("redaction_corpus_generate", HERE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
AGENCIES: tuple[str, ...] = (*gen.AGENCIES, *EXTRA_AGENCIES)
AGENCIES_2: tuple[str, ...] = (*AGENCIES, *EXTRA_AGENCIES_2)
# The fifth held-out set: the seven core agencies and IDVA notes.
AGENCIES_5: tuple[str, ...] = (*gen.AGENCIES, "idva")


class HeldoutSet(NamedTuple):
    """One held-out set: where it is written, its source tag and the agencies it may use."""

    source: str
    yaml_path: Path
    jsonl_path: Path
    agencies: tuple[str, ...]
    strict_keys: bool  # reject notes with keys other than agency, style, text
    script: str  # the command named when the committed output is stale

    def notes(self) -> list[dict[str, Any]]:
        return build_notes(self.yaml_path, self.source, self.agencies, self.strict_keys)


def _heldout_set(suffix: str, agencies: tuple[str, ...], strict_keys: bool) -> HeldoutSet:
    name = f"heldout{suffix}"
    return HeldoutSet(
        name,
        HERE / f"{name}.yaml",
        HERE / f"{name}.jsonl",
        agencies,
        strict_keys,
        f"build_{name}.py",
    )


SETS: dict[str, HeldoutSet] = {
    "1": _heldout_set("", AGENCIES, strict_keys=False),
    "2": _heldout_set("2", AGENCIES_2, strict_keys=True),
    "3": _heldout_set("3", AGENCIES_2, strict_keys=True),
    "4": _heldout_set("4", tuple(gen.AGENCIES), strict_keys=True),
    "5": _heldout_set("5", AGENCIES_5, strict_keys=True),
    "6": _heldout_set("6", AGENCIES_5, strict_keys=True),
    "7": _heldout_set("7", AGENCIES_5, strict_keys=True),
    "8": _heldout_set("8", AGENCIES_5, strict_keys=True),
    "9": _heldout_set("9", AGENCIES_5, strict_keys=True),
    "10": _heldout_set("10", AGENCIES_5, strict_keys=True),
    "11": _heldout_set("11", AGENCIES_5, strict_keys=True),
    "12": _heldout_set("12", AGENCIES_5, strict_keys=True),
    "13": _heldout_set("13", AGENCIES_5, strict_keys=True),
    "14": _heldout_set("14", AGENCIES_5, strict_keys=True),
    "15": _heldout_set("15", AGENCIES_5, strict_keys=True),
    "16": _heldout_set("16", AGENCIES_5, strict_keys=True),
    "17": _heldout_set("17", AGENCIES_5, strict_keys=True),
}


def normalise(text: str) -> str:
    """Collapse spaces within each line; keep line breaks; drop blank lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def build_notes(
    yaml_path: Path, source: str, agencies: tuple[str, ...], strict_keys: bool = True
) -> list[dict[str, Any]]:
    """The notes of a held-out yaml file as corpus records with the given source tag."""
    data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    notes = []
    for fam in data["families"]:
        for i, note in enumerate(fam["notes"], start=1):
            note_id = f"{fam['family_ref']}-{i:02d}"
            if strict_keys and set(note) != {"agency", "style", "text"}:
                raise ValueError(f"{note_id}: unexpected keys {sorted(note)}")
            if note["agency"] not in agencies:
                raise ValueError(f"{note_id}: unknown agency {note['agency']!r}")
            text, spans = gen.parse_markup(normalise(note["text"]))
            for span in spans:
                if "\n" in span[3]:
                    raise ValueError(f"{note_id}: span crosses a line break")
            notes.append(
                gen._record(
                    note_id,
                    fam["family_ref"],
                    note["agency"],
                    note["style"],
                    source,
                    fam["keep_names"],
                    text,
                    spans,
                )
            )
    return notes


def heldout_notes(path: Path = HELDOUT_YAML) -> list[dict[str, Any]]:
    """The notes of heldout.yaml as corpus records (source "heldout")."""
    return build_notes(path, "heldout", AGENCIES, strict_keys=False)


def label_counts(notes: list[dict[str, Any]]) -> dict[str, int]:
    counts = {label: 0 for label in gen.LABELS}
    for n in notes:
        for s in n["spans"]:
            counts[s[2]] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=sorted(SETS), default="1", help="which held-out set (1)")
    ap.add_argument("--check", action="store_true", help="exit 1 if the .jsonl file is stale")
    args = ap.parse_args(argv)
    hs = SETS[args.set]
    out = hs.jsonl_path
    notes = hs.notes()
    text = gen.dumps(notes)
    if args.check:
        stale = not out.exists() or out.read_text(encoding="utf-8") != text
        print(f"{out.name} is stale: rerun {hs.script}" if stale else f"{out.name} is current")
        return 1 if stale else 0
    out.write_text(text, encoding="utf-8")
    families = len({n["family_ref"] for n in notes})
    print(f"{len(notes)} notes, {families} families -> {out.name}")
    for label, count in label_counts(notes).items():
        print(f"  {label:<20}{count:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
