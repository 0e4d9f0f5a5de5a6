"""The hash chain over the decision record, and its verification.

Each record's hash is sha256 over a canonical JSON of its fields, the hash of its content
(never the content itself) and the previous record's hash. Content (the redacted text as
shared, an encrypted escrow token) can therefore be tombstoned by a retention purge without
breaking the chain, while any edit, deletion, insertion or reordering of records breaks it.
Removing the newest records is caught by comparing with the `AuditHead` each run leaves in
its outputs (audit_head.json). Golden rule 7: ../shared/seeds/003_e63cd6015283d4be.txt 2.9.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.audit.exceptions import AuditError
from pipeline.safe_files import write_text

GENESIS = "0" * 64
HASH_VERSION = 1
HEAD_FILE = "audit_head.json"

RecordKind = Literal["run", "decision", "rejection", "escrow", "reveal", "purge", "review",
                     "redaction_decision"]
EscrowStatus = Literal["stored", "skipped_no_key", "nothing_to_escrow"]

#: the fields covered by a record's hash (content is covered through content_hash)
HASHED_FIELDS: tuple[str, ...] = (
    "kind", "run_id", "meeting_id", "item_id", "subject_key", "subject_dob",
    "recorded_at", "body", "content_hash", "prev_hash",
)


def canonical_json(value: object) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_record_hash(fields: Mapping[str, object]) -> str:
    """sha256 over the canonical JSON of a record's hashed fields and the previous hash."""
    payload: dict[str, object] = {name: fields[name] for name in HASHED_FIELDS}
    payload["v"] = HASH_VERSION
    return sha256_text(canonical_json(payload))


@dataclass(frozen=True)
class AuditRecord:
    """One stored record of the chain (a row of the audit_records table)."""

    seq: int
    kind: str
    run_id: str
    meeting_id: str
    item_id: str | None
    subject_key: str | None
    subject_dob: str | None
    recorded_at: str
    body: str  # canonical JSON, hashed as stored
    content: str | None  # canonical JSON; None when there is none or it was purged
    content_hash: str | None
    purged_at: str | None
    prev_hash: str
    record_hash: str

    def data(self) -> dict[str, Any]:
        """The record's body as a dict."""
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    def content_data(self) -> dict[str, Any] | None:
        return None if self.content is None else json.loads(self.content)

    def label(self) -> str:
        what = f" {self.item_id}" if self.item_id else ""
        return f"record {self.seq} ({self.kind}{what}, run {self.run_id})"


class AuditHead(BaseModel):
    """The chain's length and newest hash right after a run was recorded.

    Written by the flow to <out>/<meeting_id>/audit_head.json; `verify` uses it to detect
    removal of records newer than those it has seen. JSON-ready: model_dump() has no dates.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    length: int
    head_hash: str
    run_id: str
    meeting_id: str = ""
    recorded_at: str = ""
    records_added: int = 0
    escrow: EscrowStatus = "nothing_to_escrow"
    warnings: tuple[str, ...] = ()


def write_head(head: AuditHead, path: Path) -> Path:
    """Write a head file (owner-only)."""
    return write_text(path, json.dumps(head.model_dump(), indent=2, sort_keys=True) + "\n")


def read_head(path: Path) -> AuditHead:
    try:
        return AuditHead.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        raise AuditError(f"{path}: not a readable audit head file ({type(exc).__name__}). "
                         "Fix: pass the audit_head.json a run wrote, or restore it from the "
                         "meeting outputs.") from None


def find_heads(out_dir: Path) -> list[Path]:
    """Every <out>/<meeting>/audit_head.json."""
    return sorted(out_dir.glob(f"*/{HEAD_FILE}")) if out_dir.is_dir() else []


ProblemKind = Literal[
    "altered", "deleted", "inserted", "reordered", "content_altered", "content_removed",
    "truncated", "head_mismatch",
]


class ChainProblem(BaseModel):
    model_config = ConfigDict(frozen=True)

    seq: int
    kind: ProblemKind
    message: str


class VerifyResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    ok: bool
    length: int
    head_hash: str
    heads_checked: int
    problems: tuple[ChainProblem, ...]

    @property
    def first(self) -> ChainProblem | None:
        return self.problems[0] if self.problems else None


def _tombstoned(records: Iterable[AuditRecord]) -> set[int]:
    seqs: set[int] = set()
    for r in records:
        if r.kind == "purge":
            try:
                seqs.update(int(s) for s in r.data().get("tombstoned", ()))
            except (ValueError, TypeError):
                continue  # an unreadable purge body is reported as altered by its hash
    return seqs


def _name(records: Sequence[AuditRecord], j: int) -> str:
    return f"record {records[j].seq}" if j >= 0 else "the start of the chain"


def _fields(r: AuditRecord) -> dict[str, object]:
    return {name: getattr(r, name) for name in HASHED_FIELDS}


def verify_chain(
    records: Sequence[AuditRecord], heads: Sequence[tuple[str, AuditHead]] = ()
) -> VerifyResult:
    """Recompute the chain; report each record altered, deleted, inserted or reordered.

    `records` in stored (seq) order; `heads` are (source, head) pairs from audit_head.json
    files. Problems are sorted by record number, so `first` names the earliest break.
    """
    found: dict[int, ChainProblem] = {}

    def flag(seq: int, kind: ProblemKind, message: str, *, override: bool = False) -> None:
        # an inserted record with a made-up hash is first seen as "altered"; once the next
        # record shows it was never chained, "inserted" is the better name
        if seq not in found or (override and found[seq].kind == "altered"):
            found[seq] = ChainProblem(seq=seq, kind=kind, message=message)

    # GENESIS sits at position -1, before the first record
    position = {GENESIS: -1} | {r.record_hash: i for i, r in enumerate(records)}
    referenced = {r.prev_hash for r in records}
    tombstoned = _tombstoned(records)
    expected_seq = 1
    for i, r in enumerate(records):
        gap = r.seq > expected_seq
        if gap:
            missing = f"{expected_seq}" if r.seq == expected_seq + 1 else \
                f"{expected_seq}-{r.seq - 1}"
            flag(expected_seq, "deleted",
                 f"record(s) {missing} deleted: the sequence jumps to {r.seq}.")
        elif r.seq < expected_seq:
            flag(r.seq, "inserted", f"{r.label()} repeats a record number already used.")
        expected_seq = max(expected_seq, r.seq + 1)

        if compute_record_hash(_fields(r)) != r.record_hash:
            flag(r.seq, "altered", f"{r.label()} was altered: it no longer matches its hash.")

        prev = records[i - 1].record_hash if i else GENESIS
        if r.prev_hash != prev and not gap:
            j = position.get(r.prev_hash)
            if j is None:
                before = records[i - 1].seq if i else 0
                flag(r.seq, "deleted",
                     f"{r.label()} does not follow record {before}: a record between them "
                     f"was deleted, or record {before} was replaced.")
            elif j >= i:
                flag(r.seq, "reordered",
                     f"{r.label()} is out of order: it was recorded after record "
                     f"{records[j].seq}, which now follows it.")
            elif j < i - 1:
                between = records[j + 1:i]
                if any(b.record_hash in referenced for b in between):
                    flag(r.seq, "reordered", f"{r.label()} is out of order: it was recorded "
                         f"right after {_name(records, j)}.")
                else:
                    for b in between:
                        flag(b.seq, "inserted", f"{b.label()} was inserted: the record after "
                             f"it was chained to {_name(records, j)}.", override=True)

        if r.content is not None:
            if r.content_hash != sha256_text(r.content):
                flag(r.seq, "content_altered", f"the content of {r.label()} was altered.")
        elif r.content_hash is not None and r.seq not in tombstoned:
            flag(r.seq, "content_removed",
                 f"the content of {r.label()} was removed outside a recorded purge.")

    length = len(records)
    last = records[-1].record_hash if records else GENESIS
    by_seq = {r.seq: r for r in records}
    for source, head in heads:
        if head.length > (records[-1].seq if records else 0):
            flag(length + 1, "truncated",
                 f"{source} (run {head.run_id}) recorded {head.length} records but the store "
                 f"holds {length}: the newest records were removed.")
            continue
        at = by_seq.get(head.length)
        if at is None or at.record_hash != head.head_hash:
            flag(head.length, "head_mismatch",
                 f"record {head.length} does not match {source} (run {head.run_id}): the "
                 "history up to that run was rewritten.")
    problems = tuple(found[s] for s in sorted(found))
    return VerifyResult(ok=not problems, length=length, head_hash=last,
                        heads_checked=len(heads), problems=problems)
