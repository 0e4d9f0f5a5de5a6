"""Governance: the tamper-evident decision record, escrow, reports, subject access, retention.

Golden rule 7 (../shared/seeds/003_e63cd6015283d4be.txt 2.9, 3.51): keep a record of
every decision and its reasons, whether or not information was shared.
"""

from pipeline.audit.browse import RecordRow, RunRows, filter_rows, run_rows
from pipeline.audit.chain import AuditHead, ChainProblem, VerifyResult, find_heads, write_head
from pipeline.audit.escrow import reveal, write_key_file
from pipeline.audit.exceptions import AuditError, AuditStoreBusy, EscrowError
from pipeline.audit.records import (
    record_redaction_decision,
    record_run,
    subject_key,
    verify_store,
)
from pipeline.audit.report import AuditReport, NoConsentItem, build_report
from pipeline.audit.retention import PurgePlan, PurgeResult, execute_purge, plan_purge
from pipeline.audit.reviews import (
    RedactionEntry,
    ReviewEntry,
    redaction_entries,
    review_entries,
    review_record,
)
from pipeline.audit.settings import AuditSettings, load_audit_settings, load_escrow_key
from pipeline.audit.store import AuditStore
from pipeline.audit.subject import SubjectReport, format_text, subject_report

__all__ = [
    "AuditError",
    "AuditHead",
    "AuditReport",
    "AuditSettings",
    "AuditStore",
    "AuditStoreBusy",
    "ChainProblem",
    "EscrowError",
    "NoConsentItem",
    "PurgePlan",
    "PurgeResult",
    "RecordRow",
    "RedactionEntry",
    "ReviewEntry",
    "RunRows",
    "SubjectReport",
    "VerifyResult",
    "build_report",
    "execute_purge",
    "filter_rows",
    "find_heads",
    "format_text",
    "load_audit_settings",
    "load_escrow_key",
    "plan_purge",
    "record_redaction_decision",
    "record_run",
    "redaction_entries",
    "reveal",
    "review_entries",
    "review_record",
    "run_rows",
    "subject_key",
    "subject_report",
    "verify_store",
    "write_head",
    "write_key_file",
]
