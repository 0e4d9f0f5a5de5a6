"""Identity: who is each item about? Every item's subject (name, date of birth, role) is
matched to the meeting's roster before the policy runs, and the outcome is applied to the
policy's decisions after it: an item is shared only when its subject is linked to a member
of the family it was filed under (docs/identity.md).

The weights and thresholds are data in redaction_rules/identity.yaml; first-name
equivalence comes from the `nicknames` package plus redaction_rules/diminutives.yaml.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.identity.diminutives import Diminutives, load_diminutives
from pipeline.identity.matcher import Comparison, Matcher, Subject, dob_level
from pipeline.identity.names import PersonName, parse_name
from pipeline.identity.roster import Roster, RosterMember
from pipeline.identity.settings import IdentitySettings, load_identity_settings
from pipeline.identity.stage import (
    IDENTITY_CODES,
    MemberConfirmation,
    apply_identity,
    describe,
    linked_subject_names,
    match_items,
    outcome_counts,
    unmatched_agencies,
)


def load_matcher(settings_path: Path | None = None, diminutives_path: Path | None = None
                 ) -> Matcher:
    """The matcher with redaction_rules/identity.yaml and diminutives.yaml, validated."""
    return Matcher(load_identity_settings(settings_path), load_diminutives(diminutives_path))


__all__ = [
    "IDENTITY_CODES",
    "Comparison",
    "Diminutives",
    "IdentitySettings",
    "Matcher",
    "MemberConfirmation",
    "PersonName",
    "Roster",
    "RosterMember",
    "Subject",
    "apply_identity",
    "describe",
    "dob_level",
    "linked_subject_names",
    "load_diminutives",
    "load_identity_settings",
    "load_matcher",
    "match_items",
    "outcome_counts",
    "parse_name",
    "unmatched_agencies",
]
