"""Pause points for fault-injection tests (tests/flows/test_faults.py).

`checkpoint(name)` does nothing unless the environment variable CASEBUNDLE_PAUSE_AT names
this point. Then it writes the process id to the file named by CASEBUNDLE_PAUSE_FILE and
waits (up to CASEBUNDLE_PAUSE_SECONDS, default 300), so that a test can kill the run with
SIGKILL at exactly this point and check what the next run finds. Points: reading,
redacting, writing, auditing, swapping.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV_POINT = "CASEBUNDLE_PAUSE_AT"
ENV_FILE = "CASEBUNDLE_PAUSE_FILE"
ENV_SECONDS = "CASEBUNDLE_PAUSE_SECONDS"


def checkpoint(name: str) -> None:
    """Pause here if a fault-injection test asked for this point; otherwise return."""
    if os.environ.get(ENV_POINT) != name:
        return
    marker = os.environ.get(ENV_FILE)
    if marker:
        Path(marker).write_text(f"{os.getpid()}\n", encoding="utf-8")
    time.sleep(float(os.environ.get(ENV_SECONDS) or 300))
