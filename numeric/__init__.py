"""gfcheck.numeric: high-precision, event-aware integration of the gradient flow.

Light on import (no sympy, no scipy): the engines load on first use.  "digest N.M" in the
docstrings is section N.M of ``docs/suites/orthogonal.md``; the result file is ``docs/formats.md``.
"""

from .integrate import integrate
from .precision import Precision, to_mpf, tolerance
from .result import provenance
from .trajectory import Event, LossWatch, State, Trajectory


def weights_from(problem, state):
    """``W`` from the reduced state (see :func:`gfcheck.numeric._reduced.weights_from`)."""
    from ._reduced import weights_from as _wf

    return _wf(problem, state)


__all__ = ["integrate", "weights_from", "Precision", "to_mpf", "tolerance", "Event", "LossWatch",
           "State", "Trajectory", "provenance"]
