"""The layers import one way and no package has an import cycle (module-level *and* function-level
imports count):

    symbolic -> numeric -> proofs_check.core -> proofs_check.suites.<name> -> proofs_check.jobs -> facade

``core``, ``numeric`` and ``symbolic`` never import a suite; a suite never imports another suite;
no module imports another layer's private module, and no module imports a ``_private`` name of
another module (a helper two modules share is public).  The facade (folder ``gfcheck_main/``)
is the top: no layer imports it.  Each rule has a planted violation that it catches."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("symbolic", "numeric", "proofs_check")  # the installed packages, in data-flow order
#: the levels of data flow, bottom first; a module may import its own level and the ones below
LEVELS = ("symbolic", "numeric", "core", "suites", "jobs", "facade")


def _modules(layer):
    for path in sorted((ROOT / layer).rglob("*.py")):
        parts = path.relative_to(ROOT / layer).with_suffix("").parts
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        yield ".".join(("gfcheck", layer, *parts)), path


def _imports(module, path):
    """Absolute names of the gfcheck modules that ``module`` imports anywhere in its file."""
    return imports_in(module, path.stem == "__init__", path.read_text())


def _froms(module, is_package, node):
    """The absolute module of a ``from ... import`` node (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    package = module if is_package else module.rsplit(".", 1)[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


def imports_in(module, is_package, source):
    """Absolute names of the gfcheck modules imported anywhere in ``source`` (of ``module``)."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name == "gfcheck" or a.name.startswith("gfcheck.")}
        elif isinstance(node, ast.ImportFrom):
            target = _froms(module, is_package, node)
            if not (target == "gfcheck" or target.startswith("gfcheck.")):
                continue
            if node.module:
                names = [target] if node.level else [target] + [f"{target}.{a.name}" for a in node.names]
            else:
                names = [f"{target}.{a.name}" for a in node.names]
            out |= set(names)
    return out


def private_names_in(module, is_package, source, modules):
    """``"<module>.<name>"`` for each ``_private`` name (not a dunder, not a module of ``modules``)
    that ``source`` imports from another module with ``from ... import``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            target = _froms(module, is_package, node)
            for a in node.names:
                private = a.name.startswith("_") and not a.name.startswith("__")
                if private and f"{target}.{a.name}" not in modules:
                    out.append(f"{target}.{a.name}")
    return sorted(out)


def _facade_modules():
    """The facade's own modules (``gfcheck_main/`` installed as ``gfcheck``: the API, the CLI, the errors)."""
    for path in sorted((ROOT / "gfcheck_main").glob("*.py")):
        yield ("gfcheck" if path.stem == "__init__" else f"gfcheck.{path.stem}"), path


SOURCES = {**{m: p for layer in LAYERS for m, p in _modules(layer)}, **dict(_facade_modules())}
GRAPH = {m: _imports(m, p) for m, p in SOURCES.items()}


def _layer(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


#: the facade's leaf module: it imports nothing of gfcheck, so it sits below every layer
LEAF = "gfcheck.errors"


def level(name):
    """The level of a gfcheck module name (``LEVELS``): ``gfcheck.proofs_check`` itself (its lazy
    API) sits with the jobs, the facade above them all, but
    for its leaf :data:`LEAF`, which every layer may import (the bottom level)."""
    if name == LEAF or name.startswith(LEAF + "."):
        return LEVELS[0]
    parts = name.split(".")
    layer = _layer(name)
    if layer is None:
        return "facade"
    if layer != "proofs_check":
        return layer
    return parts[2] if len(parts) > 2 and parts[2] in ("core", "suites") else "jobs"


def suite_of(name):
    """The suite a module belongs to (``gfcheck.proofs_check.suites.<suite>...``), else None."""
    parts = name.split(".")
    return parts[3] if len(parts) > 3 and parts[1:3] == ["proofs_check", "suites"] else None


def _facade_names(module, names):
    """The imports of ``names`` that reach the facade ``gfcheck`` itself (its ``__init__``, its
    public API, ``gfcheck.__main__``), not a layer below it."""
    return sorted(t for t in names if t == "gfcheck" or (t.startswith("gfcheck.") and _layer(t) is None
                                                          and level(t) == "facade"))


def upward(module, targets):
    """The imports of ``targets`` that go up the levels (against the data flow)."""
    return sorted(t for t in targets if LEVELS.index(level(t)) > LEVELS.index(level(module)))


def suite_imports(module, targets):
    """The imports of a suite from outside the suites (core, numeric, symbolic), or of another suite."""
    own = suite_of(module)
    if level(module) not in ("symbolic", "numeric", "core", "suites"):
        return []
    return sorted(t for t in targets if suite_of(t) is not None and suite_of(t) != own)


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if level(m) != "facade"))
def test_no_layer_imports_the_facade(module):
    assert _facade_names(module, GRAPH[module]) == [], f"{module} imports the facade gfcheck, which sits above it"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_flow_one_way(module):
    assert upward(module, GRAPH[module]) == [], \
        f"{module} imports against symbolic -> numeric -> core -> suites -> jobs -> facade"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_suite_is_imported_below_the_suites_or_by_another_suite(module):
    assert suite_imports(module, GRAPH[module]) == [], \
        f"{module} imports a suite: core, numeric and symbolic import none, a suite imports no other suite"


RULES = {"facade": _facade_names, "flow": upward, "suite": suite_imports}
#: (rule, module, planted source, caught?): each rule's negative twins, and an import it lets through
PLANTED = [
    ("facade", "gfcheck.numeric.x", "import gfcheck", True),
    ("facade", "gfcheck.numeric.x", "from gfcheck import integrate", True),
    ("facade", "gfcheck.numeric.x", "import gfcheck.__main__", True),
    ("facade", "gfcheck.numeric.x", "from gfcheck.symbolic import errors", False),
    ("facade", "gfcheck.symbolic.x", "from gfcheck.errors import InvalidInput", False),
    ("facade", "gfcheck.symbolic.x", "from gfcheck.cli import main", True),
    ("flow", "gfcheck.proofs_check.core.x", "from gfcheck.proofs_check.jobs import verify", True),
    ("flow", "gfcheck.proofs_check.suites.s.x", "def f():\n    from ...jobs.verify import run_verify", True),
    ("flow", "gfcheck.proofs_check.jobs.x", "def f():\n    from gfcheck.cli import run", True),
    ("flow", "gfcheck.numeric.x", "from gfcheck.proofs_check.core.context import Profile", True),
    ("flow", "gfcheck.symbolic.x", "def f():\n    from ..numeric import integrate", True),
    ("flow", "gfcheck.proofs_check.jobs.x", "from ..core.registry import suite", False),
    ("suite", "gfcheck.proofs_check.core.registry", "def f():\n    from ..suites.orthogonal.suite import SUITE", True),
    ("suite", "gfcheck.proofs_check.suites.separable.claims", "from ..orthogonal import claims_exact", True),
    ("suite", "gfcheck.symbolic.x", "import gfcheck.proofs_check.suites.separable.context", True),
    ("suite", "gfcheck.proofs_check.suites.separable.report", "from .claims import long_run", False),
]


@pytest.mark.parametrize("rule, module, source, caught", PLANTED)
def test_each_rule_catches_its_planted_violation(rule, module, source, caught):  # the negative twins
    assert bool(RULES[rule](module, imports_in(module, False, source))) is caught


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_of_another_layers_private_module(module):
    for target in GRAPH[module]:
        if _layer(target) is not None and level(target) != level(module):
            private = [p for p in target.split(".")[2:] if p.startswith("_")]
            assert not private, f"{module} imports {target}, a private module of another layer"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_no_private_name_is_imported_from_another_module(module):
    path = SOURCES[module]
    found = private_names_in(module, path.stem == "__init__", path.read_text(), set(SOURCES))
    assert found == [], f"{module} imports private names of other modules (make a shared helper public)"


def test_the_private_name_check_finds_a_private_name():  # the negative twin
    modules = {"gfcheck.numeric._common", "gfcheck.numeric._reduced"}
    for source in ("from ._reduced import _powers", "def f():\n    from gfcheck.proofs_check.core.report import _hooks",
                   "from .figures import floats, _Skip"):
        assert private_names_in("gfcheck.numeric._full", False, source, modules), source
    for source in ("from . import _common", "from ._reduced import powers", "from .errors import __all__ as _a"):
        assert private_names_in("gfcheck.numeric._full", False, source, modules) == [], source


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


# ---------------------------------------------------------------- no suite named below the suites
#: the folders whose code takes every suite from the registry (docstrings may name a suite)
SUITE_BLIND = ("proofs_check/core", "proofs_check/jobs", "gfcheck_main")
#: string constants that equal a suite's name but do not mean the suite: (file, assigned name, value)
NOT_A_SUITE = {("proofs_check/core/report.py", "_ASSUMPTION_STEPS", "orthogonal")}  # a word of a reason


def suite_names_in(source, names, path="x.py"):
    """``(assigned name, constant)`` for each string constant of ``source`` (not a docstring or other
    bare string) that names a suite of ``names``: equal to it, or ``suites.NAME``, ``suites/NAME``,
    ``--suite NAME`` inside it; ``NOT_A_SUITE`` lists the reviewed exceptions."""
    tree = ast.parse(source)
    bare = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    owner = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            label = ",".join(t.id for t in targets if isinstance(t, ast.Name))
            for sub in ast.walk(node):
                owner.setdefault(id(sub), label)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in bare:
            continue
        v = node.value
        hit = any(v == n or any(f"{pre}{n}" in v for pre in ("suites.", "suites/", "--suite ")) for n in names)
        if hit and (path, owner.get(id(node), ""), v) not in NOT_A_SUITE:
            out.append((owner.get(id(node), ""), v))
    return out


def _suite_names():
    return sorted(p.name for p in (ROOT / "proofs_check" / "suites").iterdir() if (p / "suite.py").is_file())


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for folder in SUITE_BLIND
                                        for p in (ROOT / folder).rglob("*.py")))
def test_no_suite_is_named_in_core_jobs_or_the_facade(path):
    found = suite_names_in((ROOT / path).read_text(), _suite_names(), path)
    assert found == [], f"{path} names a suite in its code: {found} (take it from the suite object)"


def test_the_suite_name_check_catches_a_named_suite():  # the negative twins
    names = ["orthogonal", "separable"]
    for source in ('x = "orthogonal"', 'f(suite="separable")', 'M = "gfcheck.proofs_check.suites.separable.context"',
                   'help = "run gfcheck verify --suite separable"'):
        assert suite_names_in(source, names), source
    for source in ('"""Docstring: suite("orthogonal")."""', 'x = "pairwise orthogonal inputs"',
                   '_ASSUMPTION_STEPS = (("orthogonal", "make them so"),)'):
        assert suite_names_in(source, names, "proofs_check/core/report.py") == [], source
    assert suite_names_in('_ASSUMPTION_STEPS = (("orthogonal", "x"),)', names, "proofs_check/core/other.py")


def _gfcheck_imports(source: str) -> list:
    """The gfcheck modules a source imports (module- and function-level)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.split(".")[0] == "gfcheck"]
        elif isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "gfcheck"):
            out.append("." * node.level + (node.module or ""))
    return out


def test_the_leaf_imports_nothing_of_gfcheck():
    """``gfcheck.errors`` may be imported by every layer only because it imports none of them."""
    assert _gfcheck_imports((ROOT / "gfcheck_main" / "errors.py").read_text()) == []


def test_the_leaf_check_sees_an_import_of_gfcheck():  # the negative twin
    assert _gfcheck_imports("def f():\n    from gfcheck.numeric import integrate\n") == ["gfcheck.numeric"]
    assert _gfcheck_imports("from . import cli\n") == ["."]
