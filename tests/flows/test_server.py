"""Stopping the Prefect server a killed run left behind, and only that."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from flows import server


def _fake_server(token: str | None) -> subprocess.Popen[bytes]:
    """A process whose command line looks like Prefect's temporary server."""
    env = dict(os.environ)
    env.pop(server.ENV_TOKEN, None)
    if token:
        env[server.ENV_TOKEN] = token
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)",
                             "--factory", server.SERVER_MARK], env=env)


def _dead_pid() -> tuple[int, float]:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    created = psutil.Process(p.pid).create_time()
    p.wait()
    return p.pid, created


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(server, "registry_dir", lambda: tmp_path)
    return tmp_path


def _record(folder: Path, token: str, owner: tuple[int, float], **extra: object) -> Path:
    path = folder / f"{token}.json"
    path.write_text(json.dumps({"token": token, "pid": owner[0], "create_time": owner[1],
                                **extra}))
    return path


def test_the_server_of_a_killed_run_is_stopped_and_nothing_else(registry: Path) -> None:
    orphan = _fake_server("tok-killed")  # started with the killed run's token
    by_pid = _fake_server(None)  # recorded by pid and start time only
    stranger = _fake_server("someone-else")  # same command line, not ours
    live_runs_server = _fake_server("tok-live")
    try:
        time.sleep(0.5)
        _record(registry, "tok-killed", _dead_pid())
        _record(registry, "tok-pid", _dead_pid(), server_pid=by_pid.pid,
                server_create_time=psutil.Process(by_pid.pid).create_time())
        me = psutil.Process()
        _record(registry, "tok-live", (me.pid, me.create_time()))  # a run still going
        done = server.stop_stale_servers()
        assert len(done) == 2
        assert orphan.wait(10) is not None and by_pid.wait(10) is not None
        assert stranger.poll() is None and live_runs_server.poll() is None
        assert sorted(p.name for p in registry.iterdir()) == ["tok-live.json"]
    finally:
        for p in (orphan, by_pid, stranger, live_runs_server):
            p.kill()
            p.wait()


def test_a_reused_pid_is_not_mistaken_for_the_server(registry: Path) -> None:
    other = _fake_server(None)
    try:
        _record(registry, "tok", _dead_pid(), server_pid=other.pid,
                server_create_time=psutil.Process(other.pid).create_time() - 1000)
        assert server.stop_stale_servers() == []
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()
