"""gfcheck: symbolic-numeric verification of gradient-flow theory for shallow ReLU networks.

Two papers, one suite each (``docs/README.md``): Boursier, Pillaud-Vivien and Flammarion (NeurIPS
2022, orthogonal inputs, square loss: suite ``orthogonal``) and Wang and Ma (NeurIPS 2023,
separable data, exponential and logistic losses: suite ``separable``).  The layers are installed
under this one namespace and import only downwards: ``gfcheck.symbolic`` (exact, sympy) ->
``gfcheck.numeric`` (the engines) -> ``gfcheck.proofs_check`` (claims, verdicts, jobs); this
package is the facade on top of them.

The public API (each name loads its layer on first use, so ``import gfcheck`` stays light)::

    load_problem(path), parse_problem(doc), Problem        the exact problem (docs/formats.md)
    integrate(problem, dps=..., t_end=...)                 a trajectory (docs/simulate.md)
    verify(problem, profile, suite=None, only=None)        the claims' results (docs/verify.md)
    suites(), claims(suite_name), Profile, Precision
    main(argv)                                             the ``gfcheck`` command line (docs/cli.md)
    errors                                                 the one hierarchy (docs/errors.md)

>>> import gfcheck
>>> p = gfcheck.parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "1"]],
...     "labels": ["1", "-1"], "width": 2, "init": {"scale": "1/1000", "seed": 0}})
>>> (p.n, p.d, p.width), [c.id for c in gfcheck.claims("orthogonal")][:2]
((2, 2, 2), ['orthogonality', 'decoupling'])
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError as _NotFound
from importlib.metadata import version as _version

try:
    __version__ = _version("gfcheck")  # the installed distribution's, as ``gfcheck --version`` prints
except _NotFound:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"

#: name -> the module that defines it (loaded on first use, PEP 562)
_API = {
    "load_problem": "gfcheck.symbolic.problem", "parse_problem": "gfcheck.symbolic.problem",
    "Problem": "gfcheck.symbolic.problem",
    "integrate": "gfcheck.numeric.integrate", "Precision": "gfcheck.numeric.precision",
    "verify": "gfcheck.proofs_check.jobs.verify", "Profile": "gfcheck.proofs_check.core.context",
    "suites": "gfcheck.proofs_check.core.registry", "claims": "gfcheck.proofs_check.core.registry",
    "main": "gfcheck.cli", "errors": "gfcheck.errors",
}

__all__ = ["__version__", *_API]


def __getattr__(name):
    if name not in _API:
        raise AttributeError(f"module 'gfcheck' has no attribute {name!r}; the public API is {sorted(_API)}")
    module = importlib.import_module(_API[name])
    value = module if name == "errors" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_API])
