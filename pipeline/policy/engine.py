"""The policy stage: decide, item by item, whether sharing is necessary and proportionate.

Pure and deterministic: ``decide_items`` takes items, the meeting and the rules (and any
human review decisions) and returns one ``Decision`` per item, in the same order. The rules
and their thresholds are data (redaction_rules/policy.yaml, see pipeline/policy/rules.py);
this module decides which reason codes apply. docs/policy.md lists every code, the
precedence and where each rule comes from in the guidance:

* 003_e63cd6015283d4be.txt: golden rules (2.9) and the seven key questions (3.3-3.52)
* 004_2b5b80d686f72053.txt: 2018 golden rules, when to refer without consent
* 001_a4141e39c5e050ec.txt: ten case examples
* 000_eb978277be808925.txt: Ruby, Bev and Paula

Precedence: withheld beats review beats shared, except that a legal duty to share (003
3.7-3.9) is never blocked by the consent rules (4, 5, 6, 8's consent test, 10, 11), and an
agency's own "not share" cannot silently drop a duty (3.1, 3.8: a person decides).
Consent that is missing, refused, invalid or out of scope is all the same to the public
interest test (3.38): only the notes differ (pipeline/policy/consent.py).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pipeline.errors import ConfigError
from pipeline.meeting import MeetingConfig
from pipeline.models import Decision, Item
from pipeline.policy.consent import assess_consent
from pipeline.policy.review import ReviewDecision
from pipeline.policy.rules import PolicyRules, ReasonCode, load_policy_rules

__all__ = [
    "PolicyRules",
    "ReasonCode",
    "decide_items",
    "explain",
    "is_boilerplate",
    "load_policy",
    "subject_age",
]

_RANK = {"shared": 0, "review": 1, "withheld": 2}
_CHILD_ROLES = ("child", "unborn_child")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

Outcome = Literal["shared", "withheld", "review"]


def load_policy(path: Path | None = None) -> PolicyRules:
    """Load redaction_rules/policy.yaml (or ``path``); ConfigError on any problem."""
    return load_policy_rules(path)


def explain(code: str, rules: PolicyRules) -> ReasonCode:
    """The explanation, citation and outcome of a reason code."""
    try:
        return rules.reason_codes[code]
    except KeyError:
        raise ConfigError(rules.source, f"reason code {code!r} is not defined.",
                          "add it to reason_codes, or check the spelling.") from None


def is_boilerplate(text: str | None, rules: PolicyRules) -> bool:
    """True if a rationale records no real reason (empty, 'n/a', 'see above', too short)."""
    norm = " ".join((text or "").lower().split())
    if not norm:
        return True
    if any(p.fullmatch(norm) for p in rules.rationale.patterns):
        return True
    return len(_WORD.findall(norm)) < rules.rationale.min_words


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def subject_age(item: Item, meeting: MeetingConfig) -> int | None:
    """The subject's age in whole years at the meeting date, or None if not known.

    From the item's subject_dob, else from the date of birth of the family member in the
    meeting config whose name or alias matches (None if no match, or matches disagree).
    """
    dob = item.subject_dob
    if dob is None:
        family = meeting.family(item.family_ref)
        if family is not None:
            key = _name_key(item.subject_name)
            dobs = {
                m.dob
                for m in family.members
                if key in {_name_key(n) for n in (m.name, *m.aliases)}
            }
            if len(dobs) == 1:
                dob = dobs.pop()
    return None if dob is None else _age_on(dob, meeting.meeting.date)


def _months_before(day: date, months: int) -> date:
    years, month0 = divmod(day.month - 1 - months, 12)
    year = day.year + years
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


@dataclass(frozen=True)
class _Context:
    meeting: MeetingConfig
    rules: PolicyRules
    #: families where telling anyone could be unsafe (rule 13; 003 3.36)
    unsafe_families: frozenset[str]
    historic_before: date


class _Codes:
    """Reason codes in the order the rules found them, without duplicates."""

    def __init__(self) -> None:
        self.codes: list[str] = []

    def add(self, *codes: str) -> None:
        for c in codes:
            if c not in self.codes:
                self.codes.append(c)


def decide_items(
    items: Sequence[Item],
    meeting: MeetingConfig,
    rules: PolicyRules,
    reviews: Mapping[str, ReviewDecision] | None = None,
) -> list[Decision]:
    """One Decision per item, in the same order. Pure and deterministic.

    Each item is decided on its own, except rule 13, which looks across all items of a
    family: if any records that telling the family is unsafe, none raises INFORM_SUBJECT.
    """
    unsafe = frozenset(
        i.family_ref
        for i in items
        if i.consent in rules.inform_subject.unsafe_consent
        or i.subject_informed in rules.inform_subject.unsafe_informed
    )
    ctx = _Context(
        meeting=meeting,
        rules=rules,
        unsafe_families=unsafe,
        historic_before=_months_before(meeting.meeting.date, meeting.meeting.lookback_months),
    )
    reviews = reviews or {}
    return [_decide(item, ctx, reviews.get(item.item_id)) for item in items]


def _affects_child(item: Item, ctx: _Context) -> bool:
    """Rule 6: is a child, or may a child be, affected by this adult's risk to themselves?

    Judged from the family in the meeting config: yes if the subject is a parent or carer,
    the family is not in the config, or any member is a child or unborn child by role or
    under 18 by date of birth (003 3.44, 2.4).
    """
    if item.subject_role in ("parent", "carer"):
        return True
    family = ctx.meeting.family(item.family_ref)
    if family is None:
        return True
    day = ctx.meeting.meeting.date
    return any(
        m.role in _CHILD_ROLES or (m.dob is not None and _age_on(m.dob, day) < ctx.rules.ages.adult)
        for m in family.members
    )


def _without_consent(item: Item, age: int | None, ctx: _Context) -> list[str]:
    """Rules 5 and 6: confidential information without consent."""
    pi = ctx.rules.public_interest
    if item.risk in pi.self_risk:  # rule 6, 003 3.44
        if age is None:
            return ["SELF_RISK_AGE_UNKNOWN"]
        if age < ctx.rules.ages.adult:
            return ["SELF_RISK_UNDER_18"]
        if item.consent == "lacks_capacity":
            return ["SELF_RISK_NO_CAPACITY"]  # 003 3.30-3.35: capacity presumed otherwise
        if _affects_child(item, ctx):
            return ["SELF_RISK_CHILD_AFFECTED"]
        return ["ADULT_SELF_RISK_ONLY"]
    if item.risk in pi.share:
        return [pi.share[item.risk]]  # 003 3.42-3.43
    if item.risk in pi.review:
        return ["PI_JUDGEMENT_NEEDED"]  # 003 3.39, 3.41-3.42
    return ["PI_NO_RISK"]  # 001 case 3


def _disposition(codes: Sequence[str], rules: PolicyRules) -> Outcome:
    """The most protective outcome among the codes: withheld > review > shared."""
    best: Outcome = "shared"
    decisive = False
    for c in codes:
        o = rules.reason_codes[c].outcome
        if o == "withheld" or o == "review" or o == "shared":
            decisive = True
            if _RANK[o] > _RANK[best]:
                best = o
    # No decisive code cannot happen (every path adds a basis); fail closed if it does.
    return best if decisive else "review"


def _decide(item: Item, ctx: _Context, review: ReviewDecision | None) -> Decision:
    rules, meeting = ctx.rules, ctx.meeting
    found = _Codes()
    agency_reminders = _Codes()
    age = subject_age(item, meeting)
    serious = item.risk in rules.purpose_override_risks
    legal_duty = item.legal_duty != "none"

    # Rule 1, purpose and relevance (003 3.3-3.5; golden rule 6).
    profile = rules.profiles[meeting.meeting.type]
    if item.category not in profile.necessary:
        if serious:
            found.add("OUTSIDE_PURPOSE_SERIOUS_RISK")
        elif item.category in profile.check:
            found.add("NECESSITY_CHECK")
        else:
            found.add("NOT_NECESSARY_FOR_PURPOSE")

    # Rule 2, the agency's own decision (003 3.1; golden rule 7). A legal duty is not a
    # matter of discretion (3.1, 3.8): "not share" on a duty goes to a person, and the
    # agenda says so, instead of being withheld.
    agenda: list[str] = []
    if item.agency_decision == "not_share":
        if legal_duty:
            found.add("LEGAL_DUTY_AGENCY_NOT_SHARE")
            agenda.append("LEGAL_DUTY_NOT_SHARED")
        else:
            found.add("AGENCY_NOT_SHARE")
        if is_boilerplate(item.rationale, rules):
            agency_reminders.add("RECORD_NOT_SHARE_RATIONALE")

    # Rules 3-7 and 10: the basis for sharing.
    consent = assess_consent(item, age, meeting.meeting.type, rules)
    consent_state = consent.state
    if legal_duty:
        # Rule 7 (003 3.7-3.9, 3.37): a duty is never blocked by the consent rules, but
        # applies to the named bodies only.
        found.add("LEGAL_DUTY" if item.restricted_to else "LEGAL_DUTY_NO_RECIPIENTS")
    elif item.confidential == "no":
        found.add("NOT_CONFIDENTIAL")  # rule 3
        if consent_state == "valid":
            found.add(*consent.codes)
    elif consent_state == "valid":
        found.add(*consent.codes)  # rule 4
    else:
        # Rules 5 and 6. Missing, refused, invalid or out-of-scope consent: the public
        # interest decides exactly as with no consent (3.38); only the notes differ.
        public_interest = _without_consent(item, age, ctx)
        threshold_met = _disposition(public_interest, rules) == "shared"
        if consent_state == "check" and not threshold_met:
            found.add(*consent.codes)  # 3.23-3.26: a person judges the child's competence
        else:
            if item.confidential == "unsure":
                # 3.13 (check with the individual) gives way when the threshold is met: a
                # concern about serious harm is not delayed (3.43; flowchart after 3.2)
                found.add("CONFIDENTIALITY_UNSURE_THRESHOLD_MET" if threshold_met
                          else "CONFIDENTIALITY_UNSURE")
            found.add(*public_interest)
            if consent_state == "none":
                found.add(*consent.codes)  # why consent recorded as given is not relied on
        if item.legal_power:
            found.add("LEGAL_POWER_NOT_DUTY")  # 001 case 4: a power is not a duty

    # Rule 10, a child's own refusal (003 3.22-3.29), in person or through subject_view.
    child_refused = consent.child_refused
    if child_refused:
        found.add("CHILD_REFUSED")

    # Rule 8, historic information (000 example 2; 001 case 8).
    historic = item.when < ctx.historic_before
    if historic:
        found.add("HISTORIC")
        past = rules.historic
        if item.risk in past.harm_risks:
            found.add("HISTORIC_RISK_OF_HARM")
        elif (
            item.category in past.sensitive_categories
            and consent_state != "valid"
            and not legal_duty
        ):
            may_pose_risk = past.possible_risk
            if (
                item.subject_role in may_pose_risk.roles
                and item.category in may_pose_risk.categories
                and item.risk in may_pose_risk.risks
            ):
                # 001 case 8: bring historic violence together with current information
                found.add("HISTORIC_POSSIBLE_RISK")
            else:
                found.add("HISTORIC_SENSITIVE")

    # Checks before anything is shared; pointless once a rule withholds the item.
    restricted = tuple(dict.fromkeys(a.strip().lower() for a in item.restricted_to if a.strip()))
    allowed = tuple(a for a in restricted if a in meeting.agencies)
    special_in_text: tuple[str, ...] = ()
    if _disposition(found.codes, rules) != "withheld":
        if consent_state != "valid" and is_boilerplate(item.rationale, rules):
            found.add("RATIONALE_NOT_RECORDED")  # rule 9: golden rule 7, 003 3.51
        explicit = consent_state == "valid" and item.consent == "explicit"
        condition = (
            item.risk in rules.public_interest.share
            or bool(item.legal_power and item.legal_power.strip())
            or bool(item.special_condition and item.special_condition.strip())
            or legal_duty
        )
        if item.category in rules.special_categories and not explicit and not condition:
            found.add("SPECIAL_CATEGORY_NO_CONDITION")  # rule 11
        special_in_text = (
            ()
            if item.category in rules.special_categories
            else rules.special_category_text.found(item.summary, item.rationale)
        )
        if special_in_text and not (
            explicit or item.risk in rules.public_interest.share or legal_duty
        ):
            # rule 11 by text: recorded under another category, the agency's power or
            # condition was not recorded with this detail in mind (003 glossary, 3.41)
            found.add("SPECIAL_CATEGORY_IN_TEXT")
        if item.source_at_risk:
            found.add("SOURCE_AT_RISK")  # rule 12, 003 3.50
        if restricted:
            found.add("RECIPIENTS_RESTRICTED")  # golden rule 6
            if not allowed:
                found.add("RECIPIENTS_NOT_IN_MEETING")

    disposition: Outcome = _disposition(found.codes, rules)
    by_rules = disposition
    lead: list[str] = []
    reviewed = None
    if review is not None:
        if review.content_hash != item.content_hash:
            found.add("REVIEW_DECISION_STALE")  # the row changed since it was reviewed
        elif review.disposition == "withheld":
            lead, disposition, reviewed = ["REVIEW_DECISION_WITHHOLD"], "withheld", review
        elif disposition != "withheld":
            lead, disposition, reviewed = ["REVIEW_DECISION_SHARE"], "shared", review
        else:
            found.add("REVIEW_SHARE_NOT_APPLIED")

    notes: list[str] = []
    if disposition == "shared" and child_refused:
        found.add("CHILD_REFUSAL_OVERRIDDEN")
        notes.append(" ".join(rules.notes.child_views_not_followed.split()))
    if disposition != "withheld" and special_in_text:
        labels = ", ".join(rules.special_category_text.labels[c] for c in special_in_text)
        notes.append(" ".join(rules.notes.special_category_in_text.split()).format(classes=labels))

    # Rule 10: a parent's consent for a child of 12 or over was relied on; record the
    # child's own view next time (003 3.23, 3.28).
    if disposition == "shared" and consent_state == "valid":
        agency_reminders.add(*consent.reminders)

    # Rule 13, informing the subject (003 3.36, 3.48; golden rule 2).
    if disposition == "shared" and consent_state != "valid" and item.subject_informed != "yes":
        if item.family_ref in ctx.unsafe_families:
            agency_reminders.add("DO_NOT_INFORM_FAMILY")
        else:
            agency_reminders.add("INFORM_SUBJECT")

    # Rule 14, significant harm (003 flowchart after 3.2; 2.5).
    if (
        item.risk in rules.csc_referral.risks
        and meeting.meeting.type not in rules.csc_referral.except_meeting_types
    ):
        agenda.append("CONFIRM_CSC_REFERRAL")

    if disposition == "shared":
        recipients: tuple[str, ...] = allowed if restricted else ("*",)
    else:
        recipients = ()  # nothing is sent anywhere until it is shared (fail closed)

    return Decision(
        item_id=item.item_id,
        disposition=disposition,
        # after a review, the codes that sent the item to review follow the person's code
        reasons=tuple(lead) + _ordered(found.codes, by_rules, rules),
        historic=historic,
        agency_reminders=tuple(agency_reminders.codes),
        agenda_reminders=tuple(agenda),
        recipients=recipients,
        notes=tuple(notes),
        reviewed_by=reviewed.by if reviewed else None,
        reviewed_at=reviewed.at if reviewed else None,
        review_reason=reviewed.reason if reviewed else None,
        reviewed_user=reviewed.user if reviewed else None,
    )


def _ordered(codes: Sequence[str], disposition: str, rules: PolicyRules) -> tuple[str, ...]:
    """Codes that decided the disposition first, then the other rules' codes, then notes."""

    def group(code: str) -> int:
        outcome = rules.reason_codes[code].outcome
        if outcome == disposition:
            return 0
        return 1 if outcome in _RANK else 2

    return tuple(sorted(codes, key=group))  # sorted() is stable: rule order within a group
