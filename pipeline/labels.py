"""Plain-English labels and citations: what a person reads instead of a code.

The table is data (redaction_rules/labels.yaml), checked on load like every rules file.
Every writer (bundles, views, agenda, receipts, audit report, console) asks this module
for the words, so the same code always reads the same way. A code without a label reads
as itself with underscores turned into spaces; the test suite fails on any such gap, so
it never ships (tests/pipeline/test_labels.py).

Citations in policy.yaml name seed files ("003_e63cd6015283d4be.txt 3.42-3.43");
`Labels.cite` puts the document's title in place of the file name
("Bedfordshire information sharing protocol, paras 3.42-3.43").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, Field, field_validator

from pipeline.models import FROZEN, VOCABULARIES, Disposition, MatchOutcome, MeetingType
from pipeline.rules_file import RULES_DIR, load_model

LABELS_PATH = RULES_DIR / "labels.yaml"
#: "every meeting agency" in Decision.recipients
ALL_RECIPIENTS = "*"

#: Vocabularies the table labels: the closed vocabularies of the submission contract
#: (pipeline/models.py VOCABULARIES) and those the outputs add.
LABELLED: dict[str, tuple[str, ...]] = {
    **VOCABULARIES,
    "meeting_type": get_args(MeetingType),
    "disposition": get_args(Disposition),
    "fact_or_opinion": (*VOCABULARIES["fact_or_opinion"], "mixed"),  # agencies differ
    "subject_match": get_args(MatchOutcome),  # the identity step's outcome per item
}

_SEED = re.compile(r"\b(\d{3}_[0-9a-f]{16}\.txt)\b")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_LABEL = 90


def _label_text(v: str, where: str) -> str:
    text = " ".join(str(v).split())
    if not text:
        raise ValueError(f"{where}: the label is empty")
    if len(text) > _MAX_LABEL:
        raise ValueError(f"{where}: the label is {len(text)} characters; keep it under "
                         f"{_MAX_LABEL} (the full explanation belongs in policy.yaml)")
    return text


class Recipients(BaseModel):
    model_config = FROZEN

    all: str = Field(min_length=2)
    none: str = Field(min_length=2)


class Labels(BaseModel):
    """The label table (labels.yaml)."""

    model_config = FROZEN

    version: Literal[1]
    documents: dict[str, str] = Field(min_length=1)
    values: dict[str, dict[str, str]]
    reason_codes: dict[str, str]
    recipients: Recipients
    columns: dict[str, str]

    @field_validator("documents")
    @classmethod
    def _documents(cls, v: dict[str, str]) -> dict[str, str]:
        for name, title in v.items():
            if not _SEED.fullmatch(name):
                raise ValueError(f"{name!r} is not a seed file name like "
                                 "'003_e63cd6015283d4be.txt'")
            _label_text(title, name)
        return {k: " ".join(t.split()) for k, t in v.items()}

    @field_validator("values")
    @classmethod
    def _values(cls, v: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        unknown = sorted(set(v) - set(LABELLED))
        if unknown:
            raise ValueError(f"unknown vocabulary {', '.join(unknown)}; known: "
                             f"{', '.join(sorted(LABELLED))}")
        return {vocab: {str(code): _label_text(text, f"{vocab}.{code}")
                        for code, text in entries.items()}
                for vocab, entries in v.items()}

    @field_validator("reason_codes")
    @classmethod
    def _reason_codes(cls, v: dict[str, str]) -> dict[str, str]:
        for code in v:
            if not _CODE.match(code):
                raise ValueError(f"{code!r} is not a reason code (UPPER_CASE letters, digits, _)")
        return {code: _label_text(text, code) for code, text in v.items()}

    @field_validator("columns")
    @classmethod
    def _columns(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            if not _KEY.match(key):
                raise ValueError(f"{key!r} is not a field name (lower_case letters, digits, _)")
        return {key: _label_text(text, key) for key, text in v.items()}

    # --- lookups --------------------------------------------------------------------------

    def value(self, vocabulary: str, code: str | None) -> str:
        """The label of one value of a vocabulary ('' for None)."""
        if code is None or code == "":
            return ""
        return self.values.get(vocabulary, {}).get(code) or humanise(code)

    def values_of(self, vocabulary: str, codes: Iterable[str]) -> str:
        """Labels of several values, comma-separated."""
        return ", ".join(self.value(vocabulary, c) for c in codes)

    def prefixed(self, vocabulary: str, text: str) -> str:
        """'code: detail' with the code in words: 'matched: score 16 ...' reads
        'Matched to the roster: score 16 ...'. Text without a 'code: ' prefix is kept."""
        code, sep, rest = text.partition(": ")
        return f"{self.value(vocabulary, code)}{sep}{rest}" if sep else text

    def reason(self, code: str) -> str:
        """The short label of a policy reason code."""
        return self.reason_codes.get(code) or humanise(code)

    def reason_with_code(self, code: str) -> str:
        """'Recorded as not confidential (NOT_CONFIDENTIAL)': the label, code for governance."""
        return f"{self.reason(code)} ({code})"

    def column(self, key: str) -> str:
        """The header of a column."""
        return self.columns.get(key) or humanise(key).capitalize()

    def recipients_text(self, recipients: Iterable[str]) -> str:
        """Who may see a shared item, in words ('*' is every agency that needs to know)."""
        names = list(recipients)
        if not names:
            return self.recipients.none
        if ALL_RECIPIENTS in names:
            return self.recipients.all
        return ", ".join(names)

    def document(self, seed_file: str) -> str:
        """A seed file's title (the file name itself if it has none)."""
        return self.documents.get(seed_file, seed_file)

    def cite(self, citation: str) -> str:
        """A policy citation in words: each seed file name becomes its document's title.

        "003_e63cd6015283d4be.txt 3.18-3.19 and 2.9 golden rule 4" ->
        "Bedfordshire information sharing protocol, paras 3.18-3.19 and 2.9 golden rule 4".
        Parts that name no file ("golden rule 7") are kept as written.
        """
        parts = []
        for part in citation.split(";"):
            part = " ".join(part.split())
            m = _SEED.search(part)
            if m is None:
                if part:
                    parts.append(part)
                continue
            rest = (part[: m.start()] + part[m.end():]).strip(" ,")
            title = self.document(m.group(1))
            parts.append(f"{title}, {_paragraphs(rest)}" if rest else title)
        return "; ".join(parts)


def _paragraphs(rest: str) -> str:
    """'3.42-3.43, 2.5' -> 'paras 3.42-3.43, 2.5'; '3.44' -> 'para 3.44'; other text as is."""
    first = rest.split()[0] if rest.split() else ""
    if not re.match(r"^\d+\.\d+", first):
        return rest
    plural = bool(re.search(r"\d\s*[-,]\s*\d|\band\b", rest))
    return f"{'paras' if plural else 'para'} {rest}"


def uk_date(value: date | datetime | None) -> str:
    """15/09/2026; a time as 15/09/2026 14:05 UTC (local time when no zone is known)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%d/%m/%Y %H:%M") + " UTC"
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def humanise(code: str) -> str:
    """A code as words when no label exists: 'not_sought_unsafe' -> 'not sought unsafe'."""
    return code.replace("_", " ").strip()


@lru_cache(maxsize=4)
def _load(path: Path) -> Labels:
    return load_model(
        path, Labels, what="labels",
        fix="fix the named entry; see the comments at the top of labels.yaml.",
        not_mapping=("is empty or not a mapping.", "see redaction_rules/labels.yaml."),
    )


def load_labels(path: Path | None = None) -> Labels:
    """Load and check labels.yaml (cached); ConfigError names the file and the entry."""
    return _load(Path(path) if path is not None else LABELS_PATH)


def missing_labels(labels: Labels, reason_codes: Iterable[str],
                   vocabularies: Mapping[str, Iterable[str]] = LABELLED) -> list[str]:
    """Every vocabulary value and reason code without a label, as 'vocabulary.value'."""
    missing = []
    for vocab, codes in vocabularies.items():
        have = labels.values.get(vocab, {})
        missing += [f"{vocab}.{c}" for c in codes if c not in have]
    missing += [f"reason_codes.{c}" for c in reason_codes if c not in labels.reason_codes]
    return missing
