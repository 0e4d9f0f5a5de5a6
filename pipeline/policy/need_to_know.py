"""The need-to-know table (redaction_rules/need_to_know.yaml), validated on load.

Decides which categories of shared item each kind of agency receives in its recipient
view, per meeting type (Information Sharing guidance 3.49: share only with those who need
to know). Items that show a risk of harm also reach the agencies that manage that risk
(3.49 with 2.2 and 3.46: those who must act on a risk need to know it), per category; the
school only when a child of the family is of school age. A decision that names its
recipients (restricted_to, a legal duty) still decides alone. A bad table fails at load,
naming the file and the problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, Field, model_validator

from pipeline.meeting import MeetingConfig
from pipeline.models import FROZEN, Category, Decision, Item, MeetingType, Risk, age_on
from pipeline.rules_file import RULES_DIR, describe_errors, load_model

NEED_TO_KNOW_PATH = RULES_DIR / "need_to_know.yaml"
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class RiskManagers(BaseModel):
    """Kinds of agency that manage a risk, and the categories of risk item they receive."""

    model_config = FROZEN

    #: what the rule is for, with the paragraph of the guidance (shown in docs)
    why: str = Field(min_length=10)
    meeting_types: tuple[MeetingType, ...] = Field(min_length=1)
    risks: tuple[Risk, ...] = Field(min_length=1)
    kinds: tuple[str, ...] = Field(min_length=1)
    categories: tuple[Category, ...] = Field(min_length=1)
    #: only when a child of the family is of school age (a child at school)
    child_at_school: bool = False


class SchoolAge(BaseModel):
    """Ages, at the meeting date, at which a child of the family is taken to be at school."""

    model_config = FROZEN

    min: int = Field(ge=2, le=6)
    max: int = Field(ge=15, le=18)


class NeedToKnow(BaseModel):
    """Agency code -> kind of agency -> categories received, per meeting type."""

    model_config = FROZEN

    version: Literal[1]
    kinds: tuple[str, ...] = Field(min_length=1)
    default_kind: str
    agency_kinds: dict[str, str] = Field(default_factory=dict)
    meeting_types: dict[MeetingType, dict[str, tuple[Category, ...]]]
    #: risk items reach the agencies that manage the risk, on top of meeting_types
    risk_managers: tuple[RiskManagers, ...] = ()
    school_age: SchoolAge = SchoolAge(min=4, max=17)

    @model_validator(mode="after")
    def _consistent(self) -> NeedToKnow:
        kinds = set(self.kinds)
        if len(kinds) != len(self.kinds):
            raise ValueError("kinds: a kind is listed twice")
        if self.default_kind not in kinds:
            raise ValueError(f"default_kind: {self.default_kind!r} is not one of kinds")
        for code, kind in sorted(self.agency_kinds.items()):
            if not _CODE.match(code):
                raise ValueError(f"agency_kinds: {code!r} is not a lower-case agency code")
            if kind not in kinds:
                raise ValueError(f"agency_kinds.{code}: kind {kind!r} is not one of kinds")
        missing_types = sorted(set(get_args(MeetingType)) - set(self.meeting_types))
        if missing_types:
            raise ValueError(f"meeting_types: no table for {', '.join(missing_types)}")
        for mtype, table in sorted(self.meeting_types.items()):
            unknown = sorted(set(table) - kinds)
            if unknown:
                raise ValueError(f"meeting_types.{mtype}: unknown kind(s) {', '.join(unknown)}")
            missing = sorted(kinds - set(table))
            if missing:
                raise ValueError(
                    f"meeting_types.{mtype}: no categories for kind(s) {', '.join(missing)} "
                    "(write [] to send them nothing)"
                )
        for n, rule in enumerate(self.risk_managers):
            unknown = sorted(set(rule.kinds) - kinds)
            if unknown:
                raise ValueError(f"risk_managers.{n}.kinds: unknown kind(s) {', '.join(unknown)}")
        return self

    def kind_of(self, agency: str) -> str:
        """The kind of an agency code; unknown codes get the conservative default."""
        return self.agency_kinds.get(agency, self.default_kind)

    def allows(self, meeting_type: str, agency: str, category: str) -> bool:
        """Whether the table lets `agency` receive items of `category` at this meeting type."""
        table = self.meeting_types.get(meeting_type, {})  # type: ignore[call-overload]
        return category in table.get(self.kind_of(agency), ())

    def child_at_school(self, meeting: MeetingConfig, family_ref: str) -> bool:
        """Whether a child of the family is of school age at the meeting date.

        Known only from dates of birth in the meeting config; a child without one is not
        counted (nothing is sent on a guess).
        """
        family = meeting.family(family_ref)
        if family is None:
            return False
        day = meeting.meeting.date
        return any(
            m.dob is not None and self.school_age.min <= age_on(m.dob, day) <= self.school_age.max
            for m in family.members
            if m.role == "child"
        )

    def manages_risk(
        self, meeting_type: str, agency: str, item: Item, meeting: MeetingConfig | None = None
    ) -> bool:
        """Whether `agency` manages the risk a shared item shows (risk_managers)."""
        kind = self.kind_of(agency)
        for rule in self.risk_managers:
            if (
                meeting_type in rule.meeting_types
                and item.risk in rule.risks
                and kind in rule.kinds
                and item.category in rule.categories
                and (
                    not rule.child_at_school
                    or (meeting is not None and self.child_at_school(meeting, item.family_ref))
                )
            ):
                return True
        return False

    def receives(
        self,
        meeting_type: str,
        agency: str,
        item: Item,
        decision: Decision,
        meeting: MeetingConfig | None = None,
    ) -> bool:
        """Whether a shared item goes into `agency`'s recipient view.

        The decision must allow the agency ("*" or named); a decision that names the agency
        (restricted_to, legal duty) overrides the table, otherwise the table decides: the
        item's category for the agency's kind, or a risk the agency manages. `meeting`
        tells whether a child of the family is at school; without it the school rules
        send nothing.
        """
        if decision.recipients == ("*",) or "*" in decision.recipients:
            return self.allows(meeting_type, agency, item.category) or self.manages_risk(
                meeting_type, agency, item, meeting
            )
        return agency in decision.recipients


def load_need_to_know(path: Path | str | None = None) -> NeedToKnow:
    """Load and check the need-to-know table; ConfigError names the file and the problem."""
    p = Path(path) if path is not None else NEED_TO_KNOW_PATH
    return load_model(p, NeedToKnow, what="need-to-know table", fix="see docs/outputs.md.",
                      describe=describe_errors)
