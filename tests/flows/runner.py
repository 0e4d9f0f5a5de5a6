"""Run `casebundle` as a subprocess with its own Prefect home and state (for slow tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: the console entry point (flows/entry.py: flows/early.py launches the server, then flows/cli.py runs)
CLI = [sys.executable, "-m", "flows.entry"]
REPO = Path(__file__).resolve().parents[2]


def cli_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEBUNDLE_", "PREFECT_"))}
    env.update(PREFECT_HOME=str(root / "prefect"), CASEBUNDLE_STATE_DIR=str(root / "state"),
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", PYTHONPATH=str(REPO))
    env.update(extra)
    return env


def run_cli(root: Path, *args: str, timeout: float = 600, **extra: str
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=root, env=cli_env(root, **extra), text=True,
                          capture_output=True, timeout=timeout, check=False)


def start_cli(root: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*CLI, *args], cwd=root, env=cli_env(root, **extra), text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
