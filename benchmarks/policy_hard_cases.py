"""Print how the policy engine decides the hard cases (tests/cases/policy/hard_cases.yaml).

One line per case: the expected outcome written down from the guidance, what the engine and
the merge stage made of it, and every difference. Run from the repo root:

    .venv/bin/python benchmarks/policy_hard_cases.py [--only-failures]

Exit status 0 if every case comes out as the guidance says, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.pipeline.policy.hard_cases import cases, check_case, run_case  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only-failures", action="store_true")
    args = parser.parse_args(argv)
    failed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    lines = []
    for case in cases():
        out = run_case(case)
        problems = check_case(case, out)
        total[case.issue] += 1
        if problems:
            failed[case.issue] += 1
        if problems or not args.only_failures:
            status = "FAIL" if problems else "ok"
            lines.append(
                f"{case.id} {case.meeting:<5} issue {case.issue:<7} {status:<4} "
                f"expected {case.expect['disposition']:<8} got {out.decision.disposition:<8} "
                f"{case.title}"
            )
            lines.append(f"      reasons: {', '.join(out.decision.reasons)}")
            for p in problems:
                lines.append(f"      - {p}")
    sys.stdout.write("\n".join(lines) + "\n\n")
    n, bad = sum(total.values()), sum(failed.values())
    sys.stdout.write(f"{n - bad} of {n} hard cases as the guidance says; {bad} differ.\n")
    for issue in sorted(total):
        sys.stdout.write(f"  issue {issue:<8} {total[issue] - failed[issue]}/{total[issue]}\n")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
