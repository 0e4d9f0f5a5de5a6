"""The audit store: one append-only table of chained records (SQLAlchemy Core).

SQLite by default; any SQLAlchemy URL works (e.g. PostgreSQL). Rows are only ever inserted,
except that a retention purge sets `content` to NULL (a tombstone): the hash chain covers the
content's hash, not the content, so it stays verifiable. On SQLite, triggers refuse any other
UPDATE and every DELETE; on other databases grant the casebundle role INSERT, SELECT and
UPDATE (content, purged_at) only (docs/audit.md). The chain detects tampering either way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    DDL,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from pipeline.audit.chain import GENESIS, AuditRecord, compute_record_hash, sha256_text
from pipeline.audit.exceptions import AuditError, AuditStoreBusy
from pipeline.audit.settings import AuditSettings
from pipeline.safe_files import secure_mkdir

metadata = MetaData()

records_table = Table(
    "audit_records",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("run_id", String(80), nullable=False),
    Column("meeting_id", String(80), nullable=False),
    Column("item_id", String(80)),
    Column("subject_key", String(200)),
    Column("subject_dob", String(10)),
    Column("recorded_at", String(40), nullable=False),
    Column("body", Text, nullable=False),
    Column("content", Text),
    Column("content_hash", String(64)),
    Column("purged_at", String(40)),
    Column("prev_hash", String(64), nullable=False),
    Column("record_hash", String(64), nullable=False, unique=True),
    Index("ix_audit_run", "run_id"),
    Index("ix_audit_meeting", "meeting_id"),
    Index("ix_audit_subject", "subject_key"),
)

_IMMUTABLE = ("seq", "kind", "run_id", "meeting_id", "item_id", "subject_key", "subject_dob",
              "recorded_at", "body", "content_hash", "prev_hash", "record_hash")
_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _IMMUTABLE)
event.listen(records_table, "after_create", DDL(
    "CREATE TRIGGER IF NOT EXISTS audit_records_no_delete BEFORE DELETE ON audit_records "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END"
).execute_if(dialect="sqlite"))
event.listen(records_table, "after_create", DDL(
    "CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records "
    f"WHEN {_changed} OR NEW.content IS NOT NULL "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only (only purge may blank content)'); "
    "END"
).execute_if(dialect="sqlite"))

_RETRIES = 5


@dataclass(frozen=True)
class NewRecord:
    """A record to append; seq, prev_hash and record_hash are assigned by the store."""

    kind: str
    run_id: str
    meeting_id: str
    body: str
    recorded_at: str
    item_id: str | None = None
    subject_key: str | None = None
    subject_dob: str | None = None
    content: str | None = None


def _to_record(row: object) -> AuditRecord:
    m = row._mapping  # type: ignore[attr-defined]
    return AuditRecord(**{k: m[k] for k in AuditRecord.__dataclass_fields__})


class AuditStore:
    """Append-only access to the decision record at one database URL."""

    def __init__(self, url: str, *, safe_url: str | None = None, create: bool = True) -> None:
        self.safe_url = safe_url or make_url(url).render_as_string(hide_password=True)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            db_file = Path(parsed.database or "")
            if not create and not db_file.is_file():
                raise AuditError(
                    f"no audit store at {db_file}: nothing to verify. Fix: run from the folder "
                    "that holds .casebundle/, or set CASEBUNDLE_STATE_DIR (or "
                    "CASEBUNDLE_AUDIT_URL) to where the runs recorded their decisions.")
            secure_mkdir(db_file.parent)
            if not db_file.exists():
                # create owner-only before SQLite does (its default honours the umask)
                os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT, 0o600))
        try:
            self.engine: Engine = create_engine(url)
            metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot open the audit store at {self.safe_url} "
                             f"({type(exc).__name__}). Fix: check database_url in audit.yaml "
                             "or CASEBUNDLE_AUDIT_URL, and that the database is reachable."
                             ) from None

    @classmethod
    def from_settings(cls, settings: AuditSettings, *, create: bool = True) -> AuditStore:
        """Open the store; with create=False a missing SQLite file is an error, not a new
        empty store (a check must never create what it checks)."""
        return cls(settings.database_url, safe_url=settings.safe_url, create=create)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> AuditStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ----------------------------------------------------------------------------

    def append(
        self, new: Sequence[NewRecord], *, tombstone: Sequence[int] = (), purged_at: str = ""
    ) -> list[AuditRecord]:
        """Append records in one transaction, chained after the current head.

        `tombstone` (a retention purge) blanks the content of those records in the same
        transaction, so a purge is never done without its record, nor recorded undone.
        """
        for attempt in range(_RETRIES):
            try:
                return self._append_once(new, tombstone, purged_at)
            except (IntegrityError, OperationalError) as exc:
                # a concurrent writer took the same seq (or held the lock): re-read the head
                if attempt == _RETRIES - 1:
                    raise AuditStoreBusy(
                        f"could not append to the audit store at {self.safe_url} "
                        f"({type(exc).__name__}) after {_RETRIES} attempts. Fix: retry when "
                        "no other casebundle run is recording.") from None
        raise AssertionError("unreachable")

    def _append_once(
        self, new: Sequence[NewRecord], tombstone: Sequence[int], purged_at: str
    ) -> list[AuditRecord]:
        written: list[AuditRecord] = []
        with self.engine.begin() as conn:
            last = conn.execute(
                select(records_table.c.seq, records_table.c.record_hash)
                .order_by(records_table.c.seq.desc()).limit(1)
            ).first()
            seq, prev = (last[0], last[1]) if last else (0, GENESIS)
            for n in new:
                seq += 1
                fields: dict[str, object] = {
                    "kind": n.kind, "run_id": n.run_id, "meeting_id": n.meeting_id,
                    "item_id": n.item_id, "subject_key": n.subject_key,
                    "subject_dob": n.subject_dob, "recorded_at": n.recorded_at,
                    "body": n.body,
                    "content_hash": None if n.content is None else sha256_text(n.content),
                    "prev_hash": prev,
                }
                digest = compute_record_hash(fields)
                row = {**fields, "seq": seq, "content": n.content, "purged_at": None,
                       "record_hash": digest}
                written.append(AuditRecord(**row))  # type: ignore[arg-type]
                prev = digest
            if written:  # one statement for the run's records, not one per record
                conn.execute(records_table.insert(),
                             [{k: getattr(r, k) for k in AuditRecord.__dataclass_fields__}
                              for r in written])
            if tombstone:
                conn.execute(
                    update(records_table)
                    .where(records_table.c.seq.in_(list(tombstone)))
                    .where(records_table.c.content.is_not(None))
                    .values(content=None, purged_at=purged_at)
                )
        return written

    # --- reading ----------------------------------------------------------------------------

    def _select(self, *where: ColumnElement[bool]) -> list[AuditRecord]:
        stmt = select(records_table).where(*where).order_by(records_table.c.seq)
        try:
            with self.engine.connect() as conn:
                return [_to_record(r) for r in conn.execute(stmt)]
        except SQLAlchemyError as exc:
            raise AuditError(f"cannot read the audit store at {self.safe_url} "
                             f"({type(exc).__name__}).") from None

    def all(self) -> list[AuditRecord]:
        """Every record in seq order."""
        return self._select()

    def of_run(self, run_id: str) -> list[AuditRecord]:
        return self._select(records_table.c.run_id == run_id)

    def of_kind(self, kind: str, meeting_id: str | None = None) -> list[AuditRecord]:
        where = [records_table.c.kind == kind]
        if meeting_id is not None:
            where.append(records_table.c.meeting_id == meeting_id)
        return self._select(*where)

    def of_subject(self, subject_key: str) -> list[AuditRecord]:
        return self._select(records_table.c.kind == "decision",
                            records_table.c.subject_key == subject_key)

    def length(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(records_table)).scalar_one())
