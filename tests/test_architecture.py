"""The architecture as a test: the layer contracts in pyproject.toml (import-linter), no import cycle between any
two of our modules (a cycle hides which one is the lower layer), and api/ as transport only."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

PACKAGES = ("domain", "ingest", "ocr", "storage", "index", "workers", "office", "api", "samples")


def test_layer_and_independence_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")  # installed beside this interpreter
    run = subprocess.run([str(lint_imports)], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles():
    graph = grimp.build_graph(*PACKAGES)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# -- api/ is transport only (issue 10): the office's work, its queries and its audit entries live in office/ ----
def transport_offences(source: str) -> list[str]:
    """What an api module must not do: import SQLAlchemy (a query is the office's work) or call office.audit's
    ``record`` (an audit entry is written by the service function that does the work), however it is imported."""
    tree = ast.parse(source)
    modules: set[str] = set()  # local names of office.audit.service
    packages: set[str] = set()  # local names of office.audit
    functions: set[str] = set()  # local names of office.audit.service.record
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "sqlalchemy":
                    found.append(f"line {node.lineno}: import {a.name}")
                if a.name.startswith("office.audit") and a.asname:
                    (modules if a.name == "office.audit.service" else packages).add(a.asname)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "sqlalchemy":
                found.append(f"line {node.lineno}: from {node.module} import …")
            for a in node.names:
                name = a.asname or a.name
                if node.module == "office.audit.service" and a.name == "record":
                    functions.add(name)
                elif node.module == "office.audit" and a.name == "service":
                    modules.add(name)
                elif node.module == "office" and a.name == "audit":
                    packages.add(name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        called = ast.unparse(f)
        if (isinstance(f, ast.Name) and f.id in functions) or (isinstance(f, ast.Attribute) and f.attr == "record" and (
                ast.unparse(f.value) in modules or ast.unparse(f.value) in {f"{p}.service" for p in packages}
                or ast.unparse(f.value) == "office.audit.service")):
            found.append(f"line {node.lineno}: {called}(…)")
    return found


def test_api_is_transport_only():
    root = Path(__file__).parents[1]
    offences = {}
    for path in sorted((root / "api").rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if found := transport_offences(path.read_text(encoding="utf-8")):
            offences[name] = found
    assert offences == {}


def test_the_transport_check_finds_queries_and_audit_writes():
    assert transport_offences("from sqlalchemy import select\nimport sqlalchemy.orm\n") == [
        "line 1: from sqlalchemy import …", "line 2: import sqlalchemy.orm"]
    for source in ("from office.audit import service as audit\naudit.record(s, a, 'x')",
                   "from office.audit.service import record as log\nlog(s, a, 'x')",
                   "import office.audit.service\noffice.audit.service.record(s, a, 'x')",
                   "from office import audit\naudit.service.record(s, a, 'x')"):
        assert len(transport_offences(source)) == 1, source
    assert transport_offences("from office.records import service\nservice.record(s)\nrecord(s)") == []


def test_ruff_finds_nothing():
    # The style the code is written to (pyproject.toml's [tool.ruff]), checked with the suite rather than left
    # to whoever remembers to run it.
    ruff = Path(sys.executable).with_name("ruff")
    run = subprocess.run([str(ruff), "check", "--no-cache", "."], capture_output=True, text=True,
                         cwd=Path(__file__).parents[1])
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
