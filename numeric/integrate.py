"""``integrate``: the one entry point to the engines (reduced, full, float64).

>>> from gfcheck.symbolic.problem import parse_problem
>>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "1"]],
...     "labels": ["1", "-1"], "width": 2, "init": {"scale": "1/1000",
...     "directions": [["1", "1"], ["1", "1"]], "signs": [1, -1]}})
>>> tr = integrate(p, dps=20, t_end=60, error_estimate=False)
>>> [(e.neuron, e.point, e.kind) for e in tr.events]
[(0, 1, 'deactivate'), (1, 0, 'deactivate')]
>>> mpmath.nstr(tr.final.a[0], 8)
'1.0'
"""

from __future__ import annotations

import mpmath  # noqa: F401  (the doctests use it)

from gfcheck.symbolic.errors import InvalidInput

from .precision import Precision, as_precision  # noqa: F401  (Precision: re-exported)
from .trajectory import LossWatch, Trajectory, check_args  # noqa: F401  (re-exported)

__all__ = ["integrate", "choose_engine", "ENGINES"]

ENGINES = ("auto", "reduced", "full", "float64")


def choose_engine(problem, engine: str = "auto") -> str:
    """The engine that integrates ``problem``: ``auto`` is ``reduced`` for the square loss on
    orthogonal inputs with ``n <= d``, else ``full``; the reduced and float64 engines refuse other
    losses (:class:`~gfcheck.symbolic.errors.UnsupportedLoss`) before any work."""
    if engine not in ENGINES:
        raise InvalidInput(f"engine: expected one of {ENGINES}, found {engine!r}")
    if engine == "auto":
        engine = "reduced" if problem.loss == "square" and problem.is_orthogonal() and \
            problem.n <= problem.d else "full"
    if engine != "full":
        problem.require_square_loss(f"engine={engine!r}", elsewhere="full")
    return engine


def integrate(problem, *, precision: Precision | None = None, dps: int | None = None, t_end, times=(),
              until_loss=None, engine="auto", watches=(), error_estimate=True, max_steps=10**6,
              max_events=10**5, error_estimate_parallel=None, **options) -> Trajectory:
    """Integrate the gradient flow of ``problem`` on ``[0, t_end]``; returns a :class:`Trajectory`.

    * ``precision``: a :class:`Precision` (requested digits and guard bits; the engines work at
      ``precision.work_bits``); ``dps=N`` (and the option ``guard_bits``) builds one, default 30
      digits; the trajectory carries it (``tr.precision``);
    * ``times`` sorted sample times in ``[0, t_end]`` -> ``Trajectory.samples`` (a, U, W);
    * ``until_loss``: stop at the first time ``L = (1/2n) sum_k (h_k - y_k)^2`` falls to it;
    * ``engine``: ``"reduced"`` (orthogonal inputs), ``"full"``, ``"float64"``, ``"auto"``;
    * ``watches``: :class:`LossWatch` objects -> ``Trajectory.crossings[name]``;
    * ``error_estimate``: measured by a reference run with ``dps + 10`` digits
      (float64: extended precision) on the other core, ``2 max |z - z'|`` over everything the
      trajectory reports: final and sampled ``a, U, W``, event and crossing times (``None`` when
      False; see :mod:`gfcheck.numeric.estimate`, the one mechanism of every engine);
      ``error_estimate_parallel=False`` runs the reference after the main run in this process.

    The loss is the problem's: ``"square"`` on every engine; ``"exponential"`` and
    ``"logistic"`` on the full engine only (``"auto"`` picks it; ``"reduced"`` and ``"float64"``
    raise :class:`~gfcheck.symbolic.errors.UnsupportedLoss` before any work).

    Numbers (``t_end``, ``times``, ``until_loss``, watch targets) are exact: int, Fraction,
    decimal string or mpf; Python floats are refused.

    Samples carry ``W`` when ``m d (n + 1) <= 200000`` (else ``None``: use
    :func:`gfcheck.numeric.weights_from`); with ``until_loss`` the run (and the samples) end at
    the crossing.  ``engine="float64"`` runs at 53 bits whatever ``precision`` says, and states
    its measured accuracy in ``stats["accuracy"]`` (and ``error_estimate``) unless
    ``error_estimate=False``.  Extra keyword options go to the engine: ``order``, ``tol_bits``
    (reduced, full), ``sample_weights`` (reduced, float64), ``order`` (float64), ``start``
    (reduced, ReLU'(0) = 0: a :class:`State` to continue from, at its own time; a reduced run's
    final state continues it exactly, :func:`joined` puts the two together).

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1"]], "labels": ["1"],
    ...     "width": 1, "init": {"scale": "1/10", "directions": [["1"]], "signs": [1]}})
    >>> tr = integrate(p, precision=Precision(20), t_end=30, until_loss="1e-12", error_estimate=False)
    >>> tr.stats["stopped_on_loss"], tr.final.t < 30, tr.dps
    (True, True, 20)
    """
    engine = choose_engine(problem, engine)
    if options.get("start") is not None and engine != "reduced":
        raise InvalidInput(f"start: only the reduced engine continues a run from a state, not engine={engine!r}")
    prec = as_precision(precision, dps, options.pop("guard_bits", None))
    T, ts, ul, ws = check_args(problem, t_end, times, until_loss, watches)
    args = dict(t_end=T, times=ts, until_loss=ul, watches=ws, max_steps=max_steps, max_events=max_events)
    if engine == "float64":
        from ._float64 import integrate_float64

        options.setdefault("measure_accuracy", bool(error_estimate))
        options.setdefault("parallel", error_estimate_parallel)
        return integrate_float64(problem, **args, **options)
    if engine == "full":
        from ._full import integrate_full

        return integrate_full(problem, precision=prec, error_estimate=bool(error_estimate),
                              error_estimate_parallel=error_estimate_parallel, **args, **options)
    from ._reduced import integrate_reduced

    problem.require_orthogonal("engine='reduced'")
    return integrate_reduced(problem, precision=prec, error_estimate=bool(error_estimate),
                             error_estimate_parallel=error_estimate_parallel, **args, **options)
