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
``-a_j r_k ||x_k||^2/n`` turns outward).  The accuracy reached is *measured*: a reference run of
the same engine in x87 extended precision (numpy ``longdouble``, 64-bit significand, order 20)
on the other core; ``stats["accuracy"]`` (also the trajectory's ``error_estimate``) is
``2 max |z - z'|`` over the final and sampled ``a, U, W``, the event and the crossing times
(:mod:`gfcheck.numeric.estimate` says what it bounds).  The weights ``W`` of all states are
rebuilt in one vectorised step at the end (:func:`gfcheck.numeric._reduced.weights_float`).
"""

from __future__ import annotations

import math
import time as _time
from fractions import Fraction

import mpmath
import numpy as np

from gfcheck.symbolic.errors import IntegrationFailed, InvalidInput, StepSizeCollapse, TooManyEvents

from .precision import exact_to_float
from .trajectory import Event, State, Trajectory

__all__ = ["integrate_float64"]

_ORDER = 20
_SAMPLES = 16
#: bits above the float64 rounding below which a residual counts as 0 (ReLU'(0) = 1 pushes)
_PUSH_SLACK = 12


def _initial(problem, dtype=np.float64):
    from ._reduced import initial_values

    a0, u0 = initial_values(problem)
    if dtype == np.float64:
        a = np.array([q[1] * math.sqrt(q[2]) if isinstance(q, tuple) else float(q) for q in a0])
        U = np.array([[float(q) for q in row] for row in u0], dtype=float)
        return a, U
    # a wider float (the reference run): each value rounded once from the exact data
    conv = exact_to_float(dtype)
    a = np.array([conv(q[2], sqrt=True) * q[1] if isinstance(q, tuple) else conv(q) for q in a0], dtype=dtype)
    U = np.array([[conv(q) for q in row] for row in u0], dtype=dtype).reshape(problem.m, problem.n)
    return a, U


def _poly_root(coef, lo, hi, sign_lo=1.0, eps=2e-16):
    """Root of sum coef[i] t^i in [lo, hi] (positive at lo, <= 0 at hi): safeguarded Newton
    to a relative bracket of ``eps`` (the unit roundoff of the run's float type)."""
    c = [v * sign_lo for v in coef.tolist()] if eps >= 2e-16 else [v * sign_lo for v in coef]
    dc = [i * c[i] for i in range(1, len(c))]

    def f(t, cs):
        acc = 0.0 * t
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
        if abs(nt - t) <= eps * max(abs(nt), 1e-300) or hi - lo <= eps * max(hi, 1e-300):
            return nt
        t = nt
    return hi


class _F64:
    def __init__(self, problem, order=_ORDER, step_factor=1.0, dtype=np.float64):
        self.problem = problem
        self.n, self.m = problem.n, problem.m
        self.p = order
        self.dtype = dtype
        #: float64's constants (root tolerance 2e-16, collapse 1e-15, ...) scaled to ``dtype``
        self.rel = float(np.finfo(dtype).eps) / 2.0 ** -52
        conv = float if dtype == np.float64 else exact_to_float(dtype)
        self.c = np.array([conv(q / self.n) for q in problem.norms_squared()], dtype=dtype)
        self.y = np.array([conv(q) for q in problem.labels], dtype=dtype)
        self.a, self.U = _initial(problem, dtype)
        self.rp1 = problem.relu_prime_at_zero == 1
        # ReLU'(0) = 1: a residual within 2^12 float64 roundings of 0 has no resolved sign, so
        # neither has the push on a coordinate at 0 (as in the reduced engine, _reentry_root)
        self.r_floor = np.abs(self.y) * 2.0 ** (-52 + _PUSH_SLACK)
        self.step_factor = step_factor

    def series(self, M):
        p, n = self.p, self.n
        m = self.m
        dt = self.dtype
        A = np.zeros((p + 1, m), dtype=dt)
        Uc = np.zeros((p + 1, m, n), dtype=dt)
        R = np.zeros((p + 1, n), dtype=dt)
        S = np.zeros((p + 1, m, n), dtype=dt)  # (a_j * r_k)[i] for every pair
        A[0] = self.a
        Uc[0] = np.where(M, self.U, 0.0)
        c = self.c
        for i in range(p):
            # one matrix-vector product over (order, neuron) pairs (BLAS for float64)
            R[i] = A[: i + 1].reshape(-1) @ Uc[i::-1].reshape(-1, n) if i else A[0] @ Uc[0]
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
        dt = self.dtype
        conv = float if dt == np.float64 else exact_to_float(dt)
        rel = self.rel
        eps = 2e-16 * rel
        T = conv(t_end)
        ts = [conv(s) for s in times]
        M = self.U > 0
        t = 0.0
        events, samples = [], []
        crossings = {w.name: None for w in watches}
        wts = [(w.name, np.array(sorted(w.points), dtype=int), conv(2 * n * w.target)) for w in watches]
        ltarget = None if until_loss is None else conv(2 * n * until_loss)
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
                new = (~M) & (self.U == 0) & (push > 0) & (np.abs(r) > self.r_floor)[None, :]
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
            if not h > 1e-15 * rel * max(1.0, abs(t)):
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
                    # P = a r; the push is positive where P < 0 and resolved where P < -thr; a
                    # coordinate re-enters at the sign change only if the push is resolved
                    # later in the step (else it is held at 0: no chatter on rounding noise)
                    coefs = S[:, zs[0], zs[1]]
                    vals = pw @ coefs
                    thr = np.abs(A[:, zs[0]]).sum(0) * self.r_floor[zs[1]]
                    resolved = (vals < -thr[None, :]).any(0)
                    for idx in np.nonzero(resolved)[0]:
                        if coefs[0, idx] <= 0:
                            hits.append((0.0, zs[0][idx], zs[1][idx], "activate"))
                            continue
                        q = int(np.argmax(vals[:, idx] <= 0))
                        cands.append((q, coefs[:, idx], zs[0][idx], zs[1][idx], "activate"))
            if cands and not hits:
                # only the candidates whose first sign change is in the earliest sample interval
                # can hold the earliest root
                qmin = min(cd[0] for cd in cands)
                lo = 0.0 if qmin == 0 else tq[qmin - 1]
                for q, co, j, k, kind in cands:
                    if q == qmin:
                        hits.append((_poly_root(co, lo, tq[q], eps=eps), j, k, kind))
            if hits:
                hcut = min(hc[0] for hc in hits)
                slack = 1e-12 * rel * h
                hits = sorted([hc for hc in hits if hc[0] <= hcut + slack], key=lambda z: (z[1], z[2]))
            # loss crossings
            if ltarget is not None or any(crossings[w[0]] is None for w in wts):
                rv = pw @ R  # (Q, n)
                if ltarget is not None:
                    lv = (rv * rv).sum(1)
                    below = np.nonzero((lv <= ltarget) & (tq <= hcut * (1 + 1e-15 * rel)))[0]
                    if below.size:
                        q = int(below[0])
                        lo = 0.0 if q == 0 else tq[q - 1]
                        G = np.zeros(2 * p + 1, dtype=dt)
                        for k in range(n):
                            G += np.convolve(R[:, k], R[:, k])
                        G[0] -= ltarget
                        hcut = _poly_root(G, lo, tq[q], eps=eps)
                        hits = [hc for hc in hits if hc[0] <= hcut]
                        stop = True
                for name, pts, tg in wts:
                    if crossings[name] is not None:
                        continue
                    lv = (rv[:, pts] ** 2).sum(1)
                    below = np.nonzero((lv <= tg) & (tq <= hcut * (1 + 1e-15 * rel)))[0]
                    if below.size:
                        q = int(below[0])
                        lo = 0.0 if q == 0 else tq[q - 1]
                        G = np.zeros(2 * p + 1, dtype=dt)
                        for k in pts:
                            G += np.convolve(R[:, k], R[:, k])
                        G[0] -= tg
                        crossings[name] = t + _poly_root(G, lo, tq[q], eps=eps)
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


def _trajectory(problem, eng_out, eng, t_end, times, accuracy, seconds, stats_extra, sample_weights=True):
    from ._reduced import weights_float

    t, samples, events, crossings, steps, stop = eng_out
    want_w = problem.m * problem.d * (problem.n + 1) <= 200_000
    # W of every state that carries it, in one vectorised step (float64 throughout)
    U_stack = [U for (_, _, U) in samples] if (want_w and sample_weights) else []
    W_all = weights_float(problem, np.array(U_stack + [eng.U])) if want_w else None
    mpf = mpmath.mpf
    with mpmath.workprec(53):
        def state(tt, a, U, W):
            return State(mpf(float(tt)), tuple(map(mpf, np.asarray(a, dtype=float).tolist())),
                         tuple(tuple(map(mpf, row)) for row in np.asarray(U, dtype=float).tolist()),
                         None if W is None else tuple(tuple(map(mpf, row)) for row in W.tolist()))

        smp = tuple(state(tt, a, U, W_all[i] if U_stack else None) for i, (tt, a, U) in enumerate(samples))
        final = state(t if stop else float(t_end), eng.a, eng.U, None if W_all is None else W_all[-1])
        evs = tuple(Event(mpf(float(e.t)), e.neuron, e.point, e.kind) for e in events)
        cr = {k: (mpf(float(v)) if v is not None else None) for k, v in crossings.items()}
        acc = None if accuracy is None else mpf(float(accuracy))
    stats = {"steps": steps, "events": len(evs), "order": eng.p, "seconds": seconds,
             "accuracy": None if accuracy is None else float(accuracy), "stopped_on_loss": stop}
    stats.update(stats_extra)
    return Trajectory(engine="float64", dps=15, work_bits=53, samples=smp, final=final, events=evs,
                      crossings=cr, error_estimate=acc, steps=steps, stats=stats)


def integrate_float64(problem, *, t_end, times=(), until_loss=None, watches=(), max_steps=10**6,
                      max_events=10**5, measure_accuracy=True, order=_ORDER, sample_weights=True,
                      parallel=None):
    """The float64 fast path (see the module docstring); ``stats["accuracy"]`` is measured.

    ``sample_weights=False`` leaves ``W`` out of the samples (the final state keeps it);
    ``parallel`` as ``error_estimate_parallel`` of :func:`gfcheck.numeric.integrate`.

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
    def main():
        t0 = _time.perf_counter()
        eng = _F64(problem, order=order)
        out = eng.run(t_end, times, until_loss, watches, max_steps, max_events)
        return eng, out, _time.perf_counter() - t0

    if not measure_accuracy:
        eng, out, seconds = main()
        return _trajectory(problem, out, eng, t_end, times, None, seconds, {}, sample_weights)

    def reference():
        # x87 extended precision (64-bit significand) with the engine's own order; an ``order``
        # override is not carried over, so a truncated order is caught
        t1 = _time.perf_counter()
        ref = _F64(problem, order=_REF_ORDER, dtype=_REF_DTYPE)
        rout = ref.run(t_end, times, until_loss, watches, max_steps, max_events)
        return ref.a, ref.U, rout, _time.perf_counter() - t1

    from .estimate import run_with_reference

    (eng, out, seconds), (ra, rU, rout, rsec) = run_with_reference(main, reference, parallel=parallel)
    parts, mismatches = _difference(problem, (eng.a, eng.U, out), (ra, rU, rout), sample_weights)
    from .estimate import estimate_from_parts

    scale = max(float(np.abs(eng.a).max(initial=0)), float(np.abs(eng.U).max(initial=0)))
    accuracy = float(estimate_from_parts(parts, mismatches, scale))
    extra = {"accuracy_method": "2 max |z - z'| against the same engine in extended precision "
                                f"({np.finfo(_REF_DTYPE).nmant + 1}-bit significand, order {_REF_ORDER}), "
                                "over the final and sampled a, U, W, event and crossing times",
             "accuracy_seconds": rsec, "error_estimate_parts": {k: f"{float(v):.3g}" for k, v in parts.items()},
             "error_estimate_mismatch": mismatches}
    return _trajectory(problem, out, eng, t_end, times, accuracy, seconds, extra, sample_weights)


#: the reference run of the float64 engine's error estimate: x87 extended precision where numpy
#: has it (64-bit significand; else float64 itself, flagged by the accuracy method)
_REF_DTYPE = np.longdouble
#: the engine's own order: its truncation error (e^-2p ~ 4e-18 relative) is far below float64's
#: rounding, the error the reference has to resolve
_REF_ORDER = _ORDER


def _difference(problem, main, ref, sample_weights):
    """The parts of the float64 estimate (see :mod:`gfcheck.numeric.estimate`), in ``_REF_DTYPE``."""
    from ._reduced import weights_float
    from .estimate import match_crossings, match_events

    (a, U, out), (ra, rU, rout) = main, ref
    want_w = problem.m * problem.d * (problem.n + 1) <= 200_000
    dt = _REF_DTYPE

    def state_diff(a1, U1, a2, U2, with_w):
        d = max(np.abs(np.asarray(a1, dtype=dt) - a2).max(initial=0),
                np.abs(np.asarray(U1, dtype=dt) - U2).max(initial=0))
        if with_w:
            W1 = weights_float(problem, U1)
            W2 = weights_float(problem, U2, dtype=dt)
            d = max(d, np.abs(np.asarray(W1, dtype=dt) - W2).max(initial=0))
        return d

    parts = {"final": state_diff(a, U, ra, rU, want_w)}
    if out[5] or rout[5]:
        parts["final"] = max(parts["final"], abs(dt(out[0]) - rout[0]))
    parts["samples"] = max((state_diff(s[1], s[2], r[1], r[2], want_w and sample_weights)
                            for s, r in zip(out[1], rout[1])), default=dt(0))
    parts["events"], bad_e = match_events(out[2], rout[2])
    parts["crossings"], bad_c = match_crossings(out[3], rout[3])
    return parts, [m for m in (bad_e, bad_c) if m]


_ = Fraction
