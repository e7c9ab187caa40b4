"""Data flows one way: etl and accounts import nothing of the dashboard, its pages or app.py;
accounts imports nothing of etl (etl.intake may import accounts); and no etl module imports
itself round a circle, late imports inside functions included."""
from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(package: str) -> dict[str, set[str]]:
    return {_module(p): _imports(p) for p in (ROOT / package).rglob("*.py")}


def test_etl_and_accounts_import_nothing_of_the_app():
    for package in ("etl", "accounts"):
        for module, imports in _package(package).items():
            up = sorted(i for i in imports if i.split(".")[0] in ("dashboard", "pages", "app"))
            assert not up, (module, up)


def test_accounts_imports_nothing_of_etl():
    for module, imports in _package("accounts").items():
        assert not [i for i in imports if i.split(".")[0] == "etl"], module


def test_no_import_circle_in_etl():
    graph = _package("etl")
    modules = set(graph)
    edges = {m: {i for i in imports if i in modules and i != m} for m, imports in graph.items()}
    # a package's __init__ importing its own modules is not a circle through them
    edges = {m: {i for i in deps if not i.startswith(m + ".")} for m, deps in edges.items()}
    state: dict[str, int] = {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(edges[m]):
            if state.get(d) == 1:
                raise AssertionError("import circle: " + " -> ".join(path[path.index(d):] + [d]))
            if d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(modules):
        if m not in state:
            visit(m, [m])
