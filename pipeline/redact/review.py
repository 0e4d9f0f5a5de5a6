"""Redaction review: the words a run removed only because it could not explain them, and a
person's decisions on them (restore the word, or confirm the removal).

Deny by default over-redacts some ordinary words; that is the safe way to fail, but a reader
must be able to correct it. Each run lists its unsure spans in the meeting's state folder
(``<state_dir>/<meeting_id>/redaction_unsure.json``, owner-only, never under the circulated
outputs: a span may be a third party's name). A decision is appended to
``redaction_decisions.jsonl`` beside it, tied to the item's content hash like a sharing
decision (003 3.21): if the agency changes the row, the decision stops applying. Restored
words are left in place on the next run; a restored word may also join the meeting's
allow-list in one step (every text of the meeting). The caller records each decision in the
audit chain as well, before storing it (`pipeline.review_desk.record_span_decision`:
`new_span_decision`, then the audit record, then `store_span_decision`; golden rule 7,
003 3.51).

Prefect-free; `flows/cli_review.py` and the web app's redaction review page are thin layers
over this module.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from pipeline.errors import ConfigError, ReviewError
from pipeline.models import FROZEN, Item, RedactedText, UnsureSpan

UNSURE_NAME = "redaction_unsure.json"
DECISIONS_NAME = "redaction_decisions.jsonl"
Action = Literal["restore", "confirm"]
#: a decision on an unsure span needs a reason of at least this many words (golden rule 7)
MIN_REASON_WORDS = 3


class UnsureEntry(BaseModel):
    """One unsure span of a run, as listed for review."""

    model_config = FROZEN

    span_id: str
    run_id: str
    family_ref: str
    item_id: str
    field: str
    agency: str
    content_hash: str
    #: the removed word or phrase: may be a third party's name (state folder only)
    word: str = Field(repr=False)
    pseudonym: str
    #: a few words of redacted context, the span marked with ⟦ ⟧
    context: str = Field(repr=False)
    confirmed: bool = False


class RedactionDecision(BaseModel):
    """A person's decision on one unsure span."""

    model_config = FROZEN

    span_id: str = Field(min_length=1)
    item_id: str = Field(min_length=1)
    field: str = Field(min_length=1)
    family_ref: str = Field(min_length=1)
    content_hash: str = Field(min_length=1)
    word: str = Field(min_length=1, repr=False)
    action: Action
    #: restore the word in every text of the meeting (the meeting's allow-list)
    allow: bool = False
    reason: str = Field(min_length=1)
    by: str = Field(min_length=1, description="The reviewer's role, not their name.")
    at: datetime
    #: the signed-in account that recorded it (web app); None from the command line
    user: str | None = None
    #: the agency whose text it is (None in decisions recorded before this was kept)
    agency: str | None = None

    @field_validator("reason", "by")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        v = " ".join(v.split())
        if not v:
            raise ValueError("must not be blank")
        return v


@dataclass(frozen=True)
class RedactionReview:
    """The decisions in force for a run (latest per span)."""

    decisions: Mapping[str, RedactionDecision] = field(default_factory=dict)

    def restored(self, item_id: str, field_name: str, content_hash: str) -> tuple[str, ...]:
        """Words restored in this field of this item, while the item is unchanged."""
        return tuple(sorted({
            d.word.casefold() for d in self.decisions.values()
            if d.action == "restore" and d.item_id == item_id and d.field == field_name
            and d.content_hash == content_hash
        }))

    def in_force(self, span_id: str, content_hash: str) -> RedactionDecision | None:
        """The latest decision on a span, while its item is unchanged."""
        d = self.decisions.get(span_id)
        return d if d is not None and d.content_hash == content_hash else None

    def awaiting(self, entry: UnsureEntry) -> bool:
        """True while a span awaits a decision: not confirmed by the run, none in force."""
        return not entry.confirmed and self.in_force(entry.span_id, entry.content_hash) is None

    def confirmed(self, span_id: str, content_hash: str) -> bool:
        d = self.decisions.get(span_id)
        return d is not None and d.action == "confirm" and d.content_hash == content_hash

    @property
    def allow_words(self) -> tuple[str, ...]:
        """Words a reviewer added to the meeting's allow-list."""
        return tuple(sorted({d.word for d in self.decisions.values()
                             if d.action == "restore" and d.allow}))


def meeting_state_dir(state_dir: Path, meeting_id: str) -> Path:
    """<state_dir>/<meeting_id>, refusing an id that could name another folder."""
    if not meeting_id or "/" in meeting_id or "\\" in meeting_id or meeting_id.startswith("."):
        raise ConfigError(str(state_dir), "the meeting id cannot name a folder.",
                          "use letters, digits, '-', '_' or '.' in meeting.id.")
    return Path(state_dir) / meeting_id


# --- the unsure spans of a run ---------------------------------------------------------------


def unsure_entries(run_id: str, items: Sequence[Item],
                   redactions: Mapping[str, RedactedText]) -> list[UnsureEntry]:
    """Every unsure span of a run's redacted texts, in item order."""
    by_id = {i.item_id: i for i in items}
    out: list[UnsureEntry] = []
    for key in sorted(redactions):
        r = redactions[key]
        item = by_id.get(r.item_id)
        if item is None or r.failed:
            continue
        field_name = key.rsplit(":", 1)[-1]
        out.extend(_entry(run_id, item, field_name, u) for u in r.unsure)
    return out


def _entry(run_id: str, item: Item, field_name: str, u: UnsureSpan) -> UnsureEntry:
    return UnsureEntry(span_id=u.span_id, run_id=run_id, family_ref=item.family_ref,
                       item_id=item.item_id, field=field_name, agency=item.agency,
                       content_hash=item.content_hash, word=u.word, pseudonym=u.pseudonym,
                       context=u.context, confirmed=u.confirmed)


def save_unsure(state_dir: Path, meeting_id: str, entries: Iterable[UnsureEntry]) -> Path:
    """Replace the meeting's list of unsure spans (atomic; 0o600 in a 0o700 folder)."""
    folder = meeting_state_dir(state_dir, meeting_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / UNSURE_NAME
    data = json.dumps([e.model_dump() for e in entries], ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".unsure-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def list_unsure(state_dir: Path, meeting_id: str, family_ref: str | None = None,
                ) -> list[UnsureEntry]:
    """The unsure spans of the meeting's last run (optionally of one family)."""
    path = meeting_state_dir(state_dir, meeting_id) / UNSURE_NAME
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = [UnsureEntry.model_validate(e) for e in raw]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError, TypeError):
        raise ConfigError(str(path), "the list of unsure redactions cannot be read.",
                          "run the meeting again (`casebundle run`) to rewrite it.") from None
    return [e for e in entries if family_ref is None or e.family_ref == family_ref]


# --- decisions -----------------------------------------------------------------------------------


def decisions_path(state_dir: Path, meeting_id: str) -> Path:
    return meeting_state_dir(state_dir, meeting_id) / DECISIONS_NAME


def load_redaction_review(state_dir: Path, meeting_id: str) -> RedactionReview:
    """The latest decision per span; a missing store means none yet. A damaged line stops
    the load (naming the line, never its content): decisions are never silently dropped."""
    path = decisions_path(state_dir, meeting_id)
    if not path.exists():
        return RedactionReview()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot be read ({type(exc).__name__}).",
                          "check the file's permissions.") from None
    latest: dict[str, RedactionDecision] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = RedactionDecision.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError):
            raise ConfigError(str(path), f"line {n} is not a valid redaction decision.",
                              "restore the file from backup, or remove that line and record "
                              "the decision again with `casebundle review redaction`.") from None
        latest[d.span_id] = d
    return RedactionReview(latest)


def new_span_decision(state_dir: Path, meeting_id: str, span_id: str, action: Action, *,
                      by: str, reason: str, allow: bool = False, user: str | None = None,
                      at: datetime | None = None) -> RedactionDecision:
    """A decision on one unsure span of the meeting's last run, checked but not stored.

    Raises ConfigError when the span is not in the last run's list, or when `allow` is
    asked for a confirmation (only a restored word can join the allow-list); ReviewError
    when the reason has fewer than MIN_REASON_WORDS words or no role is given.
    """
    if allow and action != "restore":
        raise ConfigError(span_id, "only a restored word can be added to the allow-list.",
                          "use restore with the allow-list option, or confirm without it.")
    reason = " ".join(reason.split())
    if len(reason.split()) < MIN_REASON_WORDS:
        raise ReviewError(f"the reason has fewer than {MIN_REASON_WORDS} words. Fix: say why "
                          "the word does (or does not) identify someone (golden rule 7; "
                          "003_e63cd6015283d4be.txt 3.51).")
    if not by.strip():
        raise ReviewError("the decision names no role. Fix: say in which role you decide.")
    entry = next((e for e in list_unsure(state_dir, meeting_id) if e.span_id == span_id), None)
    if entry is None:
        raise ConfigError(span_id, f"no unsure redaction with this id in meeting {meeting_id}.",
                          "check the id with `casebundle review redaction list`; run the "
                          "meeting first if it has not run since the text changed.")
    return RedactionDecision(
        span_id=span_id, item_id=entry.item_id, field=entry.field,
        family_ref=entry.family_ref, content_hash=entry.content_hash, word=entry.word,
        action=action, allow=allow, reason=reason, by=by, at=at or datetime.now(UTC),
        user=user, agency=entry.agency)


def store_span_decision(state_dir: Path, meeting_id: str, decision: RedactionDecision) -> None:
    """Append a decision to the meeting's redaction decisions (owner-only)."""
    _append(decisions_path(state_dir, meeting_id), decision.model_dump_json() + "\n")


def decide_span(state_dir: Path, meeting_id: str, span_id: str, action: Action, *,
                by: str, reason: str, allow: bool = False, user: str | None = None,
                at: datetime | None = None) -> RedactionDecision:
    """Record a decision on one unsure span of the meeting's last run; return it.

    Checks as `new_span_decision` does. Stores the decision only: callers that record it
    in the audit chain too use `pipeline.review_desk.record_span_decision`.
    """
    decision = new_span_decision(state_dir, meeting_id, span_id, action, by=by,
                                 reason=reason, allow=allow, user=user, at=at)
    store_span_decision(state_dir, meeting_id, decision)
    return decision


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a decision names a word that may be a third party's name
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
