"""Exact predictions of the theory for a given problem (digest sections 1.5, 3, 4, 5).

Everything is an exact sympy value: ``Rational`` for rational quantities, ``sqrt`` kept exact
(closed expressions, evaluated downstream by ``gfcheck.numeric.to_mpf``).  Vectors are tuples of
``Rational``.  Indices are 0-based as in :class:`~gfcheck.symbolic.problem.Problem`.  The data
formulas are the orthogonal-case formulas of ``docs/suites/orthogonal.md``; they are computed for any data (so that
checks can show them failing on non-orthogonal inputs).

.. math::

    \\|D_\\pm\\|^2 = \\sum_{k\\in S_\\pm} y_k^2\\|x_k\\|^2,\\qquad
    \\beta_\\pm = \\sum_{k\\in S_\\pm}\\frac{|y_k|}{\\|x_k\\|^2}x_k,\\qquad N^* = \\|\\beta_+\\|+\\|\\beta_-\\| .

>>> from fractions import Fraction as F
>>> from gfcheck.symbolic.problem import Problem
>>> p = Problem(inputs=((F(1), F(0)), (F(0), F(2))), labels=(F(1), F(-1, 2)), width=2,
...             scale=F(1, 1000), directions=((F(1), F(1)), (F(-1), F(1))), signs=(1, -1))
>>> dp = data_predictions(p)
>>> dp.D_plus_sq, dp.D_minus_sq, dp.escape_slope_plus, dp.L0, dp.L_mid
(1, 1, 2, 5/16, None)
>>> dp.beta_minus, dp.N_star
((0, 1/4), 5/4)
>>> neuron_predictions(p).kind
('main', 'main')
>>> h = h_infinity(p); h((F(1), F(-1)))
1

Early phase (lambda = 1): neuron 0 is positive and active on both points, the negative point
``x_1`` exits at ``T = sqrt(2) log(1 + sqrt(2))`` (u_1 = 1 - sinh(tau) = 0); ``state(j, t)`` is the
closed form at any ``t >= 0`` (here a(T) = 2, u(T) = (2, 0)):

>>> q = Problem(inputs=((F(1), F(0)), (F(0), F(1))), labels=(F(1), F(-1)), width=1,
...             scale=F(1, 1000), directions=((F(1), F(1)),), signs=(1,))
>>> ep = early_phase(q)
>>> ep.exits
(((1, sqrt(2)*log(sqrt(2)*(sqrt(2) + 2)/2)),),)
>>> ep.final_active, ep.state(0, ep.T[0])
((frozenset({0}),), (2, (2, 0)))
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import sympy as sp

from .errors import DerivationUndecided, InvalidInput, ShapeError

__all__ = ["DataPredictions", "NeuronPredictions", "Segment", "EarlyPhase", "data_predictions",
           "neuron_predictions", "h_infinity", "early_phase", "reduced_rhs", "indexed_predictions",
           "indexed_predictions_certificate"]


def _R(v) -> sp.Rational:
    if isinstance(v, Fraction):
        return sp.Rational(v.numerator, v.denominator)
    if isinstance(v, bool) or isinstance(v, float):
        raise InvalidInput(f"expected an exact number, found {type(v).__name__} {v!r}")
    if isinstance(v, int):
        return sp.Integer(v)
    if isinstance(v, sp.Rational):
        return v
    raise InvalidInput(f"expected int, Fraction or sympy Rational, found {type(v).__name__}")


def _dot(u, v):
    return sum((_R(a) * _R(b) for a, b in zip(u, v)), sp.Integer(0))


@dataclass(frozen=True)
class DataPredictions:
    """Data-only predictions (digest 1.5, 4.2-4.4, 5.1-5.2).

    ``D_plus_sq = sum_{S_+} y_k^2 ||x_k||^2``; ``escape_slope_plus = n / ||D_+||`` (None for an
    empty group); ``L0 = sum y_k^2 / (2n)``; ``L_mid = sum_{slow} y_k^2 / (2n)`` with ``slow`` the
    group of smaller ``||D||`` (None if the norms are equal or a group is empty: one jump);
    ``beta_plus = sum_{S_+} y_k/||x_k||^2 x_k``; ``N_star = ||beta_+|| + ||beta_-||``;
    ``gamma_bound_plus = min_{S_+} y_k^2 ||x_k||^2 / (2 ||D_+||^2)`` (None for an empty group).
    """

    n: int
    S_plus: tuple[int, ...]
    S_minus: tuple[int, ...]
    D_plus_sq: sp.Rational
    D_minus_sq: sp.Rational
    D_plus_norm: sp.Expr
    D_minus_norm: sp.Expr
    escape_slope_plus: sp.Expr | None
    escape_slope_minus: sp.Expr | None
    L0: sp.Rational
    L_mid: sp.Rational | None
    beta_plus: tuple
    beta_minus: tuple
    beta_plus_norm: sp.Expr
    beta_minus_norm: sp.Expr
    N_star: sp.Expr
    gamma_bound_plus: sp.Rational | None
    gamma_bound_minus: sp.Rational | None

    def __post_init__(self) -> None:
        if set(self.S_plus) & set(self.S_minus) or len(self.S_plus) + len(self.S_minus) != self.n:
            raise InvalidInput(f"DataPredictions: S_+ {self.S_plus} and S_- {self.S_minus} must "
                               f"partition range({self.n})")
        if sp.expand(self.D_plus_norm ** 2 - self.D_plus_sq) != 0 or \
                sp.expand(self.D_minus_norm ** 2 - self.D_minus_sq) != 0:
            raise InvalidInput("DataPredictions: ||D_+-|| is not the square root of ||D_+-||^2")
        if len(self.beta_plus) != len(self.beta_minus):
            raise ShapeError("DataPredictions: beta_+ and beta_- have different lengths")


def data_predictions(problem) -> DataPredictions:
    """The data predictions of ``problem`` (exact; see :class:`DataPredictions`)."""
    n, d = problem.n, problem.d
    y = [_R(v) for v in problem.labels]
    X = [[_R(v) for v in x] for x in problem.inputs]
    q = [_R(v) for v in problem.norms_squared()]
    S_plus = tuple(k for k in range(n) if y[k] > 0)
    S_minus = tuple(k for k in range(n) if y[k] < 0)

    def group(S):
        Dsq = sum((y[k] ** 2 * q[k] for k in S), sp.Integer(0))
        beta = tuple(sum((abs(y[k]) / q[k] * X[k][i] for k in S), sp.Integer(0)) for i in range(d))
        bsq = sum((y[k] ** 2 / q[k] for k in S), sp.Integer(0))
        slope = sp.Integer(n) / sp.sqrt(Dsq) if S else None
        gamma = min(y[k] ** 2 * q[k] for k in S) / (2 * Dsq) if S else None
        return Dsq, sp.sqrt(Dsq), slope, beta, sp.sqrt(bsq), gamma

    Dp, Dpn, sp_, bp, bpn, gp = group(S_plus)
    Dm, Dmn, sm, bm, bmn, gm = group(S_minus)
    L0 = sum((v ** 2 for v in y), sp.Integer(0)) / (2 * n)
    if not S_plus or not S_minus or Dp == Dm:
        L_mid = None
    else:
        slow = S_plus if Dp < Dm else S_minus
        L_mid = sum((y[k] ** 2 for k in slow), sp.Integer(0)) / (2 * n)
    return DataPredictions(n, S_plus, S_minus, Dp, Dm, Dpn, Dmn, sp_, sm, L0, L_mid, bp, bm, bpn, bmn,
                           bpn + bmn, gp, gm)


@dataclass(frozen=True)
class NeuronPredictions:
    """Per-neuron predictions (digest 1.5, 3.4, 4.4).

    ``active0[j] = {k : u_jk(0) > 0}``, ``A_inf[j] = {k in active0[j] : s_j y_k > 0}``,
    ``D_j_sq[j] = sum_{A_inf[j]} y_k^2 ||x_k||^2``, ``growth_rate[j] = ||D_j|| / n``, ``kind[j]``
    is ``"main"`` (``A_inf = S_{s_j}``, nonempty), ``"dead"`` (``A_inf`` empty) or
    ``"non-main"``; ``gamma_plus = 1 - max_{non-main j, s_j = +1} ||D_j|| / ||D_+||`` (1 if none);
    ``assumption_A3``: a main neuron exists in every nonempty sign group.
    """

    active0: tuple[frozenset, ...]
    A_inf: tuple[frozenset, ...]
    D_j_sq: tuple
    growth_rate: tuple
    kind: tuple[str, ...]
    gamma_plus: sp.Expr
    gamma_minus: sp.Expr
    assumption_A3: bool

    def __post_init__(self) -> None:
        m = len(self.kind)
        if not all(len(t) == m for t in (self.active0, self.A_inf, self.D_j_sq, self.growth_rate)):
            raise ShapeError("NeuronPredictions: per-neuron tuples of different lengths")
        for j in range(m):
            if not self.A_inf[j] <= self.active0[j]:
                raise InvalidInput(f"NeuronPredictions: A_inf[{j}] is not inside active0[{j}]")
            if self.kind[j] not in ("main", "non-main", "dead"):
                raise InvalidInput(f"NeuronPredictions: kind[{j}] = {self.kind[j]!r}")


def neuron_predictions(problem) -> NeuronPredictions:
    """Per-neuron predictions of ``problem`` (see :class:`NeuronPredictions`)."""
    n = problem.n
    y = [_R(v) for v in problem.labels]
    q = [_R(v) for v in problem.norms_squared()]
    dp = data_predictions(problem)
    groups = {1: frozenset(dp.S_plus), -1: frozenset(dp.S_minus)}
    Dn = {1: dp.D_plus_norm, -1: dp.D_minus_norm}
    active0, A_inf, Dsq, rate, kind = [], [], [], [], []
    for j, g in enumerate(problem.directions):
        s = problem.signs[j]
        act = frozenset(k for k, x in enumerate(problem.inputs) if _dot(g, x) > 0)
        A = frozenset(k for k in act if s * y[k] > 0)
        D2 = sum((y[k] ** 2 * q[k] for k in sorted(A)), sp.Integer(0))
        active0.append(act)
        A_inf.append(A)
        Dsq.append(D2)
        rate.append(sp.sqrt(D2) / n)
        kind.append("dead" if not A else ("main" if A == groups[s] else "non-main"))
    gam = {}
    for s in (1, -1):
        ratios = [sp.sqrt(Dsq[j]) / Dn[s] for j in range(problem.m)
                  if problem.signs[j] == s and kind[j] == "non-main"]
        gam[s] = 1 - max(ratios, key=lambda e: sp.N(e, 30)) if ratios else sp.Integer(1)
    A3 = all(any(problem.signs[j] == s and kind[j] == "main" for j in range(problem.m))
             for s in (1, -1) if groups[s])
    return NeuronPredictions(tuple(active0), tuple(A_inf), tuple(Dsq), tuple(rate), tuple(kind),
                             gam[1], gam[-1], A3)


def h_infinity(problem) -> Callable:
    """``x -> relu(<beta_+, x>) - relu(<beta_-, x>)``, exact (x a tuple of exact rationals).

    The limit interpolator of digest 5.1; returns a sympy ``Rational``.
    """
    dp = data_predictions(problem)
    d = problem.d

    def h(x):
        if len(x) != d:
            raise ShapeError(f"h_infinity: expected a point of dimension d = {d}, found {len(x)}")
        return sp.Max(_dot(dp.beta_plus, x), 0) - sp.Max(_dot(dp.beta_minus, x), 0)

    return h


# --------------------------------------------------------------------------------------------
# Early phase (digest 3.1-3.3): the linearised flow r_k = -y_k on a fixed active set, at lambda = 1.


@dataclass(frozen=True)
class Segment:
    """One piece of the closed form of neuron ``j`` on ``[t0, t1]`` (``t1 = None``: to infinity).

    With ``tau = ||D|| (t - t0) / n`` (``||D||^2 = sum_{active} y_k^2 ||x_k||^2``)::

        a(t)    = a0 cosh(tau) + p0 sinh(tau)
        p(t)    = p0 cosh(tau) + a0 sinh(tau)
        u_k(t)  = u0[k] + (p(t) - p0) y_k ||x_k||^2 / ||D||     (k active; else u0[k])

    If the active set is empty, ``D = 0`` and the state is constant.
    """

    t0: sp.Expr
    t1: sp.Expr | None
    active: frozenset
    D_norm: sp.Expr
    a0: sp.Expr
    p0: sp.Expr
    u0: tuple
    a1: sp.Expr | None = None
    u1: tuple | None = None

    def state(self, t, *, n, y, q):
        """``(a(t), (u_k(t))_k)`` as sympy expressions (``t`` a sympy number or Symbol).

        At the end point ``t1`` (the same expression) the stored exit state is returned, in which
        the exiting coordinate is exactly 0."""
        if self.t1 is not None and t == self.t1 and self.a1 is not None:
            return self.a1, tuple(self.u1)
        if not self.active:
            return self.a0, tuple(self.u0)
        tau = self.D_norm * (t - self.t0) / n
        a = self.a0 * sp.cosh(tau) + self.p0 * sp.sinh(tau)
        p = self.p0 * sp.cosh(tau) + self.a0 * sp.sinh(tau)
        u = tuple(self.u0[k] + (p - self.p0) * y[k] * q[k] / self.D_norm if k in self.active
                  else self.u0[k] for k in range(len(self.u0)))
        return a, u


@dataclass(frozen=True)
class EarlyPhase:
    """The lambda-free early-phase closed form, per neuron, at lambda = 1.

    ``exits[j]``: ``((k, T), ...)`` in time order (T exact closed expressions; simultaneous exits
    share the same ``T`` and the same piece, so there can be fewer pieces than exits + 1);
    ``final_active[j]``: the active set after the last exit; ``T[j]``: last exit time (0 if none);
    ``segments[j]``: the :class:`Segment` pieces.  ``state(j, t)`` gives the exact closed-form
    ``(a_j(t), (u_jk(t))_k)`` at lambda = 1 for a number ``t >= 0`` (multiply by lambda for the
    problem's scale: the linearised flow is 1-homogeneous, times do not change);
    ``segment_expressions(j, i, t)`` gives the formulas of piece ``i`` in a symbol ``t``.
    """

    n: int
    labels: tuple
    norms_sq: tuple
    exits: tuple
    final_active: tuple[frozenset, ...]
    T: tuple
    segments: tuple

    def __post_init__(self) -> None:
        m = len(self.segments)
        if not (len(self.exits) == len(self.final_active) == len(self.T) == m):
            raise ShapeError("EarlyPhase: per-neuron tuples of different lengths")
        for j in range(m):
            if len(self.exits[j]) < len(self.segments[j]) - 1:
                raise InvalidInput(f"EarlyPhase: neuron {j} has {len(self.exits[j])} exits but "
                                   f"{len(self.segments[j])} segments")

    def segment_expressions(self, j: int, i: int, t):
        """The closed form of piece ``i`` of neuron ``j`` as expressions in ``t``."""
        return self.segments[j][i].state(t, n=self.n, y=self.labels, q=self.norms_sq)

    def state(self, j: int, t):
        """Exact ``(a_j(t), (u_jk(t))_k)`` at lambda = 1 (``t`` int, Fraction or sympy number)."""
        t = _R(t) if isinstance(t, (int, Fraction)) else t
        if sp.N(t, 30) < 0:
            raise InvalidInput(f"EarlyPhase.state: expected t >= 0, found {t}")
        segs = self.segments[j]
        for seg in segs:
            if seg.t1 is None or _less(t, seg.t1, inclusive=True):
                return seg.state(t, n=self.n, y=self.labels, q=self.norms_sq)
        raise AssertionError("unreachable: the last segment is unbounded")


_DIGITS = 60
#: Working precision (bits) of the numeric companions that decide the order of exits.
_BITS = 400


def _num(e):
    return sp.N(e, _DIGITS)


def _less(a, b, inclusive=False) -> bool:
    """Decide ``a < b`` for closed real expressions at 60 digits; refuse near-ties."""
    diff = _num(b - a)
    scale = max(abs(_num(a)), abs(_num(b)), sp.Integer(1))
    if abs(diff) <= scale * sp.Rational(1, 10 ** (_DIGITS - 15)):
        if inclusive:
            return True
        raise DerivationUndecided(f"cannot order {a} and {b}: equal to {_DIGITS - 15} digits")
    return bool(diff > 0)


def _sqrt_num(mp, q):
    return mp.sqrt(mp.mpf(q.p) / q.q)


def _candidate(mp, a_sq, sgn_a, S, Dsq, uk, yk, qk):
    """Companion of the exit of ``u_k`` on the current piece: ``(z, a_at_exit_sign)`` or None.

    In the piece's variables (``p0 = S / ||D||``, ``a0 = sgn_a sqrt(a_sq)``), ``u_k`` reaches 0 when
    ``p = P* = p0 - u_k ||D|| / (y_k ||x_k||^2)``; with ``z = e^tau`` this is ``A z + B / z = P*``,
    ``A = (p0 + a0) / 2``, ``B = (p0 - a0) / 2``.
    """
    Dn = _sqrt_num(mp, Dsq)
    a0 = sgn_a * _sqrt_num(mp, a_sq)
    p0 = (mp.mpf(S.p) / S.q) / Dn
    Ps = p0 - (mp.mpf(uk.p) / uk.q) * Dn / (mp.mpf((yk * qk).p) / (yk * qk).q)
    A, B = (p0 + a0) / 2, (p0 - a0) / 2
    eps = mp.ldexp(1, -_BITS + 40) * (1 + abs(A) + abs(B) + abs(Ps))
    if abs(A) <= eps:
        if abs(Ps) <= eps:
            return None
        z = B / Ps
        return (z, 1 if a0 - 0 > 0 else -1) if z > 1 + eps else None
    disc = Ps ** 2 - 4 * A * B
    if disc < 0:
        return None
    cands = []
    for sgn in (1, -1):
        z = (Ps + sgn * mp.sqrt(disc)) / (2 * A)
        if z > 1 + eps:
            cands.append((z, sgn))
    if not cands:
        return None
    return min(cands)


def early_phase(problem) -> EarlyPhase:
    """The early-phase closed form with exact exit times (digest 3.2-3.3), at lambda = 1.

    Start: ``u_jk(0) = <g_j, x_k>``, ``a_j(0) = s_j ||g_j||`` (or ``output_weights / scale``).
    On a piece with active set ``A``: ``||D||^2 = sum_A y_k^2 ||x_k||^2``, ``p = sum_A y_k u_k / ||D||``,
    and ``a +- p = (a0 +- p0) e^{+-tau}``.  A coordinate exits when ``p`` reaches
    ``P* = p0 - u_k ||D|| / (y_k ||x_k||^2)``; then (exactly, with ``a^2 - p^2`` invariant)

    * ``a(T) = +-sqrt(a0^2 - p0^2 + P*^2)`` (the sign of the root taken; ``a(T)^2`` is rational),
    * ``T = t0 + (n / ||D||) log z`` with ``z = (a(T) + P*) / (a0 + p0)`` (the root > 1 of
      ``A z^2 - P* z + B = 0``, digest 3.3),
    * ``u_l(T) = u_l(t0) - u_k y_l ||x_l||^2 / (y_k ||x_k||^2)`` for ``l`` in ``A`` (rational; 0 for l = k).

    So every ``u`` stays rational, every ``a^2`` rational, and the exit times are sums of logs of
    quadratic irrationalities.  The first exit of a piece is found on 400-bit companions and then
    verified exactly: every other active coordinate is still positive at ``T`` (rationals);
    coordinates that reach 0 at the same ``T`` exactly (a tie) exit together, with the same ``T``.
    """
    import mpmath

    mp = mpmath.MPContext()  # its own context: the 400-bit companions touch no caller's precision
    mp.prec = _BITS
    return _early_phase(problem, mp)


@dataclass(frozen=True)
class _Piece:
    """A neuron's state where a piece of the early phase starts (lambda = 1): the time ``t0`` (exact)
    and ``t0n`` (on the companions), the active points, ``u_k``, ``a``, ``a^2`` and the sign of ``a``."""

    t0: object
    t0n: object
    active: frozenset
    u: list
    a: object
    a_sq: object
    sgn_a: int


def _neuron_start(problem, j, g, mp) -> _Piece:
    """Neuron ``j`` at ``t = 0`` (lambda = 1): ``u_k = <g_j, x_k>``, ``a^2 = ||g_j||^2`` with the sign
    ``s_j`` (balanced), or ``a = output_weights[j] / scale``; active where ``u_k > 0``."""
    u = [_dot(g, x) for x in problem.inputs]
    if problem.output_weights is None:
        a_sq, sgn_a = _dot(g, g), problem.signs[j]
    else:
        a_val = _R(problem.output_weights[j]) / _R(problem.scale)
        a_sq, sgn_a = a_val ** 2, (1 if a_val > 0 else -1)
    a = sgn_a * sp.sqrt(a_sq) if a_sq != 0 else sp.Integer(0)
    active = frozenset(k for k in range(problem.n) if u[k] > 0)
    return _Piece(sp.Integer(0), mp.mpf(0), active, u, a, a_sq, sgn_a)


def _first_exit(mp, pc: _Piece, S, Dsq, y, q, n):
    """The active coordinate of the piece ``pc`` that reaches 0 first, on the companions:
    ``(k, Tn, (z, sgn))`` with ``Tn = t0 + n log z / ||D||`` (:func:`_candidate`), or None."""
    best = None
    for k in sorted(pc.active):
        cand = _candidate(mp, pc.a_sq, pc.sgn_a, S, Dsq, pc.u[k], y[k], q[k])
        if cand is None:
            continue
        Tn = pc.t0n + n * mp.log(cand[0]) / _sqrt_num(mp, Dsq)
        if best is None or Tn < best[1]:
            best = (k, Tn, cand)
    return best


def _exit_piece(mp, j, pc: _Piece, exit_, S, Dsq, Dn, p0, y, q, n):
    """Where the piece ``pc`` ends, at the exit ``exit_ = (k, Tn, (z, sgn))`` of ``u_k``, exactly
    (:func:`early_phase`): ``(T, next piece, ties)``, with ``a(T)^2 = a0^2 + u_k^2 ||D||^2 / (y_k
    q_k)^2 - 2 S u_k / (y_k q_k)``, the sign of ``a(T) = A z - B / z`` from the companions,
    ``T = t0 + n log z / ||D||`` and ``u_l(T) = u_l - u_k y_l q_l / (y_k q_k)`` on the active points;
    ``ties`` the other active points at 0 at ``T``, which exit together.  Raises when the
    identity for ``a(T)^2`` fails on the companions, or a coordinate is negative at ``T``."""
    k, Tn, (zn, _) = exit_
    u, a, active = pc.u, pc.a, pc.active
    yq = y[k] * q[k]
    Ps = p0 - u[k] * Dn / yq
    a_sq_new = pc.a_sq + u[k] ** 2 * Dsq / yq ** 2 - 2 * S * u[k] / yq
    a_num = mp.sqrt(mp.mpf(a_sq_new.p) / a_sq_new.q) if a_sq_new > 0 else mp.mpf(0)
    # a(T) = A z - B / z: its sign is the one of the companion
    Dn_n = _sqrt_num(mp, Dsq)
    a0n = pc.sgn_a * _sqrt_num(mp, pc.a_sq)
    p0n = (mp.mpf(S.p) / S.q) / Dn_n
    aT_n = (p0n + a0n) / 2 * zn - (p0n - a0n) / 2 / zn
    sgn_new = 1 if aT_n > 0 else -1
    if abs(abs(aT_n) - a_num) > mp.ldexp(1, -_BITS + 80) * (1 + a_num):
        raise AssertionError(f"early_phase: a(T)^2 identity failed for neuron {j}")
    a_new = sgn_new * sp.sqrt(a_sq_new)
    if abs(p0n + a0n) > mp.ldexp(1, -_BITS + 60):
        z = (a_new + Ps) / (a + p0)
    else:
        z = (a - p0) / (a_new - Ps)
    z = sp.radsimp(z)  # rationalise the denominator (keeps the log argument readable)
    T = pc.t0 + n * sp.log(z) / Dn
    u_new = [(sp.Integer(0) if kk == k else u[kk] - u[k] * y[kk] * q[kk] / yq)
             if kk in active else u[kk] for kk in range(n)]
    # exact check that k is the first root: every other active coordinate is still
    # positive at T (u is rational); exact ties exit together
    ties = sorted(kk for kk in active if kk != k and u_new[kk] == 0)
    if any(u_new[kk] < 0 for kk in active):
        raise DerivationUndecided(
            f"early_phase: neuron {j}: the exit order decided at {_BITS} bits is contradicted "
            "by the exact state (a coordinate is negative at the exit time)")
    return T, _Piece(T, Tn, active - {k} - set(ties), u_new, a_new, a_sq_new, sgn_new), ties


def _early_phase(problem, mp) -> EarlyPhase:
    n = problem.n
    y = tuple(_R(v) for v in problem.labels)
    q = tuple(_R(v) for v in problem.norms_squared())
    exits, finals, Ts, segs_all = [], [], [], []
    for j, g in enumerate(problem.directions):
        pc = _neuron_start(problem, j, g, mp)
        ex, segs = [], []
        while True:
            Dsq = sum((y[k] ** 2 * q[k] for k in sorted(pc.active)), sp.Integer(0))
            Dn = sp.sqrt(Dsq)
            S = sum((y[k] * pc.u[k] for k in sorted(pc.active)), sp.Integer(0))
            p0 = S / Dn if pc.active else sp.Integer(0)
            best = _first_exit(mp, pc, S, Dsq, y, q, n)
            if best is None:
                segs.append(Segment(pc.t0, None, pc.active, Dn, pc.a, p0, tuple(pc.u)))
                break
            T, nxt, ties = _exit_piece(mp, j, pc, best, S, Dsq, Dn, p0, y, q, n)
            segs.append(Segment(pc.t0, T, pc.active, Dn, pc.a, p0, tuple(pc.u), nxt.a, tuple(nxt.u)))
            ex.append((best[0], T))
            ex.extend((kk, T) for kk in ties)
            pc = nxt
        exits.append(tuple(ex))
        finals.append(pc.active)
        Ts.append(ex[-1][1] if ex else sp.Integer(0))
        segs_all.append(tuple(segs))
    return EarlyPhase(n, y, q, tuple(exits), tuple(finals), tuple(Ts), tuple(segs_all))


def reduced_rhs(problem):
    """See :func:`gfcheck.symbolic.flow.reduced_rhs` (re-exported here)."""
    from .flow import reduced_rhs as _rr

    return _rr(problem)


# --------------------------------------------------------------------------------------------
# The same predictions for symbolic n (indexed symbols), checked against the concrete values.


def indexed_predictions():
    """Data predictions for symbolic ``n`` with indexed symbols (1-based sums).

    ``y[k]`` labels, ``q[k] = ||x_k||^2``, ``x[k, i]`` coordinates, ``pi[k] = 1[y_k > 0]`` and
    ``mu[k] = 1[y_k < 0]``; returns a dict of sympy expressions: ``D_plus_sq``, ``D_minus_sq``,
    ``beta_plus_i``, ``beta_minus_i`` (coordinate ``i``), ``beta_plus_sq``, ``beta_minus_sq``,
    ``N_star``, ``L0``, ``escape_slope_plus``, ``escape_slope_minus``.
    """
    y, q, x, pi, mu = (sp.IndexedBase(s) for s in ("y", "q", "x", "pi", "mu"))
    k, i = sp.symbols("k i", integer=True, positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    Dp = sp.Sum(pi[k] * y[k] ** 2 * q[k], (k, 1, n))
    Dm = sp.Sum(mu[k] * y[k] ** 2 * q[k], (k, 1, n))
    bp_sq = sp.Sum(pi[k] * y[k] ** 2 / q[k], (k, 1, n))
    bm_sq = sp.Sum(mu[k] * y[k] ** 2 / q[k], (k, 1, n))
    return {
        "D_plus_sq": Dp, "D_minus_sq": Dm,
        "beta_plus_i": sp.Sum(pi[k] * y[k] / q[k] * x[k, i], (k, 1, n)),
        "beta_minus_i": sp.Sum(-mu[k] * y[k] / q[k] * x[k, i], (k, 1, n)),
        "beta_plus_sq": bp_sq, "beta_minus_sq": bm_sq,
        "N_star": sp.sqrt(bp_sq) + sp.sqrt(bm_sq),
        "L0": sp.Sum(y[k] ** 2, (k, 1, n)) / (2 * n),
        "escape_slope_plus": n / sp.sqrt(Dp), "escape_slope_minus": n / sp.sqrt(Dm),
    }


def indexed_predictions_certificate(problem, *, perturb=None):
    """The indexed formulas, expanded (``Sum.doit``) on the data of ``problem``, equal
    :func:`data_predictions` exactly (differences are rational or ``sqrt`` of rationals, decided
    by ``minimal_polynomial``).  ``perturb`` (a Fraction) is added to the predicted ``||D_+||^2``:
    the negative twin, REFUTED."""
    from .certificate import PROVED, REFUTED, Certificate, library_versions  # noqa: F401

    tmpl = indexed_predictions()
    dp = data_predictions(problem)
    yv = [_R(v) for v in problem.labels]
    qv = [_R(v) for v in problem.norms_squared()]
    y, q, x, pi, mu = (sp.IndexedBase(s) for s in ("y", "q", "x", "pi", "mu"))
    i = sp.Symbol("i", integer=True, positive=True)
    n = sp.Symbol("n", integer=True, positive=True)

    def concrete(e, coord=None):
        e = e.xreplace({n: sp.Integer(problem.n)})
        if coord is not None:
            e = e.xreplace({i: sp.Integer(coord + 1)})
        e = e.doit()
        rep = {}
        for idx in e.atoms(sp.Indexed):
            b, ind = str(idx.base), [int(v) - 1 for v in idx.indices]
            kk = ind[0]
            rep[idx] = {"y": yv[kk], "q": qv[kk], "pi": sp.Integer(1 if yv[kk] > 0 else 0),
                        "mu": sp.Integer(1 if yv[kk] < 0 else 0),
                        "x": _R(problem.inputs[kk][ind[1]]) if len(ind) > 1 else None}[b]
        return e.xreplace(rep)

    pairs = {"D_plus_sq": dp.D_plus_sq, "D_minus_sq": dp.D_minus_sq, "L0": dp.L0, "N_star": dp.N_star,
             "beta_plus_sq": dp.beta_plus_norm ** 2, "beta_minus_sq": dp.beta_minus_norm ** 2}
    if perturb is not None:
        pairs["D_plus_sq"] = pairs["D_plus_sq"] + _R(perturb)
    if dp.escape_slope_plus is not None:
        pairs["escape_slope_plus"] = dp.escape_slope_plus
    if dp.escape_slope_minus is not None:
        pairs["escape_slope_minus"] = dp.escape_slope_minus
    diffs = {name: concrete(tmpl[name]) - val for name, val in pairs.items()}
    for c in range(problem.d):
        diffs[f"beta_plus_{c + 1}"] = concrete(tmpl["beta_plus_i"], c) - dp.beta_plus[c]
        diffs[f"beta_minus_{c + 1}"] = concrete(tmpl["beta_minus_i"], c) - dp.beta_minus[c]
    bad = {}
    xs = sp.Dummy("x")
    for name, dval in diffs.items():
        dval = sp.nsimplify(dval) if dval.is_Rational else dval
        if dval == 0:
            continue
        if sp.minimal_polynomial(dval, xs) != xs:
            bad[name] = dval
    proc = "Sum.doit() of the indexed formulas on the data; zero test by sympy.minimal_polynomial (exact)"
    if bad:
        name = sorted(bad)[0]
        return Certificate("indexed_predictions", REFUTED, proc, sp.sstr(bad[name]), {"quantity": name},
                           ("the problem's data",), {"refuted": sorted(bad)})
    return Certificate("indexed_predictions", PROVED, proc, "0", None, ("the problem's data",),
                       {"checked": sorted(diffs), "problem_sha256": problem.sha256()})
