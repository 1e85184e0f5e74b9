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


import mpmath

from gfcheck.symbolic.errors import InvalidInput

from .precision import Precision
from .trajectory import LossWatch, Trajectory, check_args  # noqa: F401  (check_args: re-exported)

__all__ = ["integrate", "ENGINES"]

ENGINES = ("auto", "reduced", "full", "float64")


def final_difference(t1: Trajectory, t2: Trajectory):
    """Largest absolute difference of final a_j, u_jk between two runs."""
    d = mpmath.mpf(0)
    for x, y in zip(t1.final.a, t2.final.a):
        d = max(d, abs(x - y))
    for r1, r2 in zip(t1.final.U, t2.final.U):
        for x, y in zip(r1, r2):
            d = max(d, abs(x - y))
    return d


def integrate(problem, *, dps=30, t_end, times=(), until_loss=None, engine="auto", watches=(),
              error_estimate=True, max_steps=10**6, max_events=10**5, **options) -> Trajectory:
    """Integrate the gradient flow of ``problem`` on ``[0, t_end]``; returns a :class:`Trajectory`.

    * ``dps`` requested decimal digits (the engines add guard bits);
    * ``times`` sorted sample times in ``[0, t_end]`` -> ``Trajectory.samples`` (a, U, W);
    * ``until_loss``: stop at the first time ``L = (1/2n) sum_k (h_k - y_k)^2`` falls to it;
    * ``engine``: ``"reduced"`` (orthogonal inputs), ``"full"``, ``"float64"``, ``"auto"``;
    * ``watches``: :class:`LossWatch` objects -> ``Trajectory.crossings[name]``;
    * ``error_estimate``: measured by a second run with ``dps + max(10, dps // 3)`` digits,
      ``max |z - z'|`` over the final ``a_j, u_jk`` (``None`` when False).

    Only the square loss is integrated: a problem with ``loss`` ``"exponential"`` or
    ``"logistic"`` raises :class:`~gfcheck.symbolic.errors.UnsupportedLoss` before any work.

    Numbers (``t_end``, ``times``, ``until_loss``, watch targets) are exact: int, Fraction,
    decimal string or mpf; Python floats are refused.

    Samples carry ``W`` when ``m d (n + 1) <= 200000`` (else ``None``: use
    :func:`gfcheck.numeric.weights_from`); with ``until_loss`` the run (and the samples) end at
    the crossing.  ``engine="float64"`` states its measured accuracy in ``stats["accuracy"]``
    (and ``error_estimate``) unless ``error_estimate=False``.  Extra keyword options go to the
    engine: ``order``, ``tol_bits``, ``guard_bits`` (reduced), ``order``, ``measure_accuracy``
    (float64).

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1"]], "labels": ["1"],
    ...     "width": 1, "init": {"scale": "1/10", "directions": [["1"]], "signs": [1]}})
    >>> tr = integrate(p, dps=20, t_end=30, until_loss="1e-12", error_estimate=False)
    >>> tr.stats["stopped_on_loss"], tr.final.t < 30
    (True, True)
    """
    problem.require_square_loss("gfcheck.numeric.integrate")
    if engine not in ENGINES:
        raise InvalidInput(f"engine: expected one of {ENGINES}, found {engine!r}")
    if engine == "auto":
        engine = "reduced" if problem.is_orthogonal() and problem.n <= problem.d else "full"
    if engine == "full":
        from ._full import integrate_full

        return integrate_full(problem, dps=dps, t_end=t_end, times=times, until_loss=until_loss,
                              engine="full", watches=watches, error_estimate=error_estimate,
                              max_steps=max_steps, max_events=max_events, **options)
    Precision(dps)  # validates dps
    T, ts, ul, ws = check_args(problem, t_end, times, until_loss, watches)
    if engine == "float64":
        from ._float64 import integrate_float64

        options.setdefault("measure_accuracy", bool(error_estimate))
        return integrate_float64(problem, t_end=T, times=ts, until_loss=ul, watches=ws,
                                 max_steps=max_steps, max_events=max_events, **options)
    from ._reduced import integrate_reduced

    problem.require_orthogonal("engine='reduced'")
    tr = integrate_reduced(problem, dps=dps, t_end=T, times=ts, until_loss=ul, watches=ws,
                           max_steps=max_steps, max_events=max_events, **options)
    if not error_estimate:
        return tr
    # the reference run uses the engine's own order and step rule for its precision (an
    # ``order``/``tol_bits`` override is not carried over, so a truncated order is caught)
    ref_options = {k: v for k, v in options.items() if k not in ("order", "tol_bits")}
    hi = integrate_reduced(problem, dps=dps + max(10, dps // 3), t_end=T, times=ts, until_loss=ul,
                           watches=ws, max_steps=max_steps, max_events=max_events, **ref_options)
    with Precision(dps).scope():
        err = final_difference(tr, hi)
    stats = dict(tr.stats)
    stats["error_estimate_dps"] = hi.dps
    stats["error_estimate_seconds"] = hi.stats.get("seconds")
    return Trajectory(engine=tr.engine, dps=tr.dps, work_bits=tr.work_bits, samples=tr.samples,
                      final=tr.final, events=tr.events, crossings=tr.crossings, error_estimate=err,
                      steps=tr.steps, stats=stats)


