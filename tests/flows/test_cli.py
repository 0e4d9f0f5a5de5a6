"""The casebundle CLI: help everywhere, template, validate exit codes."""

from __future__ import annotations

import csv
import os
import re
import sys
import types
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING
from tests.conftest import GOOD_ROW, write_csv_file

runner = CliRunner()


@pytest.mark.parametrize("args", [
    [], ["run"], ["template"], ["validate"], ["review"], ["review", "list"],
    ["review", "decide"], ["audit"], ["audit", "verify"], ["audit", "report"],
    ["audit", "subject"], ["audit", "reveal"], ["audit", "purge"], ["audit", "keygen"],
    ["web"], ["users"], ["users", "add"], ["users", "remove"], ["users", "reset"],
    ["users", "list"],
])
def test_help_on_every_subcommand(args):
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_template_has_guidance_and_dropdowns(tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "--out", str(out), "--meeting",
                                 str(SAMPLE_MEETING), "--agency", "police"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Submission", "Guidance"]
    ws = wb["Submission"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["agency", "family_ref", "item_ref"]
    validated = {str(dv.sqref).split(":")[0].rstrip("0123456789") for dv in
                 ws.data_validations.dataValidation}
    letters = {h: ws.cell(row=1, column=i + 1).column_letter for i, h in enumerate(headers)}
    for col in ("agency", "family_ref", "subject_role", "category", "consent", "risk",
                "confidential", "lawful_basis", "fact_or_opinion", "source"):
        assert letters[col] in validated, col
    guide = [r[0].value for r in wb["Guidance"].iter_rows(min_row=2)]
    assert "consent_scope" in guide and len(guide) == len(headers)
    assert all(ws.sheet_state == "visible" for ws in wb.worksheets)


def test_validate_good_file_exits_zero(tmp_path):
    f = write_csv_file(tmp_path / "police" / "ok.csv",
                       [dict(GOOD_ROW, family_ref="FAM-001", subject_name="Tony Harrowfield")])
    result = runner.invoke(app, ["validate", str(f), "--meeting", str(SAMPLE_MEETING)],
                           terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "1 valid, 0 rejected" in result.output
    # what the policy would decide: GOOD_ROW's date of birth is not Tony's on the sample
    # roster, so the row waits for a person (identity step, issue 10)
    assert "Awaiting review" in result.output and "SUBJECT_MATCH_WEAK" in result.output


def test_validate_broken_file_lists_every_problem(tmp_path):
    rows = [dict(GOOD_ROW, family_ref="FAM-001", category="edu"),
            dict(GOOD_ROW, family_ref="FAM-404"),
            dict(GOOD_ROW, family_ref="FAM-001", recorded_on="31/12/2099", risk="")]
    f = write_csv_file(tmp_path / "police" / "bad.csv", rows)
    result = runner.invoke(app, ["validate", str(f), "--meeting", str(SAMPLE_MEETING)],
                           terminal_width=250)
    assert result.exit_code == 1, result.output
    for text in ("category", "family_ref", "recorded_on", "risk", "INVALID_VALUE",
                 "UNKNOWN_FAMILY", "FUTURE_DATE", "MISSING_VALUE", "0 valid, 3 rejected"):
        assert text in result.output, text


def test_validate_sample_police_file_reports_its_broken_rows():
    f = SAMPLE_INBOX / "police" / "police_jag_return_2026-11.xlsx"
    result = runner.invoke(app, ["validate", str(f), "--meeting", str(SAMPLE_MEETING)],
                           terminal_width=250)
    assert result.exit_code == 1
    assert "UNKNOWN_FAMILY" in result.output


def test_bad_meeting_config_is_a_clear_error(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("meeting: {id: x, type: court}\n")
    f = write_csv_file(tmp_path / "ok.csv", [GOOD_ROW])
    result = runner.invoke(app, ["validate", str(f), "--meeting", str(bad)])
    assert result.exit_code == 2
    assert "meeting.type" in result.output and "docs/meeting-config.md" in result.output


def test_run_with_bad_config_fails_before_reading(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_text("not: [valid")
    result = runner.invoke(app, ["run", "--meeting", str(bad), "--inbox", str(tmp_path),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "cannot be read as YAML" in result.output
    assert not (tmp_path / "out").exists()


def test_run_with_missing_inbox_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["run", "--meeting", str(SAMPLE_MEETING), "--inbox",
                                 str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "inbox folder not found" in result.output


def test_validate_shows_outcome_reminders_and_next_steps(tmp_path):
    # issue 12, item 8: the preview is the receipt the agency will get: the outcome once,
    # the reasons that decided it, the reminders (003 3.48: tell the subject) and what next
    tony = {"family_ref": "FAM-001", "subject_name": "Tony Harrowfield",
            "subject_dob": "14/05/2009"}
    rows = [
        dict(GOOD_ROW, **tony, confidential="yes", consent="refused", consent_given_by="parent",
             risk="significant_harm_child", subject_informed="not_yet"),
        dict(GOOD_ROW, **tony, item_ref="P-2", agency_decision="not_share", summary="",
             consent="explicit", consent_given_by="parent", consent_scope="jag",
             rationale="Disclosure would identify a covert source; held for tasking only."),
    ]
    f = write_csv_file(tmp_path / "police" / "two.csv", rows)
    result = runner.invoke(app, ["validate", str(f), "--meeting", str(SAMPLE_MEETING)],
                           terminal_width=250)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Reminders:" in out
    assert "INFORM_SUBJECT: This item is shared without the subject's consent." in out
    assert "CONFIRM_CSC_REFERRAL" in out
    assert "row 2: Shared at the meeting" in out
    assert "row 3: Withheld: not shared at this meeting. Next: Nothing: your decision" in out
    # the withheld row is not explained by the consent that would have shared it
    assert "CONSENT_EXPLICIT" not in out


def test_validate_reports_a_damaged_workbook_instead_of_a_traceback(tmp_path):
    """An .xlsx whose sheet XML is cut short (issue 13, item 1)."""
    import io
    import zipfile

    from tests.cases.hostile.make_corpus import SHEET, good, patch, workbook, xlsx_bytes

    data = patch(xlsx_bytes(workbook(good("police", 2))), SHEET, lambda b: b[: len(b) // 2])
    path = tmp_path / "police" / "cut.xlsx"
    path.parent.mkdir()
    path.write_bytes(data)
    assert zipfile.is_zipfile(io.BytesIO(data))
    result = runner.invoke(app, ["validate", str(path), "--meeting", str(SAMPLE_MEETING)])
    assert result.exit_code == 1, result.output
    assert "UNREADABLE_FILE" in result.output and "Traceback" not in result.output
    assert "cut short" in result.output


# --- what `casebundle run` prints -------------------------------------------------------

FAKE_SUMMARY = {
    "run_id": "abc123", "meeting_id": "jag-2026-12", "rows_in": 6,
    "counts": {"shared": 2, "withheld": 1, "review": 2, "rejected": 1},
    "by_agency": {"police": {"shared": 2, "withheld": 1, "review": 1, "rejected": 0},
                  "yos": {"shared": 0, "withheld": 0, "review": 1, "rejected": 1},
                  "csc": {"shared": 0, "withheld": 0, "review": 0, "rejected": 0}},
    "follow_up": [
        {"agency": "yos", "kind": "unreadable", "file": "yos/v2.xlsx", "rows": [],
         "problem": "The file could not be read: the file is not a readable .xlsx workbook.",
         "action": "Open it in Excel, save as .xlsx and send it again."},
        {"agency": "police", "kind": "review", "file": "police/p.xlsx", "rows": [4],
         "problem": "Item police-1 (family FAM-001, row 4) awaits a person's decision.",
         "action": "Nothing unless asked."},
    ],
    "identity": {"matched": 3, "confirmed": 0, "weak": 0, "ambiguous": 0,
                 "not_on_roster": 1, "other_family": 1},
    "attention": ["csc: none of its 2 valid rows matched a family's roster (check family_ref, "
                  "subject_name and subject_dob)"],
    "unsure_redactions": {"removed": 9, "awaiting_confirmation": 7},
}


def _fake_flow(monkeypatch, prepare) -> None:
    """Stand in for flows.prepare without importing it: importing Prefect here would fix
    its settings (PREFECT_HOME) for the rest of this test process."""
    module = types.ModuleType("flows.prepare")
    module.prepare_meeting = prepare  # type: ignore[attr-defined]
    module.server_start_failure = lambda exc: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "flows.prepare", module)
    # and the temporary server's bookkeeping (flows/server.py), which imports Prefect too
    server = types.ModuleType("flows.server")
    server.register_run = lambda token=None, folder=None: "token"  # type: ignore[attr-defined]
    server.stop_own_server = lambda: None  # type: ignore[attr-defined]
    server.stop_stale_servers = lambda: []  # type: ignore[attr-defined]
    server.unregister = lambda token: None  # type: ignore[attr-defined]
    server.note_server = lambda process: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "flows.server", server)


def test_run_shows_progress_then_what_happened_and_what_to_do(tmp_path, monkeypatch):
    from flows.progress import step

    seen = {}

    def fake_prepare(meeting_config, inbox, out, state_dir):
        seen["state_env"] = os.environ.get("CASEBUNDLE_STATE_DIR")
        seen["log_level"] = os.environ.get("PREFECT_LOGGING_LEVEL")
        seen["state_dir"] = state_dir
        step("start", 1, 1)
        for n in (1, 2, 3):
            step("read", n, 3)
        step("decide", 5, 5)
        step("redact", 2, 2)
        step("write", 1, 1)
        return FAKE_SUMMARY

    _fake_flow(monkeypatch, fake_prepare)
    # the CLI sets these for the run; monkeypatch puts them back afterwards
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", "elsewhere")
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "INFO")
    state = tmp_path / "state"
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "out"), "--state", str(state)],
                           env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    # --state moves the audit store too (found through the environment) and the review store
    assert seen == {"state_env": str(state), "log_level": "WARNING", "state_dir": str(state)}
    out = result.output
    for line in ("Starting the workflow engine", "Files read: 3 of 3", "Items decided: 5 of 5",
                 "Families redacted: 2 of 2", "Outputs written: 1 of 1"):
        assert line in out, line
    assert re.search(r"yos\s+│\s+0\s+│\s+0\s+│\s+1\s+│\s+1\s+│\s+2", out)  # per agency
    assert re.search(r"csc\s+│\s+0\s+│\s+0\s+│\s+0\s+│\s+0\s+│\s+0", out)  # sent nothing
    assert "Not read or rejected: 1 rows" in out and "yos/v2.xlsx" in out
    assert "Open it in Excel" in out
    assert "2 items await review" in out and "casebundle review list --meeting" in out
    # who the items are about (issue 10) and what the coordinator must not miss
    flat = " ".join(out.split())
    assert "Who the items are about: Matched to the roster 3; Not on the family's roster 1; " \
        "Probably another family's 1" in flat
    assert "Attention: csc: none of its 2 valid rows matched" in flat
    # words removed as unsure, awaiting a reviewer (issue 11)
    assert "7 words removed as unsure await confirmation" in flat
    assert "casebundle review redaction list --meeting" in out and str(state) in out
    assert "| INFO" not in out and "Flow run" not in out  # no Prefect log lines


def test_the_scale_benchmark_reads_the_runs_stage_seconds(tmp_path, monkeypatch):
    """benchmarks/scale.py takes each stage's share from the line the run prints."""
    from benchmarks.scale import stage_seconds

    seconds = {"read": 2.1, "decide": 1.0, "redact": 12.5, "write": 10.6, "audit": 0.2}
    _fake_flow(monkeypatch, lambda **_: {**FAKE_SUMMARY, "seconds": seconds})
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "out"), "--state",
                                 str(tmp_path / "state")], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert stage_seconds(result.output) == seconds


def test_run_verbose_keeps_prefects_log_lines(tmp_path, monkeypatch):
    seen = {}

    def fake_prepare(**_: str) -> dict:
        seen["log_level"] = os.environ.get("PREFECT_LOGGING_LEVEL")
        return FAKE_SUMMARY

    _fake_flow(monkeypatch, fake_prepare)
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "INFO")
    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", "elsewhere")
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "out"), "--state",
                                 str(tmp_path / "s"), "--verbose"])
    assert result.exit_code == 0, result.output
    assert seen["log_level"] == "INFO" and "Files read" not in result.output


def _queue(out: Path) -> None:
    from pipeline.policy import QUEUE_COLUMNS

    folder = out / "jag-2026-12"
    folder.mkdir(parents=True)
    rows = [
        {"item_id": "housing-3f427a95b3", "content_hash": "h1", "agency": "housing",
         "family_ref": "FAM-002", "subject_role": "parent", "category": "asb",
         "file": "housing/asb_log_2026-11.csv", "sheet": "csv", "row": "2",
         "reasons": "SOURCE_AT_RISK;NOT_CONFIDENTIAL"},
        {"item_id": "probation-b4c58ed70e", "content_hash": "h2", "agency": "probation",
         "family_ref": "FAM-003", "subject_role": "partner", "category": "domestic_abuse",
         "file": "probation/probation_jag_return.xlsx", "sheet": "Submission", "row": "3",
         "reasons": "LEGAL_DUTY_NO_RECIPIENTS"},
    ]
    with (folder / "review_queue.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=QUEUE_COLUMNS)
        w.writeheader()
        w.writerows(rows)


def test_review_list_reads_well_at_80_columns(tmp_path):
    _queue(tmp_path / "out")
    result = runner.invoke(app, ["review", "list", "--meeting", str(SAMPLE_MEETING),
                                 "--out", str(tmp_path / "out"), "--state",
                                 str(tmp_path / "state")], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    out = result.output
    # ids whole on one line, words not split into one-letter columns
    assert "housing-3f427a95b3" in out and "probation-b4c58ed70e" in out
    for words in ("Anti-social behaviour", "The source could be put", "FAM-002, housing"):

        assert words in out, words
    # the reason that sent it to review, not the one that would have shared it
    table = out.split("Reasons:")[0]
    assert "Recorded as not confidential" not in table
    assert "SOURCE_AT_RISK" in out and "para 3.50" in out  # code and guidance below


def test_live_progress_on_a_terminal_shows_every_step():
    import io

    from rich.console import Console

    from flows.cli_summary import run_progress
    from flows.progress import STEPS, step

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100)
    with run_progress(console):
        step("start", 1, 1)
        step("read", 8, 8)
        step("redact", 4, 4)
    shown = buf.getvalue()
    for text in STEPS.values():
        assert text in shown, text
    assert "8/8" in shown and "4/4" in shown
    step("read", 1, 1)  # after the block nobody is watching: nothing happens


def test_work_line_reads_as_words() -> None:
    from flows.cli import _work_line

    line = _work_line({"redaction_processes": 2,
                       "outputs": {"views_rendered": 3, "views_reused": 29,
                                   "views_kept": 21, "processes": 2},
                       "work_cache": {"read": {"hits": 7, "misses": 1},
                                      "decide": {"hits": 2, "misses": 2},
                                      "redact": {"hits": 3, "misses": 1}}})
    assert line == ("Work: redaction in 2 processes; 3 views written, 29 reused from the last "
                    "run (21 kept from its published files); files read: 7 of 8 reused; "
                    "families decided: 2 of 4 reused; "
                    "families redacted: 3 of 4 reused.")
    assert "{" not in _work_line({"outputs": {}, "work_cache": {}})
