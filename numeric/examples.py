"""Built-in example problems of the numeric layer.

:func:`separable_problem` -- the default problem of the separable two-direction model
(reconstructed after Wang and Ma 2023, ``docs/suites/separable.md``): 7 copies of
``x_+ = (1599, 80)/1601`` (label 1) and 3 of ``x_- = (1599, -80)/1601`` (label -1), unit vectors
at the angle ``Delta = 4 atan(1/40) = 0.09998`` (exact rational points of the circle), so
``p = 0.7``; width 20, balanced seeded initialisation at scale ``1e-6``, exponential loss.
Stored as ``numeric/data/separable.problem.json``.

>>> p = separable_problem()
>>> p.n, p.d, p.m, p.loss, sum(1 for y in p.labels if y > 0) / p.n
(10, 2, 20, 'exponential', 0.7)
"""

from __future__ import annotations

from importlib import resources

from gfcheck.symbolic.problem import loads_problem

__all__ = ["separable_problem", "SEPARABLE_PROBLEM_FILE"]

SEPARABLE_PROBLEM_FILE = "data/separable.problem.json"


def separable_problem():
    """The default separable problem (see the module docstring)."""
    return loads_problem(resources.files("gfcheck.numeric").joinpath(SEPARABLE_PROBLEM_FILE).read_text())
