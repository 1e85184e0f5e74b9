"""Suites: a paper's claims as one unit (``gfcheck artifact --suite NAME``).

A suite names a paper, its citation and its claims.  This version has one suite,
``orthogonal`` (Boursier, Pillaud-Vivien, Flammarion 2022: square loss, orthogonal inputs; the
claims of :mod:`.registry`), which is the default.  A new suite is one more entry of
:data:`SUITES` (its claims function and its paper).

>>> [c.id for c in suite_claims("orthogonal")][:2]
['orthogonality', 'decoupling']
>>> suite_claims("separable")
Traceback (most recent call last):
...
gfcheck.symbolic.errors.SchemaError: --suite: unknown suite 'separable'; known: orthogonal
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from gfcheck.symbolic.errors import SchemaError

__all__ = ["Suite", "SUITES", "DEFAULT_SUITE", "suite", "suite_claims", "suite_names"]


def _orthogonal_claims():
    from .registry import claims

    return claims()


@dataclass(frozen=True)
class Suite:
    """A paper and the function that lists its claims (registered :class:`.registry.Claim`)."""

    name: str
    paper: str
    claims: Callable[[], list]


SUITES: dict[str, Suite] = {
    "orthogonal": Suite(
        "orthogonal",
        "E. Boursier, L. Pillaud-Vivien, N. Flammarion, Gradient flow dynamics of shallow ReLU networks "
        "for square loss and orthogonal inputs, NeurIPS 2022 (arXiv 2206.00939)",
        _orthogonal_claims),
}
DEFAULT_SUITE = "orthogonal"


def suite_names() -> list[str]:
    return list(SUITES)


def suite(name: str) -> Suite:
    """The suite called ``name`` (``SchemaError``, exit 2, for an unknown one)."""
    if name not in SUITES:
        raise SchemaError(f"--suite: unknown suite {name!r}; known: {', '.join(SUITES)}")
    return SUITES[name]


def suite_claims(name: str) -> list:
    """The claims of the suite called ``name``, in their paper's order."""
    return suite(name).claims()
