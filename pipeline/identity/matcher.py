"""The matcher: compare an item's subject with roster members and decide who it is about.

Each comparison (forename, surname, date of birth, role) falls into a level, and each level
carries a weight from redaction_rules/identity.yaml; the weights add up to a match weight,
as in Fellegi-Sunter record linkage (Splink's comparison levels). String similarity is
rapidfuzz's Damerau-Levenshtein distance (a transposition counts as one edit); first-name
equivalence comes from `Diminutives`.

The decision (`Matcher.match`) looks at the item's own family and at every other family of
the meeting, so a row filed under the wrong family is recognised as such (golden rule 6:
accurate; 003 3.49: check that the information is accurate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import DamerauLevenshtein

from pipeline.identity.diminutives import Diminutives
from pipeline.identity.names import PersonName, has_order_cue, parse_name, swapped
from pipeline.identity.roster import Roster, RosterMember, mc_key
from pipeline.identity.settings import (
    DobLevel,
    ForenameLevel,
    IdentitySettings,
    RoleLevel,
    SurnameLevel,
)
from pipeline.models import MatchCandidate, SubjectMatch

_CHILD_ROLES = frozenset({"child", "unborn_child"})
_ADULT_ROLES = frozenset({"parent", "carer", "partner", "ex_partner"})

_DOB_WORDS = {"exact": "exact", "swapped": "day and month swapped", "near": "one digit wrong",
              "missing": "not given", "different": "different"}
_ROLE_WORDS = {"agrees": "agrees", "neutral": "says nothing about age",
               "conflicts": "conflicts (child and adult)"}


@dataclass(frozen=True)
class Subject:
    """Who an item says it is about: the agency's name, date of birth and role."""

    name: str
    dob: date | None
    role: str


@dataclass(frozen=True)
class Comparison:
    """One subject against one roster member."""

    member: RosterMember
    forename: ForenameLevel
    surname: SurnameLevel
    dob: DobLevel
    role: RoleLevel
    score: float

    def why(self) -> str:
        return (f"forename {self.forename}; surname {self.surname}; date of birth "
                f"{_DOB_WORDS[self.dob]}; role {_ROLE_WORDS[self.role]}")

    def candidate(self) -> MatchCandidate:
        return MatchCandidate(family_ref=self.member.family_ref, member=self.member.name,
                              score=self.score, why=self.why())


def dob_level(subject: date | None, member: date | None) -> DobLevel:
    """exact, swapped (day and month), near (one digit wrong or two neighbours swapped),
    missing (either side has none) or different."""
    if subject is None or member is None:
        return "missing"
    if subject == member:
        return "exact"
    if subject.year == member.year and (subject.day, subject.month) == (member.month, member.day):
        return "swapped"
    a, b = subject.strftime("%Y%m%d"), member.strftime("%Y%m%d")
    diff = [i for i in range(8) if a[i] != b[i]]
    if len(diff) == 1:
        return "near"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
            and a[diff[1]] == b[diff[0]]:
        return "near"
    return "different"


def role_level(subject: str, member: str) -> RoleLevel:
    if subject in _CHILD_ROLES and member in _CHILD_ROLES:
        return "agrees"
    if subject in _ADULT_ROLES and member in _ADULT_ROLES:
        return "agrees"
    if (subject in _CHILD_ROLES and member in _ADULT_ROLES) or (
            subject in _ADULT_ROLES and member in _CHILD_ROLES):
        return "conflicts"
    return "neutral"


_mc = mc_key


class Matcher:
    """Compares subjects with roster members using the weights of identity.yaml."""

    def __init__(self, settings: IdentitySettings, diminutives: Diminutives) -> None:
        self.settings = settings
        self.diminutives = diminutives
        # A member of another family matters only when it scores at least the lower
        # threshold. With a different surname and no near date of birth the best it can
        # score is below that under these weights, so only the roster's RivalIndex
        # candidates need comparing (weights where that is not so compare everyone); and
        # with a near date of birth but a different surname only an exact or alias first
        # name can reach it, so those are looked up by first name.
        w, t = settings.weights, settings.thresholds
        floor = min(t.review, t.link)
        fore = w.forename.model_dump()
        best_role = max(w.role.model_dump().values())
        ceiling = (max(fore.values()) + w.surname.different
                   + max(w.dob.missing, w.dob.different) + best_role)
        self.narrow_rivals = ceiling < floor
        need = floor - w.surname.different - max(w.dob.near, w.dob.swapped) - best_role
        self.near_by_name = {k for k, v in fore.items() if v >= need} <= {"exact", "alias"}

    # --- string comparisons -------------------------------------------------------------

    def _close(self, a: str, b: str) -> bool:
        """A misspelling or transposition: one edit in a name of min_length letters or
        more, two in a name of long_length or more."""
        f = self.settings.fuzzy
        longest = max(len(a), len(b))
        if longest < f.min_length:
            return False
        limit = 2 if longest >= f.long_length else 1
        return DamerauLevenshtein.distance(a, b, score_cutoff=limit) <= limit

    def forename_level(self, s: PersonName, m: RosterMember) -> ForenameLevel:
        if s.placeholder or m.parsed.placeholder:
            if s.placeholder and m.parsed.placeholder:
                return "placeholder"
            if s.placeholder or s.first is not None:
                return "different"  # an unnamed baby is not a named member, nor the reverse
            return "missing"
        first, m_first = s.first, m.parsed.first
        if first is None or m_first is None:
            return "missing"
        aliases = m.alias_forenames
        s_alts = frozenset(s.aka)
        m_all = aliases | {m_first}
        if first == m_first:
            return "exact"
        if first in aliases or m_first in s_alts or (s_alts & aliases):
            return "alias"
        if len(first) > 1 and any(self.diminutives.equivalent(x, y)
                                  for x in ({first} | s_alts) for y in m_all):
            return "nickname"
        if any(self._close(first, y) for y in m_all):
            return "close"
        if first in m.parsed.middles or m_first in s.middles:
            return "middle"
        n = self.settings.fuzzy.prefix_length
        if len(first) >= n and any(len(y) >= n and (y.startswith(first) or first.startswith(y))
                                   for y in m_all):
            return "prefix"
        if len(first) == 1 and m_first.startswith(first):
            return "initial"
        return "different"

    def surname_level(self, s: PersonName, m: RosterMember) -> SurnameLevel:
        s_keys = s.surname_keys()
        if not s_keys:
            return "missing"
        m_keys = m.surname_keys
        if s_keys & m_keys or {_mc(k) for k in s_keys} & {_mc(k) for k in m_keys}:
            return "exact"
        if s.surname_parts & m.surname_parts:
            return "part"
        if any(self._close(_mc(a), _mc(b)) for a in s_keys for b in m_keys):
            return "close"
        return "different"

    # --- one subject against one member -------------------------------------------------

    @staticmethod
    def readings(name: str) -> tuple[PersonName, ...]:
        """The ways to read a name: as written, and reversed when nothing shows its order."""
        parsed = parse_name(name)
        other = None if has_order_cue(name) else swapped(parsed)
        return (parsed,) if other is None else (parsed, other)

    def compare(self, subject: Subject, member: RosterMember,
                readings: tuple[PersonName, ...] | None = None) -> Comparison:
        """The best reading of the subject's name against one member."""
        readings = readings or self.readings(subject.name)
        w = self.settings.weights
        dob = dob_level(subject.dob, member.dob)
        role = role_level(subject.role, member.role)
        best: Comparison | None = None
        for reading in readings:
            fore = self.forename_level(reading, member)
            sur = self.surname_level(reading, member)
            score = (getattr(w.forename, fore) + getattr(w.surname, sur)
                     + getattr(w.dob, dob) + getattr(w.role, role))
            if best is None or score > best.score:
                best = Comparison(member, fore, sur, dob, role, round(score, 2))
        assert best is not None  # there is always the first reading
        return best

    # --- the decision -------------------------------------------------------------------

    def match(self, item_id: str, subject: Subject, family_ref: str, roster: Roster
              ) -> SubjectMatch:
        """Who the subject of an item filed under `family_ref` is (module docstring)."""
        t = self.settings.thresholds
        readings = self.readings(subject.name)
        own = sorted((self.compare(subject, m, readings) for m in roster.family(family_ref)),
                     key=lambda c: -c.score)
        rivals_of = (roster.others_like(family_ref, readings, subject.dob,
                                        near_by_name=self.near_by_name)
                     if self.narrow_rivals else roster.others(family_ref))
        other = sorted((self.compare(subject, m, readings) for m in rivals_of),
                       key=lambda c: -c.score)
        best = own[0] if own else None
        rivals = [c for c in own[1:] if best and c.score >= t.review
                  and c.score >= best.score - t.margin]
        ob = other[0] if other and other[0].score >= t.link else None
        limits = f"link at {t.link:g}"

        def result(outcome: str, why: str, cands: list[Comparison], member: str | None = None,
                   other_family: str | None = None) -> SubjectMatch:
            return SubjectMatch.model_validate({
                "item_id": item_id, "family_ref": family_ref, "outcome": outcome,
                "member": member, "score": best.score if best else None, "why": why,
                "candidates": tuple(c.candidate() for c in cands),
                "other_family": other_family})

        if ob is not None and (best is None or best.score < t.link
                               or ob.score > best.score + t.margin):
            own_best = f"best in {family_ref} {best.score:g}" if best else "no members"
            return result(
                "other_family",
                f"matches a member of {ob.member.family_ref} (score {ob.score:g}: {ob.why()}) "
                f"better than any member of {family_ref} ({own_best}; {limits})",
                [ob], other_family=ob.member.family_ref)
        if best is not None and best.score >= t.link:
            if rivals:
                return result(
                    "ambiguous",
                    f"{len(rivals) + 1} members of {family_ref} match about equally well "
                    f"(scores {', '.join(f'{c.score:g}' for c in [best, *rivals])}; "
                    f"they must differ by {t.margin:g})", [best, *rivals])
            close_other = [c for c in other if c.score >= t.link
                           and c.score >= best.score - t.margin]
            if close_other:
                c = close_other[0]
                return result(
                    "ambiguous",
                    f"a member of {c.member.family_ref} matches about as well (score "
                    f"{c.score:g}) as the best member of {family_ref} ({best.score:g})",
                    [best, *close_other])
            return result("matched", f"score {best.score:g} ({limits}): {best.why()}",
                          [best], member=best.member.name)
        if best is not None and best.score >= t.review:
            if rivals:
                return result(
                    "ambiguous",
                    f"{len(rivals) + 1} members of {family_ref} could match and none well "
                    f"(scores {', '.join(f'{c.score:g}' for c in [best, *rivals])}; "
                    f"{limits})", [best, *rivals])
            return result("weak", f"the closest member of {family_ref} scores {best.score:g} "
                          f"({limits}): {best.why()}", [best])
        nearest = f"best score {best.score:g}" if best else "the family has no members"
        hint = [c for c in other[:1] if c.score >= t.review]
        return result("not_on_roster",
                      f"no member of {family_ref} is close ({nearest}; below "
                      f"{t.review:g} is no match)", hint)
