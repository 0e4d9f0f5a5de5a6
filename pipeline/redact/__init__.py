"""Redaction: remove third-party identifiers from each family's free text before it is
bundled. People the meeting is about keep their names; everyone else becomes a consistent
pseudonym; contact details and identifiers become typed placeholders (docs/redaction.md).

The rules are data in redaction_rules/redaction.yaml; the recognizers are Presidio's, plus
casebundle's own in `recognizers/` (one per file).
"""

from pipeline.redact.redactor import Redactor, load_redactor
from pipeline.redact.settings import RedactionSettings, load_settings
from pipeline.redact.stage import (
    RedactionOutcome,
    apply_redaction_failures,
    keep_names,
    redact_family,
)
from pipeline.redact.types import FamilyRedaction, FamilyText, RedactionInput, ThirdPartyMention

__all__ = [
    "FamilyRedaction",
    "FamilyText",
    "RedactionInput",
    "RedactionOutcome",
    "RedactionSettings",
    "Redactor",
    "ThirdPartyMention",
    "apply_redaction_failures",
    "keep_names",
    "load_redactor",
    "load_settings",
    "redact_family",
]
