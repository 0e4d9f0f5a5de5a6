"""Subject access across meetings (DPA 2018 Sch 2 para 16; 003_e63cd6015283d4be.txt 3.36)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.audit import AuditSettings, AuditStore, format_text, record_run, subject_report
from pipeline.audit.subject import HELD_NOTE
from tests.pipeline.audit.conftest import AMY_DOB, RECIPIENTS, jag_run, marac_run


@pytest.fixture
def store(settings: AuditSettings) -> AuditStore:
    record_run(jag_run(), RECIPIENTS, settings)
    record_run(marac_run(), RECIPIENTS, settings)
    return AuditStore.from_settings(settings)


def _ids(items: tuple) -> list[str]:
    return [i.item_id for i in items]


def test_exactly_the_persons_items_across_two_meetings(store: AuditStore) -> None:
    rep = subject_report(store, "amy SMITH", AMY_DOB)
    assert _ids(rep.shared) == ["police-1", "school-1"]
    assert _ids(rep.withheld) == ["health-1", "idva-1"]  # refused; awaiting review
    assert _ids(rep.held) == ["police-3"]  # subject_informed no_prejudice_crime
    assert rep.held[0].held_reason == HELD_NOTE
    assert {i.meeting_id for i in rep.shared + rep.withheld + rep.held} == {
        "JAG-2024-03", "MARAC-2025-01"}


def test_shared_item_shows_text_recipients_and_basis(store: AuditStore) -> None:
    rep = subject_report(store, "Amy Smith", AMY_DOB)
    police = rep.shared[0]
    assert police.shared_text == {"summary": "Seen with [Third party A] near [Postcode]."}
    assert police.recipients == ("chair", "health", "school")
    assert police.basis["legal_power"] == "Crime and Disorder Act 1998 s115"
    assert police.meeting_date == "2024-03-05"


def test_dob_narrows_and_name_alone_does_not(store: AuditStore) -> None:
    everyone = subject_report(store, "Amy Smith")
    assert "health-2" in _ids(everyone.shared)  # the other Amy Smith, born 2001
    other = subject_report(store, "Amy Smith", date(2001, 1, 1))
    assert _ids(other.shared) == ["health-2"] and not other.withheld and not other.held


def test_held_when_consent_not_sought_as_unsafe(store: AuditStore) -> None:
    rep = subject_report(store, "beth smith")
    assert _ids(rep.held) == ["police-2"] and not rep.shared


def test_no_match(store: AuditStore) -> None:
    rep = subject_report(store, "Nobody Here")
    assert not (rep.shared or rep.withheld or rep.held)


def test_rerun_meeting_listed_once(store: AuditStore, settings: AuditSettings) -> None:
    record_run(jag_run("run-jag-2"), RECIPIENTS, settings)
    rep = subject_report(store, "Amy Smith", AMY_DOB)
    assert _ids(rep.shared) == ["police-1", "school-1"]
    assert {i.run_id for i in rep.shared} == {"run-jag-2"}
    assert len(subject_report(store, "Amy Smith", AMY_DOB, all_runs=True).shared) == 4


def test_text_rendering(store: AuditStore) -> None:
    text = format_text(subject_report(store, "Amy Smith", AMY_DOB))
    assert "== HELD - held: disclosure may increase risk" in text
    assert "Seen with [Third party A]" in text and "Sch 2 para 16" in text
