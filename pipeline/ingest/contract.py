"""The submission contract as data: columns, whether required, value kinds, synonyms.

One table drives header matching (ingest), row checks (validate), the blank template
(template) and docs/submission-format.md, so they cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pipeline.models import VOCABULARIES

Kind = Literal["text", "date", "vocab", "vocab_list", "agency_list", "bool"]
Required = Literal["yes", "no", "child", "unless_not_share"]


@dataclass(frozen=True)
class Column:
    name: str
    required: Required
    kind: Kind
    description: str
    synonyms: tuple[str, ...] = ()

    @property
    def values(self) -> tuple[str, ...]:
        """Allowed values of a closed vocabulary (empty for free text and dates)."""
        return VOCABULARIES.get(self.name, ())


COLUMNS: tuple[Column, ...] = (
    Column("agency", "yes", "text",
           "Agency code; one of the meeting's agencies and the drop folder the file arrived in.",
           ("agency_code", "submitting_agency")),
    Column("family_ref", "yes", "text", "A family reference from the meeting config.",
           ("family", "family_reference", "family_id", "case_ref")),
    Column("item_ref", "no", "text", "The agency's own reference for the row.",
           ("ref", "reference", "agency_ref", "record_ref")),
    Column("subject_name", "yes", "text", "The person the item is about.",
           ("subject", "name", "person", "person_name", "full_name")),
    Column("subject_dob", "child", "date",
           "Date of birth (dd/mm/yyyy, ISO yyyy-mm-dd, or an Excel date cell); "
           "required when subject_role is child.",
           ("dob", "date_of_birth", "subject_date_of_birth")),
    Column("subject_role", "yes", "vocab", "The subject's role in the family.", ("role",)),
    Column("category", "yes", "vocab", "What the information is about.",
           ("information_category", "type")),
    Column("recorded_on", "yes", "date",
           "Date the information was recorded; not in the future.",
           ("date_recorded", "recorded", "record_date", "date")),
    Column("event_date", "no", "date",
           "When the event happened, if different (historic disclosures).",
           ("date_of_event", "incident_date")),
    Column("status", "no", "vocab",
           "Accuracy of the record: current, closed or outcome_unknown.", ("record_status",)),
    Column("agency_decision", "no", "vocab",
           "share (default) or not_share: a recorded decision not to share (golden rule 7); "
           "a not_share row needs a rationale and no summary.", ("decision",)),
    Column("summary", "unless_not_share", "text", "The free-text information to share.",
           ("information", "details", "text", "notes", "description")),
    Column("fact_or_opinion", "yes", "vocab",
           "fact, opinion or allegation (3.49: distinguish fact from opinion).",
           ("fact_opinion",)),
    Column("opinion_of", "no", "text",
           "Whose opinion or allegation it is (a role, not a name).", ("opinion_by",)),
    Column("source", "yes", "vocab", "Where the agency got the information.",
           ("information_source",)),
    Column("source_at_risk", "no", "bool",
           "yes/no: could sharing identify a source who would be put at risk (3.50)?", ()),
    Column("confidential", "yes", "vocab", "yes, no or unsure (unsure goes to review: 3.13).",
           ("is_confidential",)),
    Column("consent", "yes", "vocab",
           "Consent position (3.17-3.37); not_required means the item is not confidential.",
           ("consent_status",)),
    Column("consent_given_by", "no", "vocab", "Who gave or refused consent.", ("consent_by",)),
    Column("consent_scope", "no", "vocab_list",
           "Purposes the consent covers, comma-separated.", ("consent_purposes",)),
    Column("subject_view", "no", "vocab",
           "When a parent or carer gave or refused consent: the subject's own view. A "
           "competent child's refusal is the one to consider (3.28); from 16 a parent's "
           "consent needs the young person's agreement (3.30); unable_to_decide: judged "
           "not competent, so the parent decides (3.26).",
           ("child_view", "young_person_view", "childs_view")),
    Column("lawful_basis", "yes", "vocab",
           "UK GDPR Article 6 / DPA 2018 Part 3 basis.", ("legal_basis", "basis")),
    Column("special_condition", "no", "text",
           "Article 9/10 and DPA 2018 Schedule 1 condition for special category or offence "
           'data, e.g. "Sch1 para 18 safeguarding".', ("schedule_1_condition",)),
    Column("legal_power", "no", "text",
           'Power relied on, e.g. "Crime and Disorder Act 1998 s115".', ("power",)),
    Column("legal_duty", "no", "vocab",
           "none, statutory_duty or court_order: sharing the law requires (to the body named "
           "in restricted_to).", ("duty",)),
    Column("risk", "yes", "vocab", "The risk the information shows.", ("risk_level",)),
    Column("rationale", "yes", "text",
           "Why sharing (or not sharing) is necessary and proportionate (golden rule 7).",
           ("reason", "reasons", "justification")),
    Column("decided_by", "yes", "text", "Role of the person who made the decision.",
           ("decision_by", "decision_maker")),
    Column("subject_informed", "no", "vocab", "Whether the subject was told of the sharing.",
           ("informed",)),
    Column("restricted_to", "no", "agency_list",
           "Comma-separated agency codes that alone may see this item.", ("restrict_to",)),
)

BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
REQUIRED_HEADERS: tuple[str, ...] = tuple(
    c.name for c in COLUMNS if c.required in ("yes", "unless_not_share")
)


def normalise_header(text: object) -> str:
    """'Family Ref ' -> 'family_ref'; case-, space-, hyphen- and dot-insensitive."""
    s = str(text).strip().lower()
    s = re.sub(r"[\s\-./]+", "_", s)
    s = re.sub(r"[^a-z0-9_]", "", s)
    return s.strip("_")


#: normalised header (or synonym) -> canonical column name
HEADER_LOOKUP: dict[str, str] = {}
for _c in COLUMNS:
    HEADER_LOOKUP[_c.name] = _c.name
    HEADER_LOOKUP[_c.name.replace("_", "")] = _c.name
    for _s in _c.synonyms:
        HEADER_LOOKUP[_s] = _c.name
        HEADER_LOOKUP[_s.replace("_", "")] = _c.name


def canonical_header(text: object) -> str | None:
    """The contract column a header names, or None if it names none."""
    key = normalise_header(text)
    return HEADER_LOOKUP.get(key) or HEADER_LOOKUP.get(key.replace("_", ""))


def normalise_value(text: str) -> str:
    """'Not Share' -> 'not_share' for matching closed vocabularies."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())
