"""Fuzzing: real submission bytes, mutated (truncated, bit-flipped, bytes inserted or
deleted, parts of a workbook rewritten), fed to `read_file`. No exception may escape; every
rejection must carry a named code with a fix. `make fuzz` runs many more examples
(CASEBUNDLE_FUZZ_EXAMPLES)."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.ingest import InboxFile, read_file, validate_row
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting

EXAMPLES = int(os.environ.get("CASEBUNDLE_FUZZ_EXAMPLES", "120"))
SEEDS = sorted(p for p in SAMPLE_INBOX.rglob("*") if p.suffix in (".xlsx", ".csv"))
MEETING = load_meeting(SAMPLE_MEETING)
TODAY = date(2026, 11, 23)
WORK = Path(tempfile.mkdtemp(prefix="casebundle-fuzz-"))

#: every code a file, sheet or row can be rejected with (docs/submission-format.md), except
#: READER_CRASHED: read_file's last-resort catch of a reader bug, which fuzzing must not hit
KNOWN = {
    "UNSUPPORTED_FILE_TYPE", "EMPTY_FILE", "UNREADABLE_FILE", "ENCRYPTED_WORKBOOK",
    "FILE_TOO_LARGE", "UNSUPPORTED_ENCODING", "MIXED_ENCODING", "HIDDEN_CONTENT",
    "HIDDEN_SHEET_NOT_READ", "NO_HEADER_ROW", "MISSING_COLUMNS", "DUPLICATE_COLUMN",
    "MERGED_HEADER", "MERGED_CELLS", "CELL_TOO_LONG", "FORMULA_WITHOUT_VALUE",
    "MISSING_VALUE", "INVALID_VALUE", "BAD_DATE", "FUTURE_DATE", "EVENT_AFTER_RECORDED",
    "DOB_AFTER_RECORDED", "UNKNOWN_AGENCY", "AGENCY_FOLDER_MISMATCH", "UNKNOWN_FAMILY",
    "SUMMARY_WITH_NOT_SHARE", "CONSENT_CONTRADICTION",
}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    seed = draw(st.sampled_from(SEEDS))
    data = bytearray(seed.read_bytes())
    if zipfile.is_zipfile(seed) and draw(st.booleans()):
        # mutate inside the zip, so that the XML parsers (not only zlib) see damage
        src = zipfile.ZipFile(io.BytesIO(bytes(data)))
        names = src.namelist()
        target = draw(st.sampled_from(names))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in names:
                body = bytearray(src.read(name))
                if name == target:
                    body = _mutate(draw, body)
                dst.writestr(name, bytes(body))
        return seed.suffix, out.getvalue()
    return seed.suffix, bytes(_mutate(draw, data))


def _mutate(draw: st.DrawFn, data: bytearray) -> bytearray:
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "dup"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "truncate":
            del data[at:]
        elif op == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        else:
            data[at:at] = data[at:at + draw(st.integers(1, 256))]
    return data


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_read_file_never_raises_on_mutated_submissions(sample: tuple[str, bytes]) -> None:
    suffix, data = sample
    path = WORK / "police" / f"fuzzed{suffix}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    read = read_file(InboxFile(path=path, name=f"police/fuzzed{suffix}", agency_folder="police"))
    assert read.units >= 1
    for rj in read.rejections:
        for p in rj.problems:
            assert p.code in KNOWN, p.code
            assert p.fix
    for raw in read.rows:  # validation must not raise on whatever the reader produced
        validate_row(raw, MEETING, TODAY)
