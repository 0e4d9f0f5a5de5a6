"""Worker processes for the stages that use every core: redaction and writing outputs.

A `WorkerPool` runs top-level functions in processes started by a forkserver: a clean
single-threaded server process forks each worker, so starting workers is safe whatever
threads the parent runs (Prefect's server, its task threads, uvicorn), which a plain fork
is not. Each worker runs the pool's warm-up calls once (e.g. loading the redaction
engine), so an engine is loaded once per worker, never pickled per job. Jobs and results
travel over the pool's pipes, in memory; nothing is written to disk or to Prefect.

The pool can be started before anything else (the CLI does, before Prefect's server), so
the workers load their engines while the server starts.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.pool
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from pipeline.memory import release

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: modules the forkserver imports once, so each worker it forks starts with them loaded
PRELOAD = ("pipeline.redact.redactor", "pipeline.render", "pipeline.merge")
#: environment variable capping the worker processes (default: the cores we may use)
WORKERS_ENV = "CASEBUNDLE_WORKERS"

Warm = tuple[Callable[..., Any], tuple[Any, ...]]


def usable_cores() -> int:
    """Cores this process may run on, capped by CASEBUNDLE_WORKERS when set."""
    cores = len(os.sched_getaffinity(0))
    cap = os.environ.get(WORKERS_ENV, "").strip()
    if cap.isdigit() and int(cap) > 0:
        cores = min(cores, int(cap))
    return max(1, cores)


def _init(warm: Sequence[Warm]) -> None:
    for fn, args in warm:
        fn(*args)
    release()


def _released(fn: Callable[..., R], args: tuple[Any, ...]) -> R:
    """fn(*args) in a worker, then the pages its garbage held go back to the system: a
    worker runs many batches, each a peak of short-lived objects (issue 15)."""
    try:
        return fn(*args)
    finally:
        release()


class WorkerPool:
    """A forkserver pool of `processes` workers, warmed up when first started; stopped by
    `idle()` between stages, they start again on the next use without the warm-up."""

    def __init__(self, processes: int, warm: Sequence[Warm] = ()) -> None:
        self.processes = max(1, processes)
        self._warm = tuple(warm)
        self._pool: multiprocessing.pool.Pool | None = None
        self._failed: BaseException | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._restart = threading.Lock()
        # the forkserver imports PRELOAD before it forks anyone: started in a thread, so
        # the caller goes on (e.g. starting Prefect's server) while the workers get ready
        self._ready = threading.Event()
        threading.Thread(target=self._start, args=(tuple(warm),), daemon=True,
                         name="casebundle-worker-pool").start()
        atexit.register(self.close)

    def _start(self, warm: tuple[Warm, ...]) -> None:
        try:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(list(PRELOAD))
            pool = ctx.Pool(self.processes, initializer=_init, initargs=(warm,))
            with self._lock:
                if self._closed:
                    pool.terminate()
                else:
                    self._pool = pool
        except BaseException as exc:  # noqa: BLE001 - reported to the first caller
            self._failed = exc
        finally:
            self._ready.set()

    def map(self, fn: Callable[[T], R], jobs: Iterable[T]) -> list[R]:
        """fn over jobs, in order, across the workers (one job at a time per worker)."""
        pool = self._require()
        return pool.map(fn, list(jobs), chunksize=1)

    def apply(self, fn: Callable[..., R], *args: Any) -> R:
        """fn(*args) in one worker; blocks until it returns (safe from many threads)."""
        return self._require().apply(_released, (fn, args))

    def pids(self) -> set[int]:
        """The process ids of the pool's workers."""
        pool = self._require()
        return {p.pid for p in pool._pool if p.pid is not None}  # type: ignore[attr-defined]

    def _require(self) -> multiprocessing.pool.Pool:
        self._ready.wait()
        if self._failed is not None:
            raise RuntimeError(f"the worker processes did not start "
                               f"({type(self._failed).__name__})") from self._failed
        with self._restart:  # one thread starts them again; the others wait for it
            with self._lock:
                idle = self._pool is None and not self._closed
            if idle:  # stopped by idle(): started again, without the warm-up
                self._start(self._warm)
                if self._failed is not None:
                    raise RuntimeError(f"the worker processes did not start again "
                                       f"({type(self._failed).__name__})") from self._failed
        if self._pool is None:
            raise RuntimeError("the worker pool was closed")
        return self._pool

    def idle(self) -> None:
        """Stop the workers until the pool is next used: then they start again without
        the warm-up (a worker loads its redaction engine when it first redacts).

        Writing needs no engine, and a run's last stages (the agenda, receipts and the
        audit record) need no worker while the flow's own process holds the most memory:
        stopping the workers after redaction and again after writing keeps the run's peak
        down (issue 15)."""
        self._ready.wait(timeout=120)
        with self._lock:
            self._warm = ()
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
            pool.join()

    def close(self) -> None:
        """Stop the workers (idempotent)."""
        self._ready.wait(timeout=120)
        with self._lock:
            self._closed = True
            if self._pool is not None:
                self._pool.terminate()
                self._pool.join()
                self._pool = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_CURRENT: WorkerPool | None = None


def install(pool: WorkerPool | None) -> WorkerPool | None:
    """Make `pool` the one the stages of this process use; return the previous one."""
    global _CURRENT  # noqa: PLW0603 - one pool per process, set by the caller that owns it
    previous, _CURRENT = _CURRENT, pool
    return previous


def current() -> WorkerPool | None:
    """The pool installed in this process, or None (work runs in this process)."""
    return _CURRENT


def split(weights: Sequence[tuple[str, int]], parts: int) -> list[list[str]]:
    """Names in order, cut into at most `parts` runs of about equal total weight."""
    if not weights:
        return []
    parts = max(1, min(parts, len(weights)))
    total = sum(max(1, w) for _, w in weights)
    out: list[list[str]] = [[]]
    acc = 0
    for name, w in weights:
        if out[-1] and acc >= total * len(out) / parts and len(out) < parts:
            out.append([])
        out[-1].append(name)
        acc += max(1, w)
    return out
