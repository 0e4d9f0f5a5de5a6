"""Read each file in a worker process held to memory, CPU and time limits.

A damaged or hostile file can crash a parser, exhaust memory or hang it. Read in a worker,
the worst it can do is end that worker: the file then gets one rejection naming what
happened and the fix, and the run goes on with the other files. Prefect-free, so any
orchestration (the flow, `casebundle validate`, a later scale-out) calls the same function.

Workers are forked from a small fork server (multiprocessing "forkserver") that has the
readers imported, so each file costs a fork (about 10 ms), not a new interpreter, and never
inherits the caller's threads or open files. In the worker: the address space is capped
(RLIMIT_AS), CPU time is capped (RLIMIT_CPU), no core dump is written (it would hold
personal data), no file can be written (RLIMIT_FSIZE 0), and the worker ends itself within
half a second of the run going (killed or not), so no reader outlives its run.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import io
import multiprocessing as mp
import os
import resource
import signal
import threading
import time
from datetime import date, datetime
from multiprocessing import context as mp_context
from multiprocessing import forkserver, popen_forkserver, spawn
from multiprocessing import reduction as mp_reduction
from multiprocessing import util as mp_util
from multiprocessing.connection import Connection
from typing import Any

from pipeline.faults import checkpoint
from pipeline.ingest.limits import IngestSettings, Isolation
from pipeline.ingest.read import FileRead, InboxFile, refused
from pipeline.ingest.validate import read_and_validate_here
from pipeline.meeting import MeetingConfig
from pipeline.models import Item, Problem, Rejection

Result = tuple[FileRead, list[Item], list[Rejection]]

_PRELOAD = ["pipeline.ingest.stage"]
_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_PR_SET_PDEATHSIG = 1


def _context() -> Any:
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


class _WorkerPopen(popen_forkserver.Popen):
    """Start a worker without importing the caller's __main__ in it.

    multiprocessing re-imports the main module in every child (and in Python 3.11 the
    fork server's "__main__" preload never takes effect), which costs the import of the
    whole CLI per file, and fails outright when __main__ has no importable file (stdin,
    some test runners). The worker's code lives in this module, so the child needs no
    main. Otherwise this is CPython 3.11's popen_forkserver.Popen._launch.
    """

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        mp_context.set_spawning_popen(self)
        try:
            mp_reduction.dump(prep_data, buf)
            mp_reduction.dump(process_obj, buf)
        finally:
            mp_context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(
            self._fds)  # type: ignore[attr-defined]
        _parent_w = os.dup(w)
        self.finalizer = mp_util.Finalize(
            self, mp_util.close_fds, (_parent_w, self.sentinel))  # type: ignore[attr-defined]
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _WorkerProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _WorkerPopen(process_obj)


def _slot(n: int) -> threading.BoundedSemaphore:
    with _lock:
        if n not in _slots:
            _slots[n] = threading.BoundedSemaphore(n)
        return _slots[n]


def _die_with_run(run_pid: int) -> None:
    """End this worker as soon as the run that asked for it is gone (killed with SIGKILL).

    The worker's parent is the fork server, which outlives a killed run for as long as any
    worker holds its "alive" pipe (multiprocessing passes it to every child), so the kernel's
    parent-death signal alone is not enough: a watchdog thread checks the run itself.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch() -> None:
        while True:
            try:
                os.kill(run_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch, name="run-watchdog", daemon=True).start()


def _limit_self(iso: Isolation) -> None:
    """Caps for the worker process (Linux; each is skipped where unsupported)."""
    mem = iso.memory_mb * 1024 * 1024
    cpu = int(iso.seconds) + 1
    for res, value in ((resource.RLIMIT_AS, mem), (resource.RLIMIT_CPU, cpu),
                       (resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, 0)):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(res, (value, value))


#: exit status of a worker that ran out of memory where it could not report it
_EXIT_MEMORY = 86
_RESERVE_BYTES = 8 * 1024 * 1024


def _worker(conn: Connection, f: InboxFile, meeting: MeetingConfig, today: date,
            received: datetime | None, settings: IngestSettings,
            pause: dict[str, str], run_pid: int) -> None:
    _die_with_run(run_pid)
    os.environ.update(pause)  # the caller's, not the fork server's (started earlier)
    checkpoint("reading")  # fault-injection tests; before RLIMIT_FSIZE forbids its marker

    reserve: bytearray | None = bytearray(_RESERVE_BYTES)  # room to report running out
    _limit_self(settings.isolation)
    try:
        try:
            result: Any = ("ok", read_and_validate_here(f, meeting, today, received, settings))
        except MemoryError:
            reserve = None
            result = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - reported by type only: text may quote cells
            result = ("error", type(exc).__name__)
        try:
            conn.send(result)
        except MemoryError:
            reserve = None
            conn.send(("memory", None))
        conn.close()
    except MemoryError:
        os._exit(_EXIT_MEMORY)
    del reserve
    os._exit(0)  # no interpreter teardown: nothing to flush, and it may need memory


def _failed(f: InboxFile, code: str, message: str, fix: str, max_bytes: int) -> Result:
    read = refused(f, Problem(code=code, column=None, message=message, fix=fix),
                   sha=_sha_or_blank(f, max_bytes))
    return read, [], list(read.rejections)


def _sha_or_blank(f: InboxFile, max_bytes: int) -> str:
    """The file's sha256 for the record, when it is within the size limit (never parsed)."""
    try:
        fd = os.open(f.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return ""
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(max_bytes + 1)
    return "" if len(data) > max_bytes else hashlib.sha256(data).hexdigest()


_FIX_SPLIT = ("split the submission into smaller files, or delete unused rows, columns and "
              "sheets, open it in Excel and save it again, then send it.")


def read_isolated(f: InboxFile, meeting: MeetingConfig, today: date,
                  settings: IngestSettings | None = None,
                  received: datetime | None = None) -> Result:
    """Read and validate one file in a worker process; never raises for the file's content.

    A worker that runs out of memory, time or crashes gives the file one rejection:
    FILE_TOO_LARGE (memory), READ_TIMEOUT, or READER_CRASHED.
    """
    settings = settings or IngestSettings()
    if f.refusal is not None:
        read = refused(f, f.refusal, received=received)
        return read, [], list(read.rejections)
    iso = settings.isolation
    with _slot(iso.workers):
        ctx = _context()
        parent, child = ctx.Pipe(duplex=False)
        pause = {k: v for k, v in os.environ.items() if k.startswith("CASEBUNDLE_PAUSE_")}
        proc = _WorkerProcess(target=_worker,
                           args=(child, f, meeting, today, received, settings, pause,
                                 os.getpid()),
                           daemon=True)
        proc.start()
        child.close()
        try:
            outcome = _wait(proc, parent, iso.seconds)
        finally:
            parent.close()
            if proc.is_alive():
                proc.kill()
            proc.join(5)
    kind, payload = outcome
    if kind == "ok":
        result: Result = payload
        return result
    max_bytes = int(settings.limits.max_file_mb * 1024 * 1024)
    if kind == "memory":
        return _failed(f, "FILE_TOO_LARGE", f"reading it needed more than "
                       f"{iso.memory_mb:,} MB of memory.", _FIX_SPLIT, max_bytes)
    if kind == "timeout":
        return _failed(f, "READ_TIMEOUT", f"reading it took longer than {iso.seconds:g} "
                       "seconds, so it was stopped.", _FIX_SPLIT, max_bytes)
    return _failed(f, "READER_CRASHED", f"the reader stopped on this file ({payload}); the "
                   "file is damaged or built to break readers.",
                   "open it in Excel, save it as .xlsx (or CSV UTF-8) and send it again; if "
                   "it still fails, report it with the file to the casebundle maintainers.",
                   max_bytes)


def _wait(proc: Any, conn: Connection, seconds: float) -> tuple[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            proc.kill()
            return "timeout", None
        if conn.poll(min(remaining, 0.5)):
            try:
                return conn.recv()
            except (EOFError, OSError):
                break  # the worker died before sending
            except MemoryError:
                return "memory", None
        elif not proc.is_alive() and not conn.poll(0):
            break
    proc.join(5)
    code = proc.exitcode
    if code == _EXIT_MEMORY:
        return "memory", None
    if code is not None and code < 0:
        sig = -code
        if sig == signal.SIGXCPU:
            return "timeout", None
        if sig == signal.SIGKILL:
            return "memory", None  # the kernel's OOM killer, or RLIMIT_AS during a fork
        return "crash", f"signal {signal.Signals(sig).name}"
    return "crash", f"exit status {code}"
