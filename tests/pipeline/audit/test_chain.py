"""Tampering with the decision record is detected, naming the right record."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from pipeline.audit import (
    AuditHead,
    AuditSettings,
    AuditStore,
    VerifyResult,
    record_run,
    verify_store,
    write_head,
)
from pipeline.audit.chain import (
    GENESIS,
    AuditRecord,
    canonical_json,
    compute_record_hash,
    verify_chain,
)
from pipeline.audit.store import NewRecord
from tests.pipeline.audit.conftest import RECIPIENTS, jag_run, marac_run

Connect = Callable[[], sqlite3.Connection]


@pytest.fixture
def recorded(settings: AuditSettings) -> tuple[AuditHead, AuditHead]:
    """Two runs in the store: JAG (records 1-6) then MARAC (records 7-11)."""
    return (record_run(jag_run(), RECIPIENTS, settings),
            record_run(marac_run(), RECIPIENTS, settings))


def _verify(settings: AuditSettings, heads: tuple[Path, ...] = ()) -> VerifyResult:
    with AuditStore.from_settings(settings) as store:
        return verify_store(store, heads)


def _renumber(conn: sqlite3.Connection, where: str, delta: int) -> None:
    # two steps through negative numbers so the primary key never collides
    conn.execute(f"UPDATE audit_records SET seq = -(seq + {delta}) WHERE {where}")
    conn.execute("UPDATE audit_records SET seq = -seq WHERE seq < 0")


def _row(conn: sqlite3.Connection, seq: int) -> dict[str, object]:
    cur = conn.execute("SELECT * FROM audit_records WHERE seq = ?", (seq,))
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def test_untouched_chain_verifies(settings: AuditSettings, recorded: tuple[AuditHead, ...],
                                  tmp_path: Path) -> None:
    jag, marac = recorded
    assert (jag.length, marac.length) == (6, 11)  # run + 4 decisions + 1 rejection; MARAC 5
    heads = []
    for h in recorded:
        heads.append(write_head(h, tmp_path / h.meeting_id / "audit_head.json"))
    result = _verify(settings, tuple(heads))
    assert result.ok and result.length == 11 and result.heads_checked == 2
    assert result.head_hash == marac.head_hash


def test_store_refuses_update_and_delete(settings: AuditSettings, recorded: object,
                                         db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit_records WHERE seq = 3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit_records SET body = '{}' WHERE seq = 3")


def test_edit_is_named(settings: AuditSettings, recorded: object, raw_db: Connect) -> None:
    raw_db().execute("UPDATE audit_records SET body = replace(body, '\"withheld\"', "
                     "'\"shared\"') WHERE seq = 4")
    first = _verify(settings).first
    assert first is not None and (first.seq, first.kind) == (4, "altered")
    assert "record 4 (decision health-1" in first.message


def test_edit_of_indexed_column_is_named(settings: AuditSettings, recorded: object,
                                         raw_db: Connect) -> None:
    raw_db().execute("UPDATE audit_records SET subject_key = 'someone else' WHERE seq = 9")
    first = _verify(settings).first
    assert first is not None and (first.seq, first.kind) == (9, "altered")


def test_edit_with_rehash_names_the_replaced_record(settings: AuditSettings, recorded: object,
                                                    raw_db: Connect) -> None:
    conn = raw_db()
    row = _row(conn, 4)
    row["body"] = str(row["body"]).replace('"withheld"', '"shared"')
    conn.execute("UPDATE audit_records SET body = ?, record_hash = ? WHERE seq = 4",
                 (row["body"], compute_record_hash(row)))
    first = _verify(settings).first
    assert first is not None and first.seq == 5 and "record 4 was replaced" in first.message


def test_delete_is_named(settings: AuditSettings, recorded: object, raw_db: Connect) -> None:
    raw_db().execute("DELETE FROM audit_records WHERE seq = 5")
    first = _verify(settings).first
    assert first is not None and (first.seq, first.kind) == (5, "deleted")


def test_delete_and_renumber_is_named(settings: AuditSettings, recorded: object,
                                      raw_db: Connect) -> None:
    conn = raw_db()
    conn.execute("DELETE FROM audit_records WHERE seq = 5")
    _renumber(conn, "seq > 5", -1)
    first = _verify(settings).first
    assert first is not None and (first.seq, first.kind) == (5, "deleted")


def test_forged_insert_is_named(settings: AuditSettings, recorded: object,
                                raw_db: Connect) -> None:
    conn = raw_db()
    prev = _row(conn, 6)
    _renumber(conn, "seq >= 7", 1)
    forged = {**prev, "seq": 7, "kind": "decision", "item_id": "forged-1",
              "body": canonical_json({"disposition": "shared"}), "content": None,
              "content_hash": None, "purged_at": None, "prev_hash": prev["record_hash"]}
    forged["record_hash"] = compute_record_hash(forged)
    cols = ", ".join(forged)
    conn.execute(f"INSERT INTO audit_records ({cols}) VALUES ({', '.join('?' * len(forged))})",
                 tuple(forged.values()))
    first = _verify(settings).first
    assert first is not None and (first.seq, first.kind) == (7, "inserted")
    assert "forged-1" in first.message


def test_reorder_is_named(settings: AuditSettings, recorded: object, raw_db: Connect) -> None:
    conn = raw_db()
    conn.execute("UPDATE audit_records SET seq = -1 WHERE seq = 3")
    conn.execute("UPDATE audit_records SET seq = 3 WHERE seq = 4")
    conn.execute("UPDATE audit_records SET seq = 4 WHERE seq = -1")
    first = _verify(settings).first
    assert first is not None and (first.seq, first.kind) == (3, "reordered")


def test_truncation_is_caught_by_head_files(settings: AuditSettings,
                                            recorded: tuple[AuditHead, ...],
                                            raw_db: Connect, tmp_path: Path) -> None:
    head = write_head(recorded[1], tmp_path / "out" / "MARAC-2025-01" / "audit_head.json")
    raw_db().execute("DELETE FROM audit_records WHERE seq > 8")
    assert _verify(settings).ok  # without the head, a shorter chain looks whole
    first = _verify(settings, (head,)).first
    assert first is not None and first.kind == "truncated" and "holds 8" in first.message


def test_rewritten_history_is_caught_by_head_files(settings: AuditSettings,
                                                   recorded: tuple[AuditHead, ...],
                                                   raw_db: Connect, tmp_path: Path) -> None:
    head = write_head(recorded[0], tmp_path / "JAG" / "audit_head.json")
    conn = raw_db()  # rewrite record 2 and rehash everything after it: chain self-consistent
    rows = [_row(conn, s) for s in range(1, 12)]
    rows[1]["body"] = str(rows[1]["body"]).replace("PUBLIC_TASK", "CONSENT")
    prev = GENESIS
    for r in rows:
        r["prev_hash"] = prev
        r["record_hash"] = prev = compute_record_hash(r)
        conn.execute("UPDATE audit_records SET body = ?, prev_hash = ?, record_hash = ? "
                     "WHERE seq = ?", (r["body"], r["prev_hash"], r["record_hash"], r["seq"]))
    assert _verify(settings).ok
    first = _verify(settings, (head,)).first
    assert first is not None and (first.seq, first.kind) == (6, "head_mismatch")


def test_content_edit_and_removal(settings: AuditSettings, recorded: object,
                                  raw_db: Connect) -> None:
    conn = raw_db()
    conn.execute("UPDATE audit_records SET content = replace(content, '82%', '12%') "
                 "WHERE seq = 3")
    conn.execute("UPDATE audit_records SET content = NULL WHERE seq = 9")
    problems = _verify(settings).problems
    assert [(p.seq, p.kind) for p in problems] == [(3, "content_altered"),
                                                   (9, "content_removed")]


def test_concurrent_seq_clash_is_retried(settings: AuditSettings, recorded: object,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = AuditStore.from_settings(settings)
    calls = {"n": 0}
    real = store._append_once

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise IntegrityError("insert", {}, Exception("UNIQUE constraint failed"))
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "_append_once", flaky)
    store.append([NewRecord(kind="reveal", run_id="r", meeting_id="m", body="{}",
                            recorded_at="t")])
    assert calls["n"] == 2 and store.length() == 12


# --- property: any single tamper is named at the right place (pure, no database) ---------

def _chain(n: int) -> list[AuditRecord]:
    out: list[AuditRecord] = []
    prev = GENESIS
    for i in range(1, n + 1):
        fields = {"kind": "decision", "run_id": "r", "meeting_id": "m", "item_id": f"i{i}",
                  "subject_key": None, "subject_dob": None, "recorded_at": "t",
                  "body": canonical_json({"n": i}), "content_hash": None, "prev_hash": prev}
        prev = compute_record_hash(fields)
        out.append(AuditRecord(seq=i, content=None, purged_at=None, record_hash=prev,
                               **fields))  # type: ignore[arg-type]
    return out


def _renumbered(records: list[AuditRecord]) -> list[AuditRecord]:
    return [dataclasses.replace(r, seq=i) for i, r in enumerate(records, start=1)]


@hsettings(max_examples=200, deadline=None)
@given(n=st.integers(3, 12), data=st.data())
def test_any_single_tamper_is_named(n: int, data: st.DataObject) -> None:
    chain = _chain(n)
    op = data.draw(st.sampled_from(["edit", "delete", "delete_renumber", "swap", "insert"]))
    k = data.draw(st.integers(1, n - 1))  # 1-based; the last record is covered by heads
    recs = list(chain)
    expected: tuple[int, str]
    if op == "edit":
        recs[k - 1] = dataclasses.replace(recs[k - 1], body=canonical_json({"n": -1}))
        expected = (k, "altered")
    elif op == "delete":
        del recs[k - 1]
        expected = (k, "deleted")
    elif op == "delete_renumber":
        del recs[k - 1]
        recs = _renumbered(recs)
        expected = (k, "deleted")
    elif op == "swap":
        recs[k - 1], recs[k] = recs[k], recs[k - 1]
        recs = _renumbered(recs)
        expected = (k, "reordered")
    else:
        prev = recs[k - 2].record_hash if k > 1 else GENESIS
        fields = {"kind": "decision", "run_id": "r", "meeting_id": "m", "item_id": "x",
                  "subject_key": None, "subject_dob": None, "recorded_at": "t",
                  "body": "{}", "content_hash": None, "prev_hash": prev}
        forged = AuditRecord(seq=0, content=None, purged_at=None,
                             record_hash=compute_record_hash(fields),
                             **fields)  # type: ignore[arg-type]
        recs.insert(k - 1, forged)
        recs = _renumbered(recs)
        expected = (k, "inserted")
    result = verify_chain(recs)
    assert result.first is not None
    assert (result.first.seq, result.first.kind) == expected
    assert verify_chain(chain).ok
