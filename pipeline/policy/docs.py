"""The docs generator for docs/policy.md: its tables come from redaction_rules/policy.yaml.

Regenerate them after editing policy.yaml: `.venv/bin/python -m pipeline.policy.docs [DOC]`;
tests/pipeline/policy/test_engine.py fails while they are stale.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import get_args

from pipeline.models import Category
from pipeline.policy.rules import PolicyRules, load_policy_rules
from pipeline.rules_file import RULES_DIR


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def reason_code_table(rules: PolicyRules) -> str:
    """The Markdown table of reason codes for docs/policy.md, generated from the rules."""
    lines = [
        "| Code | Rule | Outcome | Explanation (shown to the agency) | Next step (for the agency) "
        "| Citation |",
        "|---|---|---|---|---|---|",
    ]
    for code, rc in rules.reason_codes.items():
        lines.append(
            f"| `{code}` | {_cell(rc.rule)} | {rc.outcome} | {_cell(rc.explanation)} "
            f"| {_cell(rc.next_step or '')} | {_cell(rc.citation)} |"
        )
    return "\n".join(lines)


def profile_table(rules: PolicyRules) -> str:
    """The Markdown table of meeting-type profiles for docs/policy.md."""
    all_categories = get_args(Category)
    lines = [
        "| Meeting | Purpose | Necessary | Checked by a person | Not necessary (withheld) | Citation |",
        "|---|---|---|---|---|---|",
    ]
    for mtype, prof in rules.profiles.items():
        outside = [c for c in all_categories if c not in prof.necessary and c not in prof.check]
        lines.append(
            f"| {mtype} ({_cell(prof.name)}) | {_cell(prof.purpose)} | "
            f"{', '.join(prof.necessary)} | {', '.join(prof.check) or '-'} | "
            f"{', '.join(outside) or '-'} | {_cell(prof.citation)} |"
        )
    return "\n".join(lines)


GENERATED_BEGIN = "<!-- BEGIN GENERATED FROM redaction_rules/policy.yaml: {name} -->"
GENERATED_END = "<!-- END GENERATED: {name} -->"


def generated_sections(rules: PolicyRules) -> dict[str, str]:
    """The generated blocks of docs/policy.md, by name."""
    return {"reason-codes": reason_code_table(rules), "profiles": profile_table(rules)}


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    def replace(_match: re.Match[str]) -> str:
        return text

    return replace


def update_doc(text: str, rules: PolicyRules) -> str:
    """Replace each generated block in a docs page with a fresh one."""
    for name, body in generated_sections(rules).items():
        begin = GENERATED_BEGIN.format(name=name)
        end = GENERATED_END.format(name=name)
        pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(text):
            raise ValueError(f"docs page has no generated block {name!r}")
        block = f"{begin}\n{body}\n{end}"
        # a function replacement: the block is literal text, not a regex template
        text = pattern.sub(_literal(block), text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Regenerate the tables in docs/policy.md: python -m pipeline.policy.docs [DOC]."""
    args = sys.argv[1:] if argv is None else argv
    doc = Path(args[0]) if args else RULES_DIR.parent / "docs" / "policy.md"
    rules = load_policy_rules()
    doc.write_text(update_doc(doc.read_text(encoding="utf-8"), rules), encoding="utf-8")
    sys.stdout.write(f"updated {doc}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
