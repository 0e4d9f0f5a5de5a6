"""Fixtures for the merge stage and output writers: a realistic hand-built MeetingRun.

The run itself is described in tests/pipeline/render/sample_run.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.run import MeetingRun
from tests.pipeline.render.sample_run import Sample, build_sample


@pytest.fixture
def sample() -> Sample:
    return build_sample()


@pytest.fixture
def meeting_run(sample: Sample) -> MeetingRun:
    return sample.run


@pytest.fixture
def write_outputs(tmp_path: Path) -> Callable[[MeetingRun], Path]:
    """Write a run's outputs into tmp_path/<meeting_id>/ and return that folder."""
    from pipeline.render import write_meeting_outputs

    def _write(run: MeetingRun) -> Path:
        dest = tmp_path / run.meeting.meeting.id
        write_meeting_outputs(run, dest)
        return dest

    return _write
