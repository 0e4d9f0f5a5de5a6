"""load_meeting validates a config once per process for the same bytes (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.meeting import SAMPLE_MEETING, load_meeting


def test_a_config_validated_from_the_same_bytes_is_not_validated_again(tmp_path: Path) -> None:
    """`casebundle run` checks the meeting and the flow loads it: one validation, one
    object; changed bytes are loaded afresh, and a bad change still fails."""
    path = tmp_path / "meeting.yaml"
    path.write_bytes(SAMPLE_MEETING.read_bytes())
    first = load_meeting(path)
    assert load_meeting(path) is first
    assert load_meeting(str(path)) is first
    changed = SAMPLE_MEETING.read_text(encoding="utf-8").replace(
        first.meeting.id, "jag-changed", 1)
    path.write_text(changed, encoding="utf-8")
    second = load_meeting(path)
    assert second is not first
    assert second.meeting.id == "jag-changed"
    path.write_text(changed.replace("families:", "familes:", 1), encoding="utf-8")
    with pytest.raises(ConfigError):
        load_meeting(path)
    path.unlink()
    with pytest.raises(ConfigError):
        load_meeting(path)
