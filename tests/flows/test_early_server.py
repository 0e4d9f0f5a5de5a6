"""Prefect's temporary server launched as `casebundle run` begins (flows/early.py, issue 15):
only for a run that will want one, recorded for the cleanup after a killed run before it
is launched, adopted by the run, and stopped when a run refused at its checks never took it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest

from flows import early
from flows.runners import EarlyServer
from flows.server import ENV_TOKEN, SERVER_MARK
from tests.flows.runner import REPO, cli_env


@pytest.mark.parametrize(("argv", "api_url", "expected"), [
    (["casebundle", "run"], "", True),
    (["casebundle", "run", "--meeting", "m.yaml", "-v"], "", True),
    (["casebundle", "run", "--help"], "", False),
    (["casebundle", "run", "-h"], "", False),
    (["casebundle", "review", "list"], "", False),
    (["casebundle", "serve", "--inbox", "x"], "", False),  # serve starts its own
    (["casebundle"], "", False),
    (["casebundle", "run"], "http://127.0.0.1:4200/api", False),  # a server is configured
])
def test_only_a_run_without_a_configured_server_launches_one(
        argv: list[str], api_url: str, expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", api_url)
    assert early.wants_early_server(argv) is expected


def test_the_record_folder_follows_prefect_home(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    assert early.record_folder() == tmp_path / "home" / "casebundle-runs"
    monkeypatch.delenv("PREFECT_HOME")
    assert early.record_folder() == Path("~/.prefect/casebundle-runs").expanduser()


@pytest.mark.slow
def test_a_launched_server_is_recorded_adopted_and_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv(ENV_TOKEN, "")  # launch_for sets it; restored after the test
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "INFO")
    monkeypatch.setattr(early, "_launched", None)
    monkeypatch.setattr(early, "_token", None)
    early.launch_for(["casebundle", "run", "--out", str(tmp_path / "out")])
    token = early.token()
    assert token
    # recorded before the launch: this process, the token the server inherits
    record = json.loads((tmp_path / "prefect" / "casebundle-runs" / f"{token}.json")
                        .read_text(encoding="utf-8"))
    assert record["token"] == token and record["pid"] == psutil.Process().pid
    launched = early.take()
    assert launched is not None and early.take() is None  # taken once
    process, port = launched
    proc = psutil.Process(process.pid)
    assert SERVER_MARK in " ".join(proc.cmdline())
    assert proc.environ()[ENV_TOKEN] == token
    assert proc.environ()["PREFECT_LOGGING_LEVEL"] == "WARNING"  # as `run` sets it
    server = EarlyServer(launched)
    try:
        url = server.api_url()
        assert url == f"http://127.0.0.1:{port}/api"
        with urllib.request.urlopen(f"{url}/health", timeout=10) as answer:
            assert answer.status == 200
    finally:
        server.stop()
        early.forget_record()
    assert process.poll() is not None
    assert not (tmp_path / "prefect" / "casebundle-runs" / f"{token}.json").exists()


LAUNCH_AND_EXIT = """
import sys
from flows import early
early.launch_for(["casebundle", "run"])
process, _ = early._launched
print(process.pid, early.token(), flush=True)
sys.exit(2)  # as a run refused at its checks exits, the server never taken
"""


@pytest.mark.slow
def test_a_server_never_taken_is_stopped_when_the_process_exits(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", LAUNCH_AND_EXIT], cwd=REPO,
                          env=cli_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    pid, token = done.stdout.split()
    assert not psutil.pid_exists(int(pid)) or psutil.Process(int(pid)).status() == "zombie"
    assert not (tmp_path / "prefect" / "casebundle-runs" / f"{token}.json").exists()
