"""The label table: complete (a code added anywhere fails here until it has words), checked
on load, and one way to turn a citation into words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.labels import LABELLED, LABELS_PATH, load_labels, missing_labels, uk_date
from pipeline.merge import RECEIPT_COLUMNS
from pipeline.models import VOCABULARIES
from pipeline.policy import load_policy
from pipeline.render import Sheet, audit_report, xlsx_out

TEMPLATES = [*Path(xlsx_out.__file__).parent.joinpath("templates").glob("*.j2")]


def test_every_vocabulary_value_and_reason_code_has_a_label() -> None:
    # fails when someone adds a value to pipeline/models.py or a code to policy.yaml
    # without saying in redaction_rules/labels.yaml how a person should read it
    missing = missing_labels(load_labels(), load_policy().reason_codes)
    assert missing == [], f"add labels to {LABELS_PATH}: {', '.join(missing)}"


def test_the_labelled_vocabularies_include_every_contract_vocabulary() -> None:
    assert set(VOCABULARIES) <= set(LABELLED)
    assert {"meeting_type", "disposition"} <= set(LABELLED)
    assert "mixed" in LABELLED["fact_or_opinion"]


def test_labels_within_a_vocabulary_are_distinct() -> None:
    labels = load_labels()
    for vocab, entries in labels.values.items():
        texts = [t.casefold() for t in entries.values()]
        assert len(texts) == len(set(texts)), vocab
    reasons = [t.casefold() for t in labels.reason_codes.values()]
    assert len(reasons) == len(set(reasons))


def test_every_document_cited_by_the_policy_has_a_title() -> None:
    policy = load_policy()
    cited = {m for rc in policy.reason_codes.values()
             for m in re.findall(r"\d{3}_[0-9a-f]{16}\.txt", rc.citation)}
    cited |= {m for p in policy.profiles.values()
              for m in re.findall(r"\d{3}_[0-9a-f]{16}\.txt", p.citation)}
    labels = load_labels()
    assert cited and cited <= set(labels.documents)
    for rc in policy.reason_codes.values():
        assert ".txt" not in labels.cite(rc.citation), rc.code


def _column_keys() -> set[str]:
    keys = {c.key for mod in (xlsx_out, audit_report) for obj in vars(mod).values()
            if isinstance(obj, Sheet) for c in obj.columns}
    keys |= set(RECEIPT_COLUMNS)
    for template in TEMPLATES:
        keys |= set(re.findall(r'L\.column\("([a-z_0-9]+)"\)', template.read_text()))
    return keys


def test_every_column_a_writer_shows_has_a_header() -> None:
    keys = _column_keys()
    assert {"item_id", "rationale", "what_to_do", "explanations"} <= keys  # found them all
    missing = sorted(keys - set(load_labels().columns))
    assert missing == [], f"add column headers to {LABELS_PATH}: {', '.join(missing)}"


@pytest.mark.parametrize("citation,words", [
    ("003_e63cd6015283d4be.txt 3.50",
     "Bedfordshire information sharing protocol, para 3.50"),
    ("003_e63cd6015283d4be.txt 3.42-3.43, 2.5",
     "Bedfordshire information sharing protocol, paras 3.42-3.43, 2.5"),
    ("003_e63cd6015283d4be.txt 3.18-3.19 and 2.9 golden rule 4",
     "Bedfordshire information sharing protocol, paras 3.18-3.19 and 2.9 golden rule 4"),
    ("003_e63cd6015283d4be.txt Q3 (definition of confidential information) and 3.14",
     "Bedfordshire information sharing protocol, Q3 (definition of confidential "
     "information) and 3.14"),
    ("001_a4141e39c5e050ec.txt case examples 4 and 5; 003_e63cd6015283d4be.txt 3.4-3.5",
     "Information Sharing: Case examples (HM Government, 2009), case examples 4 and 5; "
     "Bedfordshire information sharing protocol, paras 3.4-3.5"),
    ("004_2b5b80d686f72053.txt 'When to refer without consent'",
     "LSCB advice on informing families (2018 golden rules), 'When to refer without consent'"),
    ("golden rule 7", "golden rule 7"),  # nothing to replace
    ("999_0000000000000000.txt 1.1", "999_0000000000000000.txt, para 1.1"),  # unknown file
])
def test_cite_names_the_document_and_its_paragraphs(citation: str, words: str) -> None:
    assert load_labels().cite(citation) == words


def test_lookups_and_fallbacks() -> None:
    labels = load_labels()
    assert labels.value("risk", "significant_harm_child") == "Risk of significant harm to a child"
    assert labels.value("consent", None) == ""
    assert labels.value("risk", "brand_new_risk") == "brand new risk"  # never a crash
    assert labels.reason_with_code("NOT_CONFIDENTIAL") == \
        "Recorded as not confidential (NOT_CONFIDENTIAL)"
    assert labels.recipients_text(("*",)) == "Every meeting agency that needs to know"
    assert labels.recipients_text(("csc", "health")) == "csc, health"
    assert labels.recipients_text(()) == "No agency"
    assert labels.column("sha256") == "SHA-256 of the file"
    assert labels.values_of("consent_scope", ("jag", "early_help")) == "JAG, Early help"


def test_uk_dates() -> None:
    from datetime import UTC, date, datetime, timedelta, timezone

    assert uk_date(date(2026, 9, 15)) == "15/09/2026"
    assert uk_date(datetime(2026, 9, 15, 14, 5, tzinfo=UTC)) == "15/09/2026 14:05 UTC"
    bst = timezone(timedelta(hours=1))
    assert uk_date(datetime(2026, 9, 15, 14, 5, tzinfo=bst)) == "15/09/2026 13:05 UTC"
    assert uk_date(datetime(2026, 9, 15, 14, 5)) == "15/09/2026 14:05"  # local, as recorded
    assert uk_date(None) == ""


def _broken(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(LABELS_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("edit,message", [
    (lambda d: d["values"]["risk"].update(unknown=""), "risk.unknown: the label is empty"),
    (lambda d: d["values"].update(colour={"red": "Red"}), "unknown vocabulary colour"),
    (lambda d: d["reason_codes"].update(bad_code="Bad"), "'bad_code' is not a reason code"),
    (lambda d: d["reason_codes"].update(LONG_ONE="x" * 91), "LONG_ONE: the label is 91"),
    (lambda d: d["documents"].update({"notes.txt": "Notes"}), "'notes.txt' is not a seed file"),
    (lambda d: d["columns"].update({"Item Id": "Item"}), "'Item Id' is not a field name"),
    (lambda d: d.pop("recipients"), "recipients: Field required"),
    (lambda d: d.update(colour="red"), "colour: Extra inputs are not permitted"),
])
def test_a_broken_table_fails_on_load_naming_the_entry(tmp_path: Path, edit, message) -> None:
    path = _broken(tmp_path, edit)
    with pytest.raises(ConfigError, match=re.escape(message)) as err:
        load_labels(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("text,expected", [
    ("matched: score 16 (link at 9): forename exact", "Matched to the roster: score 16 (link at 9): "
     "forename exact"),
    ("confirmed: by coordinator on 2026-11-20", "Confirmed by a reviewer: by coordinator on "
     "2026-11-20"),
    ("", ""),
    ("no prefix here", "no prefix here"),
])
def test_an_identity_outcome_reads_in_words(text: str, expected: str) -> None:
    assert load_labels().prefixed("subject_match", text) == expected

