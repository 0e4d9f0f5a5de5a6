"""Prefect's temporary server launched as `casebundle run` begins (flows/early.py, issue 15):
only for a run that will want one, recorded for the cleanup after a killed run before it
is launched, adopted by the run, and stopped when a run refused at its checks never took it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest

from flows import early
from flows.runners import EarlyServer
from flows.server import ENV_TOKEN, SERVER_MARK
from tests.flows.runner import REPO, cli_env, run_cli


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
    for name in ONE_SHOT_FIELDS:  # a server for this run only
        assert proc.environ()[name] == "false", name
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


# --- the one-shot defaults of a server launched for one run ------------------------------

#: what each one-shot setting switches off, as Prefect 3.8.8 names the setting
ONE_SHOT_FIELDS = {
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "server.register_blocks_on_start",
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "server.memoize_block_auto_registration",
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "server.services.triggers.enabled",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "server.services.event_persister.enabled",
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "server.events.stream_out_enabled",
}


def _field(path: str) -> Any:
    from prefect.settings.models.root import Settings

    model: Any = Settings
    *parents, name = path.split(".")
    for part in parents:
        model = model.model_fields[part].annotation
    return model.model_fields[name]


def _value(settings: Any, path: str) -> Any:
    for part in path.split("."):
        settings = getattr(settings, part)
    return settings


def test_every_one_shot_setting_is_named_as_prefect_reads_it() -> None:
    """Each setting under every environment name Prefect 3.8.8 reads it from, the current
    name first: a user's value under an old name must be seen, or ours would override it."""
    settings = [(names, value) for group in early.ONE_SHOT_SERVER for names, value in group]
    assert {names[0] for names, _ in settings} == set(ONE_SHOT_FIELDS)
    for names, value in settings:
        field = _field(ONE_SHOT_FIELDS[names[0]])
        aliases = tuple(a.upper() for a in field.validation_alias.choices if isinstance(a, str))
        assert names == aliases
        assert field.default is True and value == "false"


def _server_settings(env: dict[str, str], tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> Any:
    """Prefect's settings as a server process started with `env` reads them."""
    from prefect.settings.models.root import Settings

    with monkeypatch.context() as m:
        for name in list(os.environ):
            if name.startswith("PREFECT_"):
                m.delenv(name)
        for name, value in env.items():
            if name.startswith("PREFECT_"):
                m.setenv(name, value)
        m.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
        return Settings()


def _services(settings: Any) -> tuple[set[str], set[str]]:
    """The services and periodic services a temporary server runs under `settings`."""
    import prefect.server.api.background_workers  # noqa: F401 - registers the periodic ones
    from prefect.context import SettingsContext, get_settings_context
    from prefect.server.services.base import RunInEphemeralServers
    from prefect.server.services.perpetual_services import get_enabled_perpetual_services

    with SettingsContext(profile=get_settings_context().profile, settings=settings):
        return ({s.__name__ for s in RunInEphemeralServers.enabled_services()},
                {c.function.__name__ for c in get_enabled_perpetual_services(ephemeral=True)})


def test_the_launched_server_runs_only_what_one_run_needs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the one-shot defaults the server registers no block types and runs only the
    task-run recorder (task runs reach it as events); without them it runs more."""
    for name in ("PREFECT_PROFILES_PATH", "PREFECT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    one_shot = _server_settings(early.server_environment(), tmp_path, monkeypatch)
    for path in ONE_SHOT_FIELDS.values():
        assert _value(one_shot, path) is False, path
    assert one_shot.server.services.task_run_recorder.enabled is True
    assert _services(one_shot) == ({"TaskRunRecorder"}, set())
    plain = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    services, _ = _services(_server_settings(plain, tmp_path, monkeypatch))
    assert {"TaskRunRecorder", "EventPersister", "ReactiveTriggers", "Actions",
            "Distributor"} <= services


@pytest.mark.parametrize(("env", "profile", "left"), [
    # a value under the current name or an old one, true or false: that group is the user's
    ({"PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "true"}, {},
     {"PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED"}),
    ({"PREFECT_API_SERVICES_EVENT_PERSISTER_ENABLED": "false"}, {},
     {"PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"}),
    ({}, {"PREFECT_API_EVENTS_STREAM_OUT_ENABLED": "true"},
     {"PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED"}),
    # block registration and its memo go together: registration off with the memo on
    # would record blocks as registered that never were
    ({"PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "true"}, {},
     {"PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
      "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION"}),
    ({}, {"PREFECT_API_BLOCKS_REGISTER_ON_START": "true"},
     {"PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
      "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION"}),
    ({}, {}, set()),
])
def test_a_value_the_user_set_wins(env: dict[str, str], profile: dict[str, str],
                                   left: set[str]) -> None:
    defaults = early.one_shot_defaults(env, profile)
    assert set(defaults) == set(ONE_SHOT_FIELDS) - left
    assert all(value == "false" for value in defaults.values())


def _write_profile(home: Path, settings: dict[str, str]) -> None:
    home.mkdir(parents=True, exist_ok=True)
    lines = ['active = "mine"', "", "[profiles.mine]"]
    lines += [f'{name} = "{value}"' for name, value in settings.items()]
    (home / "profiles.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_active_profile_is_read_without_prefect(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting in the active Prefect profile wins as one in the environment does, and a
    server named there is not replaced by a launched one."""
    home = tmp_path / "prefect-home"
    for name in ("PREFECT_PROFILES_PATH", "PREFECT_PROFILE", "PREFECT_API_URL",
                 "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED",
                 "PREFECT_API_SERVICES_TRIGGERS_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(home))
    assert early.wants_early_server(["casebundle", "run"])
    _write_profile(home, {"PREFECT_API_SERVICES_TRIGGERS_ENABLED": "true"})
    assert "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED" not in early.server_environment()
    assert early.server_environment()["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] \
        == "false"
    _write_profile(home, {"PREFECT_API_URL": "http://127.0.0.1:4200/api"})
    assert not early.wants_early_server(["casebundle", "run"])
    monkeypatch.setenv("PREFECT_PROFILE", "another")  # not the active one: not read
    assert early.wants_early_server(["casebundle", "run"])


#: a stand-in for a launched server: answers every GET with 200, as /api/health does
FAKE_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
"""


def _fake_server() -> tuple[subprocess.Popen[bytes], int]:
    port = early.free_port()
    return subprocess.Popen([sys.executable, "-c", FAKE_SERVER, str(port)]), port


def test_a_run_on_the_temporary_server_sends_no_heartbeats_unless_set() -> None:
    """Flow-run heartbeats serve a long-running server; the run's settings switch them
    off, and a value the user set (here as Prefect's settings would hold it) wins."""
    from prefect.settings import (
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        get_current_settings,
        temporary_settings,
    )

    server = EarlyServer(_fake_server())
    try:
        assert server.api_url()
        assert get_current_settings().flows.heartbeat_frequency == 180  # Prefect's default
        with temporary_settings(set_defaults=server.run_settings()):
            assert get_current_settings().flows.heartbeat_frequency is None
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 60}), \
                temporary_settings(set_defaults=server.run_settings()):
            assert get_current_settings().flows.heartbeat_frequency == 60
    finally:
        server.stop()


def test_a_configured_server_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """PREFECT_API_URL set where flows/early.py does not look (prefect.toml, say): the
    server launched as the command began is stopped, the run gets no settings of ours."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    process, port = _fake_server()
    try:
        with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
            server = EarlyServer((process, port))
            assert process.wait(timeout=10) is not None
            assert server.api_url() is None
            assert server.run_settings() == {}
            server.stop()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_a_run_on_the_one_shot_server_records_its_flow_task_runs_and_artifact(
        tmp_path: Path) -> None:
    """The sample meeting through `casebundle run`: Prefect still records the flow run,
    every task run (reported as events, recorded by the task-run recorder) and the
    artifact; and the server kept no events and registered no block types."""
    done = run_cli(tmp_path, "run", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(tmp_path / "prefect" / "prefect.db")
    try:
        flow_runs = con.execute("select state_type from flow_run").fetchall()
        task_runs = con.execute("select name, state_type from task_run").fetchall()
        artifacts = con.execute("select key, type from artifact").fetchall()
        events = con.execute("select count(*) from events").fetchone()
        block_types = con.execute("select count(*) from block_type").fetchone()
    finally:
        con.close()
    assert flow_runs == [("COMPLETED",)]
    assert {state for _, state in task_runs} == {"COMPLETED"}
    assert {name.rsplit("-", 1)[0] for name, _ in task_runs} >= {
        "read-and-validate-file", "match-subjects", "decide", "apply-identity",
        "redact-families", "write-families"}
    assert artifacts == [("casebundle-jag-2026-12", "markdown")]
    assert events == (0,) and block_types == (0,)
    assert not (tmp_path / "prefect" / "memo_store.toml").exists()
