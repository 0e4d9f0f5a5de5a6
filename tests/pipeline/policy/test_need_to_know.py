"""redaction_rules/need_to_know.yaml: checked on load, applied per item."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.meeting import MeetingConfig
from pipeline.models import Category, Decision, Item
from pipeline.policy import load_need_to_know
from pipeline.policy.need_to_know import NEED_TO_KNOW_PATH
from pipeline.rules_file import RULES_DIR
from tests.pipeline.policy.helpers import make_item, make_meeting
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


# --- risk items reach the agencies that manage the risk (issue 12, item 7) -------------------
# 003 3.49: "share the information only with the person or people who need to know"; 2.2:
# information "about those who may pose a risk of harm to a child" and, in domestic abuse,
# "where there is indication of high risk of death or serious injury"; 3.46: "refer your
# concerns to children's social care and/or the police".

def _shared(item: Item, recipients: tuple[str, ...] = ("*",)) -> Decision:
    return Decision(item_id=item.item_id, disposition="shared", reasons=(),
                    recipients=recipients)


RISK_VIEWS = [
    # MARAC: the perpetrator's mental-health risk reaches police, probation, housing, IDVA
    ("marac", "F1", "mental_health", "serious_harm_adult", ("*",),
     {"police": True, "probation": True, "housing": True, "idva": True, "csc": True,
      "health": True, "education": False}),
    # ... but not a welfare concern: per category, health and social care only
    ("marac", "F1", "mental_health", "welfare_concern", ("*",),
     {"police": False, "probation": False, "housing": False, "idva": True,
      "education": False}),
    # MASH: a threat to a child reaches the police, and the school for a child at school
    ("mash", "F1", "mental_health", "significant_harm_child", ("*",),
     {"police": True, "education": True, "probation": False, "housing": False}),
    # JAG: a mother's threat to her child reaches the police and the school
    ("jag", "F1", "health", "significant_harm_child", ("*",),
     {"police": True, "education": True, "housing": False}),
    # no child of school age (F2: adults only; F3: no date of birth): no school
    ("mash", "F2", "mental_health", "significant_harm_child", ("*",),
     {"police": True, "education": False}),
    ("mash", "F3", "mental_health", "significant_harm_child", ("*",),
     {"police": True, "education": False}),
    # the school gets risks to a child only, not an adult's risk
    ("marac", "F1", "mental_health", "serious_harm_adult", ("*",), {"education": False}),
    # sexual health stays away from the school and housing even with a risk
    ("marac", "F1", "sexual_health", "significant_harm_child", ("*",),
     {"police": True, "education": False, "housing": False}),
    # restricted_to still decides alone: never widened by a managed risk
    ("marac", "F1", "mental_health", "serious_harm_adult", ("health", "idva"),
     {"police": False, "probation": False, "housing": False, "idva": True, "health": True}),
]


@pytest.mark.parametrize("mtype,family,category,risk,recipients,expected", RISK_VIEWS)
def test_risk_items_reach_those_who_manage_the_risk(mtype, family, category, risk, recipients,
                                                    expected):
    ntk = load_need_to_know()
    meeting = make_meeting(mtype)
    item = make_item(family_ref=family, category=category, risk=risk)
    decision = _shared(item, recipients)
    for agency, receives in expected.items():
        assert ntk.receives(mtype, agency, item, decision, meeting) is receives, agency


def test_without_the_meeting_the_school_rule_sends_nothing():
    ntk = load_need_to_know()
    item = make_item(category="mental_health", risk="significant_harm_child")
    assert ntk.receives("mash", "education", item, _shared(item)) is False
    assert ntk.receives("mash", "police", item, _shared(item)) is True


@pytest.mark.parametrize(
    "dob,at_school",
    [("2022-11-21", False), ("2022-11-20", True), ("2009-11-21", True), ("2008-11-20", False),
     (None, False)],
    ids=["3", "4", "17", "18", "no-dob"],
)
def test_child_at_school_by_age_at_the_meeting(dob, at_school):
    meeting = MeetingConfig.model_validate({
        "meeting": {"id": "M", "type": "mash", "date": "2026-11-20",
                    "purpose": "Decide whether the child is at risk."},
        "agencies": ["police", "school"],
        "families": [{"ref": "F", "members": [
            {"name": "Parent One", "dob": "1990-01-01", "role": "parent"},
            {"name": "Child One", "dob": dob, "role": "child"}]}],
    })
    assert load_need_to_know().child_at_school(meeting, "F") is at_school


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("risk_managers.0.kinds", ["police", "wizards"], "risk_managers.0.kinds: unknown kind(s) wizards"),
        ("risk_managers.0.categories", ["gossip"], "risk_managers.0.categories.0: Input should be"),
        ("risk_managers.0.risks", ["high"], "risk_managers.0.risks.0: Input should be"),
        ("risk_managers.0.meeting_types", [], "risk_managers.0.meeting_types: Tuple should have at least 1"),
        ("risk_managers.0.why", "", "risk_managers.0.why: String should have at least 10"),
        ("school_age", {"min": 0, "max": 17}, "school_age.min: Input should be greater than or equal to 2"),
    ],
)
def test_bad_risk_managers_fail_at_load(tmp_path: Path, path: str, value: Any, message: str) -> None:
    data = copy.deepcopy(REAL)
    node: Any = data
    *parents, last = path.split(".")
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    node[last] = value
    with pytest.raises(ConfigError) as exc:
        load_need_to_know(_write(tmp_path, data))
    assert message in str(exc.value)
