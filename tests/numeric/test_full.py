"""The full engine: agreement with the reduced engine, invariants, closed forms, sliding, errors."""

from __future__ import annotations

from fractions import Fraction as Fr

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from budget import examples
from numeric_helpers import (
    agreeing_digits,
    exit_time_linear,
    exits_problem,
    logistic_exact,
    logistic_problem,
    reactivation_problem,
    reference,
)

from gfcheck.numeric import LossWatch, Precision, integrate, to_mpf, tolerance, weights_from
from gfcheck.numeric._fixed import exact_fraction
from gfcheck.numeric._full import integrate_full
from gfcheck.symbolic.errors import IntegrationFailed, InvalidInput, TooManyEvents
from gfcheck.symbolic.problem import Problem

# -- problems ----------------------------------------------------------------------------------


def _two_points_orthogonal():
    return Problem(inputs=((Fr(1), Fr(0)), (Fr(0), Fr(1))), labels=(Fr(1), Fr(-1)), width=2,
                   scale=Fr(1, 1000), directions=((Fr(1), Fr(1)), (Fr(1), Fr(1))), signs=(1, -1))


#: x_0 = (1, 0, 0), x_1 = (1/2, 1, 0): <x_0, x_1> = 1/2, ||x_1||^2 = 5/4; the third axis is
#: outside span{x_k} (P_perp w_j must stay frozen)
X_SLIDE = ((Fr(1), Fr(0), Fr(0)), (Fr(1, 2), Fr(1), Fr(0)))


def _slider(lam=Fr(1, 1000)):
    """One positive neuron active on both points; y = (1, -1).  In the linear phase
    D = x_0 - x_1 pushes u_01 down (<D, x_1> = -3/4) while, at u_01 = 0, the inactive side
    pushes it up (<y_0 x_0, x_1> = 1/2 > 0): the trajectory slides with alpha = 2/5."""
    return Problem(inputs=X_SLIDE, labels=(Fr(1), Fr(-1)), width=1, scale=lam,
                   directions=((Fr(1), Fr(1), Fr(1, 3)),), signs=(1,))


def _slider_out():
    """The slider plus a negative neuron: it fits point 1 first, so r_1 -> 0 and the sliding
    weight alpha_01 = -(2/5) r_0 / r_1 passes 1 (slide-out to active)."""
    return Problem(inputs=X_SLIDE, labels=(Fr(1), Fr(-1)), width=2, scale=Fr(1, 1000),
                   directions=((Fr(1), Fr(1), Fr(1, 3)), (Fr(-4), Fr(8), Fr(1))), signs=(1, -1))


ORTHOGONAL = {
    "two-points": (_two_points_orthogonal, 60),
    "exits": (lambda: exits_problem(lam=Fr(1, 10**5)), 30),
    "reactivation-rp1": (lambda: reactivation_problem(1), 20),
    "reactivation-rp0": (lambda: reactivation_problem(0), 20),
}


def _maxdiff(xs, ys):
    return max((abs(x - y) for x, y in zip(xs, ys)), default=mpmath.mpf(0))


def _flat(state):
    return list(state.a) + [v for row in state.U for v in row]


# -- orthogonal data: the reduced engine is the reference -----------------------------------------


@pytest.mark.parametrize("name", sorted(ORTHOGONAL))
def test_agrees_with_reduced_engine_across_kinks(name):
    make, T = ORTHOGONAL[name]
    p = make()
    dps = 30
    times = [Fr(T, 4), Fr(T, 2)]
    red = integrate(p, dps=dps, t_end=T, times=times, engine="reduced", error_estimate=False)
    full = integrate(p, dps=dps, t_end=T, times=times, engine="full", error_estimate=False)
    assert full.engine == "full"
    prec = Precision(dps)
    with prec.scope():
        tol = tolerance(prec.bits, 4)
        scale = max(abs(v) for v in _flat(red.final))
        assert _maxdiff(_flat(full.final), _flat(red.final)) <= tol * scale
        for s_r, s_f in zip(red.samples, full.samples):
            assert s_r.t == s_f.t
            assert _maxdiff(_flat(s_f), _flat(s_r)) <= tol * scale
        # W: the full engine's own w_j against the reduced reconstruction
        Wr = weights_from(p, red.final)
        for rf, rr in zip(full.final.W, Wr):
            assert _maxdiff(rf, rr) <= tol * scale
        # the same event set, at the same times
        assert [(e.neuron, e.point, e.kind) for e in full.events] == \
            [(e.neuron, e.point, e.kind) for e in red.events]
        assert full.events  # every case crosses at least one kink
        for e_f, e_r in zip(full.events, red.events):
            assert abs(e_f.t - e_r.t) <= tol * max(1, abs(e_r.t))


def test_reference_m8_30_digits_and_the_reduced_event_set():
    p, sol = reference(8)
    full = integrate(p, dps=30, t_end=sol["T"], engine="full", error_estimate=False)
    red = integrate(p, dps=30, t_end=sol["T"], engine="reduced", error_estimate=False)
    assert agreeing_digits(full.final, sol) >= 29
    assert [(e.neuron, e.point, e.kind) for e in full.events] == \
        [(e.neuron, e.point, e.kind) for e in red.events]


@pytest.mark.slow
def test_reference_m64_30_digits():
    p, sol = reference(64)
    full = integrate(p, dps=30, t_end=sol["T"], engine="full", error_estimate=False)
    assert agreeing_digits(full.final, sol) >= 29


def test_loss_watch_and_until_loss_agree_with_reduced_engine():
    p = _two_points_orthogonal()
    w = [LossWatch("plus", frozenset({0}), Fr(1, 8)), LossWatch("all", frozenset({0, 1}), Fr(1, 100))]
    kw = dict(dps=25, t_end=60, watches=w, until_loss=Fr(1, 10**6), error_estimate=False)
    red = integrate(p, engine="reduced", **kw)
    full = integrate(p, engine="full", **kw)
    prec = Precision(25)
    with prec.scope():
        tol = tolerance(prec.bits, 8)
        for name in ("plus", "all"):
            assert full.crossings[name] is not None
            assert abs(full.crossings[name] - red.crossings[name]) <= tol * full.crossings[name]
        assert full.stats["stopped_on_loss"]
        assert abs(full.final.t - red.final.t) <= tol * red.final.t
        r = [sum(a * max(u, 0) for a, u in zip(full.final.a, col)) - to_mpf(y)
             for col, y in zip(zip(*full.final.U), p.labels)]
        loss = sum(v * v for v in r) / (2 * p.n)
        assert abs(loss - mpmath.mpf(10) ** -6) <= 1e4 * tol * mpmath.mpf(10) ** -6


# -- closed forms ----------------------------------------------------------------------------------


def test_logistic_closed_form():
    p = logistic_problem()
    times = [Fr(5), Fr(10)]
    tr = integrate_full(p, dps=30, t_end=10, times=times, error_estimate=False)
    with Precision(30).scope():
        for s, t in zip(tr.samples, times):
            a, u = logistic_exact(p, t)
            assert abs(s.a[0] - a) <= tolerance(Precision(30).bits, 4)
            assert abs(s.U[0][0] - u) <= tolerance(Precision(30).bits, 4)


def _linear_phase(lam, dps=60):
    """The slider in its linear phase (r = -y up to O(lam^2)): closed cosh/sinh form.

    Phase 1 (both points active): D = x_0 - x_1, a +- p = (a +- p)(0) e^{+-tau}, tau = ||D|| t / n,
    u_1 = u_1(0) + (p - p_0) <D^, x_1> crosses 0 at the root z = e^tau of A z^2 - P* z + B = 0.
    Phase 2 (sliding on u_01 = 0, alpha = 2/5): D' = x_0 - (2/5) x_1, same form from t*.
    Returns (t*, function t -> (a, w)) for t >= t*.
    """
    with mpmath.workdps(dps):
        x0 = [mpmath.mpf(1), mpmath.mpf(0), mpmath.mpf(0)]
        x1 = [mpmath.mpf(1) / 2, mpmath.mpf(1), mpmath.mpf(0)]
        lam = mpmath.mpf(lam.numerator) / lam.denominator
        w0 = [lam, lam, lam / 3]
        a0 = mpmath.sqrt(sum(v * v for v in w0))
        dot = lambda u, v: mpmath.fsum(x * y for x, y in zip(u, v))  # noqa: E731
        D = [u - v for u, v in zip(x0, x1)]
        nD = mpmath.sqrt(dot(D, D))
        Dh = [v / nD for v in D]
        p0 = dot(w0, Dh)
        A, B = (p0 + a0) / 2, (p0 - a0) / 2
        Pstar = p0 - dot(w0, x1) / dot(Dh, x1)
        z = (Pstar + mpmath.sqrt(Pstar ** 2 - 4 * A * B)) / (2 * A)
        tau = mpmath.log(z)
        t_star = 2 * tau / nD
        p_star = A * z + B / z
        a_star = A * z - B / z
        w_star = [w + (p_star - p0) * d for w, d in zip(w0, Dh)]
        D2 = [u - mpmath.mpf(2) / 5 * v for u, v in zip(x0, x1)]
        nD2 = mpmath.sqrt(dot(D2, D2))
        D2h = [v / nD2 for v in D2]
        q0 = dot(w_star, D2h)

    def after(t):
        with mpmath.workdps(dps):
            s = nD2 * (t - t_star) / 2
            a = a_star * mpmath.cosh(s) + q0 * mpmath.sinh(s)
            q = q0 * mpmath.cosh(s) + a_star * mpmath.sinh(s)
            return a, [w + (q - q0) * d for w, d in zip(w_star, D2h)]

    return t_star, after


def test_crossing_time_and_sliding_solution_match_the_closed_form():
    """Non-orthogonal event location and the sliding trajectory against the cosh/sinh form."""
    lam = Fr(1, 10**30)  # linear phase: relative deviation O(lam^2)
    t_star, after = _linear_phase(lam)
    p = _slider(lam)
    times = [Fr(3), Fr(4), Fr(6)]
    tr = integrate_full(p, dps=30, t_end=6, times=times, error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in tr.events] == [(0, 1, "slide-in")]
    prec = Precision(30)
    with prec.scope():
        tol = tolerance(prec.bits, 4)
        assert abs(tr.events[0].t - t_star) <= tol * t_star
        X = [[to_mpf(v) for v in x] for x in p.inputs]
        for s, t in zip(tr.samples, times):
            a, w = after(to_mpf(t))
            assert abs(s.a[0] / a - 1) <= tol
            assert _maxdiff(s.W[0], w) <= tol * a
            # u_01 stays 0 while sliding: measured on the engine's own w_0 (W = W(0) + C X)
            assert s.U[0][1] == 0
            assert abs(mpmath.fdot(s.W[0], X[1])) <= tol * a
    assert tr.stats["slide_drift"] <= tolerance(prec.bits, 4)


def test_sliding_matches_an_independent_odefun_reference():
    """Nonlinear sliding (lambda = 1/10) against mpmath.odefun on the sliding field
    da/dt = -(1/n) r_0 u_0, dw/dt = -(a/n)(r_0 x_0 + beta x_1), beta = -(G_01/G_11) r_0
    (the Filippov weight alpha = beta / r_1 written out by hand), from the slide-in state."""
    p = _slider(Fr(1, 10))
    dps = 20
    first = integrate_full(p, dps=dps, t_end=3, error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in first.events] == [(0, 1, "slide-in")]
    t_star = exact_fraction(first.events[0].t, where="t*")
    start = integrate_full(p, dps=dps, t_end=t_star, error_estimate=False).final
    assert abs(start.U[0][1]) <= tolerance(Precision(dps).bits, 4) * start.a[0]
    times = [t_star + Fr(1, 2), t_star + Fr(2)]
    tr = integrate_full(p, dps=dps, t_end=times[-1], times=times, error_estimate=False)
    with mpmath.workdps(dps + 5):
        x0 = [to_mpf(v) for v in p.inputs[0]]
        x1 = [to_mpf(v) for v in p.inputs[1]]
        G01, G11 = to_mpf(Fr(1, 2)), to_mpf(Fr(5, 4))

        def field(t, z):
            a, w = z[0], z[1:]
            u0 = mpmath.fdot(w, x0)
            r0 = a * u0 - 1
            beta = -G01 / G11 * r0
            return [-r0 * u0 / 2] + [-(a / 2) * (r0 * c0 + beta * c1) for c0, c1 in zip(x0, x1)]

        sol = mpmath.odefun(field, to_mpf(t_star), [start.a[0]] + list(start.W[0]))
        for s, t in zip(tr.samples, times):
            ref = sol(to_mpf(t))
            assert s.U[0][1] == 0
            assert _maxdiff([s.a[0]] + list(s.W[0]), ref) <= tolerance(Precision(dps).bits, 8)


def test_slide_out_happens_where_alpha_reaches_one():
    p = _slider_out()
    tr = integrate_full(p, dps=30, t_end=14, times=[Fr(9), Fr(11)], error_estimate=False)
    kinds = [(e.neuron, e.point, e.kind) for e in tr.events]
    assert kinds == [(1, 0, "slide-in"), (0, 1, "slide-in"), (0, 1, "slide-out")]
    t_out = tr.events[2].t
    assert tr.samples[0].U[0][1] == 0 < tr.samples[1].U[0][1]  # sliding, then active
    # at the slide-out time the Filippov weight alpha_01 = -(G_10 r_0 + ...)/(G_11 r_1) is 1
    st = integrate_full(p, dps=30, t_end=exact_fraction(t_out, where="t_out"), error_estimate=False).final
    prec = Precision(30)
    with prec.scope():
        G = [[to_mpf(v) for v in row] for row in p.gram()]
        r = [sum(a * max(u, 0) for a, u in zip(st.a, col)) - to_mpf(y)
             for col, y in zip(zip(*st.U), p.labels)]
        alpha = -(G[1][0] * r[0]) / (G[1][1] * r[1])  # neuron 0: active on 0, sliding on 1
        assert abs(alpha - 1) <= tolerance(prec.bits, 16)
        assert st.U[0][1] == 0


# -- invariants ------------------------------------------------------------------------------------


def _balance(state):
    return [a * a - sum(w * w for w in row) for a, row in zip(state.a, state.W)]


def _perp(problem, state):
    """The part of every w_j outside span{x_k} (here: the third coordinate of X_SLIDE)."""
    return [row[2] for row in state.W]


@pytest.mark.parametrize("make", [_slider_out, _two_points_orthogonal], ids=["non-orthogonal", "orthogonal"])
def test_invariants_hold_for_any_data(make):
    p = make()
    times = [Fr(k) for k in range(0, 15, 2)]
    tr = integrate_full(p, dps=25, t_end=14, times=times, error_estimate=False)
    prec = Precision(25)
    with prec.scope():
        tol = tolerance(prec.bits, 6)
        b0 = _balance(tr.samples[0])
        for s in tr.samples[1:] + (tr.final,):
            scale = max(abs(v) for v in s.a) ** 2
            assert _maxdiff(_balance(s), b0) <= tol * scale
            # u_jk = <w_j, x_k> for the carried U and W
            for j in range(p.m):
                for k in range(p.n):
                    u = mpmath.fdot(s.W[j], [to_mpf(v) for v in p.inputs[k]])
                    assert abs(u - s.U[j][k]) <= tol * scale ** 0.5
        if p.d == 3:
            assert _perp(p, tr.final) == _perp(p, tr.samples[0])


def _moved_inactive(p, tr):
    """Largest change of a coordinate that is negative (inactive) at every sample."""
    moved = mpmath.mpf(0)
    for j in range(p.m):
        for k in range(p.n):
            us = [s.U[j][k] for s in tr.samples]
            if all(u < 0 for u in us):
                moved = max(moved, max(abs(u - us[0]) for u in us))
    return moved


def test_inactive_coordinates_frozen_on_orthogonal_data_and_not_otherwise():
    """Orthogonal: an inactive u_jk is frozen exactly.  Negative twin: with cross terms
    (<x_0, x_1> = 1/2) the inactive u_10 of the negative neuron moves, as it should."""
    times = [Fr(k, 4) for k in range(5)]
    po = Problem(inputs=((Fr(1), Fr(0)), (Fr(0), Fr(2))), labels=(Fr(1), Fr(-1)), width=2,
                 scale=Fr(1, 10), directions=((Fr(1), Fr(-1)), (Fr(-1), Fr(1))), signs=(1, -1))
    orth = integrate_full(po, dps=20, t_end=1, times=times, error_estimate=False)
    assert orth.samples[0].U[0][1] < 0 and orth.samples[0].U[1][0] < 0
    assert _moved_inactive(po, orth) == 0
    p = _slider_out()
    tr = integrate_full(p, dps=20, t_end=1, times=times, error_estimate=False)
    assert all(s.U[1][0] < 0 for s in tr.samples)
    assert _moved_inactive(p, tr) > mpmath.mpf(10) ** -6


# -- precision -------------------------------------------------------------------------------------


def test_error_falls_when_dps_rises_and_the_estimate_is_honest():
    p = _slider_out()
    T = 12  # slide-in, slide-in, slide-out on the way
    ref = integrate_full(p, dps=50, t_end=T, error_estimate=False)
    errs = {}
    for dps in (15, 25):
        tr = integrate_full(p, dps=dps, t_end=T, error_estimate=(dps == 15))
        with mpmath.workdps(60):
            errs[dps] = max(_maxdiff(_flat(tr.final), _flat(ref.final)),
                            max(_maxdiff(r, q) for r, q in zip(tr.final.W, ref.final.W)))
        if dps == 15:
            est = tr.error_estimate
            assert est is not None and est < mpmath.mpf(10) ** -13
            assert errs[15] <= 100 * est + mpmath.mpf(10) ** -30
    assert errs[15] < mpmath.mpf(10) ** -13
    assert errs[25] < errs[15] * mpmath.mpf(10) ** -8
    assert errs[25] < mpmath.mpf(10) ** -23


def test_truncated_order_is_caught_by_the_error_estimate():
    """Negative twin: order 5 cannot give 20 digits and the measured estimate says so."""
    p = _slider(Fr(1, 10))
    good = integrate_full(p, dps=20, t_end=4)
    bad = integrate_full(p, dps=20, t_end=4, order=5)
    assert good.error_estimate < mpmath.mpf(10) ** -19
    assert bad.error_estimate > mpmath.mpf(10) ** -17


# -- errors ----------------------------------------------------------------------------------------


def test_too_many_events_names_neuron_point_and_time():
    with pytest.raises(TooManyEvents, match=r"neuron \d+, point \d+ at t = [0-9.]+"):
        integrate_full(_slider_out(), dps=15, t_end=14, max_events=2, error_estimate=False)


def test_max_steps_is_a_named_integration_failure():
    with pytest.raises(IntegrationFailed, match="max_steps"):
        integrate_full(_slider(), dps=15, t_end=10, max_steps=3, error_estimate=False)


def test_refuses_floats_and_bad_times():
    with pytest.raises(InvalidInput, match="float"):
        integrate_full(_slider(), t_end=1.5)
    with pytest.raises(InvalidInput, match="sorted"):
        integrate_full(_slider(), t_end=2, times=[Fr(1), Fr(1, 2)])


# -- independent references: the gradient, a chattering small-step integrator ------------------------


def test_field_is_minus_the_gradient_of_the_loss_with_cross_terms():
    """The engine's first Taylor coefficients are -dL/da_j and -dL/dw_j (mpmath.diff of the
    loss itself), on non-orthogonal data where an inactive coordinate moves by a cross term."""
    from gfcheck.numeric._full import _FullEngine

    p = _slider_out()
    prec = Precision(30)
    with prec.scope():
        eng = _FullEngine(p, prec)
        _, Aser, User, _, _, Cser, _, _ = eng.series(mpmath.mpf(0))
        X = [[to_mpf(v) for v in x] for x in p.inputs]
        y = [to_mpf(v) for v in p.labels]
        a0 = list(eng.a)
        W0 = [[to_mpf(p.scale * g) for g in gj] for gj in p.directions]

        def loss(a, W):
            r = [mpmath.fsum(aj * max(mpmath.fdot(wj, xk), 0) for aj, wj in zip(a, W)) - yk
                 for xk, yk in zip(X, y)]
            return mpmath.fdot(r, r) / (2 * p.n)

        tol = tolerance(prec.bits, 24)
        for j in range(p.m):
            def along_a(v, j=j):
                return loss([v if q == j else a0[q] for q in range(p.m)], W0)

            scale = abs(a0[j])
            assert abs(Aser[j][1] + mpmath.diff(along_a, a0[j])) <= tol * scale
            dW = [mpmath.fsum(Cser[j][l][1] * X[l][i] for l in Cser[j]) for i in range(p.d)]
            for i in range(p.d):
                def along_w(v, j=j, i=i):
                    W = [list(row) for row in W0]
                    W[j][i] = v
                    return loss(a0, W)

                assert abs(dW[i] + mpmath.diff(along_w, W0[j][i])) <= tol * scale
            for k in range(p.n):
                assert abs(User[j][k][1] - mpmath.fdot(dW, X[k])) <= tol * scale
        # the inactive u_10 moves through the cross term <x_0, x_1> r_1 (digest section 7.3)
        assert eng.mode[1][0] == 0 and User[1][0][1] != 0


def test_filippov_solution_is_the_limit_of_a_chattering_small_step_integrator():
    """Classical RK4 in float64 with the plain discontinuous field (chi = 1[u > 0]), dt = 2e-3,
    chatters across u = 0 and follows the sliding solution to O(dt) (measured: ~0.03 dt)."""
    import numpy as np

    p = _slider_out()
    T, dt = 14, 2e-3
    X = np.array([[float(v) for v in x] for x in p.inputs])
    y = np.array([float(v) for v in p.labels])
    W = float(p.scale) * np.array([[float(v) for v in g] for g in p.directions])
    a = np.array([s * np.linalg.norm(w) for s, w in zip(p.signs, W)])

    def f(a, W):
        U = W @ X.T
        r = (a[:, None] * np.maximum(U, 0)).sum(0) - y
        return -(np.maximum(U, 0) @ r) / p.n, -(a[:, None] / p.n) * (((U > 0) * r[None, :]) @ X)

    for _ in range(int(round(T / dt))):
        k1 = f(a, W)
        k2 = f(a + dt / 2 * k1[0], W + dt / 2 * k1[1])
        k3 = f(a + dt / 2 * k2[0], W + dt / 2 * k2[1])
        k4 = f(a + dt * k3[0], W + dt * k3[1])
        a = a + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        W = W + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
    tr = integrate_full(p, dps=20, t_end=T, error_estimate=False)
    fa = np.array([float(v) for v in tr.final.a])
    fW = np.array([[float(v) for v in row] for row in tr.final.W])
    assert np.abs(fa - a).max() < 0.1 * dt
    assert np.abs(fW - W).max() < 0.1 * dt
    assert [e.kind for e in tr.events].count("slide-in") == 2  # the comparison crosses sliding


# -- random non-orthogonal problems (property test) ----------------------------------------------


@st.composite
def _small_problems(draw):
    n = draw(st.integers(1, 3))
    d = draw(st.integers(2, 3))
    m = draw(st.integers(1, 3))
    small = st.integers(-4, 4).map(lambda v: Fr(v, 4))
    X = [[draw(small) for _ in range(d)] for _ in range(n)]
    for k in range(n):
        if not any(X[k]):
            X[k][k % d] = Fr(1)
    y = [draw(st.sampled_from([Fr(1), Fr(-1), Fr(1, 2), Fr(-3, 2)])) for _ in range(n)]
    G = [[draw(small) for _ in range(d)] for _ in range(m)]
    for j in range(m):
        if not any(G[j]):
            G[j][0] = Fr(1)
    s = [draw(st.sampled_from([1, -1])) for _ in range(m)]
    ow = None
    if draw(st.booleans()):  # unbalanced start: a_j^2 - ||w_j||^2 = delta_j != 0 is conserved
        ow = tuple(draw(st.sampled_from([Fr(1, 10), Fr(-1, 10), Fr(1, 40), Fr(-1, 40)])) for _ in range(m))
    return Problem(inputs=tuple(map(tuple, X)), labels=tuple(y), width=m, scale=Fr(1, 20),
                   directions=tuple(map(tuple, G)), signs=tuple(s), output_weights=ow,
                   relu_prime_at_zero=draw(st.sampled_from([0, 1])))


@settings(max_examples=examples(12), deadline=None)
@given(_small_problems())
def test_random_problems_invariants_and_precision(p):
    """Any small data set (balanced or not, ReLU'(0) = 0 or 1): a_j^2 - ||w_j||^2 conserved,
    U = W X^T, and a run at 15 digits agrees with one at 25 digits to the 15 digits asked for."""
    try:
        lo = integrate_full(p, dps=15, t_end=6, error_estimate=False, max_events=200)
        hi = integrate_full(p, dps=25, t_end=6, error_estimate=False, max_events=200)
    except IntegrationFailed as exc:  # a named failure is an answer, never a crash
        assert "neuron" in str(exc) or "max_steps" in str(exc)
        return
    with Precision(25).scope():
        z_hi = _flat(hi.final) + [v for row in hi.final.W for v in row]
        z_lo = _flat(lo.final) + [v for row in lo.final.W for v in row]
        scale = max([mpmath.mpf(1)] + [abs(v) for v in z_hi])
        assert _maxdiff(z_lo, z_hi) <= tolerance(Precision(15).bits, 12) * scale
        a0 = p.output_weights or [Fr(0)] * p.m  # balanced start: a_j^2 - ||w_j||^2 = 0
        b0 = [to_mpf(a * a - p.scale ** 2 * sum(v * v for v in g)) if p.output_weights else mpmath.mpf(0)
              for a, g in zip(a0, p.directions)]
        assert _maxdiff(_balance(hi.final), b0) <= tolerance(Precision(25).bits, 8) * scale ** 2
        for j in range(p.m):
            for k in range(p.n):
                u = mpmath.fdot(hi.final.W[j], [to_mpf(v) for v in p.inputs[k]])
                assert abs(u - hi.final.U[j][k]) <= tolerance(Precision(25).bits, 8) * scale


def test_loss_level_below_the_working_precision_is_refused_by_name():
    from gfcheck.symbolic.errors import PrecisionExhausted

    with pytest.raises(PrecisionExhausted, match=r"dps >= \d+"):
        integrate_full(_slider(), dps=20, t_end=10, until_loss=Fr(1, 10**45))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_perturbed_orthogonal_data_20_vs_30_digits(seed):
    """digest section 7.3 setting: X = I + 0.15 N(0, 1), m = 8, n = d = 4, lambda = 1e-6, T = 100:
    kinks, re-activations, sliding; the 20-digit run agrees with the 30-digit one (same events)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = d = 4
    m = 8
    X = np.eye(n, d) + 0.15 * rng.standard_normal((n, d))
    y = rng.choice([-1, 1], size=n) * (0.5 + rng.random(n))
    g = rng.standard_normal((m, d))
    s = 1 - 2 * rng.integers(0, 2, size=m)
    q = lambda v: Fr(float(v)).limit_denominator(10**6)  # noqa: E731
    p = Problem(inputs=tuple(tuple(q(v) for v in r) for r in X), labels=tuple(q(v) for v in y), width=m,
                scale=Fr(1, 10**6), directions=tuple(tuple(q(v) for v in r) for r in g),
                signs=tuple(int(v) for v in s))
    lo = integrate_full(p, dps=20, t_end=100, error_estimate=False)
    hi = integrate_full(p, dps=30, t_end=100, error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in lo.events] == [(e.neuron, e.point, e.kind) for e in hi.events]
    with Precision(30).scope():
        scale = max(abs(v) for v in _flat(hi.final))
        assert _maxdiff(_flat(lo.final), _flat(hi.final)) <= tolerance(Precision(20).bits, 8) * scale


def test_orthogonal_exit_times_match_the_closed_form():
    """Digest section 3.3: exit times of wrongly signed points in the linear phase (lambda = 1e-20)."""
    lam = Fr(1, 10**20)
    p = exits_problem(lam=lam)
    tr = integrate_full(p, dps=30, t_end=2, error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in tr.events] == [(0, 0, "deactivate"), (1, 0, "deactivate")]
    with Precision(30).scope():
        for e, g in zip(tr.events, p.directions):
            t_cf = exit_time_linear(g[0], g[1], lam)
            assert abs(e.t - t_cf) <= tolerance(Precision(30).bits, 4) * t_cf


def test_excursion_from_zero_is_located_at_the_crossing_not_at_the_threshold():
    """Regression: u_01 starts at exactly 0, dips below (inactive) while a_0 changes sign
    (unbalanced start), and comes back through 0.  The event is the crossing of u itself, so
    it does not move with the zero-test tolerance: 15 and 25 digits agree to 15 digits."""
    p = Problem(inputs=((Fr(0), Fr(-3, 4)), (Fr(1, 4), Fr(0)), (Fr(1, 4), Fr(-1, 4))),
                labels=(Fr(-1), Fr(1), Fr(-1)), width=3, scale=Fr(1, 2),
                directions=((Fr(0), Fr(-3, 4)), (Fr(1), Fr(0)), (Fr(1), Fr(0))), signs=(1, 1, 1),
                output_weights=(Fr(1, 40), Fr(1, 10), Fr(1, 10)))
    lo = integrate_full(p, dps=15, t_end=6, error_estimate=False)
    hi = integrate_full(p, dps=25, t_end=6, error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in hi.events] == [(0, 1, "activate"), (0, 1, "slide-in")]
    assert [(e.neuron, e.point, e.kind) for e in lo.events] == [(0, 1, "activate"), (0, 1, "slide-in")]
    with Precision(25).scope():
        for e_lo, e_hi in zip(lo.events, hi.events):
            assert abs(e_lo.t - e_hi.t) <= tolerance(Precision(15).bits, 8) * e_hi.t
