"""The house reads bottom-up (docs/architecture.md): no app imports an app on a floor above its
own, and no two modules of the project import each other, however indirectly.

Both read the source with `ast`, so they see every import, whether or not a test runs it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Each project package on its floor; an app imports only apps on its own floor or below.
# `demo` loads every app's demo data, so it stands above them all.
FLOORS = {
    "config": 0,
    "audit": 0,
    "indicators": 0,
    "evaluations": 1,
    "workbooks": 2,
    "seasons": 2,
    "reports": 2,
    "summaries": 2,
    "followup": 2,
    "demo": 3,
}


def project_packages() -> list[str]:
    return sorted(
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in ("tests", "benchmarks")
    )


def module_files() -> dict[str, Path]:
    """Dotted name → file of every module of the project packages (migrations aside)."""
    modules = {}
    for package in project_packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a `from … import` names, relative dots resolved against `module`."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_names(module: str, path: Path, *, top_level_only: bool) -> list[tuple[str, int]]:
    """(dotted name, line) of every import in the module: `import a.b` gives a.b, `from a import
    b` gives a.b (a submodule, or a name of a). With `top_level_only`, only what runs when the
    module is loaded: no function bodies, nothing under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []

    def visit(nodes):
        for node in nodes:
            if isinstance(node, ast.Import):
                found.extend((alias.name, node.lineno) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, module, is_package)
                found.extend((f"{base}.{alias.name}", node.lineno) for alias in node.names)
            elif top_level_only and (
                isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                or (isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
            ):
                continue
            visit(ast.iter_child_nodes(node))

    visit(tree.body)
    return found


def test_every_project_package_has_a_floor():
    """A new app is placed on a floor (here and in docs/architecture.md) before it is checked."""
    assert set(project_packages()) <= set(FLOORS), set(project_packages()) - set(FLOORS)


def test_no_app_imports_an_app_on_a_floor_above():
    """`evaluations`, `indicators`, `config`, `audit` never import `seasons`, `reports`,
    `summaries` or any app above them, not even inside a function: where a lower app needs an
    answer from an upper one, the upper app registers it (evaluations/extensions.py)."""
    wrong = []
    for module, path in module_files().items():
        app = module.split(".")[0]
        for name, line in imported_names(module, path, top_level_only=False):
            target = name.split(".")[0]
            if target in FLOORS and FLOORS[target] > FLOORS.get(app, 0):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert wrong == []


def import_graph(*, top_level_only: bool) -> dict[str, set[str]]:
    """Module → the project modules it imports (`top_level_only`: when it is first loaded)."""
    modules = module_files()
    graph = {}
    for module, path in modules.items():
        targets = set()
        for name, _ in imported_names(module, path, top_level_only=top_level_only):
            # `from a import b` names a.b: the submodule when there is one, else a itself.
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(component)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def test_the_cycle_finder_finds_a_circle_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [{"a", "b", "c"}]


def test_no_import_cycle_between_project_modules():
    """Two modules importing each other when loaded (directly or through others) work only in one
    order of loading, and neither can be read without the other."""
    assert [sorted(c) for c in import_cycles(import_graph(top_level_only=True))] == []


# Circles closed by an import inside a function load, but the two modules still cannot be read
# or changed apart: none are allowed either.
def test_no_import_cycle_through_imports_inside_functions():
    assert [sorted(c) for c in import_cycles(import_graph(top_level_only=False))] == []
