"""Per-agency receipts: every item an agency sent, what happened to it and why.

Golden rule 7 (003_e63cd6015283d4be.txt 2.9; 3.51): record the decision and the reasons,
whether to share or not. Reminders such as INFORM_SUBJECT (003 3.48) go to the submitting
agency only.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.labels import load_labels
from pipeline.merge import RECEIPT_COLUMNS, receipt_rows, rejection_rows
from pipeline.models import Problem, Provenance, Rejection
from pipeline.policy import ReviewDecision, decide_items
from tests.pipeline.policy.helpers import make_item, make_meeting, rules

REFUSED = {"consent": "refused", "consent_given_by": "subject", "consent_scope": ()}


@pytest.fixture
def run():
    items = [
        make_item(agency="police"),  # shared, consent
        make_item(agency="health", category="mental_health", risk="none_identified",
                  **REFUSED),  # withheld, 001 case 3
        make_item(agency="police", agency_decision="not_share",
                  rationale="Disclosure would compromise an ongoing investigation here."),
        make_item(agency="police", risk="significant_harm_child", subject_informed="not_yet",
                  restricted_to=("csc", "health"), **REFUSED),  # 000 example 3 (Paula)
    ]
    meeting = make_meeting("marac")
    return items, decide_items(items, meeting, rules())


def test_only_the_agencys_items_in_order(run):
    items, decisions = run
    rows = receipt_rows("police", items, decisions, rules())
    assert [r["item_id"] for r in rows] == [items[0].item_id, items[2].item_id,
                                            items[3].item_id]
    assert all(tuple(r) == RECEIPT_COLUMNS for r in rows)
    assert all(isinstance(v, str) for r in rows for v in r.values())
    health = receipt_rows("health", items, decisions, rules())
    assert [r["item_id"] for r in health] == [items[1].item_id]
    assert receipt_rows("housing", items, decisions, rules()) == []


@pytest.mark.parametrize(
    "index,agency,disposition,reason,explained,reminder",
    [
        (0, "police", "shared", "CONSENT_EXPLICIT",
         "[Bedfordshire information sharing protocol, paras 3.18-3.19", ""),
        # 001 case 3: no benefit to the children, consent refused
        (1, "health", "withheld", "PI_NO_RISK",
         "Information Sharing: Case examples (HM Government, 2009), case example 3", ""),
        # golden rule 7: decisions not to share are recorded with the agency's rationale
        (2, "police", "withheld", "AGENCY_NOT_SHARE",
         "Your rationale: Disclosure would compromise", ""),
        # 000 example 3: shared without consent; inform Paula
        (3, "police", "shared", "PI_SIGNIFICANT_HARM", "Shown to: csc, health.",
         "INFORM_SUBJECT: This item is shared without the subject's consent."),
    ],
)
def test_row_content(run, index, agency, disposition, reason, explained, reminder):
    items, decisions = run
    row = next(r for r in receipt_rows(agency, items, decisions, rules())
               if r["item_id"] == items[index].item_id)
    item = items[index]
    assert row["disposition"] == disposition
    assert reason in row["reasons"].split("; ")
    assert explained in row["explanations"]
    assert reminder in row["reminders"]
    assert (row["file"], row["sheet"], row["row"]) == (
        item.provenance.file, item.provenance.sheet, str(item.provenance.row))
    assert (row["family_ref"], row["subject_role"], row["category"]) == (
        item.family_ref, item.subject_role, item.category)


def test_every_deciding_reason_is_explained_with_its_citation_by_title(run):
    items, decisions = run
    for agency in ("police", "health"):
        for row in receipt_rows(agency, items, decisions, rules()):
            for code in row["reasons"].split("; "):
                rc = rules().reason_codes[code]
                if rc.outcome in (row["disposition"], "info") and code != "RECIPIENTS_RESTRICTED":
                    assert f"{code}: " in row["explanations"]
                    assert load_labels().cite(rc.citation) in row["explanations"]
            # the guidance is named by its title, never by the seed file's name
            assert ".txt" not in row["explanations"] + row["reminders"]


def test_a_code_of_another_outcome_is_never_explained(run):
    # item 2 is withheld on the agency's decision though its consent is valid: the receipt
    # must not tell the agency that consent was given for sharing (issue 12, item 8)
    items, decisions = run
    row = receipt_rows("police", items, decisions, rules())[1]
    assert row["disposition"] == "withheld"
    assert "CONSENT_EXPLICIT" in row["reasons"]
    assert "CONSENT_EXPLICIT:" not in row["explanations"]
    assert "Explicit consent" not in row["explanations"]


def test_agenda_reminder_shown_to_the_submitting_agency(run):
    items, decisions = run
    row = receipt_rows("police", items, decisions, rules())[-1]
    assert "CONFIRM_CSC_REFERRAL" in row["reminders"]


def test_review_decision_is_explained():
    item = make_item(source_at_risk=True)
    review = ReviewDecision(item_id=item.item_id, content_hash=item.content_hash,
                            disposition="withheld", by="MARAC chair",
                            reason="The caller would be identifiable from the details.",
                            at=datetime(2026, 11, 18, tzinfo=UTC))
    decisions = decide_items([item], make_meeting(), rules(), {item.item_id: review})
    row = receipt_rows("police", [item], decisions, rules())[0]
    assert row["disposition"] == "withheld"
    assert "Reviewed by MARAC chair on 2026-11-18" in row["explanations"]


def test_missing_decision_is_an_error(run):
    items, decisions = run
    with pytest.raises(ValueError, match="has no policy decision"):
        receipt_rows("police", items, decisions[:1], rules())


# --- issue 12, item 8: the outcome once, plainly, and what to do next ----------------------
# Golden rule 7 (003 2.9) and 3.51: "record your decision and the reasons for it". A receipt
# that says both "withheld" and "so it is shared", or that a withheld item is for "a person
# [to] weigh", records no decision at all.

OLD = {"recorded_on": datetime(2015, 5, 1).date()}
RECEIPTS = [
    # (overrides, meeting, disposition, outcome starts, must contain, must not contain)
    pytest.param({"category": "mental_health", "risk": "welfare_concern", **REFUSED, **OLD},
                 "mash", "withheld", "Withheld: not shared",
                 ("HISTORIC_SENSITIVE:", "short current summary"),
                 ("must weigh", "PI_JUDGEMENT_NEEDED:"), id="bev-withheld-000-ex2"),
    pytest.param({"agency_decision": "not_share",
                  "rationale": "Disclosure would compromise an ongoing covert investigation."},
                 "marac", "withheld", "Withheld: not shared",
                 ("AGENCY_NOT_SHARE:", "Your rationale: Disclosure"),
                 ("Explicit consent", "CONSENT_EXPLICIT:"), id="not-share-003-3.1"),
    pytest.param({"legal_duty": "court_order", "restricted_to": ("csc",),
                  "agency_decision": "not_share",
                  "rationale": "We are challenging the order on legal advice this week."},
                 "marac", "review", "Awaiting review",
                 ("LEGAL_DUTY_AGENCY_NOT_SHARE:", "legal adviser"),
                 ("so it is shared", "LEGAL_DUTY:"), id="duty-not-share-003-3.8"),
    pytest.param({"risk": "welfare_concern", **REFUSED}, "marac", "review", "Awaiting review",
                 ("PI_JUDGEMENT_NEEDED:", "what might happen if it is shared"),
                 ("Shared without consent",), id="judgement-003-3.41"),
    pytest.param({"risk": "significant_harm_child", "rationale": "n/a", **REFUSED}, "mash",
                 "review", "Awaiting review", ("RATIONALE_NOT_RECORDED:", "Record in rationale"),
                 ("PI_SIGNIFICANT_HARM:",), id="no-rationale-golden-rule-7"),
    pytest.param({"consent_scope": ("early_help",), "risk": "none_identified"}, "marac",
                 "withheld", "Withheld", ("seek consent for this meeting's purpose",),
                 ("Explicit consent",), id="out-of-scope-seek-consent-003-3.21"),
    pytest.param({"risk": "significant_harm_child", "subject_informed": "not_yet",
                  "restricted_to": ("csc", "health"), **REFUSED}, "marac", "shared",
                 "Shared at the meeting: in the chair's bundle and only with csc, health.",
                 ("PI_SIGNIFICANT_HARM:", "Shown to: csc, health."), ("must weigh",),
                 id="paula-shared-000-ex3"),
    pytest.param({}, "marac", "shared", "Shared at the meeting", ("CONSENT_EXPLICIT:",),
                 ("Withheld", "Awaiting"), id="consent-003-3.19"),
]


@pytest.mark.parametrize("overrides,mtype,disposition,outcome,has,lacks", RECEIPTS)
def test_receipt_states_the_outcome_once_and_what_next(overrides, mtype, disposition, outcome,
                                                       has, lacks):
    item = make_item(**overrides)
    d = decide_items([item], make_meeting(mtype), rules())[0]
    r = receipt_rows(item.agency, [item], [d], rules())[0]
    assert r["disposition"] == disposition, d.reasons
    assert r["outcome"].startswith(outcome)
    text = " ".join((r["explanations"], r["next_steps"]))
    for phrase in has:
        assert phrase in text, phrase
    for phrase in lacks:
        assert phrase not in r["explanations"] and phrase not in r["outcome"], phrase
    assert r["next_steps"]
    # the outcome is stated once: no explanation contradicts it
    for code in d.reasons:
        rc = rules().reason_codes[code]
        if rc.outcome in ("shared", "withheld", "review") and rc.outcome != disposition:
            assert f"{code}:" not in r["explanations"], code


def test_every_code_that_holds_an_item_back_says_what_to_do_next():
    missing = [code for code, rc in rules().reason_codes.items()
               if rc.outcome in ("withheld", "review") and not rc.next_step]
    assert missing == []


def test_a_shared_item_with_nothing_asked_says_so():
    item = make_item()
    d = decide_items([item], make_meeting(), rules())[0]
    r = receipt_rows("police", [item], [d], rules())[0]
    assert r["next_steps"] == "Nothing more, beyond any reminder below."


# --- issue 14: rejected rows in the receipt -----------------------------------------------

def _rejection(agency: str, row: int | None, *problems: Problem,
               file: str = "police/p.xlsx") -> Rejection:
    prov = Provenance(file=file, sheet="Submission", row=row, sha256="0" * 64,
                      received_at=datetime(2026, 11, 20, tzinfo=UTC), agency_folder=agency)
    return Rejection(provenance=prov, agency=agency, family_ref="FAM-001" if row else None,
                     problems=problems)


def test_rejected_rows_are_in_the_agencys_receipt_with_the_fix():
    missing = Problem(code="MISSING_VALUE", column="consent", message="is required but empty.",
                      fix="fill in consent.", value="")
    bad_date = Problem(code="BAD_DATE", column="recorded_on",
                       message="is not a date casebundle can read.",
                       fix="write the date as dd/mm/yyyy.", value="31/31/2026")
    unreadable = Problem(code="UNREADABLE_FILE", column=None,
                         message="the file is not a readable .xlsx workbook.",
                         fix="save it as .xlsx and send it again.")
    rejections = [_rejection("police", 7, missing, bad_date),
                  _rejection("police", None, unreadable, file="police/broken.xlsx"),
                  _rejection("school", 3, missing, file="school/s.csv")]
    rows = rejection_rows("police", rejections)
    assert [(r["file"], r["row"], r["disposition"]) for r in rows] == [
        ("police/p.xlsx", "7", "rejected"), ("police/broken.xlsx", "", "rejected")]
    assert all(tuple(r) == RECEIPT_COLUMNS for r in rows)
    first = rows[0]
    assert first["reasons"] == "MISSING_VALUE[consent]; BAD_DATE[recorded_on]"
    assert "consent: is required but empty. Fix: fill in consent." in first["explanations"]
    assert "recorded_on: is not a date" in first["explanations"]
    assert "31/31/2026" not in first["explanations"]  # never the value found
    assert rows[1]["explanations"].startswith("UNREADABLE_FILE: the file is not a readable")
    assert [r["file"] for r in rejection_rows("school", rejections)] == ["school/s.csv"]
    assert rejection_rows("health", rejections) == []
    # the outcome once and what to do next, as for the agency's other rows (issue 12)
    assert first["outcome"].startswith("Rejected: not read")
    assert first["next_steps"] == "fill in consent. write the date as dd/mm/yyyy."
    assert rows[1]["next_steps"] == "save it as .xlsx and send it again."


def test_a_duplicate_file_is_not_read_again_and_says_so():
    dup = Problem(code="DUPLICATE_FILE", column=None,
                  message="identical to police/p.xlsx, which was processed; this copy was not.",
                  fix="nothing to fix: delete the copy from the inbox.")
    (row,) = rejection_rows("police", [_rejection("police", 4, dup, file="police/p copy.xlsx")])
    assert row["outcome"].startswith("Not read again: an exact copy")
    assert row["next_steps"] == "nothing to fix: delete the copy from the inbox."
