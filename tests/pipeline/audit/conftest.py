"""Two hand-built meeting runs (a JAG and a MARAC) and a throw-away audit store.

The same child, Amy Smith (born 2012-05-01), appears in both meetings; a different Amy
Smith (born 2001-01-01) appears in the MARAC, so a subject query must use the date of birth.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.audit import AuditSettings, load_audit_settings
from pipeline.meeting import MeetingConfig
from pipeline.models import (
    Decision,
    EntityCount,
    Item,
    LedgerRow,
    Problem,
    Provenance,
    RedactedText,
    Rejection,
)
from pipeline.run import MeetingRun

THIRD_PARTY = "Jonno Blackwood"  # an escrowed original: must never reach the store in clear
AMY_DOB = date(2012, 5, 1)


def _prov(agency: str, row: int) -> Provenance:
    return Provenance(file=f"{agency}/{agency}.xlsx", sheet="items", row=row,
                      sha256="ab" * 32, received_at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
                      agency_folder=agency)


def make_item(item_id: str, agency: str, family: str, name: str, dob: date | None,
              row: int, **over: Any) -> Item:
    values: dict[str, Any] = {
        "item_id": item_id, "content_hash": f"hash-{item_id}", "provenance": _prov(agency, row),
        "agency": agency, "family_ref": family, "subject_name": name, "subject_dob": dob,
        "subject_role": "child", "category": "education", "recorded_on": date(2024, 2, 1),
        "summary": f"raw summary of {item_id} naming {THIRD_PARTY}",
        "fact_or_opinion": "fact", "source": "agency_record", "confidential": "no",
        "consent": "explicit", "lawful_basis": "public_task", "risk": "welfare_concern",
        "rationale": f"raw rationale naming {THIRD_PARTY}", "decided_by": "DSL",
        "subject_informed": "yes",
    }
    values.update(over)
    return Item(**values)


def _shared_text(run: MeetingRun, item_id: str, text: str,
                 entities: tuple[EntityCount, ...] = ()) -> None:
    run.redactions[f"{item_id}:summary"] = RedactedText(item_id=item_id, text=text,
                                                        summary=entities)
    run.redactions[f"{item_id}:rationale"] = RedactedText(
        item_id=item_id, text=f"rationale of {item_id} about [Third party A]",
        summary=(EntityCount(entity_type="PERSON", count=1, recognizer="SpacyRecognizer"),))


def build_ledger(run: MeetingRun) -> list[LedgerRow]:
    """Ledger rows as pipeline/ledger.py makes them (kept local: this is the audit's oracle)."""
    rows = [LedgerRow(file=i.provenance.file, sheet=i.provenance.sheet, row=i.provenance.row,
                      agency=i.agency, family_ref=i.family_ref, item_id=i.item_id,
                      disposition=run.decisions[i.item_id].disposition,
                      reasons=";".join(run.decisions[i.item_id].reasons)) for i in run.items]
    rows += [LedgerRow(file=r.provenance.file, sheet=r.provenance.sheet, row=r.provenance.row,
                       agency=r.agency or r.provenance.agency_folder,
                       family_ref=r.family_ref or "", item_id="", disposition="rejected",
                       reasons=" | ".join(p.as_reason() for p in r.problems))
             for r in run.rejections]
    return rows


def jag_run(run_id: str = "run-jag-1") -> MeetingRun:
    cfg = MeetingConfig.model_validate({
        "meeting": {"id": "JAG-2024-03", "type": "jag", "date": "2024-03-05",
                    "purpose": "Joint action group: anti-social behaviour"},
        "agencies": ["police", "school", "health", "housing"],
        "families": [{"ref": "F1", "members": [
            {"name": "Amy Smith", "dob": "2012-05-01", "role": "child"},
            {"name": "Beth Smith", "dob": "1985-02-02", "role": "parent"}]}],
    })
    run = MeetingRun(run_id=run_id, started_at=datetime(2024, 3, 4, 10, tzinfo=UTC),
                     meeting=cfg, meeting_config_path="meeting.yaml", inbox="INBOX")
    person = (EntityCount(entity_type="PERSON", count=2, recognizer="SpacyRecognizer"),
              EntityCount(entity_type="UK_POSTCODE", count=1, recognizer="PatternRecognizer"))
    run.items = [
        make_item("police-1", "police", "F1", "Amy Smith", AMY_DOB, 2,
                  consent="not_sought_crime", legal_power="Crime and Disorder Act 1998 s115",
                  category="asb", decided_by="PS 123"),
        make_item("school-1", "school", "F1", "Amy Smith", AMY_DOB, 2),
        make_item("health-1", "health", "F1", "amy smith", AMY_DOB, 2, consent="refused",
                  category="health"),
        make_item("police-2", "police", "F1", "Beth Smith", date(1985, 2, 2), 3,
                  subject_role="parent", consent="not_sought_unsafe",
                  subject_informed="no_unsafe", risk="serious_harm_adult",
                  rationale="=HYPERLINK(\"http://x\")"),
    ]
    run.decisions = {
        "police-1": Decision(item_id="police-1", disposition="shared", reasons=("PUBLIC_TASK",)),
        "school-1": Decision(item_id="school-1", disposition="shared", reasons=("CONSENT",)),
        "health-1": Decision(item_id="health-1", disposition="withheld",
                             reasons=("CONSENT_REFUSED",)),
        "police-2": Decision(item_id="police-2", disposition="shared",
                             reasons=("SERIOUS_HARM",)),
    }
    _shared_text(run, "police-1", "Seen with [Third party A] near [Postcode].", person)
    _shared_text(run, "school-1", "Attendance 82% this term.")
    _shared_text(run, "police-2", "<script>alert(1)</script> =1+1 reported by [Third party B].",
                 (EntityCount(entity_type="PERSON", count=1, recognizer="SpacyRecognizer"),))
    # police-1's rationale holds markup (escaped in HTML); police-2's a formula (neutralised)
    run.redactions["police-1:rationale"] = RedactedText(
        item_id="police-1", text="<script>alert(1)</script> seen by [Third party A]",
        summary=(EntityCount(entity_type="PERSON", count=1, recognizer="SpacyRecognizer"),))
    run.redactions["police-2:rationale"] = RedactedText(
        item_id="police-2", text="=HYPERLINK(\"http://x\")")
    run.rejections = [Rejection(
        provenance=_prov("school", 5), agency="school", family_ref="F1",
        problems=(Problem(code="MISSING_VALUE", column="consent", message="is empty.",
                          fix="choose a consent value.", value="secret cell"),))]
    run.escrow = {"F1": {"[Third party A]": THIRD_PARTY, "[Third party B]": "Kez Marlow"}}
    run.ledger = build_ledger(run)
    return run


def marac_run(run_id: str = "run-marac-1") -> MeetingRun:
    cfg = MeetingConfig.model_validate({
        "meeting": {"id": "MARAC-2025-01", "type": "marac", "date": "2025-01-10",
                    "purpose": "MARAC: high-risk domestic abuse cases"},
        "agencies": ["police", "idva", "health"],
        "families": [{"ref": "F9", "members": [
            {"name": "Amy Smith", "dob": "2012-05-01", "role": "child"},
            {"name": "Carl Jones", "role": "person_of_concern"}]},
            {"ref": "F10", "members": [
                {"name": "Amy Smith", "dob": "2001-01-01", "role": "victim"}]}],
    })
    run = MeetingRun(run_id=run_id, started_at=datetime(2025, 1, 9, 10, tzinfo=UTC),
                     meeting=cfg, meeting_config_path="meeting.yaml", inbox="INBOX")
    run.items = [
        make_item("idva-1", "idva", "F9", "  AMY   smith ", AMY_DOB, 2, consent="implied",
                  category="domestic_abuse"),
        make_item("police-3", "police", "F9", "Amy Smith", AMY_DOB, 2,
                  consent="not_sought_crime", subject_informed="no_prejudice_crime",
                  category="offending", lawful_basis="law_enforcement",
                  legal_duty="statutory_duty"),
        make_item("health-2", "health", "F10", "Amy Smith", date(2001, 1, 1), 2,
                  subject_role="victim", consent="not_required",
                  special_condition="DPA 2018 Sch 1 para 18"),
        make_item("police-4", "police", "F9", "Carl Jones", None, 3,
                  subject_role="person_of_concern", consent="refused"),
    ]
    reviewed = datetime(2025, 1, 8, 15, tzinfo=UTC)
    run.decisions = {
        "idva-1": Decision(item_id="idva-1", disposition="review", reasons=("NEEDS_REVIEW",)),
        "police-3": Decision(item_id="police-3", disposition="shared", reasons=("REVIEWED",),
                             reviewed_by="MARAC chair", reviewed_at=reviewed,
                             review_reason="necessary for safety planning"),
        "health-2": Decision(item_id="health-2", disposition="shared", reasons=("DUTY",)),
        "police-4": Decision(item_id="police-4", disposition="withheld",
                             reasons=("CONSENT_REFUSED",)),
    }
    _shared_text(run, "police-3", "Arrested on 2 Jan; bail conditions set.")
    _shared_text(run, "health-2", "Attended A&E with injuries.")
    run.escrow = {"F9": {"[Third party A]": "Dean Quill"}}
    run.ledger = build_ledger(run)
    return run


RECIPIENTS = {
    "police-1": ("chair", "school", "health"),
    "school-1": ("chair", "police"),
    "police-2": ("chair",),
    "police-3": ("chair", "idva"),
    "health-2": ("chair", "idva", "police"),
}


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AuditSettings:
    """Settings from the project's audit.yaml, pointed at a tmp SQLite DB, no escrow key."""
    monkeypatch.delenv("CASEBUNDLE_ESCROW_KEY", raising=False)
    monkeypatch.setenv("CASEBUNDLE_AUDIT_URL", f"sqlite:///{tmp_path / 'state' / 'audit.db'}")
    return load_audit_settings()


@pytest.fixture
def escrow_key(monkeypatch: pytest.MonkeyPatch) -> bytes:
    from cryptography.fernet import Fernet

    key = Fernet.generate_key()
    monkeypatch.setenv("CASEBUNDLE_ESCROW_KEY", key.decode())
    return key


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "audit.db"


@pytest.fixture
def raw_db(db_path: Path) -> Callable[[], sqlite3.Connection]:
    """A raw sqlite3 connection with the append-only triggers dropped, to play attacker."""

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.execute("DROP TRIGGER IF EXISTS audit_records_no_delete")
        conn.execute("DROP TRIGGER IF EXISTS audit_records_no_update")
        return conn

    return connect
