"""The drop folder's watcher: a run starts once the inbox settles, never on a file still
changing, and once per settled change (flows/serve.py); the run's artifact holds counts,
never names (flows/report.py)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from flows.report import run_markdown
from flows.serve import Settler, Watcher, snapshot
from tests.pipeline.render.sample_run import RAW_NAMES, build_sample


def _old(path: Path, age: float = 60.0) -> None:
    t = time.time() - age
    os.utime(path, (t, t))


def test_the_inbox_settles_only_after_nothing_changed_for_the_settle_time(tmp_path: Path) -> None:
    (tmp_path / "police").mkdir()
    f = tmp_path / "police" / "return.xlsx"
    f.write_bytes(b"part")
    _old(f)
    s = Settler(settle=5)
    assert not s.observe(snapshot(tmp_path), now=0)  # first sight
    assert not s.observe(snapshot(tmp_path), now=4)  # not yet 5 s unchanged
    f.write_bytes(b"partly written")  # still being copied in
    _old(f)
    assert not s.observe(snapshot(tmp_path), now=6)  # changed: the clock starts again
    assert not s.observe(snapshot(tmp_path), now=10)
    assert s.observe(snapshot(tmp_path), now=11.5)
    s.started(snapshot(tmp_path))
    assert not s.observe(snapshot(tmp_path), now=30)  # already prepared


def test_a_file_modified_moments_ago_is_not_read_even_if_the_clock_says_settled(
        tmp_path: Path) -> None:
    (tmp_path / "school").mkdir()
    f = tmp_path / "school" / "return.csv"
    f.write_text("agency,family_ref\n")  # mtime: now
    s = Settler(settle=30)
    s.observe(snapshot(tmp_path), now=0)
    assert not s.observe(snapshot(tmp_path), now=31)
    _old(f)  # (its time changed: the inbox changed, the clock starts again)
    assert not s.observe(snapshot(tmp_path), now=32)
    assert s.observe(snapshot(tmp_path), now=63)


def test_every_path_a_run_would_account_for_counts_while_settling(tmp_path: Path) -> None:
    # a run lists lock files, hidden files and links as refused (each a ledger line), so a
    # copy still arriving under a hidden name keeps the inbox unsettled; a link is looked
    # at, never followed
    (tmp_path / "police").mkdir()
    (tmp_path / "police" / "~$return.xlsx").write_bytes(b"lock")
    (tmp_path / "police" / ".partial").write_bytes(b"x")
    (tmp_path / "police" / "return.xlsx").write_bytes(b"data")
    (tmp_path / "police" / "elsewhere.csv").symlink_to(tmp_path / "missing.csv")
    snap = snapshot(tmp_path)
    assert sorted(snap) == ["police/.partial", "police/elsewhere.csv", "police/return.xlsx",
                            "police/~$return.xlsx"]
    assert snap["police/.partial"][0] == 1
    (tmp_path / "police" / ".partial").write_bytes(b"xx")  # still being copied
    assert snapshot(tmp_path) != snap


def test_the_watcher_asks_for_one_run_per_settled_change(tmp_path: Path) -> None:
    (tmp_path / "police").mkdir()
    first = tmp_path / "police" / "a.csv"
    first.write_text("x")
    _old(first)
    runs: list[float] = []
    asked = threading.Event()

    def trigger() -> None:
        runs.append(time.monotonic())
        asked.set()

    w = Watcher(tmp_path, trigger, settle=0.3, poll=0.05)
    thread = w.start()
    try:
        assert asked.wait(10)
        asked.clear()
        time.sleep(0.6)
        assert len(runs) == 1  # nothing changed since
        second = tmp_path / "police" / "b.csv"
        second.write_text("y")
        _old(second)
        assert asked.wait(10)
        assert len(runs) == 2
    finally:
        w.stop.set()
        thread.join(5)


def test_the_run_artifact_counts_and_never_names() -> None:
    sample = build_sample()
    run = sample.run
    text = run_markdown(run, {"rows_in": len(run.ledger)})
    assert "| police |" in text and "| **all** |" in text
    assert "Items awaiting review:" in text
    members = [m.name for f in run.meeting.families for m in f.members]
    for name in (*RAW_NAMES, *members, *(i.subject_name for i in run.items)):
        assert name not in text, name
    for item in run.items:
        assert item.provenance.file not in text  # a file name can name a family
