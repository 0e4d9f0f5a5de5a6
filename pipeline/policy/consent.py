"""Rule 4 and the consent half of rule 10: is there consent that covers this meeting?

Consent is *valid* when it was given by someone able to give it for this subject and its
scope includes this meeting's type (003 3.18-3.30). Consent that is missing, refused,
withdrawn, given by someone who cannot give it, or given for another purpose is *none*:
the item is then decided on the public interest exactly as if no consent had been sought
(003 3.38), and the consent problem is only noted. Consent a person could still confirm
(a child under 12 consenting alone, 3.23-3.26) is *check*.

Whose consent counts (003 3.22-3.30):

* an adult consents for themselves (3.30): a parent's or another person's consent is not
  theirs (CONSENT_GIVER_UNCLEAR);
* a child judged competent decides, "even if a parent or carer disagrees" (3.28): a
  parent's consent with ``subject_view: refuses`` is the child's refusal (CHILD_REFUSED);
* from 16 capacity is presumed (3.30): a parent's consent needs the young person's own
  agreement (``subject_view: agrees``) unless they were judged unable to decide
  (YOUNG_PERSON_DECIDES);
* from 12 a child is generally expected to understand (3.23): a parent's consent stands,
  but the agency is reminded to record the child's view (SEEK_CHILD_VIEW).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.models import Item
from pipeline.policy.rules import PolicyRules

__all__ = ["ConsentAssessment", "assess_consent", "is_child"]

ConsentState = Literal["valid", "check", "none"]

_CHILD_ROLES = ("child", "unborn_child")
_GIVEN = ("explicit", "implied")
_REFUSED = ("refused", "withdrawn")  # 3.21: consent can be withdrawn at any time


@dataclass(frozen=True)
class ConsentAssessment:
    """What the consent recorded on an item amounts to for this meeting."""

    state: ConsentState
    #: valid: CONSENT_EXPLICIT or CONSENT_IMPLIED; check: CHILD_CONSENT_COMPETENCE;
    #: none: info codes saying why consent recorded as given is not relied on
    codes: tuple[str, ...] = ()
    #: the child refused, in person or through ``subject_view`` (rule 10)
    child_refused: bool = False
    #: reminders for the submitting agency (SEEK_CHILD_VIEW)
    reminders: tuple[str, ...] = ()


def is_child(item: Item, age: int | None, rules: PolicyRules) -> bool | None:
    """True/False when known (glossary 'Child': under 18); None when it cannot be told."""
    if age is not None:
        return age < rules.ages.adult
    if item.subject_role in _CHILD_ROLES:
        return True
    return None


def assess_consent(
    item: Item, age: int | None, meeting_type: str, rules: PolicyRules
) -> ConsentAssessment:
    """Rule 4 with the children's consent questions of rule 10 (003 3.17-3.30)."""
    child = is_child(item, age, rules) is True
    giver = item.consent_given_by
    view = item.subject_view
    by_other = giver in ("parent", "carer")
    child_refused = child and (
        (item.consent in _REFUSED and giver == "subject") or (by_other and view == "refuses")
    )
    if item.consent not in _GIVEN:
        # refused, withdrawn, not_sought_*, lacks_capacity, and not_required (a claim that
        # needs a basis: a legal duty or the public interest)
        return ConsentAssessment("none", child_refused=child_refused)

    invalid: list[str] = []
    check: list[str] = []
    reminders: list[str] = []
    ages = rules.ages
    if giver is None or giver == "other":
        invalid.append("CONSENT_GIVER_UNCLEAR")  # 003 3.22: whose consent?
    elif giver == "subject":
        if item.subject_role == "unborn_child":
            invalid.append("CONSENT_GIVER_UNCLEAR")
        elif child and (age is None or age < ages.child_competence):
            check.append("CHILD_CONSENT_COMPETENCE")  # 003 3.23-3.26
    elif not child:
        invalid.append("CONSENT_GIVER_UNCLEAR")  # 3.30: an adult consents for themselves
    elif view == "refuses":
        pass  # 3.28: the competent child's refusal is the one to consider
    elif age is not None and age >= ages.presumed_capacity and view not in (
        "agrees", "unable_to_decide"
    ):
        invalid.append("YOUNG_PERSON_DECIDES")  # 3.30: presumed able to decide from 16
    elif age is not None and age >= ages.child_competence and view in (None, "not_asked"):
        reminders.append("SEEK_CHILD_VIEW")  # 3.23: generally expected to understand
    if meeting_type not in item.consent_scope:
        invalid.append("CONSENT_SCOPE_NOT_COVERED")  # 003 3.18, 3.21; 001 case 2
    if child_refused or invalid:
        return ConsentAssessment("none", tuple(invalid), child_refused)
    if check:
        return ConsentAssessment("check", tuple(check))
    code = "CONSENT_EXPLICIT" if item.consent == "explicit" else "CONSENT_IMPLIED"
    return ConsentAssessment("valid", (code,), reminders=tuple(reminders))
