"""The full engine on the separable two-direction model (reconstructed after Wang and Ma 2023):
exponential and logistic losses, copies of two inputs, Filippov sliding.

* (a) agreement with an independent float64 Filippov integrator of the reduced ``(a, u, v)``
  system (``separable_reference.py``) on generated problems; the tolerance is that integrator's
  own measured accuracy (rtol 1e-10 against 1e-12) plus its rounding floor;
* (b) plain gradient descent (``sigma'(0) = 0``) converges to the engine's flow at first order in
  the step (a rate, not a value);
* (c) ``a_j^2 - ||w_j||^2`` is conserved, also through sliding;
* (d) every check has a negative twin: a dropped cross term, a wrong loss derivative, a
  non-conserved quantity, a wrong recurrence are detected;
* (e) the Taylor series of the exponential and logistic weights against mpmath at 60 digits;
* (f) opposite inputs (``x`` and ``-x``) share one activation boundary: a neuron slides on it
  with Filippov's combination of the two sides, and gradient descent converges to that motion.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings

from gfcheck.numeric import integrate
from gfcheck.numeric._losses import LossSeries, group_inputs, make_atoms
from gfcheck.numeric.examples import separable_problem
from gfcheck.numeric.result import loss_at
from gfcheck.numeric.precision import Precision, to_mpf
from gfcheck.symbolic.problem import parse_problem
from separable_reference import Reference, two_point_data
from strategies import separable_inputs, separable_problems

T_END = 20
TIMES = (F(5), F(10), F(20))
EPS = np.finfo(float).eps


def _engine_states(problem, tr):
    _, _, plus, minus, *_ = two_point_data(problem)
    return [np.array([float(x) for x in s.a] + [float(r[plus[0]]) for r in s.U]
                     + [float(r[minus[0]]) for r in s.U]) for s in tr.samples]


def _reference_states(problem, **kw):
    out, _ = Reference(problem, **kw).run(float(T_END), [float(t) for t in TIMES])
    return [out[float(t)] for t in TIMES]


def _tolerance(problem, ref):
    """The reference's accuracy, measured: 10 x |rtol 1e-10 run - rtol 1e-12 run|, plus the
    rounding floor of T / h_min ~ T steps of 64 eps on the largest state entry."""
    loose = _reference_states(problem, rtol=1e-10)
    scale = max(1.0, max(float(np.max(np.abs(r))) for r in ref))
    return 10 * max(float(np.max(np.abs(x - y))) for x, y in zip(loose, ref)) + T_END * 64 * EPS * scale


def _gap(engine, ref):
    return max(float(np.max(np.abs(x - y))) for x, y in zip(engine, ref))


def _default_like(loss="exponential", m=6, seed=3, t=F(1, 10), n_plus=7, n_minus=3, scale="1/100"):
    xp, xm = separable_inputs(t, 2)
    return parse_problem({"schema": "gfcheck.problem/1",
                          "inputs": [[str(v) for v in xp]] * n_plus + [[str(v) for v in xm]] * n_minus,
                          "labels": ["1"] * n_plus + ["-1"] * n_minus, "width": m,
                          "init": {"scale": scale, "seed": seed}, "loss": loss})


# -- (a) an independent Filippov integrator ------------------------------------------------------
@given(separable_problems())
def test_agrees_with_an_independent_filippov_integrator(problem):
    tr = integrate(problem, dps=20, t_end=T_END, times=TIMES, error_estimate=False)
    ref = _reference_states(problem)
    assert _gap(_engine_states(problem, tr), ref) <= _tolerance(problem, ref)


@pytest.mark.parametrize("loss", ["exponential", "logistic"])
def test_twin_a_dropped_cross_term_or_a_wrong_loss_derivative_is_detected(loss):
    problem = _default_like(loss)
    tr = integrate(problem, dps=20, t_end=T_END, times=TIMES, error_estimate=False)
    assert any(e.kind == "slide-in" for e in tr.events)  # the problem exercises sliding
    eng = _engine_states(problem, tr)
    ref = _reference_states(problem)
    tol = _tolerance(problem, ref)
    assert _gap(eng, ref) <= tol
    other = "logistic" if loss == "exponential" else "exponential"
    for kw in ({"cross": False}, {"loss": other}, {"loss": "square-weight"}):
        assert _gap(eng, _reference_states(problem, **kw)) > 1e3 * tol, kw


def test_copies_switch_together_and_every_copy_has_its_event():
    problem = _default_like(m=6, seed=3)
    tr = integrate(problem, dps=20, t_end=T_END, error_estimate=False)
    by = {}
    for e in tr.events:
        by.setdefault((e.t, e.neuron, e.kind), set()).add(e.point)
    plus = set(range(7))
    minus = set(range(7, 10))
    assert by and all(pts in (plus, minus) for pts in by.values())
    for row in tr.final.U:  # copies have equal coordinates
        assert len({row[k] for k in plus}) == 1 and len({row[k] for k in minus}) == 1


# -- (b) gradient descent, first order in the step --------------------------------------------
def _gd_state(problem, t_end, steps, *, weight=None):
    """Plain gradient descent on (a, W) with sigma'(0) = 0, float64; ``(a, W)`` at t_end.
    ``-dL/dh_k`` is ``y_k w(y_k h_k) / n`` with the loss's weight ``w`` (or ``weight``), and
    ``(y_k - h_k) / n`` for the square loss."""
    X = np.array([[float(v) for v in x] for x in problem.inputs])
    y = np.array([float(v) for v in problem.labels])
    lam = float(problem.scale)
    W = lam * np.array([[float(v) for v in g] for g in problem.directions])
    a = np.array(problem.signs, dtype=float) * np.linalg.norm(W, axis=1)
    n = len(y)
    w = weight or {"exponential": lambda z: np.exp(-z), "logistic": lambda z: 1 / (1 + np.exp(z)),
                   "square": None}[problem.loss]
    eta = t_end / steps
    for _ in range(steps):
        U = W @ X.T                                  # m x n
        act = (U > 0).astype(float)
        h = a @ (act * U)
        rho = (y - h) / n if w is None else y * w(y * h) / n   # -dL/dh
        a, W = a + eta * (act * U) @ rho, W + eta * a[:, None] * ((act * rho) @ X)
    return a, W


def _gd_loss(problem, t_end, steps, *, weight=None):
    """The loss at t_end of :func:`_gd_state` (exponential or logistic loss)."""
    a, W = _gd_state(problem, t_end, steps, weight=weight)
    X = np.array([[float(v) for v in x] for x in problem.inputs])
    y = np.array([float(v) for v in problem.labels])
    z = y * (a @ (np.maximum(W @ X.T, 0)))
    return float(np.mean(np.exp(-z) if problem.loss == "exponential" else np.log1p(np.exp(-z))))


@pytest.mark.parametrize("loss", ["exponential", "logistic"])
def test_gradient_descent_converges_at_first_order_in_the_step(loss):
    """Up to T = 10 the problem only slides in: every halving of the step halves the error.
    Up to T = 30 it also slides out and in again (GD chatters across the boundary, so its exit
    times carry O(eta) jitter): the average rate over four halvings is first order."""
    problem = _default_like(loss)

    def flow_loss(T):
        tr = integrate(problem, dps=20, t_end=T, error_estimate=False)
        with Precision(20).scope():
            return float(loss_at(problem, tr.final)[0]), {e.kind for e in tr.events}

    L10, kinds = flow_loss(10)
    assert kinds == {"slide-in"}
    errs = [abs(_gd_loss(problem, 10, N) - L10) for N in (500, 1000, 2000)]
    rates = [math.log2(errs[i] / errs[i + 1]) for i in range(2)]
    assert all(0.8 <= r <= 1.2 for r in rates), (errs, rates)
    L30, kinds = flow_loss(30)
    assert {"slide-in", "slide-out"} <= kinds
    e_coarse, e_fine = (abs(_gd_loss(problem, 30, N) - L30) for N in (1500, 24000))
    assert 0.7 <= math.log2(e_coarse / e_fine) / 4 <= 1.5, (e_coarse, e_fine)
    # twin: a wrong loss derivative (the square loss's y - h) does not converge to the flow
    bad = [abs(_gd_loss(problem, 10, N, weight=lambda z: 1 - z) - L10) for N in (500, 1000, 2000)]
    assert bad[2] > 10 * errs[2] and math.log2(bad[1] / bad[2]) < 0.3, bad


# -- (c) conservation -------------------------------------------------------------------------
@settings(max_examples=max(3, settings().max_examples // 4))
@given(separable_problems(max_d=5))
def test_balance_is_conserved_also_through_sliding(problem):
    dps = 20
    tr = integrate(problem, dps=dps, t_end=T_END, error_estimate=False)
    prec = Precision(dps)
    with prec.scope():
        for j, (a, w, g) in enumerate(zip(tr.final.a, tr.final.W, problem.directions)):
            start = to_mpf(2 * problem.scale**2 * sum(v * v for v in g))  # a^2 + ||w||^2 at t = 0
            scale = a * a + mpmath.fsum(v * v for v in w)
            drift = a * a - mpmath.fsum(v * v for v in w)  # 0 at t = 0 (balanced)
            # working precision on the scale, with 2^24 for the rounding of up to 10^4 Taylor steps
            assert abs(drift) <= mpmath.mpf(2) ** (-prec.bits + 24) * max(scale, start), (j, drift)
            # twin: a^2 + ||w||^2 is not conserved when the neuron moved
            if abs(scale - start) > 1e-6 * start:
                assert abs(scale - start) > 1e6 * abs(drift)


# -- (e) the series against mpmath ---------------------------------------------------------------
@pytest.mark.parametrize("loss", ["exponential", "logistic"])
@pytest.mark.parametrize("wrong", [False, True])
def test_weight_series_against_mpmath(loss, wrong):
    """R(t) = -y c w(y c h(t)) for a polynomial h(t), summed at tau = 1/8 at 60 digits."""
    with mpmath.workdps(70):
        hcoef = [mpmath.mpf(v) for v in ("0.3", "-1.1", "0.7", "0.25", "-0.05")]
        order = 140
        hser = hcoef + [mpmath.mpf(0)] * (order + 1 - len(hcoef))
        y, c = mpmath.mpf(-1), mpmath.mpf(3) / 2
        groups = group_inputs([(F(2), F(0)), (F(3), F(0))])  # one group, c = 3/2 for the second
        atoms = [(g, cnt, mpmath.mpf(cc.numerator) / cc.denominator, y, pts)
                 for g, cnt, cc, _, pts in make_atoms(loss, [g[1] for g in groups], [F(-1), F(-1)])]
        ls = LossSeries(loss, atoms, 1, 2)
        ls.start()
        R = [ls.coef(0, i, hser) for i in range(order + 1)]
        tau = mpmath.mpf(1) / 8
        h = mpmath.polyval(list(reversed(hcoef)), tau)
        w = (lambda z: mpmath.exp(-z)) if loss == "exponential" else (lambda z: 1 / (1 + mpmath.exp(z)))
        exact = -(y * w(y * h) + y * c * w(y * c * h))
        if wrong:  # twin: the recurrence with the wrong sign (E' = +z'E) is detected
            R[1] = -R[1]
        got = mpmath.fsum(r * tau**i for i, r in enumerate(R))
        err = abs(got - exact)
        if wrong:
            assert err > mpmath.mpf(10) ** -5
        else:
            assert err < mpmath.mpf(10) ** -60
        # the loss series too: L(t) = (1/2)(ell(y h) + ell(y c h))
        ell = (lambda z: mpmath.exp(-z)) if loss == "exponential" else (lambda z: mpmath.log1p(mpmath.exp(-z)))
        Ls = ls.loss_series(None, order)
        assert abs(mpmath.fsum(v * tau**i for i, v in enumerate(Ls)) - (ell(y * h) + ell(y * c * h)) / 2) \
            < mpmath.mpf(10) ** -60


# -- the default problem ------------------------------------------------------------------------
def test_default_separable_problem_slides_and_records_its_loss(tmp_path):
    from gfcheck.numeric.result import load_result
    from gfcheck.cli import main

    problem = separable_problem()
    p, c, *_ = two_point_data(problem)
    assert p == 0.7 and p * c > 1 - p  # (A1)
    src = tmp_path / "p.json"
    from gfcheck.symbolic.problem import problem_to_json
    import json

    src.write_text(json.dumps(problem_to_json(problem)))
    out = tmp_path / "r.json"
    assert main(["simulate", str(src), "--out", str(out), "--t-end", "40", "--dps", "20", "--grid", "4",
                 "--no-error-estimate"]) == 0
    doc = load_result(out)
    assert doc["loss"] == "exponential"
    kinds = {e["kind"] for e in doc["events"]}
    assert {"slide-in", "slide-out", "deactivate"} <= kinds


# -- (f) opposite inputs: one boundary, two sides ---------------------------------------------------
def _opposite_problem(loss, seed, scale="1/100"):
    """``x_0 = e_1``, ``x_1 = -e_1`` (the same label) and ``x_2 = (1, 2)`` (across the boundary): a neuron that reaches
    ``<w, e_1> = 0`` has point 0 on one side and point 1 on the other."""
    return parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["-1", "0"], ["1", "2"]],
                          "labels": ["1", "1", "-1"], "width": 6, "loss": loss,
                          "init": {"scale": scale, "seed": seed}})


def _first_order_against_gd(problem, T=10):
    """Gradient descent's error is O(eta), but on a sliding boundary it chatters from side to
    side, so the error is not smooth in eta (one halving can gain 0.3 or 1.4 bits): the rate is
    averaged over a 16-fold refinement and must be first order, nearer 1 than the neighbouring
    orders 0 and 2.  Returns (ok, the flow, details)."""
    tr = integrate(problem, dps=20, t_end=T, error_estimate=False)
    fa = np.array([float(v) for v in tr.final.a])
    fW = np.array([[float(v) for v in row] for row in tr.final.W])
    errs = []
    for steps in (1000, 16000):
        a, W = _gd_state(problem, T, steps)
        errs.append(max(np.abs(a - fa).max(), np.abs(W - fW).max()))
    rate = math.log2(errs[0] / errs[1]) / 4
    return abs(rate - 1) < 0.5, tr, (errs, rate)


@pytest.mark.parametrize("loss", ["square", "exponential", "logistic"])
@pytest.mark.parametrize("seed", [1, 2])
def test_opposite_inputs_slide_on_their_shared_boundary(loss, seed):
    ok, tr, details = _first_order_against_gd(_opposite_problem(loss, seed))
    slid = {(e.neuron, e.point) for e in tr.events if e.kind == "slide-in"}
    # the shared boundary is one constraint, carried by the lower index: slides on x_0, never on x_1
    assert any(k == 0 for _, k in slid) and not any(k == 1 for _, k in slid), slid
    assert ok, details


@pytest.mark.parametrize("seed", [1, 2])
def test_twin_without_the_shared_boundary_the_motion_is_wrong_or_fails(monkeypatch, seed):
    """The rule removed (each side its own constraint): the engine either stops on the
    dependent constraints (IntegrationFailed) or takes a wrong side, and gradient descent no
    longer converges to its motion."""
    from gfcheck.numeric import _full
    from gfcheck.symbolic.errors import IntegrationFailed

    monkeypatch.setattr(_full._FullEngine, "opposite_at_zero", lambda self, j, k: None)
    try:
        ok, _, details = _first_order_against_gd(_opposite_problem("square", seed))
    except IntegrationFailed as exc:
        assert "singular" in str(exc)
        return
    assert not ok, details
