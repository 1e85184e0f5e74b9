"""The reduced engine: fixed-point Taylor integration of the orthogonal-data system, kink by kink.

For pairwise orthogonal inputs the flow closes in ``(a_j, u_jk)`` with ``u_jk = <w_j, x_k>``
(digest section 2.1)::

    r_k      = sum_j a_j relu(u_jk) - y_k
    du_jk/dt = -(a_j / n) r_k 1[u_jk > 0] ||x_k||^2
    da_j/dt  = -(1/n) sum_k r_k relu(u_jk)

Between kinks the field is polynomial, so the Taylor coefficients follow from Cauchy products
(``[.]_i`` is the i-th coefficient of the series scaled by the step, ``z~_i = z_i h^i``)::

    r_k[i]      = sum_{j active on k} (a_j * u_jk)[i] - y_k [i == 0]
    u_jk[i + 1] = -(h ||x_k||^2 / (n (i + 1))) (a_j * r_k)[i]
    a_j[i + 1]  = -(h / (n (i + 1))) sum_{k active for j} (r_k * u_jk)[i]

Arithmetic: every quantity is an integer ``X`` standing for ``X 2^-F`` (gmpy2 ``mpz``), every
Cauchy product is one C-level ``sum(map(mul, ...))`` over exact integer products rounded once.
``F = work_bits + 16 + ceil(log2(1 / |z(0)|_max))``: the absolute resolution is set below the
initial scale of the state, so a start at ``lambda = 1e-100`` keeps its relative accuracy.
The series are scaled by the predicted step, so that one absolute resolution suffices for all
orders.  Order ``p = ceil(tol_bits ln 2 / 2) + 1`` (``tol_bits`` = the bits of the requested
digits; 36 at 30 digits, which measured 33 agreeing digits on reference-m64) and step ``h = rho e^{-2} e^{-0.7/(p-1)}``
(Jorba and Zou 2005; heyoka) where ``rho`` comes from the last two coefficients' max-norms
relative to the state's max-norm.

Kinks: an active coordinate ``u_jk`` whose local polynomial reaches 0 inside the step ends the
step there; the root is located at the full fixed-point resolution (sign sampling, then
safeguarded Newton), ``u_jk`` is set exactly to 0 and frozen (``ReLU'(0) = 0``), an Event
``deactivate`` is recorded.  With ``ReLU'(0) = 1`` a coordinate at exactly 0 is re-activated
(Event ``activate``) when its push ``-a_j r_k ||x_k||^2 / n`` becomes positive.
"""

from __future__ import annotations

import math
import time as _time
import weakref
from fractions import Fraction
from itertools import chain
from operator import mul

import gmpy2
import mpmath

from gfcheck.symbolic.errors import (
    IntegrationFailed,
    InvalidInput,
    PrecisionExhausted,
    StepSizeCollapse,
    TooManyEvents,
)

from ._fixed import first_root, fix, fix_sqrt, log2_abs, mpf_fixed, power_grid
from .precision import Precision, exact_to_float, to_mpf
from .trajectory import Event, State, Trajectory

__all__ = ["integrate_reduced", "initial_values", "weights_from", "weights_float", "weight_basis",
           "orders_for"]

mpz = gmpy2.mpz
_ZERO = mpz(0)
#: bits of slack on the requested precision below which a residual counts as 0 (ReLU'(0) = 1)
_PUSH_SLACK = 12


def orders_for(tol_bits: int) -> int:
    """Taylor order for a relative step tolerance ``2^-tol_bits``: ``ceil(tol_bits ln2 / 2) + 1``.

    >>> orders_for(110)
    40
    """
    return int(math.ceil(tol_bits * math.log(2) / 2)) + 1


def initial_values(problem):
    """Exact initial data ``(a0, u0)``: ``u_jk(0) = lambda <g_j, x_k>`` (Fractions) and ``a_j(0)``.

    ``a_j(0)`` is ``("sqrt", s_j, q_j)`` for the balanced start ``s_j sqrt(q_j)`` with
    ``q_j = lambda^2 ||g_j||^2`` (exact), or the Fraction ``output_weights[j]``.
    """
    lam = problem.scale
    X = problem.inputs
    u0 = [[lam * sum((g * x for g, x in zip(gj, xk)), Fraction(0)) for xk in X] for gj in problem.directions]
    if problem.output_weights is None:
        a0 = [("sqrt", s, lam * lam * sum((g * g for g in gj), Fraction(0)))
              for s, gj in zip(problem.signs, problem.directions)]
    else:
        a0 = list(problem.output_weights)
    return a0, u0


_BASIS: dict = {}


def weight_basis(problem):
    """Exact ``(perp, B)`` with ``perp[j] = P_perp w_j(0)`` and ``B[k] = x_k / ||x_k||^2`` (Fractions).

    ``w_j = sum_k u_jk B[k] + perp[j]``: the state-independent part of :func:`weights_from`,
    computed once per problem (cached while the problem lives) so that rebuilding ``W`` at many
    states costs no rational arithmetic.
    """
    key = id(problem)
    hit = _BASIS.get(key)
    if hit is not None and hit[0]() is problem:
        return hit[1]
    X = problem.inputs
    norms2 = problem.norms_squared()
    lam = problem.scale
    perp_all = []
    for gj in problem.directions:
        # exact P_perp w_j(0) = lam (g_j - sum_k <g_j, x_k> x_k / ||x_k||^2)
        perp = [lam * g for g in gj]
        for k, xk in enumerate(X):
            c = lam * sum((g * x for g, x in zip(gj, xk)), Fraction(0)) / norms2[k]
            if c:
                perp = [p - c * x for p, x in zip(perp, xk)]
        perp_all.append(tuple(perp))
    B = tuple(tuple(x / q for x in xk) for xk, q in zip(X, norms2))
    out = (tuple(perp_all), B)
    _BASIS[key] = (weakref.ref(problem, lambda _r, key=key: _BASIS.pop(key, None)), out)
    return out


def weights_from(problem, state) -> tuple:
    """``w_j = sum_k u_jk x_k / ||x_k||^2 + P_perp w_j(0)`` as mpf at the current precision.

    The part of ``w_j`` outside span{x_k} is frozen at its initial value (digest section 2.2.3),
    so the reduced state ``(a, U)`` determines ``W`` exactly (orthogonal inputs).  The exact,
    state-independent parts come from :func:`weight_basis` (once per problem); per state the
    work is ``m d`` conversions and ``m n d`` multiply-adds at the current precision.

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["2", "0", "0"]],
    ...     "labels": ["1"], "width": 1, "init": {"scale": "1", "directions": [["1", "1", "1"]],
    ...     "signs": [1]}})
    >>> from gfcheck.numeric.trajectory import State
    >>> [str(v) for v in weights_from(p, State(0, (1,), ((mpmath.mpf(4),),)))[0]]
    ['2.0', '1.0', '1.0']
    """
    X = problem.inputs
    perp_all, _ = weight_basis(problem)
    nrm = [to_mpf(q) for q in problem.norms_squared()]
    xs = [[to_mpf(x) if x else None for x in xk] for xk in X]
    out = []
    for j, perp in enumerate(perp_all):
        row = [to_mpf(p) for p in perp]
        for k, xk in enumerate(xs):
            ujk = state.U[j][k]
            if ujk:
                f = ujk / nrm[k]
                row = [r + f * x if x is not None else r for r, x in zip(row, xk)]
        out.append(tuple(row))
    return tuple(out)


def weights_float(problem, U, dtype=None):
    """``W`` for a stack of float64 states in one vectorised step: ``U`` (..., m, n) -> (..., m, d).

    ``W = U B + perp`` with ``B`` and ``perp`` from :func:`weight_basis`, each rounded once to
    float64 (or ``dtype``; no rational arithmetic per state); the float64 engine's samples use it.

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> import numpy as np
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["2", "0", "0"]],
    ...     "labels": ["1"], "width": 1, "init": {"scale": "1", "directions": [["1", "1", "1"]],
    ...     "signs": [1]}})
    >>> weights_float(p, np.array([[[4.0]]])).tolist()
    [[[2.0, 1.0, 1.0]]]
    """
    import numpy as np

    dtype = np.float64 if dtype is None else dtype
    if dtype == np.float64:
        conv = float
    else:  # a wider float type (the float64 engine's reference run)
        conv = exact_to_float(dtype)
    perp_all, B = weight_basis(problem)
    Pf = np.array([[conv(v) for v in row] for row in perp_all], dtype=dtype).reshape(problem.m, problem.d)
    Bf = np.array([[conv(v) for v in row] for row in B], dtype=dtype).reshape(problem.n, problem.d)
    return np.asarray(U, dtype=dtype) @ Bf + Pf


def _powers(tau, F, p):
    """``[tau^i]`` for i = 0..p in fixed point (``F`` fraction bits; each power carries ``F``
    extra bits while it is built, so the rounding error is one unit of ``2^-F``)."""
    G = 2 * F
    t = mpz(tau) << F  # tau with 2F fraction bits
    out = [mpz(1) << F]
    acc = mpz(1) << G
    for _ in range(p):
        acc = (acc * t) >> G
        out.append((acc + (mpz(1) << (F - 1))) >> F)
    return out


def _rnd_shift(x, s):
    return (x + (mpz(1) << (s - 1))) >> s


def _reentry_root(Q, floor, tau_max, F):
    """Re-entry time (ReLU'(0) = 1) of a coordinate at 0 whose push is ``-Q(tau)``: the first
    ``tau`` in ``[0, tau_max]`` where ``Q`` turns ``<= 0``, *provided* ``Q`` falls to ``-floor``
    (the push resolved at the requested precision) before ``tau_max``; else None.

    The limiting motion of repeated re-entry is the coordinate held at 0: a push whose sign is
    noise (``|Q| < floor``) re-activates a coordinate that the next rounding deactivates, at one
    instant, forever.  Requiring resolution removes that chatter, and locating the re-entry at the
    sign change (not at the floor) keeps genuine re-entry times to the working precision.

    >>> F = 20; one = 1 << F
    >>> _reentry_root([one // 4, -one], one >> 10, one, F) == one // 4   # 1/4 - t crosses at 1/4
    True
    >>> _reentry_root([-4, 1 << 8], one >> 10, one, F) is None            # unresolved, turning back
    True
    """
    if Q[0] + floor <= 0:
        return _ZERO  # resolved positive push already
    Qf = list(Q)
    Qf[0] += floor
    t_resolved = first_root(Qf, tau_max, F)
    if t_resolved is None:
        return None
    if Q[0] <= 0:
        return _ZERO  # the sign change lies within the noise just behind us
    return first_root(Q, t_resolved, F)


class _Engine:
    """One run of the reduced fixed-point Taylor engine (see the module docstring)."""

    def __init__(self, problem, prec: Precision, *, order=None, tol_bits=None, with_w=True):
        self.problem = problem
        self.prec = prec
        self.n, self.m = problem.n, problem.m
        self.tol_bits = tol_bits if tol_bits is not None else prec.bits
        self.p = order if order is not None else orders_for(self.tol_bits)
        if self.p < 2:
            raise InvalidInput(f"Taylor order must be at least 2, found {self.p}")
        a0, u0 = initial_values(problem)
        # scale of the initial state (exact magnitudes, as log2 estimates)
        mags = []
        for q in a0:
            if isinstance(q, tuple):
                mags.append(0.5 * (math.log2(q[2].numerator) - math.log2(q[2].denominator)))
            elif q:
                mags.append(math.log2(abs(q.numerator)) - math.log2(q.denominator))
        for row in u0:
            for q in row:
                if q:
                    mags.append(math.log2(abs(q.numerator)) - math.log2(q.denominator))
        top = max(mags) if mags else 0.0
        self.scale_bits = max(0, int(math.ceil(-top)))
        self.F = F = prec.work_bits + 16 + self.scale_bits
        self.a = [fix_sqrt(q[2], F) * q[1] if isinstance(q, tuple) else fix(q, F) for q in a0]
        self.u = [[fix(q, F) for q in row] for row in u0]
        self.Y = [fix(y, F) for y in problem.labels]
        self.c = [q / self.n for q in problem.norms_squared()]
        self.rp0 = problem.relu_prime_at_zero
        # a residual within 2^(-b+12) |y_k| of 0 is 0 at the requested precision b: its sign,
        # and so the sign of a push on a coordinate at 0, is not resolved (ReLU'(0) = 1 only)
        self.r_floor = [(abs(y) >> max(0, prec.bits - _PUSH_SLACK)) + 1 for y in self.Y]
        self.with_w = with_w
        self.half = mpz(1) << (F - 1)

    # -- state helpers -----------------------------------------------------------------
    def residuals(self, active):
        F = self.F
        r = []
        for k in range(self.n):
            s = sum(self.a[j] * self.u[j][k] for j in range(self.m) if active[j][k])
            r.append(_rnd_shift(s, F) - self.Y[k] if s else -self.Y[k])
        return r

    def push_positive(self, j, k, r):
        """Sign test of the push ``-a_j r_k ||x_k||^2 / n`` on a coordinate at 0: positive and
        resolved (``|r_k|`` above the floor ``2^(-b+12) |y_k|``; below it the residual is 0 at the
        requested precision and the coordinate stays where it is)."""
        return abs(r[k]) > self.r_floor[k] and -self.a[j] * r[k] > 0

    # -- one Taylor expansion ----------------------------------------------------------
    def series(self, H, active):
        """Scaled Taylor coefficients (orders 0..p) of a_j, u_jk (active pairs) and r_k."""
        F, n, m, p = self.F, self.n, self.m, self.p
        F2 = 2 * F
        half_F = self.half
        half_2F = mpz(1) << (F2 - 1)
        act_k = [[j for j in range(m) if active[j][k]] for k in range(n)]
        act_j = [[k for k in range(n) if active[j][k]] for j in range(m)]
        neurons = [j for j in range(m) if act_j[j]]
        pairs = [(j, k) for j in neurons for k in act_j[j]]
        A = [[self.a[j]] for j in range(m)]
        U = {(j, k): [self.u[j][k]] for (j, k) in pairs}
        R = [[] for _ in range(n)]
        Ul = [[U.get((j, k)) for k in range(n)] for j in range(m)]
        cnum = [c.numerator for c in self.c]
        cden = [c.denominator for c in self.c]
        def residual_coefficient(k, arev):
            """The next Taylor coefficient of h_k (the Cauchy product of a_j and u_jk)."""
            js = act_k[k]
            if not js:
                return _ZERO
            s = sum(map(mul, chain.from_iterable([Ul[j][k] for j in js]),
                        chain.from_iterable([arev[j] for j in js])))
            return (s + half_F) >> F

        for i in range(p):
            # residual coefficient r_k[i]
            arev = {j: A[j][::-1] for j in neurons}
            for k in range(n):
                rk = residual_coefficient(k, arev)
                if i == 0:
                    rk -= self.Y[k]
                R[k].append(rk)
            rrev = [Rk[::-1] for Rk in R]
            # a_j[i+1]
            ka = (H + (n * (i + 1)) // 2) // (n * (i + 1))
            for j in neurons:
                ks = act_j[j]
                s = sum(map(mul, chain.from_iterable([Ul[j][k] for k in ks]),
                            chain.from_iterable([rrev[k] for k in ks])))
                A[j].append(-((ka * s + half_2F) >> F2))
            # u_jk[i+1]
            for k in range(n):
                js = act_k[k]
                if not js:
                    continue
                den = cden[k] * (i + 1)
                ku = (cnum[k] * H * 2 + den) // (2 * den)
                rk = rrev[k]
                # A[j] has i + 2 entries, rk has i + 1: the sum stops at a_j[i]
                for j, s in zip(js, [sum(map(mul, A[j], rk)) for j in js]):
                    Ul[j][k].append(-((ku * s + half_2F) >> F2))
        # r_k[p] (for loss watches and activation tests)
        arev = {j: A[j][::-1] for j in neurons}
        for k in range(n):
            R[k].append(residual_coefficient(k, arev))
        return A, U, R, neurons, pairs

    # -- the integration loop ------------------------------------------------------------
    def run(self, t_end: Fraction, times, until_loss, watches, max_steps, max_events):
        F, n, m, p = self.F, self.n, self.m, self.p
        F2 = 2 * F
        ONE = mpz(1) << F
        t0_wall = _time.perf_counter()
        T_int = fix(t_end, F2)
        sample_ints = [fix(s, F2) for s in times]
        loss_target = None
        if until_loss is not None:
            loss_target = fix(2 * n * until_loss, F2)  # compare sum r_k^2 (2F bits) to 2n L
        watch_targets = [(w.name, sorted(w.points), fix(2 * n * w.target, F2)) for w in watches]
        crossings = {w.name: None for w in watches}
        active = [[self.u[j][k] > 0 for k in range(n)] for j in range(m)]
        events: list[Event] = []
        samples: list[State] = []
        si = 0
        t_int = _ZERO
        steps = 0
        n_events = 0
        H = fix(Fraction(1, 8), F)
        h_min = h_max = None
        stop_loss = False
        rp1 = self.rp0 == 1

        def t_mpf(ti):
            return mpf_fixed(ti, F2)

        def record(ev_t, j, k, kind):
            nonlocal n_events
            n_events += 1
            if n_events > max_events:
                raise TooManyEvents(
                    f"more than max_events = {max_events} activation events (last: neuron {j}, point {k}, "
                    f"{kind} at t = {mpmath.nstr(t_mpf(ev_t), 12)}); this looks like chattering or a "
                    "runaway; raise max_events if the events are genuine"
                )
            events.append(Event(t_mpf(ev_t), j, k, kind))

        def start_checks(ti):
            """Activation bookkeeping at a step start: coordinates <= 0 leave, pushes re-activate."""
            r = self.residuals(active)
            for j in range(m):
                for k in range(n):
                    if active[j][k] and self.u[j][k] <= 0:
                        # at exactly 0 with ReLU'(0) = 1 the coordinate stays active: it was just
                        # re-activated (push crossing to outward); if the push is in fact inward
                        # the step's own root search sees u go below 0 and deactivates it
                        if rp1 and self.u[j][k] == 0:
                            continue
                        self.u[j][k] = _ZERO
                        active[j][k] = False
                        record(ti, j, k, "deactivate")
            if rp1:
                r = self.residuals(active)
                for j in range(m):
                    for k in range(n):
                        if not active[j][k] and self.u[j][k] == 0 and self.push_positive(j, k, r):
                            active[j][k] = True
                            record(ti, j, k, "activate")
            return self.residuals(active)

        def loss2(r, pts=None):
            ks = range(n) if pts is None else pts
            return sum(rk * rk for rk in (r[k] for k in ks))

        def snapshot(ti, a, U):
            return (ti, list(a), [list(row) for row in U])

        r0 = start_checks(t_int)
        if loss_target is not None and loss2(r0) <= loss_target:
            stop_loss = True
        for name, pts, tgt in watch_targets:
            if loss2(r0, pts) <= tgt:
                crossings[name] = t_mpf(t_int)
        while si < len(sample_ints) and sample_ints[si] <= t_int:
            samples.append(snapshot(sample_ints[si], self.a, self.u))
            si += 1

        while not stop_loss and t_int < T_int:
            any_active = any(any(row) for row in active)
            if not any_active:
                # nothing moves: r_k = -y_k and every push is inward or zero; the state is constant
                while si < len(sample_ints):
                    samples.append(snapshot(sample_ints[si], self.a, self.u))
                    si += 1
                t_int = T_int
                break
            steps += 1
            if steps > max_steps:
                raise IntegrationFailed(
                    f"more than max_steps = {max_steps} Taylor steps before t = {mpmath.nstr(t_mpf(T_int), 12)} "
                    f"(stopped at t = {mpmath.nstr(t_mpf(t_int), 12)}); raise max_steps or ask for fewer digits"
                )
            # state norm and precision check
            norm_l2 = max(max(log2_abs(v) for v in self.a),
                          max(log2_abs(v) for row in self.u for v in row))
            if norm_l2 < self.prec.bits + 8:
                need = self.prec.work_bits + int(self.prec.bits + 8 - norm_l2) + 1
                raise PrecisionExhausted(
                    f"at t = {mpmath.nstr(t_mpf(t_int), 12)} the state has shrunk to 2^{norm_l2 - F:.0f}, "
                    f"below the fixed-point resolution 2^-{F} plus {self.prec.bits} bits; rerun with at "
                    f"least {need} working bits (dps >= {int(need / 3.33) + 1})"
                )
            A, U, R, neurons, pairs = self.series(H, active)
            # step size from the last two coefficients (relative to the state norm)
            lp1 = max([log2_abs(A[j][p - 1]) for j in neurons] + [log2_abs(U[q][p - 1]) for q in pairs])
            lp = max([log2_abs(A[j][p]) for j in neurons] + [log2_abs(U[q][p]) for q in pairs])
            cands = []
            if lp1 > -math.inf:
                cands.append((norm_l2 - lp1) / (p - 1))
            if lp > -math.inf:
                cands.append((norm_l2 - lp) / p)
            if cands:
                lrho = min(cands)
                fac = 2.0 ** min(lrho, 60.0) * math.exp(-2.0 - 0.7 / (p - 1))
            else:
                fac = 8.0
            fac_next = min(fac, 8.0)
            tau_step = ONE if fac >= 1.0 else (ONE * mpz(int(fac * 2**40))) >> 40
            if tau_step <= 0 or H * tau_step <= (max(abs(t_int), ONE * ONE) >> (self.prec.work_bits + 4)):
                raise StepSizeCollapse(
                    f"step size collapsed to {float(Fraction(int(H * tau_step), 1 << F2)):.3e} at "
                    f"t = {mpmath.nstr(t_mpf(t_int), 12)} (below the time resolution of "
                    f"{self.prec.work_bits} bits); the field may be singular there - check the data, "
                    "or raise dps"
                )
            final_step = False
            tau_rem = (T_int - t_int + (H >> 1)) // H
            if tau_rem <= tau_step:
                tau_step = tau_rem
                final_step = True
            # earliest kink inside the step; roots closer than the working precision to the
            # earliest one are the same instant (a shared residual crossing 0, say) and are
            # applied together, at one time, in (neuron, point) order
            slack = max(mpz(4), tau_step >> (self.prec.work_bits - 8))
            tau_cut = tau_step
            hits = []  # (tau, j, k, kind)

            grids = {}

            def grid_for(lim):
                g = grids.get(lim)
                if g is None:
                    g = grids[lim] = power_grid(lim, F, p)
                return g

            def consider(root, j, k, kind):
                nonlocal tau_cut
                if root is not None:
                    hits.append((root, j, k, kind))
                    if root < tau_cut:
                        tau_cut = root

            for q in pairs:
                co = U[q]
                c0 = co[0]
                lim = min(tau_step, tau_cut + slack)
                if c0 > 0:
                    tail = co[1:]
                    neg = (sum(map(abs, tail)) - sum(tail)) >> 1
                    if c0 > neg:
                        continue
                    consider(first_root(co, lim, F, grid=grid_for(lim)), q[0], q[1], "deactivate")
                else:
                    consider(first_root(co, lim, F, skip_zero=True, grid=grid_for(lim)), q[0], q[1],
                             "deactivate")
            if rp1:
                # a coordinate at 0 re-enters where its push -a_j r_k ||x_k||^2/n turns positive,
                # provided the push becomes resolved within the step (see _reentry_root).  When
                # a_j keeps its sign over the step the push is -sign(a_j) r_k, one root per
                # (point, sign) shared by every such neuron (so simultaneous re-entries get one
                # time); otherwise the product series a_j * r_k with the floor max|a_j| floor_k.
                r_roots = {}
                for j in range(m):
                    for k in range(n):
                        if active[j][k] or self.u[j][k] != 0:
                            continue
                        Aj = A[j]
                        Rk = R[k]
                        if sum(map(abs, Rk)) <= self.r_floor[k]:
                            continue  # r_k stays 0 at the requested precision over the step
                        a0j = Aj[0]
                        if a0j and abs(a0j) > sum(map(abs, Aj[1:])):
                            sg = 1 if a0j > 0 else -1
                            key = (k, sg)
                            if key not in r_roots:
                                r_roots[key] = _reentry_root([sg * v for v in Rk], self.r_floor[k], tau_step, F)
                            root = r_roots[key]
                        else:
                            # P = (a_j * r_k)(tau): the push is positive where P < 0
                            P = [(sum(map(mul, Aj[: i + 1], Rk[i::-1])) + self.half) >> F for i in range(p + 1)]
                            thr = (sum(map(abs, Aj)) * self.r_floor[k] + self.half) >> F
                            root = _reentry_root(P, thr, tau_step, F)
                        consider(root, j, k, "activate")
            hits = [h for h in hits if h[0] <= tau_cut + slack]
            # loss watches on the local series
            need_loss = loss_target is not None or any(crossings[w[0]] is None for w in watch_targets)
            if need_loss:
                RR = [[(sum(map(mul, Rk[: i + 1], Rk[i::-1])) + self.half) >> F for i in range(p + 1)] for Rk in R]
            if loss_target is not None:
                G = [sum(col) for col in zip(*RR)]
                G[0] -= loss_target >> F
                root = first_root(G, tau_cut, F) if G[0] > 0 else _ZERO
                if root is not None:
                    tau_cut = root
                    hits = [h for h in hits if h[0] <= root + slack]
                    stop_loss = True
            for name, pts, tgt in watch_targets:
                if crossings[name] is not None:
                    continue
                G = [sum(col) for col in zip(*[RR[k] for k in pts])]
                G[0] -= tgt >> F
                root = first_root(G, tau_cut, F) if G[0] > 0 else _ZERO
                if root is not None:
                    crossings[name] = t_mpf(t_int + H * root)
            # samples inside the step
            t_next = T_int if (final_step and tau_cut == tau_step and not stop_loss) else t_int + H * tau_cut
            while si < len(sample_ints) and sample_ints[si] <= t_next:
                ts = (sample_ints[si] - t_int + (H >> 1)) // H
                a_s = list(self.a)
                pw = _powers(ts, F, p)
                for j in neurons:
                    a_s[j] = (sum(map(mul, A[j], pw)) + self.half) >> F
                U_s = [list(row) for row in self.u]
                for q in pairs:
                    U_s[q[0]][q[1]] = (sum(map(mul, U[q], pw)) + self.half) >> F
                samples.append(snapshot(sample_ints[si], a_s, U_s))
                si += 1
            # advance the state to tau_cut
            if tau_cut == ONE:
                for j in neurons:
                    self.a[j] = sum(A[j])
                for q in pairs:
                    self.u[q[0]][q[1]] = sum(U[q])
            else:
                # one C-level sum per series with the powers of tau_cut (2^-F each, rounded)
                pw = _powers(tau_cut, F, p)
                half = self.half
                for j in neurons:
                    self.a[j] = (sum(map(mul, A[j], pw)) + half) >> F
                for q in pairs:
                    self.u[q[0]][q[1]] = (sum(map(mul, U[q], pw)) + half) >> F
            step_len = H * tau_cut
            h_min = step_len if h_min is None or (step_len < h_min and step_len > 0) else h_min
            h_max = step_len if h_max is None or step_len > h_max else h_max
            t_int = t_next
            for (_, j, k, kind) in hits:
                if kind == "deactivate":
                    if active[j][k]:
                        self.u[j][k] = _ZERO
                        active[j][k] = False
                        record(t_int, j, k, "deactivate")
                else:
                    if not active[j][k]:
                        active[j][k] = True
                        record(t_int, j, k, "activate")
            if hits or stop_loss:
                start_checks(t_int)
            # next predicted step: the estimate from this expansion
            H = (H * mpz(int(fac_next * 2**40))) >> 40
            if H <= 0:
                H = mpz(1)
        t_final = t_int
        # simultaneous events in a fixed order (neuron, point); stable for one coordinate
        events.sort(key=lambda e: (e.t, e.neuron, e.point))
        return dict(
            t_final=t_final, samples=samples, events=events, crossings=crossings, steps=steps,
            wall=_time.perf_counter() - t0_wall, h_min=h_min, h_max=h_max, stopped_on_loss=stop_loss,
        )


def _w_cheap(problem) -> bool:
    return problem.m * problem.d * (problem.n + 1) <= 200_000


def integrate_reduced(problem, *, dps=30, t_end, times=(), until_loss=None, watches=(),
                      max_steps=10**6, max_events=10**5, order=None, tol_bits=None, guard_bits=None,
                      sample_weights=True):
    """Run the reduced engine once (no error estimate); see :func:`gfcheck.numeric.integrate`.

    ``order`` / ``tol_bits`` / ``guard_bits`` override the Taylor order, the step tolerance
    ``2^-tol_bits`` and the guard bits (for tests and precision ladders);
    ``sample_weights=False`` leaves ``W`` out of the samples (the final state keeps it).
    """
    problem.require_square_loss("the reduced engine", elsewhere="full")
    problem.require_orthogonal("the reduced engine")
    prec = Precision(dps) if guard_bits is None else Precision(dps, guard_bits)
    eng = _Engine(problem, prec, order=order, tol_bits=tol_bits)
    with prec.scope():  # event and crossing times are made at the working precision
        out = eng.run(t_end, times, until_loss, watches, max_steps, max_events)
    F, F2 = eng.F, 2 * eng.F
    want_w = _w_cheap(problem)
    with prec.scope():
        def state(ti, a, U, t_exact=None, want_w=want_w):
            st = State(
                t=to_mpf(t_exact) if t_exact is not None else mpf_fixed(ti, F2),
                a=tuple(mpf_fixed(v, F) for v in a),
                U=tuple(tuple(mpf_fixed(v, F) for v in row) for row in U),
            )
            if want_w:
                st = State(st.t, st.a, st.U, weights_from(problem, st))
            return st

        samples = tuple(state(ti, a, U, t_exact=s, want_w=want_w and sample_weights)
                        for (ti, a, U), s in zip(out["samples"], times))
        t_exact = None if out["stopped_on_loss"] else t_end
        final = state(out["t_final"], eng.a, eng.u, t_exact=t_exact)
        events = tuple(Event(+e.t, e.neuron, e.point, e.kind) for e in out["events"])
        crossings = {k: (+v if v is not None else None) for k, v in out["crossings"].items()}
    stats = {
        "steps": out["steps"], "events": len(events), "order": eng.p, "fixed_point_bits": F,
        "scale_bits": eng.scale_bits, "tol_bits": eng.tol_bits, "seconds": out["wall"],
        "h_min": float(Fraction(int(out["h_min"]), 1 << F2)) if out["h_min"] else None,
        "h_max": float(Fraction(int(out["h_max"]), 1 << F2)) if out["h_max"] else None,
        "stopped_on_loss": out["stopped_on_loss"],
    }
    return Trajectory(
        engine="reduced", dps=dps, work_bits=prec.work_bits, samples=samples, final=final,
        events=events, crossings=crossings, error_estimate=None, steps=out["steps"], stats=stats,
    )


def first_derivatives(problem, a, U, active, *, bits=200):
    """``(da, dU)`` from the engine's own coefficient recurrences (order 1, step 1), as Fractions.

    ``a`` (m) and ``U`` (m x n) are exact rationals, ``active[j][k]`` the activation pattern;
    the values are rounded to ``2^-F`` with ``F >= bits`` on the way in, so they agree with the
    exact field to about ``2^-bits`` times its scale.  For tests against the symbolic layer.
    """
    eng = _Engine(problem, Precision(max(5, int(bits / 3.33) + 1)), order=2)
    F = eng.F
    eng.a = [fix(Fraction(v), F) for v in a]
    eng.u = [[fix(Fraction(v), F) for v in row] for row in U]
    A, Us, R, neurons, pairs = eng.series(mpz(1) << F, active)
    scale = Fraction(1, 1 << F)
    da = [Fraction(int(A[j][1])) * scale if j in neurons else Fraction(0) for j in range(problem.m)]
    dU = [[Fraction(int(Us[(j, k)][1])) * scale if (j, k) in Us else Fraction(0) for k in range(problem.n)]
          for j in range(problem.m)]
    return da, dU
