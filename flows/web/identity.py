"""Who an item awaiting review is about, as one viewer may see it: the identity step's
outcome, the matcher's candidates and why (pipeline/identity, docs/identity.md).

A coordinator sees every candidate, whichever family they belong to: they run the meeting
and its roster. An agency reviewer sees the candidates of the family the item was filed
under (the family their agency named) and never a member of another family: not the name,
not the family, not the score, not the comparison. They learn only that a closer match
exists elsewhere, which the reason code (SUBJECT_PROBABLY_MISFILED) already says, and that
the coordinator can see it (003 Q2, 3.10: share only what the recipient needs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.identity import IDENTITY_CODES, Roster
from pipeline.meeting import MeetingConfig
from pipeline.models import SubjectMatch

#: the reason codes that hold an item until a person says who it is about
HELD_CODES = frozenset(IDENTITY_CODES.values())


@dataclass(frozen=True)
class Candidate:
    """A roster member the subject may be."""

    member: str
    family_ref: str
    score: float
    why: str
    own_family: bool


@dataclass(frozen=True)
class IdentityView:
    """The identity outcome of one item for one viewer."""

    outcome: str
    linked: bool
    headline: str
    member: str | None
    why: str
    candidates: tuple[Candidate, ...]
    #: candidates in other families this viewer may not see
    hidden: int


def held_for_identity(reasons: tuple[str, ...]) -> bool:
    """True when the item waits because its subject is not linked to the roster."""
    return bool(HELD_CODES.intersection(reasons))


def roster_choices(meeting: MeetingConfig, family_ref: str) -> tuple[tuple[str, str], ...]:
    """(roster name, role) of each member of the family, in config order."""
    return tuple((m.name, m.role) for m in Roster(meeting).family(family_ref))


def _headline(match: SubjectMatch, sees_all: bool) -> str:
    fam = match.family_ref
    if match.outcome == "matched":
        return f"Matched to {match.member} ({fam})"
    if match.outcome == "confirmed":
        return f"Confirmed by review as {match.member} ({fam})"
    return {
        "weak": f"Weak match: no member of {fam} matches well enough",
        "ambiguous": "Ambiguous: more than one person could be the subject",
        "not_on_roster": f"Not on {fam}'s roster",
        "other_family": (f"Probably {match.other_family}, not {fam}" if sees_all else
                         f"Probably another family's member, not {fam}'s"),
    }[match.outcome]


def _why_for_agency(match: SubjectMatch, other_refs: frozenset[str]) -> str:
    """The matcher's reason without any other family in it."""
    fam = match.family_ref
    if match.outcome == "other_family":
        return (f"a member of another family of this meeting matches better than any member "
                f"of {fam}")
    if any(re.search(rf"(?<![\w-]){re.escape(ref)}(?![\w-])", match.why) for ref in other_refs):
        return (f"a member of another family of this meeting matches about as well as the "
                f"best member of {fam}")
    return match.why


def identity_view(match: SubjectMatch | None, meeting: MeetingConfig, *, sees_all: bool
                  ) -> IdentityView | None:
    """The outcome as `sees_all` (coordinator) or an agency reviewer may see it."""
    if match is None:
        return None
    fam = match.family_ref
    candidates = [Candidate(member=c.member, family_ref=c.family_ref, score=c.score,
                            why=c.why, own_family=c.family_ref == fam)
                  for c in match.candidates]
    why, hidden = match.why, 0
    if not sees_all:
        other_refs = frozenset(f.ref for f in meeting.families if f.ref != fam)
        if match.other_family:
            other_refs |= {match.other_family}
        other_refs |= {c.family_ref for c in candidates if not c.own_family}
        why = _why_for_agency(match, other_refs)
        hidden = sum(1 for c in candidates if not c.own_family)
        candidates = [c for c in candidates if c.own_family]
    return IdentityView(outcome=match.outcome, linked=match.linked,
                        headline=_headline(match, sees_all), member=match.member,
                        why=why[:1].upper() + why[1:],
                        candidates=tuple(candidates), hidden=hidden)
