"""Prefect's temporary server launched as the `casebundle run` process begins.

The server is the longest part of a run's start-up: a new Python process importing
Prefect's server package and opening its database, some 4 CPU-seconds. Launched by
`flows.runners.EarlyServer` it could only start once the command line, casebundle's
stages and Prefect itself were imported in this process (about 2 s on the 2-core machine,
issue 15). `launch_for(argv)` starts the same server process with the standard library
alone, before any of that, when the command is `run` and no server is configured; the run
adopts it (`take()`) and waits for it as before. The console command (flows/entry.py)
calls `launch_for` first, then imports the command line; this module never imports the
command line, so flows/cli.py can import it. A process never adopted (a run refused
by its argument checks, say) is stopped when this process exits.

The server's command and environment are EarlyServer's: `python -m uvicorn ...
prefect.server.api.server:create_app --factory`, the UI off, this process's environment
(the server reads Prefect's profile and settings files itself, as this process would),
and the run's token (flows/server.py), so that a run killed before it recorded the
server's pid can still be cleaned up after.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

#: (process, port) launched and not yet taken by the run
_launched: tuple[Any, int] | None = None
#: the run token put in the launched server's environment
_token: str | None = None


def _site_packages() -> Path | None:
    """The folder Prefect is installed in, found without importing it."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).parent


def record_folder() -> Path:
    """Where flows/server.py keeps run records, read from the environment alone (Prefect's
    settings, which may also come from files, are not imported yet): PREFECT_HOME or
    Prefect's default ~/.prefect."""
    home = os.environ.get("PREFECT_HOME") or "~/.prefect"
    return Path(home).expanduser() / "casebundle-runs"


def forget_record() -> None:
    """Remove the record written at launch (the run's own record, written where Prefect's
    settings say, is removed by flows.server.unregister; normally it is the same file)."""
    if _token is not None:
        with contextlib.suppress(OSError):
            (record_folder() / f"{_token}.json").unlink()


def server_command(port: int, app_dir: Path) -> list[str]:
    """The command Prefect 3.8.8's SubprocessASGIServer runs (flows/runners.py)."""
    return [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
            "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
            str(port), "--log-level", "error", "--lifespan", "on"]


def server_environment() -> dict[str, str]:
    return {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wants_early_server(argv: list[str]) -> bool:
    """Whether argv is a `run` that will start Prefect's temporary server: not asking for
    help, no server configured in the environment, not a run on a Dask scheduler that is
    already running elsewhere (it still needs a server: only PREFECT_API_URL says not)."""
    if len(argv) < 2 or argv[1] != "run":
        return False
    if any(a in ("--help", "-h") for a in argv[2:]):
        return False
    return not os.environ.get("PREFECT_API_URL")


def launch_for(argv: list[str]) -> None:
    """Launch the server now if argv is a run that will want one (else do nothing)."""
    global _launched, _token
    if _launched is not None or not wants_early_server(argv):
        return
    app_dir = _site_packages()
    if app_dir is None:
        return  # no Prefect: the run fails later with its own message
    # a new token (never one inherited from a parent run), recorded before the server is
    # launched, so that a run killed from here on still has its server stopped by the next
    # run (flows/server.py); the run records it again where Prefect's settings say
    from flows.server import register_run

    _token = register_run(uuid.uuid4().hex, folder=record_folder())
    if not any(a in ("--verbose", "-v") for a in argv[2:]):
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"  # as `run` sets it
    port = free_port()
    process = subprocess.Popen(server_command(port, app_dir), env=server_environment())
    _launched = (process, port)
    atexit.register(_stop_untaken)


def token() -> str | None:
    """The token given to the launched server (the run registers this one)."""
    return _token


def take() -> tuple[Any, int] | None:
    """The server launched for this run, once (None if none was launched)."""
    global _launched
    launched, _launched = _launched, None
    return launched


def _stop_untaken() -> None:
    launched = take()
    if launched is None:
        return
    forget_record()
    process = launched[0]
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
            return
        process.kill()
        process.wait()
