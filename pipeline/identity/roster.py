"""The meeting's roster: every family's members from the meeting config, with their names
parsed once for matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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


class Roster:
    """Members by family, in config order."""

    def __init__(self, meeting: MeetingConfig) -> None:
        self._families: dict[str, tuple[RosterMember, ...]] = {}
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

    def member(self, ref: str, name: str) -> RosterMember | None:
        """The member of family `ref` with this roster name (case and spacing ignored)."""
        key = " ".join(fold(name).split())
        for m in self.family(ref):
            if " ".join(fold(m.name).split()) == key:
                return m
        return None
