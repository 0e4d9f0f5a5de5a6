"""The meeting config is validated on load; errors name the file, the field and the fix."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.meeting import SAMPLE_MEETING, load_meeting
from tests.conftest import MEETING


def _write(tmp_path, data):
    p = tmp_path / "meeting.yaml"
    p.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return p


def test_sample_meeting_loads():
    cfg = load_meeting(SAMPLE_MEETING)
    assert cfg.meeting.type == "jag" and len(cfg.families) >= 3


def _broken(path_to_key, value):
    data = copy.deepcopy(MEETING)
    target: Any = data
    for k in path_to_key[:-1]:
        target = target[k]
    target[path_to_key[-1]] = value
    return data


@pytest.mark.parametrize(("data", "field"), [
    (_broken(["meeting", "type"], "court"), "meeting.type"),
    (_broken(["meeting", "id"], "../../etc"), "meeting.id"),
    (_broken(["meeting", "date"], "soon"), "meeting.date"),
    (_broken(["meeting", "lookback_months"], 0), "meeting.lookback_months"),
    (_broken(["meeting", "purpose"], "x"), "meeting.purpose"),
    (_broken(["meeting", "extra"], "x"), "meeting.extra"),
    (_broken(["agencies"], ["Police Force"]), "agencies"),
    (_broken(["agencies"], ["police", "police"]), "agencies"),
    (_broken(["families"], []), "families"),
    (_broken(["families", 0, "ref"], "FAM/1"), "families.0.ref"),
    (_broken(["families", 0, "members", 0, "role"], "aunt"), "families.0.members.0.role"),
    (_broken(["families", 1, "ref"], "FAM-001"), "a family ref is listed twice"),
])
def test_bad_config_names_the_field(tmp_path, data, field):
    with pytest.raises(ConfigError) as err:
        load_meeting(_write(tmp_path, data))
    text = str(err.value)
    assert field in text
    assert "meeting.yaml" in text and "docs/meeting-config.md" in text


@pytest.mark.parametrize("text", ["meeting: [unclosed", "", "- just\n- a list\n"])
def test_unreadable_or_wrong_shape_config(tmp_path, text):
    with pytest.raises(ConfigError):
        load_meeting(_write(tmp_path, text))


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_meeting(tmp_path / "nope.yaml")
