"""The layers import one way (symbolic -> numeric -> proofs_check -> the facade ``gfcheck``), never
another layer's private module, and no package has an import cycle (module-level *and*
function-level imports count).  The facade (folder ``gfcheck_main/``) is the top: no layer imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("symbolic", "numeric", "proofs_check")  # in data-flow order


def _modules(layer):
    for path in sorted((ROOT / layer).glob("*.py")):
        name = path.stem
        yield (f"gfcheck.{layer}" if name == "__init__" else f"gfcheck.{layer}.{name}"), path


def _imports(module, path):
    """Absolute names of the gfcheck modules that ``module`` imports anywhere in its file."""
    return imports_in(module, path.stem == "__init__", path.read_text())


def imports_in(module, is_package, source):
    """Absolute names of the gfcheck modules imported anywhere in ``source`` (of ``module``)."""
    package = module if is_package else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name == "gfcheck" or a.name.startswith("gfcheck.")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                names = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
            elif node.module and (node.module == "gfcheck" or node.module.startswith("gfcheck.")):
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            out |= set(names)
    return out


GRAPH = {m: _imports(m, p) for layer in LAYERS for m, p in _modules(layer)}


def _layer(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _facade_names(module, names):
    """The imports of ``names`` that reach the facade ``gfcheck`` itself (its ``__init__``, its
    public API, ``gfcheck.__main__``), not a layer below it."""
    return sorted(t for t in names if t == "gfcheck" or (t.startswith("gfcheck.") and _layer(t) is None))


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_layer_imports_the_facade(module):
    assert _facade_names(module, GRAPH[module]) == [], f"{module} imports the facade gfcheck, which sits above it"


def test_the_facade_check_finds_an_import_of_the_facade():  # the negative twin
    for source in ("import gfcheck", "from gfcheck import integrate", "import gfcheck.__main__"):
        assert _facade_names("gfcheck.numeric.x", imports_in("gfcheck.numeric.x", False, source)), source
    assert _facade_names("gfcheck.numeric.x", imports_in("gfcheck.numeric.x", False,
                                                        "from gfcheck.symbolic import errors")) == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_flow_one_way_and_never_into_another_layers_private_module(module):
    own = LAYERS.index(_layer(module))
    for target in GRAPH[module]:
        layer = _layer(target)
        if layer is None:
            continue
        assert LAYERS.index(layer) <= own, f"{module} imports {target}: against symbolic -> numeric -> proofs_check"
        if layer != _layer(module):
            private = [p for p in target.split(".")[2:] if p.startswith("_")]
            assert not private, f"{module} imports {target}, a private module of another layer"


def _cycle(graph):
    """One import cycle among the graph's modules (a list), or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = {m: WHITE for m in graph}
    stack = []

    def visit(m):
        colour[m] = GREY
        stack.append(m)
        for t in sorted(graph[m]):
            if t not in graph:
                continue
            if colour[t] == GREY:
                return stack[stack.index(t):] + [t]
            if colour[t] == WHITE:
                found = visit(t)
                if found:
                    return found
        stack.pop()
        colour[m] = BLACK
        return None

    for m in sorted(graph):
        if colour[m] == WHITE:
            found = visit(m)
            if found:
                return found
    return None


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_cycle_inside_a_package(layer):
    # a package's __init__ re-exports its modules; the cycle that matters is between modules
    graph = {m: {t for t in ts if _layer(t) == layer and not t.endswith(f"gfcheck.{layer}")}
             for m, ts in GRAPH.items() if _layer(m) == layer and m != f"gfcheck.{layer}"}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_cycle_finder_finds_a_cycle():  # the negative twin
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
