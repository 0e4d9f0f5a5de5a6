"""Every rules file a run needs, loaded and validated together before any data is read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.audit import AuditSettings, load_audit_settings
from pipeline.identity import Matcher, load_matcher
from pipeline.ingest import IngestSettings, load_ingest_settings
from pipeline.labels import Labels, load_labels
from pipeline.meeting import MeetingConfig, load_meeting
from pipeline.policy import NeedToKnow, PolicyRules, load_need_to_know, load_policy
from pipeline.redact import Redactor, load_redactor


@dataclass(frozen=True)
class Rules:
    """The meeting config and the rules of every stage, checked."""

    meeting: MeetingConfig
    policy: PolicyRules
    redactor: Redactor
    need_to_know: NeedToKnow
    audit: AuditSettings
    identity: Matcher
    ingest: IngestSettings
    #: the words every output shows for codes (labels.yaml)
    labels: Labels


def load_rules(meeting_path: Path, rules_dir: Path | None = None) -> Rules:
    """Load and validate config and rules; raise ConfigError before touching submissions.

    Loading the redactor also checks that the configured spaCy model is installed, so a
    missing model stops the run here (fail closed) instead of downloading at run time.
    """
    def at(name: str) -> Path | None:
        return rules_dir / name if rules_dir else None

    return Rules(
        meeting=load_meeting(meeting_path),
        policy=load_policy(at("policy.yaml")),
        redactor=load_redactor(at("redaction.yaml")),
        need_to_know=load_need_to_know(at("need_to_know.yaml")),
        audit=load_audit_settings(at("audit.yaml")),
        identity=load_matcher(at("identity.yaml"), at("diminutives.yaml")),
        ingest=load_ingest_settings(at("ingest.yaml")),
        labels=load_labels(at("labels.yaml")),
    )
