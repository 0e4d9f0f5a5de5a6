"""End to end through the real Prefect flow on the sample meeting (one run, many checks)."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import stat
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.policy import load_policy
from tests.flows.conftest import all_output_files

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((REPO / "tests" / "cases" / "sample_manifest.json")
                      .read_text(encoding="utf-8"))


def _ledger(sample_run) -> list[dict[str, str]]:
    with (sample_run["dir"] / "ledger.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _expected_lines() -> dict[tuple[str, str, str], str]:
    """(file, sheet, row) -> disposition for every ledger line, from the manifest alone: the
    intended outcome of each unique row, the duplicate file's rows and the corrupt file."""
    expected = {(o["file"], o["sheet"], str(o["row"])): o["intended_outcome"]
                for o in MANIFEST["intended_outcomes"]}
    for dup in MANIFEST["duplicate_files"]:
        for row in range(2, dup["rows"] + 2):  # header = row 1
            expected[(dup["file"], dup["sheet"], str(row))] = dup["expected_disposition"]
    for bad in MANIFEST["corrupt_files"]:
        expected[(bad["file"], bad["sheet"] or "", "")] = bad["expected_disposition"]
    return expected


def test_rows_in_equal_ledger_rows(sample_run):
    ledger = _ledger(sample_run)
    expected = _expected_lines()
    assert len(expected) == MANIFEST["expected_ledger_lines"] == 91  # issue 10 added 3 rows
    assert len(ledger) == len(expected) == sample_run["summary"]["rows_in"]
    keys = [(r["file"], r["sheet"], r["row"]) for r in ledger]
    assert len(set(keys)) == len(keys)
    assert set(keys) == set(expected)
    assert sample_run["summary"]["counts"] == dict(Counter(expected.values()))


def test_every_intended_outcome_is_the_ledgers(sample_run):
    """All 75 unique rows end where make_samples.py intends (a 'judgement' row is one where
    a careful engine could decide otherwise: if it now does, change the sample's intent)."""
    ledger = {(r["file"], r["sheet"], r["row"]): r for r in _ledger(sample_run)}
    outcomes = MANIFEST["intended_outcomes"]
    assert len(outcomes) == 78  # 75, and issue 10 added 3 rows
    wrong = []
    for o in outcomes:
        line = ledger[(o["file"], o["sheet"], str(o["row"]))]
        if (line["disposition"], line["family_ref"]) != (o["intended_outcome"], o["family_ref"]):
            kind = "judgement" if o.get("clear") is False else "clear"
            wrong.append(f"{o['file']} row {o['row']} ({kind}): {line['disposition']} "
                         f"[{line['reasons']}], intended {o['intended_outcome']}: {o['why']}")
    assert not wrong, "\n".join(wrong)


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
        assert code in known, code
        assert f"`{code}`" in policy_doc, code
    # the sample's redaction never fails: a failure would send shared items to review
    assert "REDACTION_FAILED" not in codes


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


#: columns whose cells are free text (names, notes, references, roles), not codes or dates;
#: agency and family_ref are codes that Prefect records as task parameters by design
FREE_TEXT = ("item_ref", "subject_name", "summary", "opinion_of", "special_condition",
             "legal_power", "rationale", "decided_by")


def _free_text_cells() -> set[str]:
    """Every non-empty free-text cell of the sample inbox, read with csv and openpyxl (every
    sheet, hidden ones too), not through the pipeline; the corrupt file cannot be read."""
    corrupt = {f["file"] for f in MANIFEST["corrupt_files"]}
    values: set[str] = set()
    inbox = REPO / MANIFEST["inbox"]
    for path in sorted(p for p in inbox.rglob("*") if p.is_file()):
        if path.relative_to(inbox).as_posix() in corrupt:
            continue
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                sheets = [list(csv.reader(fh))]
        else:
            sheets = [[list(r) for r in ws.iter_rows(values_only=True)]
                      for ws in load_workbook(path).worksheets]
        for rows in sheets:
            header = [str(h or "").strip().lower().replace(" ", "_") for h in rows[0]]
            assert set(FREE_TEXT) <= set(header), (path, header)
            for row in rows[1:]:
                values.update(str(v).strip() for h, v in zip(header, row, strict=False)
                              if h in FREE_TEXT and v is not None and str(v).strip())
    return values


def _stored_forms(value: str) -> set[str]:
    """The value as written, in an SQL literal ('') and in JSON ("\\u00e9")."""
    return {value, value.replace("'", "''"), json.dumps(value)[1:-1]}


def test_prefect_database_holds_no_personal_data(sample_run):
    """Parameters, results, logs and exception text stay free of names and free text."""
    dbs = list((sample_run["root"] / "prefect").rglob("*.db"))
    assert dbs, "expected Prefect's embedded database under PREFECT_HOME"
    cells = _free_text_cells()
    assert len(cells) > 200  # every summary, rationale and name of 7 readable files
    names = [n for n in MANIFEST["family_names"] if " " in n]
    needles = set(cells) | set(names) | {v for v in MANIFEST["third_party_identifiers"]
                                         if " " in v}
    patterns = {n: re.compile("|".join(rf"(?<!\w){re.escape(f)}(?!\w)"
                                       for f in sorted(_stored_forms(n))))
                for n in needles}
    for db in dbs:
        con = sqlite3.connect(db)
        try:
            dump = "\n".join(con.iterdump())
        finally:
            con.close()
        assert "prepare-meeting" in dump  # the flow run is there
        found = sorted(n for n, pattern in patterns.items() if pattern.search(dump))
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
    # ids (run, batch number, the cache's version digest) and paths
    allowed = {"run_id", "path", "name", "agency_folder", "state_dir", "family_ref", "out",
               "batch", "plan_dir", "rules_path", "dest", "cache_dir", "version"}
    for inputs in task_inputs:
        assert set(inputs) <= allowed, inputs


def _audit_store(sample_run, monkeypatch):
    from pipeline.audit import AuditStore, load_audit_settings

    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(sample_run["root"] / "state"))
    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
    return AuditStore.from_settings(load_audit_settings())


def test_audit_report_counts_equal_the_ledger(sample_run, monkeypatch):
    from collections import Counter

    from pipeline.audit import build_report
    from pipeline.render import write_audit_report

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
    xlsx, html = write_audit_report(report, sample_run["root"] / "audit_report")
    assert xlsx.is_file() and html.is_file()


def test_audit_chain_verifies_against_the_run_head(sample_run, monkeypatch):
    from pipeline.audit import verify_store

    store = _audit_store(sample_run, monkeypatch)
    head_file = sample_run["dir"] / "audit_head.json"
    head = json.loads(head_file.read_text())
    result = verify_store(store, [head_file])
    assert result.ok, result
    assert head["length"] >= len(_ledger(sample_run))


# --- identity (issue 10): who each row is about ------------------------------------------

def _identity_rows(kind: str) -> list[dict]:
    return [o for o in MANIFEST["intended_outcomes"]
            if o.get("identity", "").startswith(kind)]


def _family_files(sample_run, family_ref: str) -> list[Path]:
    """The family's chair bundle and every recipient view of it, in every format."""
    d = sample_run["dir"]
    files = sorted(d.glob(f"bundles/{family_ref}.*")) + sorted(
        d.glob(f"recipients/*/{family_ref}.*"))
    assert {p.suffix for p in files} == {".json", ".html", ".xlsx"}
    return files


def test_every_valid_row_has_its_intended_identity_outcome(sample_run):
    ledger = {(r["file"], r["sheet"], r["row"]): r for r in _ledger(sample_run)}
    codes = {"not_on_roster": "SUBJECT_NOT_ON_ROSTER", "other_family": "SUBJECT_PROBABLY_MISFILED"}
    checked = 0
    for o in MANIFEST["intended_outcomes"]:
        if "identity" not in o:
            continue
        line = ledger[(o["file"], o["sheet"], str(o["row"]))]
        kind = o["identity"].split(":")[0]
        reasons = line["reasons"].split(";")
        if kind == "matched":
            assert not [c for c in reasons if c.startswith("SUBJECT_")], (o, reasons)
        else:
            assert reasons[0] == codes[kind], (o, reasons)
            assert line["disposition"] == "review", (o, line)
        checked += 1
    assert checked == len(MANIFEST["intended_outcomes"]) - len(MANIFEST["invalid_rows"])
    assert sample_run["summary"]["identity"]["not_on_roster"] == 1
    assert sample_run["summary"]["identity"]["other_family"] == 1


def test_misfiled_subject_is_in_no_bundle_and_no_recipient_view(sample_run):
    (row,) = _identity_rows("not_on_roster")
    assert row["subject_name"] == "Kelsey Doughty" and row["family_ref"] == "FAM-001"
    every = all_output_files(sample_run["dir"])
    views = [p for p in every if p.parent.name == "bundles" or "recipients" in p.parts]
    assert len(views) > 20
    for path in every:  # bundles, recipient views, agenda, ledger, queue, receipts
        text = _texts(path)
        for form in ("Kelsey", "Doughty", "DOUGHTY"):
            assert not re.search(rf"(?<!\w){form}(?!\w)", text), (path, form)
    # and the row waits for a person, with the reason and no name in the queue
    queue = (sample_run["dir"] / "review_queue.csv").read_text(encoding="utf-8")
    assert "SUBJECT_NOT_ON_ROSTER" in queue and "not on FAM-001's roster" in queue


def test_row_filed_under_the_wrong_family_is_flagged_and_kept_out_of_that_family(sample_run):
    (row,) = _identity_rows("other_family")
    assert row["identity"] == "other_family:FAM-002" and row["family_ref"] == "FAM-004"
    for path in _family_files(sample_run, "FAM-004"):
        assert "Kyle" not in _texts(path), path
    with (sample_run["dir"] / "review_queue.csv").open(encoding="utf-8") as fh:
        queued = [r for r in csv.DictReader(fh) if r["row"] == str(row["row"])
                  and r["file"] == row["file"]]
    assert len(queued) == 1
    assert queued[0]["reasons"].startswith("SUBJECT_PROBABLY_MISFILED")
    assert "probably FAM-002, not FAM-004" in queued[0]["identity"]
    receipt = (sample_run["dir"] / "receipts" / "police.csv").read_text(encoding="utf-8")
    assert "matches a member of FAM-002" in receipt


def test_nickname_row_is_linked_to_the_roster_member(sample_run):
    (row,) = [o for o in MANIFEST["intended_outcomes"]
              if o.get("identity") == "matched:Gary Marchetti"
              and o["subject_name"] == "Gaz Marchetti"]
    bundle = json.loads((sample_run["dir"] / "bundles" / "FAM-002.json").read_text())
    (item,) = [i for i in bundle["items"] if i["provenance"]["file"] == row["file"]
               and i["provenance"]["row"] == row["row"]]
    assert item["subject_name"] == "Gary Marchetti"
    assert item["provenance"]["subject_name_as_submitted"] == "Gaz Marchetti"
    assert item["provenance"]["subject_match"].startswith("matched:")
    assert "forename nickname" in item["provenance"]["subject_match"]
    # the linked subject's spelling is a kept family name: "Gaz" survives redaction
    assert "Gaz MARCHETTI swore" in item["text"]
    # one person in the chronology: the roster name, the agency's spelling in the source
    gary = [e for e in bundle["chronology"] if e["subject_name"] == "Gary Marchetti"]
    spellings = {s["subject_name_as_submitted"] for e in gary for s in e["sources"]}
    assert spellings == {"Gary Marchetti", "Gaz Marchetti"}
    assert not [e for e in bundle["chronology"] if e["subject_name"] == "Gaz Marchetti"]


def test_the_flow_writes_what_the_stages_write_in_process(sample_run, tmp_path, monkeypatch):
    """Same inputs, same outputs: the real flow run and a Prefect-free run of the stages
    (tests/support/stages.py) differ only in run id and timestamps."""
    from tests.support.outputs import differences
    from tests.support.stages import prepare_in_process

    monkeypatch.setenv("CASEBUNDLE_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("CASEBUNDLE_AUDIT_URL", raising=False)
    summary = prepare_in_process(REPO / MANIFEST["meeting"], REPO / MANIFEST["inbox"],
                                 tmp_path / "out", tmp_path / "state", run_id="in0process00")
    assert summary["run_id"] != sample_run["summary"]["run_id"]
    assert differences(sample_run["dir"], tmp_path / "out" / summary["meeting_id"]) == []


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
