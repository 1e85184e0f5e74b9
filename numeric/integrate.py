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

from ._fixed import exact_fraction
from .precision import Precision
from .trajectory import LossWatch, Trajectory

__all__ = ["integrate", "ENGINES"]

ENGINES = ("auto", "reduced", "full", "float64")


def check_args(problem, t_end, times=(), until_loss=None, watches=()):
    """Validate and make exact the arguments shared by every engine -> ``(T, ts, ul, ws)``."""
    T = exact_fraction(t_end, where="t_end")
    if T < 0:
        raise InvalidInput(f"t_end: expected a non-negative horizon, found {T}")
    ts = [exact_fraction(s, where=f"times[{i}]") for i, s in enumerate(times)]
    for i, s in enumerate(ts):
        if s < 0 or s > T:
            raise InvalidInput(f"times[{i}] = {s}: sample times must lie in [0, t_end = {T}]")
        if i and s < ts[i - 1]:
            raise InvalidInput(f"times[{i}] = {s}: sample times must be sorted (previous {ts[i - 1]})")
    ul = None
    if until_loss is not None:
        ul = exact_fraction(until_loss, where="until_loss")
        if ul < 0:
            raise InvalidInput(f"until_loss: expected a non-negative loss level, found {ul}")
    ws = []
    for w in watches:
        if not isinstance(w, LossWatch):
            raise InvalidInput(f"watches: expected LossWatch objects, found {type(w).__name__}")
        pts = frozenset(w.points)
        bad = [k for k in pts if not isinstance(k, int) or not 0 <= k < problem.n]
        if bad:
            raise InvalidInput(f"LossWatch {w.name!r}: points {bad} are not indices 0..{problem.n - 1}")
        ws.append(LossWatch(w.name, pts, exact_fraction(w.target, where=f"LossWatch {w.name!r}.target")))
    names = [w.name for w in ws]
    if len(set(names)) != len(names):
        raise InvalidInput(f"watches: names must be unique, found {names}")
    return T, ts, ul, ws


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


