"""Scale-out on existing engines: a Prefect server backed by PostgreSQL, and the flow's
redaction and writing maps on a Dask LocalCluster of two worker processes, all on loopback.

The sample meeting run that way must write the same outputs as the embedded run
(tests/support/outputs.py: everything but run ids and timestamps), the flow run and its
artifact must be in PostgreSQL, and the work must have run in two Dask worker processes.
Needs Debian's `postgresql` (.ci/run installs it); marked `scale`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING
from tests.support.outputs import differences

pytestmark = [pytest.mark.scale, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
CASEBUNDLE = Path(sys.executable).with_name("casebundle")


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "CASEBUNDLE_"))}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", **extra)
    return env


@pytest.fixture(scope="module")
def postgres() -> Iterator[tuple[str, Path, int]]:
    """A throw-away PostgreSQL cluster on 127.0.0.1 (trust auth, loopback only)."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("Debian's postgresql is not installed (.ci/run installs it)")
    root = Path(tempfile.mkdtemp(prefix="casebundle-pg-", dir="/tmp"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8"]),
                   check=True, capture_output=True)
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                                 str(root / "log"), "-w", "-t", "60", "-o",
                                 f"-h 127.0.0.1 -p {port} -k {root}", "start"]),
                   check=True, capture_output=True)
    try:
        subprocess.run(_as_postgres([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p",
                                     str(port), "-U", "postgres", "prefect"]),
                       check=True, capture_output=True)
        yield (f"postgresql+asyncpg://postgres@127.0.0.1:{port}/prefect", bin_dir, port)
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                     "-w", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def prefect_server(postgres: tuple[str, Path, int], tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[str]:
    """`prefect server start` on loopback with its database in PostgreSQL."""
    url, _, _ = postgres
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
         str(port), "--no-ui"],
        env=_clean_env(PREFECT_HOME=str(home), PREFECT_API_DATABASE_CONNECTION_URL=url,
                       PREFECT_UI_ENABLED="false"),
        stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise AssertionError("Prefect server did not start:\n"
                                     + (home / "server.log").read_text(errors="replace")[-3000:])
            time.sleep(1)
        yield api
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _run(out: Path, state: Path, home: Path, *extra: str, **env: str) -> str:
    result = subprocess.run(
        [str(CASEBUNDLE), "run", "--meeting", str(SAMPLE_MEETING), "--inbox",
         str(SAMPLE_INBOX), "--out", str(out), "--state", str(state), *extra],
        env=_clean_env(PREFECT_HOME=str(home), CASEBUNDLE_STATE_DIR=str(state), **env),
        cwd=REPO, capture_output=True,
        text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout + result.stderr


def test_dask_on_a_postgres_backed_server_writes_what_the_embedded_run_writes(
        tmp_path: Path, postgres: tuple[str, Path, int], prefect_server: str) -> None:
    started = time.monotonic()
    embedded = _run(tmp_path / "embedded", tmp_path / "state-embedded", tmp_path / "home-e")
    embedded_s = time.monotonic() - started
    started = time.monotonic()
    scaled = _run(tmp_path / "dask", tmp_path / "state-dask", tmp_path / "home-d",
                  "--dask-workers", "2", PREFECT_API_URL=prefect_server)
    dask_s = time.monotonic() - started
    print(f"embedded run {embedded_s:.1f} s; Dask (2 workers) on PostgreSQL {dask_s:.1f} s")

    meeting = "jag-2026-12"
    assert differences(tmp_path / "embedded" / meeting, tmp_path / "dask" / meeting) == []
    # both ran their redaction and writing in two processes: the pool, then Dask's workers
    assert "redaction in 2 processes" in embedded, embedded[-2000:]
    assert "redaction in 2 processes" in scaled, scaled[-2000:]
    assert "distributed" in scaled  # the Dask cluster's own log lines
    # the flow run, its task runs and its artifact are in PostgreSQL
    _, bin_dir, port = postgres

    def sql(query: str) -> str:
        return subprocess.run(
            _as_postgres([str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U",
                          "postgres", "-d", "prefect", "-At", "-c", query]),
            check=True, capture_output=True, text=True).stdout.strip()

    assert sql("select state_type from flow_run") == "COMPLETED"
    assert int(sql("select count(*) from task_run where name like 'redact-families%'")) >= 1
    artifact = sql("select data from artifact where key = 'casebundle-jag-2026-12'")
    assert "| police |" in artifact and "Items awaiting review: 13" in artifact
