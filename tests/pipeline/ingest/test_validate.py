"""The submission contract, column by column: valid and invalid values side by side."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pipeline.ingest import COLUMNS, RawRow, parse_date, validate_row
from pipeline.ingest.contract import REQUIRED_HEADERS, canonical_header
from pipeline.models import Item, Provenance, Rejection
from tests.conftest import GOOD_ROW, TODAY


def _raw(overrides: dict[str, object], folder: str = "police") -> RawRow:
    values: dict[str, object] = dict(GOOD_ROW)
    values.update(overrides)
    prov = Provenance(file=f"{folder}/sub.csv", sheet="csv", row=2, sha256="0" * 64,
                      received_at=datetime(2026, 11, 23, 9, 0), agency_folder=folder)
    return RawRow(provenance=prov, values={k: (v if v != "" else None)
                                           for k, v in values.items()})


def _check(meeting, overrides, folder="police"):
    return validate_row(_raw(overrides, folder), meeting, TODAY)


def test_good_row_is_an_item(meeting):
    out = _check(meeting, {})
    assert isinstance(out, Item)
    assert out.subject_dob == date(2009, 6, 11)
    assert out.item_id.startswith("police-")
    assert out.legal_duty == "none" and out.agency_decision == "share"


# (column, bad value, expected code) for every column that can be wrong on its own
INVALID = [
    ("agency", "", "MISSING_VALUE"),
    ("agency", "fire", "UNKNOWN_AGENCY"),
    ("agency", "school", "AGENCY_FOLDER_MISMATCH"),
    ("family_ref", "", "MISSING_VALUE"),
    ("family_ref", "FAM-999", "UNKNOWN_FAMILY"),
    ("subject_name", "", "MISSING_VALUE"),
    ("subject_dob", "", "MISSING_VALUE"),  # child without a date of birth
    ("subject_dob", "31/02/2010", "BAD_DATE"),
    ("subject_dob", "01/01/2027", "FUTURE_DATE"),
    ("subject_role", "", "MISSING_VALUE"),
    ("subject_role", "grandad", "INVALID_VALUE"),
    ("category", "", "MISSING_VALUE"),
    ("category", "edu", "INVALID_VALUE"),
    ("recorded_on", "", "MISSING_VALUE"),
    ("recorded_on", "yesterday", "BAD_DATE"),
    ("recorded_on", "24/11/2026", "FUTURE_DATE"),
    ("event_date", "soon", "BAD_DATE"),
    ("event_date", "05/11/2026", "EVENT_AFTER_RECORDED"),
    ("status", "open", "INVALID_VALUE"),
    ("agency_decision", "maybe", "INVALID_VALUE"),
    ("subject_view", "not bothered", "INVALID_VALUE"),
    ("summary", "", "MISSING_VALUE"),
    ("fact_or_opinion", "", "MISSING_VALUE"),
    ("fact_or_opinion", "rumour", "INVALID_VALUE"),
    ("source", "", "MISSING_VALUE"),
    ("source", "gossip", "INVALID_VALUE"),
    ("source_at_risk", "perhaps", "INVALID_VALUE"),
    ("confidential", "", "MISSING_VALUE"),
    ("confidential", "secret", "INVALID_VALUE"),
    ("consent", "", "MISSING_VALUE"),
    ("consent", "given", "INVALID_VALUE"),
    ("consent_given_by", "neighbour", "INVALID_VALUE"),
    ("consent_scope", "jag, court", "INVALID_VALUE"),
    ("lawful_basis", "", "MISSING_VALUE"),
    ("lawful_basis", "because", "INVALID_VALUE"),
    ("legal_duty", "maybe", "INVALID_VALUE"),
    ("risk", "", "MISSING_VALUE"),
    ("risk", "high", "INVALID_VALUE"),
    ("rationale", "", "MISSING_VALUE"),
    ("decided_by", "", "MISSING_VALUE"),
    ("subject_informed", "told", "INVALID_VALUE"),
    ("restricted_to", "police, fire", "UNKNOWN_AGENCY"),
]


@pytest.mark.parametrize(("column", "value", "code"), INVALID)
def test_invalid_value_is_rejected_naming_the_column(meeting, column, value, code):
    out = _check(meeting, {column: value})
    assert isinstance(out, Rejection), f"{column}={value!r} should be rejected"
    hits = [p for p in out.problems if p.code == code]
    assert hits, [p.code for p in out.problems]
    assert hits[0].column == column
    assert hits[0].fix
    # the ledger form names the column and never the value
    reason = hits[0].as_reason()
    assert f"[{column}]" in reason
    if value and len(value) > 3:
        assert value not in reason


# (column, valid value, parsed attribute value)
VALID = [
    ("subject_dob", "2009-06-11", date(2009, 6, 11)),
    ("subject_dob", datetime(2009, 6, 11), date(2009, 6, 11)),
    ("subject_dob", "11.06.2009", date(2009, 6, 11)),
    ("recorded_on", "2026-11-23", date(2026, 11, 23)),
    ("event_date", "02/03/2019", date(2019, 3, 2)),
    ("category", "Domestic Abuse", "domestic_abuse"),
    ("consent", "Not sought - unsafe", "not_sought_unsafe"),
    ("consent_scope", "jag, early help", ("jag", "early_help")),
    ("restricted_to", "police;health", ("police", "health")),
    ("source_at_risk", "Yes", True),
    ("source_at_risk", "n", False),
    ("status", "closed", "closed"),
    ("legal_duty", "statutory duty", "statutory_duty"),
    ("subject_informed", "no_prejudice_crime", "no_prejudice_crime"),
    ("agency", "POLICE", "police"),
]


@pytest.mark.parametrize(("column", "value", "expected"), VALID)
def test_valid_value_is_parsed(meeting, column, value, expected):
    out = _check(meeting, {column: value})
    assert isinstance(out, Item), getattr(out, "problems", None)
    assert getattr(out, column) == expected


def test_adult_needs_no_dob(meeting):
    out = _check(meeting, {"subject_role": "parent", "subject_dob": "",
                           "subject_name": "Dawn Kettering"})
    assert isinstance(out, Item)


def test_not_share_needs_rationale_and_no_summary(meeting):
    ok = _check(meeting, {"agency_decision": "not_share", "summary": ""})
    assert isinstance(ok, Item)
    bad = _check(meeting, {"agency_decision": "not_share"})
    assert isinstance(bad, Rejection)
    assert bad.problems[0].code == "SUMMARY_WITH_NOT_SHARE"
    assert bad.problems[0].column == "summary"
    no_reason = _check(meeting, {"agency_decision": "not_share", "summary": "",
                                 "rationale": ""})
    assert isinstance(no_reason, Rejection)
    assert [p.column for p in no_reason.problems] == ["rationale"]


def test_consent_not_required_contradicts_confidential(meeting):
    out = _check(meeting, {"confidential": "yes", "consent": "not_required"})
    assert isinstance(out, Rejection)
    assert out.problems[0].column == "consent"


def test_every_problem_is_listed_not_just_the_first(meeting):
    out = _check(meeting, {"category": "edu", "risk": "", "family_ref": "NOPE"})
    assert isinstance(out, Rejection)
    assert {p.column for p in out.problems} == {"category", "risk", "family_ref"}


def test_folder_check_skipped_when_validating_a_loose_file(meeting):
    assert isinstance(_check(meeting, {"agency": "school"}, folder=""), Item)


def test_content_hash_changes_with_content_not_location(meeting):
    a = _check(meeting, {})
    b = _check(meeting, {"summary": GOOD_ROW["summary"] + " Again."})
    assert isinstance(a, Item) and isinstance(b, Item)
    assert a.item_id == b.item_id
    assert a.content_hash != b.content_hash


@pytest.mark.parametrize(("header", "column"), [
    ("Family Ref", "family_ref"), ("FAMILY_REF", "family_ref"), ("family-ref", "family_ref"),
    ("FamilyRef", "family_ref"), (" Subject Name ", "subject_name"), ("DOB", "subject_dob"),
    ("Date of Birth", "subject_dob"), ("Recorded On", "recorded_on"),
    ("Fact or Opinion", "fact_or_opinion"), ("Lawful Basis", "lawful_basis"),
    ("Legal basis", "lawful_basis"), ("Restricted To", "restricted_to"),
])
def test_header_synonyms(header, column):
    assert canonical_header(header) == column


def test_unknown_header():
    assert canonical_header("Officer's private notes") is None


def test_contract_table_matches_issue():
    assert [c.name for c in COLUMNS] == [
        "agency", "family_ref", "item_ref", "subject_name", "subject_dob", "subject_role",
        "category", "recorded_on", "event_date", "status", "agency_decision", "summary",
        "fact_or_opinion", "opinion_of", "source", "source_at_risk", "confidential", "consent",
        "consent_given_by", "consent_scope", "subject_view", "lawful_basis", "special_condition", "legal_power",
        "legal_duty", "risk", "rationale", "decided_by", "subject_informed", "restricted_to"]
    assert "summary" in REQUIRED_HEADERS and "subject_dob" not in REQUIRED_HEADERS


@pytest.mark.parametrize("text", ["", "n/a", "13/13/2020", "2020-02-30"])
def test_parse_date_refuses_non_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text,value", [("Refuses", "refuses"), ("unable to decide",
                                        "unable_to_decide"), ("", None)])
def test_subject_view_is_read(meeting, text, value):
    # 003 3.28: a competent child's refusal is the one to consider, even if a parent consents
    out = _check(meeting, {"subject_view": text, "consent": "explicit",
                           "consent_given_by": "parent", "consent_scope": "jag",
                           "confidential": "yes"})
    assert isinstance(out, Item), out
    assert out.subject_view == value


def test_subject_view_is_found_under_its_synonyms():
    assert canonical_header("Child's view") == "subject_view"
    assert canonical_header("Young person view") == "subject_view"
