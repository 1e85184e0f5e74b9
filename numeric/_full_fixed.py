"""The full engine's Taylor series in fixed point: integer Cauchy products with a derived error bound.

:meth:`gfcheck.numeric._full._FullEngine.series_reference` builds the local series of ``(a, U, C)``
in mpmath ``mpf``; this module builds the same recurrences on integers (gmpy2 ``mpz``, one C-level
``sum(map(mul, ..))`` per Cauchy-product coefficient) and hands back the same structure of mpf
lists, so the rest of the step (step size, roots, events, sliding, samples) is unchanged.

Scaling.  A step-wide scale ``H = 2^e`` (a power of two at least the step the series will allow,
from the previous step's estimate) and a resolution ``2^-F`` with
``F = work_bits + GUARD + max(0, -floor(log2 s_min))``, ``s_min`` the smallest scale
``max(|a_j|, |u_j.|)`` of a moving neuron: the integer ``X_i`` of order ``i`` stands for the
scaled coefficient ``x_i H^i = X_i 2^-F``, so one absolute resolution serves every order and every
moving neuron keeps ``work_bits + GUARD`` bits.  With ``kappa_i = H inv_n / (i + 1)``
(``inv_n`` and ``G``, ``M`` taken exactly as the engine's dyadic mpf values, so every product
and quotient below is exact before its one rounding ``[.]`` to an integer)::

    R_k[i]      = [sum_{j active on k} (A_j * U_jk)[i] 2^-F] - [y_k 2^F] [i == 0]
    E_jl[i]     = R_l[i] (l active),   [sum_q M_lq R_q[i]] (l sliding, ``M = -G_SS^-1 G_SA``)
    s_jl[i]     = (A_j * E_jl)[i]                           (exact, 2F fraction bits)
    C_jl[i + 1] = [-kappa_i s_jl[i] 2^-F]
    U_jk[i + 1] = [-kappa_i sum_{l in A_j u S_j} G_kl s_jl[i] 2^-F]
    A_j[i + 1]  = [-kappa_i sum_{k in A_j} (R_k * U_jk)[i] 2^-F]

The residual is the first theory's ``h_k - y_k`` on the square loss with distinct inputs; for every
other loss (groups of parallel inputs, exponential, logistic) the products ``h_g[i]`` go through the
loss's own mpf recursion (:meth:`LossSeries.coef`, the reference's) and ``R_g[i]`` comes back as an
integer, so the loss mutants of the harness act on what runs.

Contract (:func:`error_bounds`).  Against the exact recurrences on the engine's state (its mpf
values taken as exact), every integer of order ``i`` is within ``bound[i]`` units of ``2^-F``; the
bound follows the recurrences with ``|XY - xy| <= |X| |Y - y| + |X - x| |y|`` on per-order maxima,
plus half a unit per rounding (other losses: :class:`_LossBound`, to first order in the errors).
tests/numeric/test_full_fixed.py checks it against the reference run at ``3F + 64`` bits, and
that a planted error (the harness's mutant ``fixed-series-slot``) breaks it.  The bound is a
majorant on absolute values, blind to the cancellations of the flow: on reference-m8 (step 69,
30 digits) it is 30 times the measured error at order 1 and ``10^22`` times at order 36, so it
certifies the arithmetic in tests but would reject good steps if it gated them.  The engine's
guards are instead the ones the errors are made of: each rounding is half a unit of
``2^-F = 2^-(work_bits + GUARD)`` times the smallest moving neuron's scale (``2^-GUARD`` of the
reference's own rounding there), the step ``h`` the series gives lies in ``(H / 2^_SPAN, H]`` (else
``H`` is set again: the high orders are neither amplified by ``(h / H)^i`` nor left without bits in
the dense output's powers ``(tau / H)^i``), and :func:`series` returns None -- the engine uses the
reference, ``stats["series_reference"]`` -- when the scales span more than a double can bound
(900 bits) or no ``H`` is found.  The whole run is measured as before, by the reference run at
``dps + 10`` (:mod:`gfcheck.numeric.estimate`), itself on the fixed point at its own resolution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import chain, repeat
from operator import add, floordiv, mul

import gmpy2
import mpmath
from mpmath.libmp import from_man_exp

from . import _common

__all__ = ["FixedSeries", "series", "fixed_series", "error_bounds", "to_fixed", "state_at", "clear_of_zero",
           "GUARD"]

#: the modes of a coordinate ``u_jk`` in the full engine (``_full`` takes them from here, the module
#: below it, so that the two import one way)
INA, ACT, SLI = 0, 1, 2

mpz = gmpy2.mpz
_bit_length = gmpy2.bit_length
#: bits of the fixed point below the working precision of the smallest moving neuron
GUARD = 32
#: attempts at the scale ``H`` in one step (a first step, or an estimate that outgrew ``H``)
_ATTEMPTS = 4
#: the step the series gives lies in (H / 2^_SPAN, H]
_SPAN = 3
#: magnitudes below this are bounded by it (a double's range; the terms are far below a unit)
_TINY = 2.0 ** -1000
#: the relative rounding of the bound's own double arithmetic: each bound is a sum of fewer than
#: ``2^12`` products and sums of doubles (relative error ``2^-53`` each), so ``1 + 2^-40`` covers it
_ROUND = 1.0 + 2.0 ** -40


def to_fixed(x, F):
    """The mpf ``x`` as an integer of ``F`` fraction bits (exact when ``2^-F`` divides ``x``,
    else rounded to nearest, ties away from 0).

    >>> to_fixed(mpmath.mpf(0.75), 4), to_fixed(mpmath.mpf(-0.75), 1)
    (mpz(12), mpz(-2))
    """
    sign, man, exp, _ = x._mpf_
    if not man:
        return mpz(0)
    sh = exp + F
    v = mpz(man) << sh if sh >= 0 else (mpz(man) + (mpz(1) << (-sh - 1))) >> -sh
    return -v if sign else v


def dyadic(rows):
    """Exact integer rows and a shift ``S`` with ``rows[k][l] = out[k][l] 2^-S`` (mpf entries).

    >>> dyadic([[mpmath.mpf(0.5), mpmath.mpf(3)]])
    ([[mpz(1), mpz(6)]], 1)
    """
    S = max([0] + [-v._mpf_[2] for row in rows for v in row if v._mpf_[1]])
    return [[to_fixed(v, S) for v in row] for row in rows], S


def _log2_mpf(x) -> float:
    """``floor(log2 |x|)`` of a nonzero mpf (``-inf`` for 0)."""
    _, man, exp, bc = x._mpf_
    return exp + bc - 1 if man else -math.inf


def _log2_int(z) -> float:
    """``log2 |z|`` of a nonzero integer of any size."""
    z = abs(z)
    bl = _bit_length(z)
    if bl <= 60:
        return math.log2(z)
    return bl - 60 + math.log2(int(z >> (bl - 60)))


def _real(z, F) -> float:
    """An upper bound of ``|z| 2^-F`` as a double (at least ``_TINY``; ``inf`` beyond a double)."""
    z = abs(z)
    bl = _bit_length(z)
    if bl - F > 1000:
        return math.inf
    if bl <= 60:
        v = math.ldexp(float(z), -F)
    else:
        v = math.ldexp(float((z >> (bl - 60)) + 1), bl - 60 - F)
    return max(v, _TINY)


def _conv(x, y, i) -> float:
    """``sum_{q <= i} x[q] y[i - q]`` (doubles)."""
    return math.fsum(map(mul, x[: i + 1], y[i::-1]))


class FixedSeries:
    """One step's fixed-point series: integers ``A[j]``, ``U[(j, k)]``, ``R[k]``, ``E[(j, l)]``,
    ``C[(j, l)]`` (orders ``0..p``; ``E`` to ``p - 1``) at ``F`` fraction bits, scaled by
    ``H = 2^e``; ``bound[i]`` the error of order ``i`` in units of ``2^-F`` (all classes)."""

    __slots__ = ("F", "e", "A", "U", "R", "E", "C", "bound", "log2_h")

    def __init__(self, F, e, A, U, R, E, C):
        self.F, self.e, self.A, self.U, self.R, self.E, self.C = F, e, A, U, R, E, C
        self.bound = None
        self.log2_h = None


def _fixed_state(eng, layout, F):
    """Order 0 of :func:`fixed_series` at resolution ``2^-F``: ``A[j] = [a_j]`` of each moving
    neuron, ``U[(j, k)] = [u_jk]`` of each moving coordinate, and ``Uk[k]`` the lists
    ``U[(j, k)]`` of the neurons active on point ``k``."""
    _, moving, movers, act_k = layout
    A = {j: [to_fixed(eng.a[j], F)] for j in moving}
    U = {(j, k): [to_fixed(eng.U[j][k], F)] for j in moving for k, _ in movers[j]}
    Uk = [[U[(j, k)] for j in act_k[k]] for k in range(eng.n)]
    return A, U, Uk


def _fixed_loss_start(eng, F):
    """``(Y, Hmp)`` of :func:`fixed_series`: on the square loss the labels in fixed point and no
    ``Hmp``; else no ``Y``, the loss's own mpf recursion started (``h_g[i]`` in, ``R_g[i]`` out,
    :meth:`LossSeries.coef`) and ``Hmp`` its empty ``h_g`` lists."""
    if eng.lossfn is None:
        return [to_fixed(y, F) for y in eng.y], None
    eng.lossfn.start()
    return None, [[] for _ in range(eng.n)]


def _fixed_pieces(eng, layout, U, R, Gi, m2):
    """The per-neuron tables of :func:`fixed_series` for each moving neuron ``j``: ``C[(j, l)] =
    [0]`` and ``E[(j, l)]`` (``R[l]`` itself on an active ``l``, else empty) over ``A_j u S_j``;
    ``slide[j] = (M, FM, 2^(FM-1))`` the fixed-point sliding matrix when ``S_j`` is not empty;
    ``grows[j]`` the rows ``-2 man G_kl`` (``l`` in ``A_j u S_j``) of each moving coordinate ``k``
    with its series ``U[(j, k)]``; ``Cj[j]`` the lists ``C[(j, l)]`` in that order."""
    sets, moving, movers, _ = layout
    E, C, slide, grows, Cj = {}, {}, {}, {}, {}
    for j in moving:
        Aj, Sj = sets[j]
        AS = Aj + Sj
        for l in AS:
            C[(j, l)] = [mpz(0)]
            E[(j, l)] = R[l] if l in Aj else []
        if Sj:
            Mi, FM = eng.slide_fixed(j, Sj, Aj)
            slide[j] = (Mi, FM, mpz(1) << (FM - 1) if FM else mpz(0))
        # per moving coordinate k: -2 man G_kl (l in A_j u S_j, exact) and its series
        grows[j] = ([[m2 * Gi[k][l] for l in AS] for k, _ in movers[j]], [U[(j, k)] for k, _ in movers[j]])
        Cj[j] = [C[(j, l)] for l in AS]
    return E, C, slide, grows, Cj


def fixed_series(eng, layout, F, e):
    """The recurrences of the module docstring at resolution ``2^-F`` and scale ``H = 2^e``.

    ``layout = (sets, moving, movers, act_k)`` as :meth:`_FullEngine.layout` gives it."""
    sets, moving, movers, act_k = layout
    n, p = eng.n, eng.p
    half_F = mpz(1) << (F - 1)
    _, man, exp, _ = eng.inv_n._mpf_  # inv_n = man 2^exp > 0
    man = mpz(man)
    Gi, FG = eng.gram_fixed()
    sh = F - e - exp  # -kappa_i x 2^-F = -x man / ((i + 1) 2^sh)
    A, U, Uk = _fixed_state(eng, layout, F)
    lossfn = eng.lossfn
    Y, Hmp = _fixed_loss_start(eng, F)
    prec, make = mpmath.mp.prec, mpmath.mp.make_mpf
    R = [[] for _ in range(n)]
    m2 = -2 * man
    E, C, slide, grows, Cj = _fixed_pieces(eng, layout, U, R, Gi, m2)
    for i in range(p + 1):
        arev = {j: A[j][::-1] for j in moving}
        for k in range(n):
            js = act_k[k]
            rk = mpz(0)
            if js:
                s = sum(map(mul, chain.from_iterable(Uk[k]), chain.from_iterable([arev[j] for j in js])))
                rk = (s + half_F) >> F
            if lossfn is None:
                R[k].append(rk - Y[k] if i == 0 else rk)
            else:
                Hmp[k].append(make(from_man_exp(int(rk), -F - i * e, prec, "n")))
                R[k].append(to_fixed(lossfn.coef(k, i, Hmp[k]), F + i * e))
        if i == p:
            break
        d = mpz(i + 1) << sh  # x / (2 d) rounded half up: (x + d) // (2 d), x = 2 (-man) s
        d2, dG = 2 * d, d << FG
        dG2 = 2 * dG
        rrev = [Rk[::-1] for Rk in R]
        for j in moving:
            Aj, Sj = sets[j]
            if Sj:
                Mi, FM, half_M = slide[j]
                col = [R[q][i] for q in Aj]
                for row, l in zip(Mi, Sj):
                    E[(j, l)].append((sum(map(mul, row, col)) + half_M) >> FM)
            a_r = arev[j]
            svals = [sum(map(mul, a_r, E[(j, l)])) for l in Aj + Sj]
            list(map(list.append, Cj[j], map(floordiv, map(add, map(mul, svals, repeat(m2)), repeat(d)), repeat(d2))))
            if Aj:
                sa = sum(map(mul, chain.from_iterable([rrev[k] for k in Aj]),
                             chain.from_iterable([U[(j, k)] for k in Aj])))
                A[j].append((m2 * sa + d) // d2)
            else:
                A[j].append(mpz(0))
            gj, uj = grows[j]
            list(map(list.append, uj, map(floordiv, map(add, [sum(map(mul, g, svals)) for g in gj], repeat(dG)),
                                          repeat(dG2))))
    return FixedSeries(F, e, A, U, R, E, C)


def _top(F, values) -> float:
    """An upper bound of ``max |X| 2^-F`` over ``values`` (``_TINY`` at least)."""
    return _real(max(map(abs, values), default=0), F)


def _slide_norm(eng, sets, moving) -> float:
    """``|M|_inf``: the largest row sum of the sliding matrices ``M_j`` (fixed point, from
    ``eng.slide_fixed``) over the moving neurons that slide; 0.0 when none does."""
    Mabs = 0.0
    for j in moving:
        if sets[j][1]:
            Mi, FM = eng.slide_fixed(j, sets[j][1], sets[j][0])
            Mabs = max([Mabs] + [math.fsum(_real(v, FM) for v in row) for row in Mi])
    return Mabs


def error_bounds(eng, fs, layout):
    """Per order ``i``, the largest error (units of ``2^-F``) of any integer of order ``i`` against
    the exact recurrences on the engine's state (module docstring: the contract).

    Per-order maxima of the computed magnitudes (``ma`` for ``A``, ``mr`` for ``R``) and of the
    exact ones (``mu``, ``me``: computed plus error) bound the Cauchy products' errors::

        er[i]     = 1/2 + [i == 0]/2 + L sum_q (ma[q] eu[i-q] + ea[q] mu[i-q])
        ee[i]     = er[i], or 1/2 + |M|_inf er[i] when a neuron slides
        es[i]     = sum_q (ma[q] ee[i-q] + ea[q] me[i-q])              (s_jl, exact sums)
        ec[i + 1] = 1/2 + kappa_i es[i],    eu[i + 1] = 1/2 + kappa_i |G|_inf es[i]
        ea[i + 1] = 1/2 + kappa_i K sum_q (mr[q] eu[i-q] + er[q] mu[i-q])

    with ``L`` the most neurons active on a point, ``K`` the most points active for a neuron,
    ``kappa_i = H inv_n / (i + 1)``; orders 0 of ``A``, ``U`` carry the state's rounding (1/2) and
    ``R[0]`` that of the labels as well.  Returns the largest of ``ea, eu, er, ee, ec`` per order.
    Other losses: ``er`` from :class:`_LossBound` (``h_k[i]`` carries ``eh[i] = er[i] - [i == 0]/2``).
    """
    sets, moving, movers, act_k = layout
    p, F = eng.p, fs.F
    H = math.ldexp(1.0, fs.e)
    inv_n = float(eng.inv_n) * (1 + 2.0 ** -50)
    L = max([len(js) for js in act_k] + [0])
    K = max([len(sets[j][0]) for j in moving] + [0])
    Gabs = max(math.fsum(abs(float(v)) for v in row) for row in eng.G)
    Mabs = _slide_norm(eng, sets, moving)
    ma = [_top(F, [s[i] for s in fs.A.values()]) for i in range(p + 1)]
    mr = [_top(F, [s[i] for s in fs.R]) for i in range(p + 1)]
    ea = [0.5] + [0.0] * p
    eu = [0.5] + [0.0] * p
    er, ee, ec = [0.0] * (p + 1), [0.0] * p, [0.0] * (p + 1)
    Us = list(fs.U.values())
    Es = list(fs.E.values())
    loss = None if eng.lossfn is None else _LossBound(eng.lossfn, eng.prec.work_bits, F, fs.e, p)
    mu = [0.0] * (p + 1)
    me = [0.0] * p
    for i in range(p + 1):
        mu[i] = _top(F, [s[i] for s in Us]) + math.ldexp(eu[i], -F)
        eh = 0.5 + L * (_conv(ma, eu, i) + _conv(ea, mu, i))  # h_k[i]: the products, rounded once
        er[i] = eh + (0.5 if i == 0 else 0.0) if loss is None else loss.residual(i, eh)
        if i == p:
            break
        ee[i] = max(er[i], 0.5 + Mabs * er[i]) if Mabs else er[i]
        me[i] = max(_top(F, [s[i] for s in Es]), mr[i]) + math.ldexp(ee[i], -F)
        es = _conv(ma, ee, i) + _conv(ea, me, i)
        kap = H * inv_n / (i + 1)
        ec[i + 1] = 0.5 + kap * es
        eu[i + 1] = 0.5 + kap * Gabs * es
        ea[i + 1] = 0.5 + kap * K * (_conv(mr, eu, i) + _conv(er, mu, i))
    ee.append(0.0)
    return [max(v) * _ROUND for v in zip(ea, eu, er, ee, ec)]


def _real_mpf(x, shift=0) -> float:
    """An upper bound of ``|x| 2^shift`` (mpf ``x``) as a double (``_TINY`` at least)."""
    _, man, exp, _ = x._mpf_
    return _real(man, -(exp + shift)) if man else _TINY


class _LossBound:
    """The residual's error (units of ``2^-F``) where ``R_g[i]`` comes from the loss's own mpf
    recursion (:meth:`LossSeries.coef` at ``work_bits``, relative rounding ``u = 2^-work_bits``) on
    ``h_g[i]`` rounded to mpf: to first order in the errors, per atom ``a`` (scaled magnitudes,
    ``rnd = u 2^F`` turns a relative rounding of a unit magnitude into units)::

        dh[i] = eh[i] + rnd |h[i]|,          dZ[i] = |yc| dh[i] + rnd |Z[i]|     (Z = yc h; square: c h)
        square       dS[i] = dZ[i] + rnd (|Z[i]| + |y| [i == 0])
        exponential  dS[0] = |S[0]| (dZ[0] + rnd)
                     dS[i] = 2 rnd |S[i]| + (1/i) sum_{q=1}^{i} q (|Z[q]| dS[i-q] + dZ[q] |S[i-q]|)
        logistic     dE as dS of the exponential with E = exp(z) (same recursion, + sign),
                     dS[0] = |S[0]|^2 dE[0] + 2 rnd |S[0]|,
                     dS[i] = 2 rnd |S[i]| + (sum_{q=1}^{i} (|E[q]| dS[i-q] + dE[q] |S[i-q]|)
                                            + |S[i]| dE[0]) / (1 + E[0])
        er[i] = 1/2 + rnd |R[i]| + sum_a |wR_a| dS_a[i]
    """

    def __init__(self, lossfn, work_bits, F, e, p):
        self.ls = lossfn
        self.rnd = math.ldexp(1.0, F - work_bits)
        self.e = e
        self.groups = lossfn.by_group
        na = len(lossfn.atoms)
        self.mag = {}
        for name, rows in (("Z", lossfn.Z), ("S", lossfn.S), ("E", lossfn.Ez)):
            self.mag[name] = [[_real_mpf(v, i * e) for i, v in enumerate(row)] for row in rows]
        self.w = [_real_mpf(v) for v in lossfn.wR]
        self.yc = [_real_mpf(v) for v in (lossfn.c if lossfn.loss == "square" else lossfn.yc)]
        self.y = [_real_mpf(v) for v in lossfn.y]
        self.dZ = [[] for _ in range(na)]
        self.dS = [[] for _ in range(na)]
        self.dE = [[] for _ in range(na)]

    def residual(self, i, eh):
        """``er[i]`` of the group with the largest bound, given ``eh[i]`` of the products."""
        out = 0.0
        for atoms in self.groups:
            total = 0.5
            for a in atoms:
                total += self.w[a] * self._atom(a, i, eh)
            Rg = sum(self.w[a] * self.mag["S"][a][i] for a in atoms)
            out = max(out, total + self.rnd * Rg)
        return out

    def _atom(self, a, i, eh):
        rnd, loss = self.rnd, self.ls.loss
        Z, S = self.mag["Z"][a], self.mag["S"][a]
        h = Z[i] / self.yc[a] if self.yc[a] > _TINY else 0.0
        dZ = self.dZ[a]
        dZ.append(self.yc[a] * (eh + rnd * h) + rnd * Z[i])
        dS = self.dS[a]
        if loss == "square":
            dS.append(dZ[i] + rnd * (Z[i] + (self.y[a] if i == 0 else 0.0)))
        elif loss == "exponential":
            dS.append(self._exp_step(Z, S, dZ, dS, i))
        else:
            E, dE = self.mag["E"][a], self.dE[a]
            dE.append(self._exp_step(Z, E, dZ, dE, i))
            if i == 0:
                dS.append(S[0] * S[0] * dE[0] + 2 * rnd * S[0])
            else:
                acc = math.fsum(E[q] * dS[i - q] + dE[q] * S[i - q] for q in range(1, i + 1)) + S[i] * dE[0]
                dS.append(2 * rnd * S[i] + acc / (1.0 + E[0] * (1 - 2.0 ** -50)))
        return dS[i]

    def _exp_step(self, Z, X, dZ, dX, i):
        """``dX[i]`` of ``X = exp(+-z)`` by ``i X_i = +-sum q z_q X_(i-q)``."""
        if i == 0:
            return X[0] * (dZ[0] + self.rnd)
        acc = math.fsum(q * (Z[q] * dX[i - q] + dZ[q] * X[i - q]) for q in range(1, i + 1))
        return 2 * self.rnd * X[i] + acc / i


def _scales(eng, moving):
    """``(log2 of the state max-norm, floor(log2 s_min))`` over the moving neurons' scales."""
    top, low = -math.inf, math.inf
    for j in range(eng.m):
        nj = max([_log2_mpf(eng.a[j])] + [_log2_mpf(v) for v in eng.U[j]])
        top = max(top, nj)
        if j in moving and nj > -math.inf:
            low = min(low, nj)
    return top, low


def _log2_step(eng, fs, layout, log2_norm):
    """``log2`` of the Jorba-Zou step of :meth:`_FullEngine.step_size` from the integers (None when
    the last two orders vanish at this resolution)."""
    _, moving, movers, _ = layout
    p, F, e = eng.p, fs.F, fs.e
    cands = []
    for q in (p - 1, p):
        top = max([abs(fs.A[j][q]) for j in moving] + [abs(s[q]) for s in fs.U.values()])
        if top:
            cands.append((log2_norm - (_log2_int(top) - F - q * e)) / q)
    if not cands:
        return None
    return min(cands) + math.log2(_common.jz_factor(p))


def series(eng, t, layout):
    """The local series of :meth:`_FullEngine.series_reference` from the fixed-point recurrences, or
    None (the reference is used) when the contract's acceptance test fails (module docstring)."""
    sets, moving, movers, act_k = layout
    top, low = _scales(eng, moving)
    if not moving or low == math.inf or top - low > 900 or top > 900:
        return None  # nothing moves (the reference's short path), or beyond a double's range
    F = eng.prec.work_bits + GUARD + max(0, -int(low))
    h_pred = eng.h_pred  # H = 2^e in (2 h_pred, 4 h_pred]; 1 at the first step
    e = 0 if not h_pred else _log2_mpf(h_pred) + 2
    for attempt in range(_ATTEMPTS):
        fs = fixed_series(eng, layout, F, e)
        lh = _log2_step(eng, fs, layout, top + 1)
        if lh is None:
            e += 32  # everything past order p - 2 below the resolution: the step is far longer
            continue
        if not e - _SPAN < lh <= e:
            # h in (H / 2^SPAN, H]: a step beyond H would amplify the high orders' resolution by
            # (h/H)^i; one far below it would leave the powers (tau/H)^i of the dense output few bits
            e = math.ceil(lh) + 1
            continue
        fs.log2_h = lh
        eng.series_counts["rescaled"] += attempt > 0
        return to_mpf_series(eng, fs, layout)
    return None


class Series(tuple):
    """The tuple of :meth:`_FullEngine.series_reference` with the fixed-point series it came from
    (``fixed``), so that the states on the step are evaluated on the integers (:func:`state_at`)."""

    fixed = None


def state_at(eng, ser, tau):
    """The state ``(a, U, C)`` at ``tau`` into the step from the integers of ``ser.fixed``:
    ``z(tau) = z(0) + [sum_{i >= 1} X_i P_i 2^-2F]`` with ``P_i = [(tau / H)^i 2^F]`` (the powers
    carry ``F`` extra bits while they are built; one rounding to the working precision at the
    end), the same values as the reference's Horner form on the mpf series to that rounding."""
    from ._reduced import powers

    fs = ser.fixed
    _, _, _, _, _, _, moving, movers = ser
    F = fs.F
    pw = powers(to_fixed(tau, F - fs.e), F, eng.p)[1:]
    prec, make, F2 = mpmath.mp.prec, mpmath.mp.make_mpf, -2 * F

    def increment(ints):
        return make(from_man_exp(int(sum(map(mul, ints[1:], pw))), F2, prec, "n"))

    a_s = list(eng.a)
    U_s = [list(r) for r in eng.U]
    C_s = [list(r) for r in eng.C]
    for j in moving:
        a_s[j] = eng.a[j] + increment(fs.A[j])
        for k, _ in movers[j]:
            U_s[j][k] = mpmath.mpf(0) if eng.mode[j][k] == SLI else eng.U[j][k] + increment(fs.U[(j, k)])
        for l in ser[5][j]:
            C_s[j][l] = eng.C[j][l] + increment(fs.C[(j, l)])
    return a_s, U_s, C_s


def clear_of_zero(ser, j, k, co, c) -> bool:
    """Does the integer series of ``u_jk`` show that ``c`` (``co`` itself, or its negation) stays
    positive on the step, so that :func:`gfcheck.numeric._full._first_root` would find no root?

    With ``X_i`` the scaled integers (``c_i H^i = X_i 2^-F``, the step ``h <= H``), ``P(tau) >= g(tau)
    = c_0 + c_1 tau + sum_{i >= 2} min(c_i, 0) tau^i`` on ``[0, h]``, and ``g`` is concave, so its
    minimum there is at an end: ``P > 0`` on the step when ``X_0 > 0`` and ``X_0 + X_1 - N > 0`` with
    ``N = sum_{i >= 2} max(-X_i, 0)`` (a coordinate moving away from 0 is clear however far it
    moves; the former test ``X_0 > sum_{i >= 1} |X_i|`` asked every order to be small).  A unit for
    each rounding of ``X_0`` and ``X_1``, one more for the sum, and ``2^-(w - 2)`` of the magnitudes
    (the mpf coefficients are ``X_i`` rounded to ``w`` bits) keep the test on the safe side.  False
    when the series is not a fixed-point one.

    >>> class S: pass
    >>> ser = S(); ser.fixed = S(); ser.fixed.U = {(0, 0): [mpz(100), mpz(500), mpz(-90)]}
    >>> co = [1]; clear_of_zero(ser, 0, 0, co, co), clear_of_zero(ser, 0, 0, co, [-1])
    (True, False)
    """
    fs = getattr(ser, "fixed", None)
    if fs is None:
        return False
    X = fs.U[(j, k)]
    sg = 1 if c is co else -1
    x0 = sg * X[0]
    if x0 <= 1:
        return False
    x1 = sg * X[1] if len(X) > 1 else 0
    N = sum(max(-sg * v, 0) for v in X[2:])
    return x0 + x1 - N - 3 > ((abs(x1) + N + x0) >> (mpmath.mp.prec - 2))


class _LazySeries(Sequence):
    """The mpf coefficients of the integers ``ints`` (unscaled: exponents ``exps``), each converted
    on first use: most series of a step are read at two orders only (the step size) or not at all
    (a coordinate :func:`clear_of_zero`).  ``head`` is order 0 when it is the state's own value."""

    __slots__ = ("ints", "exps", "prec", "vals", "full")

    def __init__(self, ints, exps, prec, head=None):
        self.ints, self.exps, self.prec, self.full = ints, exps, prec, False
        self.vals = [None] * len(ints)
        if head is not None:
            self.vals[0] = head

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._all()[i]
        v = self.vals[i]
        if v is None:
            v = self.vals[i] = mpmath.mp.make_mpf(from_man_exp(self.ints[i], self.exps[i], self.prec, "n"))
        return v

    def __setitem__(self, i, value):
        """A coefficient replaced in mpf (as in a plain list; the integers are not touched)."""
        self.vals[i] = value

    def __len__(self):
        return len(self.ints)

    def _all(self):
        """Every coefficient (a whole series is read: a root search, the reference's dense output)."""
        if not self.full:
            make, prec = mpmath.mp.make_mpf, self.prec
            self.vals = [v if v is not None else make(from_man_exp(z, x, prec, "n"))
                         for v, z, x in zip(self.vals, self.ints, self.exps)]
            self.full = True
        return self.vals

    def __iter__(self):
        return iter(self._all())

    def __reversed__(self):
        return reversed(self._all())


def to_mpf_series(eng, fs, layout):
    """``fs`` as the tuple of :meth:`_FullEngine.series_reference` (unscaled mpf coefficients;
    orders 0 of ``a`` and ``U`` are the state's own values)."""
    sets, moving, movers, act_k = layout
    n, m, p = eng.n, eng.m, eng.p
    F, e = fs.F, fs.e
    prec = mpmath.mp.prec
    make = mpmath.mp.make_mpf
    exps = [-F - i * e for i in range(p + 1)]

    def conv(ints, start=0):
        return [make(from_man_exp(z, x, prec, "n")) for z, x in zip(ints[start:], exps[start:])]

    Aser = [[eng.a[j]] for j in range(m)]
    User = [[[eng.U[j][k]] for k in range(n)] for j in range(m)]
    R = [conv(Rk) for Rk in fs.R]
    E = [{} for _ in range(m)]
    Cser = [{} for _ in range(m)]
    for j in moving:
        Aser[j] = _LazySeries(fs.A[j], exps, prec, head=eng.a[j])
        for k, _ in movers[j]:
            User[j][k] = _LazySeries(fs.U[(j, k)], exps, prec, head=eng.U[j][k])
        Aj, Sj = sets[j]
        for l in Aj:
            E[j][l] = R[l][:p]
        for l in Sj:
            E[j][l] = conv(fs.E[(j, l)])
        for l in Aj + Sj:
            Cser[j][l] = _LazySeries(fs.C[(j, l)], exps, prec)
    out = Series((sets, Aser, User, R, E, Cser, moving, movers))
    out.fixed = fs
    return out
