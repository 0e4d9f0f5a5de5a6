"""Human review decisions: an append-only store, one JSON line per decision.

An item the policy sends to review waits for a person (golden rule 3: seek advice; 003
3.45). Their decision is tied to the item's content hash: if the agency changes the row,
the decision no longer applies and the item is reviewed again (003 3.21).

The store lives outside the outputs (``<state_dir>/<meeting_id>/review_decisions.jsonl``),
is readable by its owner only (0o600) and is never rewritten: a later line for the same
item supersedes an earlier one, and the history stays (golden rule 7; 003 3.51).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from pipeline.errors import ConfigError
from pipeline.models import FROZEN, Decision, Item

STORE_NAME = "review_decisions.jsonl"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")


class ReviewDecision(BaseModel):
    """A person's decision on one item awaiting review."""

    model_config = FROZEN

    item_id: str = Field(min_length=1)
    content_hash: str = Field(min_length=1)
    disposition: Literal["shared", "withheld"]
    reason: str = Field(min_length=1)
    by: str = Field(min_length=1, description="The reviewer's role, not their name.")
    at: datetime
    #: with a share decision: the roster member the reviewer confirms the item is about
    #: (pipeline/identity/stage.py); the roster name from the meeting config
    member: str | None = None
    #: the signed-in account that recorded the decision (web review); None for decisions
    #: recorded before accounts existed. Kept out of bundles (they show the role only).
    user: str | None = None

    @field_validator("reason", "by")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("must not be blank")
        return v

    @field_validator("member")
    @classmethod
    def _member(cls, v: str | None) -> str | None:
        return " ".join(v.split()) or None if v is not None else None


def review_store_path(state_dir: Path, meeting_id: str) -> Path:
    """Where a meeting's review decisions are kept: <state_dir>/<meeting_id>/review_decisions.jsonl."""
    if not _SAFE_ID.fullmatch(meeting_id):
        raise ConfigError(
            str(state_dir),
            "the meeting id cannot name a folder.",
            "use letters, digits, '-', '_' or '.' in meeting.id.",
        )
    return Path(state_dir) / meeting_id / STORE_NAME


def load_reviews(path: Path) -> dict[str, ReviewDecision]:
    """The latest decision per item id (a later line supersedes an earlier one).

    A missing store means no decisions yet. A line that is not a valid decision stops the
    load (naming the line, never its content): decisions must not be silently dropped.
    """
    p = Path(path)
    if not p.exists():
        return {}
    latest: dict[str, ReviewDecision] = {}
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(p), f"cannot be read ({type(exc).__name__}).",
                          "check the file's permissions.") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            decision = ReviewDecision.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError):
            raise ConfigError(
                str(p),
                f"line {n} is not a valid review decision.",
                "restore the file from backup, or remove that line and record the decision "
                "again with `casebundle review decide`.",
            ) from None
        latest[decision.item_id] = decision
    return latest


def record_review(path: Path, decision: ReviewDecision) -> None:
    """Append one decision to the store (created with mode 0o600 in a 0o700 folder)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    line = decision.model_dump_json() + "\n"
    fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        # The file may predate us with wider permissions; a review reason can name people.
        os.fchmod(fd, 0o600)
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


#: The review queue each run writes beside the ledger, read by `casebundle review list`.
QUEUE_NAME = "review_queue.csv"
QUEUE_COLUMNS: tuple[str, ...] = ("item_id", "content_hash", "agency", "family_ref",
                                  "subject_role", "category", "file", "sheet", "row", "reasons",
                                  "identity")


def review_queue_rows(items: Sequence[Item], decisions: Mapping[str, Decision],
                      identity: Mapping[str, str] | None = None) -> list[dict[str, object]]:
    """One row per item awaiting review: where it came from and why, never its text.

    `identity` (item id -> line) says who the item may be about, in roster names only
    (pipeline/identity `describe`); the agency's spelling of the subject is never written.
    """
    identity = identity or {}
    rows: list[dict[str, object]] = []
    for item in items:
        d = decisions[item.item_id]
        if d.disposition != "review":
            continue
        p = item.provenance
        rows.append({"item_id": item.item_id, "content_hash": item.content_hash,
                     "agency": item.agency, "family_ref": item.family_ref,
                     "subject_role": item.subject_role, "category": item.category,
                     "file": p.file, "sheet": p.sheet, "row": p.row,
                     "reasons": ";".join(d.reasons),
                     "identity": identity.get(item.item_id, "")})
    return rows
