"""WorkerPool.idle (issue 15): the workers stop, and start again, without the warm-up,
when the pool is next used."""

from __future__ import annotations

import os

import psutil

from pipeline.workers import WorkerPool

_WARMED: list[int] = []


def _warm() -> None:
    _WARMED.append(os.getpid())


def _state() -> tuple[int, bool]:
    return os.getpid(), bool(_WARMED)


def test_idle_stops_the_workers_and_they_start_again_cold() -> None:
    pool = WorkerPool(1, warm=[(_warm, ())])
    try:
        first, warmed = pool.apply(_state)
        assert warmed  # the first workers ran the warm-up
        pool.idle()
        assert not psutil.pid_exists(first) or psutil.Process(first).status() == "zombie"
        second, warmed_again = pool.apply(_state)
        assert second != first
        assert not warmed_again  # restarted without it: the engine loads when first used
        pool.idle()
        pool.idle()  # idempotent
        assert pool.apply(_state)[0] not in (first, second)
    finally:
        pool.close()
    assert not psutil.pid_exists(second) or psutil.Process(second).status() == "zombie"
