"""load_rules loads a meeting's rules once per process for the same files and environment
(issue 15): `casebundle run` loads them while Prefect's server starts, and the flow's own
load is then that one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.meeting import SAMPLE_MEETING
from pipeline.rulebook import load_rules
from pipeline.rules_file import RULES_DIR


@pytest.fixture
def meeting(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.yaml"
    path.write_bytes(SAMPLE_MEETING.read_bytes())
    return path


def test_the_same_files_give_the_same_rules(meeting: Path) -> None:
    first = load_rules(meeting)
    assert load_rules(meeting) is first
    assert load_rules(Path(str(meeting))) is first


def test_a_changed_meeting_config_is_loaded_afresh_and_a_bad_one_still_fails(
        meeting: Path) -> None:
    first = load_rules(meeting)
    changed = meeting.read_text(encoding="utf-8").replace(first.meeting.meeting.id,
                                                          "jag-changed", 1)
    meeting.write_text(changed, encoding="utf-8")
    second = load_rules(meeting)
    assert second is not first and second.meeting.meeting.id == "jag-changed"
    meeting.write_text(changed.replace("families:", "familes:", 1), encoding="utf-8")
    with pytest.raises(ConfigError):
        load_rules(meeting)
    meeting.unlink()
    with pytest.raises(ConfigError):
        load_rules(meeting)


def test_a_changed_rules_file_is_loaded_afresh(meeting: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    first = load_rules(meeting, rules)
    assert load_rules(meeting, rules) is first
    labels = rules / "labels.yaml"
    labels.write_text(labels.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert load_rules(meeting, rules) is not first


def test_the_casebundle_environment_is_part_of_what_was_loaded(
        meeting: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit settings read the state folder from the environment: another state
    folder is another set of rules."""
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(tmp_path / "one"))
    first = load_rules(meeting)
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(tmp_path / "two"))
    second = load_rules(meeting)
    assert second is not first
    assert second.audit != first.audit
