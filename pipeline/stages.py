"""Stage functions the flow wraps: pure, Prefect-free, each taking and returning records.

    load_rules -> read_and_validate (per file) -> reject_duplicates -> decide
    -> redact (per family) -> build ledger -> write outputs + audit (atomically)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.audit import AuditSettings, load_audit_settings
from pipeline.config import MeetingConfig, load_meeting
from pipeline.ingest import FileRead, InboxFile, mark_duplicates, read_file
from pipeline.models import (
    REDACTED_FIELDS,
    Decision,
    Item,
    PersonOfConcern,
    RedactedText,
    Rejection,
    text_key,
)
from pipeline.policy import PolicyRules, decide_items, load_policy
from pipeline.redact import FamilyText, RedactionInput, Redactor, load_redactor
from pipeline.render.need_to_know import NeedToKnow, load_need_to_know
from pipeline.review import load_reviews, review_store_path
from pipeline.validate import validate_row


@dataclass(frozen=True)
class Rules:
    """Every rules file a run needs, loaded and validated before any data is read."""

    meeting: MeetingConfig
    policy: PolicyRules
    redactor: Redactor
    need_to_know: NeedToKnow
    audit: AuditSettings


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
    )


def read_and_validate(f: InboxFile, meeting: MeetingConfig, today: date
                      ) -> tuple[FileRead, list[Item], list[Rejection]]:
    """Read one file and validate its rows. Never raises for bad content."""
    read = read_file(f)
    items: list[Item] = []
    rejections = list(read.rejections)
    for raw in read.rows:
        out = validate_row(raw, meeting, today)
        (items if isinstance(out, Item) else rejections).append(out)  # type: ignore[arg-type]
    return read, items, rejections


@dataclass
class Inputs:
    """All files of an inbox, read and validated, with duplicates rejected."""

    items: list[Item]
    rejections: list[Rejection]
    rows_in: int  # input units: data rows, plus one per file/sheet-level rejection
    files: dict[str, str]  # file name -> sha256
    duplicates: dict[str, str]  # copy -> original
    notes: dict[str, list[str]]  # file -> things not read that are not errors


def collect(results: Sequence[tuple[FileRead, list[Item], list[Rejection]]]) -> Inputs:
    """Merge per-file results in inbox order; byte-identical copies are processed once."""
    reads = [r[0] for r in results]
    duplicates = mark_duplicates(reads)
    items: list[Item] = []
    rejections: list[Rejection] = []
    for read, file_items, file_rejections in results:
        if read.file.name in duplicates:
            rejections.extend(read.rejections)  # replaced by DUPLICATE_FILE rejections
        else:
            items.extend(file_items)
            rejections.extend(file_rejections)
    return Inputs(items=items, rejections=rejections, rows_in=sum(r.units for r in reads),
                  files={r.file.name: r.sha256 for r in reads}, duplicates=duplicates,
                  notes={r.file.name: r.notes for r in reads if r.notes})


def decide(items: Sequence[Item], rules: Rules, state_dir: Path) -> list[Decision]:
    """The policy's decision for every item, with recorded human review decisions applied."""
    reviews = load_reviews(review_store_path(state_dir, rules.meeting.meeting.id))
    return decide_items(items, rules.meeting, rules.policy, reviews)


def keep_names(meeting: MeetingConfig, family_ref: str, items: Sequence[Item]) -> tuple[str, ...]:
    """The people a family's bundle is about: config members (and aliases) and subjects."""
    names: list[str] = []
    fam = meeting.family(family_ref)
    if fam is not None:
        for m in fam.members:
            names.append(m.name)
            names.extend(m.aliases)
    names.extend(i.subject_name for i in items if i.family_ref == family_ref)
    return tuple(sorted(set(names)))


@dataclass
class FamilyRedacted:
    """What redacting one family's shared items produced."""

    family_ref: str
    texts: dict[str, RedactedText]
    persons_of_concern: tuple[PersonOfConcern, ...]
    escrow: dict[str, str]


def redact_family(redactor: Redactor, meeting: MeetingConfig, family_ref: str,
                  items: Sequence[Item], decisions: dict[str, Decision]) -> FamilyRedacted:
    """Redact the family's free text in one batch: all fields of shared items, and the
    rationale of the others (for the audit record). A failure for one text
    marks it failed (fail closed); a failure of the whole batch marks every text failed.
    """
    fam_items = [i for i in items if i.family_ref == family_ref]
    inputs: list[RedactionInput] = []
    for item in fam_items:
        # shared items: every free-text field; others: the rationale only, so the audit
        # record can say why an item was withheld without keeping raw text (golden rule 7)
        shared = decisions[item.item_id].disposition == "shared"
        for field_name in REDACTED_FIELDS if shared else ("rationale",):
            text = getattr(item, field_name)
            if text:
                inputs.append(RedactionInput(key=text_key(item.item_id, field_name),
                                             item_id=item.item_id, agency=item.agency,
                                             text=text))
    if not inputs:
        return FamilyRedacted(family_ref, {}, (), {})
    request = FamilyText(family_ref=family_ref,
                         keep_names=keep_names(meeting, family_ref, fam_items),
                         items=tuple(inputs),
                         link_across_agencies=redactor.link_across_agencies(
                             meeting.meeting.type))
    try:
        result = redactor.redact_family(request)
    except Exception:  # noqa: BLE001 - fail closed: no text of this family is released
        failed = {i.key: RedactedText(item_id=i.item_id, text=None, failed=True)
                  for i in inputs}
        return FamilyRedacted(family_ref, failed, (), {})
    texts = dict(result.texts)
    for i in inputs:  # any text the engine did not return counts as failed
        texts.setdefault(i.key, RedactedText(item_id=i.item_id, text=None, failed=True))
    poc = tuple(
        PersonOfConcern(family_ref=family_ref, pseudonym=t.pseudonym, agencies=t.agencies,
                        item_ids=t.item_ids)
        for t in result.third_parties if len(set(t.agencies)) >= 2
    )
    return FamilyRedacted(family_ref, texts, poc, dict(result.escrow))


def apply_redaction_failures(decisions: dict[str, Decision],
                             redactions: dict[str, RedactedText]) -> dict[str, Decision]:
    """Send every shared item with a failed redaction to review (REDACTION_FAILED)."""
    failed = {r.item_id for r in redactions.values() if r.failed}
    out = dict(decisions)
    for item_id in failed:
        d = out[item_id]
        if d.disposition == "shared":
            out[item_id] = d.model_copy(update={
                "disposition": "review",
                "reasons": ("REDACTION_FAILED", *d.reasons),
            })
    return out
