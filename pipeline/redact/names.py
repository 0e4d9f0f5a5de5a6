"""People's names: who is kept (the family) and how third parties get pseudonyms.

Pure functions over strings and positions; no Presidio here, so the rules can be tested alone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.redact.settings import NameRules, RedactionSettings, first_names_path

#: a word of a name, in any script: a letter, then letters and the marks that go with them
#: (Bengali and Devanagari vowel signs are marks, not letters: "রিনা", "पूजा")
_WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*")
#: a capital letter standing alone ("Mrs K", "J. Smith"), not inside "Y1"
_INITIAL = re.compile(r"(?<![\w'’-])[A-Z](?![\w'’-])")
#: the letters of an account name between its dots, underscores and digits ("finn_b07")
_HANDLE_PIECE = regex.compile(r"\p{L}[\p{L}\p{M}]*")
_QUOTED = re.compile(r"\(?[\"“‘][^\"”’\n]{1,30}[\"”’]\)?|\(?(?<!\w)'[^'\n]{1,30}'(?!\w)\)?")
#: letters that carry no accent to strip but are written without it on English keyboards
_PLAIN_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ß": "ss",
                                "æ": "ae", "œ": "oe", "þ": "th", "ħ": "h", "ŀ": "l"})


@functools.lru_cache(maxsize=1 << 16)  # the same words recur in every text; bounded
def fold_accents(token: str) -> str:
    """A case-folded name token without its accents: "Aydın", "AYDIN" and "aydin" are one
    name; so are "Trần" and "TRAN", "Tomáš" and "Tomas" (issue 11: names are written both
    ways in one family's texts)."""
    plain = unicodedata.normalize("NFKD", token.casefold().translate(_PLAIN_LETTERS))
    return "".join(c for c in plain if not unicodedata.combining(c))


_VOWEL = re.compile(r"[aeiouy]")
#: how many names NameNormaliser remembers before it starts again
_MEMO_SIZE = 1 << 16


def has_vowel(word: str) -> bool:
    """Whether a word has a vowel, with or without accents ("ĐẶNG", "TRƯƠNG" do; "CSE",
    "NFA" do not): an ALL-CAPS word without one is an acronym, not a name."""
    return _VOWEL.search(fold_accents(word)) is not None


class NameNormaliser:
    """Turns a name as written into comparable tokens: case-folded, no titles or roles."""

    def __init__(self, rules: NameRules) -> None:
        word_names = {w.casefold() for w in rules.word_names}
        verbs = {t.casefold() for t in rules.caps_verbs}
        self._drop = frozenset(
            {t.casefold().rstrip(".") for t in rules.titles}
            | {t for w in rules.role_words for t in w.casefold().split()}
            | {t.casefold() for t in rules.label_words}
            # a role written like a title before a name, in lower case too ("dsl kenneth
            # omand" is Kenneth Omand); not two-letter ones ("Ta", "Po" are names too)
            | {t.casefold() for t in rules.role_titles if t.isupper() and len(t) > 2}
            | ((verbs | set(STOP_WORDS)) - word_names)
        )
        #: a word-name written in lower case next to a capitalised word is the ordinary word
        #: ("TURNER will"): dropped, unless the whole name is lower case ("says will")
        self._drop_lower = frozenset((verbs | set(STOP_WORDS)) & word_names)
        self._roles = frozenset(t for w in rules.role_words for t in w.casefold().split())
        #: ALL-CAPS abbreviations are never part of a name ("FOB Kai DUNMORE" is Kai Dunmore)
        self._acronyms = frozenset(rules.acronyms)
        #: name -> tokens: the same names and words are normalised again and again
        self._memo: dict[str, tuple[str, ...]] = {}

    def tokens(self, name: str) -> tuple[str, ...]:
        """The comparable tokens of a name as written (remembered: a pure function of it)."""
        found = self._memo.get(name)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[name] = self._tokens(name)
        return found

    def _tokens(self, name: str) -> tuple[str, ...]:
        # a nickname in quotes inside a name ("Gavin 'Gav' Sloan") is not compared
        bare = _QUOTED.sub(" ", name)
        if bare != name and _WORD.search(bare):
            name = bare
        # police style "SMITH, Jo" is Jo Smith
        surname, comma, rest = name.partition(",")
        if comma and surname.strip() and rest.strip() and "," not in rest:
            name = f"{rest} {surname}"
        out = []
        mixed = name != name.casefold()
        initial = None
        for word in _WORD.findall(name):
            lower = word.casefold().replace("’", "'")
            if lower.endswith("'s"):
                lower = lower[:-2]
            if mixed and word.islower() and lower in self._drop_lower:
                continue
            if word in self._acronyms:
                continue
            if lower.endswith("s") and lower[:-1] in self._roles:
                continue  # a role in the plural: "Girls Hamda and Sagal"
            if lower and lower not in self._drop and len(lower) > 1:
                out.append(fold_accents(lower))
            elif (len(word) == 1 and word.isupper() and lower not in self._drop
                  and _INITIAL.search(name)):
                initial = initial or lower
        # "Mrs K": an initial alone still names someone
        if not out and initial:
            return (initial,)
        return tuple(out)


class KeepList:
    """The people a meeting is about: a mention is kept when every token is one person's."""

    def __init__(self, names: Iterable[str], normaliser: NameNormaliser) -> None:
        self._people: list[frozenset[str]] = []
        #: per person, the parts of a double-barrelled surname ("Smith-Jones" -> smith, jones)
        self._parts: list[frozenset[str]] = []
        #: the last word of each kept name with two or more words (their surnames)
        surnames: set[str] = set()
        #: (first name, surname) of each kept name with two or more words, and the one-word
        #: entries (a roster member's aliases: "Ray" for Raymond Bell)
        self._full: list[tuple[str, str]] = []
        self._aliases: set[str] = set()
        names_seen = tuple(names)
        for name in names_seen:
            ordered = normaliser.tokens(name)
            if len(ordered) >= 2:
                surnames.add(ordered[-1])
                self._full.append((ordered[0], ordered[-1]))
            elif len(ordered) == 1:
                self._aliases.add(ordered[0])
            toks = set(ordered)
            parts = {part for t in toks for part in t.split("-") if len(part) > 1} - toks
            if toks:
                self._people.append(frozenset(toks))
                self._parts.append(frozenset(parts))
        #: per person, the first letters of their names and of their surname's parts
        self._initials = [frozenset(t[0] for t in person | parts)
                          for person, parts in zip(self._people, self._parts, strict=True)]
        self._normaliser = normaliser
        self.surnames = frozenset(surnames)
        self._memo: dict[tuple[str, ...], bool] = {}
        #: the kept names' words case-folded but with their accents, as a text has them
        self._written = frozenset(
            w.casefold() for name in names_seen for w in _WORD.findall(name)
            if fold_accents(w.casefold()) in {t for p in self._people for t in p})

    def tokens(self) -> frozenset[str]:
        """Every token of every kept name (not the parts of a double-barrelled surname),
        without accents and as written ("aydin" and "aydın")."""
        return frozenset(t for person in self._people for t in person) | self._written

    def is_alias(self, token: str) -> bool:
        """A one-word roster entry (an alias the family is called by: "Jayjay", "Oz")."""
        return token in self._aliases

    def owns_handle(self, handle: str) -> bool:
        """An account name made of the family's names: every piece of letters between its
        dots, underscores and digits is a kept name or a kept person's initials, and one is
        a whole name of three letters or more ("finn_b07" for Finn Brennock,
        "tibbo.fb" for his alias Tibbo and his initials; issue 11, heldout11 class)."""
        names = {t for person in self._people for t in person}
        whole = False
        pieces = [fold_accents(p) for p in _HANDLE_PIECE.findall(handle)]
        for piece in pieces:
            if piece in names:
                whole = whole or len(piece) >= 3
            elif len(piece) > 3 or not any(set(piece) <= i for i in self._initials):
                return False
        return whole

    def first_names_of(self, surname: str) -> frozenset[str]:
        """The first names of the kept people with this surname (case-folded, no accents)."""
        return frozenset(first for first, last in self._full if last == surname)

    def keeps(self, tokens: Sequence[str]) -> bool:
        """Every token belongs to one kept person. A part of a double-barrelled surname
        counts only next to that person's other names ("Alfie Briggs" for Alfie
        Hartley-Briggs): alone ("BRIGGS") it is more often the other parent. Accents are
        not compared ("AYDIN" is Rojin Aydın's surname)."""
        if not tokens:
            return True
        if type(tokens) is not tuple:
            return self._keeps(tokens)
        # asked for the same words again and again in a family's texts; the roster is fixed
        found = self._memo.get(tokens)
        if found is None:
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            found = self._memo[tokens] = self._keeps(tokens)
        return found

    def _keeps(self, tokens: Sequence[str]) -> bool:
        wanted = {fold_accents(t) for t in tokens}
        for person, parts in zip(self._people, self._parts, strict=True):
            if wanted <= person:
                return True
            if wanted <= person | parts and wanted & person:
                return True
        if len(wanted) == 2:
            # an alias with a member's surname: "ray bell" for Raymond Bell (alias Ray),
            # whether or not the alias is a known form of the first name: any one-word entry
            # of the roster with the family's surname ("Kobby Mensah" for Kwabena Mensah, alias
            # Kobby): the roster gives the alias because the family is called by it, and a
            # nickname is seldom a form a list of names knows (issue 11, heldout9 class)
            for surname in self.surnames & wanted:
                alias = next(iter(wanted - {surname}))
                if alias in self._aliases:
                    return True
        return False


@dataclass(frozen=True)
class Mention:
    """One third-party name found in one text."""

    key: str  # RedactionInput.key
    item_id: str
    agency: str
    start: int
    end: int
    surface: str
    tokens: tuple[str, ...]
    #: a relative of this person is mentioned right after them ("Mads's dad")
    kin: bool = False
    #: the text says right after it that this is no relative ("mr beevers -- no relation")
    unrelated: bool = False
    #: a one-word name and the one-word name written beside it in brackets, in the order
    #: written ("Kerry (Dunmore)": both mentions carry ("kerry", "dunmore"))
    pair: tuple[str, str] | None = None


@dataclass
class _Person:
    first_seen: tuple[str, int]
    full: tuple[str, str] | None = None
    mentions: list[Mention] = field(default_factory=list)
    #: (first, last) of every full name of this person: more than one when one name was
    #: written longer or in another order ("Rodrigo Almeida" and "Rodrigo Almeida Santos")
    fulls: set[tuple[str, str]] = field(default_factory=set)


def letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style letters."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(ord("A") + rem) + out
    return out


def cluster(mentions: Sequence[Mention],
            particles: frozenset[str] = frozenset()) -> list[list[Mention]]:
    """Group mentions of the same person; ordered by first appearance (key, position).

    Full names match on (first, last) token. A single-word mention joins the one full name
    whose surname (else first name) it equals; if several match it stays a person of its own,
    since guessing could merge two people. So does a lone surname when the person with it
    has a relative mentioned ("Mads's dad": another Sørensen), and a lone name the text
    says is no relation ("mr beevers -- no relation"); a first name with a surname's initial
    ("Connor V") joins only a full name with that initial.

    Two full names are one person when one is the other written longer or in another order,
    and it fits no other full name (`_same_full_name`: "Rodrigo Almeida" and "Rodrigo Almeida
    Santos", "PHAM, Van Long" and "Phạm Văn Long", "van Rooyen" and "Pieter van Rooyen"); a
    one-word name with the other half of a full name in brackets beside it ("Kerry
    (Dunmore)") is that person even when the first name alone is ambiguous. A surname alone
    in capitals, of one word or more ("DERVISHAJ's car", "ULLOA RETAMAL"), is the one person
    the texts wrote police-style with it ("DERVISHAJ, Gëzim"), even when a relative has the
    surname too; with two such people it stays apart.
    """
    ordered = sorted(mentions, key=lambda m: (m.key, m.start, m.end))
    people: dict[tuple[str, ...], _Person] = {}
    singles: list[Mention] = []
    for m in ordered:
        if len(m.tokens) >= 2:
            full = (m.tokens[0], m.tokens[-1])
            if full not in people and full[::-1] in people:
                full = full[::-1]  # "ELLIS SONNY" in a police log is "Sonny Ellis"
            person = people.setdefault(full, _Person(first_seen=(m.key, m.start), full=full))
            person.fulls.add(full)
            person.mentions.append(m)
        else:
            singles.append(m)
    _merge_full_names(people, particles)
    _join_police_surnames(people)
    fulls = list(people.values())
    # a person whose relative is mentioned ("Mads's dad") shares a surname with someone
    # unnamed: a lone surname may be either of them, so it does not join that person
    shared: set[int] = set()
    for m in ordered:
        if not m.kin:
            continue
        if len(m.tokens) >= 2:
            owners = [p for p in fulls if m in p.mentions]
        else:
            owners = [p for p in fulls if p.full and p.full[0] == m.tokens[0]]
        if len(owners) == 1:
            shared.add(id(owners[0]))
    for m in singles:
        word = m.tokens[0]
        initial = _surname_initial(m.surface)
        if initial:
            # "Connor V": only a Connor whose surname starts with V; never a plain "Connor"
            match = [p for p in fulls if p.full and p.full[0] == word
                     and p.full[1].startswith(initial)]
            if len(match) == 1:
                match[0].mentions.append(m)
                match[0].first_seen = min(match[0].first_seen, (m.key, m.start))
            else:
                person = people.setdefault(("single", word, initial),
                                           _Person(first_seen=(m.key, m.start)))
                person.mentions.append(m)
            continue
        if m.pair is not None:
            # "Kerry (Dunmore)": the two words name one full name; the text says which Kerry
            pair = [p for p in fulls if m.pair in p.fulls or m.pair[::-1] in p.fulls]
            if len(pair) == 1:
                pair[0].mentions.append(m)
                pair[0].first_seen = min(pair[0].first_seen, (m.key, m.start))
                continue
        by_surname = [p for p in fulls if any(f[1] == word for f in p.fulls)]
        by_first = [p for p in fulls if any(f[0] == word for f in p.fulls)]
        match = by_surname if by_surname else by_first
        police = _police_owners(m, fulls)
        if by_surname and any(id(p) in shared for p in by_surname):
            match = []  # "Sørensen" may be Mads Sørensen or his dad
        if len(police) == 1 and police[0] in by_surname:
            # "DERVISHAJ's car" after "DERVISHAJ, Gëzim" and his sister Faith Dervishaj: the
            # surname in capitals is the one person the texts wrote police-style with it
            match = police
        if m.unrelated:
            match = []  # "mr beevers -- no relation": not the one Beevers named in full
        if len(match) == 1:
            match[0].mentions.append(m)
            match[0].first_seen = min(match[0].first_seen, (m.key, m.start))
        else:
            person = people.setdefault(("single", word), _Person(first_seen=(m.key, m.start)))
            person.mentions.append(m)
    groups = sorted(people.values(), key=lambda p: p.first_seen)
    return [sorted(p.mentions, key=lambda m: (m.key, m.start)) for p in groups]


def _same_full_name(short: tuple[str, ...], long: tuple[str, ...],
                    particles: frozenset[str]) -> bool:
    """Whether two full names can be one person's name written two ways: the same words in
    another order ("PHAM, Van Long" and "Phạm Văn Long"), the shorter the start of the longer
    ("Rodrigo Almeida" of "Rodrigo Almeida Santos", "João Vitor" of "SOUZA, João Vitor"), or a
    surname with its particle, the end of the longer ("van Rooyen" of "Pieter van Rooyen").
    A shorter name at the end without a particle ("Ali Hassan" of "Mohamed Ali Hassan") is
    not enough: in some naming systems that is the father's name."""
    if short == long:
        return False
    if set(short) == set(long) and len(short) == len(long):
        return True
    n = len(short)
    if n >= len(long):
        return False
    return long[:n] == short or (short[0] in particles and long[-n:] == short)


def _merge_full_names(people: dict[tuple[str, ...], _Person],
                      particles: frozenset[str]) -> None:
    """Join each full-name person into the one other full-name person whose name is theirs
    written longer or in another order (`_same_full_name`); when two could be, keep apart."""
    ordered = sorted(people.items(), key=lambda kv: len(max(
        (m.tokens for m in kv[1].mentions), key=len)))
    for key, person in ordered:
        if people.get(key) is not person:
            continue
        own = {m.tokens for m in person.mentions}
        targets = [(k, p) for k, p in people.items() if p is not person and any(
            _same_full_name(a, b, particles) for a in own for b in {m.tokens for m in p.mentions}
            if len(a) <= len(b))]
        if len(targets) != 1:
            continue
        target_key, target = targets[0]
        # the target must not be the longer form of another person too ("Rodrigo" both ways)
        rivals = [p for k, p in people.items() if p is not person and p is not target and any(
            _same_full_name(a, b, particles) or _same_full_name(b, a, particles)
            for a in {m.tokens for m in target.mentions} for b in {m.tokens for m in p.mentions})]
        if rivals:
            continue
        target.mentions.extend(person.mentions)
        target.fulls |= person.fulls
        target.first_seen = min(target.first_seen, person.first_seen)
        del people[key]


def _police_surname(surface: str) -> tuple[str, ...] | None:
    """The surname's words of a name written police-style ("ULLOA RETAMAL, Matías" ->
    ("ulloa", "retamal")): the words before the comma, in capitals; else None."""
    surname, comma, rest = surface.partition(",")
    if not comma or not rest.strip() or "," in rest or not _caps_only(surname):
        return None
    words = tuple(fold_accents(w) for w in _WORD.findall(surname) if len(w) > 1)
    return words or None


def _caps_only(text: str) -> bool:
    """Written in capitals ("DERVISHAJ's", "McATEER"): letters, no lower-case letter but a
    possessive's s or a Mc prefix's c."""
    bare = regex.sub(r"['’]s\Z", "", text.strip())
    bare = regex.sub(r"(?<![\p{L}\p{M}])Ma?c(?=\p{Lu})", "", bare)
    return (regex.search(r"\p{Lu}", bare) is not None
            and regex.search(r"\p{Ll}", bare) is None)


def _police_owners(m: Mention, people: Iterable[_Person]) -> list[_Person]:
    """The people written police-style with this mention's words as their surname, when the
    mention is that surname alone in capitals ("DERVISHAJ's car", "ULLOA RETAMAL")."""
    if "," in m.surface or not _caps_only(m.surface):
        return []
    return [p for p in people
            if any(_police_surname(x.surface) == m.tokens for x in p.mentions)]


def _join_police_surnames(people: dict[tuple[str, ...], _Person]) -> None:
    """A surname of two or more words alone in capitals ("ULLOA RETAMAL's car") is clustered
    as a full name of its own: it joins the one person written police-style with it
    ("ULLOA RETAMAL, Matías"), even when a relative has the same surname."""
    for key, person in list(people.items()):
        if any(len(m.tokens) < 2 for m in person.mentions):
            continue
        owners = {id(p): p for m in person.mentions
                  for p in _police_owners(m, people.values()) if p is not person}
        if len(owners) != 1 or not all(_police_owners(m, people.values())
                                       for m in person.mentions):
            continue
        target = next(iter(owners.values()))
        target.mentions.extend(person.mentions)
        target.first_seen = min(target.first_seen, person.first_seen)
        del people[key]


def _surname_initial(surface: str) -> str:
    """The surname's initial of a first name written with one ("Connor V", "Jo B."), else ""."""
    words = surface.split()
    if len(words) == 2 and len(words[1].rstrip(".")) == 1 and words[1][:1].isupper():
        return words[1][:1].casefold()
    return ""


def escrow_value(group: Sequence[Mention]) -> str:
    """The fullest form a person was written in (longest; first seen on a tie)."""
    best = group[0].surface
    for m in group[1:]:
        if len(m.surface) > len(best):
            best = m.surface
    return best


def read_first_names(settings: RedactionSettings, rules_path: Path) -> frozenset[str]:
    """The first-names gazetteer, case-folded, with the word-names (Will, Rose) added."""
    path = first_names_path(settings, rules_path)
    return _read_gazetteer(str(path)) | {w.casefold() for w in settings.names.word_names}


@functools.cache
def _read_gazetteer(path: str) -> frozenset[str]:
    return frozenset(
        line.strip().casefold()
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
