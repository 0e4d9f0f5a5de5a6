"""Every rules file a run needs, loaded and validated together before any data is read."""

from __future__ import annotations

import hashlib
import os
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
from pipeline.rules_file import RULES_DIR

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


#: rules loaded in this process, by what they were loaded from (`_sources`)
_LOADED: dict[bytes, Rules] = {}
_LOADED_MAX = 8


def _sources(meeting_path: Path, rules_dir: Path | None) -> bytes:
    """A digest of everything `load_rules` reads: the meeting config's path and bytes,
    every file of the rules folders, and the CASEBUNDLE_ environment (the audit settings
    read the state folder, the audit database and its key from it)."""
    h = hashlib.sha256()
    h.update(str(meeting_path.resolve()).encode())
    h.update(meeting_path.read_bytes())
    for folder in dict.fromkeys(f for f in (RULES_DIR, rules_dir) if f is not None):
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            h.update(b"\0" + str(path.resolve()).encode() + b"\0")
            h.update(path.read_bytes())
    for name, value in sorted(os.environ.items()):
        if name.startswith("CASEBUNDLE_"):
            h.update(f"\0{name}={value}".encode())
    return h.digest()


def load_rules(meeting_path: Path, rules_dir: Path | None = None) -> Rules:
    """Load and validate config and rules; raise ConfigError before touching submissions.

    Checking the redaction rules also checks that the configured spaCy model is
    installed, so a missing model stops the run here (fail closed) instead of downloading
    at run time; the engine itself is loaded where it is used (`Rules.redactor`).

    Rules already loaded in this process from the same files and environment are not
    loaded again: `casebundle run` loads them while Prefect's server starts, and the
    flow's own load is then that one (0.6 CPU-seconds, 1-2 s on a busy 2-core machine,
    issue 15). `Rules` is frozen, so the one object can be shared.
    """
    try:
        key: bytes | None = _sources(meeting_path, rules_dir)
    except OSError:  # a file missing or unreadable: loading says which, in its words
        key = None
    found = _LOADED.get(key) if key is not None else None
    if found is not None:
        return found
    rules = _load_rules(meeting_path, rules_dir)
    if key is not None:
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = rules
    return rules


def _load_rules(meeting_path: Path, rules_dir: Path | None) -> Rules:
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
