"""Redaction: remove third-party identifiers from each family's free text before it is
bundled. People the meeting is about keep their names; everyone else becomes a consistent
pseudonym; contact details and identifiers become typed placeholders (docs/redaction.md).

The rules are data in redaction_rules/redaction.yaml; the recognizers are Presidio's, plus
casebundle's own in `recognizers/` (one per file).
"""

from typing import TYPE_CHECKING, Any

from pipeline.redact.review import (
    MIN_REASON_WORDS,
    RedactionDecision,
    RedactionReview,
    UnsureEntry,
    decide_span,
    list_unsure,
    load_redaction_review,
    new_span_decision,
    save_unsure,
    store_span_decision,
    unsure_entries,
)
from pipeline.redact.settings import (
    DEFAULT_RULES,
    RedactionSettings,
    link_across_agencies,
    load_settings,
)
from pipeline.redact.stage import (
    FamilyJob,
    RedactionOutcome,
    apply_redaction_failures,
    family_job,
    finish_family,
    keep_names,
    known_words,
    record_outcomes,
    redact_family,
    redact_requests,
    warm_engine,
)
from pipeline.redact.types import (
    UNEXPLAINED,
    FamilyRedaction,
    FamilyText,
    RedactionInput,
    ThirdPartyMention,
)

if TYPE_CHECKING:
    from pipeline.redact.redactor import Redactor, load_redactor

#: the engine's names, imported on first use: Presidio and spaCy cost about 1 s of CPU
#: and 90 MiB, and the flow's own process, which never redacts, need not pay it (issue 15)
_ENGINE = frozenset({"Redactor", "load_redactor"})


def __getattr__(name: str) -> Any:
    if name in _ENGINE:
        from pipeline.redact import redactor

        return getattr(redactor, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "DEFAULT_RULES",
    "MIN_REASON_WORDS",
    "record_outcomes",
    "UNEXPLAINED",
    "FamilyJob",
    "FamilyRedaction",
    "FamilyText",
    "RedactionDecision",
    "RedactionInput",
    "RedactionOutcome",
    "RedactionReview",
    "RedactionSettings",
    "Redactor",
    "ThirdPartyMention",
    "UnsureEntry",
    "apply_redaction_failures",
    "decide_span",
    "family_job",
    "finish_family",
    "keep_names",
    "known_words",
    "list_unsure",
    "load_redaction_review",
    "load_redactor",
    "link_across_agencies",
    "load_settings",
    "new_span_decision",
    "redact_family",
    "redact_requests",
    "save_unsure",
    "store_span_decision",
    "unsure_entries",
    "warm_engine",
]
