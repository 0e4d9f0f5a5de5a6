"""Recipient views: each agency gets only what it needs to know (3.49)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl

from pipeline.merge import ONWARD_NOTICE
from pipeline.run import MeetingRun
from tests.pipeline.render.sample_run import Sample

Write = Callable[[MeetingRun], Path]


def _item_ids(out: Path, agency: str, family: str = "FAM-001") -> set[str]:
    doc = json.loads((out / "recipients" / agency / f"{family}.json").read_text())
    chron = {i for e in doc["chronology"] for i in e["item_ids"]}
    items = {i["item_id"] for i in doc["items"]}
    assert chron == items  # the chronology never shows more than the items
    return items


def _xlsx_ids(out: Path, agency: str, family: str = "FAM-001") -> set[str]:
    ws = openpyxl.load_workbook(out / "recipients" / agency / f"{family}.xlsx")["Provenance"]
    return {r[0].value for r in ws.iter_rows(min_row=3)}



def _html(out: Path, agency: str, family: str = "FAM-001") -> str:
    return (out / "recipients" / agency / f"{family}.html").read_text()


def test_health_only_item_is_absent_from_police_view(sample: Sample, write_outputs: Write) -> None:
    out = write_outputs(sample.run)
    opinion = sample.ids["opinion"]  # mental_health, recipients "*"
    assert opinion not in _item_ids(out, "police")
    assert opinion not in _xlsx_ids(out, "police")
    assert "low mood" not in _html(out, "police")
    assert "[Professional B]" not in _html(out, "police")
    # ...but health and social care receive it, and so does the chair
    assert opinion in _item_ids(out, "health")
    assert opinion in _item_ids(out, "csc")
    assert "low mood" in (out / "bundles" / "FAM-001.html").read_text()


def test_restricted_item_reaches_only_the_named_agencies(sample: Sample, write_outputs: Write) -> None:
    out = write_outputs(sample.run)
    restricted = sample.ids["restricted"]  # police item, recipients ("csc", "health")
    holders = {a for a in sample.run.meeting.agencies if restricted in _item_ids(out, a)}
    assert holders == {"csc", "health"}
    assert {a for a in sample.run.meeting.agencies if restricted in _xlsx_ids(out, a)} == holders
    for agency in set(sample.run.meeting.agencies) - holders:
        assert "[Third party C]" not in _html(out, agency)


def test_naming_an_agency_overrides_the_table(sample: Sample, write_outputs: Write) -> None:
    # sexual_health is not in the table for education, but the decision names the school
    item = sample.builder.add(
        "health", category="sexual_health", summary="Attended clinic.",
        decision={"recipients": ("school",)},
    )
    out = write_outputs(sample.run)
    assert item.item_id in _item_ids(out, "school")
    assert item.item_id not in _item_ids(out, "health")  # not named, so not sent
    assert item.item_id not in _item_ids(out, "csc")


def test_unknown_agency_kind_receives_nothing_by_default(sample: Sample, write_outputs: Write) -> None:
    out = write_outputs(sample.run)
    # "probation" is mapped; check an agency code absent from the table via the loader
    from pipeline.policy import load_need_to_know

    ntk = load_need_to_know()
    assert ntk.kind_of("faith_group") == ntk.default_kind == "other"
    assert not any(ntk.allows(t, "faith_group", c) for t in ("jag", "mash", "marac")
                   for c in ("asb", "offending", "other", "health"))
    assert _item_ids(out, "school") == {sample.ids["dup_police"], sample.ids["dup_school"]}


def test_recipient_views_carry_the_onward_sharing_notice(sample: Sample, write_outputs: Write) -> None:
    out = write_outputs(sample.run)
    html = _html(out, "police")
    header = html.split("<main>")[0]
    assert ONWARD_NOTICE in header
    doc = json.loads((out / "recipients" / "police" / "FAM-001.json").read_text())
    assert ONWARD_NOTICE in doc["handling"]
    assert doc["view"] == {"audience": "recipient", "recipient": "police", "recipient_kind": "police"}
    assert doc["summary"]["awaiting_review"] is None
    for ws in openpyxl.load_workbook(out / "recipients" / "police" / "FAM-001.xlsx").worksheets:
        assert ONWARD_NOTICE in ws.oddHeader.center.text
        assert ONWARD_NOTICE in ws.oddFooter.center.text
    chair = json.loads((out / "bundles" / "FAM-001.json").read_text())
    assert ONWARD_NOTICE not in chair["handling"]


def test_recipient_summary_and_persons_reflect_only_visible_items(
    sample: Sample, write_outputs: Write
) -> None:
    out = write_outputs(sample.run)
    school = json.loads((out / "recipients" / "school" / "FAM-001.json").read_text())
    assert school["summary"]["shared_per_agency"] == {"police": 1, "school": 1}
    assert school["summary"]["highest_risk"] == "crime_disorder"
    assert [p["pseudonym"] for p in school["persons_of_concern"]] == ["[Third party A]"]
    sample.run.items[:] = [
        i for i in sample.run.items
        if i.item_id not in (sample.ids["dup_police"], sample.ids["dup_school"])
    ]
    out = write_outputs(sample.run)
    school = json.loads((out / "recipients" / "school" / "FAM-001.json").read_text())
    assert school["persons_of_concern"] == []


def test_every_agency_gets_a_view_of_every_family(sample: Sample, write_outputs: Write) -> None:
    out = write_outputs(sample.run)
    expected = sorted(f"FAM-00{n}.{ext}" for n in range(1, 5) for ext in ("html", "json", "xlsx"))
    for agency in sample.run.meeting.agencies:
        assert sorted(p.name for p in (out / "recipients" / agency).iterdir()) == expected


def test_recipients_by_item_matches_the_views_written(sample: Sample, write_outputs: Write) -> None:
    from pipeline.merge import CHAIR, recipients_by_item
    from pipeline.policy import load_need_to_know

    out = write_outputs(sample.run)
    got = recipients_by_item(sample.run, load_need_to_know())
    expected: dict[str, list[str]] = {}
    for family in ("FAM-001", "FAM-002", "FAM-003", "FAM-004"):
        chair = json.loads((out / "bundles" / f"{family}.json").read_text())
        for item in chair["items"]:
            expected[item["item_id"]] = [CHAIR]
        for agency in sorted(sample.run.meeting.agencies):
            for item_id in sorted(_item_ids(out, agency, family)):
                expected[item_id].append(agency)
    assert got == {k: tuple(v) for k, v in expected.items()}
    assert got[sample.ids["restricted"]] == ("chair", "csc", "health")
    assert sample.ids["withheld"] not in got and sample.ids["failed"] not in got
