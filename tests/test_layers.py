"""The layers depend one way only (conventions: regions <- cooperatives <- assistants <-
dashboard), and developer tooling sits on top of them all.

Every Python module of the apps is parsed with ``ast`` (nothing is imported or run) and
every import in it counts, the lazy ones inside functions too, and so does
``import_module("...")`` / ``import_string("...")`` with a literal name. Modules are
grouped into NODES; an import between two nodes is an edge. Migrations and tests are
left out, and so is the wiring at the top (``koperasi_registry.urls``, ``.settings``,
``.management``), which names every layer by design.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cooperatives", "assistants", "koperasi_registry")
DASHBOARD = "koperasi_registry.dashboard"
DEVTOOLS = "koperasi_registry.devtools"
# Most specific first: a module belongs to the first node it is inside.
NODES = (DASHBOARD, DEVTOOLS, "cooperatives", "assistants", "koperasi_registry")
WIRING = ("koperasi_registry.urls", "koperasi_registry.settings", "koperasi_registry.management")
SKIPPED_DIRS = {"migrations", "tests", "__pycache__"}
DYNAMIC_IMPORTS = {"import_module", "import_string", "__import__"}


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def node_of(module: str) -> str | None:
    """The node ``module`` belongs to; None outside the apps or in the wiring."""
    if any(_inside(module, wiring) for wiring in WIRING):
        return None
    return next((node for node in NODES if _inside(module, node)), None)


def module_files():
    """(dotted module name, is a package's __init__, path) of every module of the apps."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if SKIPPED_DIRS & set(relative.parts[:-1]):
                continue
            parts = list(relative.with_suffix("").parts)
            is_init = parts[-1] == "__init__"
            if is_init:
                parts.pop()
            yield ".".join(parts), is_init, path


def resolve(importer: str, is_init: bool, level: int, name: str | None) -> str:
    """The absolute name of ``from <level dots><name> import ...`` written in ``importer``."""
    if not level:
        return name or ""
    base = importer.split(".") if is_init else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def imported_modules(tree: ast.AST, importer: str, is_init: bool):
    """(line, imported name) for every import anywhere in ``tree``. For ``from X import Y``
    it is ``X.Y``: Y may be a sub-module (``from koperasi_registry import devtools``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            source = resolve(importer, is_init, node.level, node.module)
            for alias in node.names:
                yield node.lineno, source if alias.name == "*" else f"{source}.{alias.name}"
        elif isinstance(node, ast.Call):
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            first = node.args[0] if node.args else None
            if called in DYNAMIC_IMPORTS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def build_graph():
    """{(from node, to node): ["path:line imported.name", ...]} and the modules per node."""
    edges = defaultdict(list)
    modules = defaultdict(list)
    for module, is_init, path in module_files():
        source = node_of(module)
        if source is None:
            continue
        modules[source].append(module)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in imported_modules(tree, module, is_init):
            target = node_of(name)
            if target is not None and target != source:
                edges[source, target].append(f"{path.relative_to(ROOT)}:{line} {name}")
    return dict(edges), dict(modules)


EDGES, MODULES = build_graph()


def imports_of(source: str, targets: set[str]) -> list[str]:
    return [line for (a, b), lines in sorted(EDGES.items()) if a == source and b in targets for line in lines]


def cycles() -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    graph = defaultdict(set)
    for a, b in EDGES:
        graph[a].add(b)
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
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

    for node in NODES:
        if node not in index:
            visit(node)
    return found


def test_every_node_is_read_and_known_edges_are_found():
    """Guards the parser itself: an empty graph would pass every rule below."""
    assert set(MODULES) == set(NODES)
    assert ("assistants", "cooperatives") in EDGES  # assistants' models point at Cooperative
    assert (DASHBOARD, "assistants") in EDGES
    assert (DEVTOOLS, "cooperatives") in EDGES  # the demo office writes cooperatives
    assert not any(node_of(module) for module in ("django.db", "lokal", "koperasi_registry.urls"))


@pytest.mark.parametrize(
    ("importer", "is_init", "level", "name", "expected"),
    [
        ("cooperatives.views", False, 1, "models", "cooperatives.models"),
        ("cooperatives.health.views", False, 2, "models", "cooperatives.models"),
        ("cooperatives.health", True, 1, "rules", "cooperatives.health.rules"),
        ("koperasi_registry.devtools.demo", True, 1, None, "koperasi_registry.devtools.demo"),
        ("assistants.views", False, 0, "cooperatives.models", "cooperatives.models"),
    ],
)
def test_relative_imports_resolve(importer, is_init, level, name, expected):
    assert resolve(importer, is_init, level, name) == expected


def test_cooperatives_imports_no_higher_layer():
    assert imports_of("cooperatives", {"assistants", DASHBOARD, DEVTOOLS}) == []


def test_assistants_imports_neither_dashboard_nor_devtools():
    assert imports_of("assistants", {DASHBOARD, DEVTOOLS}) == []


def test_no_app_imports_devtools():
    importers = [node for node in NODES if node != DEVTOOLS]
    assert [line for node in importers for line in imports_of(node, {DEVTOOLS})] == []


def test_no_cycle_between_the_nodes():
    found = cycles()
    detail = {
        " <-> ".join(component): [
            line for (a, b), lines in sorted(EDGES.items()) if a in component and b in component for line in lines
        ]
        for component in found
    }
    assert found == [], detail
