"""Prefect's temporary server: tracked while a run uses it, stopped after a killed run.

Prefect 3.8.8 in its embedded mode starts `python -m uvicorn ... --factory
prefect.server.api.server:create_app --port <8000-8999>` as a child process and stops it
from an `atexit` hook. It writes no PID file, so a run killed with SIGKILL leaves that
server running as an orphan (owned by init), holding its port and Prefect's database.

So each run, before Prefect starts anything, writes a record to
`<PREFECT_HOME>/casebundle-runs/<token>.json` (its own pid and start time) and puts the
random token in its environment, which the server inherits; once the server is up, its pid
and start time are added. The next run to start reads every record whose owner is dead and
stops only processes that are provably that run's server: a Prefect server command line
and either the recorded pid with the recorded start time, or the token in its environment.
A process the run did not start is never touched; a live concurrent run's record is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import psutil

ENV_TOKEN = "CASEBUNDLE_RUN_TOKEN"
SERVER_MARK = "prefect.server.api.server:create_app"
_STOP_WAIT = 5.0


def registry_dir() -> Path:
    """Where run records live: beside Prefect's own database."""
    from prefect.settings import get_current_settings

    return Path(get_current_settings().home).expanduser() / "casebundle-runs"


def _write(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


_current: str | None = None


def current_token() -> str | None:
    """The token this process registered, if any (never one inherited from a parent)."""
    return _current


def register_run(token: str | None = None, folder: Path | None = None) -> str:
    """Record this process as a run about to start Prefect (or whose server was launched
    with `token` already, flows/early.py); return the run's token. `folder`: where the
    record goes when Prefect's settings cannot be read yet (default `registry_dir()`)."""
    global _current
    token = token or uuid.uuid4().hex
    os.environ[ENV_TOKEN] = token
    _current = token
    me = psutil.Process()
    _write((folder or registry_dir()) / f"{token}.json",
           {"token": token, "pid": me.pid, "create_time": me.create_time()})
    return token


#: server processes this process launched itself (flows/runners.py, EarlyServer)
_LAUNCHED: list[Any] = []


def note_server(process: Any) -> None:
    """Remember a Prefect server process this process launched (a `subprocess.Popen`)."""
    _LAUNCHED.append(process)


def _own_server_processes() -> list[Any]:
    """The live server processes this process started: launched here, or by Prefect's own
    `SubprocessASGIServer` (looked at only if Prefect's server package was imported: the
    import alone costs seconds)."""
    procs = [p for p in _LAUNCHED if p.poll() is None]
    module = sys.modules.get("prefect.server.api.server")
    if module is not None:
        for server in list(module.SubprocessASGIServer._instances.values()):
            proc = getattr(server, "server_process", None)
            if proc is not None:
                procs.append(proc)
    return procs


def record_server(token: str) -> int | None:
    """Add the pid of the temporary server this process started to its run record."""
    path = registry_dir() / f"{token}.json"
    for proc in _own_server_processes():
        with contextlib.suppress(psutil.Error, OSError, ValueError):
            record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {
                "token": token, "pid": os.getpid(),
                "create_time": psutil.Process().create_time()}
            record.update(server_pid=proc.pid,
                          server_create_time=psutil.Process(proc.pid).create_time())
            _write(path, record)
            return int(proc.pid)
    return None


def stop_own_server() -> None:
    """Stop the temporary server Prefect itself started for this process, if any (normally
    left to atexit); one launched here is stopped by whoever launched it."""
    module = sys.modules.get("prefect.server.api.server")
    if module is None:
        return
    for server in list(module.SubprocessASGIServer._instances.values()):
        server.stop()


def unregister(token: str) -> None:
    global _current
    if _current == token:
        _current = None
    with contextlib.suppress(FileNotFoundError):
        (registry_dir() / f"{token}.json").unlink()


def _alive(pid: int, create_time: float) -> bool:
    try:
        return abs(psutil.Process(pid).create_time() - create_time) < 1.0
    except (psutil.Error, ValueError):
        return False


def _is_server(proc: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return SERVER_MARK in " ".join(proc.cmdline())
    return False


def _servers_of(record: dict[str, Any]) -> list[psutil.Process]:
    found: dict[int, psutil.Process] = {}
    pid, created = record.get("server_pid"), record.get("server_create_time")
    if isinstance(pid, int) and isinstance(created, (int, float)) and _alive(pid, created):
        proc = psutil.Process(pid)
        if _is_server(proc):
            found[pid] = proc
    token = record.get("token")
    if isinstance(token, str) and token:
        me = os.getuid()
        for proc in psutil.process_iter(["pid", "uids"]):
            with contextlib.suppress(psutil.Error):
                if proc.info["uids"].real != me or proc.pid in found or not _is_server(proc):
                    continue
                if proc.environ().get(ENV_TOKEN) == token:
                    found[proc.pid] = proc
    return list(found.values())


def stop_stale_servers() -> list[str]:
    """Stop the servers of runs that were killed; return what was done (pids, no data)."""
    done: list[str] = []
    folder = registry_dir()
    if not folder.is_dir():
        return done
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(record, dict):
            continue
        owner, created = record.get("pid"), record.get("create_time")
        if isinstance(owner, int) and isinstance(created, (int, float)) and \
                _alive(owner, created):
            continue  # a run still going (perhaps concurrent): not ours to touch
        procs = _servers_of(record)
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.terminate()
        _, alive = psutil.wait_procs(procs, timeout=_STOP_WAIT)
        for proc in alive:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(alive, timeout=_STOP_WAIT)
        done += [f"stopped the Prefect server (pid {p.pid}) left by a killed run" for p in procs]
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return done
