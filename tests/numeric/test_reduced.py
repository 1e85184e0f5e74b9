"""The reduced engine: agreement with closed forms and the reference solutions, precision, events."""

from __future__ import annotations

import math
from fractions import Fraction as Fr

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numeric_helpers import (
    agreeing_digits,
    exit_time_linear,
    exits_problem,
    logistic_exact,
    logistic_problem,
    reactivation_problem,
    reference,
)
from strategies import valid_problems

from gfcheck.numeric import LossWatch, integrate, to_mpf, tolerance, weights_from
from gfcheck.numeric._reduced import integrate_reduced
from gfcheck.symbolic.errors import (
    InvalidInput,
    NotOrthogonal,
    StepCollapse,
    TooManyEvents,
)
from gfcheck.symbolic.problem import Problem

# -- reference problems -------------------------------------------------------------------


def test_reference_m8_30_digits():
    p, sol = reference(8)
    tr = integrate(p, dps=30, t_end=sol["T"], error_estimate=False)
    assert agreeing_digits(tr.final, sol) >= 29
    with mpmath.workprec(tr.work_bits):
        assert tr.final.t == to_mpf(sol["T"])
    kinds = {e.kind for e in tr.events}
    assert kinds == {"deactivate"}  # ReLU'(0) = 0: coordinates only leave


def test_reference_m8_perturbed_reference_is_detected():
    """Negative twin: a reference value moved by 1e-25 (relative) no longer agrees to 29 digits."""
    p, sol = reference(8)
    tr = integrate(p, dps=30, t_end=sol["T"], error_estimate=False)
    assert agreeing_digits(tr.final, sol, perturb=(0, "1e-25")) < 29


@pytest.mark.slow
@pytest.mark.parametrize("m", [64, 256])
def test_reference_large_30_digits(m):
    p, sol = reference(m)
    tr = integrate(p, dps=30, t_end=sol["T"], error_estimate=False)
    assert agreeing_digits(tr.final, sol) >= 29


def test_reference_m8_error_estimate_is_honest():
    p, sol = reference(8)
    tr = integrate(p, dps=20, t_end=sol["T"], error_estimate=True)
    digits = agreeing_digits(tr.final, sol)
    with mpmath.workdps(40):
        actual = mpmath.mpf(10) ** (-digits) * max(abs(mpmath.mpf(s)) for s in sol["a"])
    # the measured estimate is within a few orders of the true error, and small
    assert tr.error_estimate < mpmath.mpf(10) ** -20
    assert actual < 1000 * tr.error_estimate + mpmath.mpf(10) ** -28


# -- closed forms, precision ladder -----------------------------------------------------------


@pytest.mark.parametrize("dps", [15, 30, 50])
def test_logistic_closed_form(dps):
    p = logistic_problem()
    times = [Fr(1), Fr(5), Fr(10), Fr(20)]
    tr = integrate(p, dps=dps, t_end=20, times=times, error_estimate=False)
    for s, t in zip(tr.samples, times):
        a, u = logistic_exact(p, t)
        assert abs(s.a[0] - a) < tolerance(tr.work_bits - 24, 8)
        assert abs(s.U[0][0] - u) < tolerance(tr.work_bits - 24, 8)
        with mpmath.workprec(tr.work_bits):
            assert s.t == to_mpf(t)


def test_precision_ladder_slope():
    """The error against the closed form falls by about one digit per requested digit."""
    p = logistic_problem()
    T = Fr(12)
    a_ex, u_ex = logistic_exact(p, T, dps=120)
    ds, errs = [16, 24, 32, 40, 48], []
    for dps in ds:
        tr = integrate(p, dps=dps, t_end=T, error_estimate=False)
        with mpmath.workdps(130):
            errs.append(float(mpmath.log10(max(abs(tr.final.a[0] - a_ex), abs(tr.final.U[0][0] - u_ex)))))
    n = len(ds)
    mx, my = sum(ds) / n, sum(errs) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(ds, errs)) / sum((x - mx) ** 2 for x in ds)
    assert -1.3 < slope < -0.8, (slope, errs)
    assert all(e < -d for d, e in zip(ds, errs)), errs


def test_truncated_order_is_caught_by_the_error_estimate():
    """Negative twin: order 6 cannot give 30 digits; the measured estimate says so."""
    p = logistic_problem()
    T = Fr(12)
    a_ex, _ = logistic_exact(p, T)
    good = integrate(p, dps=30, t_end=T)
    bad = integrate(p, dps=30, t_end=T, order=6)
    true_bad = abs(bad.final.a[0] - a_ex)
    assert good.error_estimate < mpmath.mpf(10) ** -29
    assert bad.error_estimate > mpmath.mpf(10) ** -25
    assert true_bad > bad.error_estimate / 10 and true_bad < bad.error_estimate * 10


@pytest.mark.parametrize("exponent", [100, 200])
def test_tiny_scale_keeps_relative_accuracy(exponent):
    """lambda = 1e-100, 1e-200: each neuron's fixed-point resolution follows its own scale (relative
    accuracy), while the fixed-point bits stay those of the digits."""
    p = logistic_problem(lam=Fr(1, 10**exponent))
    T = Fr(30)
    tr = integrate(p, dps=30, t_end=T, error_estimate=False)
    assert tr.stats["scale_bits"] > 3.3 * exponent and tr.stats["fixed_point_bits"] < 3.4 * 30 + 64
    a, u = logistic_exact(p, T, dps=exponent + 100)
    assert abs(tr.final.U[0][0] / u - 1) < mpmath.mpf(10) ** -30
    assert abs(tr.final.a[0] / a - 1) < mpmath.mpf(10) ** -30


def test_a_decaying_neuron_keeps_its_relative_accuracy():
    """A wrongly signed lone neuron decays to nothing: ``a = -u``, ``du/dt = -u (u^2 + 1)``, so
    ``u(t) = 1 / sqrt((1 + 1/u0^2) e^(2t) - 1)``, about ``1e-174`` at ``t = 400``.  Each neuron is
    held at its own scale (the fixed point once ran out of bits here: PrecisionExhausted), so the
    run keeps 20 digits of it; the twin, the closed form read 2^-40 later, is off by far more."""
    p = Problem(inputs=((Fr(1),),), labels=(Fr(1),), width=1, scale=Fr(1), directions=((Fr(1),),),
                signs=(-1,))
    tr = integrate(p, dps=20, t_end=400, error_estimate=False)
    with mpmath.workdps(60):
        def exact(t):
            return 1 / mpmath.sqrt(2 * mpmath.exp(2 * t) - 1)
        u = tr.final.U[0][0]
        assert u < mpmath.mpf(10) ** -170 and abs(tr.final.a[0] + u) <= abs(u) * mpmath.mpf(10) ** -20
        assert abs(u / exact(400) - 1) < mpmath.mpf(10) ** -19
        assert abs(u / exact(400 + mpmath.mpf(2) ** -40) - 1) > mpmath.mpf(10) ** -14


# -- invariants --------------------------------------------------------------------------------


def _balance(problem, state):
    W = weights_from(problem, state)
    return [a * a - sum(w * w for w in row) for a, row in zip(state.a, W)]


def test_conservation_and_frozen_coordinates():
    p, sol = reference(8)
    times = [Fr(0), Fr(1), Fr(10), Fr(100), Fr(200)]
    tr = integrate(p, dps=30, t_end=sol["T"], times=times, error_estimate=False)
    tol = tolerance(tr.work_bits - 24, 8)
    deactivated = {(e.neuron, e.point) for e in tr.events}
    with mpmath.workprec(tr.work_bits):
        for s in tr.samples:
            # balanced start: a_j^2 - ||w_j||^2 = 0 for all t (relative to the largest ||w_j||^2)
            scale = max(1, max(a * a for a in s.a))
            assert max(abs(b) for b in _balance(p, s)) < tol * scale
            for j in range(p.m):
                assert mpmath.sign(s.a[j]) == p.signs[j]
        u0 = tr.samples[0].U
        for j in range(p.m):
            for k in range(p.n):
                if u0[j][k] < 0:  # never active: exactly frozen
                    assert all(s.U[j][k] == u0[j][k] for s in tr.samples)
                if (j, k) in deactivated:
                    assert tr.final.U[j][k] == 0
                    assert tr.samples[0].U[j][k] > 0


def test_conservation_violation_is_detected():
    """Negative twin: a perturbed a_j breaks the balance check."""
    p, sol = reference(8)
    tr = integrate(p, dps=30, t_end=200, times=[Fr(200)], error_estimate=False)
    s = tr.samples[0]
    j = max(range(p.m), key=lambda i: abs(s.a[i]))
    tol = tolerance(tr.work_bits - 24, 8)
    with mpmath.workprec(tr.work_bits):
        assert max(abs(b) for b in _balance(p, s)) < tol
        a_bad = list(s.a)
        a_bad[j] *= 1 + mpmath.mpf(10) ** -25
        bad = type(s)(s.t, tuple(a_bad), s.U, s.W)
        assert max(abs(b) for b in _balance(p, bad)) > tol


def test_unbalanced_start_conserves_the_imbalance():
    p0 = logistic_problem()
    p = Problem(inputs=p0.inputs, labels=p0.labels, width=1, scale=p0.scale, directions=p0.directions,
                signs=(1,), output_weights=(Fr(1, 100),))
    tr = integrate(p, dps=30, t_end=15, times=[Fr(0), Fr(15)], error_estimate=False)
    with mpmath.workprec(tr.work_bits):
        b0, b1 = (_balance(p, s)[0] for s in tr.samples)
        assert tr.samples[0].a[0] == mpmath.mpf(1) / 100
        assert abs(b1 - b0) < tolerance(tr.work_bits - 24, 8)
        assert abs(b0 - (mpmath.mpf(1) / 10**4 - mpmath.mpf(1) / 10**6)) < tolerance(tr.work_bits, 8)


# -- events ------------------------------------------------------------------------------------


def test_two_exits_in_one_step_match_the_linear_closed_form():
    """Two coordinates cross 0 about 1e-6 apart (inside one Taylor step): both found, both timed."""
    lam = Fr(1, 10**20)
    g0s = (Fr(1), Fr(1000001, 1000000))
    p = exits_problem(lam, g0s)
    tr = integrate(p, dps=30, t_end=5, error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in tr.events] == [(1, 0, "deactivate"), (0, 0, "deactivate")] \
        or [(e.neuron, e.point, e.kind) for e in tr.events] == [(0, 0, "deactivate"), (1, 0, "deactivate")]
    got = {e.neuron: e.t for e in tr.events}
    for j, g0 in enumerate(g0s):
        want = exit_time_linear(g0, Fr(2), lam)
        assert abs(got[j] - want) < mpmath.mpf(10) ** -28, (j, got[j], want)
    assert abs(got[0] - got[1]) < mpmath.mpf(10) ** -5
    assert tr.stats["h_max"] > 100 * float(abs(got[0] - got[1]))
    assert all(row[0] == 0 for row in tr.final.U)


def test_shifted_exit_time_is_detected():
    """Negative twin: an exit time off by 1e-20 fails the closed-form comparison."""
    lam = Fr(1, 10**20)
    p = exits_problem(lam, (Fr(1),))
    tr = integrate(p, dps=30, t_end=5, error_estimate=False)
    want = exit_time_linear(Fr(1), Fr(2), lam)
    assert abs(tr.events[0].t - want) < mpmath.mpf(10) ** -28
    assert abs(tr.events[0].t + mpmath.mpf(10) ** -20 - want) > mpmath.mpf(10) ** -28


def _residual(problem, state, k):
    y = mpmath.mpf(problem.labels[k].numerator) / problem.labels[k].denominator
    return sum(a * max(row[k], 0) for a, row in zip(state.a, state.U)) - y


def test_relu_prime_one_reactivates_both_directions():
    p1 = reactivation_problem(1)
    tr = integrate(p1, dps=30, t_end=40, error_estimate=False)
    kinds = [(e.neuron, e.point, e.kind) for e in tr.events]
    assert kinds[0] == (2, 1, "deactivate")
    assert (0, 1, "activate") in kinds and (2, 1, "activate") in kinds
    # at an activation the push -a_j r_k ||x_k||^2 / n changes sign: r_k = 0 there
    t_act = next(e.t for e in tr.events if e.kind == "activate")
    ref = integrate(p1, dps=40, t_end=40, times=[t_act], error_estimate=False)
    with mpmath.workdps(40):
        assert abs(_residual(p1, ref.samples[0], 1)) < mpmath.mpf(10) ** -28
    # the same data under ReLU'(0) = 0: the coordinate that left stays at 0, nobody re-enters
    tr0 = integrate(reactivation_problem(0), dps=30, t_end=40, error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in tr0.events] == [(2, 1, "deactivate")]
    assert tr0.final.U[2][1] == 0 and tr0.final.U[0][1] == 0
    assert tr.final.U[0][1] > 0
    # event times agree across precisions
    tr40 = integrate(p1, dps=40, t_end=40, error_estimate=False)
    for e, f in zip(tr.events, tr40.events):
        assert (e.neuron, e.point, e.kind) == (f.neuron, f.point, f.kind)
        assert abs(e.t - f.t) < mpmath.mpf(10) ** -28


def test_too_many_events():
    with pytest.raises(TooManyEvents, match="neuron"):
        integrate(reactivation_problem(1), dps=20, t_end=40, max_events=2, error_estimate=False)


# -- loss: until_loss and watches ------------------------------------------------------------


def _logistic_crossing(p, target, dps=80):
    with mpmath.workdps(dps):
        c = mpmath.mpf(p.inputs[0][0].numerator) / p.inputs[0][0].denominator
        y = mpmath.mpf(p.labels[0].numerator) / p.labels[0].denominator
        lam = mpmath.mpf(p.scale.numerator) / p.scale.denominator
        K, v0 = y * c, (lam * c) ** 2
        h = y - mpmath.sqrt(2 * mpmath.mpf(target.numerator) / target.denominator)  # n = 1
        v = c * h
        return mpmath.log(v * (K - v0) / (v0 * (K - v))) / (2 * K)


def test_until_loss_and_watch_crossing_times():
    p = logistic_problem()
    target = Fr(1, 10**6)
    want = _logistic_crossing(p, target)
    tr = integrate(p, dps=30, t_end=100, until_loss=target, error_estimate=False,
                   watches=[LossWatch("w", frozenset({0}), Fr(1, 10))])
    with mpmath.workdps(60):
        assert abs(tr.final.t - want) < mpmath.mpf(10) ** -28
        assert abs(tr.crossings["w"] - _logistic_crossing(p, Fr(1, 10))) < mpmath.mpf(10) ** -28
        # negative twin: the crossing of a target moved by 1e-20 is a different time
        assert abs(tr.final.t - _logistic_crossing(p, target * (1 + Fr(1, 10**20)))) > mpmath.mpf(10) ** -28
    assert tr.stats["stopped_on_loss"]


def test_watch_never_crossed_is_none():
    p = logistic_problem()
    tr = integrate(p, dps=20, t_end=1, watches=[LossWatch("w", frozenset({0}), Fr(1, 10**9))],
                   error_estimate=False)
    assert tr.crossings == {"w": None}


# -- interface ---------------------------------------------------------------------------------


def test_reduced_refuses_non_orthogonal_data():
    p = Problem(inputs=((Fr(1), Fr(0)), (Fr(1), Fr(1))), labels=(Fr(1), Fr(-1)), width=1, scale=Fr(1),
                directions=((Fr(1), Fr(1)),), signs=(1,))
    with pytest.raises(NotOrthogonal):
        integrate(p, engine="reduced", t_end=1)
    with pytest.raises(NotOrthogonal):
        integrate_reduced(p, t_end=Fr(1))


@pytest.mark.parametrize("bad", [dict(t_end=1.5), dict(t_end=1, times=[Fr(2)]),
                                 dict(t_end=1, times=[Fr(1, 2), Fr(1, 3)]), dict(t_end=1, engine="rk4")])
def test_bad_arguments_are_refused(bad):
    with pytest.raises(InvalidInput):
        integrate(logistic_problem(), **bad)


def test_samples_have_weights_and_exact_times():
    p, _ = reference(8)
    tr = integrate(p, dps=20, t_end=Fr(3), times=[Fr(0), Fr(1, 3), Fr(3)], error_estimate=False)
    with mpmath.workprec(tr.work_bits):
        assert [s.t for s in tr.samples] == [to_mpf(0), to_mpf(Fr(1, 3)), to_mpf(3)]
    s0 = tr.samples[0]
    assert len(s0.W) == p.m and len(s0.W[0]) == p.d
    with mpmath.workprec(tr.work_bits):
        for j in range(p.m):
            for i in range(p.d):
                g = p.directions[j][i]
                w0 = mpmath.mpf(p.scale.numerator) / p.scale.denominator * mpmath.mpf(g.numerator) / g.denominator
                assert abs(s0.W[j][i] - w0) < tolerance(tr.work_bits - 24, 8) * abs(w0)
    last = tr.samples[-1]
    assert all(abs(x - y) <= tolerance(tr.work_bits - 24, 8) for x, y in zip(last.a, tr.final.a))
    assert math.isfinite(tr.stats["seconds"])


@pytest.mark.slow
def test_reference_m8_at_lambda_1e_100():
    """The reference data at lambda = 1e-100 over a horizon ~ log(1/lambda): runs, and the measured
    error estimate agrees with a 45-digit run."""
    from dataclasses import replace

    p, _ = reference(8)
    p = replace(p, scale=Fr(1, 10**100))
    T = Fr(255) * 100 / 6 + 200
    tr = integrate(p, dps=30, t_end=T)
    hi = integrate(p, dps=45, t_end=T, error_estimate=False)
    with mpmath.workdps(60):
        diff = max(abs(x - y) for x, y in zip(tr.final.a, hi.final.a))
        assert diff < mpmath.mpf(10) ** -30
        assert tr.error_estimate < mpmath.mpf(10) ** -30
        assert diff < 100 * tr.error_estimate


# -- ReLU'(0) = 1: re-entry happens where the push is resolved, never as a chatter -----------

#: found by the property tests (n = 2, d = 3, norms 1 and 3, one-sign labels, seed 11): at
#: lambda = 1e-30 and 36 digits r_0 crosses 0 at t = 171.756...; without the resolution rule three
#: neurons with a_j < 0 re-entered on a push of 1e-68 and left one rounding later, forever
_CHATTER = {"schema": "gfcheck.problem/1", "inputs": [["1", "0", "0"], ["0", "3", "0"]],
            "labels": ["1", "1/2"], "width": 8, "relu_prime_at_zero": "1",
            "init": {"scale": "1e-30", "seed": 11}}


def _relu1_horizon(problem):
    """Past the fit: ``2 s_max log(1/lambda) + 200`` with ``s_max`` the slower escape slope."""
    from gfcheck.symbolic.predictions import data_predictions

    dp = data_predictions(problem)
    s_max = max(float(v) for v in (dp.escape_slope_plus, dp.escape_slope_minus) if v is not None)
    return Fr(math.ceil(2 * s_max * math.log(1 / problem.scale) + 200))


def _assert_no_chatter(tr):
    """Each coordinate's events come at strictly increasing times (no Zeno re-entry)."""
    last = {}
    for e in tr.events:
        key = (e.neuron, e.point)
        assert key not in last or e.t > last[key], f"{key} has two events at t = {e.t}"
        last[key] = e.t


def test_unresolved_push_does_not_chatter(monkeypatch):
    from gfcheck.numeric import _reduced
    from gfcheck.symbolic.problem import parse_problem

    p = parse_problem(_CHATTER)
    tr = integrate(p, dps=36, t_end=253, engine="reduced", error_estimate=False, max_events=300)
    _assert_no_chatter(tr)
    # the negative twin: re-entering on the push at the step start, resolved or not (the rule
    # before this fix: a push within the noise floor, whatever its sign, is taken as outward), chatters

    def eager(Q, floor, tau_max, F):
        return _reduced._ZERO if Q[0] <= floor else _reduced.first_root(Q, tau_max, F, skip_zero=True)

    monkeypatch.setattr(_reduced, "_reentry_root", eager)
    # the progress watchdog ends the chatter before max_events: the time does not advance
    with pytest.raises(StepCollapse, match="neuron") as info:
        integrate(p, dps=36, t_end=253, engine="reduced", error_estimate=False, max_events=300)
    assert info.value.kind == "events" and not info.value.proven and info.value.events


@pytest.mark.parametrize("engine", ["reduced", "full", "float64"])
@settings(max_examples=max(4, settings().max_examples // 4))
@given(problem=valid_problems(max_n=4), exponent=st.sampled_from([10, 30]), dps=st.sampled_from([20, 36]))
def test_relu_prime_one_never_chatters(engine, problem, exponent, dps):
    """Generated problems under ReLU'(0) = 1, integrated past the fit by every engine: each
    coordinate's events at distinct times, within a cap of 8 events per coordinate."""
    import dataclasses

    p = dataclasses.replace(problem, relu_prime_at_zero=1, scale=Fr(1, 10 ** exponent))
    tr = integrate(p, dps=dps, t_end=_relu1_horizon(p), engine=engine, error_estimate=False,
                   max_events=8 * p.m * p.n)
    _assert_no_chatter(tr)


def test_a_continued_run_is_the_same_flow_and_refuses_what_it_cannot_continue():
    """``integrate(..., start=state)`` continues a reduced run from its final state: joined, the two
    give the run from 0 to the engine's promise; a run under ReLU'(0) = 1 (a state does not record a
    coordinate active at 0), sample times before the start and another engine are refused (exit 2).
    The twin: a start moved by 2^10 promises is seen at the end."""
    import dataclasses

    from gfcheck.numeric import State
    from gfcheck.numeric.precision import bits_for_dps, tolerance

    p, _ = reference(8)
    whole = integrate(p, dps=30, t_end=60, times=(Fr(20), Fr(60)), error_estimate=False)
    first = integrate(p, dps=30, t_end=20, times=(Fr(20),), error_estimate=False)
    start = State(Fr(20), first.final.a, first.final.U)
    both = first.joined(integrate(p, dps=30, t_end=60, times=(Fr(60),), start=start, error_estimate=False))
    tol = tolerance(bits_for_dps(30), 12) * (1 + whole.scale)
    with mpmath.workdps(60):
        def gap(run):
            return max(abs(x - y) for x, y in zip(run.final.a + sum(run.final.U, ()),
                                                   whole.final.a + sum(whole.final.U, ())))
        assert gap(both) <= tol and [s.t for s in both.samples] == [s.t for s in whole.samples]
        moved = State(start.t, (start.a[0] + 2 ** 10 * tol,) + start.a[1:], start.U)
        twin = integrate(p, dps=30, t_end=60, start=moved, error_estimate=False)
        assert gap(twin) > tol
    with pytest.raises(InvalidInput, match="ReLU'\\(0\\) = 0 only"):
        integrate(dataclasses.replace(p, relu_prime_at_zero=1), dps=30, t_end=60, start=start, error_estimate=False)
    with pytest.raises(InvalidInput, match="at or after start.t"):
        integrate(p, dps=30, t_end=60, times=(Fr(10),), start=start, error_estimate=False)
    with pytest.raises(InvalidInput, match="only the reduced engine"):
        integrate(p, dps=30, t_end=60, start=start, engine="full", error_estimate=False)
    with pytest.raises(InvalidInput, match="must start where the first ends"):
        both.joined(first)
