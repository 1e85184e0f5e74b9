"""The ``separable`` suite: the separable two-direction model (reconstructed after Wang and Ma 2023).

Copies of two unit inputs at a small angle, exponential or logistic loss, small balanced
initialisation; the fourteen checks of ``docs/suites/separable.md`` section 5, declared in
:mod:`.claims`; checks run in :class:`.context.SepContext` (a ladder in the initialisation
scale kappa, its own profiles); the report adds three figures (:mod:`.report`); ``gfcheck
derive`` writes :func:`gfcheck.symbolic.separable_artifacts.write_separable`.  No formula of this
suite is attributed to the paper: its body was not available, the model is ours.  The interface
is :class:`gfcheck.proofs_check.core.suite.Suite` (``docs/architecture.md``).

>>> SUITE.name, SUITE.losses, SUITE.profile("quick").exponents[:2]
('separable', ('exponential', 'logistic'), (4, 6))
"""

from __future__ import annotations

from dataclasses import dataclass

from gfcheck.proofs_check.core.suite import Suite

__all__ = ["SUITE", "SeparableSuite"]


@dataclass(frozen=True)
class SeparableSuite(Suite):
    """The second paper's suite (see the module docstring)."""

    def profiles(self) -> dict:
        from .context import PROFILES

        return dict(PROFILES)

    def claims(self) -> tuple:
        from .claims import CLAIMS

        return tuple(CLAIMS)

    def make_context(self, problem, profile):
        from .context import SepContext

        return SepContext(problem, profile)

    def default_problem(self):
        from gfcheck.numeric.examples import separable_problem

        return separable_problem()

    def derive(self, out_dir) -> list:
        from gfcheck.symbolic.separable_artifacts import write_separable

        return write_separable(out_dir)

    def report(self):
        from . import report

        return report

    def dataset(self, seed: int, sizes: dict):
        from .dataset import problem

        return problem(seed, sizes)


SUITE = SeparableSuite(
    name="separable",
    title="the separable two-direction model (reconstructed after Wang and Ma 2023; M. Wang, C. Ma, "
          "*Understanding multi-phase optimization dynamics and rich nonlinear behaviors of ReLU networks*, "
          "NeurIPS 2023, arXiv 2305.12467: only its abstract was available)",
    model="the separable two-direction model (reconstructed after Wang and Ma 2023): copies of two unit inputs "
          "x_+ (label +1) and x_- (label -1) at an angle Delta, exponential or logistic loss, small balanced "
          "initialisation, Filippov sliding on activation boundaries",
    notes="docs/suites/separable.md",
    losses=("exponential", "logistic"),
)
