"""Items restricted to named bodies are marked in the chair's chronology and every view.

003 3.7-3.8: where a court orders information to be brought before it, or a statute requires
sharing, "you must share the information" with the body named, and only with it. The chair
must see that restriction where the item appears in the chronology, not only in the
sharing-basis table (issue 12, item 6).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import openpyxl
import pytest

from pipeline.merge import build_bundle, recipient_bundle
from pipeline.models import RedactedText, text_key
from pipeline.policy import decide_items, load_need_to_know
from pipeline.render.html_out import bundle_html
from pipeline.render.json_out import bundle_to_dict
from pipeline.render.xlsx_out import bundle_xlsx
from pipeline.run import MeetingRun
from tests.pipeline.policy.helpers import make_item, make_meeting, rules

STARTED = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
REFUSED = {"consent": "refused", "consent_given_by": "subject", "consent_scope": ()}


def _run(**overrides: Any) -> tuple[MeetingRun, str]:
    item = make_item(summary="Records disclosed for the family court hearing.", **overrides)
    meeting = make_meeting("marac")
    decision = decide_items([item], meeting, rules())[0]
    assert decision.disposition == "shared", decision.reasons
    run = MeetingRun(run_id="r", started_at=STARTED, meeting=meeting,
                     meeting_config_path="m.yaml", inbox="INBOX", items=[item],
                     decisions={item.item_id: decision})
    for field in ("summary", "rationale"):
        run.redactions[text_key(item.item_id, field)] = RedactedText(
            item_id=item.item_id, text=getattr(item, field))
    return run, item.item_id


MARKS = [
    pytest.param({"legal_duty": "court_order", "restricted_to": ("csc",), **REFUSED},
                 "Court order: for csc only", id="court-order-003-3.8"),
    pytest.param({"legal_duty": "statutory_duty", "restricted_to": ("police", "csc"),
                  **REFUSED},
                 "Statutory duty: for police, csc only", id="statutory-duty-003-3.7"),
    pytest.param({"restricted_to": ("health",)}, "Restricted by police: for health only",
                 id="agency-restriction-golden-rule-6"),
    pytest.param({}, None, id="unrestricted-no-mark"),
]


@pytest.mark.parametrize("overrides,mark", MARKS)
def test_the_chairs_chronology_marks_the_restriction(overrides, mark):
    run, item_id = _run(**overrides)
    bundle = build_bundle(run, "F1")
    (item,) = bundle.items
    (entry,) = bundle.chronology
    assert item.restriction == mark
    assert (entry.restriction or None) == mark
    doc = bundle_to_dict(bundle)
    assert doc["items"][0]["restriction"] == mark
    assert doc["chronology"][0]["restriction"] == mark
    assert doc["chronology"][0]["sources"][0]["restriction"] == mark
    html = bundle_html(bundle)
    chronology_html = html[html.index('id="chronology"'):html.index('id="sharing-basis"')]
    if mark:
        assert f'<span class="restriction">{mark}</span>' in chronology_html
    else:
        assert 'class="restriction"' not in html
    ws = openpyxl.load_workbook(io.BytesIO(bundle_xlsx(bundle, STARTED)))["Chronology"]
    header = [c.value for c in ws[2]]
    # one column for the entry's handling marks: historic, and restricted to named bodies
    col = header.index("Historic or restricted")
    assert [r[col].value for r in ws.iter_rows(min_row=3)] == [mark]


def test_the_named_body_sees_the_mark_too_and_no_one_else_sees_the_item():
    run, item_id = _run(legal_duty="court_order", restricted_to=("csc",), **REFUSED)
    ntk = load_need_to_know()
    csc = recipient_bundle(run, "F1", "csc", ntk)
    assert [i.restriction for i in csc.items] == ["Court order: for csc only"]
    for agency in ("police", "health", "idva", "housing", "education", "probation"):
        assert recipient_bundle(run, "F1", agency, ntk).items == (), agency
