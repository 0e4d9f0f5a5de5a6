"""Typed records shared by every stage: vocabularies, items, decisions, ledger lines.

The closed vocabularies are the submission contract (docs/submission-format.md). Records
are frozen: a stage returns new records, it never edits the ones it was given.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

# --- closed vocabularies (the submission contract) ---------------------------------------

MeetingType = Literal["jag", "mash", "marac"]
SubjectRole = Literal[
    "child",
    "unborn_child",
    "parent",
    "carer",
    "partner",
    "ex_partner",
    "household_member",
    "victim",
    "person_of_concern",
]
Category = Literal[
    "education",
    "health",
    "mental_health",
    "sexual_health",
    "housing",
    "offending",
    "asb",
    "domestic_abuse",
    "substance_misuse",
    "social_care",
    "exploitation",
    "finance",
    "other",
]
Status = Literal["current", "closed", "outcome_unknown"]
AgencyDecision = Literal["share", "not_share"]
FactOrOpinion = Literal["fact", "opinion", "allegation"]
Source = Literal[
    "agency_record",
    "subject_disclosure",
    "family_member_account",
    "other_agency",
    "member_of_public",
    "anonymous_report",
    "professional_observation",
]
Confidential = Literal["yes", "no", "unsure"]
Consent = Literal[
    "explicit",
    "implied",
    "refused",
    "withdrawn",
    "not_sought_unsafe",
    "not_sought_crime",
    "not_sought_delay",
    "not_sought_uncontactable",
    "lacks_capacity",
    "not_required",
]
ConsentGivenBy = Literal["subject", "parent", "carer", "other"]
#: The subject's own view when someone else (a parent or carer) gave or refused consent:
#: a competent child's refusal is the one to consider (003 3.28); from 16 capacity is
#: presumed (3.30); a child judged unable to decide is represented by a parent (3.26).
SubjectView = Literal["agrees", "refuses", "unable_to_decide", "not_asked"]
Purpose = Literal["jag", "mash", "marac", "early_help", "referral"]
LawfulBasis = Literal[
    "public_task",
    "legal_obligation",
    "vital_interests",
    "consent",
    "legitimate_interests",
    "law_enforcement",
]
LegalDuty = Literal["none", "statutory_duty", "court_order"]
Risk = Literal[
    "significant_harm_child",
    "serious_harm_adult",
    "serious_crime",
    "crime_disorder",
    "welfare_concern",
    "risk_to_self_only",
    "none_identified",
    "unknown",
]
SubjectInformed = Literal["yes", "no_unsafe", "no_prejudice_crime", "no_delay", "not_yet"]
Disposition = Literal["shared", "withheld", "review", "rejected"]

#: Risk levels from most to least serious; used to order agendas and pick "highest risk".
RISK_ORDER: tuple[str, ...] = get_args(Risk)

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "subject_role": get_args(SubjectRole),
    "category": get_args(Category),
    "status": get_args(Status),
    "agency_decision": get_args(AgencyDecision),
    "fact_or_opinion": get_args(FactOrOpinion),
    "source": get_args(Source),
    "source_at_risk": ("yes", "no"),
    "confidential": get_args(Confidential),
    "consent": get_args(Consent),
    "consent_given_by": get_args(ConsentGivenBy),
    "consent_scope": get_args(Purpose),
    "subject_view": get_args(SubjectView),
    "lawful_basis": get_args(LawfulBasis),
    "legal_duty": get_args(LegalDuty),
    "risk": get_args(Risk),
    "subject_informed": get_args(SubjectInformed),
}

#: The model setting of every record and rules file: immutable once built, unknown fields
#: refused (a misspelt field in a YAML rule fails on load instead of being ignored).
FROZEN = ConfigDict(frozen=True, extra="forbid")

#: Printed on every bundle, view and agenda.
MARKING = "Protective marking: OFFICIAL-SENSITIVE"


def risk_rank(risk: str | None) -> int:
    """Position in RISK_ORDER (0 = most serious); unknown or None sorts last."""
    return RISK_ORDER.index(risk) if risk in RISK_ORDER else len(RISK_ORDER)


def highest_risk(risks: Iterable[str]) -> str | None:
    ranked = sorted(set(risks), key=risk_rank)
    return ranked[0] if ranked else None


def age_on(dob: date, day: date) -> int:
    """Whole years from `dob` to `day` (negative for a date of birth after `day`)."""
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Provenance(BaseModel):
    """Where an input row came from. Never carries cell content."""

    model_config = FROZEN

    file: str  # file name as dropped, relative to the inbox (e.g. "police/police_2026-11.xlsx")
    sheet: str  # sheet name; "csv" for CSV files
    row: int | None  # 1-based spreadsheet row number (header is row 1); None for whole-file issues
    sha256: str
    received_at: datetime
    agency_folder: str  # the INBOX/<agency> folder the file arrived in


class Problem(BaseModel):
    """One breach of the contract, located to a column, with the fix.

    `value` is shown only to the submitting agency by `casebundle validate`; it is never
    written to the ledger, logs or Prefect.
    """

    model_config = FROZEN

    code: str  # e.g. MISSING_VALUE, INVALID_VALUE, BAD_DATE, FUTURE_DATE, UNKNOWN_FAMILY
    column: str | None
    message: str
    fix: str
    value: str | None = Field(default=None, exclude=True, repr=False)

    def as_reason(self) -> str:
        """Ledger form: CODE[column]: message Fix: fix (no cell values)."""
        where = f"[{self.column}]" if self.column else ""
        return f"{self.code}{where}: {self.message} Fix: {self.fix}"


class Item(BaseModel):
    """One valid row: one item of information about one person in one family."""

    model_config = FROZEN

    item_id: str
    content_hash: str
    provenance: Provenance
    agency: str
    family_ref: str
    item_ref: str | None = None
    subject_name: str
    subject_dob: date | None = None
    subject_role: SubjectRole
    category: Category
    recorded_on: date
    event_date: date | None = None
    status: Status | None = None
    agency_decision: AgencyDecision = "share"
    summary: str | None = None
    fact_or_opinion: FactOrOpinion
    opinion_of: str | None = None
    source: Source
    source_at_risk: bool | None = None
    confidential: Confidential
    consent: Consent
    consent_given_by: ConsentGivenBy | None = None
    consent_scope: tuple[Purpose, ...] = ()
    subject_view: SubjectView | None = None
    lawful_basis: LawfulBasis
    special_condition: str | None = None
    legal_power: str | None = None
    legal_duty: LegalDuty = "none"
    risk: Risk
    rationale: str
    decided_by: str
    subject_informed: SubjectInformed | None = None
    restricted_to: tuple[str, ...] = ()

    @property
    def when(self) -> date:
        """The date the event happened: event_date, else recorded_on."""
        return self.event_date or self.recorded_on


#: Fields whose values define an item's content (review decisions are tied to their hash).
CONTENT_FIELDS: tuple[str, ...] = tuple(
    name for name in Item.model_fields if name not in ("item_id", "content_hash", "provenance")
)
#: Columns added to the contract after review decisions were first recorded: hashed only
#: when set, so a decision on a row that does not use them still applies.
HASHED_WHEN_SET: frozenset[str] = frozenset({"subject_view"})


def content_hash(values: dict[str, object]) -> str:
    """sha256 over an item's contract fields, stable across runs and file re-saves."""
    canonical = {
        k: values.get(k)
        for k in CONTENT_FIELDS
        if k not in HASHED_WHEN_SET or values.get(k) is not None
    }
    blob = json.dumps(canonical, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def make_item_id(agency: str, file: str, sheet: str, row: int) -> str:
    """A stable id for a row: same agency, file name, sheet and row -> same id on every run."""
    digest = hashlib.sha256(f"{agency}|{file}|{sheet}|{row}".encode()).hexdigest()[:10]
    return f"{agency}-{digest}"


class Rejection(BaseModel):
    """A row (or, with provenance.row None, a whole file or sheet) that was not taken in."""

    model_config = FROZEN

    provenance: Provenance
    agency: str | None = None
    family_ref: str | None = None
    problems: tuple[Problem, ...]


class Decision(BaseModel):
    """The policy's disposition of one valid item, with reason codes (docs/policy.md)."""

    model_config = FROZEN

    item_id: str
    disposition: Literal["shared", "withheld", "review"]
    reasons: tuple[str, ...]
    historic: bool = False
    #: reminders to the submitting agency (e.g. INFORM_SUBJECT), shown in its receipt only
    agency_reminders: tuple[str, ...] = ()
    #: reminders for the meeting agenda (e.g. CONFIRM_CSC_REFERRAL)
    agenda_reminders: tuple[str, ...] = ()
    #: recipients allowed to see the item when shared ("*" = every meeting agency)
    recipients: tuple[str, ...] = ("*",)
    #: notes for the bundle, e.g. that a child's views were sought and not followed
    notes: tuple[str, ...] = ()
    #: a human review decision applied to this item, if any
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_reason: str | None = None
    #: the account that recorded the review decision (audit record only, never bundles)
    reviewed_user: str | None = None


class EntityCount(BaseModel):
    """One line of an item's redaction summary: what was removed, never the value."""

    model_config = FROZEN

    entity_type: str
    count: int
    recognizer: str
    #: removed only because the engine could not explain it (deny by default); a person
    #: can restore or confirm each such span (`casebundle review redaction`)
    unsure: bool = False


class UnsureSpan(BaseModel):
    """One span removed only because the engine could not explain it. In memory and in the
    owner-only state folder only: `word` may be a third party's name."""

    model_config = FROZEN

    #: stable across runs while the text is unchanged
    span_id: str
    start: int
    end: int
    word: str = Field(repr=False)
    pseudonym: str
    #: a few words of the redacted text around it, the span marked with ⟦ ⟧
    context: str = Field(repr=False)
    #: a reviewer confirmed the removal for this text (no longer awaiting confirmation)
    confirmed: bool = False


class RedactedText(BaseModel):
    """The outcome of redacting one item's summary."""

    model_config = FROZEN

    item_id: str
    text: str | None  # None when redaction failed (fail closed)
    failed: bool = False
    summary: tuple[EntityCount, ...] = ()
    #: the spans removed only because they were unexplained; never serialised
    unsure: tuple[UnsureSpan, ...] = Field(default=(), repr=False, exclude=True)

    @property
    def awaiting(self) -> int:
        """Unsure spans not yet confirmed by a reviewer."""
        return sum(not u.confirmed for u in self.unsure)


class LedgerRow(BaseModel):
    """One line of ledger.csv: where one input row ended up."""

    model_config = FROZEN

    file: str
    sheet: str
    row: int | None
    agency: str
    family_ref: str
    item_id: str
    disposition: Disposition
    reasons: str
    #: a human review decision applied to this row (who, when, why), if any
    reviewed_by: str = ""
    reviewed_at: str = ""
    review_reason: str = ""


LEDGER_COLUMNS: tuple[str, ...] = tuple(LedgerRow.model_fields)


class PersonOfConcern(BaseModel):
    """A pseudonymised third party named by two or more agencies about one family.

    Flagged to the coordinator as a possible person of concern to add to the meeting config.
    """

    model_config = FROZEN

    family_ref: str
    pseudonym: str
    agencies: tuple[str, ...]
    item_ids: tuple[str, ...]


#: Free-text fields of an item that are redacted before they reach any output.
REDACTED_FIELDS: tuple[str, ...] = ("summary", "rationale", "opinion_of")


def text_key(item_id: str, field: str) -> str:
    """Key of one redacted free-text field of one item, e.g. 'police-ab12:summary'."""
    return f"{item_id}:{field}"


# --- identity: who each item is about (pipeline/identity/, docs/identity.md) -------------

#: matched: linked to a roster member automatically; confirmed: linked by a person's review
#: decision; weak, ambiguous, not_on_roster, other_family: awaiting a person (never shared
#: automatically, the subject's name never kept as a family name).
MatchOutcome = Literal["matched", "confirmed", "weak", "ambiguous", "not_on_roster",
                       "other_family"]
LINKED_OUTCOMES: tuple[str, ...] = ("matched", "confirmed")


class MatchCandidate(BaseModel):
    """A roster member the subject may be, with the match weight and its reasons."""

    model_config = FROZEN

    family_ref: str
    member: str  # the roster name
    score: float
    why: str  # e.g. "forename nickname; surname exact; date of birth exact; role agrees"


class SubjectMatch(BaseModel):
    """The identity step's outcome for one item: which roster member it is about.

    Carries roster names only: the agency's spelling stays on the Item.
    """

    model_config = FROZEN

    item_id: str
    family_ref: str  # the family the item was filed under
    outcome: MatchOutcome
    #: the linked roster member's name (matched or confirmed), else None
    member: str | None = None
    #: the best match weight among the family's members (None: the family has no members)
    score: float | None = None
    #: plain-English reason for the outcome, naming no one
    why: str
    #: the members it could be, best first (own family first, then others)
    candidates: tuple[MatchCandidate, ...] = ()
    #: for other_family: the family whose member the subject matches
    other_family: str | None = None

    @property
    def linked(self) -> bool:
        return self.outcome in LINKED_OUTCOMES
