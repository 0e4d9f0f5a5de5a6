"""The hand-written baseline of issue 15: read every file with pandas, run vanilla Presidio
(analyze + anonymize) on each row's summary, write one .xlsx per family. No policy, no
identity matching, no recipient views, no audit: what a coordinator might script.

    .venv/bin/python benchmarks/naive_script.py INBOX OUT
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from redaction_eval import vanilla_analyzer  # noqa: E402  (offline: bundled suffix list)


def main(inbox: Path, out: Path) -> int:
    from presidio_anonymizer import AnonymizerEngine

    analyzer, anonymizer = vanilla_analyzer(), AnonymizerEngine()
    frames = [pd.read_excel(p, dtype=str) if p.suffix == ".xlsx" else pd.read_csv(p, dtype=str)
              for p in sorted(inbox.rglob("*")) if p.suffix in (".xlsx", ".csv")]
    rows = pd.concat(frames, ignore_index=True)
    rows["summary"] = [
        anonymizer.anonymize(text=t, analyzer_results=analyzer.analyze(text=t, language="en")).text
        if isinstance(t, str) and t else t for t in rows["summary"]]
    out.mkdir(parents=True, exist_ok=True)
    for ref, family in rows.groupby("family_ref"):
        family.to_excel(out / f"{ref}.xlsx", index=False)
    print(f"{len(rows)} rows, {rows['family_ref'].nunique()} families")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
