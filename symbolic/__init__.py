"""gfcheck.symbolic: the exact layer.

Problem data (exact rationals), the error hierarchy, and the sympy derivations of the
gradient flow, its decoupling under orthogonality and the theorems' predictions.
"digest N.M" in the docstrings is section N.M of ``docs/suites/orthogonal.md`` (the theory note).

sympy is imported only when a derivation is asked for: ``from gfcheck.symbolic import
load_problem`` stays light, so commands that only integrate start fast.
"""

from __future__ import annotations

from .errors import *  # noqa: F401,F403  (the hierarchy is part of the public API)
from .lazy import lazy_getattr
from .errors import __all__ as _errors_all
from .problem import Problem as Problem
from .problem import load_problem as load_problem
from .problem import loads_problem as loads_problem
from .problem import parse_problem as parse_problem
from .problem import problem_to_json as problem_to_json

__all__ = [*_errors_all, "Problem", "load_problem", "loads_problem", "parse_problem", "problem_to_json",  # noqa: F405
           "Certificate", "derive_flow", "reduced_rhs", "data_predictions", "neuron_predictions",  # noqa: F405
           "h_infinity", "early_phase", "write_orthogonal"]  # noqa: F405

# Lazy re-exports (PEP 562): these modules import sympy, so they load on first use only.
_LAZY = {
    "Certificate": "certificate",
    "derive_flow": "flow",
    "reduced_rhs": "flow",
    "data_predictions": "predictions",
    "neuron_predictions": "predictions",
    "h_infinity": "predictions",
    "early_phase": "predictions",
    "write_orthogonal": "artifacts",
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
