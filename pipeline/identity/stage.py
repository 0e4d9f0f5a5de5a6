"""The identity stage: match every item's subject to the meeting's roster (before the
policy), then apply the outcome to the policy's decisions (after it).

An item whose subject is not linked to a member of its family (weak or ambiguous match, not
on the roster, probably filed under another family) is never shared automatically: a
would-be-shared item goes to review with the identity reason code first (003 Q2, 3.10 and
3.49: share only about the people the meeting is about, and check the information is
accurate; golden rules 3, 4 and 6). A person settles it with `casebundle review decide
ITEM --share --member NAME` (tied to the item's content hash, like every review decision)
or by adding the person to the family in the meeting config.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from pipeline.identity.matcher import Matcher, Subject
from pipeline.identity.roster import Roster
from pipeline.meeting import MeetingConfig
from pipeline.models import Decision, Item, SubjectMatch

#: The reason code (redaction_rules/policy.yaml, "Identity") of each unlinked outcome.
IDENTITY_CODES: dict[str, str] = {
    "weak": "SUBJECT_MATCH_WEAK",
    "ambiguous": "SUBJECT_MATCH_AMBIGUOUS",
    "not_on_roster": "SUBJECT_NOT_ON_ROSTER",
    "other_family": "SUBJECT_PROBABLY_MISFILED",
}
CONFIRMED = "SUBJECT_MATCH_CONFIRMED"
NOT_APPLIED = "SUBJECT_CONFIRMATION_NOT_APPLIED"
#: Reminders that only make sense for a shared item (the policy adds them only then).
_SHARED_ONLY_REMINDERS = frozenset({"INFORM_SUBJECT", "DO_NOT_INFORM_FAMILY"})
_REVIEW_SHARE = "REVIEW_DECISION_SHARE"


class MemberConfirmation(Protocol):
    """What the identity stage reads from a human review decision
    (pipeline/policy/review.py `ReviewDecision`)."""

    @property
    def content_hash(self) -> str: ...
    @property
    def disposition(self) -> str: ...
    @property
    def member(self) -> str | None: ...
    @property
    def by(self) -> str: ...


def subject_of(item: Item) -> Subject:
    return Subject(name=item.subject_name, dob=item.subject_dob, role=item.subject_role)


def match_items(items: Sequence[Item], meeting: MeetingConfig, matcher: Matcher
                ) -> dict[str, SubjectMatch]:
    """The identity outcome of every item, by item id. Pure and deterministic.

    An agency writes about one person in many items with the same name, date of birth and
    role: such a subject, filed under the same family, is matched once and its outcome
    given to each of those items (issue 15: a large meeting repeats each subject tens of
    times)."""
    roster = Roster(meeting)
    done: dict[tuple[Subject, str], SubjectMatch] = {}
    out: dict[str, SubjectMatch] = {}
    for i in items:
        key = (subject_of(i), i.family_ref)
        found = done.get(key)
        if found is None:
            found = done[key] = matcher.match(i.item_id, key[0], i.family_ref, roster)
        elif found.item_id != i.item_id:
            found = found.model_copy(update={"item_id": i.item_id})
        out[i.item_id] = found
    return out


def _confirmation(item: Item, match: SubjectMatch, review: MemberConfirmation | None,
                  roster: Roster) -> tuple[SubjectMatch, tuple[str, ...]]:
    """The match after a person's review decision, and the codes that record it."""
    if review is None or review.content_hash != item.content_hash \
            or review.disposition != "shared":
        return match, ()
    if review.member is None:
        # a share decision that does not say who the item is about settles only the policy
        return match, (() if match.linked else (NOT_APPLIED,))
    member = roster.member(item.family_ref, review.member)
    if member is None:
        return match, (NOT_APPLIED,)
    confirmed = match.model_copy(update={
        "outcome": "confirmed", "member": member.name,
        "why": f"confirmed by review ({review.by}) as a member of {item.family_ref}; "
               f"the matcher said: {match.why}"})
    return confirmed, (CONFIRMED,)


def apply_identity(
    decisions: Mapping[str, Decision],
    items: Sequence[Item],
    matches: Mapping[str, SubjectMatch],
    reviews: Mapping[str, MemberConfirmation],
    meeting: MeetingConfig,
) -> tuple[dict[str, Decision], dict[str, SubjectMatch]]:
    """Apply each item's identity outcome (and any confirmation by review) to its decision.

    A shared item whose subject is not linked goes to review with the identity code first;
    an item already in review gets the code first; a withheld item keeps its disposition
    and gets the code last. Returns the new decisions and the matches after review.
    """
    roster = Roster(meeting)
    out_decisions = dict(decisions)
    out_matches: dict[str, SubjectMatch] = {}
    for item in items:
        match = matches.get(item.item_id)
        if match is None:  # a bug upstream; fail closed rather than share unmatched
            raise ValueError(f"item {item.item_id} has no identity outcome")
        match, extra = _confirmation(item, match, reviews.get(item.item_id), roster)
        out_matches[item.item_id] = match
        d = out_decisions[item.item_id]
        if match.linked:
            if extra:
                out_decisions[item.item_id] = d.model_copy(
                    update={"reasons": (*d.reasons, *extra)})
            continue
        code = IDENTITY_CODES[match.outcome]
        if d.disposition == "shared":
            out_decisions[item.item_id] = d.model_copy(update={
                "disposition": "review",
                "reasons": (code, *extra, *(r for r in d.reasons if r != _REVIEW_SHARE)),
                "recipients": (),
                "agency_reminders": tuple(r for r in d.agency_reminders
                                          if r not in _SHARED_ONLY_REMINDERS),
                "reviewed_by": None, "reviewed_at": None, "review_reason": None,
            })
        elif d.disposition == "review":
            out_decisions[item.item_id] = d.model_copy(
                update={"reasons": (code, *extra, *d.reasons), "recipients": ()})
        else:
            out_decisions[item.item_id] = d.model_copy(
                update={"reasons": (*d.reasons, code, *extra), "recipients": ()})
    return out_decisions, out_matches


def linked_subject_names(family_ref: str, items: Sequence[Item],
                         matches: Mapping[str, SubjectMatch]) -> tuple[str, ...]:
    """The agencies' spellings of the family's subjects that are linked to a roster member
    (matched or confirmed). An unlinked subject's name is never among them."""
    names = {i.subject_name for i in items if i.family_ref == family_ref
             and (m := matches.get(i.item_id)) is not None and m.linked}
    return tuple(sorted(names))


def unmatched_agencies(items: Sequence[Item], matches: Mapping[str, SubjectMatch]
                       ) -> dict[str, int]:
    """Agencies none of whose valid rows is linked to a roster member: agency -> rows."""
    rows: dict[str, int] = {}
    linked: set[str] = set()
    for i in items:
        m = matches.get(i.item_id)
        if m is None:
            continue
        rows[i.agency] = rows.get(i.agency, 0) + 1
        if m.linked:
            linked.add(i.agency)
    return {a: n for a, n in sorted(rows.items()) if a not in linked}


def outcome_counts(matches: Mapping[str, SubjectMatch]) -> dict[str, int]:
    """Items per identity outcome (every outcome listed, zero or not)."""
    counts = dict.fromkeys(("matched", "confirmed", *IDENTITY_CODES), 0)
    for m in matches.values():
        counts[m.outcome] += 1
    return counts


def describe(match: SubjectMatch) -> str:
    """One line for a coordinator or the submitting agency: the outcome and the members."""
    if match.linked:
        how = "confirmed by review" if match.outcome == "confirmed" else "matched"
        return f"{how}: {match.member} ({match.why})"
    names = "; ".join(f"{c.member} ({c.family_ref}, score {c.score:g})"
                      for c in match.candidates)
    label = {"weak": "weak match", "ambiguous": "ambiguous",
             "not_on_roster": f"not on {match.family_ref}'s roster",
             "other_family": f"probably {match.other_family}, not {match.family_ref}"}
    text = f"{label[match.outcome]}: {match.why}"
    return f"{text}. Candidates: {names}" if names else text
