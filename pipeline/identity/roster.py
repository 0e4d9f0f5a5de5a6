"""The meeting's roster: every family's members from the meeting config, with their names
parsed once for matching."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import combinations

from pipeline.identity.names import PersonName, fold, parse_name
from pipeline.meeting import MeetingConfig


@dataclass(frozen=True)
class RosterMember:
    """One person a meeting is about, as the coordinator listed them (names parsed once)."""

    family_ref: str
    name: str  # as written in the meeting config: the name bundles show
    dob: date | None
    role: str
    parsed: PersonName
    #: the member's other names (config `aliases`): nicknames, former or other surnames
    aliases: tuple[PersonName, ...]
    #: first names the member also goes by: aliases, and names in brackets
    alias_forenames: frozenset[str] = field(init=False)
    surname_keys: frozenset[str] = field(init=False)
    surname_parts: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        firsts = {a.first for a in self.aliases if a.first} | set(self.parsed.aka)
        keys = set(self.parsed.surname_keys())
        parts = set(self.parsed.surname_parts)
        for a in self.aliases:
            keys |= a.surname_keys()
            parts |= a.surname_parts
        # frozen: computed once here, never changed
        object.__setattr__(self, "alias_forenames", frozenset(firsts))
        object.__setattr__(self, "surname_keys", frozenset(keys))
        object.__setattr__(self, "surname_parts", frozenset(parts))


def mc_key(key: str) -> str:
    """MacDonald and McDonald are one surname."""
    return "mc" + key[3:] if key.startswith("mac") and len(key) > 5 else key


@lru_cache(maxsize=65536)
def deletions(word: str, most: int = 2) -> frozenset[str]:
    """`word` with up to `most` letters deleted (itself included). Two names within k
    edits (Damerau-Levenshtein) always share one of these with k deletions each.

    Remembered: a meeting's subjects share a few hundred surnames, each looked up once
    per item that names it (issue 15)."""
    out = {word}
    for k in range(1, min(most, len(word) - 1) + 1):
        for drop in combinations(range(len(word)), k):
            out.add("".join(c for i, c in enumerate(word) if i not in drop))
    return frozenset(out)


def dob_neighbours(dob: date) -> set[str]:
    """YYYYMMDD forms of every date a `near` or `swapped` comparison accepts (and dob)."""
    text = dob.strftime("%Y%m%d")
    out = {text, f"{text[:4]}{text[6:8]}{text[4:6]}"}
    for i in range(8):
        out.update(f"{text[:i]}{d}{text[i + 1:]}" for d in "0123456789")
        if i < 7:
            out.add(f"{text[:i]}{text[i + 1]}{text[i]}{text[i + 2:]}")
    return out


class RivalIndex:
    """Where to look for members of other families that could match a subject: those
    sharing a surname key or part, with a surname within two edits, or born on the
    subject's date of birth; and those born within one digit of it (or with day and month
    swapped), by first name when `near_by_name`, else all of them. A superset of what the
    matcher's weights can score highly (Matcher.narrow_rivals): it still compares each."""

    def __init__(self, members: Iterable[RosterMember]) -> None:
        self.members = tuple(members)
        self._key: dict[str, list[int]] = {}
        self._part: dict[str, list[int]] = {}
        self._near: dict[str, list[int]] = {}
        self._dob: dict[str, list[int]] = {}
        self._dob_name: dict[tuple[str, str], list[int]] = {}
        for n, m in enumerate(self.members):
            keys = {mc_key(k) for k in m.surname_keys}
            for k in keys:
                self._key.setdefault(k, []).append(n)
            for p in m.surname_parts:
                self._part.setdefault(p, []).append(n)
            for variant in set().union(*(deletions(k) for k in keys)) if keys else ():
                self._near.setdefault(variant, []).append(n)
            if m.dob is not None:
                born = m.dob.strftime("%Y%m%d")
                self._dob.setdefault(born, []).append(n)
                names = ({m.parsed.first} if m.parsed.first else set()) | m.alias_forenames
                for name in names:
                    self._dob_name.setdefault((born, name), []).append(n)

    def candidates(self, readings: Iterable[PersonName], dob: date | None, *,
                   near_by_name: bool = True) -> tuple[RosterMember, ...] | None:
        """Members that may match, in roster order; None when the subject's name has no
        surname (then every member must be compared)."""
        found: set[int] = set()
        names: set[str] = set()
        for r in readings:
            keys = {mc_key(k) for k in r.surname_keys()}
            if not keys:
                return None
            for k in keys:
                found.update(self._key.get(k, ()))
                for variant in deletions(k):
                    found.update(self._near.get(variant, ()))
            for p in r.surname_parts:
                found.update(self._part.get(p, ()))
            names.update(x for x in (r.first, *r.aka) if x)
        if dob is not None:
            born = dob.strftime("%Y%m%d")
            found.update(self._dob.get(born, ()))
            for text in dob_neighbours(dob):
                if not near_by_name:
                    found.update(self._dob.get(text, ()))
                    continue
                for name in names:
                    found.update(self._dob_name.get((text, name), ()))
        return tuple(self.members[n] for n in sorted(found))


class Roster:
    """Members by family, in config order."""

    def __init__(self, meeting: MeetingConfig) -> None:
        self._families: dict[str, tuple[RosterMember, ...]] = {}
        self._rivals: RivalIndex | None = None
        for family in meeting.families:
            self._families[family.ref] = tuple(
                RosterMember(
                    family_ref=family.ref, name=m.name, dob=m.dob, role=m.role,
                    parsed=parse_name(m.name),
                    aliases=tuple(parse_name(a) for a in m.aliases),
                )
                for m in family.members
            )

    def family(self, ref: str) -> tuple[RosterMember, ...]:
        return self._families.get(ref, ())

    def others(self, ref: str) -> tuple[RosterMember, ...]:
        """Members of every other family of the meeting."""
        return tuple(m for r, ms in self._families.items() if r != ref for m in ms)

    @property
    def rivals(self) -> RivalIndex:
        """The index of every member (built on first use)."""
        if self._rivals is None:
            self._rivals = RivalIndex(m for ms in self._families.values() for m in ms)
        return self._rivals

    def others_like(self, ref: str, readings: Iterable[PersonName], dob: date | None, *,
                    near_by_name: bool = True) -> tuple[RosterMember, ...]:
        """The members of other families that `RivalIndex.candidates` keeps, in the
        order of `others` (every other member when the name has no surname)."""
        found = self.rivals.candidates(readings, dob, near_by_name=near_by_name)
        if found is None:
            return self.others(ref)
        return tuple(m for m in found if m.family_ref != ref)

    def member(self, ref: str, name: str) -> RosterMember | None:
        """The member of family `ref` with this roster name (case and spacing ignored)."""
        key = " ".join(fold(name).split())
        for m in self.family(ref):
            if " ".join(fold(m.name).split()) == key:
                return m
        return None
