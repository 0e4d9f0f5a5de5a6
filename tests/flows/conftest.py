"""One real run of the Prefect flow on the sample meeting, shared by the flow tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Run `prepare_meeting` once on sample_inputs/ through Prefect's embedded mode."""
    root = tmp_path_factory.mktemp("sample_run")
    env = {
        "PREFECT_HOME": str(root / "prefect"),
        "CASEBUNDLE_STATE_DIR": str(root / "state"),
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        from flows.prepare import prepare_meeting  # first: flows sets Prefect's defaults

        out = root / "outputs"
        from prefect.settings import PREFECT_HOME, temporary_settings

        # Prefect reads the environment once, when first imported: another test module may
        # have imported it already, so its home is also set for this run explicitly
        with temporary_settings(updates={PREFECT_HOME: env["PREFECT_HOME"]}):
            summary = prepare_meeting(meeting_config=str(SAMPLE_MEETING),
                                      inbox=str(SAMPLE_INBOX), out=str(out),
                                      state_dir=str(root / "state"))
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    meeting = load_meeting(SAMPLE_MEETING)
    yield {"summary": summary, "out": out, "dir": out / meeting.meeting.id,
           "meeting": meeting, "root": root}
    # stop Prefect's temporary server while pytest still owns stdout (not at exit)
    from prefect.server.api.server import SubprocessASGIServer

    for server in list(SubprocessASGIServer._instances.values()):
        server.stop()


def all_output_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())
