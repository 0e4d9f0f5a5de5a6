"""Build the second held-out redaction evaluation set from heldout2.yaml.

    .venv/bin/python tests/cases/redaction/build_heldout2.py          # rewrites heldout2.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout2.py --check  # exit 1 if it would change

Same record format, markup, label set and normalisation as build_heldout.py (whose functions
are reused), with source "heldout2". The notes are hand-written only, so the output is fully
deterministic. heldout.jsonl and corpus.jsonl are not touched. The agencies are those of the
first held-out set plus early help, the fire service, faith groups and the voluntary sector;
GP, health visitor, A&E and CAMHS notes are agency "health" with that style.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HELDOUT2_YAML = HERE / "heldout2.yaml"
HELDOUT2_FILE = HERE / "heldout2.jsonl"
SOURCE = "heldout2"

EXTRA_AGENCIES = ("early_help", "fire_service", "faith_group", "voluntary_sector")


def _load_heldout_builder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "redaction_heldout_build", HERE / "build_heldout.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


heldout = _load_heldout_builder()
gen = heldout.gen
AGENCIES: tuple[str, ...] = (*heldout.AGENCIES, *EXTRA_AGENCIES)


def heldout2_notes(path: Path = HELDOUT2_YAML) -> list[dict[str, Any]]:
    """The notes of heldout2.yaml as corpus records (source "heldout2")."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    notes = []
    for fam in data["families"]:
        for i, note in enumerate(fam["notes"], start=1):
            note_id = f"{fam['family_ref']}-{i:02d}"
            if set(note) != {"agency", "style", "text"}:
                raise ValueError(f"{note_id}: unexpected keys {sorted(note)}")
            if note["agency"] not in AGENCIES:
                raise ValueError(f"{note_id}: unknown agency {note['agency']!r}")
            text, spans = gen.parse_markup(heldout.normalise(note["text"]))
            for span in spans:
                if "\n" in span[3]:
                    raise ValueError(f"{note_id}: span crosses a line break")
            notes.append(
                gen._record(
                    note_id,
                    fam["family_ref"],
                    note["agency"],
                    note["style"],
                    SOURCE,
                    fam["keep_names"],
                    text,
                    spans,
                )
            )
    return notes


def label_counts(notes: list[dict[str, Any]]) -> dict[str, int]:
    counts = {label: 0 for label in gen.LABELS}
    for n in notes:
        for s in n["spans"]:
            counts[s[2]] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if heldout2.jsonl is stale")
    args = ap.parse_args(argv)
    notes = heldout2_notes()
    text = gen.dumps(notes)
    if args.check:
        stale = not HELDOUT2_FILE.exists() or HELDOUT2_FILE.read_text(encoding="utf-8") != text
        print(
            "heldout2.jsonl is stale: rerun build_heldout2.py"
            if stale
            else "heldout2.jsonl is current"
        )
        return 1 if stale else 0
    HELDOUT2_FILE.write_text(text, encoding="utf-8")
    families = len({n["family_ref"] for n in notes})
    print(f"{len(notes)} notes, {families} families -> {HELDOUT2_FILE.name}")
    for label, count in label_counts(notes).items():
        print(f"  {label:<20}{count:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
