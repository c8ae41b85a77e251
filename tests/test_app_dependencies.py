"""The apps depend one way: intelligence and notifications on claims and below (and on neither
of each other), claims on
sources and accounts, sources on accounts, accounts on neither; and no module of the sources app imports
itself back through others. Read from the source with ``ast`` (every
import, also those inside functions), so nothing needs to be imported."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# For each app, the apps of ours it must not import.
FORBIDDEN = {
    "claims": {"intelligence", "operations", "notifications"},
    "sources": {"claims", "intelligence", "operations", "notifications"},
    "accounts": {"claims", "sources", "intelligence", "operations", "notifications"},
    "operations": {"claims", "intelligence", "notifications"},
    "intelligence": {"notifications"},
    "notifications": {"intelligence", "operations"},
}


def modules_of(app: str) -> dict[str, Path]:
    """The dotted names of an app's modules (migrations too) and their files."""
    modules = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def imported_names(module: str, path: Path) -> set[str]:
    """The dotted names ``module`` imports, relative imports resolved
    (``from .x import y`` gives both ``pkg.x`` and ``pkg.x.y``, since ``y``
    may be a module)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_imports_none_of_the_apps_that_depend_on_it(app):
    offending = sorted(
        f"{module} imports {name}"
        for module, path in modules_of(app).items()
        for name in imported_names(module, path)
        if name.split(".")[0] in FORBIDDEN[app]
    )
    assert offending == []


def import_cycles(app: str) -> list[list[str]]:
    """The import cycles among ``app``'s own modules, each as the path that
    closes it."""
    modules = modules_of(app)
    graph = {
        module: sorted(name for name in imported_names(module, path) if name in modules and name != module)
        for module, path in modules.items()
    }
    cycles, state = [], {}  # state: 1 while on the current path, 2 once done

    def visit(module, path):
        state[module] = 1
        for imported in graph[module]:
            if state.get(imported) == 1:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])
    return cycles


def test_the_sources_modules_import_one_another_without_a_cycle():
    assert import_cycles("sources") == []


def test_a_cycle_is_seen(tmp_path, monkeypatch):
    """The cycle finder finds the kind of cycle it is there for, an import
    inside a function included."""
    package = tmp_path / "loop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import x\n")
    (package / "b.py").write_text("def x():\n    from .c import y\n")
    (package / "c.py").write_text("from loop.a import z\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert import_cycles("loop") == [["loop.a", "loop.b", "loop.c", "loop.a"]]
