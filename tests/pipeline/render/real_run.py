"""The sample meeting (sample_inputs/) run through the real stages, without Prefect.

The same stage functions, in the same order, as flows/prepare.py calls them as tasks
(tests/support/stages.py): ingest, identity, decide, redact (per family), ledger, publish.
The render tests print what this writes; the one end-to-end test through Prefect is
tests/flows/test_prepare_meeting.py.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING
from tests.support.stages import prepare_in_process

#: a fixed start time, so that "historic" and dates in the outputs do not drift
STARTED_AT = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


def run_sample(out: Path, state: Path, meeting: Path = SAMPLE_MEETING,
               inbox: Path = SAMPLE_INBOX) -> Path:
    """Run the meeting into `out`; return `<out>/<meeting_id>/`.

    The audit store is found through CASEBUNDLE_STATE_DIR: the caller sets it (to `state`).
    """
    summary = prepare_in_process(meeting, inbox, out, state, run_id="render-test",
                                 started_at=STARTED_AT)
    return out / summary["meeting_id"]


if __name__ == "__main__":  # pragma: no cover - a developer's shortcut
    import sys

    os.environ["CASEBUNDLE_STATE_DIR"] = sys.argv[2]
    folder = run_sample(Path(sys.argv[1]), Path(sys.argv[2]))

    print(folder)  # noqa: T201
