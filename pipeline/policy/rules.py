"""The policy rules as data (redaction_rules/policy.yaml), validated on load.

Like Presidio's YAML recognizers, the rules live in a file and are checked by pydantic
models before any item is decided: a bad rule fails at load time, naming the file, the
rule and what is wrong (STYLE.md, "Rules and config as data").

The engine (pipeline/policy/engine.py) decides *which* reason codes apply to an item; this file
says what each code means, which outcome it carries, which paragraph of the guidance it
implements, and holds every threshold and list the engine uses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, get_args

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from pipeline.models import (
    FROZEN,
    Category,
    Consent,
    MeetingType,
    Risk,
    SubjectInformed,
    SubjectRole,
)
from pipeline.rules_file import RULES_DIR, describe_errors, load_model

#: Default location of the policy rules.
POLICY_PATH = RULES_DIR / "policy.yaml"

Outcome = Literal["shared", "withheld", "review", "info", "reminder"]
#: Outcomes that decide an item's disposition (the others annotate it).
DECISIVE: tuple[str, ...] = ("shared", "withheld", "review")

#: Every code the engine (or, for REDACTION_FAILED, the pipeline) can put in a Decision,
#: and the kind of outcome it must carry in policy.yaml.
#: "decisive" codes may carry shared, withheld or review (the YAML chooses); "info" and
#: "reminder" codes never change a disposition.
ENGINE_CODES: dict[str, Literal["decisive", "info", "reminder"]] = {
    # rule 1: purpose and relevance
    "NOT_NECESSARY_FOR_PURPOSE": "decisive",
    "NECESSITY_CHECK": "decisive",
    "OUTSIDE_PURPOSE_SERIOUS_RISK": "info",
    # rule 2: the agency's own decision
    "AGENCY_NOT_SHARE": "decisive",
    "RECORD_NOT_SHARE_RATIONALE": "reminder",
    "LEGAL_DUTY_AGENCY_NOT_SHARE": "decisive",
    "LEGAL_DUTY_NOT_SHARED": "reminder",
    # rule 3: confidentiality
    "NOT_CONFIDENTIAL": "decisive",
    "CONFIDENTIALITY_UNSURE": "decisive",
    "CONFIDENTIALITY_UNSURE_THRESHOLD_MET": "info",
    # rule 4: consent (consent that is not valid is noted; the public interest decides)
    "CONSENT_EXPLICIT": "decisive",
    "CONSENT_IMPLIED": "decisive",
    "CONSENT_SCOPE_NOT_COVERED": "info",
    "CONSENT_GIVER_UNCLEAR": "info",
    # rule 5: public interest
    "PI_SIGNIFICANT_HARM": "decisive",
    "PI_SERIOUS_HARM_ADULT": "decisive",
    "PI_SERIOUS_CRIME": "decisive",
    "PI_JUDGEMENT_NEEDED": "decisive",
    "PI_NO_RISK": "decisive",
    # rule 6: adults at risk only to themselves
    "ADULT_SELF_RISK_ONLY": "decisive",
    "SELF_RISK_AGE_UNKNOWN": "decisive",
    "SELF_RISK_UNDER_18": "decisive",
    "SELF_RISK_NO_CAPACITY": "decisive",
    "SELF_RISK_CHILD_AFFECTED": "decisive",
    # rule 7: legal duty and powers
    "LEGAL_DUTY": "decisive",
    "LEGAL_DUTY_NO_RECIPIENTS": "decisive",
    "LEGAL_POWER_NOT_DUTY": "info",
    # rule 8: historic information
    "HISTORIC": "info",
    "HISTORIC_SENSITIVE": "decisive",
    "HISTORIC_RISK_OF_HARM": "info",
    "HISTORIC_POSSIBLE_RISK": "decisive",
    # rule 9: recording
    "RATIONALE_NOT_RECORDED": "decisive",
    # rule 10: children's consent
    "CHILD_CONSENT_COMPETENCE": "decisive",
    "CHILD_REFUSED": "info",
    "CHILD_REFUSAL_OVERRIDDEN": "info",
    "YOUNG_PERSON_DECIDES": "info",
    "SEEK_CHILD_VIEW": "reminder",
    # rule 11: special category and offence data
    "SPECIAL_CATEGORY_NO_CONDITION": "decisive",
    "SPECIAL_CATEGORY_IN_TEXT": "decisive",
    # rule 12: sources
    "SOURCE_AT_RISK": "decisive",
    # rule 13: informing the subject
    "INFORM_SUBJECT": "reminder",
    "DO_NOT_INFORM_FAMILY": "reminder",
    # rule 14: significant harm
    "CONFIRM_CSC_REFERRAL": "reminder",
    # recipients
    "RECIPIENTS_RESTRICTED": "info",
    "RECIPIENTS_NOT_IN_MEETING": "decisive",
    # human review
    "REVIEW_DECISION_SHARE": "decisive",
    "REVIEW_DECISION_WITHHOLD": "decisive",
    "REVIEW_SHARE_NOT_APPLIED": "info",
    "REVIEW_DECISION_STALE": "info",
    # set after the policy by pipeline/redact/stage.py when redacting a shared item failed
    "REDACTION_FAILED": "decisive",
    # identity: set after the policy by pipeline/identity/stage.py (who the item is about)
    "SUBJECT_NOT_ON_ROSTER": "decisive",
    "SUBJECT_MATCH_WEAK": "decisive",
    "SUBJECT_MATCH_AMBIGUOUS": "decisive",
    "SUBJECT_PROBABLY_MISFILED": "decisive",
    "SUBJECT_MATCH_CONFIRMED": "info",
    "SUBJECT_CONFIRMATION_NOT_APPLIED": "info",
}

_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
#: A citation must point at the guidance: a seed file name or a golden rule.
_CITATION_RE = re.compile(r"(\d{3}_[0-9a-f]{16}\.txt)|golden rule", re.IGNORECASE)


class ReasonCode(BaseModel):
    """One reason code: what it means for the agency, what it does, where it comes from."""

    model_config = FROZEN

    code: str
    outcome: Outcome
    explanation: str = Field(min_length=20)
    citation: str = Field(min_length=5)
    #: the rule in docs/policy.md this code belongs to (for grouping the docs table)
    rule: str = Field(min_length=1)
    #: what the submitting agency should do next (shown in its receipt and by `validate`)
    next_step: str | None = Field(default=None, min_length=10)

    @field_validator("code")
    @classmethod
    def _code_shape(cls, v: str) -> str:
        if not _CODE_RE.match(v):
            raise ValueError("use UPPER_CASE letters, digits and '_'")
        return v

    @field_validator("citation")
    @classmethod
    def _cites_guidance(cls, v: str) -> str:
        if not _CITATION_RE.search(v):
            raise ValueError(
                "must cite a seed file (e.g. '003_e63cd6015283d4be.txt 3.44') or a golden rule"
            )
        return v


class Profile(BaseModel):
    """What one meeting type is for, and which categories of information it needs."""

    model_config = FROZEN

    name: str = Field(min_length=2)
    purpose: str = Field(min_length=20)
    #: categories necessary for the purpose (shared if the other rules allow)
    necessary: tuple[Category, ...] = Field(min_length=1)
    #: categories a person must check for necessity (e.g. "other")
    check: tuple[Category, ...] = ()
    citation: str = Field(min_length=5)

    @model_validator(mode="after")
    def _disjoint(self) -> Profile:
        both = sorted(set(self.necessary) & set(self.check))
        if both:
            raise ValueError(f"categories listed as both necessary and check: {', '.join(both)}")
        return self


class PublicInterest(BaseModel):
    """Rule 5: what each recorded risk means for confidential information without consent."""

    model_config = FROZEN

    #: risks that meet the sharing threshold, each with the reason code it gives
    share: dict[Risk, str] = Field(min_length=1)
    review: tuple[Risk, ...] = ()
    withhold: tuple[Risk, ...] = ()
    #: risks handled by rule 6 (3.44, adults at risk only to themselves)
    self_risk: tuple[Risk, ...] = ()

    @model_validator(mode="after")
    def _partition(self) -> PublicInterest:
        seen: dict[str, int] = {}
        for group in (tuple(self.share), self.review, self.withhold, self.self_risk):
            for r in group:
                seen[r] = seen.get(r, 0) + 1
        twice = sorted(r for r, n in seen.items() if n > 1)
        missing = sorted(set(get_args(Risk)) - set(seen))
        if twice:
            raise ValueError(f"risks listed in more than one group: {', '.join(twice)}")
        if missing:
            raise ValueError(
                f"every risk needs a group (share, review, withhold or self_risk); "
                f"missing: {', '.join(missing)}"
            )
        return self


class PossibleRisk(BaseModel):
    """Rule 8: old records about someone who may pose a risk go to a person (001 case 8)."""

    model_config = FROZEN

    roles: tuple[SubjectRole, ...] = Field(min_length=1)
    categories: tuple[Category, ...] = Field(min_length=1)
    #: current risks that leave it unclear whether the history matters now
    risks: tuple[Risk, ...] = Field(min_length=1)


class Historic(BaseModel):
    """Rule 8: historic information (000 example 2; 001 case 8)."""

    model_config = FROZEN

    sensitive_categories: tuple[Category, ...] = Field(min_length=1)
    harm_risks: tuple[Risk, ...] = Field(min_length=1)
    possible_risk: PossibleRisk

    @model_validator(mode="after")
    def _possible_risk_is_not_harm(self) -> Historic:
        both = sorted(set(self.possible_risk.risks) & set(self.harm_risks))
        if both:
            raise ValueError(
                f"possible_risk.risks: {', '.join(both)} already show a risk of harm "
                "(harm_risks); list only risks that leave the history's relevance unclear"
            )
        return self


class Rationale(BaseModel):
    """Rule 9: what counts as a recorded reason (golden rule 7; 3.51)."""

    model_config = FROZEN

    min_words: int = Field(ge=1, le=50)
    #: regular expressions matched in full against the lower-cased, trimmed rationale
    boilerplate: tuple[str, ...] = Field(min_length=1)
    _compiled: tuple[re.Pattern[str], ...] = PrivateAttr(default=())

    @field_validator("boilerplate")
    @classmethod
    def _compiles(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for i, pattern in enumerate(v):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {i + 1} ({pattern!r}) is not a valid regex: {exc}") from None
        return v

    def model_post_init(self, __context: object) -> None:
        self._compiled = tuple(re.compile(p) for p in self.boilerplate)

    @property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return self._compiled


class Ages(BaseModel):
    """Ages the guidance uses (3.23, 3.30; glossary 'Child')."""

    model_config = FROZEN

    adult: int = Field(ge=16, le=21)
    child_competence: int = Field(ge=8, le=16)
    #: capacity to consent is presumed in law from this age (3.30)
    presumed_capacity: int = Field(ge=12, le=18)

    @model_validator(mode="after")
    def _ordered(self) -> Ages:
        if not self.child_competence <= self.presumed_capacity <= self.adult:
            raise ValueError("expected child_competence <= presumed_capacity <= adult")
        return self


class InformSubject(BaseModel):
    """Rule 13: when telling the subject is unsafe, for the whole family (3.36)."""

    model_config = FROZEN

    unsafe_consent: tuple[Consent, ...] = Field(min_length=1)
    unsafe_informed: tuple[SubjectInformed, ...] = Field(min_length=1)


class CscReferral(BaseModel):
    """Rule 14: remind the meeting to confirm a referral to children's social care."""

    model_config = FROZEN

    risks: tuple[Risk, ...] = Field(min_length=1)
    except_meeting_types: tuple[MeetingType, ...] = ()


class SpecialCategoryText(BaseModel):
    """Rule 11 by text: special category content in an item of another category.

    Each class (a kind of special category data, 003 glossary 'Sensitive information') has
    regular expressions matched case-insensitively against the item's summary and
    rationale; a compiled pattern is built on load, so a bad one fails naming the class.
    """

    model_config = FROZEN

    #: class name -> plain-English label used in the note (e.g. "religious beliefs")
    labels: dict[str, str] = Field(min_length=1)
    patterns: dict[str, tuple[str, ...]] = Field(min_length=1)
    _compiled: dict[str, re.Pattern[str]] = PrivateAttr(default_factory=dict)

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, pats in v.items():
            if not pats:
                raise ValueError(f"patterns.{name}: give at least one pattern")
            for i, p in enumerate(pats):
                try:
                    re.compile(p)
                except re.error as exc:
                    raise ValueError(
                        f"patterns.{name}: pattern {i + 1} ({p!r}) is not a valid regex: {exc}"
                    ) from None
        return v

    @model_validator(mode="after")
    def _same_classes(self) -> SpecialCategoryText:
        if set(self.labels) != set(self.patterns):
            raise ValueError("labels and patterns must name the same classes")
        return self

    def model_post_init(self, __context: object) -> None:
        self._compiled = {
            name: re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in pats) + r")\b",
                             re.IGNORECASE)
            for name, pats in self.patterns.items()
        }

    def found(self, *texts: str | None) -> tuple[str, ...]:
        """The classes whose patterns occur in any of the texts, in file order."""
        joined = "\n".join(t for t in texts if t)
        return tuple(n for n, rx in self._compiled.items() if rx.search(joined))


class Notes(BaseModel):
    model_config = FROZEN

    child_views_not_followed: str = Field(min_length=20)
    #: "{classes}" is replaced by the labels of the classes found
    special_category_in_text: str = Field(min_length=20, pattern=r"\{classes\}")


class PolicyRules(BaseModel):
    """The whole policy: reason codes, meeting profiles and the engine's thresholds."""

    model_config = FROZEN

    version: Literal[1]
    reason_codes: dict[str, ReasonCode]
    profiles: dict[MeetingType, Profile]
    #: rule 1: risks that make an item outside the profile still worth considering
    purpose_override_risks: tuple[Risk, ...] = Field(min_length=1)
    public_interest: PublicInterest
    historic: Historic
    #: rule 11: special category and offence data
    special_categories: tuple[Category, ...] = Field(min_length=1)
    special_category_text: SpecialCategoryText
    rationale: Rationale
    ages: Ages
    inform_subject: InformSubject
    csc_referral: CscReferral
    notes: Notes
    _source: str = PrivateAttr(default="<memory>")

    @field_validator("reason_codes", mode="before")
    @classmethod
    def _inject_code(cls, v: object) -> object:
        # In YAML the code is the mapping key; copy it into each entry so that each
        # ReasonCode knows its own name.
        if isinstance(v, dict):
            return {
                k: ({"code": k, **entry} if isinstance(entry, dict) else entry)
                for k, entry in v.items()
            }
        return v

    @model_validator(mode="after")
    def _cross_checks(self) -> PolicyRules:
        problems: list[str] = []
        missing = sorted(set(get_args(MeetingType)) - set(self.profiles))
        if missing:
            problems.append(f"profiles: no profile for meeting type(s) {', '.join(missing)}")
        for code, kind in ENGINE_CODES.items():
            rc = self.reason_codes.get(code)
            if rc is None:
                problems.append(f"reason_codes.{code}: missing (the engine uses it)")
            elif kind == "decisive" and rc.outcome not in DECISIVE:
                problems.append(
                    f"reason_codes.{code}.outcome: must be shared, withheld or review, "
                    f"not {rc.outcome}"
                )
            elif kind != "decisive" and rc.outcome != kind:
                problems.append(f"reason_codes.{code}.outcome: must be {kind}, not {rc.outcome}")
        for code in sorted(set(self.reason_codes) - set(ENGINE_CODES)):
            problems.append(f"reason_codes.{code}: unknown code (the engine never emits it)")
        for risk, code in self.public_interest.share.items():
            rc = self.reason_codes.get(code)
            if rc is None or rc.outcome != "shared":
                problems.append(
                    f"public_interest.share.{risk}: {code} must be a reason code with "
                    f"outcome shared"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def source(self) -> str:
        """The file these rules were loaded from."""
        return self._source


def load_policy_rules(path: Path | None = None) -> PolicyRules:
    """Load and validate policy.yaml; ConfigError names the file, the rule and the problem."""
    p = Path(path) if path is not None else POLICY_PATH
    rules = load_model(
        p, PolicyRules, what="policy", fix="fix the named rule; see docs/policy.md.",
        describe=lambda err: describe_errors(err, "rule ", "(top level)"),
        not_mapping=("is empty or not a mapping of rules.",
                     "see docs/policy.md for the layout of policy.yaml."),
    )
    rules._source = str(p)
    return rules
