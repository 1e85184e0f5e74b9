"""``gfcheck simulate PROBLEM --out RESULT``: integrate a problem file, write a result file.

::

    gfcheck simulate P.json --out R.json [--dps N] [--t-end T | --until-fitted] [--grid K]
                                         [--engine auto|reduced|full|float64]

* ``--t-end T``: an exact number string (``"255.44"``, ``"1e3"``, ``"511/2"``), never a float.
* ``--until-fitted``: stop when ``L <= L(0) * 2^(-2 b + 8)`` with ``b`` the requested bits
  (the square of the residual resolution, with 4 guard bits on the residual): the loss is
  fitted to the working precision.  The horizon cap is ``2 * horizon`` where
  ``horizon = 4 n log(1/lambda) / min ||D_+-||`` (the benchmark horizon; digest 4.2 puts the
  slower escape at ``n log(1/lambda) / min ||D_+-||``); the result says whether it fitted.
* ``--grid K``: ``K + 1`` equally spaced exact sample times on ``[0, T]``.

Before any work the problem's loss must be one the chosen engine integrates (``"square"``
everywhere; ``"exponential"`` and ``"logistic"`` on the full engine, which ``auto`` picks for
them: ``--engine reduced|float64`` refuses them with ``UnsupportedLoss``; ``--until-fitted`` needs
the square loss, since the other two are never fitted at a finite time), the output
must be writable (``OutputError``: a folder, a path under a regular file, a read-only folder),
and :func:`preflight` estimates the number of Taylor steps from the fastest rate
of the flow and refuses (``ResourceLimit``) a problem that cannot finish, saying what it would
need; the precision is raised for tiny scales by the engine itself (its fixed-point resolution
follows ``lambda``; the result states ``work_bits``).  The error estimate is measured (a reference
run with more digits, on the other core, compared on the final state, the grid, the events:
:mod:`gfcheck.numeric.estimate`) unless ``--no-error-estimate`` (then ``"unmeasured"``, every digit
written).  Nothing is written unless the run completes: the result file
is written atomically at the end.  Progress goes to stderr.
"""

from __future__ import annotations

import math
from fractions import Fraction

from gfcheck.symbolic.files import check_output_file
from gfcheck.symbolic.errors import InvalidInput, ResourceLimit
from gfcheck.symbolic.problem import load_problem, parse_number

from .precision import Precision

__all__ = ["run_simulate", "preflight", "default_horizon", "fitted_level"]

#: Taylor steps that one run may take (the engines' own default ``max_steps``)
MAX_STEPS = 10**6
#: the digits the command line accepts (``--dps``)
CLI_DPS = (10, 5000)


def _norm(v) -> float:
    return math.sqrt(float(sum(x * x for x in v)))


def _rates(problem):
    """``(rho_early, rho_late)``: the fastest rates of the flow (float bounds, for planning).

    Early phase: ``||D||/n`` with ``||D||^2 = sum_k y_k^2 ||x_k||^2`` (digest 3.1).  Near the
    interpolator: ``a^2 ||x_k||^2 / n`` with ``a^2 <= ||beta_+|| + ||beta_-||`` and
    ``||beta||^2 = sum_k y_k^2 / ||x_k||^2`` (digest 5.1): the stiffest mode.
    """
    n = problem.n
    q = [float(v) for v in problem.norms_squared()]
    y = [float(v) for v in problem.labels]
    D = math.sqrt(sum(yk * yk * qk for yk, qk in zip(y, q)))
    beta = math.sqrt(sum(yk * yk / qk for yk, qk in zip(y, q)))
    return D / n, beta * max(q) / n, min(abs(yk) * math.sqrt(qk) for yk, qk in zip(y, q)) / n


def default_horizon(problem) -> Fraction:
    """``4 n log(1/lambda) / min ||D_+-||`` (rounded up to an integer; empty groups skipped)."""
    n = problem.n
    groups = [[k for k in range(n) if s * problem.labels[k] > 0] for s in (1, -1)]
    Dn = [math.sqrt(float(sum(problem.labels[k] ** 2 * problem.norms_squared()[k] for k in g)))
          for g in groups if g]
    log_inv = max(1.0, -math.log(problem.scale.numerator) + math.log(problem.scale.denominator))
    return Fraction(math.ceil(4 * n * log_inv / min(Dn)))


def fitted_level(problem, dps: int) -> Fraction:
    """``L(0) * 2^(-2 b + 8)``, ``b`` the bits of ``dps`` digits: the loss fitted at working precision."""
    from .precision import bits_for_dps

    L0 = sum(y * y for y in problem.labels) / (2 * problem.n)
    return L0 / Fraction(2) ** (2 * bits_for_dps(dps) - 8)


def preflight(problem, t_end, max_steps: int = MAX_STEPS) -> dict:
    """Refuse, before any work, a run that cannot finish; return the plan otherwise.

    The Taylor step is bounded by the fastest rate ``rho`` of the flow (see :func:`_rates`),
    so ``t_end * rho`` is a lower bound on the number of steps.  Above ``max_steps`` the run
    is refused with :class:`ResourceLimit`, naming the rates and the remedy.

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1e50", "0"], ["0", "1e-50"]],
    ...     "labels": ["1", "-1"], "width": 1, "init": {"scale": "1e-3", "directions": [["1", "1"]],
    ...     "signs": [1]}})
    >>> preflight(p, 10)
    Traceback (most recent call last):
    ...
    gfcheck.errors.ResourceLimit: the flow's fastest rate is about 5e+149 per time unit ...
    """
    rho_early, rho_late, rho_slow = _rates(problem)
    # exponential / logistic: the weights |rho_k| <= |y_k| / n while the data are fitted, so the
    # early rate bounds the field (the square loss's stiff interpolation mode does not exist)
    rho = max(rho_early, rho_late) if problem.loss == "square" else rho_early
    steps = float(t_end) * rho
    if steps > max_steps:
        raise ResourceLimit(
            f"the flow's fastest rate is about {rho:.3g} per time unit (slowest {rho_slow:.3g}: "
            f"input norms and labels span a ratio of {rho / rho_slow:.3g}), so t_end = {float(t_end):.4g} "
            f"needs at least {steps:.3g} Taylor steps (limit {max_steps}); rescale the data (the flow "
            "is invariant under x -> c x, lambda -> lambda / sqrt(c), t -> t / c, digest section 6 C0) "
            "or shorten --t-end"
        )
    return {"rho": rho, "steps_lower_bound": steps}


def _say(msg: str, b=None) -> None:
    from gfcheck.symbolic.progress import note

    note(f"gfcheck simulate: {msg}", b)


def _check_options(problem, *, engine, until_fitted, dps, grid, max_events) -> Precision:
    """Refuse (InvalidInput) the options the problem or the command does not take: a reduced or
    float64 engine for another loss than the square, ``--until-fitted`` for a loss never fitted, a
    ``--grid`` outside ``[1, 100000]``, a ``--max-events`` that is not a positive integer; returns
    the precision of ``dps`` (checked)."""
    if engine in ("reduced", "float64"):
        problem.require_square_loss(f"--engine {engine}", elsewhere="full")
    if until_fitted and problem.loss != "square":
        raise InvalidInput(f"--until-fitted: the {problem.loss} loss is positive at every finite time "
                           "(it is never fitted); give the horizon with --t-end instead")
    precision = Precision.checked(dps, where="--dps", limits=CLI_DPS)
    if isinstance(grid, bool) or not isinstance(grid, int) or not 1 <= grid <= 100_000:
        raise InvalidInput(f"--grid: expected an integer in [1, 100000], found {grid!r}")
    if max_events is not None and (isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 1):
        raise InvalidInput(f"--max-events: expected a positive integer, found {max_events!r}")
    return precision


def _horizon(problem, t_end, until_fitted, dps):
    """``(T, until)``: the horizon ``t_end`` (a positive number string), else twice
    :func:`default_horizon`; ``until`` the loss level :func:`fitted_level` that stops the run,
    with ``until_fitted`` and no ``t_end`` (None else)."""
    until = None
    if t_end is not None:
        T = parse_number(t_end, where="--t-end")
        if T <= 0:
            raise InvalidInput(f"--t-end: expected a positive horizon, found {t_end!r}")
    else:
        T = 2 * default_horizon(problem)
        if until_fitted:
            until = fitted_level(problem, dps)
    return T, until


def _engine_options(problem, engine, max_events) -> dict:
    """The integration's options: no sample weights on the square loss with the float64 engine
    or the reduced one (chosen or automatic, orthogonal inputs with ``n <= d``); ``max_events``
    when given."""
    options = {"sample_weights": False} if problem.loss == "square" and (
        engine == "float64" or engine in ("auto", "reduced") and problem.is_orthogonal()
        and problem.n <= problem.d) else {}
    if max_events is not None:
        options["max_events"] = max_events
    return options


def run_simulate(problem_path, out, *, dps: int = 30, t_end=None, until_fitted: bool = False,
                 grid: int = 64, engine: str = "auto", error_estimate: bool = True,
                 max_events: int | None = None, max_time=None) -> int:
    """The ``simulate`` command (see the module docstring); returns the exit status.

    ``t_end`` is an exact number string (or None: twice :func:`default_horizon`, and with
    ``until_fitted`` the run stops at :func:`fitted_level`); the other arguments are those of
    :func:`gfcheck.numeric.integrate`.  Exit status 0, or 1 when ``until_fitted`` was asked and
    the horizon cap came first.  ``max_time`` bounds the whole run in seconds (None or 0: no
    bound); past it the run ends with :class:`~gfcheck.symbolic.errors.TimeBudgetSpent` (exit 3)
    and writes nothing."""
    from gfcheck.numeric import integrate
    from gfcheck.symbolic.budget import Budget, time_limit

    from .result import result_document, write_result

    budget = Budget.of(max_time)
    problem = load_problem(problem_path)
    precision = _check_options(problem, engine=engine, until_fitted=until_fitted, dps=dps, grid=grid,
                               max_events=max_events)
    T, until = _horizon(problem, t_end, until_fitted, dps)
    preflight(problem, T)
    check_output_file(out, "--out")
    times = tuple(T * i / grid for i in range(grid + 1))
    _say(f"n = {problem.n}, d = {problem.d}, m = {problem.m}, lambda = {float(problem.scale):.3g}, "
         f"t_end = {float(T):.6g}, {dps} digits, engine {engine}")
    options = _engine_options(problem, engine, max_events)
    from gfcheck.symbolic.progress import bar, heartbeat, ticking

    spent = (f"{budget.describe()} was spent while integrating; nothing was written: rerun with a larger "
             "--max-time, a shorter --t-end or fewer --dps") if budget.bounded else ""

    def status():
        left = f", {budget.remaining():.0f} s of --max-time left" if budget.bounded else ""
        return f"integrating to t = {float(T):.6g} ({budget.elapsed():.0f} s elapsed{left})"

    with bar(None, "simulate (integrating)", unit="run") as b, ticking(b), heartbeat("gfcheck simulate:", status, b), \
            time_limit(budget.remaining(), spent):
        tr = integrate(problem, precision=precision, t_end=T, times=times, until_loss=until, engine=engine,
                       error_estimate=error_estimate, **options)
    if tr.stats.get("error_estimate_mismatch"):
        _say("warning: the reference run of the error estimate differs in "
             + "; ".join(tr.stats["error_estimate_mismatch"])
             + ": the estimate vouches for no digit; rerun with more --dps")
    fitted = None
    if until_fitted:
        fitted = bool(tr.stats.get("stopped_on_loss"))
    doc = result_document(problem, tr, t_end=T, dps=dps, fitted=fitted)
    write_result(out, doc)
    _say(f"{len(tr.events)} events, {tr.steps} steps, measured error {doc['error_estimate']}"
         + ("" if fitted is None else (", fitted" if fitted else ", NOT fitted by the horizon cap"))
         + f" -> {out}")
    return 0 if fitted in (None, True) else 1
