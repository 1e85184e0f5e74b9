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




def integrate(problem, *, dps=30, t_end, times=(), until_loss=None, engine="auto", watches=(),
              error_estimate=True, max_steps=10**6, max_events=10**5, error_estimate_parallel=None,
              **options) -> Trajectory:
    """Integrate the gradient flow of ``problem`` on ``[0, t_end]``; returns a :class:`Trajectory`.

    * ``dps`` requested decimal digits (the engines add guard bits);
    * ``times`` sorted sample times in ``[0, t_end]`` -> ``Trajectory.samples`` (a, U, W);
    * ``until_loss``: stop at the first time ``L = (1/2n) sum_k (h_k - y_k)^2`` falls to it;
    * ``engine``: ``"reduced"`` (orthogonal inputs), ``"full"``, ``"float64"``, ``"auto"``;
    * ``watches``: :class:`LossWatch` objects -> ``Trajectory.crossings[name]``;
    * ``error_estimate``: measured by a reference run with ``dps + max(10, dps // 3)`` digits
      (float64: extended precision) on the other core, ``2 max |z - z'|`` over everything the
      trajectory reports: final and sampled ``a, U, W``, event and crossing times (``None`` when
      False; see :mod:`gfcheck.numeric.estimate` for what it bounds);
      ``error_estimate_parallel=False`` runs the reference after the main run in this process.

    The loss is the problem's: ``"square"`` on every engine; ``"exponential"`` and
    ``"logistic"`` on the full engine only (``"auto"`` picks it; ``"reduced"`` and ``"float64"``
    raise :class:`~gfcheck.symbolic.errors.UnsupportedLoss` before any work).

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
    if engine not in ENGINES:
        raise InvalidInput(f"engine: expected one of {ENGINES}, found {engine!r}")
    if engine == "auto":
        engine = "reduced" if problem.loss == "square" and problem.is_orthogonal() and \
            problem.n <= problem.d else "full"
    if engine != "full":
        problem.require_square_loss(f"engine={engine!r}", elsewhere="full")
    if engine == "full":
        from ._full import integrate_full

        def run_full(d, opts):
            return integrate_full(problem, dps=d, t_end=t_end, times=times, until_loss=until_loss,
                                  engine="full", watches=watches, error_estimate=False,
                                  max_steps=max_steps, max_events=max_events, **opts)

        if not error_estimate:
            return run_full(dps, options)
        return _with_reference(run_full, dps, options, error_estimate_parallel)
    Precision(dps)  # validates dps
    T, ts, ul, ws = check_args(problem, t_end, times, until_loss, watches)
    if engine == "float64":
        from ._float64 import integrate_float64

        options.setdefault("measure_accuracy", bool(error_estimate))
        options.setdefault("parallel", error_estimate_parallel)
        return integrate_float64(problem, t_end=T, times=ts, until_loss=ul, watches=ws,
                                 max_steps=max_steps, max_events=max_events, **options)
    from ._reduced import integrate_reduced

    problem.require_orthogonal("engine='reduced'")
    def run_reduced(d, opts):
        return integrate_reduced(problem, dps=d, t_end=T, times=ts, until_loss=ul, watches=ws,
                                 max_steps=max_steps, max_events=max_events, **opts)

    if not error_estimate:
        return run_reduced(dps, options)
    return _with_reference(run_reduced, dps, options, error_estimate_parallel)


def _with_reference(run, dps, options, parallel):
    """The run at ``dps`` with its measured error (:mod:`gfcheck.numeric.estimate`): the reference
    run at ``dps + max(10, dps // 3)`` digits goes to the other core."""
    from .estimate import estimate_from_parts, run_with_reference, trajectory_difference

    # the reference run uses the engine's own order and step rule for its precision (an
    # ``order``/``tol_bits`` override is not carried over, so a truncated order is caught)
    ref_options = {k: v for k, v in options.items() if k not in ("order", "tol_bits")}
    tr, hi = run_with_reference(lambda: run(dps, options), lambda: run(dps + max(10, dps // 3), ref_options),
                                parallel=parallel)
    with mpmath.workprec(tr.work_bits):
        parts, mismatches = trajectory_difference(tr, hi)
        W = tr.final.W or ()
        scale = max([abs(v) for v in tr.final.a] + [abs(v) for row in tuple(tr.final.U) + tuple(W) for v in row])
        err = estimate_from_parts(parts, mismatches, scale)
    stats = dict(tr.stats)
    stats["error_estimate_dps"] = hi.dps
    stats["error_estimate_seconds"] = hi.stats.get("seconds")
    stats["error_estimate_parts"] = {k: mpmath.nstr(v, 3) for k, v in parts.items()}
    stats["error_estimate_mismatch"] = mismatches
    return Trajectory(engine=tr.engine, dps=tr.dps, work_bits=tr.work_bits, samples=tr.samples,
                      final=tr.final, events=tr.events, crossings=tr.crossings, error_estimate=err,
                      steps=tr.steps, stats=stats)
