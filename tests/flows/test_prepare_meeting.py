"""End to end through the real Prefect flow on the sample meeting (one run, many checks)."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest

from pipeline.policy import load_policy
from tests.flows.conftest import all_output_files

pytestmark = pytest.mark.slow

MANIFEST = json.loads((Path(__file__).parents[1] / "cases" / "sample_manifest.json")
                      .read_text(encoding="utf-8"))


def _ledger(sample_run) -> list[dict[str, str]]:
    with (sample_run["dir"] / "ledger.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_rows_in_equal_ledger_rows(sample_run):
    ledger = _ledger(sample_run)
    assert len(ledger) == MANIFEST["expected_ledger_lines"] == sample_run["summary"]["rows_in"]
    keys = [(r["file"], r["sheet"], r["row"]) for r in ledger]
    assert len(set(keys)) == len(keys)
    counts = sample_run["summary"]["counts"]
    assert sum(counts.values()) == len(ledger)


def test_every_invalid_row_is_rejected_naming_its_column(sample_run):
    ledger = {(r["file"], r["sheet"], r["row"]): r for r in _ledger(sample_run)}
    for bad in MANIFEST["invalid_rows"]:
        line = ledger[(bad["file"], bad["sheet"], str(bad["row"]))]
        assert line["disposition"] == "rejected", bad
        columns = [bad["column"], *bad.get("also_acceptable_columns", [])]
        assert any(f"[{c}]" in line["reasons"] for c in columns), (bad, line["reasons"])
        assert "Fix:" in line["reasons"]


def test_duplicate_and_corrupt_files_are_in_the_ledger(sample_run):
    ledger = _ledger(sample_run)
    for dup in MANIFEST["duplicate_files"]:
        lines = [r for r in ledger if r["file"] == dup["file"]]
        assert len(lines) == dup["rows"]
        assert all(r["disposition"] == "rejected" and "DUPLICATE_FILE" in r["reasons"]
                   for r in lines)
    for bad in MANIFEST["corrupt_files"]:
        lines = [r for r in ledger if r["file"] == bad["file"]]
        assert len(lines) == 1 and lines[0]["row"] == ""
        assert "UNREADABLE_FILE" in lines[0]["reasons"]


def test_all_dispositions_present_and_every_reason_code_documented(sample_run):
    ledger = _ledger(sample_run)
    assert {r["disposition"] for r in ledger} == {"shared", "withheld", "review", "rejected"}
    codes = {c for r in ledger if r["disposition"] != "rejected" for c in r["reasons"].split(";")}
    assert codes
    policy_doc = (Path(__file__).parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")
    known = set(load_policy().reason_codes)
    for code in codes:
        assert code in known or code == "REDACTION_FAILED", code
        assert f"`{code}`" in policy_doc or code in policy_doc, code


def test_every_family_has_a_bundle(sample_run):
    for fam in sample_run["meeting"].families:
        for ext in ("json", "xlsx", "html"):
            assert (sample_run["dir"] / "bundles" / f"{fam.ref}.{ext}").is_file()
    bundle = json.loads((sample_run["dir"] / "bundles" / "FAM-001.json").read_text())
    assert bundle["meeting_id"] == sample_run["meeting"].meeting.id
    assert bundle["family_ref"] == "FAM-001"
    item = bundle["items"][0]
    for key in ("item_id", "agency", "subject_name", "category", "recorded_on",
                "fact_or_opinion", "text", "sharing_basis", "provenance"):
        assert key in item
    for key in ("consent", "consent_scope", "lawful_basis", "legal_power", "risk", "rationale",
                "decided_by", "subject_informed"):
        assert key in item["sharing_basis"]
    for key in ("file", "sheet", "row", "sha256", "received_at"):
        assert key in item["provenance"]
    removed = [r for it in bundle["items"] for r in it["redaction"]]
    assert removed, "the sample's free text names third parties"
    assert all(set(r) == {"entity_type", "recognizer", "count"} and r["count"] >= 1
               for r in removed)


def _texts(path: Path) -> str:
    """Every text in a file; for .xlsx every XML part inside the zip."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return path.read_text(encoding="utf-8", errors="replace")


def test_no_third_party_identifier_in_any_output(sample_run):
    files = all_output_files(sample_run["dir"])
    assert len(files) > 10
    leaks: list[tuple[str, str]] = []
    patterns = [(v, re.compile(r"(?<!\w)" + re.escape(v) + r"(?!\w)"))
                for v in MANIFEST["third_party_identifiers"]]
    for path in files:
        text = _texts(path)
        text = text.replace("&amp;", "&").replace("&#39;", "'").replace("&apos;", "'")
        for value, pattern in patterns:
            if pattern.search(text):
                leaks.append((str(path.relative_to(sample_run["dir"])), value))
    assert not leaks, leaks


def test_outputs_are_owner_only(sample_run):
    for path in all_output_files(sample_run["dir"]):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_prefect_database_holds_no_personal_data(sample_run):
    """Parameters, results, logs and exception text stay free of names and free text."""
    dbs = list((sample_run["root"] / "prefect").rglob("*.db"))
    assert dbs, "expected Prefect's embedded database under PREFECT_HOME"
    names = [n for n in MANIFEST["family_names"] if " " in n]
    needles = names + [v for v in MANIFEST["third_party_identifiers"] if " " in v]
    for db in dbs:
        con = sqlite3.connect(db)
        try:
            dump = "\n".join(con.iterdump())
        finally:
            con.close()
        assert "prepare-meeting" in dump  # the flow run is there
        found = [n for n in needles if n in dump]
        assert not found, found


def test_prefect_records_only_ids_and_paths_as_parameters(sample_run):
    db = next((sample_run["root"] / "prefect").rglob("prefect.db"))
    con = sqlite3.connect(db)
    try:
        flow_params = [json.loads(r[0]) for r in con.execute("select parameters from flow_run")]
        task_inputs = [json.loads(r[0]) for r in con.execute("select task_inputs from task_run")]
    finally:
        con.close()
    assert flow_params and task_inputs
    for params in flow_params:
        assert set(params) == {"meeting_config", "inbox", "out", "state_dir"}
        assert all(isinstance(v, str) for v in params.values())
    allowed = {"run_id", "path", "name", "agency_folder", "state_dir", "family_ref", "out"}
    for inputs in task_inputs:
        assert set(inputs) <= allowed, inputs


def _audit_store(sample_run, monkeypatch):
    from pipeline.audit import AuditStore, load_audit_settings

    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(sample_run["root"] / "state"))
    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
    return AuditStore.from_settings(load_audit_settings())


def test_audit_report_counts_equal_the_ledger(sample_run, monkeypatch):
    from collections import Counter

    from pipeline.audit import build_report, write_report

    report = build_report(_audit_store(sample_run, monkeypatch),
                          sample_run["meeting"].meeting.id)
    assert report.run_id == sample_run["summary"]["run_id"]
    ledger = _ledger(sample_run)
    by_agency: dict[str, Counter[str]] = {}
    for r in ledger:
        by_agency.setdefault(r["agency"], Counter())[r["disposition"]] += 1
    for row in report.agencies:
        c = by_agency.get(row.agency, Counter())
        assert (row.shared, row.withheld, row.review, row.rejected) == (
            c["shared"], c["withheld"], c["review"], c["rejected"]), row.agency
        assert row.submitted == sum(c.values())
    t = report.totals
    assert t.shared + t.withheld + t.review + t.rejected == len(ledger)
    assert report.ledger_matches
    xlsx, html = write_report(report, sample_run["root"] / "audit_report")
    assert xlsx.is_file() and html.is_file()


def test_audit_chain_verifies_against_the_run_head(sample_run, monkeypatch):
    from pipeline.audit import verify_store

    store = _audit_store(sample_run, monkeypatch)
    head_file = sample_run["dir"] / "audit_head.json"
    head = json.loads(head_file.read_text())
    result = verify_store(store, [head_file])
    assert result.ok, result
    assert head["length"] >= len(_ledger(sample_run))


def test_every_rejected_row_and_file_is_followed_up_in_summary_agenda_and_receipt(sample_run):
    """Rejected files and rows, duplicates and items in review reach the agenda, the console
    summary and each agency's receipt, not only the ledger."""
    summary, folder = sample_run["summary"], sample_run["dir"]
    ledger = _ledger(sample_run)
    follow = summary["follow_up"]
    covered = {(f["file"], str(r)) for f in follow for r in (f["rows"] or [""])}
    for line in ledger:
        if line["disposition"] in ("rejected", "review"):
            assert (line["file"], line["row"]) in covered, line
    by_agency = summary["by_agency"]
    assert sum(sum(c.values()) for c in by_agency.values()) == summary["rows_in"]
    agenda = (folder / "agenda.html").read_text(encoding="utf-8")
    for bad in MANIFEST["corrupt_files"] + MANIFEST["duplicate_files"]:
        assert any(f["file"] == bad["file"] for f in follow)
        assert bad["file"].split("/")[-1].replace("_", "_<wbr>") in agenda or \
            bad["file"].split("/")[-1] in agenda.replace("<wbr>", "")
    assert agenda.count("awaits a person") == summary["counts"]["review"]
    for agency in sample_run["meeting"].agencies:
        mine = [r for r in ledger if r["agency"] == agency]
        path = folder / "receipts" / f"{agency}.csv"
        if not mine:
            assert not path.exists()
            continue
        with path.open(encoding="utf-8") as fh:
            receipt = list(csv.DictReader(fh))
        # one receipt row per input row of the agency: rejected ones included, in file order
        assert sorted((r["file"], r["row"], r["disposition"]) for r in receipt) == \
            sorted((r["file"], r["row"], r["disposition"]) for r in mine), agency
        assert not any(".txt" in r["explanations"] for r in receipt)  # cited by title
