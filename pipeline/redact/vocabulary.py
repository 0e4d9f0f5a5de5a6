"""What counts as ordinary English, and what counts as a name (deny by default).

Word frequencies come from wordfreq's English list, shipped inside the package (no network).
wordfreq counts names as words ("smith" is as frequent as "bridge"), so frequency alone
cannot tell a name from a word: a word is *ordinary* only when it is frequent and is not in
the first-name gazetteer or the list of names that are also words
(`redaction_rules/name_words.txt`).

Rarer words ("tenancy", "triage", "centile", "truanting") are vouched for by an English
dictionary's lower-case entries (the `english-words` package: Webster's 2nd and GCIDE, shipped
inside it), with plain inflections and British spellings, again only when the word is not a
name.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.redact.settings import DenyRules

#: wordfreq's Zipf scale: log10 of frequency per billion words
_ZIPF_OFFSET = 9.0


@functools.cache
def _frequencies(wordlist: str) -> dict[str, float]:
    try:
        from wordfreq import get_frequency_dict
    except ImportError:  # pragma: no cover - a declared dependency
        raise ConfigError("wordfreq", "the wordfreq package is not installed.",
                          "install casebundle with its dependencies (pip install -e .).") from None
    return get_frequency_dict("en", wordlist)


@functools.cache
def _dictionary(sources: tuple[str, ...]) -> frozenset[str]:
    """Lower-case entries of the English dictionaries (common words, not proper names)."""
    if not sources:
        return frozenset()
    try:
        from english_words import get_english_words_set
    except ImportError:  # pragma: no cover - a declared dependency
        raise ConfigError("english-words", "the english-words package is not installed.",
                          "install casebundle with its dependencies (pip install -e .).") from None
    return frozenset(w for w in get_english_words_set(list(sources), lower=False)
                     if w.islower())


#: plain English inflections: (ending, replacement) tried on a word not found as written
_INFLECTIONS = (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                ("ing", ""), ("ing", "e"), ("ers", ""), ("er", ""), ("ly", ""))
#: British spellings of words the (American) dictionaries hold in their US form
_SPELLINGS = (("ae", "e"), ("oe", "e"), ("our", "or"), ("ise", "ize"), ("isation", "ization"),
              ("yse", "yze"), ("tre", "ter"), ("ogue", "og"), ("ll", "l"), ("ence", "ense"))


def stems(word: str) -> list[str]:
    """The word and the forms it may be an inflection or British spelling of:
    "smokes" -> smoke, "flagged" -> flag, "truanting" -> truant, "paediatric" -> pediatric."""
    out = [word]
    for ending, repl in _INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: len(word) - len(ending)] + repl
            out.append(stem)
            if repl == "" and len(stem) >= 4 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # a doubled consonant: flagged, scarring
    for british, us in _SPELLINGS:
        for form in list(out):
            if british in form:
                out.append(form.replace(british, us))
    return list(dict.fromkeys(out))


@functools.cache
def read_word_file(path: str) -> frozenset[str]:
    """A word list, one entry a line, case-folded; '#' starts a comment line."""
    return frozenset(
        line.strip().casefold()
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


class Vocabulary:
    """Zipf frequencies of English words, and which words are names."""

    def __init__(self, rules: DenyRules, first_names: frozenset[str],
                 surnames: frozenset[str]) -> None:
        self._freq = _frequencies(rules.wordlist)
        self._dictionary = _dictionary(tuple(rules.dictionaries))
        self._in_dictionary: dict[str, bool] = {}
        self.rules = rules
        self.first_names = first_names
        self.surnames = surnames

    def zipf(self, word: str) -> float:
        """wordfreq's Zipf frequency of a case-folded word (0 when unknown)."""
        f = self._freq.get(word)
        if f is None and ("’" in word):
            f = self._freq.get(word.replace("’", "'"))
        return math.log10(f) + _ZIPF_OFFSET if f else 0.0

    def namey(self, word: str) -> bool:
        """A first name or a surname (case-folded; "o'connor" as "oconnor")."""
        if word in self.first_names or word in self.surnames:
            return True
        bare = word.replace("'", "").replace("’", "")
        return bare != word and (bare in self.first_names or bare in self.surnames)

    def ordinary(self, word: str) -> bool:
        """Frequent English that is not also a name."""
        return self.zipf(word) >= self.rules.ordinary_zipf and not self.namey(word)

    def in_dictionary(self, word: str) -> bool:
        """A lower-case dictionary entry, as written or as an inflection or British
        spelling of one; a hyphenated word when every part is ("brother-in-law")."""
        hit = self._in_dictionary.get(word)
        if hit is None:
            plain = word.replace("’", "'")
            if "-" in plain:
                parts = [p for p in plain.split("-") if p]
                hit = bool(parts) and all(self._entry(p) for p in parts)
            else:
                hit = self._entry(plain)
            if len(self._in_dictionary) < 200_000:
                self._in_dictionary[word] = hit
        return hit

    def _entry(self, word: str) -> bool:
        if len(word) < 2:
            return False
        return any(form in self._dictionary for form in stems(word))

    def dictionary_word(self, word: str) -> bool:
        """Ordinary vocabulary though rare: a dictionary word that is not a name, at least
        `deny.dictionary_zipf` frequent and rarer than `deny.ordinary_zipf` (the names list
        covers every census and Faker name in that range; more frequent words are judged by
        `ordinary`): "tenancy", "triage", "centile"."""
        return (not self.namey(word)
                and self.rules.dictionary_zipf <= self.zipf(word) < self.rules.ordinary_zipf
                and self.in_dictionary(word))

    def word_name(self, word: str) -> bool:
        """A name that is also a frequent word ("will", "faith", "smith", "green")."""
        return self.namey(word) and self.zipf(word) >= self.rules.word_name_zipf
