"""The ``orthogonal`` suite: Boursier, Pillaud-Vivien, Flammarion (NeurIPS 2022).

One hidden ReLU layer, square loss, pairwise orthogonal inputs, small balanced initialisation;
the nineteen claims of ``docs/suites/orthogonal.md`` (digest section 9), declared in
:mod:`.claims_exact` (items 1-6, 15-19) and :mod:`.claims_asymptotic` (items 7-14); checks
run in :class:`.context.Context`; the report adds the lambda condition and four figures
(:mod:`.report`); ``gfcheck derive`` writes :func:`gfcheck.symbolic.artifacts.write_orthogonal`;
a sweep draws exactly orthogonal rows (:mod:`.dataset`).  The interface is
:class:`gfcheck.proofs_check.core.suite.Suite` (``docs/architecture.md``).

>>> SUITE.name, SUITE.losses, list(SUITE.profiles())
('orthogonal', ('square',), ['quick', 'full'])
>>> SUITE.default_problem().n
4
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from gfcheck.proofs_check.core.suite import Suite

__all__ = ["SUITE", "OrthogonalSuite", "default_problem"]


def default_problem():
    """The built-in example (package data ``data/default.problem.json``)."""
    from gfcheck.symbolic.problem import loads_problem

    return loads_problem(resources.files(__package__).joinpath("data/default.problem.json").read_text())


@dataclass(frozen=True)
class OrthogonalSuite(Suite):
    """The first paper's suite (see the module docstring)."""

    def profiles(self) -> dict:
        from gfcheck.proofs_check.core.context import PROFILES

        return dict(PROFILES)

    def claims(self) -> tuple:
        from . import claims_asymptotic, claims_exact

        return tuple(claims_exact.CLAIMS) + tuple(claims_asymptotic.CLAIMS)

    def make_context(self, problem, profile):
        from .context import Context

        return Context(problem, profile)

    def default_problem(self):
        return default_problem()

    def derive(self, out_dir) -> list:
        from gfcheck.symbolic.artifacts import write_orthogonal

        return write_orthogonal(out_dir)

    def report(self):
        from . import report

        return report

    def proves(self) -> bool:
        return True

    def prove(self, ctx, results, deadline=None):
        from .prove import prove

        return prove(ctx, results, deadline)

    def dataset(self, seed: int, sizes: dict):
        from .dataset import problem

        return problem(seed, sizes)


SUITE = OrthogonalSuite(
    name="orthogonal",
    title="E. Boursier, L. Pillaud-Vivien, N. Flammarion, *Gradient flow dynamics of shallow ReLU networks "
          "for square loss and orthogonal inputs*, NeurIPS 2022 (arXiv 2206.00939)",
    model="one hidden ReLU layer, square loss, pairwise orthogonal inputs, small balanced initialisation",
    notes="docs/suites/orthogonal.md",
    losses=("square",),
    default=True,
)
