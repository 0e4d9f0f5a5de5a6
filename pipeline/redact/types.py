"""What the redaction engine takes and gives: one family's texts in, redacted texts and
pseudonymised third parties out.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from pipeline.models import FROZEN, RedactedText

#: the recognizer name reported for spans removed only because they were not explained
UNEXPLAINED = "Unexplained"


class RedactionInput(BaseModel):
    """One free-text field to redact. `key` is unique within the family."""

    model_config = FROZEN

    key: str
    item_id: str
    agency: str
    text: str = Field(repr=False)
    #: case-folded words a reviewer restored in this text (pipeline/redact/review.py): not
    #: removed as unexplained; a recognizer or NER that is sure still removes them
    restored: tuple[str, ...] = Field(default=(), repr=False)


class FamilyText(BaseModel):
    """All of one family's texts, with the names of the people the meeting is about."""

    model_config = FROZEN

    family_ref: str
    keep_names: tuple[str, ...] = Field(repr=False)
    items: tuple[RedactionInput, ...]
    link_across_agencies: bool
    #: words the meeting explains (its allow-list: the estate, the shopping parade)
    known_words: tuple[str, ...] = Field(default=(), repr=False)


class ThirdPartyMention(BaseModel):
    """A pseudonymised person: which agencies and items mention them (never who they are)."""

    model_config = FROZEN

    pseudonym: str
    agencies: tuple[str, ...]
    item_ids: tuple[str, ...]


class FamilyRedaction(BaseModel):
    """The redacted texts of one family, by RedactionInput.key."""

    model_config = FROZEN

    family_ref: str
    texts: dict[str, RedactedText]
    third_parties: tuple[ThirdPartyMention, ...]
    #: pseudonym -> original name; in memory only, for the audit module to encrypt
    escrow: dict[str, str] = Field(repr=False, exclude=True)
