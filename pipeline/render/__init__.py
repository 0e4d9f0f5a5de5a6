"""Meeting outputs: family bundles, the agenda and recipient views (docs/outputs.md).

`pipeline/publish.py` writes ledger.csv, review_queue.csv, receipts/, run_summary.json and
audit_head.json into the same meeting folder.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.merge import FamilyBundle, build_agenda, family_views
from pipeline.policy import NeedToKnow, load_need_to_know
from pipeline.render.html_out import agenda_html, bundle_html
from pipeline.render.json_out import render_json
from pipeline.render.xlsx_out import agenda_xlsx, bundle_xlsx
from pipeline.run import MeetingRun
from pipeline.safe_files import secure_mkdir, write_bytes, write_text

__all__ = ["write_agenda", "write_family", "write_meeting_outputs"]


def _write_bundle(bundle: FamilyBundle, folder: Path, run: MeetingRun) -> list[Path]:
    ref = bundle.family_ref
    return [
        write_bytes(folder / f"{ref}.json", render_json(bundle)),
        write_bytes(folder / f"{ref}.xlsx", bundle_xlsx(bundle, run.started_at)),
        write_text(folder / f"{ref}.html", bundle_html(bundle)),
    ]


def write_family(run: MeetingRun, family_ref: str, dest: Path, need_to_know: NeedToKnow
                 ) -> tuple[list[Path], dict[str, tuple[str, ...]]]:
    """Write one family's chair's bundle and recipient views into `dest`; return the paths
    and, by item_id, who received each item (chair, then agencies)."""
    views = family_views(run, family_ref, need_to_know)
    written = _write_bundle(views.chair, dest / "bundles", run)
    for view in views.recipients:
        written += _write_bundle(view, dest / "recipients" / (view.recipient or ""), run)
    return written, views.received()


def write_agenda(run: MeetingRun, dest: Path) -> list[Path]:
    """agenda.xlsx and agenda.html."""
    agenda = build_agenda(run)
    return [write_bytes(dest / "agenda.xlsx", agenda_xlsx(agenda, run.started_at)),
            write_text(dest / "agenda.html", agenda_html(agenda))]


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
    for family in run.meeting.families:
        written += write_family(run, family.ref, dest, ntk)[0]
    return written + write_agenda(run, dest)
