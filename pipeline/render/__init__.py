"""Meeting outputs: family bundles, the agenda and recipient views (docs/outputs.md), and
the governance report built by `pipeline.audit.build_report` (docs/audit.md).

`pipeline/publish.py` writes ledger.csv, review_queue.csv, receipts/, run_summary.json and
audit_head.json into the same meeting folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pipeline.labels import Labels, load_labels
from pipeline.merge import FamilyBundle, build_agenda, build_bundles, recipient_bundle
from pipeline.policy import NeedToKnow, PolicyRules, load_need_to_know
from pipeline.render.audit_report import (
    audit_report_html,
    audit_report_xlsx,
    write_audit_report,
)
from pipeline.render.html_out import agenda_html, bundle_html
from pipeline.render.json_out import render_json
from pipeline.render.xlsx_out import Column, Sheet, add_table, agenda_xlsx, bundle_xlsx, to_bytes
from pipeline.run import MeetingRun
from pipeline.safe_files import secure_mkdir, write_bytes, write_text

__all__ = [
    "Column",
    "Sheet",
    "add_table",
    "audit_report_html",
    "audit_report_xlsx",
    "to_bytes",
    "write_audit_report",
    "write_meeting_outputs",
]


def _write_bundle(bundle: FamilyBundle, folder: Path, run: MeetingRun, labels: Labels,
                  citations: Mapping[str, str]) -> list[Path]:
    ref = bundle.family_ref
    return [
        write_bytes(folder / f"{ref}.json", render_json(bundle, labels)),
        write_bytes(folder / f"{ref}.xlsx",
                    bundle_xlsx(bundle, run.started_at, labels, citations)),
        write_text(folder / f"{ref}.html", bundle_html(bundle, labels, citations)),
    ]


def write_meeting_outputs(
    run: MeetingRun, dest: Path, need_to_know: NeedToKnow | None = None,
    policy: PolicyRules | None = None, labels: Labels | None = None,
) -> list[Path]:
    """Write bundles/, agenda.xlsx, agenda.html and recipients/ into `dest`; return the paths.

    `need_to_know` defaults to redaction_rules/need_to_know.yaml and `labels` to
    redaction_rules/labels.yaml (loaded and checked here, so a bad table fails before any
    file is written). With `policy`, each item not shared shows only the reasons that
    decided it, and each reason its citation; without it, every reason code, uncited.
    """
    ntk = need_to_know if need_to_know is not None else load_need_to_know()
    words = labels if labels is not None else load_labels()
    outcomes = {c: rc.outcome for c, rc in policy.reason_codes.items()} if policy else None
    citations = {c: rc.citation for c, rc in policy.reason_codes.items()} if policy else {}
    dest = Path(dest)
    secure_mkdir(dest)
    written: list[Path] = []
    for bundle in build_bundles(run, outcomes):
        written += _write_bundle(bundle, dest / "bundles", run, words, citations)
    agenda = build_agenda(run, words, outcomes)
    written.append(write_bytes(dest / "agenda.xlsx", agenda_xlsx(agenda, run.started_at, words)))
    written.append(write_text(dest / "agenda.html", agenda_html(agenda, words)))
    for agency in run.meeting.agencies:
        for family in run.meeting.families:
            view = recipient_bundle(run, family.ref, agency, ntk)
            written += _write_bundle(view, dest / "recipients" / agency, run, words, citations)
    return written
