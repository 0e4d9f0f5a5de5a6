"""The work cache's entries on disk (pipeline/cache.py): replaced in one rename, never
written into, owner-only; an entry kept by `touch` survives `prune`."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.cache import WorkCache


def _entries(cache: WorkCache) -> list[Path]:
    return sorted(p for p in cache.root.glob("??/*"))


def test_an_entry_is_replaced_by_a_rename_and_leaves_nothing_else(tmp_path: Path) -> None:
    cache = WorkCache(tmp_path, "v1")
    cache.put("view", b"k", ["first"])
    (entry,) = _entries(cache)
    before = entry.stat().st_ino
    cache.put("view", b"k", ["second"])
    assert _entries(cache) == [entry]  # no temporary file left beside it
    assert entry.stat().st_ino != before  # a new file renamed into place
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert WorkCache(tmp_path, "v1").get("view", b"k") == ["second"]


def test_a_torn_entry_is_a_miss_and_a_put_replaces_it(tmp_path: Path) -> None:
    cache = WorkCache(tmp_path, "v1")
    cache.put("view", b"k", ["first"])
    (entry,) = _entries(cache)
    entry.write_bytes(entry.read_bytes()[:20])
    again = WorkCache(tmp_path, "v1")
    assert again.get("view", b"k") is None and again.misses["view"] == 1
    again.put("view", b"k", ["fresh"])
    assert WorkCache(tmp_path, "v1").get("view", b"k") == ["fresh"]


def test_touch_keeps_an_entry_from_pruning_without_reading_it(tmp_path: Path) -> None:
    first = WorkCache(tmp_path, "v1")
    first.put("view", b"kept", 1)
    first.put("view", b"dropped", 2)
    for p in _entries(first):
        os.utime(p, (0, 0))  # long unused
    later = WorkCache(tmp_path, "v1")
    assert later.touch("view", b"kept") and not later.touch("view", b"never stored")
    assert later.prune(older_than_s=60) == 1
    assert later.hits["view"] == 0  # touched, not read
    assert WorkCache(tmp_path, "v1").get("view", b"kept") == 1
    assert WorkCache(tmp_path, "v1").get("view", b"dropped") is None
