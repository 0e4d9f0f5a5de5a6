"""Import contracts: no cycles; pipeline free of flows and Prefect; stages import only downward;
audit imports only what it may; flows uses package faces only (pyproject.toml
[tool.importlinter], docs/architecture.md).

Each contract is run on the real tree (it must be kept) and on a copy of the tree with one
module added that breaks it (it must be reported broken, naming the offending import).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.imports import cycles, import_graph

REPO = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = {c["id"]: c for c in CONFIG["tool"]["importlinter"]["contracts"]}


def _lint(cwd: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the tree in `cwd` (it puts `cwd` first on the import path)."""
    args = [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()",
            "--no-cache", "--no-logo", *(a for c in contracts for a in ("--contract", c))]
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of pipeline/, flows/ and pyproject.toml to break."""
    for name in ("pipeline", "flows"):
        shutil.copytree(REPO / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    return tmp_path


def test_every_contract_is_kept() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in CONTRACTS.values():
        assert f"{contract['name']} KEPT" in " ".join(result.stdout.split()), contract["id"]
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


VIOLATIONS = [
    # (contract id, module to add, its source, text the report must show)
    ("no-cycles", "pipeline/merge/loop_a.py", "import pipeline.merge.loop_b\n",
     ".loop_b -> .loop_a"),
    ("pipeline-without-prefect", "pipeline/render/orchestrate.py", "import prefect\n",
     "pipeline.render.orchestrate -> prefect"),
    ("pipeline-without-prefect", "pipeline/policy/cli_help.py", "import flows.cli\n",
     "pipeline.policy.cli_help -> flows.cli"),
    ("layers", "pipeline/ingest/peek.py", "import pipeline.merge\n",
     "pipeline.ingest.peek -> pipeline.merge"),
    ("layers", "pipeline/policy/peek.py", "from pipeline.redact import load_redactor\n",
     "pipeline.policy.peek -> pipeline.redact"),
    ("layers", "pipeline/models_extra.py", "X = 1\n", "models_extra"),
    ("audit-imports", "pipeline/audit/families.py", "from pipeline.meeting import Family\n",
     "pipeline.audit.families -> pipeline.meeting"),
    ("flows-use-faces", "flows/deep.py", "from pipeline.redact.redactor import Redactor\n",
     "flows.deep -> pipeline.redact.redactor"),
]


@pytest.mark.parametrize(("contract", "module", "source", "shown"), VIOLATIONS,
                         ids=[f"{v[0]}:{v[1]}" for v in VIOLATIONS])
def test_a_violation_is_caught(tree: Path, contract: str, module: str, source: str,
                               shown: str) -> None:
    (tree / module).write_text(source, encoding="utf-8")
    if contract == "no-cycles":  # the other half of the loop
        (tree / "pipeline/merge/loop_b.py").write_text("import pipeline.merge.loop_a\n")
    result = _lint(tree, contract)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{CONTRACTS[contract]['name']} BROKEN" in " ".join(result.stdout.split())
    assert shown in result.stdout, result.stdout


def test_the_copied_tree_is_clean_before_it_is_broken(tree: Path) -> None:
    """So each violation above is the one module the test added."""
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr


def test_audit_contract_names_every_top_level_module() -> None:
    """The audit contract is an allow-list written as a forbidden list: every pipeline module
    is either allowed to audit or forbidden, so a new module needs a decision."""
    allowed = {"run", "models", "safe_files", "rules_file", "errors", "faults"}
    forbidden = {m.removeprefix("pipeline.")
                 for m in CONTRACTS["audit-imports"]["forbidden_modules"]}
    top = {p.stem if p.suffix == ".py" else p.name for p in (REPO / "pipeline").iterdir()
           if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    assert allowed.isdisjoint(forbidden)
    assert top - {"audit"} == allowed | forbidden


# --- cycles through a package's own face (which acyclic_siblings does not see) ----------


def test_no_module_level_import_cycles() -> None:
    assert cycles(import_graph(["pipeline", "flows"])) == []


def test_a_module_importing_its_own_package_face_is_a_cycle(tree: Path) -> None:
    # pipeline.merge (its __init__) imports pipeline.merge.views; views importing the face back
    # is a cycle that acyclic_siblings misses and the module-level check must find
    views = tree / "pipeline/merge/views.py"
    views.write_text(views.read_text(encoding="utf-8") + "\nimport pipeline.merge\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(REPO)])}
    result = subprocess.run([sys.executable, "-m", "tests.support.imports", "pipeline"],
                            cwd=tree, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pipeline.merge <-> " in result.stdout and "pipeline.merge.views" in result.stdout
    assert _lint(tree, "no-cycles").returncode == 0  # why the extra check exists


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
    ({"a": {"a"}}, [["a"]]),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"e"}, "e": {"d"}}, [["a", "b", "c"], ["d", "e"]]),
])
def test_cycle_finder(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected
