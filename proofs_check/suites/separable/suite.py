"""The ``separable`` suite: the separable two-direction model (reconstructed after Wang and Ma 2023).

Copies of two unit inputs at a small angle, exponential or logistic loss, small balanced
initialisation; the fourteen checks of ``docs/separable.md`` section 5, declared in
:mod:`.claims`; checks run in :class:`.context.SepContext` (a ladder in the
initialisation scale kappa); the report adds three figures (:mod:`.report`).  No formula
of this suite is attributed to the paper: its body was not available, the model is ours.

>>> SUITE.name, SUITE.losses
('separable', ('exponential', 'logistic'))
"""

from __future__ import annotations

from gfcheck.proofs_check.core.verdicts import Suite

__all__ = ["SUITE"]

SUITE = Suite(
    name="separable",
    title="the separable two-direction model (reconstructed after Wang and Ma 2023; M. Wang, C. Ma, "
          "*Understanding multi-phase optimization dynamics and rich nonlinear behaviors of ReLU networks*, "
          "NeurIPS 2023, arXiv 2305.12467: only its abstract was available)",
    model="the separable two-direction model (reconstructed after Wang and Ma 2023): copies of two unit inputs "
          "x_+ (label +1) and x_- (label -1) at an angle Delta, exponential or logistic loss, small balanced "
          "initialisation, Filippov sliding on activation boundaries",
    notes="docs/separable.md",
    claim_modules=("gfcheck.proofs_check.suites.separable.claims",),
    context="gfcheck.proofs_check.suites.separable.context:SepContext",
    default_problem="gfcheck.numeric.examples:separable_problem",
    losses=("exponential", "logistic"),
    figures="gfcheck.proofs_check.suites.separable.report",
)
