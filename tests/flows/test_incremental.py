"""Incremental runs and the worker processes (flows/batches.py, pipeline/cache.py).

A re-run after a new file arrives redoes only what the file touches and writes exactly
what a cold run on the same inputs writes; the work cache is encrypted, owner-only and
keyed by code, rules, roster and model; redaction and writing run in the worker
processes, which a forkserver starts safely beside threads.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest

from flows import batches
from pipeline import workers
from pipeline.cache import CACHE_DIR
from tests.support.outputs import differences
from tests.support.stages import prepare_in_process

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from scale_meeting import Generated, add_file, generate  # noqa: E402

pytestmark = pytest.mark.slow

T1 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 30, 10, 30, tzinfo=UTC)


def _run(gen: Generated, out: Path, state: Path, run_id: str, when: datetime,
         monkeypatch: pytest.MonkeyPatch, **kw: object) -> dict[str, object]:
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(state))
    return prepare_in_process(gen.meeting, gen.inbox, out, state, run_id=run_id,
                              started_at=when, batched=True, **kw)  # type: ignore[arg-type]


@pytest.fixture()
def meeting(tmp_path: Path) -> Generated:
    return generate(tmp_path / "meeting", items=150, families=10)


def test_a_rerun_after_a_new_file_redoes_only_its_families_and_matches_a_cold_run(
        meeting: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warm_state = tmp_path / "state-warm"
    first = _run(meeting, tmp_path / "out1", warm_state, "run000000001", T1, monkeypatch,
                 cache=True)
    assert first["work_cache"]["redact"]["hits"] == 0  # type: ignore[index]
    # the cold run starts from the same state (audit chain, reviews) without the cache
    shutil.copytree(warm_state, tmp_path / "state-cold")
    shutil.rmtree(tmp_path / "state-cold" / CACHE_DIR)
    new = add_file(meeting, "police", 12, seed_offset=3)
    warm = _run(meeting, tmp_path / "out2", warm_state, "run000000002", T2, monkeypatch,
                cache=True)
    cold = _run(meeting, tmp_path / "out3", tmp_path / "state-cold", "run000000003", T2,
                monkeypatch, cache=True)
    assert cold["work_cache"]["redact"]["hits"] == 0  # type: ignore[index]
    mid = "jag-2026-12"
    assert differences(tmp_path / "out2" / mid, tmp_path / "out3" / mid) == []
    # only the new file was read; only the families it touches were redacted again
    counts = warm["work_cache"]
    files = len(list(meeting.inbox.rglob("*.xlsx")))
    assert counts["read"] == {"hits": files - 1, "misses": 1}  # type: ignore[index]
    import openpyxl

    rows = list(openpyxl.load_workbook(new, read_only=True).active.iter_rows(values_only=True))
    touched = {r[1] for r in rows[1:]}
    assert counts["redact"]["misses"] == len(touched)  # type: ignore[index]
    assert counts["redact"]["hits"] == meeting.families - len(touched)  # type: ignore[index]
    # and decided again: the families the new rows fall in (a new row's family may have
    # no earlier rows), the rest taken from the cache
    assert counts["decide"]["misses"] == len(touched)  # type: ignore[index]
    assert counts["decide"]["hits"] == meeting.families - len(touched)  # type: ignore[index]
    # chair + 7 agencies: the untouched families' views are all reused, and a touched
    # family's view is rendered again only if what that audience sees changed
    views = warm["outputs"]
    assert 0 < views["views_rendered"] <= 8 * len(touched)  # type: ignore[index]
    assert views["views_reused"] >= 8 * (meeting.families - len(touched))  # type: ignore[index]
    # and the same inputs again: everything comes from the cache, the outputs still match
    again = _run(meeting, tmp_path / "out4", tmp_path / "state-cold", "run000000004", T2,
                 monkeypatch, cache=True)
    assert again["outputs"]["views_rendered"] == 0  # type: ignore[index]
    assert again["work_cache"]["redact"]["misses"] == 0  # type: ignore[index]
    assert again["work_cache"]["decide"]["misses"] == 0  # type: ignore[index]
    # (the audit chain of that state is one run longer: audit_head.json says so)
    assert [d for d in differences(tmp_path / "out4" / mid, tmp_path / "out2" / mid)
            if "audit_head.json" not in d] == []


def test_the_cache_is_encrypted_owner_only_and_tied_to_code_rules_and_roster(
        meeting: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "state"
    _run(meeting, tmp_path / "out", state, "run000000001", T1, monkeypatch, cache=True)
    folder = state / CACHE_DIR
    entries = [p for p in folder.rglob("*") if p.is_file()]
    assert len(entries) > meeting.families
    surname = meeting.meeting.read_text().split("name: ")[1].split()[1]
    for p in entries:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
        data = p.read_bytes()
        assert surname.encode() not in data and b"Officers" not in data, p
    for d in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    # a change to the roster (the meeting config) makes every entry unreachable
    rules = Path(batches.__file__).resolve().parents[1] / "redaction_rules" / "redaction.yaml"
    before = batches.work_cache(state, meeting.meeting, rules).version
    meeting.meeting.write_text(meeting.meeting.read_text() + "\n# a roster edit\n")
    assert batches.work_cache(state, meeting.meeting, rules).version != before
    second = _run(meeting, tmp_path / "out2", state, "run000000002", T2, monkeypatch,
                  cache=True)
    assert second["work_cache"]["redact"]["hits"] == 0  # type: ignore[index]
    assert second["work_cache"]["read"]["hits"] == 0  # type: ignore[index]


def test_redaction_and_writing_run_in_both_worker_processes_started_beside_threads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prefect's task runner is a thread pool and its server has threads of its own: the
    pool is started with threads already running (the forkserver makes that safe), the
    batches are submitted from threads, and the work is done by the two workers."""
    gen = generate(tmp_path / "meeting", items=90, families=8)
    busy = threading.Event()
    threads = [threading.Thread(target=busy.wait, daemon=True) for _ in range(3)]
    for t in threads:
        t.start()
    pool = batches.start_pool(None, processes=2)
    previous = workers.install(pool)
    try:
        worker_pids = pool.pids()
        with ThreadPoolExecutor(max_workers=8) as executor:
            summary = _run(gen, tmp_path / "out", tmp_path / "state", "run000000001", T1,
                           monkeypatch, executor=executor)
        # the workers were stopped once the families were written (the audit at the end
        # of a run needs none; issue 15's peak memory), and start again when next needed
        assert not any(psutil.pid_exists(p) for p in worker_pids)
        again = pool.pids()
        assert len(again) == 2 and again.isdisjoint(worker_pids)
    finally:
        workers.install(previous)
        pool.close()
        busy.set()
    pids = summary["redaction_pids"]
    assert os.getpid() not in pids  # type: ignore[operator]
    assert pids == worker_pids and len(worker_pids) == 2
    assert summary["outputs"]["processes"] == 2  # type: ignore[index]
    # and the outputs are those of the plain in-process run
    _run(gen, tmp_path / "plain", tmp_path / "state2", "run000000002", T1, monkeypatch)
    assert differences(tmp_path / "out" / "jag-2026-12", tmp_path / "plain" / "jag-2026-12") == []
