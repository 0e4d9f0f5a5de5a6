"""The meeting's roster: every family's members from the meeting config, with their names
parsed once for matching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.identity.names import PersonName, fold, parse_name
from pipeline.meeting import MeetingConfig


@dataclass(frozen=True)
class RosterMember:
    """One person a meeting is about, as the coordinator listed them."""

    family_ref: str
    name: str  # as written in the meeting config: the name bundles show
    dob: date | None
    role: str
    parsed: PersonName
    #: the member's other names (config `aliases`): nicknames, former or other surnames
    aliases: tuple[PersonName, ...]

    @property
    def alias_forenames(self) -> frozenset[str]:
        """First names the member also goes by: aliases, and names in brackets."""
        firsts = {a.first for a in self.aliases if a.first}
        return frozenset(firsts | set(self.parsed.aka))

    @property
    def surname_keys(self) -> frozenset[str]:
        keys = set(self.parsed.surname_keys())
        for a in self.aliases:
            keys |= a.surname_keys()
        return frozenset(keys)

    @property
    def surname_parts(self) -> frozenset[str]:
        parts = set(self.parsed.surname_parts)
        for a in self.aliases:
            parts |= a.surname_parts
        return frozenset(parts)


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
