"""Safe writing: formula neutralising, owner-only files and folders, atomic replacement."""

from __future__ import annotations

import csv
import stat
from datetime import date

import pytest

from pipeline.safe_files import atomic_dir, safe_cell, secure_mkdir, write_csv, write_text


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+44 7700 900123", "'+44 7700 900123"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("plain text", "plain text"),
    ("", ""),
    (12, 12),
    (None, None),
    (date(2026, 1, 2), date(2026, 1, 2)),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_files_and_every_new_folder_are_owner_only(tmp_path):
    target = tmp_path / "a" / "b" / "c" / "f.txt"
    write_text(target, "x")
    assert _mode(target) == 0o600
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert _mode(folder) == 0o700, folder
    assert secure_mkdir(tmp_path / "a") == tmp_path / "a"


def test_write_csv_neutralises_hostile_cells(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["a", "b"], [{"a": "=1+1", "b": "ok"},
                                                       {"a": None, "b": "@x"}])
    rows = list(csv.DictReader(path.open()))
    assert rows == [{"a": "'=1+1", "b": "ok"}, {"a": "", "b": "'@x"}]


def test_atomic_dir_replaces_on_success(tmp_path):
    final = tmp_path / "meeting"
    write_text(final / "old.txt", "old")
    with atomic_dir(final) as tmp:
        write_text(tmp / "new.txt", "new")
        assert (final / "old.txt").exists()  # nothing visible until the swap
    assert (final / "new.txt").read_text() == "new"
    assert not (final / "old.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["meeting"]  # no temp folders left


def test_atomic_dir_keeps_old_outputs_when_a_run_crashes(tmp_path):
    final = tmp_path / "meeting"
    write_text(final / "bundle.json", "complete")
    with pytest.raises(RuntimeError), atomic_dir(final) as tmp:
        write_text(tmp / "bundle.json", "half")
        raise RuntimeError("crash mid-write")
    assert (final / "bundle.json").read_text() == "complete"
    assert [p.name for p in tmp_path.iterdir()] == ["meeting"]


def test_an_existing_out_folder_keeps_its_permissions(tmp_path):
    """A shared --out folder (mode 1777) is not the run's to change (issue 13, item 8)."""
    import os

    shared = tmp_path / "scratch"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    with atomic_dir(shared / "meeting") as tmp:
        write_text(tmp / "a.txt", "x")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "meeting").stat().st_mode) == 0o700
    secure_mkdir(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


def test_stale_temp_folders_are_cleaned_but_live_ones_kept(tmp_path):
    import fcntl
    import os

    from pipeline.safe_files import clean_stale_temp

    (tmp_path / "m").mkdir()
    (tmp_path / ".m.tmp-0123abcd").mkdir()  # a killed run's half-written outputs
    (tmp_path / ".m.tmp-0123abcd" / "bundle.json").write_text("{}")
    (tmp_path / ".n.old-89abcdef").mkdir()  # killed between the renames: n is missing
    (tmp_path / ".n.old-89abcdef" / "ledger.csv").write_text("x")
    live = tmp_path / ".m.tmp-feedbeef"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a concurrent run still writing
    (tmp_path / ".unrelated").mkdir()
    try:
        done = clean_stale_temp(tmp_path)
    finally:
        os.close(fd)
    assert done == ["removed .m.tmp-0123abcd", "restored n from .n.old-89abcdef"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".m.tmp-feedbeef", ".unrelated", "m", "n"]
    assert (tmp_path / "n" / "ledger.csv").read_text() == "x"
