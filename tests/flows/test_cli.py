"""The casebundle CLI: help everywhere, template, validate exit codes."""

from __future__ import annotations

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
