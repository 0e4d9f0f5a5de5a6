"""What counts as ordinary English, and what counts as a name (deny by default).

Word frequencies come from wordfreq's English list, shipped inside the package (no network).
wordfreq counts names as words ("smith" is as frequent as "bridge"), so frequency alone
cannot tell a name from a word: a word is *ordinary* only when it is frequent and is not in
the first-name gazetteer or the list of names that are also words
(`redaction_rules/name_words.txt`).
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
        """A first name or a surname (case-folded)."""
        return word in self.first_names or word in self.surnames

    def ordinary(self, word: str) -> bool:
        """Frequent English that is not also a name."""
        return self.zipf(word) >= self.rules.ordinary_zipf and not self.namey(word)

    def word_name(self, word: str) -> bool:
        """A name that is also a frequent word ("will", "faith", "smith", "green")."""
        return self.namey(word) and self.zipf(word) >= self.rules.word_name_zipf
