"""Pseudonym escrow: the pseudonym -> original mapping, stored only Fernet-encrypted.

Each run stores one encrypted token per family as an `escrow` record of the chain. Without
the key nothing in the store identifies a third party; with it, `reveal` shows one original
and records who asked, why and when (never the original itself).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from pipeline.audit.chain import EscrowStatus, canonical_json
from pipeline.audit.exceptions import EscrowError
from pipeline.audit.settings import AuditSettings, load_escrow_key
from pipeline.audit.store import AuditStore, NewRecord
from pipeline.run import MeetingRun
from pipeline.safe_files import FILE_MODE, secure_mkdir

MIN_REASON = 10


def key_id(key: bytes) -> str:
    """A short fingerprint naming which key sealed a token (reveals nothing of the key)."""
    return hashlib.sha256(b"casebundle-escrow|" + key).hexdigest()[:16]


def generate_key() -> bytes:
    return Fernet.generate_key()


def write_key_file(path: Path, *, overwrite: bool = False) -> Path:
    """Write a new escrow key to an owner-only file; refuse to replace one unless asked."""
    if path.exists() and not overwrite:
        raise EscrowError(f"{path} already exists. Fix: choose another path; replacing a key "
                          "makes every mapping sealed with it unreadable.")
    secure_mkdir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (0 if overwrite else os.O_EXCL)
    fd = os.open(path, flags, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(generate_key() + b"\n")
    os.chmod(path, FILE_MODE)
    return path


def seal(mapping: dict[str, str], key: bytes) -> str:
    return Fernet(key).encrypt(canonical_json(mapping).encode("utf-8")).decode("ascii")


def unseal(token: str, key: bytes) -> dict[str, str]:
    try:
        plain = Fernet(key).decrypt(token.encode("ascii"))
    except InvalidToken:
        raise EscrowError("the escrow key does not open this mapping. Fix: use the key that "
                          "was configured when the meeting ran (see key_id in the record)."
                          ) from None
    data: dict[str, str] = json.loads(plain)
    return data


def escrow_records(
    run: MeetingRun, key: bytes | None, recorded_at: str
) -> tuple[list[NewRecord], EscrowStatus]:
    """One sealed record per family with pseudonyms, and the escrow status for the head."""
    families = {ref: m for ref, m in sorted(run.escrow.items()) if m}
    if not families:
        return [], "nothing_to_escrow"
    if key is None:
        return [], "skipped_no_key"
    out = []
    for ref, mapping in families.items():
        body = {"run_id": run.run_id, "family_ref": ref, "pseudonyms": len(mapping),
                "key_id": key_id(key), "scheme": "fernet"}
        out.append(NewRecord(
            kind="escrow", run_id=run.run_id, meeting_id=run.meeting.meeting.id,
            body=canonical_json(body), recorded_at=recorded_at,
            content=canonical_json({"token": seal(dict(mapping), key)})))
    return out, "stored"


def reveal(
    store: AuditStore,
    settings: AuditSettings,
    meeting_id: str,
    family_ref: str,
    pseudonym: str,
    *,
    reason: str,
    by: str,
    run_id: str | None = None,
) -> str:
    """The original behind a pseudonym, for a key holder; the reveal is recorded first."""
    if len(reason.strip()) < MIN_REASON:
        raise EscrowError(f"a reveal needs a reason of at least {MIN_REASON} characters. Fix: "
                          "say why, e.g. --reason \"chair decision at meeting, item 4\".")
    if not by.strip():
        raise EscrowError("a reveal needs --by (the role of the person asking).")
    key = load_escrow_key(settings)
    if key is None:
        raise EscrowError("no escrow key is configured, so no pseudonym can be revealed. Fix: "
                          "set CASEBUNDLE_ESCROW_KEY or escrow.key_file in audit.yaml.")
    candidates = [r for r in store.of_kind("escrow", meeting_id)
                  if r.data().get("family_ref") == family_ref
                  and (run_id is None or r.run_id == run_id)]
    if not candidates:
        raise EscrowError(f"no escrowed mapping for meeting {meeting_id} family {family_ref}"
                          + (f" run {run_id}" if run_id else "") + ". Fix: check the ids; "
                          "runs recorded without a key have no escrow.")
    record = candidates[-1]  # the latest run's mapping matches the outputs in use
    content = record.content_data()
    if content is None:
        raise EscrowError(f"the mapping of meeting {meeting_id} family {family_ref} was purged "
                          f"under the retention policy on {record.purged_at}.")
    mapping = unseal(str(content["token"]), key)
    if pseudonym not in mapping:
        raise EscrowError(f"{pseudonym!r} is not a pseudonym of family {family_ref} in run "
                          f"{record.run_id}. Known: {', '.join(sorted(mapping))}.")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    body = {"run_id": record.run_id, "family_ref": family_ref, "pseudonym": pseudonym,
            "reason": reason.strip(), "by": by.strip(), "at": now,
            "escrow_record": record.seq}
    store.append([NewRecord(kind="reveal", run_id=record.run_id, meeting_id=meeting_id,
                            body=canonical_json(body), recorded_at=now)])
    return mapping[pseudonym]
