"""Meeting outputs: family bundles, the agenda and recipient views (docs/outputs.md).

`pipeline/publish.py` writes ledger.csv, review_queue.csv, receipts/, run_summary.json and
audit_head.json into the same meeting folder.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.merge import FamilyBundle, build_agenda, build_bundles, recipient_bundle
from pipeline.policy import NeedToKnow, load_need_to_know
from pipeline.render.html_out import agenda_html, bundle_html
from pipeline.render.json_out import render_json
from pipeline.render.xlsx_out import agenda_xlsx, bundle_xlsx
from pipeline.run import MeetingRun
from pipeline.safe_files import secure_mkdir, write_bytes, write_text

__all__ = ["write_meeting_outputs"]


def _write_bundle(bundle: FamilyBundle, folder: Path, run: MeetingRun) -> list[Path]:
    ref = bundle.family_ref
    return [
        write_bytes(folder / f"{ref}.json", render_json(bundle)),
        write_bytes(folder / f"{ref}.xlsx", bundle_xlsx(bundle, run.started_at)),
        write_text(folder / f"{ref}.html", bundle_html(bundle)),
    ]


def write_meeting_outputs(
    run: MeetingRun, dest: Path, need_to_know: NeedToKnow | None = None
) -> list[Path]:
    """Write bundles/, agenda.xlsx, agenda.html and recipients/ into `dest`; return the paths.

    `need_to_know` defaults to redaction_rules/need_to_know.yaml (loaded and checked here,
    so a bad table fails before any file is written).
    """
    ntk = need_to_know if need_to_know is not None else load_need_to_know()
    dest = Path(dest)
    secure_mkdir(dest)
    written: list[Path] = []
    for bundle in build_bundles(run):
        written += _write_bundle(bundle, dest / "bundles", run)
    agenda = build_agenda(run)
    written.append(write_bytes(dest / "agenda.xlsx", agenda_xlsx(agenda, run.started_at)))
    written.append(write_text(dest / "agenda.html", agenda_html(agenda)))
    for agency in run.meeting.agencies:
        for family in run.meeting.families:
            view = recipient_bundle(run, family.ref, agency, ntk)
            written += _write_bundle(view, dest / "recipients" / agency, run)
    return written
