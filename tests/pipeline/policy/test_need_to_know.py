"""redaction_rules/need_to_know.yaml: checked on load, applied per item."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.models import Category, Decision
from pipeline.policy import load_need_to_know
from pipeline.policy.need_to_know import NEED_TO_KNOW_PATH
from pipeline.rules_file import RULES_DIR
from tests.pipeline.render.sample_run import build_sample

REAL = yaml.safe_load((RULES_DIR / "need_to_know.yaml").read_text())


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "need_to_know.yaml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def test_the_shipped_table_loads() -> None:
    ntk = load_need_to_know()
    assert NEED_TO_KNOW_PATH == RULES_DIR / "need_to_know.yaml"
    assert ntk.kind_of("police") == "police"
    assert ntk.kind_of("school") == "education"
    assert ntk.kind_of("yos") == "youth_justice"
    assert ntk.kind_of("csc") == "social_care"


@pytest.mark.parametrize("meeting_type", ["jag", "mash", "marac"])
def test_detailed_health_goes_only_to_health_and_social_care(meeting_type: str) -> None:
    ntk = load_need_to_know()
    for category in ("health", "mental_health", "sexual_health"):
        kinds = {k for k in ntk.kinds if category in ntk.meeting_types[meeting_type][k]}  # type: ignore[index]
        assert kinds == {"health", "social_care"}, (meeting_type, category)


@pytest.mark.parametrize("meeting_type", ["jag", "mash", "marac"])
def test_health_and_social_care_receive_every_category(meeting_type: str) -> None:
    ntk = load_need_to_know()
    for kind in ("health", "social_care"):
        assert set(ntk.meeting_types[meeting_type][kind]) == set(get_args(Category))  # type: ignore[index]


def _mutate(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(REAL)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("meeting_types.jag.police", ["asb", "gossip"], "meeting_types.jag.police.1: Input should be"),
        ("meeting_types.mash.police", _DELETE, "meeting_types.mash: no categories for kind(s) police"),
        ("meeting_types.marac", _DELETE, "no table for marac"),
        ("meeting_types.jag.wizards", ["asb"], "meeting_types.jag: unknown kind(s) wizards"),
        ("agency_kinds.police", "constabulary", "agency_kinds.police: kind 'constabulary' is not one of kinds"),
        ("agency_kinds.Police-HQ", "police", "'Police-HQ' is not a lower-case agency code"),
        ("default_kind", "anyone", "default_kind: 'anyone' is not one of kinds"),
        ("version", 2, "version: Input should be 1"),
        ("extra", True, "extra: Extra inputs are not permitted"),
        ("kinds", ["police", "police"], "kinds: a kind is listed twice"),
    ],
)
def test_bad_tables_fail_at_load_naming_file_and_problem(
    tmp_path: Path, path: str, value: Any, message: str
) -> None:
    bad = _write(tmp_path, _mutate(path, value))
    with pytest.raises(ConfigError) as exc:
        load_need_to_know(bad)
    text = str(exc.value)
    assert str(bad) in text
    assert "invalid need-to-know table" in text
    assert message in text


def test_unreadable_and_missing_tables_fail(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read as YAML"):
        load_need_to_know(_write(tmp_path, "kinds: [police\n"))
    with pytest.raises(ConfigError, match="file not found"):
        load_need_to_know(tmp_path / "missing.yaml")


def test_the_good_table_written_back_still_loads(tmp_path: Path) -> None:
    assert load_need_to_know(_write(tmp_path, REAL)) == load_need_to_know()


@pytest.mark.parametrize(
    ("agency", "category", "recipients", "expected"),
    [
        ("police", "asb", ("*",), True),
        ("police", "mental_health", ("*",), False),  # table: not police's to know
        ("health", "mental_health", ("*",), True),
        ("police", "mental_health", ("police",), True),  # named: overrides the table
        ("police", "asb", ("csc", "health"), False),  # restricted to others
        ("csc", "asb", ("csc", "health"), True),
        ("faith_group", "asb", ("*",), False),  # unknown agency: conservative default
        ("faith_group", "asb", ("faith_group",), True),
    ],
)
def test_receives(agency: str, category: str, recipients: tuple[str, ...], expected: bool) -> None:
    ntk = load_need_to_know()
    item = build_sample().run.items[0].model_copy(update={"category": category})
    decision = Decision(item_id=item.item_id, disposition="shared", reasons=(), recipients=recipients)
    assert ntk.receives("jag", agency, item, decision) is expected
