"""The merge stage: MeetingRun -> bundle and agenda view models (no files)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.merge import REMINDER_TEXT, build_agenda, build_bundle, build_bundles, chronology
from pipeline.merge.bundle import member_age
from pipeline.models import RISK_ORDER, highest_risk
from tests.pipeline.render.sample_run import RAW_NAMES, Sample, build_sample


@pytest.fixture
def sample() -> Sample:
    return build_sample()


def _entry_of(bundle, item_id):
    return next(e for e in bundle.chronology if item_id in e.item_ids)


# --- what goes in ---------------------------------------------------------------------


def test_only_shared_items_with_redacted_text_enter_the_bundle(sample: Sample) -> None:
    ids = sample.ids
    bundle = build_bundle(sample.run, "FAM-001")
    in_bundle = {i.item_id for i in bundle.items}
    assert in_bundle == {
        ids["dup_police"], ids["dup_school"], ids["opinion"], ids["housing"],
        ids["restricted"], ids["historic"],
    }
    # withheld, review and the shared item whose redaction failed are all left out
    assert not in_bundle & {ids["withheld"], ids["review"], ids["failed"]}


def test_free_text_comes_from_redactions_never_from_raw_fields(sample: Sample) -> None:
    bundle = build_bundle(sample.run, "FAM-001")
    dup = next(i for i in bundle.items if i.item_id == sample.ids["dup_police"])
    assert dup.text == "Tyler was seen with [Third party A] throwing stones at buses on Elm Road."
    opinion = next(i for i in bundle.items if i.item_id == sample.ids["opinion"])
    assert opinion.sharing_basis.opinion_of == "[Professional B], GP"
    assert opinion.sharing_basis.rationale == "[Professional B] judged the children's welfare at risk."
    dump = repr(bundle)
    for name in RAW_NAMES:
        assert name not in dump


def test_missing_redaction_of_rationale_gives_none_not_raw(sample: Sample) -> None:
    run = sample.run
    del run.redactions[f"{sample.ids['housing']}:rationale"]
    item = next(i for i in build_bundle(run, "FAM-001").items if i.item_id == sample.ids["housing"])
    assert item.sharing_basis.rationale is None


def test_family_without_items_still_gets_a_bundle(sample: Sample) -> None:
    bundles = {b.family_ref: b for b in build_bundles(sample.run)}
    assert list(bundles) == ["FAM-001", "FAM-002", "FAM-003", "FAM-004"]
    empty = bundles["FAM-004"]
    assert empty.items == () and empty.chronology == ()
    assert empty.summary.items_shared == 0 and empty.summary.highest_risk is None


# --- summary --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (date(2009, 6, 11), date(2026, 12, 3), 17),
        (date(2012, 12, 4), date(2026, 12, 3), 13),  # birthday the day after the meeting
        (date(2012, 12, 3), date(2026, 12, 3), 14),  # birthday on the day
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (None, date(2026, 12, 3), None),
        (date(2027, 1, 1), date(2026, 12, 3), None),  # unborn / bad dob
    ],
)
def test_age_at_meeting_date(dob, on, age) -> None:
    assert member_age(dob, on) == age


def test_summary_counts_risk_review_and_persons(sample: Sample) -> None:
    s = build_bundle(sample.run, "FAM-001")
    assert [(m.name, m.age, m.role) for m in s.members] == [
        ("Dawn Kettering", 41, "parent"),
        ("Tyler Kettering", 17, "child"),
        ("Lacey Kettering", 13, "child"),
    ]
    assert s.summary.agencies_involved == ("health", "housing", "police", "school")
    assert dict(s.summary.shared_per_agency) == {"health": 1, "housing": 1, "police": 3, "school": 1}
    # most serious among SHARED items (the withheld item's significant_harm_child is not here)
    assert s.summary.highest_risk == "significant_harm_child"  # the restricted allegation
    # one item in review + one shared item whose redaction failed
    assert s.summary.awaiting_review == 2
    assert [(p.pseudonym, p.agencies) for p in s.persons_of_concern] == [
        ("[Third party A]", ("police", "school"))
    ]


def test_highest_risk_follows_risk_order() -> None:
    assert highest_risk(["welfare_concern", "serious_crime", "unknown"]) == "serious_crime"
    assert highest_risk([]) is None
    assert highest_risk(reversed(RISK_ORDER)) == RISK_ORDER[0]


# --- chronology -----------------------------------------------------------------------


def test_chronology_is_ordered_by_event_date_then_agency_then_id(sample: Sample) -> None:
    bundle = build_bundle(sample.run, "FAM-001")
    dates = [e.when for e in bundle.chronology]
    assert dates == sorted(dates)
    assert dates == [
        date(2021, 2, 10),  # historic police item
        date(2026, 8, 15),  # restricted allegation
        date(2026, 9, 1),  # housing: no event_date, so recorded_on
        date(2026, 9, 12),  # health opinion
        date(2026, 10, 3),  # police + school, merged
    ]


def test_chronology_tie_break_is_agency_then_item_id(sample: Sample) -> None:
    b = sample.builder
    same_day: dict[str, Any] = {"event_date": date(2026, 7, 1), "subject_name": "Lacey Kettering"}
    b.add("school", summary="Late to school three times.", **same_day)
    b.add("housing", summary="Repair visit completed.", **same_day)
    b.add("health", summary="Missed dental appointment.", **same_day)
    day = [e for e in build_bundle(sample.run, "FAM-001").chronology if e.when == date(2026, 7, 1)]
    assert [e.agencies for e in day] == [("health",), ("housing",), ("school",)]


def test_historic_items_are_marked(sample: Sample) -> None:
    bundle = build_bundle(sample.run, "FAM-001")
    assert _entry_of(bundle, sample.ids["historic"]).historic is True
    assert [e.historic for e in bundle.chronology].count(True) == 1


def test_fact_opinion_and_allegation_are_labelled(sample: Sample) -> None:
    bundle = build_bundle(sample.run, "FAM-001")
    assert _entry_of(bundle, sample.ids["historic"]).fact_or_opinion == "fact"
    assert _entry_of(bundle, sample.ids["restricted"]).fact_or_opinion == "allegation"
    opinion = _entry_of(bundle, sample.ids["opinion"])
    assert opinion.fact_or_opinion == "opinion"
    assert opinion.opinion_of == "[Professional B], GP"


def test_same_event_from_two_agencies_is_shown_once_with_both_sources(sample: Sample) -> None:
    bundle = build_bundle(sample.run, "FAM-001")
    merged = [e for e in bundle.chronology if e.when == date(2026, 10, 3)]
    assert len(merged) == 1
    assert merged[0].agencies == ("police", "school")
    assert merged[0].item_ids == (sample.ids["dup_police"], sample.ids["dup_school"])
    # both items are still in the sharing basis and provenance
    assert {sample.ids["dup_police"], sample.ids["dup_school"]} <= {i.item_id for i in bundle.items}


@pytest.mark.parametrize(
    ("agency", "changes", "merged"),
    [
        ("health", {}, True),
        ("health", {"subject_name": "TYLER KETTERING"}, True),  # case-insensitive subject
        ("health", {"subject_name": "Lacey Kettering"}, False),
        ("health", {"event_date": date(2026, 10, 4)}, False),
        ("health", {"summary": "Tyler was seen at the youth club with friends on Elm Road."}, False),
        ("police", {}, False),  # one agency's two rows are two records
    ],
)
def test_duplicate_rules(sample: Sample, agency: str, changes: dict, merged: bool) -> None:
    fields = {
        "event_date": date(2026, 10, 3),
        "summary": "Tyler was seen with [Third party A] throwing stones at buses on Elm Road!",
        **changes,
    }
    item = sample.builder.add(agency, **fields)
    entry = _entry_of(build_bundle(sample.run, "FAM-001"), item.item_id)
    assert (len(entry.sources) == 3) is merged


def test_differing_labels_on_a_merged_event_are_shown_as_mixed(sample: Sample) -> None:
    item = sample.builder.add(
        "health",
        event_date=date(2026, 10, 3),
        fact_or_opinion="allegation",
        summary="Tyler was seen with [Third party A] throwing stones at buses on Elm Road.",
    )
    entry = _entry_of(build_bundle(sample.run, "FAM-001"), item.item_id)
    assert entry.fact_or_opinion == "mixed"
    assert [s.fact_or_opinion for s in entry.sources] == ["allegation", "fact", "fact"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["police", "school", "health", "housing"]),
            st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30)),
            st.sampled_from(["Tyler Kettering", "tyler kettering", "Lacey Kettering"]),
            st.sampled_from(["Seen on Elm Road.", "seen on elm road", "Missed school.", "Arrested."]),
        ),
        max_size=12,
    )
)
def test_chronology_keeps_every_item_once_in_date_order(rows) -> None:
    sample = build_sample()
    added: dict[str, tuple[date, str, str]] = {}
    for agency, when, subject, text in rows:
        item = sample.builder.add(agency, event_date=when, subject_name=subject, summary=text)
        # one event: same day, same subject and the same words (case and the full stop aside)
        added[item.item_id] = (when, subject.casefold(), text.casefold().rstrip("."))
    bundle = build_bundle(sample.run, "FAM-001")
    ids = [i for e in bundle.chronology for i in e.item_ids]
    assert sorted(ids) == sorted(i.item_id for i in bundle.items)
    assert [e.when for e in bundle.chronology] == sorted(e.when for e in bundle.chronology)
    for e in bundle.chronology:
        assert len(set(e.agencies)) == len(e.agencies)
    # expected without the function under test: the rows of one event share an entry across
    # agencies, never within one, so an event takes as many entries as its busiest agency
    # sent rows; the sample's own items are about other events
    events: dict[tuple[date, str, str], Counter[str]] = {}
    for (agency, *_), key in zip(rows, added.values(), strict=True):
        events.setdefault(key, Counter())[agency] += 1
    entries = [e for e in bundle.chronology if set(e.item_ids) & set(added)]
    assert all(set(e.item_ids) <= set(added) for e in entries)
    assert all(len({added[i] for i in e.item_ids}) == 1 for e in entries)
    assert len(entries) == sum(max(c.values()) for c in events.values())
    # the same items in the opposite order give the same chronology
    assert chronology(tuple(reversed(bundle.items))) == bundle.chronology


# --- agenda ---------------------------------------------------------------------------


def test_agenda_orders_by_risk_of_all_items_then_agencies(sample: Sample) -> None:
    agenda = build_agenda(sample.run)
    assert [f.family_ref for f in agenda.families] == ["FAM-001", "FAM-003", "FAM-002", "FAM-004"]
    fam1 = agenda.families[0]
    assert fam1.highest_risk == "significant_harm_child"
    # FAM-003 and FAM-002 share serious_harm_adult; FAM-003 has two agencies
    assert [len(f.agencies) for f in agenda.families[1:3]] == [2, 1]
    assert agenda.families[-1].highest_risk is None


def test_agenda_uses_risk_of_withheld_items_too(sample: Sample) -> None:
    run = sample.run
    run.items[:] = [i for i in run.items if i.item_id != sample.ids["restricted"]]
    fam1 = next(f for f in build_agenda(run).families if f.family_ref == "FAM-001")
    assert fam1.highest_risk == "significant_harm_child"  # from the withheld school item
    assert build_bundle(run, "FAM-001").summary.highest_risk == "serious_harm_adult"


def test_agenda_counts_reminders_and_persons(sample: Sample) -> None:
    fam1 = build_agenda(sample.run).families[0]
    assert fam1.agencies == ("health", "housing", "police", "school")
    assert (fam1.shared, fam1.withheld, fam1.awaiting_review) == (6, 1, 2)
    assert fam1.reminders == (REMINDER_TEXT["CONFIRM_CSC_REFERRAL"],)
    assert fam1.reminders[0] == (
        "Confirm a referral to children's social care has been made without delay"
    )
    assert [(p.pseudonym, p.agencies) for p in fam1.persons_of_concern] == [
        ("[Third party A]", ("police", "school"))
    ]


def test_unknown_reminder_code_is_shown_as_is(sample: Sample) -> None:
    sample.builder.add("police", decision={"agenda_reminders": ("NEW_CODE",)})
    assert "NEW_CODE" in build_agenda(sample.run).families[0].reminders


def test_agenda_lists_agencies_that_sent_nothing(sample: Sample) -> None:
    silent = {(a.agency, a.status) for a in build_agenda(sample.run).silent_agencies}
    assert silent == {
        ("csc", "no file received"),
        ("probation", "no file received"),
        ("yos", "all rows rejected"),
    }
