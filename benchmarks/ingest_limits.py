"""What the ingest limits cost and protect: prints measured figures.

1. A workbook at the row limit (20,000 rows x 29 columns): time to read it and the peak
   memory of the process reading it, against the worker's limits (120 s, 2,048 MB).
2. Per-file overhead of reading in a worker process, on the sample inbox.
3. Hostile files refused before loading: a cell at XFD1048576, a 250 MB zip bomb.

    python benchmarks/ingest_limits.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from pipeline.ingest import InboxFile, discover, read_and_validate, read_file
from pipeline.meeting import SAMPLE_INBOX, SAMPLE_MEETING, load_meeting

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cases.hostile.make_corpus import HEADERS, good  # noqa: E402


def _peak_child(path: Path) -> tuple[float, float]:
    """Read one file in a fresh interpreter; return (seconds, peak RSS MB)."""
    code = ("import resource, sys, time; from pathlib import Path\n"
            "from pipeline.ingest import InboxFile, read_file\n"
            "t = time.perf_counter()\n"
            f"r = read_file(InboxFile(Path({str(path)!r}), 'police/x.xlsx', 'police'))\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF)"
            ".ru_maxrss / 1024, len(r.rows), len(r.rejections))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    print(f"   rows read {out[2]}, rejections {out[3]}")
    return float(out[0]), float(out[1])


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="casebundle-bench-"))
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    row = good("police", 1)[0]
    for i in range(19_999):
        ws.append([f"{row[h]} {i}" if h == "summary" else (row[h] or None) for h in HEADERS])
    big = tmp / "big.xlsx"
    wb.save(big)
    secs, mb = _peak_child(big)
    print(f"1. 20,000-row workbook ({big.stat().st_size / 1e6:.1f} MB): read in {secs:.1f} s, "
          f"peak RSS {mb:.0f} MB (limits: 300 s, 2,048 MB address space)")

    meeting = load_meeting(SAMPLE_MEETING)
    files = discover(SAMPLE_INBOX)
    read_and_validate(files[0], meeting, date.today())  # start the fork server
    for isolate in (False, True):
        t = time.perf_counter()
        for _ in range(3):
            for f in files:
                read_and_validate(f, meeting, date.today(), isolate=isolate)
        per = (time.perf_counter() - t) / (3 * len(files)) * 1000
        print(f"2. sample inbox, {'isolated' if isolate else 'in-process'}: {per:.0f} ms per "
              "file")

    far = Workbook()
    far.active["A1"] = "agency"
    far.active["XFD1048576"] = "x"
    path = tmp / "police" / "far.xlsx"
    path.parent.mkdir()
    far.save(path)
    t = time.perf_counter()
    r = read_file(InboxFile(path, "police/far.xlsx", "police"))
    print(f"3. cell at XFD1048576 ({path.stat().st_size / 1e3:.1f} KB): "
          f"{r.rejections[0].problems[0].code} in {(time.perf_counter() - t) * 1000:.0f} ms, "
          f"peak RSS of this process so far "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    bomb = tmp / "police" / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (250 * 1024 * 1024))
        with zipfile.ZipFile(big) as src:
            for name in src.namelist():
                z.writestr(name, src.read(name))
    t = time.perf_counter()
    r = read_file(InboxFile(bomb, "police/bomb.xlsx", "police"))
    print(f"   zip bomb ({bomb.stat().st_size / 1e6:.1f} MB, 250 MB unpacked): "
          f"{r.rejections[0].problems[0].code} in {(time.perf_counter() - t) * 1000:.0f} ms")



if __name__ == "__main__":
    main()
