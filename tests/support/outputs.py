"""Compare the output folders of two casebundle runs of the same inputs.

Only what differs between runs by design is ignored: the run id, timestamps (date and time
together, ISO or UK style; plain dates are compared), and the hashes in `audit_head.json`, which hash the
run's audit records and so their run id and times. An .xlsx file is compared member by
member (the sheets, styles and properties inside the zip), not as zip bytes; in a sheet a
timestamp is a cell value of days since 1900 with a time of day (a file's received time
is 46356.845... in a cell formatted yyyy-mm-dd hh:mm).

    python -m tests.support.outputs OUT_A/<meeting_id> OUT_B/<meeting_id>
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path

#: a date with a time of day, as ISO 8601 or with a space ("2026-11-23T08:30:00+00:00"),
#: or as the outputs show it to a UK reader ("23/11/2026 08:30 UTC", pipeline.labels.uk_date)
TIMESTAMP = re.compile(
    rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    rb"|\d{2}/\d{2}/\d{4} \d{2}:\d{2}(?: UTC)?")
#: an Excel date-time serial in a sheet's XML: 5-digit days (1909-2173) and a time of day;
#: casebundle writes no other numbers with a fractional part
XLSX_TIMESTAMP = re.compile(rb"<v>\d{5}\.\d+</v>")
#: the hash fields of audit_head.json (hex digests of run-specific records)
HEAD_HASH = re.compile(rb'("[a-z_]*hash[a-z_]*": )"[0-9a-f]{16,}"')


def normalise(data: bytes, run_id: str, name: str = "") -> bytes:
    """`data` with the run id and timestamps replaced by fixed markers (`name`: the file's
    name, or the member's path inside an .xlsx)."""
    if run_id:
        data = data.replace(run_id.encode(), b"<run-id>")
    data = TIMESTAMP.sub(b"<timestamp>", data)
    if name.startswith("xl/worksheets/"):
        data = XLSX_TIMESTAMP.sub(b"<v><timestamp></v>", data)
    if name == "audit_head.json":
        data = HEAD_HASH.sub(rb'\1"<hash>"', data)
    return data


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every output file, normalised: relative path -> bytes; an .xlsx becomes one entry per
    zip member ("bundles/FAM-001.xlsx::xl/worksheets/sheet1.xml")."""
    run_id = json.loads((folder / "run_summary.json").read_text(encoding="utf-8"))["run_id"]
    files: dict[str, bytes] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for member in sorted(z.namelist()):
                    files[f"{rel}::{member}"] = normalise(z.read(member), run_id, member)
        else:
            files[rel] = normalise(data, run_id, path.name)
    return files


def _first_difference(a: bytes, b: bytes) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
              min(len(a), len(b)))
    return f"at byte {at}: {a[max(0, at - 40):at + 40]!r} != {b[max(0, at - 40):at + 40]!r}"


def differences(a: Path, b: Path) -> list[str]:
    """What differs between two output folders; empty when they are the same."""
    left, right = snapshot(a), snapshot(b)
    out = [f"only in {a}: {k}" for k in sorted(left.keys() - right.keys())]
    out += [f"only in {b}: {k}" for k in sorted(right.keys() - left.keys())]
    out += [f"differs: {k} {_first_difference(left[k], right[k])}"
            for k in sorted(left.keys() & right.keys()) if left[k] != right[k]]
    return out


def main(argv: list[str]) -> int:
    a, b = (Path(p) for p in argv)
    found = differences(a, b)
    print("\n".join(found))
    print(f"{len(snapshot(a))} files and xlsx members compared, {len(found)} differ")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
