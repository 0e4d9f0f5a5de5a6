"""What the chair is told about items not shared: agency, category, date and why; never
what they say. What each agency must follow up: files not read, rows rejected, items in
review."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest

from pipeline.labels import load_labels
from pipeline.merge import (
    NO_AGENCY,
    build_agenda,
    build_bundle,
    deciding_reasons,
    follow_ups,
    not_shared,
    recipient_bundle,
    row_ranges,
)
from pipeline.models import Problem, Provenance, Rejection
from pipeline.policy import load_need_to_know
from tests.pipeline.render.sample_run import Sample, build_sample

OUTCOMES = {"CONSENT_REFUSED": "withheld", "SHARE_PUBLIC_TASK": "shared",
            "REVIEW_OPINION_THIRD_PARTY": "review", "NOT_CONFIDENTIAL": "shared",
            "AGENCY_NOT_SHARE": "withheld", "HISTORIC": "info"}


@pytest.fixture
def sample() -> Sample:
    return build_sample()


def test_chair_sees_each_item_not_shared_without_its_content(sample: Sample) -> None:
    ids, run = sample.ids, sample.run
    bundle = build_bundle(run, "FAM-001", outcomes=OUTCOMES)
    rows = [(n.agency, n.category, n.when, n.disposition, n.reasons) for n in bundle.not_shared]
    assert rows == [  # by date, then agency
        ("health", "sexual_health", date(2026, 11, 1), "review",
         ("REVIEW_OPINION_THIRD_PARTY",)),
        # the shared item whose text could not be redacted waits for a person
        ("housing", "housing", date(2026, 11, 1), "review", ("REDACTION_FAILED",)),
        ("school", "education", date(2026, 11, 1), "withheld", ("CONSENT_REFUSED",)),
    ]
    # nothing an item says reaches the chair through this list
    texts = [v for n in bundle.not_shared for v in asdict(n).values() if isinstance(v, str)]
    for item_id in (ids["withheld"], ids["review"], ids["failed"]):
        item = next(i for i in run.items if i.item_id == item_id)
        for secret in (item.summary, item.rationale, item.subject_name, item.decided_by):
            assert secret not in texts


def test_recipient_views_never_list_items_not_shared(sample: Sample) -> None:
    view = recipient_bundle(sample.run, "FAM-001", "csc", load_need_to_know())
    assert view.not_shared == ()
    assert build_bundle(sample.run, "FAM-004").not_shared == ()  # nothing submitted


@pytest.mark.parametrize("reasons,disposition,expected", [
    # a withheld item may carry a code that alone would have shared it: leave it out
    (("AGENCY_NOT_SHARE", "NOT_CONFIDENTIAL"), "withheld", ("AGENCY_NOT_SHARE",)),
    (("REVIEW_OPINION_THIRD_PARTY", "HISTORIC"), "review", ("REVIEW_OPINION_THIRD_PARTY",)),
    # nothing matches (unexpected): show every code rather than nothing
    (("NOT_CONFIDENTIAL",), "withheld", ("NOT_CONFIDENTIAL",)),
])
def test_deciding_reasons(reasons, disposition, expected) -> None:
    assert deciding_reasons(reasons, disposition, OUTCOMES) == expected
    assert deciding_reasons(reasons, disposition, None) == reasons


def test_not_shared_without_outcomes_keeps_every_code(sample: Sample) -> None:
    rows = not_shared(sample.run, "FAM-001")
    assert {n.disposition for n in rows} == {"withheld", "review"}


@pytest.mark.parametrize("rows,text", [
    ([7], "7"), ([2, 3, 4, 5], "2-5"), ([3, 5, 9, 10, 11], "3, 5, 9-11"), ([4, 4, 2], "2, 4"),
    ([], ""),
])
def test_row_ranges(rows: list[int], text: str) -> None:
    assert row_ranges(rows) == text


def _rejection(agency: str, file: str, row: int | None, *problems: Problem) -> Rejection:
    prov = Provenance(file=file, sheet="Submission", row=row, sha256="0" * 64,
                      received_at=datetime(2026, 11, 20, tzinfo=UTC), agency_folder=agency)
    return Rejection(provenance=prov, agency=agency, family_ref="FAM-001" if row else None,
                     problems=problems)


def test_follow_ups_group_rejected_rows_by_problem_and_name_the_fix(sample: Sample) -> None:
    run = sample.run
    missing = Problem(code="MISSING_VALUE", column="consent", message="is required but empty.",
                      fix="fill in consent.", value="")
    bad = Problem(code="BAD_DATE", column="recorded_on", message="is not a date.",
                  fix="write the date as dd/mm/yyyy.", value="31/31/2026")
    dup = Problem(code="DUPLICATE_FILE", column=None,
                  message="identical to police/p.xlsx, which was processed; this copy was not.",
                  fix="nothing to fix: delete the copy from the inbox.")
    broken = Problem(code="UNREADABLE_FILE", column=None, message="the file is not a workbook.",
                     fix="save it as .xlsx and send it again.")
    run.rejections[:] = [
        _rejection("police", "police/p.xlsx", 4, missing),
        _rejection("police", "police/p.xlsx", 5, missing, bad),
        _rejection("police", "police/p.xlsx", 6, missing),
        *[_rejection("police", "police/p copy.xlsx", r, dup) for r in (2, 3, 4)],
        _rejection("yos", "yos/v2.xlsx", None, broken),
    ]
    found = follow_ups(run, load_labels())
    police = [(f.kind, f.file, f.problem, f.action) for f in found if f.agency == "police"
              and f.kind != "review"]
    assert police == [
        ("duplicate", "police/p copy.xlsx",
         "An exact copy of a file already read: identical to police/p.xlsx, which was "
         "processed; this copy was not. Its 3 rows were not counted twice.",
         "Nothing to fix: delete the copy from the inbox."),
        # by the first row concerned
        ("rejected_rows", "police/p.xlsx",
         "Rows 4-6 rejected: consent is required but empty.", "Fill in consent."),
        ("rejected_rows", "police/p.xlsx", "Row 5 rejected: recorded_on is not a date.",
         "Write the date as dd/mm/yyyy."),
    ]

    yos = [(f.kind, f.problem) for f in found if f.agency == "yos"]
    assert yos == [("unreadable", "The file could not be read: the file is not a workbook.")]
    assert not any("31/31/2026" in f.problem for f in found)  # never a cell value


def test_a_path_not_read_at_all_is_followed_up_by_the_coordinator(sample: Sample) -> None:
    # issue 13 refuses paths without reading them; their messages follow the path's name
    at_root = Problem(code="FILE_OUTSIDE_AGENCY_FOLDER", column=None,
                      message="is at the top of the inbox, not in an agency folder, so the "
                              "agency that sent it is unknown; it was not read.",
                      fix="move it into INBOX/<agency>/ (the submitting agency's folder).")
    hidden = Problem(code="HIDDEN_FOLDER", column=None,
                     message="is a folder whose name starts with '.'; nothing in it was read.",
                     fix="move any submissions into INBOX/<agency>/ and delete the folder.")
    run = sample.run
    run.rejections[:] = [
        Rejection(provenance=Provenance(file="stray.xlsx", sheet="", row=None,
                                        sha256="", received_at=datetime(2026, 11, 20,
                                                                        tzinfo=UTC),
                                        agency_folder=""), problems=(at_root,)),
        _rejection("police", "police/.old/", None, hidden),
    ]
    found = {f.file: f for f in follow_ups(run, load_labels()) if f.kind == "unreadable"}
    stray, old = found["stray.xlsx"], found["police/.old/"]
    assert stray.agency == NO_AGENCY == "(not in an agency folder)"
    assert stray.problem.startswith("stray.xlsx is at the top of the inbox")
    assert stray.action == "Move it into INBOX/<agency>/ (the submitting agency's folder)."
    assert old.agency == "police"
    assert old.problem == ".old is a folder whose name starts with '.'; nothing in it was read."


def test_follow_ups_list_each_item_awaiting_review(sample: Sample) -> None:
    ids = sample.ids
    review = [f for f in follow_ups(sample.run, load_labels()) if f.kind == "review"]
    assert {(f.agency, f.family_refs) for f in review} == {
        ("health", ("FAM-001",)), ("housing", ("FAM-001",))}
    failed = next(f for f in review if f.agency == "housing")
    assert ids["failed"] in failed.problem and "Redaction failed" in failed.problem
    assert failed.codes == ("REDACTION_FAILED",)


def test_agenda_carries_follow_ups_and_reminder_codes(sample: Sample) -> None:
    agenda = build_agenda(sample.run, load_labels())
    assert [f.agency for f in agenda.follow_ups] == ["health", "housing", "yos"]
    fam1 = next(f for f in agenda.families if f.family_ref == "FAM-001")
    assert fam1.reminder_codes == ("CONFIRM_CSC_REFERRAL",)


def test_an_item_in_review_names_only_the_reasons_that_sent_it_there(sample: Sample) -> None:
    run, item_id = sample.run, sample.ids["review"]
    run.decisions[item_id] = run.decisions[item_id].model_copy(
        update={"reasons": ("REVIEW_OPINION_THIRD_PARTY", "NOT_CONFIDENTIAL")})
    labels = load_labels()
    [health] = [f for f in follow_ups(run, labels, OUTCOMES) if f.agency == "health"]
    assert health.codes == ("REVIEW_OPINION_THIRD_PARTY",)
    assert labels.reason("NOT_CONFIDENTIAL") not in health.problem
    [unfiltered] = [f for f in follow_ups(run, labels) if f.agency == "health"]
    assert labels.reason("NOT_CONFIDENTIAL") in unfiltered.problem
