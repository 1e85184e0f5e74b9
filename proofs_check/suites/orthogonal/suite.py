"""The ``orthogonal`` suite: Boursier, Pillaud-Vivien, Flammarion (NeurIPS 2022).

One hidden ReLU layer, square loss, pairwise orthogonal inputs, small balanced initialisation;
the nineteen claims of ``docs/orthogonal.md`` (digest section 9), declared in
:mod:`.claims_exact` (items 1-6, 15-19) and :mod:`.claims_asymptotic` (items 7-14); checks
run in :class:`.context.Context`; the report adds the lambda condition and four figures
(:mod:`.report`).

>>> SUITE.name, SUITE.losses
('orthogonal', ('square',))
>>> default_problem().n
4
"""

from __future__ import annotations

from importlib import resources

from gfcheck.proofs_check.core.verdicts import Suite

__all__ = ["SUITE", "default_problem"]


def default_problem():
    """The built-in example (package data ``data/default.problem.json``)."""
    from gfcheck.symbolic.problem import loads_problem

    return loads_problem(resources.files(__package__).joinpath("data/default.problem.json").read_text())


SUITE = Suite(
    name="orthogonal",
    title="E. Boursier, L. Pillaud-Vivien, N. Flammarion, *Gradient flow dynamics of shallow ReLU networks "
          "for square loss and orthogonal inputs*, NeurIPS 2022 (arXiv 2206.00939)",
    model="one hidden ReLU layer, square loss, pairwise orthogonal inputs, small balanced initialisation",
    notes="docs/orthogonal.md",
    claim_modules=("gfcheck.proofs_check.suites.orthogonal.claims_exact",
                   "gfcheck.proofs_check.suites.orthogonal.claims_asymptotic"),
    context="gfcheck.proofs_check.suites.orthogonal.context:Context",
    default_problem="gfcheck.proofs_check.suites.orthogonal.suite:default_problem",
    losses=("square",),
    figures="gfcheck.proofs_check.suites.orthogonal.report",
    default=True,
)
