"""Shared fixtures: a small meeting and helpers to write submissions."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from pipeline.meeting import MeetingConfig

TODAY = date(2026, 11, 23)

MEETING = {
    "meeting": {"id": "jag-test", "type": "jag", "date": "2026-12-03",
                "purpose": "Joint action group: anti-social behaviour and safeguarding",
                "lookback_months": 24},
    "agencies": ["police", "school", "health", "housing", "probation", "yos"],
    "families": [
        {"ref": "FAM-001", "members": [
            {"name": "Dawn Kettering", "dob": "1985-03-02", "role": "parent"},
            {"name": "Tyler Kettering", "dob": "2009-06-11", "role": "child"},
            {"name": "Lacey Kettering", "dob": "2012-01-20", "role": "child"},
        ]},
        {"ref": "FAM-002", "members": [
            {"name": "Gary Pollitt", "dob": "1979-08-30", "role": "parent"},
        ]},
    ],
}

#: a valid row; tests override one column at a time
GOOD_ROW: dict[str, str] = {
    "agency": "police", "family_ref": "FAM-001", "item_ref": "P-1",
    "subject_name": "Tyler Kettering", "subject_dob": "11/06/2009", "subject_role": "child",
    "category": "asb", "recorded_on": "01/11/2026", "event_date": "", "status": "current",
    "agency_decision": "share", "summary": "Tyler was seen with a group damaging bus shelters.",
    "fact_or_opinion": "fact", "opinion_of": "", "source": "professional_observation",
    "source_at_risk": "no", "confidential": "no", "consent": "not_required",
    "consent_given_by": "", "consent_scope": "", "lawful_basis": "public_task",
    "special_condition": "", "legal_power": "Crime and Disorder Act 1998 s115",
    "legal_duty": "none", "risk": "crime_disorder",
    "rationale": "Shared so partners can agree a joint plan to prevent further damage.",
    "decided_by": "PC, neighbourhood team", "subject_informed": "yes", "restricted_to": "",
}


@pytest.fixture
def meeting() -> MeetingConfig:
    return MeetingConfig.model_validate(MEETING)


def csv_bytes(rows: Sequence[Mapping[str, Any]], headers: Sequence[str] | None = None) -> bytes:
    headers = list(headers or rows[0].keys())
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow([r.get(h, "") for h in headers])
    return buf.getvalue().encode("utf-8")


def write_csv_file(path: Path, rows: Sequence[Mapping[str, Any]],
                   headers: Sequence[str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_bytes(rows, headers))
    return path


def make_workbook(rows: Sequence[Mapping[str, Any]], headers: Sequence[str] | None = None
                  ) -> Workbook:
    headers = list(headers or rows[0].keys())
    wb = Workbook()
    ws = wb.active
    ws.title = "Submission"
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) or None for h in headers])
    return wb
