"""The float64 fast path: the reduced system by a numpy-vectorised Taylor method with events.

Same equations, same event logic as the multiprecision reduced engine (module
``gfcheck.numeric._reduced``): between kinks the field is polynomial, the Taylor coefficients
come from Cauchy products, vectorised over all neurons and points::

    r[i]    = sum_l sum_j a[l, j] U[i - l, j, :]           (inactive u's have zero series)
    U[i+1]  = -(c / (i + 1)) * M * (a[:i+1].T @ r[i::-1])    (M: activation mask, c_k = ||x_k||^2/n)
    a[i+1]  = -(1 / (n (i + 1))) * einsum(r[:i+1], U[i::-1])

Order ``p = 20`` and step ``h = rho e^{-2} e^{-0.7/(p-1)}`` from the last two coefficients
relative to the state norm (tolerance ~ 2^-52 relative to ``max |z|``).  Kinks are found by
sampling the local polynomials at 16 points of the step, then Newton/bisection on the earliest
one; ``u_jk`` is set to 0 and frozen (or re-activated under ``ReLU'(0) = 1`` when the push
``-a_j r_k ||x_k||^2/n`` turns outward).  The accuracy reached is *measured*: a second run with
every step halved, ``stats["accuracy"]`` = largest difference of the final a_j, u_jk (also the
trajectory's ``error_estimate``).
"""

from __future__ import annotations

import math
import time as _time
from fractions import Fraction

import mpmath
import numpy as np

from gfcheck.symbolic.errors import IntegrationFailed, InvalidInput, StepSizeCollapse, TooManyEvents

from .trajectory import Event, State, Trajectory

__all__ = ["integrate_float64"]

_ORDER = 20
_SAMPLES = 16


def _initial(problem):
    from ._reduced import initial_values

    a0, u0 = initial_values(problem)
    a = np.array([q[1] * math.sqrt(q[2]) if isinstance(q, tuple) else float(q) for q in a0])
    U = np.array([[float(q) for q in row] for row in u0], dtype=float)
    return a, U


def _poly_root(coef, lo, hi, sign_lo=1.0):
    """Root of sum coef[i] t^i in [lo, hi] (positive at lo, <= 0 at hi): safeguarded Newton."""
    c = [float(v) * sign_lo for v in coef]
    dc = [i * c[i] for i in range(1, len(c))]

    def f(t, cs):
        acc = 0.0
        for v in reversed(cs):
            acc = acc * t + v
        return acc

    t = 0.5 * (lo + hi)
    for _ in range(80):
        v = f(t, c)
        if v <= 0:
            hi = t
        else:
            lo = t
        d = f(t, dc)
        nt = t - v / d if d != 0 else 0.5 * (lo + hi)
        if not lo <= nt <= hi:
            nt = 0.5 * (lo + hi)
        if abs(nt - t) <= 2e-16 * max(abs(nt), 1e-300) or hi - lo <= 2e-16 * max(hi, 1e-300):
            return nt
        t = nt
    return hi


class _F64:
    def __init__(self, problem, order=_ORDER, step_factor=1.0):
        self.problem = problem
        self.n, self.m = problem.n, problem.m
        self.p = order
        self.c = np.array([float(q) / self.n for q in problem.norms_squared()])
        self.y = np.array([float(q) for q in problem.labels])
        self.a, self.U = _initial(problem)
        self.rp1 = problem.relu_prime_at_zero == 1
        self.step_factor = step_factor

    def series(self, M):
        p, n = self.p, self.n
        m = self.m
        A = np.zeros((p + 1, m))
        Uc = np.zeros((p + 1, m, n))
        R = np.zeros((p + 1, n))
        S = np.zeros((p + 1, m, n))  # (a_j * r_k)[i] for every pair
        A[0] = self.a
        Uc[0] = np.where(M, self.U, 0.0)
        c = self.c
        for i in range(p):
            R[i] = np.einsum("lj,ljk->k", A[: i + 1], Uc[i::-1]) if i else A[0] @ Uc[0]
            if i == 0:
                R[0] -= self.y
            S[i] = A[: i + 1].T @ R[i::-1]
            Uc[i + 1] = (-(1.0 / (i + 1)) * c) * S[i] * M
            A[i + 1] = (-1.0 / (n * (i + 1))) * np.einsum("lk,ljk->j", R[: i + 1], Uc[i::-1])
        R[p] = np.einsum("lj,ljk->k", A, Uc[::-1])
        S[p] = A.T @ R[::-1]
        return A, Uc, R, S

    def run(self, t_end, times, until_loss, watches, max_steps, max_events):
        n, p = self.n, self.p
        T = float(t_end)
        ts = [float(s) for s in times]
        M = self.U > 0
        t = 0.0
        events, samples = [], []
        crossings = {w.name: None for w in watches}
        wts = [(w.name, np.array(sorted(w.points), dtype=int), 2 * n * float(w.target)) for w in watches]
        ltarget = None if until_loss is None else 2 * n * float(until_loss)
        si = 0
        steps = 0
        stop = False
        fac_step = math.exp(-2.0 - 0.7 / (p - 1)) * self.step_factor
        h_prev = None

        def rec(tt, j, k, kind):
            events.append(Event(tt, int(j), int(k), kind))
            if len(events) > max_events:
                raise TooManyEvents(
                    f"more than max_events = {max_events} activation events (last: neuron {j}, point {k}, "
                    f"{kind} at t = {tt:.12g}); raise max_events if the events are genuine")

        def residual():
            return (self.a[:, None] * np.where(M, self.U, 0.0)).sum(0) - self.y

        def start_checks(tt):
            bad = M & (self.U <= 0)
            if self.rp1:
                bad &= self.U < 0
            for j, k in zip(*np.nonzero(bad)):
                self.U[j, k] = 0.0
                M[j, k] = False
                rec(tt, j, k, "deactivate")
            if self.rp1:
                r = residual()
                push = -self.a[:, None] * r[None, :]
                new = (~M) & (self.U == 0) & (push > 0)
                for j, k in zip(*np.nonzero(new)):
                    M[j, k] = True
                    rec(tt, j, k, "activate")

        start_checks(0.0)
        r0 = residual()
        if ltarget is not None and (r0 @ r0) <= ltarget:
            stop = True
        for name, pts, tg in wts:
            if (r0[pts] @ r0[pts]) <= tg:
                crossings[name] = 0.0
        while si < len(ts) and ts[si] <= 0.0:
            samples.append((ts[si], self.a.copy(), self.U.copy()))
            si += 1
        while not stop and t < T:
            if not M.any():
                while si < len(ts):
                    samples.append((ts[si], self.a.copy(), self.U.copy()))
                    si += 1
                t = T
                break
            steps += 1
            if steps > max_steps:
                raise IntegrationFailed(f"more than max_steps = {max_steps} steps before t = {T:.12g} "
                                        f"(stopped at t = {t:.12g}); raise max_steps")
            A, Uc, R, S = self.series(M)
            N = max(np.abs(self.a).max(), np.abs(self.U).max())
            n1 = max(np.abs(A[p - 1]).max(), np.abs(Uc[p - 1]).max())
            n2 = max(np.abs(A[p]).max(), np.abs(Uc[p]).max())
            rhos = []
            if n1 > 0:
                rhos.append((N / n1) ** (1.0 / (p - 1)))
            if n2 > 0:
                rhos.append((N / n2) ** (1.0 / p))
            h = min(rhos) * fac_step if rhos else (T - t)
            if h_prev is not None:
                h = min(h, 8 * h_prev)
            if not h > 1e-15 * max(1.0, abs(t)):
                raise StepSizeCollapse(f"float64 step collapsed to {h:.3e} at t = {t:.12g}; use the "
                                       "multiprecision engine (engine='reduced')")
            final = False
            if t + h >= T:
                h = T - t
                final = True
            # sample the local polynomials on the step
            tq = h * np.arange(1, _SAMPLES + 1) / _SAMPLES
            pw = tq[:, None] ** np.arange(p + 1)[None, :]
            hcut = h
            hits = []
            cands = []  # (first sample index with a sign change, coefficients, j, k, kind)
            act = np.nonzero(M)
            if act[0].size:
                coefs = Uc[:, act[0], act[1]]  # (p+1, P)
                vals = pw @ coefs  # (Q, P)
                crossed = (vals <= 0).any(0)
                for idx in np.nonzero(crossed)[0]:
                    q = int(np.argmax(vals[:, idx] <= 0))
                    cands.append((q, coefs[:, idx], act[0][idx], act[1][idx], "deactivate"))
            if self.rp1:
                zs = np.nonzero((~M) & (self.U == 0))
                if zs[0].size:
                    coefs = S[:, zs[0], zs[1]]  # P = a r; push > 0 where P < 0
                    vals = pw @ coefs
                    crossed = (vals < 0).any(0)
                    for idx in np.nonzero(crossed)[0]:
                        q = int(np.argmax(vals[:, idx] < 0))
                        cands.append((q, coefs[:, idx], zs[0][idx], zs[1][idx], "activate"))
            if cands:
                # only the candidates whose first sign change is in the earliest sample interval
                # can hold the earliest root
                qmin = min(cd[0] for cd in cands)
                lo = 0.0 if qmin == 0 else tq[qmin - 1]
                for q, co, j, k, kind in cands:
                    if q == qmin:
                        hits.append((_poly_root(co, lo, tq[q]), j, k, kind))
            if hits:
                hcut = min(hc[0] for hc in hits)
                slack = 1e-12 * h
                hits = sorted([hc for hc in hits if hc[0] <= hcut + slack], key=lambda z: (z[1], z[2]))
            # loss crossings
            if ltarget is not None or any(crossings[w[0]] is None for w in wts):
                rv = pw @ R  # (Q, n)
                if ltarget is not None:
                    lv = (rv * rv).sum(1)
                    below = np.nonzero((lv <= ltarget) & (tq <= hcut * (1 + 1e-15)))[0]
                    if below.size:
                        q = int(below[0])
                        lo = 0.0 if q == 0 else tq[q - 1]
                        G = np.zeros(2 * p + 1)
                        for k in range(n):
                            G += np.convolve(R[:, k], R[:, k])
                        G[0] -= ltarget
                        hcut = _poly_root(G, lo, tq[q])
                        hits = [hc for hc in hits if hc[0] <= hcut]
                        stop = True
                for name, pts, tg in wts:
                    if crossings[name] is not None:
                        continue
                    lv = (rv[:, pts] ** 2).sum(1)
                    below = np.nonzero((lv <= tg) & (tq <= hcut * (1 + 1e-15)))[0]
                    if below.size:
                        q = int(below[0])
                        lo = 0.0 if q == 0 else tq[q - 1]
                        G = np.zeros(2 * p + 1)
                        for k in pts:
                            G += np.convolve(R[:, k], R[:, k])
                        G[0] -= tg
                        crossings[name] = t + _poly_root(G, lo, tq[q])
            t_next = T if (final and hcut == h and not stop) else t + hcut
            while si < len(ts) and ts[si] <= t_next:
                tau = ts[si] - t
                pv = tau ** np.arange(p + 1)
                a_s = pv @ A
                U_s = np.where(M, np.tensordot(pv, Uc, axes=1), self.U)
                samples.append((ts[si], a_s, U_s))
                si += 1
            pv = hcut ** np.arange(p + 1)
            self.a = pv @ A
            self.U = np.where(M, np.tensordot(pv, Uc, axes=1), self.U)
            t = t_next
            for (_, j, k, kind) in hits:
                if kind == "deactivate" and M[j, k]:
                    self.U[j, k] = 0.0
                    M[j, k] = False
                    rec(t, j, k, kind)
                elif kind == "activate" and not M[j, k]:
                    self.U[j, k] = 0.0
                    M[j, k] = True
                    rec(t, j, k, kind)
            if hits or stop:
                start_checks(t)
            h_prev = h
        return t, samples, events, crossings, steps, stop


def _trajectory(problem, eng_out, eng, t_end, times, accuracy, seconds, stats_extra):
    from ._reduced import weights_from

    t, samples, events, crossings, steps, stop = eng_out
    want_w = problem.m * problem.d * (problem.n + 1) <= 200_000
    with mpmath.workprec(53):
        def state(tt, a, U):
            st = State(mpmath.mpf(float(tt)), tuple(mpmath.mpf(float(v)) for v in a),
                       tuple(tuple(mpmath.mpf(float(v)) for v in row) for row in U))
            if want_w:
                st = State(st.t, st.a, st.U, weights_from(problem, st))
            return st

        smp = tuple(state(tt, a, U) for (tt, a, U) in samples)
        final = state(t if stop else float(t_end), eng.a, eng.U)
        evs = tuple(Event(mpmath.mpf(float(e.t)), e.neuron, e.point, e.kind) for e in events)
        cr = {k: (mpmath.mpf(float(v)) if v is not None else None) for k, v in crossings.items()}
        acc = None if accuracy is None else mpmath.mpf(float(accuracy))
    stats = {"steps": steps, "events": len(evs), "order": eng.p, "seconds": seconds,
             "accuracy": None if accuracy is None else float(accuracy), "stopped_on_loss": stop}
    stats.update(stats_extra)
    return Trajectory(engine="float64", dps=15, work_bits=53, samples=smp, final=final, events=evs,
                      crossings=cr, error_estimate=acc, steps=steps, stats=stats)


def integrate_float64(problem, *, t_end, times=(), until_loss=None, watches=(), max_steps=10**6,
                      max_events=10**5, measure_accuracy=True, order=_ORDER):
    """The float64 fast path (see the module docstring); ``stats["accuracy"]`` is measured.

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "1"]],
    ...     "labels": ["1", "-1"], "width": 2, "init": {"scale": "1/1000",
    ...     "directions": [["1", "1"], ["1", "1"]], "signs": [1, -1]}})
    >>> tr = integrate_float64(p, t_end=Fraction(60))
    >>> [(e.neuron, e.point, e.kind) for e in tr.events]
    [(0, 1, 'deactivate'), (1, 0, 'deactivate')]
    >>> tr.stats["accuracy"] < 1e-12
    True
    """
    problem.require_square_loss("engine='float64'", elsewhere="full")
    problem.require_orthogonal("engine='float64'")
    if not isinstance(order, int) or order < 4:
        raise InvalidInput(f"float64 engine: order must be an integer >= 4, found {order!r}")
    t0 = _time.perf_counter()
    eng = _F64(problem, order=order)
    out = eng.run(t_end, times, until_loss, watches, max_steps, max_events)
    seconds = _time.perf_counter() - t0
    accuracy = None
    extra = {}
    if measure_accuracy:
        t1 = _time.perf_counter()
        ref = _F64(problem, order=order, step_factor=0.5)
        ref.run(t_end, times, until_loss, watches, max_steps, max_events)
        accuracy = max(float(np.abs(eng.a - ref.a).max()), float(np.abs(eng.U - ref.U).max()))
        extra["accuracy_method"] = "difference to a second run with every step halved"
        extra["accuracy_seconds"] = _time.perf_counter() - t1
    return _trajectory(problem, out, eng, t_end, times, accuracy, seconds, extra)


_ = Fraction
