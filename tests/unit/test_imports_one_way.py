"""The structure is one-way: no import cycle among the modules of functions/ and sync/, and
functions/ imports nothing from sync/.

Every import counts: at the top of a module, inside a function (a late import hides a cycle, it
does not remove it) and under `if TYPE_CHECKING:`. `from package import name` depends on the
package and, when `name` is a module, on that module too.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def modules(root: Path, packages: tuple[str, ...]) -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's __init__) for every module below `packages`."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imports(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the modules of `packages` it imports anywhere in its text."""
    known = modules(root, packages)

    def ours(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, (path, is_package) in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named: list[str] = []
            if isinstance(node, ast.Import):
                named = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = name if is_package else name.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        here = here.rpartition(".")[0]
                    base = f"{here}.{base}" if base else here
                named = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            for target in filter(None, map(ours, named)):
                if target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import each other, directly or round a loop (Tarjan's strongly
    connected components with more than one module), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_module_of_functions_or_sync_takes_part_in_an_import_cycle() -> None:
    graph = imports(ROOT, ("functions", "sync"))
    assert len(graph) > 100 and sum(map(len, graph.values())) > 300   # the walk sees the code
    assert cycles(graph) == []


def test_functions_imports_nothing_from_sync() -> None:
    graph = imports(ROOT, ("functions", "sync"))
    assert {name: sorted(t for t in targets if t.startswith("sync"))
            for name, targets in graph.items() if name.startswith("functions")
            and any(t.startswith("sync") for t in targets)} == {}


def test_the_check_finds_a_loop_however_it_is_written(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "from pkg.web import service\n",
        "pkg/web/__init__.py": "from pkg.web.service import run\n",
        "pkg/web/service.py": "from pkg.web import tasks\n",             # the package, which imports it
        "pkg/web/tasks.py": "",
        "pkg/a.py": "def f():\n    from pkg.b import g\n",              # a late import counts
        "pkg/b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n",
        "pkg/c.py": "import os\nimport pkg.web.tasks\n",                    # no loop
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph = imports(tmp_path, ("pkg",))
    assert graph["pkg.c"] == {"pkg.web.tasks"}
    assert cycles(graph) == [["pkg.a", "pkg.b"], ["pkg.web", "pkg.web.service"]]
