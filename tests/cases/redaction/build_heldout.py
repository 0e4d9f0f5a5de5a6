"""Build the held-out redaction evaluation set from heldout.yaml.

    .venv/bin/python tests/cases/redaction/build_heldout.py          # rewrites heldout.jsonl
    .venv/bin/python tests/cases/redaction/build_heldout.py --check  # exit 1 if it would change

The held-out notes are hand-written only (no Faker), so the output is fully deterministic. Each
line of heldout.jsonl has the same fields as corpus.jsonl, with source "heldout". The markup
and label set are those of generate.py (parse_markup, LABELS); corpus.jsonl is not touched.
Unlike seed.yaml, line breaks inside a note are kept (chronologies, e-mail headers, minutes):
spacing is normalised within each line and blank lines are dropped.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
HELDOUT_YAML = HERE / "heldout.yaml"
HELDOUT_FILE = HERE / "heldout.jsonl"

# Agencies in the held-out set beyond generate.AGENCIES (the dev corpus uses only those).
EXTRA_AGENCIES = ("adult_social_care", "idva", "substance_misuse")


def _load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("redaction_corpus_generate", HERE / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()
AGENCIES: tuple[str, ...] = (*gen.AGENCIES, *EXTRA_AGENCIES)


def normalise(text: str) -> str:
    """Collapse spaces within each line; keep line breaks; drop blank lines."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def heldout_notes(path: Path = HELDOUT_YAML) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    notes = []
    for fam in data["families"]:
        for i, note in enumerate(fam["notes"], start=1):
            if note["agency"] not in AGENCIES:
                raise ValueError(f"{fam['family_ref']}-{i:02d}: unknown agency {note['agency']!r}")
            text, spans = gen.parse_markup(normalise(note["text"]))
            for span in spans:
                if "\n" in span[3]:
                    raise ValueError(f"{fam['family_ref']}-{i:02d}: span crosses a line break")
            notes.append(
                gen._record(
                    f"{fam['family_ref']}-{i:02d}",
                    fam["family_ref"],
                    note["agency"],
                    note["style"],
                    "heldout",
                    fam["keep_names"],
                    text,
                    spans,
                )
            )
    return notes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if heldout.jsonl is stale")
    args = ap.parse_args(argv)
    notes = heldout_notes()
    text = gen.dumps(notes)
    if args.check:
        stale = not HELDOUT_FILE.exists() or HELDOUT_FILE.read_text(encoding="utf-8") != text
        print(
            "heldout.jsonl is stale: rerun build_heldout.py"
            if stale
            else "heldout.jsonl is current"
        )
        return 1 if stale else 0
    HELDOUT_FILE.write_text(text, encoding="utf-8")
    counts = {label: 0 for label in gen.LABELS}
    for n in notes:
        for s in n["spans"]:
            counts[s[2]] += 1
    families = len({n["family_ref"] for n in notes})
    print(f"{len(notes)} notes, {families} families -> {HELDOUT_FILE.name}")
    for label, count in counts.items():
        print(f"  {label:<20}{count:>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
