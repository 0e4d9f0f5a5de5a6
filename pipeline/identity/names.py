"""Personal names as agencies write them, parsed into comparable parts.

Agencies write the same person as `Tony Harrowfield`, `Tony HARROWFIELD`, `HARROWFIELD,
Tony`, `TONY HARROWFIELD`, `Mr T. Harrowfield`, `Anthony (Tony) Harrowfield` or
`Harrowfield-Lowe`; `parse_name` turns each into forenames, surname parts and
also-known-as forenames, folded to lower-case ASCII so that spelling, case and accents do
not decide a comparison. The matcher (`pipeline/identity/matcher.py`) compares the parts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
#: "Anthony (Tony) Harrowfield", 'Charlie "Chaz" Wrexley', "Gavin 'Gav' Sloan"
_AKA_BRACKETS = re.compile(r"\(([^)]*)\)|[\"“”]([^\"“”]+)[\"“”]|(?<!\w)['‘]([^'‘’]+)['’](?!\w)")
_AKA_WORDS = re.compile(r"\b(?:a\.?k\.?a\.?|also known as|known as)\b", re.IGNORECASE)
#: "Kerry Harrowfield nee Smith": a former surname
_FORMER_WORDS = re.compile(r"\b(?:nee|née|formerly|previously)\b", re.IGNORECASE)

#: Words before or after a name that are not part of it.
TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "master", "dr", "prof", "rev", "revd", "sir", "dame",
    "lady", "lord", "fr", "jr", "jnr", "junior", "snr", "senior", "sen", "ii", "iii", "iv",
})
#: Words that mark a name as a placeholder for a child not yet born or named.
PLACEHOLDER_WORDS = frozenset({"unborn", "baby", "infant", "newborn", "foetus", "fetus"})
#: Lower-case words that start a surname ("van der Berg", "de la Cruz", "Mc Donald").
PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du",
                       "le", "la", "st", "mc", "mac", "bin", "ibn", "al", "el", "ap", "ter",
                       "ten", "dos", "das"})


def fold(text: str) -> str:
    """Lower-case ASCII letters: accents dropped, apostrophes removed (O'Neill = ONeill)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("’", "").replace("'", "").casefold()


@dataclass(frozen=True)
class PersonName:
    """One name, parsed. Every part is folded (lower-case ASCII, no apostrophes)."""

    forenames: tuple[str, ...]  # first name first, then middle names
    surname: tuple[str, ...]  # words of the surname; a hyphenated one stays one word
    aka: tuple[str, ...] = ()  # forenames given in brackets or quotes, or after "aka"
    former_surnames: tuple[str, ...] = ()  # after "nee" or "formerly"
    placeholder: bool = False  # "Unborn baby Wrexley": no forename to compare

    @property
    def first(self) -> str | None:
        return self.forenames[0] if self.forenames else None

    @property
    def middles(self) -> tuple[str, ...]:
        return self.forenames[1:]

    @cached_property
    def surname_parts(self) -> frozenset[str]:
        """The pieces of a hyphenated or double-barrelled surname (two letters or more)."""
        return frozenset(p for w in (*self.surname, *self.former_surnames)
                         for p in w.split("-") if len(p) > 1)

    @cached_property
    def keys(self) -> frozenset[str]:
        """The surname as one key with spaces and hyphens removed ("smith-jones" ->
        "smithjones"); with a middle name, also the last two words joined, since
        "Tony Smith Jones" may be a double-barrelled surname written without its hyphen;
        and any former surname."""
        keys = {f.replace("-", "") for f in self.former_surnames}
        if not self.surname:
            return frozenset(keys)
        keys.add("".join(self.surname).replace("-", ""))
        if self.middles and len(self.surname) == 1:
            keys.add((self.middles[-1] + self.surname[0]).replace("-", ""))
        return frozenset(keys)

    def surname_keys(self) -> frozenset[str]:
        return self.keys


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if fold(w).rstrip(".") not in TITLES]


def _fold_all(words: list[str]) -> tuple[str, ...]:
    return tuple(f for f in (fold(w) for w in words) if f)


def _split_surname(words: list[str]) -> tuple[list[str], list[str]]:
    """Forenames and surname of words in 'forenames surname' order (no caps cue)."""
    if len(words) == 1:
        return [], words
    start = len(words) - 1
    while start > 1 and fold(words[start - 1]) in PARTICLES:
        start -= 1
    return words[:start], words[start:]


def parse_name(raw: str, *, single_word: str = "forename") -> PersonName:
    """Parse a name as written. `single_word` says what a one-word name is ("forename" for
    aliases and subjects such as "Tony"; an ALL-CAPS single word is always a surname)."""
    aka: list[str] = []

    def take_aka(match: re.Match[str]) -> str:
        aka.extend(_words(next(g for g in match.groups() if g is not None)))
        return " "

    text = _AKA_BRACKETS.sub(take_aka, raw)
    text, *former = _FORMER_WORDS.split(text)
    text, *tails = _AKA_WORDS.split(text)
    for tail in tails:
        aka.extend(_words(tail))
    former_surnames = [w for part in former for w in _words(part)]

    placeholder = bool({fold(w) for w in _WORD.findall(text)} & PLACEHOLDER_WORDS)

    if "," in text:  # police style "HARROWFIELD, Tony"
        before, _, after = text.partition(",")
        surname, forenames = _words(before), _words(after)
        if not surname:
            surname, forenames = forenames[-1:], forenames[:-1]
    else:
        words = _words(text)
        caps = [w for w in words if w.isupper() and len(w) > 1]
        if caps and len(caps) < len(words):
            # police style: the surname is the word(s) in capitals, wherever they stand
            surname = caps
            forenames = [w for w in words if not (w.isupper() and len(w) > 1)]
        elif len(words) == 1 and not (words[0].isupper() and len(words[0]) > 1) \
                and single_word == "forename":
            forenames, surname = words, []
        else:
            forenames, surname = _split_surname(words)
    if placeholder:
        # "Unborn baby Wrexley", "Baby of Denise Wrexley": only the surname is a name
        forenames = []
    return PersonName(forenames=_fold_all(forenames), surname=_fold_all(surname),
                      aka=_fold_all(aka), former_surnames=_fold_all(former_surnames),
                      placeholder=placeholder)


def swapped(name: PersonName) -> PersonName | None:
    """The other reading of a two-word name with no cue to its order ("Harrowfield Tony")."""
    if len(name.forenames) == 1 and len(name.surname) == 1 and not name.placeholder:
        return PersonName(forenames=name.surname, surname=name.forenames, aka=name.aka,
                          former_surnames=name.former_surnames)
    return None


def has_order_cue(raw: str) -> bool:
    """True if the writer showed which word is the surname (a comma or a word in capitals
    beside words that are not)."""
    if "," in raw:
        return True
    words = _words(raw)
    caps = [w for w in words if w.isupper() and len(w) > 1]
    return bool(caps) and len(caps) < len(words)
