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
on the other core (each run resolves a ReLU'(0) = 1 push at its own significand, ``2^12`` roundings
of ``|y_k|``: a push that float64 cannot resolve is resolved there, so a re-entry that float64
places late shows in the estimate); ``stats["accuracy"]`` (also the trajectory's ``error_estimate``) is
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

from gfcheck.symbolic.budget import checkpoint
from gfcheck.symbolic.errors import IntegrationFailed, InvalidInput, StepSizeCollapse, TooManyEvents

from . import _common
from ._roots import refine_root
from .estimate import with_estimate
from .precision import Precision, exact_to_float, to_mpf
from .trajectory import Event, State, check_args

__all__ = ["integrate_float64", "FLOAT64"]

_ORDER = 20
_SAMPLES = 16
#: bits above the float64 rounding below which a residual counts as 0 (ReLU'(0) = 1 pushes)
_PUSH_SLACK = 12


def _initial(problem, dtype=np.float64):
    """The exact start (:func:`gfcheck.numeric._common.initial_values`) rounded once to ``dtype``."""
    a0, u0 = _common.initial_values(problem)
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
    (:func:`gfcheck.numeric._roots.refine_root`) to a relative bracket of ``eps`` (the unit
    roundoff of the run's float type)."""
    c = [v * sign_lo for v in coef.tolist()] if eps >= 2e-16 else [v * sign_lo for v in coef]
    return refine_root(_FloatRoots(c, eps), lo, hi, 0.5 * (lo + hi), 80)


class _FloatRoots:
    """The float kernel of :func:`gfcheck.numeric._roots.refine_root`: Horner in the run's float
    type; converged when the Newton step or the bracket is below ``eps`` relative (returns the
    last Newton iterate)."""

    __slots__ = ("c", "dc", "eps")

    def __init__(self, c, eps):
        self.c, self.dc, self.eps = c, [i * c[i] for i in range(1, len(c))], eps

    @staticmethod
    def _horner(cs, t):
        acc = 0.0 * t
        for v in reversed(cs):
            acc = acc * t + v
        return acc

    def value(self, t):
        return self._horner(self.c, t)

    def slope(self, t):
        return self._horner(self.dc, t)

    @staticmethod
    def newton(t, v, d, lo, hi):
        return t - v / d if d != 0 else 0.5 * (lo + hi)

    @staticmethod
    def inside(lo, x, hi) -> bool:
        return lo <= x <= hi

    @staticmethod
    def middle(lo, hi):
        return 0.5 * (lo + hi)

    def done(self, lo, hi, t, nt):
        eps = self.eps
        if abs(nt - t) <= eps * max(abs(nt), 1e-300) or hi - lo <= eps * max(hi, 1e-300):
            return nt
        return None


class _F64:
    """One run of the float engine (float64, or a wider float for the reference run).

    :meth:`run` is the loop; each step goes through the named phases :meth:`series`,
    :meth:`step_size`, :meth:`event_scan`, :meth:`loss_scan`, :meth:`record_samples`,
    :meth:`advance` and :meth:`apply_hits`.
    """

    def __init__(self, problem, order=_ORDER, step_factor=1.0, dtype=np.float64):
        self.problem = problem
        self.n, self.m = problem.n, problem.m
        self.p = order
        self.dtype = dtype
        #: float64's constants (root tolerance 2e-16, collapse 1e-15, ...) scaled to ``dtype``
        self.rel = float(np.finfo(dtype).eps) / 2.0 ** -52
        self.conv = conv = float if dtype == np.float64 else exact_to_float(dtype)
        self.c = np.array([conv(q / self.n) for q in problem.norms_squared()], dtype=dtype)
        self.y = np.array([conv(q) for q in problem.labels], dtype=dtype)
        self.a, self.U = _initial(problem, dtype)
        self.rp1 = problem.relu_prime_at_zero == 1
        # ReLU'(0) = 1: a residual within 2^12 roundings (of the run's float type) of 0 has no resolved
        # sign, so neither has the push on a coordinate at 0 (as in the reduced engine, _reentry_root);
        # the reference run resolves at its own bits, or its estimate would share float64's late re-entries
        self.r_floor = np.abs(self.y) * (2.0 ** (-52 + _PUSH_SLACK) * self.rel)
        self.step_factor = step_factor
        #: neurons whose lone active coordinate moves on an invariant line (no finite-time root)
        self.line = np.array(_common.on_invariant_line(problem), dtype=bool)
        self.xnorm = np.array([math.sqrt(q) if dtype == np.float64 else conv(q, sqrt=True)
                               for q in problem.norms_squared()], dtype=dtype)
        self.L = np.zeros((self.m, self.n), dtype=bool)

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
        self.begin(t_end, times, until_loss, watches, max_steps, max_events)
        while not self.stop and self.t < self.T:
            if not self.M.any():
                self.record_samples_until(self.T)
                self.t = self.T
                break
            self.hold_on_lines()
            self.count_step()
            A, Uc, R, S = self.series(self.M)
            h, final = self.step_size(A, Uc)
            tq, pw, hits = self.event_scan(A, Uc, S, h)
            hcut, hits = self.loss_scan(R, tq, pw, h, hits)
            t_next = self.T if (final and hcut == h and not self.stop) else self.t + hcut
            self.record_samples(A, Uc, t_next)
            self.advance(A, Uc, hcut)
            t_prev, self.t = self.t, t_next
            self.apply_hits(hits)
            self.watchdog.after_step(t_prev, t_next, hits, self.floor)
            self.h_prev = h
        return _common.Run(t_final=self.t, samples=self.samples, final=(self.a, self.U), events=self.events,
                           crossings=self.crossings, steps=self.steps, stopped_on_loss=self.stop)

    def begin(self, t_end, times, until_loss, watches, max_steps, max_events):
        """The run's targets in the run's float type and the checks at ``t = 0``."""
        n, conv = self.n, self.conv
        self.max_steps, self.max_events = max_steps, max_events
        self.eps = 2e-16 * self.rel
        self.T = conv(t_end)
        self.ts = [conv(s) for s in times]
        self.M = self.U > 0
        self.t = 0.0
        self.events, self.samples = [], []
        self.crossings = {w.name: None for w in watches}
        self.wts = [(w.name, np.array(sorted(w.points), dtype=int), conv(2 * n * w.target)) for w in watches]
        self.ltarget = None if until_loss is None else conv(2 * n * until_loss)
        self.si = 0
        self.steps = 0
        self.stop = False
        self.fac_step = math.exp(-2.0 - 0.7 / (self.p - 1)) * self.step_factor
        self.h_prev = None
        self.floor = 0.0
        # the scales of the step floor (_common.polynomial_floor)
        self.K, self.Ymax = max(1.0, float(self.c.max())), float(np.abs(self.y).max())
        self.watchdog = _common.Watchdog("float64", finite_kinks=_common.finite_kinks(self.problem),
                                         as_time=float, summary=self.summary)
        self.start_checks(0.0)
        r0 = self.residual()
        if self.ltarget is not None and (r0 @ r0) <= self.ltarget:
            self.stop = True
        # a watch is crossed once the loss is below its level by the band (the float type's bits)
        bits = int(np.finfo(self.dtype).nmant) + 1
        bands = [_common.loss_band(_common.label_loss(self.problem, w.points), w.target, bits) for w in watches]
        self.watch_rules = {w.name: (_common.Crossing(), conv(2 * n * b)) for w, b in zip(watches, bands)}
        for name, pts, tg in self.wts:
            rule, band = self.watch_rules[name]
            self.crossings[name] = rule.at_start(r0[pts] @ r0[pts], tg, band, 0.0)
        self.record_samples_until(0.0)

    def summary(self):
        """The state in one line and the last events (for :class:`StepCollapse`)."""
        norm = max(float(np.abs(self.a).max()), float(np.abs(self.U).max()))
        return (f"max |z| = {norm:.3g}, {int(self.M.sum())} active pairs",
                [(e.t, e.neuron, e.point, e.kind) for e in self.events[-5:]])

    def record(self, tt, j, k, kind):
        """One activation event (``max_events`` guards against chattering)."""
        self.events.append(Event(tt, int(j), int(k), kind))
        if len(self.events) > self.max_events:
            raise TooManyEvents(
                f"more than max_events = {self.max_events} activation events (last: neuron {j}, point {k}, "
                f"{kind} at t = {tt:.12g}); raise max_events if the events are genuine")

    def residual(self):
        return (self.a[:, None] * np.where(self.M, self.U, 0.0)).sum(0) - self.y

    def hold_on_lines(self):
        """Phase 0: the pairs on their invariant line (:func:`gfcheck.numeric._common.on_invariant_line`,
        the same rule as the reduced engine) are put back on it, ``a_j = s_j u_jk / ||x_k||``;
        their roots are not searched."""
        M, U = self.M, self.U
        lone = self.line & (M.sum(1) == 1) & np.where(M, True, U == 0).all(1)
        self.L = M & lone[:, None]
        for j, k in zip(*np.nonzero(self.L)):
            if U[j, k] <= 0:  # vanished below the resolution (positive in exact arithmetic)
                U[j, k] = self.a[j] = 0.0
            else:
                self.a[j] = math.copysign(1.0, self.a[j]) * (U[j, k] / self.xnorm[k])

    def start_checks(self, tt):
        """Activation bookkeeping at a step start: coordinates <= 0 leave, pushes re-activate."""
        M = self.M
        gone = self.L & (self.U <= 0)
        self.U[gone] = 0.0
        self.a[gone.any(1)] = 0.0
        bad = M & (self.U <= 0) & ~self.L
        if self.rp1:
            bad &= self.U < 0
        for j, k in zip(*np.nonzero(bad)):
            self.U[j, k] = 0.0
            M[j, k] = False
            self.record(tt, j, k, "deactivate")
        if self.rp1:
            r = self.residual()
            push = -self.a[:, None] * r[None, :]
            new = (~M) & (self.U == 0) & (push > 0) & (np.abs(r) > self.r_floor)[None, :]
            for j, k in zip(*np.nonzero(new)):
                M[j, k] = True
                self.record(tt, j, k, "activate")

    def count_step(self):
        """Phase 0: the step budget."""
        self.steps += 1
        checkpoint()  # a signal dropped in a finalizer is raised here (gfcheck.symbolic.budget.checkpoint)
        if self.steps > self.max_steps:
            raise IntegrationFailed(f"more than max_steps = {self.max_steps} steps before t = {self.T:.12g} "
                                    f"(stopped at t = {self.t:.12g}); raise max_steps")

    def step_size(self, A, Uc):
        """Phase 2: the step from the last two coefficients relative to the state norm."""
        p, t = self.p, self.t
        N = max(np.abs(self.a).max(), np.abs(self.U).max())
        n1 = max(np.abs(A[p - 1]).max(), np.abs(Uc[p - 1]).max())
        n2 = max(np.abs(A[p]).max(), np.abs(Uc[p]).max())
        rhos = []
        if n1 > 0:
            rhos.append((N / n1) ** (1.0 / (p - 1)))
        if n2 > 0:
            rhos.append((N / n2) ** (1.0 / p))
        h = min(rhos) * self.fac_step if rhos else (self.T - t)
        if rhos:
            # the watchdog: the series' own step against the floor (the step factor scales both)
            self.floor = _common.polynomial_floor(p, float(N), self.Ymax, self.K, self.m) * self.step_factor
            self.watchdog.check_step(t, h, self.floor)
        if self.h_prev is not None:
            h = min(h, 8 * self.h_prev)
        if not h > 1e-15 * self.rel * max(1.0, abs(t)):
            raise StepSizeCollapse(f"float64 step collapsed to {h:.3e} at t = {t:.12g}; use the "
                                   "multiprecision engine (engine='reduced')")
        if t + h >= self.T:
            return self.T - t, True
        return h, False

    def event_scan(self, A, Uc, S, h):
        """Phase 3: the local polynomials sampled on the step; the earliest kinks refined
        -> ``(sample times, their powers, hits (tau, j, k, kind) in (neuron, point) order)``."""
        p = self.p
        tq = h * np.arange(1, _SAMPLES + 1) / _SAMPLES
        pw = tq[:, None] ** np.arange(p + 1)[None, :]
        hits = []
        cands = []  # (first sample index with a sign change, coefficients, j, k, kind)
        act = np.nonzero(self.M & ~self.L)
        if act[0].size:
            coefs = Uc[:, act[0], act[1]]  # (p+1, P)
            vals = pw @ coefs  # (Q, P)
            crossed = (vals <= 0).any(0)
            for idx in np.nonzero(crossed)[0]:
                q = int(np.argmax(vals[:, idx] <= 0))
                cands.append((q, coefs[:, idx], act[0][idx], act[1][idx], "deactivate"))
        if self.rp1:
            self.reentry_scan(A, S, pw, hits, cands)
        if cands and not hits:
            # only the candidates whose first sign change is in the earliest sample interval
            # can hold the earliest root
            qmin = min(cd[0] for cd in cands)
            lo = 0.0 if qmin == 0 else tq[qmin - 1]
            for q, co, j, k, kind in cands:
                if q == qmin:
                    hits.append((_poly_root(co, lo, tq[q], eps=self.eps), j, k, kind))
        if hits:
            hcut = min(hc[0] for hc in hits)
            slack = 1e-12 * self.rel * h
            hits = sorted([hc for hc in hits if hc[0] <= hcut + slack], key=lambda z: (z[1], z[2]))
        return tq, pw, hits

    def reentry_scan(self, A, S, pw, hits, cands):
        """ReLU'(0) = 1: P = a r; the push is positive where P < 0 and resolved where P < -thr; a
        coordinate re-enters at the sign change only if the push is resolved later in the step
        (else it is held at 0: no chatter on rounding noise)."""
        zs = np.nonzero((~self.M) & (self.U == 0))
        if not zs[0].size:
            return
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

    def loss_scan(self, R, tq, pw, h, hits):
        """Phase 4: the loss level and the watches on the local series -> ``(hcut, hits)``."""
        hcut = min(hc[0] for hc in hits) if hits else h
        if self.ltarget is None and all(self.crossings[w[0]] is not None for w in self.wts):
            return hcut, hits
        rv = pw @ R  # (Q, n)
        if self.ltarget is not None:
            lv = (rv * rv).sum(1)
            root = self._level_root(R, range(self.n), lv, self.ltarget, tq, hcut)
            if root is not None:
                hcut = root
                hits = [hc for hc in hits if hc[0] <= hcut]
                self.stop = True
        for name, pts, tg in self.wts:
            if self.crossings[name] is not None:
                continue
            lv = (rv[:, pts] ** 2).sum(1)
            rule, band = self.watch_rules[name]
            cand = self._level_root(R, pts, lv, tg, tq, hcut) if rule.searching else None
            conf = self._level_root(R, pts, lv, tg - band, tq, hcut)
            r_end = (hcut ** np.arange(self.p + 1)) @ R[:, pts]
            at = rule.step(None if cand is None else self.t + cand, None if conf is None else self.t + conf,
                           conf is None and float(r_end @ r_end) > tg)
            if at is not None:
                self.crossings[name] = at
        return hcut, hits

    def _level_root(self, R, pts, lv, target, tq, hcut):
        """The first time in ``[0, hcut]`` where ``sum_{k in pts} r_k^2`` falls to ``target`` (or None),
        bracketed by the step's sample times up to ``hcut`` and by ``hcut`` itself: a step cut short by
        a kink ends between two samples, and a level crossed after the last sample before the cut
        was missed, then reported at the next step's start (census 0076: a half fit at t = 27.3429
        reported at the kink, 27.3589, while the estimate, the same code, agreed with it)."""
        within = tq <= hcut * (1 + 1e-15 * self.rel)
        below = np.nonzero((lv <= target) & within)[0]
        if below.size:
            q = int(below[0])
            lo, hi = (0.0 if q == 0 else tq[q - 1]), tq[q]
        else:
            r_cut = (hcut ** np.arange(self.p + 1)) @ R[:, pts]
            if not r_cut @ r_cut <= target:
                return None
            before = tq[within & (tq < hcut)]
            lo, hi = (float(before[-1]) if before.size else 0.0), hcut
        G = np.zeros(2 * self.p + 1, dtype=self.dtype)
        for k in pts:
            G += np.convolve(R[:, k], R[:, k])
        G[0] -= target
        return _poly_root(G, lo, hi, eps=self.eps)

    def record_samples_until(self, t_until):
        """The samples up to ``t_until`` while the state is constant (the current state)."""
        while self.si < len(self.ts) and self.ts[self.si] <= t_until:
            self.samples.append((self.a.copy(), self.U.copy()))
            self.si += 1

    def record_samples(self, A, Uc, t_next):
        """Phase 5: the samples inside the step (dense output)."""
        p = self.p
        while self.si < len(self.ts) and self.ts[self.si] <= t_next:
            pv = (self.ts[self.si] - self.t) ** np.arange(p + 1)
            self.samples.append((pv @ A, np.where(self.M, np.tensordot(pv, Uc, axes=1), self.U)))
            self.si += 1

    def advance(self, A, Uc, hcut):
        """Phase 6: the state at the step's end."""
        pv = hcut ** np.arange(self.p + 1)
        self.a = pv @ A
        self.U = np.where(self.M, np.tensordot(pv, Uc, axes=1), self.U)

    def apply_hits(self, hits):
        """Phase 7: the events of the step, at its end."""
        M, t = self.M, self.t
        for (_, j, k, kind) in hits:
            if kind == "deactivate" and M[j, k]:
                self.U[j, k] = 0.0
                M[j, k] = False
                self.record(t, j, k, kind)
            elif kind == "activate" and not M[j, k]:
                self.U[j, k] = 0.0
                M[j, k] = True
                self.record(t, j, k, kind)
        if hits or self.stop:
            self.start_checks(t)


def _exact_mpf(x):
    """A float of any numpy width as the mpf of the same value (exact at >= its significand)."""
    return mpmath.mpf(float(x)) if isinstance(x, float) else to_mpf(Fraction(*x.as_integer_ratio()))


def _run_once(problem, dtype, order, sample_weights, *, t_end, times, until_loss, watches, max_steps,
              max_events):
    """One run in ``dtype`` as a Trajectory (float64: 53 bits; the reference: the dtype's significand)."""
    from ._reduced import weights_float

    t0 = _time.perf_counter()
    eng = _F64(problem, order=order, dtype=dtype)
    run = eng.run(t_end, times, until_loss, watches, max_steps, max_events)
    run.stats = {"order": eng.p, "seconds": _time.perf_counter() - t0}
    wide = dtype != np.float64
    prec = _REF_PRECISION if wide else FLOAT64

    def to_mpf_array(x):
        x = np.asarray(x, dtype=dtype)
        if not wide:
            return [mpmath.mpf(v) for v in x.astype(float).ravel().tolist()]
        return [_exact_mpf(v) for v in x.ravel()]

    def rows(x, shape):
        flat = to_mpf_array(x)
        return tuple(tuple(flat[i * shape[1]:(i + 1) * shape[1]]) for i in range(shape[0]))

    def states(raws, ts, with_w):
        # W of every state that carries it, in one vectorised step (in the run's float type)
        U_stack = [U for (_, U), w in zip(raws, with_w) if w]
        W_all = iter(weights_float(problem, np.array(U_stack), dtype=dtype) if U_stack else ())
        out = []
        for (a, U), t, w in zip(raws, ts, with_w):
            W = next(W_all) if w else None
            out.append(State(time(eng.t) if t is None else to_mpf(t) if wide else mpmath.mpf(float(t)),
                             tuple(to_mpf_array(a)), rows(U, (problem.m, problem.n)),
                             None if W is None else rows(W, (problem.m, problem.d))))
        return out

    def time(x):
        return _exact_mpf(x) if wide else mpmath.mpf(float(x))

    return _common.to_trajectory(run, engine="float64", problem=problem, precision=prec, times=times,
                                 t_end=t_end, states=states, time=time, sample_weights=sample_weights)


def integrate_float64(problem, *, t_end, times=(), until_loss=None, watches=(), max_steps=10**6,
                      max_events=10**5, measure_accuracy=True, order=_ORDER, sample_weights=True,
                      parallel=None):
    """The float64 fast path (see the module docstring); ``stats["accuracy"]`` is measured.

    ``sample_weights=False`` leaves ``W`` out of the samples (the final state keeps it);
    ``parallel`` as ``error_estimate_parallel`` of :func:`gfcheck.numeric.integrate`.  The
    trajectory's precision is :data:`FLOAT64` (15 digits, 53 bits).

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
    T, ts, ul, ws = check_args(problem, t_end, times, until_loss, watches)
    args = dict(t_end=T, times=ts, until_loss=ul, watches=ws, max_steps=max_steps, max_events=max_events)
    if not measure_accuracy:
        tr = _run_once(problem, np.float64, order, sample_weights, **args)
        return tr.replace(stats={**tr.stats, "accuracy": None})
    # the reference: x87 extended precision (64-bit significand) with the engine's own order; an
    # ``order`` override is not carried over, so a truncated order is caught
    tr = with_estimate(lambda: _run_once(problem, np.float64, order, sample_weights, **args),
                       lambda: _run_once(problem, _REF_DTYPE, _REF_ORDER, sample_weights, **args),
                       parallel=parallel)
    stats = dict(tr.stats)
    stats["accuracy"] = float(tr.error_estimate)
    stats["accuracy_method"] = ("2 max |z - z'| against the same engine in extended precision "
                                f"({np.finfo(_REF_DTYPE).nmant + 1}-bit significand, order {_REF_ORDER}), "
                                "over the final and sampled a, U, W, event and crossing times")
    stats["accuracy_seconds"] = stats["error_estimate_seconds"]
    return tr.replace(stats=stats)


#: the reference run of the float64 engine's error estimate: x87 extended precision where numpy
#: has it (64-bit significand; else float64 itself, flagged by the accuracy method)
_REF_DTYPE = np.longdouble
#: the engine's own order: its truncation error (e^-2p ~ 4e-18 relative) is far below float64's
#: rounding, the error the reference has to resolve
_REF_ORDER = _ORDER
#: the precision of the float64 engine's runs: 15 digits, 53 bits
FLOAT64 = Precision(15, 3)
#: the reference run's: its significand (19 digits, 64 bits for x87 extended precision)
_REF_PRECISION = Precision(int(np.finfo(_REF_DTYPE).nmant * math.log10(2)) + 1, 0) \
    if np.finfo(_REF_DTYPE).nmant > 52 else FLOAT64
