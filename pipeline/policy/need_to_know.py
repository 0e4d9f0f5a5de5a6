"""The need-to-know table (redaction_rules/need_to_know.yaml), validated on load.

Decides which categories of shared item each kind of agency receives in its recipient
view, per meeting type (Information Sharing guidance 3.49: share only with those who need
to know). A bad table fails at load, naming the file and the problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, Field, model_validator

from pipeline.models import FROZEN, Category, Decision, Item, MeetingType
from pipeline.rules_file import RULES_DIR, describe_errors, load_model

NEED_TO_KNOW_PATH = RULES_DIR / "need_to_know.yaml"
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class NeedToKnow(BaseModel):
    """Agency code -> kind of agency -> categories received, per meeting type."""

    model_config = FROZEN

    version: Literal[1]
    kinds: tuple[str, ...] = Field(min_length=1)
    default_kind: str
    agency_kinds: dict[str, str] = Field(default_factory=dict)
    meeting_types: dict[MeetingType, dict[str, tuple[Category, ...]]]

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
        return self

    def kind_of(self, agency: str) -> str:
        """The kind of an agency code; unknown codes get the conservative default."""
        return self.agency_kinds.get(agency, self.default_kind)

    def allows(self, meeting_type: str, agency: str, category: str) -> bool:
        """Whether the table lets `agency` receive items of `category` at this meeting type."""
        table = self.meeting_types.get(meeting_type, {})  # type: ignore[call-overload]
        return category in table.get(self.kind_of(agency), ())

    def receives(self, meeting_type: str, agency: str, item: Item, decision: Decision) -> bool:
        """Whether a shared item goes into `agency`'s recipient view.

        The decision must allow the agency ("*" or named); a decision that names the agency
        (restricted_to, legal duty) overrides the table, otherwise the table decides.
        """
        if decision.recipients == ("*",) or "*" in decision.recipients:
            return self.allows(meeting_type, agency, item.category)
        return agency in decision.recipients


def load_need_to_know(path: Path | str | None = None) -> NeedToKnow:
    """Load and check the need-to-know table; ConfigError names the file and the problem."""
    p = Path(path) if path is not None else NEED_TO_KNOW_PATH
    return load_model(p, NeedToKnow, what="need-to-know table", fix="see docs/outputs.md.",
                      describe=describe_errors)
