"""Build the third held-out redaction evaluation set from heldout3.yaml.

    .venv/bin/python tests/cases/redaction/build_heldout3.py          # rewrites heldout3.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout3.py --check  # exit 1 if it would change

Same record format, markup, label set, normalisation and agencies as build_heldout2.py (whose
loader reuses build_heldout.py and generate.py), with source "heldout3". The notes are
hand-written only, so the output is fully deterministic. No other corpus file is touched.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HELDOUT3_YAML = HERE / "heldout3.yaml"
HELDOUT3_FILE = HERE / "heldout3.jsonl"
SOURCE = "heldout3"


def _load_heldout2_builder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "redaction_heldout2_build", HERE / "build_heldout2.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


heldout2 = _load_heldout2_builder()
heldout = heldout2.heldout
gen = heldout2.gen
AGENCIES: tuple[str, ...] = heldout2.AGENCIES


def heldout3_notes(path: Path = HELDOUT3_YAML) -> list[dict[str, Any]]:
    """The notes of heldout3.yaml as corpus records (source "heldout3")."""
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
    return heldout2.label_counts(notes)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if heldout3.jsonl is stale")
    args = ap.parse_args(argv)
    notes = heldout3_notes()
    text = gen.dumps(notes)
    if args.check:
        stale = not HELDOUT3_FILE.exists() or HELDOUT3_FILE.read_text(encoding="utf-8") != text
        print(
            "heldout3.jsonl is stale: rerun build_heldout3.py"
            if stale
            else "heldout3.jsonl is current"
        )
        return 1 if stale else 0
    HELDOUT3_FILE.write_text(text, encoding="utf-8")
    families = len({n["family_ref"] for n in notes})
    print(f"{len(notes)} notes, {families} families -> {HELDOUT3_FILE.name}")
    for label, count in label_counts(notes).items():
        print(f"  {label:<20}{count:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
