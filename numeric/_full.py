"""The full engine: Taylor integration of ``(a_j, w_j)`` for ANY data, with kinks and sliding.

The flow (digest section 1.2, loss ``L = (1/2n) sum_k r_k^2``, ``r_k = h(x_k) - y_k``)::

    da_j/dt = -(1/n) sum_k r_k relu(u_jk),   dw_j/dt = -(a_j/n) sum_k r_k chi_jk x_k,

with ``u_jk = <w_j, x_k>`` and ``chi_jk = relu'(u_jk)`` in ``{0, 1}`` off the kinks.  Since
``dw_j/dt`` lies in span{x_k}, ``w_j(t) = w_j(0) + sum_l C_jl(t) x_l`` where ``C`` (m x n)
obeys ``dC_jl/dt = -(a_j/n) chi_jl r_l``; projecting on ``x_k`` gives the cross terms of
digest section 7.3, ``du_jk/dt = sum_l G_kl dC_jl/dt`` with the Gram matrix ``G``.  So the
engine carries ``(a, U, C)``: the Taylor coefficients of ``C`` are Cauchy products, those of
``U`` follow by one product with ``G`` (``U`` is linear in ``w``), ``W = W(0) + C X`` is
formed only at samples and at the end, so ``P_perp w_j`` is frozen by construction and
``a_j^2 - ||w_j||^2`` is a genuine check.  The state and everything after the series are
mpmath ``mpf`` at ``work_bits`` (``Precision.scope()``); the Taylor coefficients themselves come
from fixed-point integer recurrences (:mod:`gfcheck.numeric._full_fixed`: Cauchy products as
C-level integer sums at a resolution ``2^-(work_bits + 32)`` of the smallest moving neuron, the
series scaled by a power of two ``H`` at least the step; every coefficient within a derived bound
of the exact recurrences, tests/numeric/test_full_fixed.py) and are handed over as mpf lists;
:meth:`_FullEngine.series_reference` (``fdot`` per coefficient) is the reference, used where the
fixed point cannot hold the state (``stats["series_fixed"]`` / ``stats["series_reference"]``
count the steps).  Polynomials are evaluated exactly on the mpf mantissas and rounded once
(:func:`_horner`).  Order ``p = ceil(bits ln2 / 2) + 1`` and step
``h = rho e^{-2} e^{-0.7/(p-1)}`` (Jorba and Zou 2005), ``rho`` from the last two
coefficients against the state's max-norm.

Kinks.  Every coordinate has a mode: active (``chi = 1``), inactive (``chi = 0``) or sliding.
An active ``u_jk`` that reaches 0, or an inactive one that reaches 0 from below, ends the step
at the root of its local series (sign sampling then safeguarded Newton at working precision);
``u_jk`` is set to exactly 0 and its new mode is chosen from the two one-sided pushes
``p0 = du_jk/dt|_{chi_jk = 0}`` and ``p1 = du_jk/dt|_{chi_jk = 1}``:

* ``p0 <= 0`` (and not ``p1 > 0`` with ``ReLU'(0) = 1``): inactive (event ``deactivate``);
  with ``ReLU'(0) = 0`` a coordinate at exactly 0 is inactive;
* ``p1 >= 0`` (and not ``p0 <= 0`` with ``ReLU'(0) = 0``): active (event ``activate``);
* ``p0 > 0 > p1`` (both sides push towards ``u_jk = 0``): **sliding** (Filippov).

Sliding convention (Filippov 1988, convex combination): the field is affine in ``chi_jk`` and
at ``u_jk = 0`` the coordinate does not enter ``r`` nor ``da_j/dt``, so the Filippov field is
the field with ``chi_jk = alpha_jk in [0, 1]`` that keeps ``du_jk/dt = 0``.  For the sliding set
``S`` of neuron ``j`` (active set ``A``) this is ``sum_{l in S} G_kl alpha_l r_l =
-sum_{l in A} G_kl r_l`` (k in S), i.e. ``beta = alpha r = M r_A`` with the exact rational
matrix ``M = -G_SS^{-1} G_SA``: the sliding field stays polynomial.  The motion leaves the
sliding mode (event ``slide-out``) when ``alpha_jk = beta_k / r_k`` leaves ``[0, 1]``, i.e. when
``beta_k r_k`` or ``r_k (r_k - beta_k)`` falls through 0; the coordinate then continues in the
mode chosen by the rule above (inactive through ``alpha = 0``, active through ``alpha = 1``).
Events are recorded with ``kind`` in ``activate``, ``deactivate``, ``slide-in``, ``slide-out``.
While sliding, ``U[j][k]`` is reported as exactly 0; ``W`` carries the integrated value, whose
largest deviation from the constraint (relative to the neuron's scale) is
``stats["slide_drift"]``.  Opposite inputs (``x_p = c x_k``, ``c < 0``) share one boundary, one
constraint whose two sides are "k active" and "p active" (:meth:`_FullEngine.resolve_opposites`,
docs/suites/separable.md section 2).  Any other singular Gram block on the sliding set (dependent
inputs, n > d) makes the Filippov weights non-unique and raises ``IntegrationFailed``.
Comparisons with 0 use ``tolerance(bits, 10)`` times the scale of the terms compared.
Chattering (Zeno) is guarded by ``max_events`` (``TooManyEvents``) and, within seconds, by the
progress watchdog (:class:`gfcheck.numeric._common.Watchdog`, ``StepCollapse``): a step estimate
below the floor of :meth:`_FullEngine.step_floor`, or one coordinate cutting more than 8
consecutive steps that advance the time by less than it.

>>> from gfcheck.symbolic.problem import parse_problem
>>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["1/2", "1"]],
...     "labels": ["1", "-1"], "width": 1, "init": {"scale": "1/1000",
...     "directions": [["1", "1"]], "signs": [1]}})
>>> tr = integrate_full(p, dps=15, t_end=3, error_estimate=False)
>>> [(e.neuron, e.point, e.kind) for e in tr.events]
[(0, 1, 'slide-in')]
>>> tr.final.U[0][1] == 0
True
"""

from __future__ import annotations

import math
import time as _time
from fractions import Fraction

import mpmath
from mpmath import fdot, mpf
from mpmath.libmp import from_man_exp

from gfcheck.symbolic.exact import solve_exact
from gfcheck.symbolic.budget import checkpoint
from gfcheck.symbolic.errors import (
    IntegrationFailed,
    InvalidInput,
    PrecisionExhausted,
    StepSizeCollapse,
    TooManyEvents,
)

from . import _common, _full_fixed
from ._common import Hits, Run, to_trajectory
from ._roots import refine_root
from ._losses import LossSeries, group_inputs, make_atoms
from .estimate import reference_precision, with_estimate
from .precision import Precision, as_precision, to_mpf, tolerance
from .trajectory import Event, State, Trajectory, check_args

__all__ = ["integrate_full"]

from ._full_fixed import ACT, INA, SLI  # the coordinate modes, defined in the module below this one
_MODE_NAMES = {INA: "inactive", ACT: "active", SLI: "sliding"}
#: slack bits of the zero tests (tolerance(bits, _SLACK) times the scale compared)
_SLACK = 10
#: sign samples per step in the root search
_SAMPLES = 16
#: Newton steps of the root search are ``2^-_OVERSHOOT`` longer than Newton's (see _MpfRoots)
_OVERSHOOT = 16


def _horner(c, tau):
    """``sum_i c_i tau^i``, exact on the mpf values' mantissas and exponents (Horner's rule in
    integers: ``acc = A 2^E``), rounded once to the working precision.

    >>> mpmath.nstr(_horner([mpf(1), mpf(-3), mpf(2)], mpf(0.25)), 6)   # 1 - 3/4 + 2/16
    '0.375'
    """
    ts, tm, te, _ = tau._mpf_
    if not tm and te:  # inf / nan
        raise InvalidInput(f"_horner: the point {tau} is not finite")
    tm = -tm if ts else tm
    A, E = 0, 0
    for x in reversed(c):
        xs, xm, xe, _ = x._mpf_
        if A:
            A *= tm
            E += te
        if not xm:
            if xe:
                raise InvalidInput(f"_horner: the coefficient {x} is not finite")
            continue
        xm = -xm if xs else xm
        if not A:
            A, E = xm, xe
        elif xe >= E:
            A += xm << (xe - E)
        else:
            A = (A << (E - xe)) + xm
            E = xe
    return mpmath.mp.make_mpf(from_man_exp(A, E, mpmath.mp.prec, "n"))


def _stays_positive(c0, c, hpow) -> bool:
    """``c0 + c_1 tau + ... > 0`` on ``[0, h]`` (``hpow`` the powers of ``h``, ``c0 > 0``): the
    polynomial is at least the concave ``c0 + c_1 tau + sum_{i >= 2} min(c_i, 0) tau^i``, whose
    minimum on the step is at an end (:func:`gfcheck.numeric._full_fixed.clear_of_zero`, in
    integers), with ``2^-(prec - 4)`` of the magnitudes for the roundings.

    >>> h = mpf(1) / 2; hp = [mpf(1), h, h * h]
    >>> _stays_positive(mpf(1), [mpf(1), mpf(5), mpf(-3)], hp), _stays_positive(mpf(1), [mpf(1), mpf(-5), mpf(3)], hp)
    (True, False)
    """
    lin = c[1] * hpow[1] if len(c) > 1 else mpf(0)
    neg = fdot([min(v, 0) for v in c[2:]], hpow[2:len(c)]) if len(c) > 2 else mpf(0)
    return c0 + lin + neg > (c0 + abs(lin) - neg) * mpf(2) ** (4 - mpmath.mp.prec)


def _first_root(c, hmax, hpow, rel, shift=0):
    """Smallest ``tau`` in ``(0, hmax]`` with ``P(tau) + shift <= 0`` (``P + shift`` positive just
    after 0), where ``P`` has coefficients ``c``.

    Sign sampling at ``_SAMPLES`` points, then safeguarded Newton / bisection until the
    bracket is below ``hmax * rel``.  Returns the right end of the final bracket or None.
    With ``shift > 0`` (a function that starts at 0: only a clear move counts) the located
    time is moved back to the last crossing of ``P`` itself through 0 before it, when ``P``
    was positive at an earlier sample (an excursion that comes back through 0).
    """
    c0 = c[0] + shift
    if c0 > 0 and _stays_positive(c0, c, hpow):
        return None
    lo, hi = mpf(0), None
    vals = []
    for q in range(1, _SAMPLES + 1):
        tq = hmax * q / _SAMPLES
        v = _horner(c, tq)
        if v + shift <= 0:
            hi = tq
            break
        vals.append((tq, v))
        lo = tq
    if hi is None:
        return None
    if shift:
        # the last sample where P > 0: the crossing of P through 0 lies after it
        last = next((i for i in range(len(vals) - 1, -1, -1) if vals[i][1] > 0), None)
        if last is not None:
            lo = vals[last][0]
            hi = vals[last + 1][0] if last + 1 < len(vals) else hi
            shift = 0
    eps = hmax * rel
    return refine_root(_MpfRoots(c, shift, eps), lo, hi, (lo + hi) / 2, 4 * mpmath.mp.prec)


class _MpfRoots:
    """The mpf kernel of :func:`gfcheck.numeric._roots.refine_root`: ``P + shift`` and ``P'``
    by :func:`_horner` (exact, rounded once to the working precision), a bracket closed to ``eps``.

    The slope is taken ``2^-_OVERSHOOT`` short, so that a Newton step lands just past the root:
    the iterates then close the bracket from both sides, where exact values converging from one
    side would leave the far end until a bisection (the factor costs linear convergence at rate
    ``2^-_OVERSHOOT`` only below that relative distance)."""

    __slots__ = ("c", "dc", "shift", "eps")

    def __init__(self, c, shift, eps):
        short = 1 - mpf(2) ** -_OVERSHOOT
        self.c, self.dc, self.shift, self.eps = c, [c[i] * i * short for i in range(1, len(c))], shift, eps

    def value(self, tau):
        return _horner(self.c, tau) + self.shift

    def slope(self, tau):
        return _horner(self.dc, tau)

    @staticmethod
    def newton(tau, v, dv, lo, hi):
        return tau - v / dv if dv else lo

    @staticmethod
    def inside(lo, x, hi) -> bool:
        return lo < x < hi

    @staticmethod
    def middle(lo, hi):
        return (lo + hi) / 2

    def done(self, lo, hi, tau, nxt):
        return hi if hi - lo <= self.eps else None


def _solve_exact(Gq, S, A):
    """``M = -G_SS^{-1} G_SA`` exactly (Fractions, Gauss-Jordan); None if ``G_SS`` is singular."""
    return solve_exact([[Gq[k][l] for l in S] for k in S], [[-Gq[k][l] for l in A] for k in S])


class _FullEngine:
    """One run of the full engine at one precision (see the module docstring)."""

    def __init__(self, problem, prec: Precision, order=None):
        self.problem = problem
        self.prec = prec
        self.m, self.d = problem.m, problem.d
        self.p = order if order is not None else _common.order_for(prec.bits)
        if self.p < 2:
            raise InvalidInput(f"Taylor order must be at least 2, found {self.p}")
        self.rp1 = problem.relu_prime_at_zero == 1
        # groups of positively parallel inputs (copies): the engine's "points" are the groups
        self.groups = group_inputs(problem.inputs)
        self.simple = problem.loss == "square" and len(self.groups) == problem.n
        self.n = len(self.groups)
        reps = [g[0] for g in self.groups]
        G_all = problem.gram()
        self.Gq = tuple(tuple(G_all[k][l] for l in reps) for k in reps)
        self.G = [[to_mpf(v) for v in row] for row in self.Gq]
        self.inv_n = mpf(1) / problem.n
        self._init_loss(problem)
        self._init_state(problem, reps)
        self.tol = tolerance(prec.bits, _SLACK)
        self.rel = tolerance(prec.work_bits, 4)
        self._M = {}
        self._M_fixed = {}
        self._G_fixed = None
        #: steps whose series came from the fixed-point recurrences / the mpf reference; steps
        #: whose scale H was set again within the step
        self.series_counts = {"fixed": 0, "reference": 0, "rescaled": 0}
        #: the last Jorba-Zou step estimate (the fixed-point series' scale)
        self.h_pred = None
        self.events = []
        self.null_resolutions = 0
        self.slide_drift = mpf(0)
        #: opposite groups: x_l = c x_k with c < 0 share the activation boundary of x_k
        self.partners = self._opposite_partners()
        #: neurons whose lone active coordinate moves on an invariant line (orthogonal inputs)
        self.line = _common.on_invariant_line(problem)  # False for every neuron unless orthogonal
        self.lines = set()

    def _init_loss(self, problem) -> None:
        """The loss: the square loss on distinct points keeps the residual ``r_k = h_k - y_k``
        (``y``, no loss series, the labels' sizes as scale); any other its :class:`LossSeries` on
        the groups' atoms."""
        if self.simple:  # the first theory's residual r_k = h_k - y_k, unchanged
            self.y = [to_mpf(v) for v in problem.labels]
            self.lossfn = None
            self.yscale = [abs(v) for v in self.y]
        else:
            atoms = [(g, cnt, to_mpf(c), to_mpf(y), pts) for g, cnt, c, y, pts in
                     make_atoms(problem.loss, [g[1] for g in self.groups], problem.labels)]
            self.lossfn = LossSeries(problem.loss, atoms, self.n, problem.n)
            self.yscale = self.lossfn.scale

    def _init_state(self, problem, reps) -> None:
        """The initial state, rounded once from the exact values: ``a_j``, ``u_jk`` on the groups'
        representatives ``reps``, ``C = 0``, and the modes (active where ``u_jk > 0``)."""
        a0, u0 = _common.initial_values(problem)  # exact; rounded once here
        self.a = [q[1] * mpmath.sqrt(to_mpf(q[2])) if isinstance(q, tuple) else to_mpf(q) for q in a0]
        self.U = [[to_mpf(row[k]) for k in reps] for row in u0]
        self.C = [[mpf(0)] * self.n for _ in range(self.m)]
        self.mode = [[ACT if u > 0 else INA for u in row] for row in self.U]

    def _opposite_partners(self) -> dict:
        """``{k: [(l, c)]}``: the groups ``x_l = c x_k`` with ``c = G_kl / G_kk < 0`` (exact: ``G_kl < 0``
        and ``G_kl^2 = G_kk G_ll``)."""
        return {k: [(l, self.Gq[k][l] / self.Gq[k][k]) for l in range(self.n)
                    if l != k and self.Gq[k][l] < 0 and self.Gq[k][l] ** 2 == self.Gq[k][k] * self.Gq[l][l]]
                for k in range(self.n)}

    # -- sets and the sliding matrix --------------------------------------------------
    def sets(self, j):
        row = self.mode[j]
        A = tuple(k for k in range(self.n) if row[k] == ACT)
        S = tuple(k for k in range(self.n) if row[k] == SLI)
        return A, S

    def slide_matrix(self, j, S, A, t):
        key = (S, A)
        M = self._M.get(key)
        if M is None:
            Mq = _solve_exact(self.Gq, S, A)
            if Mq is None:
                raise IntegrationFailed(
                    f"neuron {j} slides on points {list(S)} at t = {mpmath.nstr(t, 12)}, but their "
                    "Gram block is singular (linearly dependent inputs): the Filippov weights are "
                    "not unique. Remove duplicate / dependent inputs and rerun"
                )
            M = self._M[key] = [[to_mpf(v) for v in row] for row in Mq]
        return M

    # -- pointwise field (for mode decisions) -----------------------------------------
    def outputs(self):
        """``h_g`` of every group (active coordinates only)."""
        return [fdot([(self.a[j], self.U[j][k]) for j in range(self.m)
                      if self.mode[j][k] == ACT and self.U[j][k] > 0]) for k in range(self.n)]

    def residuals(self):
        """``R_g = -n rho_g`` (square, no parallel inputs: ``h_k - y_k``)."""
        if self.simple:
            r = []
            for k in range(self.n):
                terms = [(self.a[j], self.U[j][k]) for j in range(self.m)
                         if self.mode[j][k] == ACT and self.U[j][k] > 0]
                r.append(fdot(terms) - self.y[k])
            return r
        return [self.lossfn.value(k, h) for k, h in enumerate(self.outputs())]

    def _config_ok(self, j, k, A, S, r, t, cand):
        """Is mode ``cand`` of coordinate (j, k) consistent (with the others of neuron j)?"""
        M = self.slide_matrix(j, S, A, t) if S else None
        e = [mpf(0)] * self.n
        for l in A:
            e[l] = r[l]
        for i, l in enumerate(S):
            e[l] = fdot(M[i], [r[q] for q in A])
        rscale = [abs(r[l]) + self.yscale[l] for l in range(self.n)]
        for l in S:  # alpha_l = beta_l / r_l in [0, 1]
            b, rl = e[l], r[l]
            rs = rscale[l]
            pp = self.opposite_at_zero(j, l)
            if pp is not None:  # the two regions are "l active" and "its opposite p active"
                q, c = pp
                b, rl, rs = b - c * r[q], rl - c * r[q], rs + abs(c) * rscale[q]
            if b * rl < -self.tol * rs ** 2 or abs(b) > abs(rl) + self.tol * rs:
                return False, l
        if cand == SLI:
            return True, None
        Gk = self.G[k]
        du = -self.a[j] * self.inv_n * fdot(Gk, e)
        scale = abs(self.a[j]) * self.inv_n * fdot(list(map(abs, Gk)), rscale)
        thr = self.tol * scale
        if cand == INA:
            return du <= thr, None
        return du >= -thr, None

    def _consistent_modes(self, j, k, r, t):
        """``(ok, bad_other)``: for each mode of ``u_jk = 0`` (inactive, active, sliding), whether
        the configuration it makes is consistent (:meth:`_config_ok`, with the residuals ``r``),
        and the other sliding coordinate that is not (None); a sliding ``u_jk`` inconsistent in
        itself is not consistent."""
        A0, S0 = self.sets(j)
        A0 = tuple(q for q in A0 if q != k)
        S0 = tuple(q for q in S0 if q != k)
        ok = {}
        bad_other = {}
        for cand in (INA, ACT, SLI):
            A = tuple(sorted(A0 + (k,))) if cand == ACT else A0
            S = tuple(sorted(S0 + (k,))) if cand == SLI else S0
            good, bad = self._config_ok(j, k, A, S, r, t, cand)
            if cand == SLI and bad == k:
                good, bad = False, None
            ok[cand] = good
            bad_other[cand] = bad
        return ok, bad_other

    def _choose_mode(self, j, k, r, ok, bad_other, queue):
        """The mode of ``u_jk = 0`` from the consistent ones ``ok``: both inactive and active ->
        the convention ``relu'(0)``; one of them -> that one; else sliding; none -> the sign of its
        own push ``-a_j G_kk r_k``, the inconsistent other coordinates queued to be resolved again."""
        if ok[INA] and ok[ACT]:
            return ACT if self.rp1 else INA
        if ok[INA] or ok[ACT]:
            return INA if ok[INA] else ACT
        if ok[SLI]:
            return SLI
        # an other sliding coordinate is inconsistent whatever u_jk does: decide u_jk by
        # its own pushes, then re-resolve that coordinate
        e_push = -self.a[j] * self.G[k][k] * r[k]
        for cand in (INA, ACT):
            if bad_other[cand] is not None and bad_other[cand] not in queue:
                queue.append(bad_other[cand])
        return ACT if e_push > 0 else INA

    def resolve(self, j, k, t, max_events):
        """Choose the mode of u_jk = 0 (and re-check the other sliding coordinates of j)."""
        queue = [k]
        guard = 0
        while queue:
            k = queue.pop(0)
            guard += 1
            if guard > 8 * self.n + 8:
                raise IntegrationFailed(
                    f"neuron {j}: no consistent activation pattern found at t = "
                    f"{mpmath.nstr(t, 12)} on point {k} (sliding set "
                    f"{[l for l in range(self.n) if self.mode[j][l] == SLI]}); the Filippov "
                    "solution is not unique here. Try a perturbed initialisation or more dps"
                )
            self.U[j][k] = mpf(0)
            pp = self.opposite_at_zero(j, k)
            if pp is not None:
                self.resolve_opposites(j, k, pp[0], t, max_events)
                queue.extend(q for q in self.recheck_sliding(j, t) if q not in queue)
                continue
            r = self.residuals()
            ok, bad_other = self._consistent_modes(j, k, r, t)
            new = self._choose_mode(j, k, r, ok, bad_other, queue)
            self.set_mode(j, k, new, t, max_events)
            queue.extend(q for q in self.recheck_sliding(j, t) if q not in queue)

    def set_mode(self, j, k, new, t, max_events):
        """Mode ``new`` for (j, k) at ``t``, with its event (or a null resolution)."""
        old = self.mode[j][k]
        self.mode[j][k] = new
        if new != old:
            if new == SLI:
                kind = "slide-in"
            elif old == SLI:
                kind = "slide-out"
            else:
                kind = "activate" if new == ACT else "deactivate"
            self.events.append(Event(+t, j, k, kind))
        else:
            self.null_resolutions += 1
        if len(self.events) + self.null_resolutions > max_events:
            raise TooManyEvents(
                f"more than max_events = {max_events} activation events; the last on neuron {j}, "
                f"point {k} at t = {mpmath.nstr(t, 15)} ({_MODE_NAMES[old]} -> {_MODE_NAMES[new]}). "
                "The trajectory chatters (Zeno) or runs away: check the data, raise max_events, "
                "or shorten t_end"
            )

    def recheck_sliding(self, j, t) -> list:
        """The sliding coordinates of ``j`` that are inconsistent under the current pattern."""
        A, S = self.sets(j)
        bad_ones = []
        if S:
            r = self.residuals()
            for l in S:
                good, bad = self._config_ok(j, l, A, S, r, t, SLI)
                if not good and bad is not None:
                    bad_ones.append(bad)
        return bad_ones

    def opposite_at_zero(self, j, k):
        """``(p, c)`` when the input group ``p`` is opposite to ``k`` (``x_p = c x_k``, c < 0) and
        ``u_jp`` is at 0 with ``u_jk``: one boundary for two points, each active on its side."""
        for p, c in self.partners[k]:
            if self.U[j][p] == 0 or abs(self.U[j][p]) <= self.tol * max(
                    [abs(self.a[j])] + [abs(v) for v in self.U[j]]):
                return p, c
        return None

    def resolve_opposites(self, j, k, p, t, max_events):
        """The shared boundary of opposite inputs ``x_k`` and ``x_p = c x_k`` (c < 0): the
        neuron goes to the side whose point's push is outward (``k`` active, or ``p`` active), or
        slides on the boundary when both pushes point in.  Sliding: Filippov's combination of the
        two sides' fields, ``alpha F_k + (1 - alpha) F_p``; its normal part fixes the multiplier
        ``B = alpha r_k + c (1 - alpha) r_p`` of the constraint kept (``k`` sliding, ``p``
        inactive at 0), consistent when ``alpha = (B - c r_p) / (r_k - c r_p)`` lies in
        ``[0, 1]`` (:meth:`_config_ok`)."""
        k, p = min(k, p), max(k, p)  # the lower index carries the constraint when sliding
        self.U[j][k] = self.U[j][p] = mpf(0)
        old = {k: self.mode[j][k], p: self.mode[j][p]}
        r = self.residuals()
        A0, S0 = self.sets(j)
        A0 = tuple(q for q in A0 if q not in (k, p))
        S0 = tuple(q for q in S0 if q not in (k, p))
        # each side judged with the other point off; the sliding with p off at 0
        self.mode[j][k] = self.mode[j][p] = INA
        slide_ok = self._config_ok(j, k, A0, tuple(sorted(S0 + (k,))), r, t, SLI)[0]
        k_ok = self._config_ok(j, k, tuple(sorted(A0 + (k,))), S0, r, t, ACT)[0]
        p_ok = self._config_ok(j, p, tuple(sorted(A0 + (p,))), S0, r, t, ACT)[0]
        self.mode[j][k], self.mode[j][p] = old[k], old[p]
        if slide_ok:
            new_k, new_p = SLI, INA
        elif k_ok or p_ok:
            new_k, new_p = (ACT, INA) if k_ok else (INA, ACT)
        else:
            raise IntegrationFailed(
                f"neuron {j}: no consistent motion at t = {mpmath.nstr(t, 12)} on the boundary shared by "
                f"the opposite inputs {k} and {p} (neither side nor the sliding motion is consistent); "
                "try more dps")
        for q, new in ((k, new_k), (p, new_p)):
            if new != old[q] or q == k:
                self.set_mode(j, q, new, t, max_events)

    # -- one Taylor expansion ----------------------------------------------------------
    def layout(self, t):
        """The step's sets: ``(sets, moving, movers, act_k)`` with ``sets[j] = (A_j, S_j)``, the
        moving neurons, ``movers[j]`` the coordinates ``k`` with ``G_kl != 0`` for some ``l`` in
        ``A_j u S_j`` (with those ``(l, G_kl)``), ``act_k[k]`` the neurons active on ``k``."""
        n, m, G = self.n, self.m, self.G
        sets = [self.sets(j) for j in range(m)]
        act_k = [[j for j in range(m) if sets[j][0] and k in sets[j][0]] for k in range(n)]
        moving = [j for j in range(m) if sets[j][0] or sets[j][1]]
        movers = {}
        for j in moving:
            AS = sets[j][0] + sets[j][1]
            movers[j] = [(k, [(l, G[k][l]) for l in AS if G[k][l] != 0]) for k in range(n)]
            movers[j] = [(k, lst) for k, lst in movers[j] if lst]
        for j, (A, S) in enumerate(sets):
            if S:
                self.slide_matrix(j, S, A, t)  # refuses a singular Gram block before any series
        return sets, moving, movers, act_k

    def series(self, t):
        """The local series of the step: the fixed-point recurrences (:mod:`gfcheck.numeric._full_fixed`)
        where the fixed point holds the state, else :meth:`series_reference`;
        ``stats["series_fixed"]`` / ``stats["series_reference"]`` count the steps of each."""
        layout = self.layout(t)
        out = _full_fixed.series(self, t, layout)
        if out is not None:
            self.series_counts["fixed"] += 1
            return out
        self.series_counts["reference"] += 1
        return self.series_reference(t, layout)

    def gram_fixed(self):
        """``(Gi, S)``: the engine's mpf Gram matrix exactly as integers, ``G = Gi 2^-S``."""
        key = id(self.G)
        if self._G_fixed is None or self._G_fixed[0] != key:
            self._G_fixed = (key, _full_fixed.dyadic(self.G))
        return self._G_fixed[1]

    def slide_fixed(self, j, S, A):
        """``(Mi, S)``: the sliding matrix of :meth:`slide_matrix` exactly as integers, ``M = Mi 2^-S``."""
        M = self.slide_matrix(j, S, A, self.t)
        hit = self._M_fixed.get((S, A))
        if hit is None or hit[0] is not M:
            hit = self._M_fixed[(S, A)] = (M, _full_fixed.dyadic(M))
        return hit[1]

    def _reference_start(self, sets, moving):
        """Order 0 of the reference recurrences: ``Aser[j] = [a_j]``, ``User[j][k] = [u_jk]``,
        empty ``R[k]``, and for each moving neuron and each point of its active and sliding sets
        an empty ``E[j][l]`` and ``Cser[j][l] = [0]``."""
        n, m = self.n, self.m
        Aser = [[self.a[j]] for j in range(m)]
        User = [[[self.U[j][k]] for k in range(n)] for j in range(m)]
        R = [[] for _ in range(n)]
        E = [{} for _ in range(m)]
        Cser = [{} for _ in range(m)]
        for j in moving:
            for l in sets[j][0] + sets[j][1]:
                E[j][l] = []
                Cser[j][l] = [mpf(0)]
        return Aser, User, R, E, Cser

    def _reference_residuals(self, i, act_k, Aser, User, R, H) -> None:
        """Order ``i`` of the residuals, appended to ``R[k]``: ``h_k[i] = sum_{j active on k} sum_q
        a_j[q] u_jk[i - q]`` (one ``fdot``), then ``r_k[i] = h_k[i] - [i == 0] y_k`` on the square
        loss, else the loss series' coefficient from ``H[k]`` (the ``h_k`` so far)."""
        for k in range(self.n):
            js = act_k[k]
            s = fdot([(x, v) for j in js for x, v in zip(Aser[j], reversed(User[j][k]))]) if js else mpf(0)
            if H is None:
                R[k].append(s - self.y[k] if i == 0 else s)
            else:
                H[k].append(s)
                R[k].append(self.lossfn.coef(k, i, H[k]))

    def series_reference(self, t, layout=None):
        """The local series in mpf (``fdot`` per Cauchy-product coefficient): the reference of the
        fixed-point recurrences."""
        n, p = self.n, self.p
        sets, moving, movers, act_k = layout if layout is not None else self.layout(t)
        Ms = [self.slide_matrix(j, S, A, t) if S else None for j, (A, S) in enumerate(sets)]
        Aser, User, R, E, Cser = self._reference_start(sets, moving)
        H = None
        if not self.simple:
            self.lossfn.start()
            H = [[] for _ in range(n)]
        for i in range(p + 1):
            self._reference_residuals(i, act_k, Aser, User, R, H)
            if i == p:
                break
            c = -self.inv_n / (i + 1)
            new_a = []
            for j in moving:
                A, S = sets[j]
                for l in A:
                    E[j][l].append(R[l][i])
                for q, l in enumerate(S):
                    E[j][l].append(fdot(Ms[j][q], [R[l2][i] for l2 in A]))
                aj = Aser[j]
                for l in A + S:
                    Cser[j][l].append(c * fdot(aj, reversed(E[j][l])))
                new_a.append((j, c * fdot([(x, v) for k in A for x, v in zip(R[k], reversed(User[j][k]))])))
            for j in moving:
                for k, lst in movers[j]:
                    User[j][k].append(fdot([(g, Cser[j][l][i + 1]) for l, g in lst]))
            for j, v in new_a:
                Aser[j].append(v)
        return sets, Aser, User, R, E, Cser, moving, movers

    # -- the run ------------------------------------------------------------------------
    def run(self, T, times, until_loss, watches, max_steps, max_events):
        self.begin(T, times, until_loss, watches, max_steps, max_events)
        while not self.stop_loss and self.t < self.Tm:
            self.count_step()
            self.hold_on_lines()
            ser = self.series(self.t)
            if not ser[6]:
                # nothing moves: every coordinate is inactive and frozen; the state is constant
                self.record_samples_until(self.Tm)
                self.t = self.Tm
                break
            h, final_step, hpow = self.step_size(ser)
            hits = self.event_scan(ser, h, hpow)
            tau_cut, items = self.loss_scan(ser[3], hits, h, hpow)
            t_next = self.Tm if (final_step and tau_cut == h and not self.stop_loss) else self.t + tau_cut
            self.record_samples(ser, t_next)
            self.advance(ser, tau_cut)
            t_prev, self.t = self.t, t_next
            self.watchdog.after_step(t_prev, t_next, items, self.floor)
            for (_, j, k, _what) in sorted(items, key=_by_coordinate):
                self.resolve(j, k, self.t, self.max_events)
        return self.t

    def begin(self, T, times, until_loss, watches, max_steps, max_events):
        """The run's targets, the modes of coordinates at 0 and the checks at ``t = 0``."""
        self.t0_wall = _time.perf_counter()
        self.max_steps, self.max_events = max_steps, max_events
        self.t = mpf(0)
        self.Tm = to_mpf(T)
        self.sample_t = [to_mpf(s) for s in times]
        self.samples = []
        self.si = 0
        self.crossings = {w.name: None for w in watches}
        self.loss_target = to_mpf(until_loss) if until_loss is not None else None
        self.watch_t = [(w.name, sorted(w.points), to_mpf(w.target)) for w in watches]
        self.steps = 0
        self.floor = mpf(0)
        self.watchdog = _common.Watchdog("full", finite_kinks=_common.finite_kinks(self.problem),
                                         as_time=_same, summary=self.summary)
        self.h_min = self.h_max = None
        self.stop_loss = False
        # coordinates at exactly 0 at the start
        for j in range(self.m):
            for k in range(self.n):
                if self.U[j][k] == 0:
                    self.resolve(j, k, self.t, max_events)
        if self.loss_target is not None and self.loss_now() <= self.loss_target:
            self.stop_loss = True
        # a watch is crossed once the loss is below its level by the band (of its loss at t = 0)
        self.watch_rules = {}
        for name, pts, tgt in self.watch_t:
            L = self.loss_now(pts)
            rule, band = self.watch_rules[name] = (_common.Crossing(),
                                                   to_mpf(_common.loss_band(L, tgt, self.prec.bits)))
            self.crossings[name] = rule.at_start(L, tgt, band, +self.t)
        self.record_samples_until(self.t)

    def hold_on_lines(self):
        """Phase 0: the pairs on their invariant line (:func:`gfcheck.numeric._common.on_invariant_line`,
        the rule of the reduced engine) are put back on it, ``a_j = s_j u_jk / ||x_k||``; their
        roots are not searched."""
        self.lines = set()
        for j in range(self.m):
            if not self.line[j]:
                continue
            k = _common.lone_point([md == ACT for md in self.mode[j]], self.U[j])
            if k is None:
                continue
            self.lines.add((j, k))
            if self.U[j][k] <= 0:  # vanished below the resolution (positive in exact arithmetic)
                self.U[j][k] = self.a[j] = mpf(0)
            else:
                self.a[j] = mpmath.sign(self.a[j] or 1) * self.U[j][k] / mpmath.sqrt(self.G[k][k])

    def loss_now(self, pts=None):
        if not self.simple:
            return self.lossfn.loss_value(self.outputs(), pts)
        r = self.residuals()
        ks = range(self.n) if pts is None else pts
        return fdot([(r[k], r[k]) for k in ks]) / (2 * self.n)

    def count_step(self):
        """Phase 0: the step budget."""
        self.steps += 1
        checkpoint()  # a signal dropped in a finalizer is raised here (gfcheck.symbolic.budget.checkpoint)
        if self.steps > self.max_steps:
            raise IntegrationFailed(
                f"more than max_steps = {self.max_steps} Taylor steps before t = {mpmath.nstr(self.Tm, 12)} "
                f"(stopped at t = {mpmath.nstr(self.t, 12)}); raise max_steps, ask for fewer digits, "
                "or shorten t_end"
            )

    def step_size(self, ser):
        """Phase 2: the step (Jorba-Zou) from the last two coefficients against the state
        max-norm -> ``(h, final_step, [h^i])``."""
        p = self.p
        _, Aser, User, _, _, _, moving, movers = ser
        norm = max([abs(v) for v in self.a] + [abs(v) for row in self.U for v in row])
        series_all = [Aser[j] for j in moving] + [User[j][k] for j in moving for k, _ in movers[j]]
        cands = []
        for q in (p - 1, p):
            top = max(abs(s[q]) for s in series_all)
            if top:
                cands.append((norm / top) ** (mpf(1) / q))
        remaining = self.Tm - self.t
        if cands:
            h = min(cands) * mpmath.exp(-2 - mpf(0.7) / (p - 1))
            self.h_pred = h
            self.floor = self.step_floor(ser[0], norm)
            self.watchdog.check_step(self.t, h, self.floor)
        else:
            h = remaining
        final_step = False
        if h >= remaining:
            h = remaining
            final_step = True
        if h <= max(abs(self.t), mpf(1)) * self.rel:
            raise StepSizeCollapse(
                f"step size collapsed to {mpmath.nstr(h, 5)} at t = {mpmath.nstr(self.t, 12)} (below "
                f"the time resolution of {self.prec.work_bits} bits); the field may be singular "
                "there - check the data, or raise dps"
            )
        hpow = [mpf(1)]
        for _ in range(p + 1):
            hpow.append(hpow[-1] * h)
        return h, final_step, hpow

    def event_scan(self, ser, h, hpow):
        """Phase 3: the event functions ("positive just after 0") of every moving coordinate,
        the sliding exits and (ReLU'(0) = 1) the re-entries -> :class:`Hits`."""
        _, Aser, User, R, E, _, moving, movers = ser
        hits = Hits(h)
        for j in moving:
            nj = max([abs(self.a[j])] + [abs(v) for v in self.U[j]])
            thr = self.tol * nj
            for k, _ in movers[j]:
                mode = self.mode[j][k]
                co = User[j][k]
                # a coordinate strictly off 0 ends the step at its exact crossing; one sitting
                # at 0 (just resolved) only when it leaves by more than the tolerance
                if mode == ACT and (j, k) in self.lines:
                    continue  # no finite-time root on an invariant line
                if mode == ACT:
                    if not _full_fixed.clear_of_zero(ser, j, k, co, co):
                        hits.add(_first_root(co, h, hpow, self.rel, thr if co[0] <= 0 else 0), j, k, "u")
                elif mode == INA:
                    cc = [-v for v in co]
                    if not _full_fixed.clear_of_zero(ser, j, k, co, cc):
                        hits.add(_first_root(cc, h, hpow, self.rel, thr if cc[0] <= 0 else 0), j, k, "u")
                else:
                    pp = self.opposite_at_zero(j, k)
                    if pp is None:
                        self.slide_exits(j, k, co, E[j][k], R[k], nj, h, hpow, hits)
                    else:  # alpha = (B - c r_p) / (r_k - c r_p): the two sides are k and p
                        q, c = pp
                        self.slide_exits(j, k, co, [b - c * x for b, x in zip(E[j][k], R[q])],
                                         [x - c * z for x, z in zip(R[k], R[q])], nj, h, hpow, hits,
                                         scale=self.yscale[k] + abs(c) * self.yscale[q])
        if self.rp1:
            self._reentry_hits(Aser, R, movers, h, hpow, hits)
        return hits

    def _reentry_hits(self, Aser, R, movers, h, hpow, hits) -> None:
        """The re-entries' phase of :meth:`event_scan` (ReLU'(0) = 1): a frozen coordinate at 0
        (inactive, ``u_jk = 0``, not moving) re-enters at the first root of its active-side push
        ``G_kk / n sum_q a_j[q] r_k[i - q]``, a clear turn only (beyond ``tol |G_kk| / n |a_j|
        (|r_k| + |y_k|)`` when it starts at or below that)."""
        p = self.p
        # a frozen coordinate at 0 re-enters when its active-side push turns positive
        for j in range(self.m):
            mv = {k for k, _ in movers.get(j, ())}
            for k in range(self.n):
                if self.mode[j][k] != INA or self.U[j][k] != 0 or k in mv:
                    continue
                ar = [fdot(Aser[j][: i + 1], reversed(R[k][: i + 1])) for i in range(p)]
                push = [self.G[k][k] * self.inv_n * v for v in ar]  # p1 = -push
                thr = self.tol * abs(self.G[k][k]) * self.inv_n * abs(self.a[j]) * (
                    abs(R[k][0]) + self.yscale[k])
                # at the turning point: only a clear turn counts
                hits.add(_first_root(push, h, hpow, self.rel, thr if push[0] <= thr else 0), j, k, "push")

    def slide_exits(self, j, k, co, b, rk, nj, h, hpow, hits, scale=None):
        """A sliding coordinate: its drift off the constraint (``stats["slide_drift"]``) and the
        times where ``alpha = beta_k / r_k`` reaches an end of ``[0, 1]``."""
        p = self.p
        drift = max(abs(v) * hpow[i] for i, v in enumerate(co)) / nj if nj else mpf(0)
        if drift > self.slide_drift:
            self.slide_drift = drift
        f1 = [fdot(b[: i + 1], reversed(rk[: i + 1])) for i in range(p)]
        rmb = [x - z for x, z in zip(rk, b)]
        f2 = [fdot(rk[: i + 1], reversed(rmb[: i + 1])) for i in range(p)]
        thr2 = self.tol * (abs(rk[0]) + (self.yscale[k] if scale is None else scale)) ** 2
        for f in (f1, f2):
            # alpha at an end of [0, 1]: only a clear exit counts
            hits.add(_first_root(f, h, hpow, self.rel, thr2 if f[0] <= thr2 else 0), j, k, "slide")

    def loss_scan(self, R, hits, h, hpow):
        """Phase 4: the loss level and the watches on the local series -> ``(tau_cut, hits)``."""
        p = self.p
        slack = h * self.tol  # roots this close are one instant (a shared residual crossing 0)
        tau_cut = hits.cut
        items = hits.within(slack)
        need = self.loss_target is not None or any(self.crossings[w[0]] is None for w in self.watch_t)
        if not need:
            return tau_cut, items
        RR = None
        if self.simple:
            RR = [[fdot(Rk[: i + 1], reversed(Rk[: i + 1])) / (2 * self.n) for i in range(p + 1)] for Rk in R]
        if self.loss_target is not None:
            tau_cut, items = self._loss_level_cut(RR, tau_cut, items, slack, hpow)
        self._watch_crossings(RR, tau_cut, hpow)
        return tau_cut, items

    def _loss_level_cut(self, RR, tau_cut, items, slack, hpow):
        """The loss level's phase of :meth:`loss_scan`: the first root of ``L(tau) - until_loss``
        (``L = sum_k RR[k]``, or the loss series of another loss) ends the step there (no hit
        kept when it comes before them, ``stop_loss`` set) -> ``(tau_cut, items)``."""
        Lc = [sum(col) for col in zip(*RR)] if self.simple else self.lossfn.loss_series(None, self.p)
        Lc[0] -= self.loss_target
        root = _first_root(Lc, tau_cut, hpow, self.rel) if Lc[0] > 0 else mpf(0)
        if root is not None:
            if root < tau_cut - slack:
                items = []
            tau_cut = min(root, tau_cut)
            self.stop_loss = True
        return tau_cut, items

    def _watch_crossings(self, RR, tau_cut, hpow) -> None:
        """The watches' phase of :meth:`loss_scan`: for each watch not yet crossed, its partial
        loss (``sum_{k in pts} RR[k]``, or the loss series on ``pts``) minus its target, the
        candidate root and the confirming one (the band added) up to ``tau_cut`` stepped through
        its rule; a crossing is recorded."""
        p = self.p
        for name, pts, tgt in self.watch_t:
            if self.crossings[name] is not None:
                continue
            if not self.simple:
                Lc = self.lossfn.loss_series(pts, p)
            else:
                Lc = [sum(col) for col in zip(*[RR[k] for k in pts])] if pts else [mpf(0)] * (p + 1)
            Lc[0] -= tgt
            rule, band = self.watch_rules[name]
            cand = (_first_root(Lc, tau_cut, hpow, self.rel) if Lc[0] > 0 else mpf(0)) if rule.searching else None
            conf = _first_root(Lc, tau_cut, hpow, self.rel, band) if Lc[0] + band > 0 else mpf(0)
            at = rule.step(None if cand is None else self.t + cand, None if conf is None else self.t + conf,
                           conf is None and _horner(Lc, tau_cut) > 0)
            if at is not None:
                self.crossings[name] = at

    def state_at(self, ser, tau):
        """The state ``(a, U, C)`` at ``tau`` into the step, from the local series (on its integers
        when it came from the fixed-point recurrences: :func:`gfcheck.numeric._full_fixed.state_at`)."""
        if getattr(ser, "fixed", None) is not None:
            return _full_fixed.state_at(self, ser, tau)
        _, Aser, User, _, _, Cser, moving, movers = ser
        a_s = list(self.a)
        U_s = [list(r) for r in self.U]
        C_s = [list(r) for r in self.C]
        for j in moving:
            a_s[j] = _horner(Aser[j], tau)
            for k, _ in movers[j]:
                U_s[j][k] = mpf(0) if self.mode[j][k] == SLI else _horner(User[j][k], tau)
            for l, cs in Cser[j].items():
                C_s[j][l] = self.C[j][l] + _horner(cs, tau)
        return a_s, U_s, C_s

    def record_samples_until(self, t_until):
        """The samples up to ``t_until`` while the state is constant (the current state)."""
        while self.si < len(self.sample_t) and self.sample_t[self.si] <= t_until:
            self.samples.append((self.sample_t[self.si], list(self.a), [list(r) for r in self.U],
                                 [list(r) for r in self.C]))
            self.si += 1

    def record_samples(self, ser, t_next):
        """Phase 5: the samples inside the step (dense output)."""
        while self.si < len(self.sample_t) and self.sample_t[self.si] <= t_next:
            a_s, U_s, C_s = self.state_at(ser, self.sample_t[self.si] - self.t)
            self.samples.append((self.sample_t[self.si], a_s, U_s, C_s))
            self.si += 1

    def advance(self, ser, tau_cut):
        """Phase 6: the state at the step's end; the step statistics."""
        self.a, self.U, self.C = self.state_at(ser, tau_cut)
        self.h_min = tau_cut if self.h_min is None or tau_cut < self.h_min else self.h_min
        self.h_max = tau_cut if self.h_max is None or tau_cut > self.h_max else self.h_max

    def summary(self):
        """The state in one line and the last events (for :class:`StepCollapse`)."""
        norm = max([abs(v) for v in self.a] + [abs(v) for row in self.U for v in row])
        count = {md: sum(row.count(md) for row in self.mode) for md in (ACT, SLI)}
        state = f"max |z| = {mpmath.nstr(norm, 5)}, {count[ACT]} active, {count[SLI]} sliding pairs"
        return state, [(e.t, e.neuron, e.point, e.kind) for e in self.events[-5:]]

    def residual_bounds(self, R, b):
        """Bounds of ``|R_g|`` over the complex ball ``|z' - z| <= b`` around the state (max-norm
        ``R``): ``|h_g| <= m (R + b)^2``; exponential: ``|exp(-yc h')| <= e |exp(-yc h)|`` while
        ``|yc| |h' - h| <= m (2 R b + b^2) |yc| <= 1``; logistic: ``|s| <= 1`` there (``|Im z| <= 1 < pi/2``
        keeps ``Re e^z > 0``, so ``|1 + e^z| >= 1``)."""
        A1 = R + b
        hb = self.m * A1 * A1
        if self.simple:
            return [hb + abs(y) for y in self.y]
        ls = self.lossfn
        if ls.loss == "square":
            return [fdot([(abs(ls.wR[i]), abs(ls.c[i]) * hb + abs(ls.y[i])) for i in ls.by_group[g]])
                    for g in range(self.n)]
        if ls.loss == "logistic":
            return [fdot([(abs(ls.wR[i]), 1) for i in ls.by_group[g]]) for g in range(self.n)]
        h0 = self.outputs()
        return [mpmath.e * fdot([(abs(ls.wR[i]), ls.phi(i, h0[g])) for i in ls.by_group[g]]) for g in range(self.n)]

    def step_floor(self, sets, norm):
        """The least step the exact flow allows at this state (the watchdog's floor).

        The rule of :func:`gfcheck.numeric._common.polynomial_floor` with this engine's field:
        on the complex ball ``|z' - z| <= b`` (``b = R``; exponential and logistic losses:
        ``b <= R`` with ``m (2 R b + b^2) max |yc| = 1``, so the margins move by at most 1)
        ``|da_j| <= (R + b)/n sum_{l in A} |R_l|`` and ``|du_jk| <= (R + b)/n sum_{l in A u S} |G_kl| |e_l|``
        (``e_l = R_l`` active, ``sum_q |M_lq| |R_q|`` sliding), with :meth:`residual_bounds`.
        The flow is analytic on ``|t| < b / M`` (``M`` the largest of these), so the Jorba-Zou
        estimate is at least ``jz_factor(p) b / M``; the floor is half of it."""
        R = norm
        if not R:
            return mpf(0)
        b = R
        if not self.simple and self.lossfn.loss != "square":
            ycmax = max(abs(v) for v in self.lossfn.yc)
            b = min(R, mpmath.sqrt(R * R + 1 / (self.m * ycmax)) - R)
        rb = self.residual_bounds(R, b)
        A1 = R + b
        top = mpf(0)
        for j, (A, S) in enumerate(sets):
            if not A and not S:
                continue
            top = max(top, A1 * self.inv_n * fdot([rb[l] for l in A], [1] * len(A)))
            M = self.slide_matrix(j, S, A, self.t) if S else []
            eb = {l: rb[l] for l in A}
            for i, l in enumerate(S):
                eb[l] = fdot([abs(v) for v in M[i]], [rb[q] for q in A])
            for k in range(self.n):
                top = max(top, A1 * self.inv_n * fdot([(abs(self.G[k][l]), v) for l, v in eb.items()]))
        return _common.jz_factor(self.p) * b / top / 2 if top else mpf(0)


def _by_coordinate(hit):
    return (hit[1], hit[2])


def _weights(problem, C, Xm, W0):
    """``w_j = w_j(0) + sum_l C_jl x_l``."""
    out = []
    for j in range(problem.m):
        row = list(W0[j])
        for l, c in enumerate(C[j]):
            if c:
                row = [w + c * x for w, x in zip(row, Xm[l])]
        out.append(tuple(row))
    return tuple(out)


def _check_loss_levels(problem, prec, ul, ws):
    """A loss level below the resolution of the residuals cannot be located at this precision."""
    ymax = max(abs(y) for y in problem.labels)
    levels = ([("until_loss", ul)] if ul is not None else []) + [(f"LossWatch {w.name!r}", w.target) for w in ws]
    for what, level in levels:
        if level <= 0:
            continue
        # residual resolution 2^-bits max|y|, so L is resolved down to (2^-bits max|y|)^2 / (2n)
        resolvable = Fraction(1, 2 ** (2 * prec.bits)) * ymax * ymax / (2 * problem.n)
        if level < resolvable * 2 ** (2 * _SLACK):
            need = int(math.ceil((-math.log10(level / (ymax * ymax)) + 2 * _SLACK * math.log10(2)) / 2)) + 1
            raise PrecisionExhausted(
                f"{what} = {float(level):.3g} is below what the residuals resolve at dps = "
                f"{prec.dps} (|r_k| is known to about {float(ymax) * 2.0 ** -prec.bits:.1e}); "
                f"rerun with dps >= {need}"
            )


def _run_once(problem, prec, T, ts, ul, ws, max_steps, max_events, order):
    with prec.scope():
        eng = _FullEngine(problem, prec, order=order)
        t_final = eng.run(T, ts, ul, ws, max_steps, max_events)
    evs = eng.events if eng.simple else [Event(e.t, e.neuron, l, e.kind) for e in eng.events
                                         for l, _ in eng.groups[e.point][1]]
    run = Run(t_final=t_final, samples=[s[1:] for s in eng.samples], final=(eng.a, eng.U, eng.C),
              events=sorted(evs, key=lambda e: (e.t, e.neuron, e.point)), crossings=eng.crossings,
              steps=eng.steps, stopped_on_loss=eng.stop_loss,
              stats={"order": eng.p, "seconds": _time.perf_counter() - eng.t0_wall,
                     "h_min": float(eng.h_min) if eng.h_min is not None else None,
                     "h_max": float(eng.h_max) if eng.h_max is not None else None,
                     "stopped_on_loss": eng.stop_loss, "slide_drift": eng.slide_drift,
                     "null_resolutions": eng.null_resolutions,
                     "series_fixed": eng.series_counts["fixed"],
                     "series_reference": eng.series_counts["reference"],
                     "series_rescaled": eng.series_counts["rescaled"]})
    with prec.scope():
        Xm = [[to_mpf(v) for v in problem.inputs[g[0]]] for g in eng.groups]  # C is per group
        lam = problem.scale
        W0 = [[to_mpf(lam * g) for g in gj] for gj in problem.directions]
        scale = [[(l, None if c == 1 else to_mpf(c)) for l, c in g[1]] for g in eng.groups]

    def points(U):
        """``u_jl = c_l u_jg`` for every member ``l`` of group ``g``."""
        if eng.simple:
            return U
        out = [[None] * problem.n for _ in U]
        for j, row in enumerate(U):
            for g, members in enumerate(scale):
                for l, c in members:
                    out[j][l] = row[g] if c is None else row[g] * c
        return out

    def states(raws, times, _with_w):
        tt = [to_mpf(s) if s is not None else +t_final for s in times]
        return [State(t=t, a=tuple(a), U=tuple(tuple(r) for r in points(U)), W=_weights(problem, C, Xm, W0))
                for t, (a, U, C) in zip(tt, raws)]

    return to_trajectory(run, engine="full", problem=problem, precision=prec, times=ts, t_end=T,
                         states=states, time=_same)


def _same(t):
    return +t


def integrate_full(problem, *, precision=None, dps=None, guard_bits=None, t_end, times=(), until_loss=None,
                   watches=(), error_estimate=True, max_steps=10**6, max_events=10**5, engine="full",
                   order=None, tol_bits=None, error_estimate_parallel=None) -> Trajectory:
    """Integrate the full ``(a, W)`` gradient flow of ``problem`` on ``[0, t_end]`` (any data).

    Arguments as :func:`gfcheck.numeric.integrate` (``precision``, or ``dps`` / ``guard_bits``);
    ``order`` overrides the Taylor order, ``tol_bits`` the step tolerance ``2^-tol_bits`` (order
    ``order_for(tol_bits)``) (tests, precision ladders).  ``error_estimate``: measured as for every
    engine (:mod:`gfcheck.numeric.estimate`: a reference run with ``dps + 10``
    digits and the engine's own order rule, so a truncated order shows; ``2 max |z - z'|`` over
    everything reported; ``None`` when False).  See the module docstring for the equations, the
    event rule and the Filippov sliding convention.

    Raises :class:`PrecisionExhausted` when a loss level asked for (``until_loss``, a watch
    target) lies below what the residuals carry at this precision (``|r_k|`` is known to
    ``2^-bits max|y|``), and the named errors of the module docstring otherwise.

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1"]], "labels": ["1"],
    ...     "width": 1, "init": {"scale": "1/10", "directions": [["1"]], "signs": [1]}})
    >>> tr = integrate_full(p, dps=15, t_end=2)
    >>> tr.error_estimate < mpmath.mpf(10) ** -14
    True
    """
    if engine != "full":
        raise InvalidInput(f"integrate_full: engine must be 'full', found {engine!r}")
    T, ts, ul, ws = check_args(problem, t_end, times, until_loss, watches)
    prec = as_precision(precision, dps, guard_bits)
    if order is None and tol_bits is not None:
        order = _common.order_for(tol_bits)
    if problem.loss == "square":
        _check_loss_levels(problem, prec, ul, ws)
    if not error_estimate:
        return _run_once(problem, prec, T, ts, ul, ws, max_steps, max_events, order)
    return with_estimate(lambda: _run_once(problem, prec, T, ts, ul, ws, max_steps, max_events, order),
                         lambda: _run_once(problem, reference_precision(prec), T, ts, ul, ws, max_steps,
                                           max_events, None),
                         parallel=error_estimate_parallel)
