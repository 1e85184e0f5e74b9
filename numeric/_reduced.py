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
Cauchy-product coefficient is an exact integer sum rounded once.  The products that feed ``a``
and ``u`` are packed across neurons (Kronecker substitution: the neurons active on a point
share one big integer per order, so one big-by-small product replaces one small product per
pair; :func:`_series_packed`), the same integers as the per-pair sums of
:meth:`_Engine.series_reference`, which steps with few active pairs (or coefficients outgrowing
the packing's slots) use.
Each neuron has its own scale: ``a_j = A_j 2^-(F + e_j)``, ``u_jk = U_jk 2^-(F + e_j)`` with
``F = work_bits + 16`` and ``e_j`` whole granules of 8 bits, first from the neuron's own start, then
moved at step starts so that its largest value stays within ``[2^(F - 8), 2^(F + 16))``
(:meth:`_Engine.rescale`; a granule lets neurons of one size share a scale).  The field is the same
in the scaled variables (``du/dt = -c a r`` and ``da/dt = -(1/n) sum r u`` are homogeneous in the
neuron), only the residual weighs each neuron by ``2^-2e_j`` (:meth:`_Engine.weigh`, exact before
one rounding at ``F`` bits).  So every neuron keeps ``F - 8`` bits of relative accuracy, a start
at ``lambda = 1e-100`` too, and a neuron that grew to ``O(1)`` is not carried at the resolution of
the start: census 0012's rung at 1e-100 (50 digits) computes with ``F = 207`` instead of 536 and
took 5.9 s instead of 15.7 s, the same numbers to ``1e-55`` relative (docs/performance.md).  A
frozen coordinate keeps its exact value (:meth:`_Engine.shift_frozen`).
The series are scaled by the predicted step, so that one absolute resolution suffices for all
orders.  Order ``p = ceil(tol_bits ln 2 / 2) + 1`` (``tol_bits`` = the bits of the requested
digits; 36 at 30 digits, which measured 33 agreeing digits on reference-m64) and step ``h = rho e^{-2} e^{-0.7/(p-1)}``
(Jorba and Zou 2005; heyoka) where ``rho`` comes from the last two coefficients' max-norms
relative to the state's max-norm.

Kinks: an active coordinate ``u_jk`` whose local polynomial reaches 0 inside the step ends the
step there; the root is located at the full fixed-point resolution (sign sampling, then
safeguarded Newton), ``u_jk`` is set exactly to 0 and frozen (``ReLU'(0) = 0``), an Event
``deactivate`` is recorded.  With ``ReLU'(0) = 1`` a coordinate at exactly 0 is re-activated
(Event ``activate``) when its push ``-a_j r_k ||x_k||^2 / n`` becomes positive (and resolved);
the re-entries one residual's crossing causes get one time, the root of ``r_k``
(:meth:`_Engine.reentry_scan`).
"""

from __future__ import annotations

import math
import time as _time
import weakref
from fractions import Fraction
from itertools import chain, repeat
from typing import NamedTuple
from operator import add, itemgetter, mul, rshift

import gmpy2
import mpmath

from gfcheck.symbolic.budget import checkpoint
from gfcheck.symbolic.errors import (
    IntegrationFailed,
    InvalidInput,
    StepSizeCollapse,
    TooManyEvents,
)

from . import _common
from ._fixed import exact_fraction, first_root, fix, fix_sqrt, horner, log2_abs, mpf_fixed, power_grid
from .estimate import reference_precision, with_estimate
from .precision import Precision, as_precision, exact_to_float, to_mpf
from .trajectory import Event, State, check_args

__all__ = ["integrate_reduced", "weights_from", "weights_float", "weight_basis"]

mpz = gmpy2.mpz
_bit_length = gmpy2.bit_length
_ZERO = mpz(0)
#: bits of slack on the requested precision below which a residual counts as 0 (ReLU'(0) = 1)
_PUSH_SLACK = 12


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


def powers(tau, F, p):
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
    """One run of the reduced fixed-point Taylor engine (see the module docstring).

    :meth:`run` is the loop; each step goes through the named phases :meth:`series`,
    :meth:`step_size`, :meth:`event_scan`, :meth:`loss_scan`, :meth:`record_samples`,
    :meth:`advance` and :meth:`apply_hits`.
    """

    def __init__(self, problem, prec: Precision, *, order=None, tol_bits=None, with_w=True, start=None):
        self.problem = problem
        self.prec = prec
        self.n, self.m = problem.n, problem.m
        self.tol_bits = tol_bits if tol_bits is not None else prec.bits
        self.p = order if order is not None else _common.order_for(self.tol_bits)
        if self.p < 2:
            raise InvalidInput(f"Taylor order must be at least 2, found {self.p}")
        a0, u0 = _common.initial_values(problem)
        self.scale_bits = _scale_bits(a0, u0)
        self.F = F = prec.work_bits + 16
        #: each neuron's own scale: a_j = A_j 2^-(F + e_j), u_jk = U_jk 2^-(F + e_j) (module docstring)
        self.e = [_granule(_scale_bits([q], [row])) for q, row in zip(a0, u0)]
        self.a = [fix_sqrt(q[2], F + e) * q[1] if isinstance(q, tuple) else fix(q, F + e) for q, e in zip(a0, self.e)]
        self.u = [[fix(q, F + e) for q in row] for row, e in zip(u0, self.e)]
        #: frozen coordinates' exact values ``(integer, e)`` once their neuron is rescaled (shift_frozen)
        self.held = {}
        #: the time the run starts at (2F fraction bits): 0, or the state ``start`` it continues
        self.t_start = _ZERO
        if start is not None:
            self.t_start, self.e, self.a, self.u = _fixed_start(problem, start, F)
        self.Y = [fix(y, F) for y in problem.labels]
        self.nsq = problem.norms_squared()
        self.c = [q / self.n for q in self.nsq]
        self.rp0 = problem.relu_prime_at_zero
        # a residual within 2^(-b+12) |y_k| of 0 is 0 at the requested precision b: its sign,
        # and so the sign of a push on a coordinate at 0, is not resolved (ReLU'(0) = 1 only)
        self.r_floor = [(abs(y) >> max(0, prec.bits - _PUSH_SLACK)) + 1 for y in self.Y]
        self.with_w = with_w
        self.half = mpz(1) << (F - 1)
        #: spare bits per slot of the packed series (:func:`_series_packed`), widened when outgrown
        self.slot_spare = _SLOT_SPARE
        #: neurons whose lone active coordinate moves on an invariant line (no finite-time root)
        self.line = _common.on_invariant_line(problem)
        self.lines = set()
        # the scales of the step floor (_common.polynomial_floor): K = max(1, max_k ||x_k||^2/n), max |y_k|
        self.K = float(max([Fraction(1)] + self.c))
        self.Ymax = float(max(abs(y) for y in problem.labels))
        self.floor = 0.0

    # -- state helpers -----------------------------------------------------------------
    def residuals(self, active):
        r = []
        for k in range(self.n):
            groups = {}
            for j in range(self.m):
                if active[j][k]:
                    groups[self.e[j]] = groups.get(self.e[j], 0) + self.a[j] * self.u[j][k]
            r.append(self.weigh(groups) - self.Y[k])
        return r

    def push_positive(self, j, k, r):
        """Sign test of the push ``-a_j r_k ||x_k||^2 / n`` on a coordinate at 0: positive and
        resolved (``|r_k|`` above the floor ``2^(-b+12) |y_k|``; below it the residual is 0 at the
        requested precision and the coordinate stays where it is)."""
        return abs(r[k]) > self.r_floor[k] and -self.a[j] * r[k] > 0

    def weigh(self, groups) -> object:
        """``round(sum_e S_e 2^-(F + 2e))``: a residual's sum at ``F`` bits from the products of its
        neurons grouped by scale (``S_e`` of the neurons with ``e_j = e``, at ``2F + 2e`` bits),
        exact before the one rounding."""
        if not groups:
            return _ZERO
        top = max(groups)
        acc = sum(v << (2 * (top - e)) for e, v in groups.items())
        return _rnd_shift(acc, self.F + 2 * top) if acc else _ZERO

    def rescale(self):
        """Phase 0: each neuron back to ``[2^F, 2^(F + 8))`` in its own scale, ``e_j`` moved by whole
        granules of 8 bits (so that neurons of one size share a scale and a residual's sum has few
        groups): a neuron that grew past ``2^(F + 16)`` loses its lowest bits (it keeps ``F``, its
        relative accuracy), one that shrank below ``2^(F - 8)`` is shifted up (exact); ``e_j >= 0``,
        zeros stay.  Between rescales a neuron holds at least ``F - 8 = work_bits + 8`` bits."""
        F = self.F
        for j in range(self.m):
            top = max(log2_abs(self.a[j]), max(log2_abs(v) for v in self.u[j]))
            if top == -math.inf:
                continue
            top = int(top)
            d = 0
            if top >= F + 2 * _GRANULE_BITS:
                d = min(_GRANULE_BITS * ((top - F) // _GRANULE_BITS), self.e[j])
            elif top < F - _GRANULE_BITS:
                d = -_GRANULE_BITS * (-(top - F) // _GRANULE_BITS)
            if d > 0:
                self.a[j] = _rnd_shift(self.a[j], d)
                self.u[j] = [self.shift_frozen(j, k, v, d) if v < 0 and not self.active[j][k] else _rnd_shift(v, d)
                             for k, v in enumerate(self.u[j])]
            elif d < 0:
                self.a[j] <<= -d
                self.u[j] = [v << -d for v in self.u[j]]
            self.e[j] -= d

    def shift_frozen(self, j, k, v, d):
        """A frozen coordinate (inactive, below 0: it never moves) shifted ``d`` bits down: its exact
        value is kept for the samples (:attr:`held`), and it stays below 0 in the engine's scale
        (rounded to 0 it could re-enter under ReLU'(0) = 1)."""
        self.held.setdefault((j, k), (v, self.e[j]))
        return min(_rnd_shift(v, d), mpz(-1))

    def actual_log2(self, v, j) -> float:
        """``log2 |v| - e_j``: a value of neuron ``j``'s scale in units of ``2^-F``."""
        return log2_abs(v) - self.e[j]

    def norm_log2(self) -> float:
        """``log2 max |z|`` of the state's actual values, in units of ``2^-F`` (what the step rule
        and the one-line summary read)."""
        return max([self.actual_log2(v, j) for j, v in enumerate(self.a)]
                   + [self.actual_log2(v, j) for j, row in enumerate(self.u) for v in row])

    def t_mpf(self, ti):
        """A fixed-point time (``2F`` fraction bits) as an mpf."""
        return mpf_fixed(ti, 2 * self.F)

    def loss2(self, r, pts=None):
        ks = range(self.n) if pts is None else pts
        return sum(rk * rk for rk in (r[k] for k in ks))

    def snapshot(self, ti, a, U):
        """A raw state: times, ``a`` and ``U`` at the neurons' scales ``e`` (a held frozen coordinate
        as its exact ``(integer, e)``)."""
        held = self.held
        return (ti, list(a), [[held.get((j, k), v) for k, v in enumerate(row)] for j, row in enumerate(U)],
                list(self.e))

    # -- one Taylor expansion ----------------------------------------------------------
    def series(self, H, active):
        """Scaled Taylor coefficients (orders 0..p) of a_j, u_jk (active pairs) and r_k.

        The packed recurrences (:func:`_series_packed`) where they pay, else the per-pair
        reference (:meth:`series_reference`); both give the same integers (every coefficient is
        an exact integer sum rounded once), so the choice never changes a result.
        """
        if sum(map(sum, active)) >= _PACKED_MIN_PAIRS:
            for _ in range(2):  # a slot outgrown widens the spare (kept for later steps) and packs again
                out = _series_packed(self, H, active)
                if out is not None:
                    return out
        return self.series_reference(H, active)

    def _reference_start(self, pairs):
        """Order 0 of the reference recurrences: ``A[j] = [a_j]``, ``U[(j, k)] = [u_jk]`` on the
        active ``pairs``, empty ``R[k]``, and ``Ul[j][k]`` the list ``U[(j, k)]`` (None when inactive)."""
        n, m = self.n, self.m
        A = [[self.a[j]] for j in range(m)]
        U = {(j, k): [self.u[j][k]] for (j, k) in pairs}
        R = [[] for _ in range(n)]
        Ul = [[U.get((j, k)) for k in range(n)] for j in range(m)]
        return A, U, R, Ul

    def series_reference(self, H, active):
        """The reference recurrences: one C-level ``sum(map(mul, ...))`` per Cauchy-product
        coefficient and pair (see the module docstring)."""
        F, n, p = self.F, self.n, self.p
        F2 = 2 * F
        half_2F = mpz(1) << (F2 - 1)
        act_k, act_j, neurons, pairs = _active_lists(active, self.m, n)
        A, U, R, Ul = self._reference_start(pairs)
        cnum = [c.numerator for c in self.c]
        cden = [c.denominator for c in self.c]
        def residual_coefficient(k, arev):
            """The next Taylor coefficient of h_k (the Cauchy product of a_j and u_jk), weighed by scale."""
            return self.weigh(_cauchy_by_scale(_by_scale(self.e, act_k[k]), Ul, k, arev))

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
        self.begin(t_end, times, until_loss, watches, max_steps, max_events)
        while not self.stop_loss and self.t_int < self.T_int:
            if not any(any(row) for row in self.active):
                # nothing moves: r_k = -y_k and every push is inward or zero; the state is constant
                self.record_samples_until(self.T_int)
                self.t_int = self.T_int
                break
            self.rescale()
            self.hold_on_lines()
            norm_l2 = self.count_step()
            A, U, R, neurons, pairs = self.series(self.H, self.active)
            tau_step, fac_next, final_step = self.step_size(A, U, neurons, pairs, norm_l2)
            hits, slack = self.event_scan(A, U, R, pairs, tau_step)
            tau_cut, items = self.loss_scan(R, hits, slack)
            t_next = self.T_int if (final_step and tau_cut == tau_step and not self.stop_loss) \
                else self.t_int + self.H * tau_cut
            self.record_samples(A, U, neurons, pairs, t_next)
            self.advance(A, U, neurons, pairs, tau_cut)
            t_prev, self.t_int = self.t_int, t_next
            self.apply_hits(items, self.H * tau_cut)
            self.watchdog.after_step(t_prev, t_next, items, self.floor)
            # next predicted step: the estimate from this expansion
            self.H = max(mpz(1), (self.H * mpz(int(fac_next * 2**40))) >> 40)
        # simultaneous events in a fixed order (neuron, point); stable for one coordinate
        self.events.sort(key=lambda e: (e.t, e.neuron, e.point))
        return _common.Run(
            t_final=self.t_int, samples=self.samples, final=self.snapshot(self.t_int, self.a, self.u),
            events=self.events,
            crossings=self.crossings, steps=self.steps, stopped_on_loss=self.stop_loss,
            stats={"order": self.p, "fixed_point_bits": self.F, "scale_bits": self.scale_bits,
                   "tol_bits": self.tol_bits, "seconds": _time.perf_counter() - self.t0_wall,
                   "h_min": self._seconds(self.h_min), "h_max": self._seconds(self.h_max)},
        )

    def _seconds(self, h):
        return float(Fraction(int(h), 1 << (2 * self.F))) if h else None

    def begin(self, t_end, times, until_loss, watches, max_steps, max_events):
        """The run's targets in fixed point, the activation pattern and the checks at ``t = 0``."""
        n, F2 = self.n, 2 * self.F
        self.t0_wall = _time.perf_counter()
        self.max_steps, self.max_events = max_steps, max_events
        self.T_int = fix(t_end, F2)
        self.sample_ints = [fix(s, F2) for s in times]
        self.loss_target = None
        if until_loss is not None:
            self.loss_target = fix(2 * n * until_loss, F2)  # compare sum r_k^2 (2F bits) to 2n L
        self.watch_targets = [(w.name, sorted(w.points), fix(2 * n * w.target, F2)) for w in watches]
        self.crossings = {w.name: None for w in watches}
        # a watch is crossed once the loss is below its level by the band (fixed point, 2n L)
        bands = [_common.loss_band(_common.label_loss(self.problem, w.points), w.target, self.tol_bits)
                 for w in watches]
        self.watch_rules = {w.name: (_common.Crossing(), fix(2 * n * b, self.F)) for w, b in zip(watches, bands)}
        self.active = [[self.u[j][k] > 0 for k in range(n)] for j in range(self.m)]
        self.events, self.samples = [], []
        self.si = 0
        self.t_int = self.t_start
        self.steps = self.n_events = 0
        self.H = fix(Fraction(1, 8), self.F)
        self.h_min = self.h_max = None
        self.stop_loss = False
        self.rp1 = self.rp0 == 1
        self.watchdog = _common.Watchdog("reduced", finite_kinks=_common.finite_kinks(self.problem),
                                         as_time=self.t_mpf, summary=self.summary)
        r0 = self.start_checks(self.t_int)
        if self.loss_target is not None and self.loss2(r0) <= self.loss_target:
            self.stop_loss = True
        for name, pts, tgt in self.watch_targets:
            rule, band = self.watch_rules[name]
            self.crossings[name] = rule.at_start(self.loss2(r0, pts), tgt, band << self.F, self.t_mpf(self.t_int))
        self.record_samples_until(self.t_int)

    def summary(self):
        """The state in one line and the last events (for :class:`StepCollapse`)."""
        state = f"max |z| = 2^{self.norm_log2() - self.F:.1f}, {sum(map(sum, self.active))} active pairs"
        return state, [(e.t, e.neuron, e.point, e.kind) for e in self.events[-5:]]

    def record(self, ev_t, j, k, kind):
        """One activation event (``max_events`` guards against chattering)."""
        self.n_events += 1
        if self.n_events > self.max_events:
            raise TooManyEvents(
                f"more than max_events = {self.max_events} activation events (last: neuron {j}, point {k}, "
                f"{kind} at t = {mpmath.nstr(self.t_mpf(ev_t), 12)}); this looks like chattering or a "
                "runaway; raise max_events if the events are genuine"
            )
        self.events.append(Event(self.t_mpf(ev_t), j, k, kind))

    def hold_on_lines(self):
        """Phase 0: the pairs on their invariant line (:func:`gfcheck.numeric._common.on_invariant_line`)
        are put back on it, ``a_j = s_j u_jk / ||x_k||`` rounded once, so that rounding does not
        seed the line's unstable direction; their roots are not searched."""
        self.lines = set()
        for j in range(self.m):
            k = _common.lone_point(self.active[j], self.u[j]) if self.line[j] else None
            if k is None:
                continue
            self.lines.add((j, k))
            u, q = self.u[j][k], self.nsq[k]
            if u <= 0:  # vanished below the resolution (positive in exact arithmetic)
                self.u[j][k] = self.a[j] = _ZERO
                continue
            mag = (gmpy2.isqrt(4 * u * u * q.denominator // q.numerator) + 1) >> 1
            self.a[j] = mag if self.a[j] >= 0 else -mag

    def start_checks(self, ti):
        """Activation bookkeeping at a step start: coordinates <= 0 leave, pushes re-activate."""
        active, m, n = self.active, self.m, self.n
        for j in range(m):
            for k in range(n):
                if active[j][k] and self.u[j][k] <= 0 and (j, k) in self.lines:
                    # a pair on its invariant line that rounded to 0 has vanished below the
                    # resolution; in exact arithmetic it is positive: no activation change
                    self.u[j][k] = self.a[j] = _ZERO
                    continue
                if active[j][k] and self.u[j][k] <= 0:
                    # at exactly 0 with ReLU'(0) = 1 the coordinate stays active: it was just
                    # re-activated (push crossing to outward); if the push is in fact inward
                    # the step's own root search sees u go below 0 and deactivates it
                    if self.rp1 and self.u[j][k] == 0:
                        continue
                    self.u[j][k] = _ZERO
                    active[j][k] = False
                    self.record(ti, j, k, "deactivate")
        if self.rp1:
            r = self.residuals(active)
            for j in range(m):
                for k in range(n):
                    if not active[j][k] and self.u[j][k] == 0 and self.push_positive(j, k, r):
                        active[j][k] = True
                        self.record(ti, j, k, "activate")
        return self.residuals(active)

    def count_step(self):
        """Phase 0: the step budget; returns :meth:`norm_log2`.  (No precision check: :meth:`rescale`
        holds every neuron at ``2^(F - 8) = 2^(work_bits + 8)`` or more in its own scale, so the state
        cannot shrink below the resolution; a decaying neuron keeps its relative accuracy.)"""
        self.steps += 1
        checkpoint()  # a signal dropped in a finalizer is raised here (gfcheck.symbolic.budget.checkpoint)
        F2 = 2 * self.F
        if self.steps > self.max_steps:
            raise IntegrationFailed(
                f"more than max_steps = {self.max_steps} Taylor steps before t = "
                f"{mpmath.nstr(mpf_fixed(self.T_int, F2), 12)} (stopped at t = "
                f"{mpmath.nstr(mpf_fixed(self.t_int, F2), 12)}); raise max_steps or ask for fewer digits"
            )
        return self.norm_log2()

    def step_size(self, A, U, neurons, pairs, norm_l2):
        """Phase 2: the step (Jorba-Zou, from the last two coefficients relative to the state
        norm), as a fraction ``tau_step`` of the predicted step ``H``; the next prediction's
        factor; is this the final step."""
        p, ONE = self.p, mpz(1) << self.F
        lp1 = max([self.actual_log2(A[j][p - 1], j) for j in neurons] + [self.actual_log2(U[q][p - 1], q[0])
                                                                             for q in pairs])
        lp = max([self.actual_log2(A[j][p], j) for j in neurons] + [self.actual_log2(U[q][p], q[0]) for q in pairs])
        cands = []
        if lp1 > -math.inf:
            cands.append((norm_l2 - lp1) / (p - 1))
        if lp > -math.inf:
            cands.append((norm_l2 - lp) / p)
        H, t_int = self.H, self.t_int
        self.floor = _common.polynomial_floor(p, 2.0 ** (norm_l2 - self.F), self.Ymax, self.K, self.m)
        if cands:
            lrho = min(cands)
            fac = 2.0 ** min(lrho, 60.0) * _common.jz_factor(p)
            # the watchdog: the series' own step (uncapped), in log2 against the floor
            log2_h = log2_abs(H) - self.F + lrho + math.log2(_common.jz_factor(p))
            if log2_h < math.log2(self.floor):
                self.watchdog.check_step(self.t_mpf(t_int), 2.0 ** log2_h, self.floor)
        else:
            fac = 8.0
        tau_step = ONE if fac >= 1.0 else (ONE * mpz(int(fac * 2**40))) >> 40
        if tau_step <= 0 or H * tau_step <= (max(abs(t_int), ONE * ONE) >> (self.prec.work_bits + 4)):
            raise StepSizeCollapse(
                f"step size collapsed to {float(Fraction(int(H * tau_step), 1 << (2 * self.F))):.3e} at "
                f"t = {mpmath.nstr(self.t_mpf(t_int), 12)} (below the time resolution of "
                f"{self.prec.work_bits} bits); the field may be singular there - check the data, "
                "or raise dps"
            )
        tau_rem = (self.T_int - t_int + (H >> 1)) // H
        if tau_rem <= tau_step:
            return tau_rem, min(fac, 8.0), True
        return tau_step, min(fac, 8.0), False

    def event_scan(self, A, U, R, pairs, tau_step):
        """Phase 3: the earliest kink inside the step -> ``(hits, slack)``.  Roots closer than the
        working precision to the earliest one are the same instant (a shared residual crossing
        0, say) and are applied together, at one time, in (neuron, point) order."""
        slack = self.same_instant(tau_step)
        hits = _common.Hits(tau_step)
        grids = {}
        for q in pairs:
            if q in self.lines:
                continue  # no finite-time root on an invariant line
            co = U[q]
            c0 = co[0]
            lim = min(tau_step, hits.cut + slack)
            if c0 > 0:
                # P >= c0 + c1 tau + sum_{i >= 2} min(c_i, 0) tau^i, concave: its minimum on the
                # scaled step [0, 1] is at an end, so a coordinate moving away from 0 is clear
                tail = co[2:]
                neg = (sum(map(abs, tail)) - sum(tail)) >> 1
                if c0 + (co[1] if len(co) > 1 else 0) > neg:
                    continue
                hits.add(first_root(co, lim, self.F, grid=self.grid(grids, lim)), q[0], q[1], "deactivate")
            else:
                hits.add(first_root(co, lim, self.F, skip_zero=True, grid=self.grid(grids, lim)), q[0], q[1],
                         "deactivate")
        if self.rp1:
            self.reentry_scan(A, R, tau_step, hits)
        hits.items = hits.within(slack)
        return hits, slack

    def same_instant(self, tau_step):
        """The slack within which roots of one step are one instant: ``2^-(work_bits - 8)`` of the
        step (4 units of the resolution at least)."""
        return max(mpz(4), tau_step >> (self.prec.work_bits - 8))

    def grid(self, grids, lim):
        """The power grid of the root search on ``(0, lim]``, one per limit in a step."""
        g = grids.get(lim)
        if g is None:
            g = grids[lim] = power_grid(lim, self.F, self.p)
        return g

    def keeps_sign(self, Aj, sg, lim, grids) -> bool:
        """Does ``a_j`` (series ``Aj``, sign ``sg`` at the step start) keep its sign on ``[0, lim]``?
        ``|a_j(0)|`` bounding the rest of the series over the whole predicted step decides it
        cheaply; else the root search of ``sg a_j`` on ``(0, lim]``."""
        if lim <= 0 or abs(Aj[0]) > sum(map(abs, Aj[1:])):
            return True
        return first_root([sg * v for v in Aj], lim, self.F, grid=self.grid(grids, lim)) is None

    def reentry_scan(self, A, R, tau_step, hits):
        """ReLU'(0) = 1: a coordinate at 0 re-enters where its push -a_j r_k ||x_k||^2/n turns
        positive, provided the push becomes resolved within the step (see _reentry_root).

        The push is a product, so its first sign change is the first of ``r_k``'s and ``a_j``'s.
        While ``a_j`` keeps its sign ``s`` up to ``r_k``'s sign change (always, from a balanced
        start: ``a_j = s_j ||w_j||``), the push is ``-s r_k`` times a positive factor and the
        re-entry time is the root of ``s r_k``: one root per (point, sign), shared by every such
        neuron, so the re-entries that one residual's crossing causes get one time.  Only when
        ``a_j`` itself reaches 0 first is the product series ``a_j * r_k`` searched (floor
        ``max|a_j| floor_k``).  Before, the shared root was used only when ``|a_j(0)|`` bounded
        the whole series over the predicted step: a growing ``a_j`` took the product path, whose
        root of the same crossing differs in the last bits, so one crossing's re-entries were cut
        into zero-length steps at times a few units of the resolution apart (census 0003: ten
        re-entries of point 1 at t = 73.75 in three steps and out of (neuron, point) order)."""
        F, p = self.F, self.p
        r_roots = {}
        grids = {}
        for j in range(self.m):
            for k in range(self.n):
                if self.active[j][k] or self.u[j][k] != 0:
                    continue
                Aj = A[j]
                Rk = R[k]
                if sum(map(abs, Rk)) <= self.r_floor[k]:
                    continue  # r_k stays 0 at the requested precision over the step
                a0j = Aj[0]
                if a0j:
                    sg = 1 if a0j > 0 else -1
                    key = (k, sg)
                    if key not in r_roots:
                        r_roots[key] = _reentry_root([sg * v for v in Rk], self.r_floor[k], tau_step, F)
                    root = r_roots[key]
                    if self.keeps_sign(Aj, sg, tau_step if root is None else root, grids):
                        hits.add(root, j, k, "activate")
                        continue
                # a_j reaches 0 first: P = (a_j * r_k)(tau), the push is positive where P < 0
                P = [(sum(map(mul, Aj[: i + 1], Rk[i::-1])) + self.half) >> F for i in range(p + 1)]
                thr = (sum(map(abs, Aj)) * self.r_floor[k] + self.half) >> F
                hits.add(_reentry_root(P, thr, tau_step, F), j, k, "activate")

    def loss_scan(self, R, hits, slack):
        """Phase 4: the loss level (``until_loss``) and the loss watches on the local series;
        returns the step's end ``tau_cut`` and the hits applied there."""
        F, p = self.F, self.p
        tau_cut, items = hits.cut, hits.items
        if self.loss_target is None and all(self.crossings[w[0]] is not None for w in self.watch_targets):
            return tau_cut, items
        RR = [[(sum(map(mul, Rk[: i + 1], Rk[i::-1])) + self.half) >> F for i in range(p + 1)] for Rk in R]
        if self.loss_target is not None:
            tau_cut, items = self._loss_level_cut(RR, tau_cut, items, slack)
        self._watch_crossings(RR, tau_cut)
        return tau_cut, items

    def _loss_level_cut(self, RR, tau_cut, items, slack):
        """The loss level's phase of :meth:`loss_scan`: the first root of ``L(tau) - until_loss``
        (``L = sum_k RR[k]``, the squared residuals' series) before ``tau_cut`` ends the step there
        (the hits up to it, ``stop_loss`` set) -> ``(tau_cut, items)``."""
        F = self.F
        G = [sum(col) for col in zip(*RR)]
        G[0] -= self.loss_target >> F
        root = first_root(G, tau_cut, F) if G[0] > 0 else _ZERO
        if root is not None:
            tau_cut = root
            items = [h for h in items if h[0] <= root + slack]
            self.stop_loss = True
        return tau_cut, items

    def _watch_crossings(self, RR, tau_cut) -> None:
        """The watches' phase of :meth:`loss_scan`: for each watch not yet crossed, its partial
        loss ``sum_{k in pts} RR[k]`` minus its target, the candidate root and the confirming one
        (the band added) up to ``tau_cut`` stepped through its rule; a crossing is recorded."""
        F = self.F
        for name, pts, tgt in self.watch_targets:
            if self.crossings[name] is not None:
                continue
            rule, band = self.watch_rules[name]
            G = [sum(col) for col in zip(*[RR[k] for k in pts])]
            G[0] -= tgt >> F
            cand = (first_root(G, tau_cut, F) if G[0] > 0 else _ZERO) if rule.searching else None
            Gb = [G[0] + band] + G[1:]
            conf = first_root(Gb, tau_cut, F) if Gb[0] > 0 else _ZERO
            at = rule.step(None if cand is None else self.t_int + self.H * cand,
                           None if conf is None else self.t_int + self.H * conf,
                           conf is None and horner(G, tau_cut, F) > 0)
            if at is not None:
                self.crossings[name] = self.t_mpf(at)

    def record_samples_until(self, t_until):
        """The samples up to ``t_until`` while the state is constant (the current state)."""
        while self.si < len(self.sample_ints) and self.sample_ints[self.si] <= t_until:
            self.samples.append(self.snapshot(self.sample_ints[self.si], self.a, self.u))
            self.si += 1

    def record_samples(self, A, U, neurons, pairs, t_next):
        """Phase 5: the samples inside the step (dense output from the local series)."""
        F, p, H, t_int = self.F, self.p, self.H, self.t_int
        while self.si < len(self.sample_ints) and self.sample_ints[self.si] <= t_next:
            ts = (self.sample_ints[self.si] - t_int + (H >> 1)) // H
            a_s = list(self.a)
            pw = powers(ts, F, p)
            for j in neurons:
                a_s[j] = (sum(map(mul, A[j], pw)) + self.half) >> F
            U_s = [list(row) for row in self.u]
            for q in pairs:
                U_s[q[0]][q[1]] = (sum(map(mul, U[q], pw)) + self.half) >> F
            self.samples.append(self.snapshot(self.sample_ints[self.si], a_s, U_s))
            self.si += 1

    def advance(self, A, U, neurons, pairs, tau_cut):
        """Phase 6: the state at the step's end ``tau_cut``; the step statistics."""
        F = self.F
        if tau_cut == mpz(1) << F:
            for j in neurons:
                self.a[j] = sum(A[j])
            for q in pairs:
                self.u[q[0]][q[1]] = sum(U[q])
        else:
            # one C-level sum per series with the powers of tau_cut (2^-F each, rounded)
            pw = powers(tau_cut, F, self.p)
            half = self.half
            for j in neurons:
                self.a[j] = (sum(map(mul, A[j], pw)) + half) >> F
            for q in pairs:
                self.u[q[0]][q[1]] = (sum(map(mul, U[q], pw)) + half) >> F
        step_len = self.H * tau_cut
        self.h_min = step_len if self.h_min is None or (step_len < self.h_min and step_len > 0) else self.h_min
        self.h_max = step_len if self.h_max is None or step_len > self.h_max else self.h_max

    def apply_hits(self, hits, step_len):
        """Phase 7: the events of the step, at its end ``t_int`` (``step_len`` after its start)."""
        active, t_int = self.active, self.t_int
        for (_, j, k, kind) in hits:
            if kind == "deactivate":
                if active[j][k]:
                    self.u[j][k] = _ZERO
                    active[j][k] = False
                    self.record(t_int, j, k, "deactivate")
            else:
                if not active[j][k]:
                    active[j][k] = True
                    self.record(t_int, j, k, "activate")
        if hits or self.stop_loss:
            self.start_checks(t_int)


#: the granule of the neurons' scales ``e_j`` (:meth:`_Engine.rescale`)
_GRANULE_BITS = 8


def _granule(bits: int) -> int:
    """``bits`` rounded down to a whole granule (a neuron's start then lies in ``[2^F, 2^(F + 8))``)."""
    return _GRANULE_BITS * (bits // _GRANULE_BITS)


#: active pairs from which :meth:`_Engine.series` packs: per step on the reference problems
#: (16/30/100 digits) the packed series is 0.9x the reference's speed at 8-11 pairs, 1.0-1.5x
#: at 12-16 and 1.7x at 40 or more (2026-11-29)
_PACKED_MIN_PAIRS = 12
#: spare bits per slot of the packed series above the bound at order 0, at the start of a run;
#: coefficients that grow past it (near the fit the residuals' order 0 is a few bits while their
#: later orders are not: census 0001, 1090 of 2327 steps) double the engine's spare for this and
#: later steps, up to :data:`_SLOT_SPARE_MAX` bits, past which a step takes the reference recurrences
_SLOT_SPARE = 16
_SLOT_SPARE_MAX = 1024


def _bits(values) -> int:
    """The largest bit length of ``|v|`` over ``values`` (0 for none)."""
    return max(map(_bit_length, values), default=0)


def _active_lists(active, m, n):
    """``(act_k, act_j, neurons, pairs)`` of the activation pattern ``active[j][k]``: the neurons
    active on each point, the points active for each neuron, the neurons active somewhere, and the
    active pairs ``(j, k)`` neuron by neuron."""
    act_k = [[j for j in range(m) if active[j][k]] for k in range(n)]
    act_j = [[k for k in range(n) if active[j][k]] for j in range(m)]
    neurons = [j for j in range(m) if act_j[j]]
    pairs = [(j, k) for j in neurons for k in act_j[j]]
    return act_k, act_j, neurons, pairs


def _series_packed(eng, H, active):
    """The scaled Taylor coefficients of :meth:`_Engine.series_reference`, the same integers,
    with the Cauchy products that feed ``a`` and ``u`` packed across neurons (Kronecker
    substitution); ``None`` if a step's coefficients outgrow the slots.

    For each point ``k`` the active neurons ``j_0 < .. < j_{L-1}`` of ``k`` get slots of ``B``
    bits, and the coefficients of one order are packed into one integer::

        PA_{k,l} = sum_s a_{j_s}[l] 2^(sB),     PU_{k,l} = sum_s u_{j_s k}[l] 2^(sB)
        sum_l PA_{k,l} r_k[i-l] = sum_s (a_{j_s} * r_k)[i] 2^(sB)      (u_{j_s k}[i+1])
        sum_l PU_{k,l} r_k[i-l] = sum_s (u_{j_s k} * r_k)[i] 2^(sB)    (a_{j_s}[i+1], summed over k)

    so the ``L`` products of a point and order come from ``i + 1`` big-by-small products (one
    C-level sum) instead of ``L (i + 1)`` small ones.  Both sides are exact integers; a slot is
    read back exactly (signed: a bias ``2^(B-1)`` per slot, ``gmpy2.unpack``) while
    ``|slot sum| < 2^(B-1)``, which holds when ``bits(a, u) + bits(r) + bits(p) <= B - 1`` over
    the coefficients so far: ``B`` is that bound at order 0 plus the engine's spare
    (:data:`_SLOT_SPARE`, widened when outgrown), checked at every order.  The residual
    coefficients are the reference's sums (C-level, over the per-point vectors).  Every coefficient
    is rounded once as in the reference, so the two agree bit for bit
    (tests/numeric/test_series_packed.py).
    """
    F, n, p = eng.F, eng.n, eng.p
    F2 = 2 * F
    half_2F = mpz(1) << (F2 - 1)
    lay = _pack_layout(active, eng.m, n)
    if lay is None:
        return None
    act_k, neurons, pairs, ks, idx = lay
    cnum = [c.numerator for c in eng.c]
    cden = [c.denominator for c in eng.c]
    a0 = [eng.a[j] for j in neurons]
    # per point k: the coefficient vectors of u_jk (j active on k), one per order, and flat for
    # the residuals: u_k[0], u_k[1], .. and a_k[i], a_k[i-1], .., a_k[0]
    Uk = [[[eng.u[j][k] for j in act_k[k]]] for k in range(n)]
    flats = [_PointFlats(eng, act_k[k], k) for k in range(n)]
    R = [[] for _ in range(n)]

    def residuals(i):
        """r_k[i] = sum_j (a_j * u_jk)[i]: one C-level sum per point and scale over the flat vectors."""
        out = []
        for k in range(n):
            rk = flats[k].residual(eng)
            if i == 0:
                rk -= eng.Y[k]
            R[k].append(rk)
            out.append(rk)
        return out

    b_au = max(_bits(a0), max(_bits(v[0]) for v in Uk))
    b_r = _bits(residuals(0))
    spare = eng.slot_spare
    B = b_au + b_r + p.bit_length() + 1 + spare
    half_B = mpz(1) << (B - 1)
    bias, pack, PA, PU, take = _pack_tables(eng, lay, Uk, B)
    one_2F = (mpz(1) << F2) - 1
    A_ord = [a0]
    acc0 = [-half_B * sum(active[j]) for j in neurons]
    for i in range(p):
        if i:
            b_r = max(b_r, _bits(residuals(i)))
        if b_au + b_r + p.bit_length() > B - 1:
            if 2 * spare <= _SLOT_SPARE_MAX:
                eng.slot_spare = 2 * spare
            return None
        rrev = [Rk[::-1] for Rk in R]
        # a_j[i+1] = -(h / (n (i+1))) sum_k (u_jk * r_k)[i], packed per point, summed over points
        ka = (H + (n * (i + 1)) // 2) // (n * (i + 1))
        acc = list(acc0)  # the slots' biases, taken off in advance
        for k in ks:
            d = gmpy2.unpack(sum(map(mul, PU[k], rrev[k])) + bias[k], B)
            for s, t in zip(idx[k], d):
                acc[s] += t
        # -((ka s + 2^(2F-1)) >> 2F) as one shift: -floor(x / 2^e) = floor((2^e - 1 - x) / 2^e)
        new_a = list(map(rshift, map(add, map(mul, acc, repeat(-ka)), repeat(one_2F - half_2F)), repeat(F2)))
        A_ord.append(new_a)
        b_new = _bits(new_a)
        # u_jk[i+1] = -(h ||x_k||^2 / (n (i+1))) (a_j * r_k)[i]  (PA has i + 1 entries here: a_j[0..i])
        for k in ks:
            den = cden[k] * (i + 1)
            ku = (cnum[k] * H * 2 + den) // (2 * den)
            d = gmpy2.unpack(sum(map(mul, PA[k], rrev[k])) + bias[k], B)
            # the bias comes off inside the shift: -(ku (d - 2^(B-1)) + 2^(2F-1)) >> 2F
            new_u = list(map(rshift, map(add, map(mul, d, repeat(-ku)), repeat(one_2F - half_2F + ku * half_B)),
                             repeat(F2)))
            Uk[k].append(new_u)
            a_k = take[k](new_a)
            flats[k].extend(new_u, a_k)
            PU[k].append(pack(new_u, k))
            PA[k].append(pack(a_k, k))
            b_new = max(b_new, _bits(new_u))
        b_au = max(b_au, b_new)
    residuals(p)
    A, U = _unpack_orders(eng, lay, A_ord, Uk)
    return A, U, R, neurons, pairs


class _PackLayout(NamedTuple):
    """The activation pattern of one packed expansion: ``act_k[k]`` the neurons active on point
    ``k``, the active ``neurons`` and ``pairs`` (neuron by neuron), the points ``ks`` with an active
    neuron and ``idx[k]`` the slots (positions among ``neurons``) of ``act_k[k]``."""

    act_k: list
    neurons: list
    pairs: list
    ks: list
    idx: list


def _pack_layout(active, m, n):
    """The :class:`_PackLayout` of the pattern ``active[j][k]``, or None when no neuron is active."""
    act_k = [[j for j in range(m) if active[j][k]] for k in range(n)]
    neurons = [j for j in range(m) if any(active[j])]
    if not neurons:
        return None
    pairs = [(j, k) for j in neurons for k in range(n) if active[j][k]]
    slot = {j: s for s, j in enumerate(neurons)}
    ks = [k for k in range(n) if act_k[k]]
    idx = [[slot[j] for j in act_k[k]] for k in range(n)]
    return _PackLayout(act_k, neurons, pairs, ks, idx)


def _pack_tables(eng, lay, Uk, B):
    """The packing of :func:`_series_packed` with slots of ``B`` bits: per point ``k``, ``bias[k] =
    sum_s 2^(B-1) 2^(sB)``; ``pack(values, k) = sum_s (v_s + 2^(B-1)) 2^(sB) - bias[k]``; the order-0
    tables ``PA[k] = [pack(a_j[0], j in act_k[k])]`` and ``PU[k] = [pack(u_jk[0])]`` (None for a
    point without an active neuron); ``take[k]`` picks the point's neurons out of a vector over
    ``neurons``."""
    n, act_k, idx = eng.n, lay.act_k, lay.idx
    half_B = mpz(1) << (B - 1)
    bias = [gmpy2.pack([half_B] * len(idx[k]), B) for k in range(n)]

    def pack(values, k):
        return gmpy2.pack(list(map(add, values, repeat(half_B))), B) - bias[k]

    PA = [[pack([eng.a[j] for j in act_k[k]], k)] if act_k[k] else None for k in range(n)]
    PU = [[pack(Uk[k][0], k)] if act_k[k] else None for k in range(n)]
    take = [itemgetter(*idx[k]) if len(idx[k]) > 1 else (lambda v, s=idx[k][0]: (v[s],)) if idx[k] else None
            for k in range(n)]
    return bias, pack, PA, PU, take


def _unpack_orders(eng, lay, A_ord, Uk):
    """``(A, U)`` of :meth:`_Engine.series_reference` from the packed expansion's order vectors:
    ``A[j]`` the column of ``A_ord`` of an active neuron (``[a_j]`` otherwise), ``U[(j, k)]`` the
    column of ``Uk[k]`` on each active pair."""
    A = [[eng.a[j]] for j in range(eng.m)]
    for j, col in zip(lay.neurons, zip(*A_ord)):
        A[j] = list(col)
    cols = {}
    for k in lay.ks:
        for j, col in zip(lay.act_k[k], zip(*Uk[k])):
            cols[(j, k)] = list(col)
    U = {q: cols[q] for q in lay.pairs}
    return A, U


class _PointFlats:
    """One point's flat vectors for its residual's Cauchy sums, per scale group of its active
    neurons: ``u_jk[0], u_jk[1], ..`` and ``a_j[i], .., a_j[0]`` (positions in the point's active
    list), so that ``r_k[i]`` is one C-level sum per group, brought to the finest scale by exact
    shifts and rounded once (:meth:`_Engine.weigh`'s rule, with the shifts fixed for the whole
    series)."""

    __slots__ = ("picks", "lifts", "shift", "u", "a")

    def __init__(self, eng, js, k):
        by = _by_scale(eng.e, js)
        top = max(by, default=0)
        # per group: the picker of its entries out of a row of the point's active neurons, and the
        # shift that brings its sums to the finest scale (exact), the one rounding after
        self.picks = [_picker([js.index(j) for j in group], len(js)) for group in by.values()]
        self.lifts = [2 * (top - e) for e in by]
        self.shift = eng.F + 2 * top
        self.u = [list(pick([eng.u[j][k] for j in js])) for pick in self.picks]
        self.a = [list(pick([eng.a[j] for j in js])) for pick in self.picks]

    def residual(self, eng):
        acc = 0
        for lift, u, a in zip(self.lifts, self.u, self.a):
            acc += sum(map(mul, u, a)) << lift
        return _rnd_shift(acc, self.shift) if acc else _ZERO

    def extend(self, new_u, a_k):
        """The next order: ``u`` appended, ``a`` put first."""
        for pick, u, a in zip(self.picks, self.u, self.a):
            u += pick(new_u)
            a[:0] = pick(a_k)


def _picker(positions, size):
    """A function taking the entries at ``positions`` out of a row of ``size`` (the row itself when
    that is all of it)."""
    if positions == list(range(size)):
        return lambda row: row
    if len(positions) == 1:
        q = positions[0]
        return lambda row: (row[q],)
    return itemgetter(*positions)


def _cauchy_by_scale(groups, Ul, k, arev) -> dict:
    """``{e: sum_{j in group e} sum_l u_jk[l] a_j[i - l]}``: a residual's next Cauchy sums per scale
    group (``Ul[j][k]`` the coefficients of ``u_jk`` so far, ``arev[j]`` those of ``a_j`` reversed)."""
    return {e: sum(map(mul, chain.from_iterable([Ul[j][k] for j in js]), chain.from_iterable([arev[j] for j in js])))
            for e, js in groups.items()}


def _by_scale(e, js) -> dict:
    """The neurons ``js`` grouped by their scale ``e_j`` (in the order given)."""
    out = {}
    for j in js:
        out.setdefault(e[j], []).append(j)
    return out


def _fixed_start(problem, start, F: int) -> tuple:
    """``(t, e, a, u)`` in fixed point (time at ``2F`` fraction bits, the neurons' scales ``e``) from the
    state ``start`` a run
    continues from: exact for a state of a reduced run of the same problem and digits (its values
    are the engine's integers over ``2^F``), else rounded once.  The activation pattern is read
    from the state (``u_jk > 0``), as at ``t = 0``; so only ReLU'(0) = 0 is continued (under
    ReLU'(0) = 1 a coordinate at exactly 0 may be active)."""
    if problem.relu_prime_at_zero != 0:
        raise InvalidInput("start: a run is continued under ReLU'(0) = 0 only (a coordinate at 0 may be active "
                           "under ReLU'(0) = 1, which a state does not record); integrate from t = 0")
    m, n = problem.m, problem.n
    if len(start.a) != m or len(start.U) != m or any(len(row) != n for row in start.U):
        raise InvalidInput(f"start: expected a state of {m} neurons on {n} points")
    t0 = exact_fraction(start.t, where="start.t")  # checked against t_end and the times by integrate_reduced
    a = [exact_fraction(v, where="start.a") for v in start.a]
    u = [[exact_fraction(v, where="start.U") for v in row] for row in start.U]
    e = [_granule(_scale_bits([q], [row])) for q, row in zip(a, u)]
    return (fix(t0, 2 * F), e, [fix(q, F + ej) for q, ej in zip(a, e)],
            [[fix(q, F + ej) for q in row] for row, ej in zip(u, e)])


def _scale_bits(a0, u0) -> int:
    """``ceil(log2(1 / |z(0)|_max))`` (0 at least) from the exact start: the fixed-point
    resolution is set below the initial scale of the state."""
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
    return max(0, int(math.ceil(-top)))


def integrate_reduced(problem, *, precision=None, dps=None, guard_bits=None, t_end, times=(), until_loss=None,
                      watches=(), max_steps=10**6, max_events=10**5, order=None, tol_bits=None,
                      sample_weights=True, error_estimate=False, error_estimate_parallel=None, start=None):
    """Run the reduced engine; see :func:`gfcheck.numeric.integrate`.

    ``precision`` (or ``dps`` / ``guard_bits``) as there; ``order`` / ``tol_bits`` override
    the Taylor order and the step tolerance ``2^-tol_bits`` (for tests and precision ladders;
    not carried over to the reference run of the error estimate, so a truncated order shows);
    ``sample_weights=False`` leaves ``W`` out of the samples (the final state keeps it);
    ``start``: a :class:`State` to continue from (ReLU'(0) = 0), at its time ``start.t``, with
    ``times`` and ``t_end`` at or after it (:func:`_fixed_start`).
    """
    problem.require_square_loss("the reduced engine", elsewhere="full")
    problem.require_orthogonal("the reduced engine")
    prec = as_precision(precision, dps, guard_bits)
    T, ts, ul, ws = check_args(problem, t_end, times, until_loss, watches)
    args = dict(t_end=T, times=ts, until_loss=ul, watches=ws, max_steps=max_steps, max_events=max_events,
                sample_weights=sample_weights, start=start)
    if start is not None:
        t0 = exact_fraction(start.t, where="start.t")
        if t0 < 0:
            raise InvalidInput(f"start.t: expected a non-negative time, found {t0}")
        if T < t0 or (ts and ts[0] < t0):
            raise InvalidInput(f"start: t_end and the sample times must lie at or after start.t = {t0}")
    if not error_estimate:
        return _run_once(problem, prec, order=order, tol_bits=tol_bits, **args)
    return with_estimate(lambda: _run_once(problem, prec, order=order, tol_bits=tol_bits, **args),
                         lambda: _run_once(problem, reference_precision(prec), **args),
                         parallel=error_estimate_parallel)


def _run_once(problem, prec, *, t_end, times, until_loss, watches, max_steps, max_events, order=None,
              tol_bits=None, sample_weights=True, start=None):
    eng = _Engine(problem, prec, order=order, tol_bits=tol_bits, start=start)
    with prec.scope():  # event and crossing times are made at the working precision
        run = eng.run(t_end, times, until_loss, watches, max_steps, max_events)
    F = eng.F

    def states(raws, ts, with_w):
        out = []
        for (ti, a, U, e), t_exact, w in zip(raws, ts, with_w):
            st = State(t=to_mpf(t_exact) if t_exact is not None else mpf_fixed(ti, 2 * F),
                       a=tuple(mpf_fixed(v, F + ej) for v, ej in zip(a, e)),
                       U=tuple(tuple(mpf_fixed(v[0], F + v[1]) if isinstance(v, tuple) else mpf_fixed(v, F + ej)
                                     for v in row) for row, ej in zip(U, e)))
            out.append(State(st.t, st.a, st.U, weights_from(problem, st)) if w else st)
        return out

    return _common.to_trajectory(run, engine="reduced", problem=problem, precision=prec, times=times,
                                 t_end=t_end, states=states, time=_same, sample_weights=sample_weights)


def _same(t):
    return +t


def first_derivatives(problem, a, U, active, *, bits=200):
    """``(da, dU)`` from the engine's own coefficient recurrences (order 1, step 1), as Fractions.

    ``a`` (m) and ``U`` (m x n) are exact rationals, ``active[j][k]`` the activation pattern;
    the values are rounded to ``2^-F`` with ``F >= bits`` on the way in, so they agree with the
    exact field to about ``2^-bits`` times its scale.  For tests against the symbolic layer.
    """
    eng = _Engine(problem, Precision(max(5, int(bits / 3.33) + 1)), order=2)
    F = eng.F
    eng.e = [0] * problem.m
    eng.a = [fix(Fraction(v), F) for v in a]
    eng.u = [[fix(Fraction(v), F) for v in row] for row in U]
    A, Us, R, neurons, pairs = eng.series(mpz(1) << F, active)
    scale = Fraction(1, 1 << F)
    da = [Fraction(int(A[j][1])) * scale if j in neurons else Fraction(0) for j in range(problem.m)]
    dU = [[Fraction(int(Us[(j, k)][1])) * scale if (j, k) in Us else Fraction(0) for k in range(problem.n)]
          for j in range(problem.m)]
    return da, dU
