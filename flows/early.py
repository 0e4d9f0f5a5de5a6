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

A server launched for one run also gets the one-shot defaults (`ONE_SHOT_SERVER`): it
serves that run and stops with it, so what Prefect's server does for the runs of later
days is switched off, each only where the user has not set it (issue 15). A server named
by PREFECT_API_URL is never launched here, so it gets none of them.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import tomllib
import uuid
from collections.abc import Mapping
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


#: Prefect 3.8.8's settings that a server serving one run and stopping with it does not
#: need, in groups that are applied together or not at all. Each setting is named by every
#: environment variable Prefect reads it from (the first is the current name): a value the
#: user gave under any of them, in the environment or the active Prefect profile, wins,
#: and its whole group is left as the user has it.
ONE_SHOT_SERVER: tuple[tuple[tuple[tuple[str, ...], str], ...], ...] = (
    # Block types: a run uses none, and a long-running server registers them as it starts.
    # The memo goes too: with it on, Prefect still imports every installed collection
    # (prefect-dask, so Dask) to hash their blocks (1.5 s of a 2-core machine, issue 15),
    # and with registration off it would record that hash as if the blocks had been
    # registered, so a later server on this PREFECT_HOME would not register them.
    ((("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "PREFECT_API_BLOCKS_REGISTER_ON_START"),
      "false"),
     (("PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION",
       "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION"), "false")),
    # Automations (reactive and proactive triggers, and their actions): none is defined
    # on a server that lives for one run.
    ((("PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED", "PREFECT_API_SERVICES_TRIGGERS_ENABLED"),
      "false"),),
    # Events kept in the database for the UI's event feed, and streamed to its
    # subscribers: nobody reads them. Task runs, which reach the server as events, are
    # still recorded (the task-run recorder is a service of its own and stays on).
    ((("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED",
       "PREFECT_API_SERVICES_EVENT_PERSISTER_ENABLED"), "false"),),
    ((("PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED", "PREFECT_API_EVENTS_STREAM_OUT_ENABLED"),
      "false"),),
)


def profile_settings() -> dict[str, str]:
    """The active Prefect profile's settings, read from its file without importing Prefect
    (Prefect 3.8.8: the file PREFECT_PROFILES_PATH, default <PREFECT_HOME>/profiles.toml;
    the profile PREFECT_PROFILE names, else the file's `active` one)."""
    path = os.environ.get("PREFECT_PROFILES_PATH") or str(
        Path(os.environ.get("PREFECT_HOME") or "~/.prefect") / "profiles.toml")
    try:
        data = tomllib.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    name = os.environ.get("PREFECT_PROFILE") or data.get("active")
    profiles = data.get("profiles")
    profile = profiles.get(name) if isinstance(profiles, dict) else None
    if not isinstance(profile, dict):
        return {}
    return {str(k).upper(): str(v) for k, v in profile.items()}


def one_shot_defaults(env: Mapping[str, str] | None = None,
                      profile: Mapping[str, str] | None = None) -> dict[str, str]:
    """The one-shot settings the user has not set (in `env`, default this process's
    environment, or `profile`, default the active Prefect profile's settings)."""
    given: Mapping[str, str] = os.environ if env is None else env
    profiled = profile_settings() if profile is None else profile
    out: dict[str, str] = {}
    for group in ONE_SHOT_SERVER:
        if not any(name in given or name in profiled for names, _ in group for name in names):
            out.update((names[0], value) for names, value in group)
    return out


def server_environment() -> dict[str, str]:
    """The environment of a temporary server launched for one run: this process's, the
    one-shot defaults the user has not set, the UI off."""
    return {**os.environ, **one_shot_defaults(), "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wants_early_server(argv: list[str]) -> bool:
    """Whether argv is a `run` that will start Prefect's temporary server: not asking for
    help, no server configured in the environment or the active Prefect profile (a run
    on a Dask scheduler that is already running elsewhere still needs a server: only
    PREFECT_API_URL says not). `EarlyServer` checks again with all of Prefect's settings."""
    if len(argv) < 2 or argv[1] != "run":
        return False
    if any(a in ("--help", "-h") for a in argv[2:]):
        return False
    return not (os.environ.get("PREFECT_API_URL") or profile_settings().get("PREFECT_API_URL"))


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


def stop_process(process: Any) -> None:
    """Stop a launched server process (a `subprocess.Popen`), killing it after 5 s."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
            return
        process.kill()
        process.wait()


def _stop_untaken() -> None:
    launched = take()
    if launched is None:
        return
    forget_record()
    stop_process(launched[0])
