"""Import cycles at module level, including a package's `__init__` and its own modules.

import-linter's `acyclic_siblings` contract (pyproject.toml) finds cycles between sibling
modules and packages, but not a module that imports its own package's face while that face
imports it (`pipeline.merge` -> `pipeline.merge.views` -> `pipeline.merge`). This finds every
cycle in the module graph grimp builds (the graph import-linter checks).

    python -m tests.support.imports pipeline flows   # prints each cycle; exit 1 if any
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping

import grimp


def import_graph(packages: Iterable[str]) -> dict[str, set[str]]:
    """Each module of `packages` -> the modules of `packages` it imports directly."""
    graph = grimp.build_graph(*packages, cache_dir=None)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a self-import),
    each sorted; iterative Tarjan, so deep graphs cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))
    return sorted(found)


def main(argv: list[str]) -> int:
    packages = argv or ["pipeline", "flows"]
    graph = import_graph(packages)
    found = cycles(graph)
    for component in found:
        print("import cycle: " + " <-> ".join(component))
    print(f"{len(graph)} modules of {', '.join(packages)}: {len(found)} import cycles")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
