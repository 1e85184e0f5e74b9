"""Fitness of the code (issue 26 items 3 and 5), as ratchets towards their targets.

* **Complexity.** No function above cyclomatic complexity 20 by radon's count (which, unlike ruff's
  mccabe, counts ``and``/``or``).  The functions above it today are listed in :data:`DEBT` with their
  count: a new one fails, a listed one may not grow, and one that drops to 20 or below must leave the
  list (so the list only shrinks).  Target: an empty list, reached on 2026-12-07 (a new function above
  the limit fails at once).
* **Precision scopes.** Claims and predictions are to take their precision from the context as a
  ``Precision`` (``numeric/precision.py``) rather than open ``mpmath.workprec(...)``/``workdps(...)``
  scopes by hand; the bare scopes outside ``numeric/`` are counted and may not grow
  (:data:`BARE_SCOPES`).  Target 0, reached on 2026-12-07.

Each rule has its twin: a planted function of complexity 21 and a planted bare scope are caught.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

radon = pytest.importorskip("radon.complexity")

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("symbolic", "numeric", "proofs_check", "gfcheck_main")
LIMIT = 20

#: the functions above :data:`LIMIT`, with radon's count (may only shrink): 34 on 2026-12-06, none on
#: 2026-12-07 (split into named phases)
DEBT = {}

#: bare ``workprec(``/``workdps(`` scopes outside ``numeric/`` (may only shrink): 111 on 2026-12-06; 34 on
#: 2026-12-07, when the checks' scopes became ``ctx.precision.extra(guard)`` and ``run.precision.scope()``;
#: 0 later that day: fixed digits are named (``PRINTED``, ``JUDGED``, ``Precision.digits``), precisions
#: computed in bits are ``Precision.of_bits`` or ``run.precision.beyond(guard)``, and the symbolic layer's
#: 400-bit companions have a private ``mpmath.MPContext``
BARE_SCOPES = 0
_SCOPE = re.compile(r"\b(?:workprec|workdps)\(")


def complexities(source: str, prefix: str = "") -> dict:
    """``{prefix::qualified name: radon's complexity}`` of every function, method and closure."""
    out = {}

    def walk(blocks):
        for b in blocks:
            if hasattr(b, "methods"):  # a class: its methods (and their closures)
                walk(b.methods)
                continue
            out[f"{prefix}::{b.fullname}"] = b.complexity
            walk(getattr(b, "closures", []))

    walk(radon.cc_visit(source))
    return out


def over_limit(files) -> dict:
    """The functions of ``files`` (``{relative path: source}``) above :data:`LIMIT`."""
    found = {}
    for rel, source in files.items():
        found.update({k: v for k, v in complexities(source, rel).items() if v > LIMIT})
    return found


def bare_scopes(files) -> int:
    """The ``workprec(``/``workdps(`` calls in ``files`` (``{relative path: source}``)."""
    return sum(len(_SCOPE.findall(src)) for src in files.values())


def _sources(layers=LAYERS) -> dict:
    return {p.relative_to(ROOT).as_posix(): p.read_text("utf-8")
            for layer in layers for p in sorted((ROOT / layer).rglob("*.py"))}


def test_no_function_grows_past_the_limit():
    found = over_limit(_sources())
    new = {k: v for k, v in found.items() if k not in DEBT}
    grown = {k: (DEBT[k], v) for k, v in found.items() if k in DEBT and v > DEBT[k]}
    paid = sorted(k for k in DEBT if k not in found)
    assert not new, f"functions above complexity {LIMIT} (radon): {new}; split them into named phases"
    assert not grown, f"listed functions grew (was, is): {grown}"
    assert not paid, f"now at or below {LIMIT}: take them off DEBT: {paid}"


def test_bare_precision_scopes_do_not_grow():
    n = bare_scopes({k: v for k, v in _sources().items() if not k.startswith("numeric/")})
    assert n <= BARE_SCOPES, f"{n} bare workprec/workdps scopes outside numeric/ (at most {BARE_SCOPES}): " \
                             "take the precision from the context (Precision.extra)"
    assert n == BARE_SCOPES, f"{n} bare scopes now: lower BARE_SCOPES to {n}"


def test_twins_a_planted_complex_function_and_a_planted_scope_are_caught():
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(LIMIT))
    planted = {"proofs_check/core/planted.py": f"def planted(x):\n{branches}\n    return -1\n"}
    assert over_limit(planted) == {"proofs_check/core/planted.py::planted": LIMIT + 1}
    simple = {"proofs_check/core/planted.py": "def f(x):\n    return x and 1 or 2\n"}
    assert over_limit(simple) == {}
    assert bare_scopes({"a.py": "with mpmath.workprec(bits + 20):\n    pass\nmpmath.workdps(30)\n"}) == 2
