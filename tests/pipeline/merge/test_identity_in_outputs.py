"""The identity outcome in the merge stage: the bundle shows the roster name (the agency's
spelling stays in provenance), one person is one person in the chronology, an unlinked
item never enters a bundle, and the agenda reports an empty inbox and agencies none of
whose rows matched a roster."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from pipeline.merge import build_agenda, build_bundle
from pipeline.merge.agenda import EMPTY_INBOX, NO_ROW_MATCHED
from pipeline.models import MatchOutcome, SubjectMatch
from pipeline.render import agenda_html, agenda_xlsx
from pipeline.render.html_out import bundle_html
from pipeline.render.xlsx_out import bundle_xlsx
from pipeline.run import MeetingRun
from tests.pipeline.render.sample_run import STARTED_AT, Sample, build_sample


@pytest.fixture
def sample() -> Sample:
    return build_sample()


def _link(run: MeetingRun, item_id: str, member: str | None,
          outcome: MatchOutcome = "matched") -> None:
    item = next(i for i in run.items if i.item_id == item_id)
    run.identities[item_id] = SubjectMatch(item_id=item_id, family_ref=item.family_ref,
                                           outcome=outcome, member=member, why="test")


def _all_linked(run: MeetingRun) -> None:
    for i in run.items:
        _link(run, i.item_id, i.subject_name)


def test_bundle_shows_roster_name_and_keeps_the_agencys_spelling(sample: Sample) -> None:
    run = sample.run
    _all_linked(run)
    b = sample.builder
    spelt = b.add("probation", subject_name="KETTERING, Ty", subject_dob=date(2009, 6, 11),
                  event_date=date(2026, 10, 3), category="offending",
                  summary="Ty breached his curfew twice.")
    _link(run, spelt.item_id, "Tyler Kettering")
    bundle = build_bundle(run, "FAM-001")
    item = next(i for i in bundle.items if i.item_id == spelt.item_id)
    assert item.subject_name == "Tyler Kettering"
    assert item.provenance.subject_name_as_submitted == "KETTERING, Ty"
    assert item.provenance.subject_match == "matched: test"
    # the chronology calls him by one name, whatever each agency wrote
    names = {e.subject_name for e in bundle.chronology}
    assert "KETTERING, Ty" not in names and "Tyler Kettering" in names
    (entry,) = [e for e in bundle.chronology if spelt.item_id in e.item_ids]
    assert {s.subject_name_as_submitted for s in entry.sources} == {"KETTERING, Ty"}
    # the printed bundle says who it is, how the agency wrote it, and how it was linked
    ws = openpyxl.load_workbook(io.BytesIO(bundle_xlsx(bundle, STARTED_AT)))["Subject match"]
    rows = {r[0].value: [c.value for c in r] for r in ws.iter_rows(min_row=3)}
    assert rows[spelt.item_id][2:] == ["Tyler Kettering", "KETTERING, Ty",
                                       "Matched to the roster: test"]
    page = bundle_html(bundle)
    assert "<td>Tyler Kettering</td><td>KETTERING, Ty</td><td>Matched to the roster: test</td>" \
        in page


def test_same_event_in_two_spellings_is_one_chronology_entry(sample: Sample) -> None:
    run = sample.run
    _all_linked(run)
    dup_school = sample.ids["dup_school"]
    item = next(i for i in run.items if i.item_id == dup_school)
    run.items[run.items.index(item)] = item.model_copy(update={"subject_name": "Tyler KETERING"})
    bundle = build_bundle(run, "FAM-001")
    (entry,) = [e for e in bundle.chronology if dup_school in e.item_ids]
    assert set(entry.item_ids) == {sample.ids["dup_police"], dup_school}
    assert {s.subject_name_as_submitted for s in entry.sources} == {
        "Tyler Kettering", "Tyler KETERING"}


def test_an_unlinked_shared_item_never_enters_a_bundle(sample: Sample) -> None:
    run = sample.run
    _all_linked(run)
    target = sample.ids["housing"]
    _link(run, target, None, outcome="not_on_roster")
    ids = {i.item_id for i in build_bundle(run, "FAM-001").items}
    assert target not in ids and sample.ids["dup_police"] in ids


def test_agenda_names_an_agency_none_of_whose_rows_matched(sample: Sample) -> None:
    run = sample.run
    _all_linked(run)
    for item in run.items:
        if item.agency == "housing":
            _link(run, item.item_id, None, outcome="other_family")
    agenda = build_agenda(run)
    (housing,) = [s for s in agenda.silent_agencies if s.agency == "housing"]
    assert housing.status.startswith(NO_ROW_MATCHED)
    assert agenda.notices == ()
    html = agenda_html(agenda)
    assert NO_ROW_MATCHED.replace("'", "&#39;") in html


def test_agenda_and_workbook_report_an_empty_inbox() -> None:
    sample = build_sample()
    empty = MeetingRun(run_id="r", started_at=STARTED_AT, meeting=sample.run.meeting,
                       meeting_config_path="m", inbox="i")
    agenda = build_agenda(empty)
    assert agenda.notices == (EMPTY_INBOX,)
    assert {s.status for s in agenda.silent_agencies} == {"no file received"}
    assert "The inbox was empty" in agenda_html(agenda)
    wb = openpyxl.load_workbook(io.BytesIO(agenda_xlsx(agenda, STARTED_AT)))
    assert wb.sheetnames[0] == "Notices"
    assert "The inbox was empty" in wb["Notices"]["A3"].value


def test_run_summary_attention_lines(sample: Sample) -> None:
    from pipeline.publish import attention

    run = sample.run
    _all_linked(run)
    assert attention(run) == []
    rows = 0
    for item in run.items:
        if item.agency == "police":
            _link(run, item.item_id, None, outcome="not_on_roster")
            rows += 1
    assert attention(run) == [f"police: none of its {rows} valid rows matched a family's "
                              "roster (check family_ref, subject_name and subject_dob)"]
    empty = MeetingRun(run_id="r", started_at=STARTED_AT, meeting=run.meeting,
                       meeting_config_path="m", inbox="i")
    assert attention(empty) == ["inbox empty: no agency submitted a file"]
