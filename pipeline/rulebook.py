"""Every rules file a run needs, loaded and validated together before any data is read."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.audit import AuditSettings, load_audit_settings
from pipeline.identity import Matcher, load_matcher
from pipeline.ingest import IngestSettings, load_ingest_settings
from pipeline.labels import Labels, load_labels
from pipeline.meeting import MeetingConfig, load_meeting
from pipeline.policy import NeedToKnow, PolicyRules, load_need_to_know, load_policy
from pipeline.redact import DEFAULT_RULES, RedactionSettings, load_settings

if TYPE_CHECKING:
    from pipeline.redact import Redactor


@dataclass(frozen=True)
class Rules:
    """The meeting config and the rules of every stage, checked."""

    meeting: MeetingConfig
    policy: PolicyRules
    #: the redaction rules, checked (the spaCy model among them is installed)
    redaction: RedactionSettings
    #: the redaction rules file
    redaction_rules: Path
    need_to_know: NeedToKnow
    audit: AuditSettings
    identity: Matcher
    ingest: IngestSettings
    #: the words every output shows for codes (labels.yaml)
    labels: Labels

    @cached_property
    def redactor(self) -> Redactor:
        """The redaction engine, loaded on first use. The flow's own process never uses
        it (its worker processes each load one), so it never holds a spaCy model: 2.5 s
        and about 400 MiB saved there (issue 15). Its rules were checked by `load_rules`."""
        from pipeline.redact import load_redactor  # Presidio and spaCy: only here

        return load_redactor(self.redaction_rules)


def load_rules(meeting_path: Path, rules_dir: Path | None = None) -> Rules:
    """Load and validate config and rules; raise ConfigError before touching submissions.

    Checking the redaction rules also checks that the configured spaCy model is
    installed, so a missing model stops the run here (fail closed) instead of downloading
    at run time; the engine itself is loaded where it is used (`Rules.redactor`).
    """
    def at(name: str) -> Path | None:
        return rules_dir / name if rules_dir else None

    redaction_rules = (at("redaction.yaml") or DEFAULT_RULES).resolve()

    return Rules(
        meeting=load_meeting(meeting_path),
        policy=load_policy(at("policy.yaml")),
        redaction=load_settings(redaction_rules),
        redaction_rules=redaction_rules,
        need_to_know=load_need_to_know(at("need_to_know.yaml")),
        audit=load_audit_settings(at("audit.yaml")),
        identity=load_matcher(at("identity.yaml"), at("diminutives.yaml")),
        ingest=load_ingest_settings(at("ingest.yaml")),
        labels=load_labels(at("labels.yaml")),
    )
