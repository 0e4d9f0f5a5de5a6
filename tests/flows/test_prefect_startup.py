"""Prefect's temporary server: a generous start-up timeout, and a clear message if it fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.prepare import PrefectServerError, server_start_failure
from pipeline.errors import TransientError

REPO = Path(__file__).resolve().parents[2]
SETTING = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
PRINT_TIMEOUT = ("import flows\n"
                 "from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as S\n"
                 "print(S.value())\n")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != SETTING}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), **extra)
    return env


@pytest.mark.parametrize(("extra", "expected"), [({}, "120"), ({SETTING: "45"}, "45")])
def test_startup_timeout_is_generous_by_default_and_overridable(
        tmp_path: Path, extra: dict[str, str], expected: str) -> None:
    # a fresh interpreter: Prefect reads its settings once, when it is first imported
    out = subprocess.run([sys.executable, "-c", PRINT_TIMEOUT], env=_env(tmp_path, **extra),
                         cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == expected


def test_only_prefects_startup_timeout_is_translated() -> None:
    assert server_start_failure(RuntimeError("something else broke")) is None
    assert server_start_failure(ValueError(
        "Timed out while attempting to connect to ephemeral Prefect API server.")) is None
    err = server_start_failure(RuntimeError(
        "Timed out while attempting to connect to ephemeral Prefect API server. Ephemeral "
        "server process exited with code 3."))
    assert isinstance(err, PrefectServerError) and isinstance(err, TransientError)
    text = str(err)
    assert "did not start within" in text and "exited with code 3" in text
    assert "no inputs were read and no outputs were written" in text
    assert SETTING in text and "PREFECT_API_URL" in text


@pytest.mark.slow
def test_run_explains_a_server_that_does_not_start(tmp_path: Path) -> None:
    """With no time allowed, the server cannot answer: the CLI says what failed and what to
    try, exits 2, and writes nothing (no traceback)."""
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "flows.entry", "run", "--out", str(out)],
        env=_env(tmp_path, **{SETTING: "0", "CASEBUNDLE_STATE_DIR": str(tmp_path / "state")}),
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "Prefect's temporary local server did not start within 0 s" in result.stderr
    assert f"{SETTING}=300" in result.stderr
    assert str(tmp_path / "prefect") in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists()
