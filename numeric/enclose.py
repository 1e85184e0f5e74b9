"""Rigorous enclosures of the reduced orthogonal flow: a validated Taylor integrator on arb balls.

The flow (digest section 2.1, :mod:`gfcheck.numeric._reduced`), square loss, ``ReLU'(0) = 0``::

    r_k      = sum_{j active on k} a_j u_jk - y_k
    du_jk/dt = -(||x_k||^2 / n) a_j r_k          (u_jk active, i.e. u_jk > 0; else du_jk/dt = 0)
    da_j/dt  = -(1/n) sum_{k active for j} r_k u_jk

Between kinks the field is polynomial.  One step from a ball state ``X`` (every ``a_j``,
``u_jk`` an arb ball containing the true value) at a start time in the ball ``S`` to an end time
``t1``:

1. **Taylor coefficients** ``c_0 .. c_p`` of the solution through every point of ``X``, by the
   engine's Cauchy-product recurrences evaluated in ball arithmetic (:func:`taylor_coefficients`)::

       r_k[i] = sum_j (a_j * u_jk)[i] - y_k [i == 0]
       u_jk[i+1] = -(||x_k||^2 / (n (i+1))) (a_j * r_k)[i],   a_j[i+1] = -(1/(n (i+1))) sum_k (r_k * u_jk)[i]

2. **A priori enclosure** ``B`` of the solution over ``[0, tau_max]``: Picard iteration
   ``B <- X + [0, tau_max] f(B)``, inflating, until ``X + [0, tau_max] f(B)`` lies in the interior of ``B``
   (Schauder: the solution then stays in ``B``); the step is halved when it does not contract.
3. **Remainder**: ``x(tau) = sum_{i<=p} c_i tau^i + c_{p+1}(x(xi)) tau^(p+1)`` (Lagrange, per
   coordinate), and ``c_{p+1}(x(xi))`` lies in ``c_{p+1}(B)`` (the order-(p+1) coefficient of the
   series through the box).  The step is shortened until that remainder is below ``2^-bits`` of
   the state's scale.
4. **Kinks**: every active ``u_jk`` is proved positive over the step (bisection of the series
   plus remainder over time intervals), or its first root is proved by an interval Newton test
   over a time interval ``T`` (:func:`_prove_root`: ``u'`` enclosed over ``T`` excludes 0 and
   ``N(T) = tau* - u(tau*) / u'(T)`` lies in ``T``: exactly one root in ``T``), with ``u_jk > 0``
   proved before ``T``.  The state is enclosed through it (series plus remainder evaluated over
   ``T``), ``u_jk`` set to 0 and frozen; the next step starts at the uncertain time ``S + T``.
   A crossing the intervals cannot separate raises :class:`IntegrationFailed` naming ``u_jk``,
   the time interval and the digits it would need.

**Wrapping** is not controlled beyond arb's own mid-radius form: this is the *direct interval
method* (the box at the end of a step is the interval Taylor map of the box at its start), so
widths grow with ``|I + h J|`` (entrywise absolute Jacobian) per step rather than with the
flow's sensitivity; ``docs/enclose.md`` gives the measured growth and the mean-value (Lohner)
form that would remove it, using the block structure (``u_jk`` couples to the other neurons
only through ``r_k``).

Precision: arb's working precision is python-flint's context ``flint.ctx.prec``; it is only
ever set inside :func:`arb_precision` (restored on exit).

>>> from gfcheck.symbolic.problem import parse_problem
>>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "1"]],
...     "labels": ["1", "-1"], "width": 2, "init": {"scale": "1/1000",
...     "directions": [["1", "1"], ["1", "1"]], "signs": [1, -1]}})
>>> enc = enclose(p, t_end=20, dps=20)
>>> [(e.neuron, e.point, e.kind) for e in enc.events]
[(0, 1, 'deactivate'), (1, 0, 'deactivate')]
>>> enc.final_a[0].contains(1) is False and abs(enc.final_a[0] - 1) < 1e-3
True
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from operator import mul

from gfcheck.symbolic.errors import IntegrationFailed, InvalidInput

from . import _common
from .precision import Precision, as_precision
from .trajectory import check_args

__all__ = ["arb_precision", "enclose", "Enclosure", "BallEvent", "taylor_coefficients", "outward_strings",
           "to_fraction", "enclosure_document", "run_enclose", "EXTRA_BITS"]

#: bits above the requested precision at which arb works (the Taylor order follows the requested bits)
EXTRA_BITS = 32
#: bisection depth (in halvings of the step) below which a time interval is not split further
_SPLIT_BITS = 40
#: growth per step of the factor on the predicted step (the remainder grows like its (p+1)-th power)
_STEP_GROWTH = 1.02
#: Picard attempts per step length before the step is halved
_PICARD_TRIES = 6
#: the wrapping control: ``lohner`` (the mean-value form in a QR frame), ``mean-value`` (the same form
#: in the fixed frame: no QR, ``N^2`` work per step instead of ``N^3``) or ``direct`` (the interval Taylor map)
WRAPPING = ("lohner", "mean-value", "direct")
#: Taylor order of the variational series, and the arb bits of it and of the Lohner frame's matrix
#: algebra (the Jacobian needs only a few digits: its width multiplies the box's width, a
#: second-order term; ``xhat`` stays at the working precision)
VARIATIONAL_ORDER = 10
VARIATIONAL_BITS = 128


def _flint():
    try:
        import flint
    except ImportError:  # pragma: no cover - the optional extra
        raise InvalidInput("enclose needs python-flint: pip install 'gfcheck[prove]'") from None
    return flint


@contextmanager
def arb_precision(bits: int):
    """Run the enclosed block with arb's precision ``flint.ctx.prec = bits``, restoring it on exit.

    >>> import flint
    >>> before = flint.ctx.prec
    >>> with arb_precision(200):
    ...     flint.ctx.prec
    200
    >>> flint.ctx.prec == before
    True
    """
    ctx = _flint().ctx
    old = ctx.prec
    ctx.prec = int(bits)
    try:
        yield bits
    finally:
        ctx.prec = old


def to_fraction(x) -> Fraction:
    """The exact value of an exact arb (or of the midpoint of a ball) as a Fraction."""
    man, exp = x.mid().man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2**exp) if exp >= 0 else Fraction(man, 2**-exp)


def _decimal(q: Fraction, e: int, up: bool) -> str:
    """``q`` rounded to a multiple of ``10^e``, down (``up=False``) or up, as an exact decimal string.

    >>> (_decimal(Fraction(1, 3), -5, up=True), _decimal(Fraction(-1, 3), -5, up=True),
    ...  _decimal(Fraction(7, 3), -40, False))
    ('0.33334', '-0.33333', '2.3333333333333333333333333333333333333333')
    """
    scaled = q / Fraction(10) ** e if e >= 0 else q * 10**-e
    n = -((-scaled.numerator) // scaled.denominator) if up else scaled.numerator // scaled.denominator
    if n == 0:
        return "0"
    sign, digits = ("-" if n < 0 else ""), str(abs(n))
    point = len(digits) + e  # digits before the decimal point
    if -4 < point <= 21:
        whole = digits[:point] if point > 0 else "0"
        frac = ("0" * -point + digits if point <= 0 else digits[point:]).rstrip("0")
        if e > 0:
            whole = digits + "0" * e
        return sign + whole + ("." + frac if frac else "")
    frac = digits[1:].rstrip("0")
    return f"{sign}{digits[0]}{'.' + frac if frac else ''}e{point - 1}"


def outward_strings(x, max_digits: int) -> list:
    """``[lo, hi]`` decimal strings with ``lo <= x <= hi`` for every point of the ball ``x``
    (``x.lower()``, ``x.upper()`` round outward at arb's current precision: call it inside
    :func:`arb_precision` of at least the ball's own).

    Digits: enough that rounding outward adds at most about a thousandth of the width (three
    more than ``log10(|x| / rad x)``), at most ``max_digits``.

    >>> import flint
    >>> outward_strings(flint.arb(1) / 3, 30)
    ['0.3333333333333332593', '0.3333333333333333704']
    """
    lo, hi = to_fraction(x.lower()), to_fraction(x.upper())
    top = max(abs(lo), abs(hi))
    if top == 0:
        return ["0", "0"]
    mag = math.floor(math.log10(top.numerator) - math.log10(top.denominator))
    width = hi - lo
    if width:
        rel = math.log10(top.numerator) - math.log10(top.denominator) - math.log10(width.numerator) \
            + math.log10(width.denominator)
        digits = min(max_digits, max(3, math.ceil(rel) + 3))
    else:
        digits = max_digits
    e = mag - digits + 1
    return [_decimal(lo, e, up=False), _decimal(hi, e, up=True)]


@dataclass(frozen=True)
class BallEvent:
    """A proven kink: ``u_jk`` (neuron ``neuron``, point ``point``) reaches 0 exactly once, at a
    time inside the ball ``t``, and is frozen there (``kind`` is ``deactivate``)."""

    t: object
    neuron: int
    point: int
    kind: str = "deactivate"

    def __post_init__(self) -> None:
        if self.kind != "deactivate":
            raise ValueError(f"BallEvent.kind: only 'deactivate' is proved, found {self.kind!r}")


@dataclass(frozen=True)
class Enclosure:
    """What :func:`enclose` proves: at every grid time ``grid_t[i]`` the loss lies in the ball
    ``grid_loss[i]``; at ``t_end`` every ``a_j``, ``u_jk``, ``w_j`` lies in its ball; the
    events happen once each inside their time balls, in this order, and no other kink happens."""

    t_end: Fraction
    grid_t: tuple
    grid_loss: tuple
    final_a: tuple
    final_U: tuple
    final_W: tuple
    events: tuple
    settings: dict
    #: ``(a, U, active)`` at each grid time: the balls and which pairs are active there
    grid_state: tuple = ()

    def __post_init__(self) -> None:
        if len(self.grid_t) != len(self.grid_loss):
            raise ValueError("Enclosure: grid_t and grid_loss differ in length")
        if self.grid_state and len(self.grid_state) != len(self.grid_t):
            raise ValueError("Enclosure: grid_t and grid_state differ in length")

    def partial_loss(self, problem, i, points):
        """The ball of ``L_S = (1/(2n)) sum_{k in S} r_k^2`` at grid time ``grid_t[i]`` (``S = points``;
        call inside :func:`arb_precision`)."""
        a, U, active = self.grid_state[i]
        return _loss(_System(problem), a, U, active, points)
        if len(self.final_a) != len(self.final_U) or len(self.final_a) != len(self.final_W):
            raise ValueError("Enclosure: final_a, final_U and final_W differ in length")

    def widest_relative(self) -> Fraction:
        """``max rad(z) / |mid(z)|`` over the final ``a_j``, ``u_jk`` and ``w_j`` (nonzero midpoints), exact."""
        vals = list(self.final_a) + [v for row in self.final_U for v in row] + \
            [v for row in self.final_W for v in row]
        return max((to_fraction(v.rad()) / abs(to_fraction(v)) for v in vals if to_fraction(v)), default=Fraction(0))


class _System:
    """The problem's constants in arb: ``c_k = ||x_k||^2 / n``, ``1/n``, ``y_k``."""

    def __init__(self, problem):
        flint = _flint()
        self.arb, self.fmpq = flint.arb, flint.fmpq
        self.n, self.m = problem.n, problem.m
        self.c = [self.q(v / problem.n) for v in problem.norms_squared()]
        self.inv_n = self.q(Fraction(1, problem.n))
        self.y = [self.q(v) for v in problem.labels]
        self.zero = self.arb(0)

    def q(self, v: Fraction):
        """A Fraction as a ball at the current precision."""
        v = Fraction(v)
        return self.arb(self.fmpq(v.numerator, v.denominator))


def _residual_order(system, A, Uc, R, act_k, i) -> None:
    """Append to each ``R[k]`` its order ``i``: ``r_k[i] = sum_{j active on k} sum_q u_jk[q]
    a_j[i - q]``, minus ``y_k`` at order 0 (balls)."""
    zero = system.zero
    for k in range(system.n):
        s = sum((sum(map(mul, Uc[(j, k)], A[j][i::-1]), zero) for j in act_k[k]), zero)
        R[k].append(s - system.y[k] if i == 0 else s)


def _next_a_order(system, Uc, rrev, act_j, i) -> list:
    """Order ``i + 1`` of every ``a_j``: ``-(1/n) / (i + 1) sum_{k active} sum_q u_jk[q] r_k[i - q]``
    (``rrev[k]``: ``r_k``'s orders ``i..0``); 0 for a neuron active on no point."""
    zero = system.zero
    fa = system.inv_n / (i + 1)
    new_a = []
    for j in range(system.m):
        if act_j[j]:
            s = sum((sum(map(mul, Uc[(j, k)], rrev[k]), zero) for k in act_j[j]), zero)
            new_a.append(-fa * s)
        else:
            new_a.append(zero)
    return new_a


def taylor_coefficients(system, a, U, active, p):
    """Taylor coefficients (orders ``0..p``, unscaled) of ``a_j`` and of the active ``u_jk``,
    in ball arithmetic, by the recurrences of the module docstring -> ``(A, Uc, R)`` with ``A[j]``
    a list of ``p + 1`` balls, ``Uc[(j, k)]`` likewise (active pairs; an inactive ``u_jk`` is
    constant) and ``R[k]`` the residual's orders ``0..p-1``.

    Every ball contains the coefficient of the solution through every point of the input balls.
    """
    n, m, zero = system.n, system.m, system.zero
    act_k = [[j for j in range(m) if active[j][k]] for k in range(n)]
    act_j = [[k for k in range(n) if active[j][k]] for j in range(m)]
    A = [[a[j]] for j in range(m)]
    Uc = {(j, k): [U[j][k]] for j in range(m) for k in act_j[j]}
    R = [[] for _ in range(n)]
    for i in range(p):
        _residual_order(system, A, Uc, R, act_k, i)
        rrev = [Rk[::-1] for Rk in R]
        new_a = _next_a_order(system, Uc, rrev, act_j, i)
        for j in range(m):
            for k in act_j[j]:
                Uc[(j, k)].append(-(system.c[k] / (i + 1)) * sum(map(mul, A[j], rrev[k]), zero))
        for j in range(m):
            A[j].append(new_a[j])
    return A, Uc, R


def variational_coefficients(system, series, active, order):
    """Taylor coefficients (orders ``0..order``) of the Jacobian ``V(t) = d x(t) / d x(0)`` of the
    flow on the state vector ``(a_0 .. a_{m-1}, active u_jk in (j, k) order)``, from the base
    ``series`` (``A, Uc, R`` of at least that order): the recurrences differentiated (forward
    mode, one ``1 x N`` row per coefficient, ``V[0] = I``)::

        dr_k[i]    = sum_j (da_j * u_jk + a_j * du_jk)[i]
        du_jk[i+1] = -(||x_k||^2 / (n (i+1))) (da_j * r_k + a_j * dr_k)[i]
        da_j[i+1]  = -(1/(n (i+1))) sum_k (dr_k * u_jk + r_k * du_jk)[i]

    Returns ``rows``: for each output coordinate, its ``order + 1`` coefficient rows (``1 x N``).
    """
    from flint import arb_mat

    A, Uc, R = series
    n, m = system.n, system.m
    pairs = sorted(Uc)
    N = m + len(pairs)
    act_k = [[j for j in range(m) if active[j][k]] for k in range(n)]
    act_j = [[k for k in range(n) if active[j][k]] for j in range(m)]

    def unit(s):
        e = arb_mat(1, N)
        e[0, s] = 1
        return e

    dA = [[unit(j)] for j in range(m)]
    dU = {q: [unit(m + s)] for s, q in enumerate(pairs)}
    dR = [[] for _ in range(n)]
    zero = arb_mat(1, N)

    def conv(rows, scalars, i):
        out = zero
        for lev in range(i + 1):
            out = out + rows[lev] * scalars[i - lev]
        return out

    for i in range(order):
        for k in range(n):
            s = zero
            for j in act_k[k]:
                s = s + conv(dA[j], Uc[(j, k)], i) + conv(dU[(j, k)], A[j], i)
            dR[k].append(s)
        new_a = []
        for j in range(m):
            s = zero
            for k in act_j[j]:
                s = s + conv(dR[k], Uc[(j, k)], i) + conv(dU[(j, k)], R[k], i)
            new_a.append(s * (-system.inv_n / (i + 1)))
        for j in range(m):
            for k in act_j[j]:
                s = conv(dA[j], R[k], i) + conv(dR[k], A[j], i)
                dU[(j, k)].append(s * (-system.c[k] / (i + 1)))
        for j in range(m):
            dA[j].append(new_a[j])
    return [dA[j] for j in range(m)] + [dU[q] for q in pairs]


def _rows_matrix(rows):
    """``N`` rows ``1 x N`` -> one ``N x N`` arb matrix."""
    from flint import arb_mat

    N = len(rows)
    return arb_mat([[r[0, c] for c in range(N)] for r in rows])


class _Lohner:
    """The state as ``x = xhat + B r`` (Lohner 1987): ``xhat`` a point (thin balls), ``B`` an
    exact, nearly orthogonal matrix, ``r`` a ball vector.  A step without kink maps it by the
    mean-value form of the flow map ``phi`` over the hull ``X``::

        phi(X) in phi(xhat) + J (X - xhat),   J encloses D phi over X (variational series + remainder)
        A = J B,  B' = Q of QR(mid A) (columns ordered by their share of the width),
        r' = (B'^-1 A) r + B'^-1 (Y - mid Y),  xhat' = mid Y,  Y the enclosure of phi(xhat)

    so the box ``r`` is carried in the flow's own (rotated) frame and does not wrap each step.
    """

    def __init__(self, a, U, active, rotate=True):
        from flint import arb_mat

        self.rotate = rotate
        self.active = [list(row) for row in active]
        self.pairs = sorted((j, k) for j, row in enumerate(active) for k, on in enumerate(row) if on)
        x = list(a) + [U[j][k] for (j, k) in self.pairs]
        self.N = len(x)
        self.xhat = [v.mid() for v in x]
        self.B = arb_mat([[1 if i == c else 0 for c in range(self.N)] for i in range(self.N)])
        self.r = arb_mat([[v - h] for v, h in zip(x, self.xhat)])

    def hull(self, U_const):
        """``(a, U)``: the interval hull of ``xhat + B r`` (inactive ``u_jk`` from ``U_const``)."""
        br = self.B * self.r
        x = [self.xhat[i] + br[i, 0] for i in range(self.N)]
        m = len(U_const)
        U = [list(row) for row in U_const]
        for s, (j, k) in enumerate(self.pairs):
            U[j][k] = x[m + s]
        return x[:m], U

    def point_state(self, U_const):
        m = len(U_const)
        U = [list(row) for row in U_const]
        for s, (j, k) in enumerate(self.pairs):
            U[j][k] = self.xhat[m + s]
        return list(self.xhat[:m]), U

    def advance(self, Y, J):
        """``Y`` (list) encloses ``phi(xhat)``, ``J`` (``N x N``) encloses ``D phi`` over the hull."""
        import numpy as np
        from flint import arb, arb_mat

        yhat = [v.mid() for v in Y]
        z = arb_mat([[v - h] for v, h in zip(Y, yhat)])
        if not self.rotate:  # the mean-value form alone: r' = J r + z in the fixed frame B = I
            self.r, self.xhat = J * self.r + z, yhat
            return
        A = J * self.B
        Am = np.array([[float(A[i, c].mid()) for c in range(self.N)] for i in range(self.N)])
        widths = np.linalg.norm(Am, axis=0) * np.array([float(self.r[c, 0].rad()) for c in range(self.N)])
        order = np.argsort(-widths, kind="stable")
        Q, _ = np.linalg.qr(Am[:, order])
        B2 = arb_mat([[arb(float(Q[i, c])) for c in range(self.N)] for i in range(self.N)])
        Binv = B2.inv()
        self.r = (Binv * A) * self.r + Binv * z
        self.B, self.xhat = B2, yhat


def _horner(coeffs, tau):
    out = coeffs[-1]
    for c in coeffs[-2::-1]:
        out = out * tau + c
    return out


def _log2_mid(x) -> float:
    man, exp = x.mid().man_exp()
    man = int(man)
    return -math.inf if man == 0 else math.log2(abs(man)) + int(exp)


def _interval(arb, lo, hi):
    """The ball containing ``[lo, hi]`` (exact arbs)."""
    return arb(lo).union(arb(hi))


class _Step:
    """One step's series from the ball state, its a priori box and remainder coefficients."""

    def __init__(self, run, hull, a, U, active, tau_max):
        self.run = run
        sysm, p = run.system, run.p
        self.active = active
        self._hull = hull  # the series through the hull, made on demand (hull(order))
        self.tau_max = tau_max
        self.box = run.apriori(a, U, active, tau_max)
        if self.box is None:
            self.remA = self.remU = None
            return
        self.box_series = taylor_coefficients(sysm, self.box[0], self.box[1], active, p + 1)
        Bc, BUc, _ = self.box_series
        self.remA = [col[p + 1] for col in Bc]
        self.remU = {q: col[p + 1] for q, col in BUc.items()}

    @property
    def series(self):
        """The hull's series to the full order ``p``."""
        return self._hull(self.run.p)

    @property
    def A(self):
        return self.series[0]

    @property
    def Uc(self):
        return self.series[1]

    def near_zero(self):
        """The active pairs whose a priori box is not proved positive (they need a kink scan)."""
        BU = self.box[1]
        return [(j, k) for j, row in enumerate(self.active) for k, on in enumerate(row) if on and not BU[j][k] > 0]

    def remainder_size(self, tau_max) -> float:
        """log2 of the largest remainder ``|c_{p+1}(B)| tau_max^(p+1)``."""
        vals = self.remA + list(self.remU.values())
        top = max((_log2_mid(abs(v) + v.rad()) for v in vals), default=-math.inf)
        return top + (self.run.p + 1) * math.log2(tau_max)

    def state_at(self, tau):
        """The enclosure of ``(a, U)`` at the (ball) times ``tau`` of this step."""
        p1 = self.run.p + 1
        tp = tau ** p1
        a = [_horner(col, tau) + self.remA[j] * tp for j, col in enumerate(self.A)]
        U = [list(row) for row in self.run.U]
        for (j, k), col in self.Uc.items():
            U[j][k] = _horner(col, tau) + self.remU[(j, k)] * tp
        return a, U

    def u_value(self, q, tau):
        return _horner(self.Uc[q], tau) + self.remU[q] * tau ** (self.run.p + 1)

    def u_slope(self, q, tau):
        """Enclosure of ``du_jk/dt`` over ``tau``: the derivative polynomial plus ``(p+1) c_{p+1}(B) tau^p``."""
        col = self.Uc[q]
        d = [col[i] * i for i in range(1, len(col))]
        return _horner(d, tau) + self.remU[q] * (self.run.p + 1) * tau ** self.run.p


class _Run:
    def __init__(self, problem, prec: Precision, order=None, wrapping="lohner"):
        self.problem, self.prec = problem, prec
        self.bits = prec.bits
        self.p = order if order is not None else _common.order_for(self.bits)
        flint = _flint()
        self.arb = flint.arb
        self.system = _System(problem)
        a0, u0 = _common.initial_values(problem)
        q = self.system.q
        self.a = [q(v[2]).sqrt() * v[1] if isinstance(v, tuple) else q(v) for v in a0]
        self.U = [[q(v) for v in row] for row in u0]
        # ReLU'(0) = 0: a coordinate at or below 0 is inactive and stays where it is
        self.active = [[v > 0 for v in row] for row in u0]
        self.steps = 0
        self.events = []
        self.retries = {"box": 0, "remainder": 0}
        self.h_factor = 1.0
        if wrapping not in WRAPPING:
            raise InvalidInput(f"wrapping: expected one of {WRAPPING}, found {wrapping!r}")
        self.wrapping = wrapping
        self.pv = min(self.p, VARIATIONAL_ORDER)
        self.reset_frame()

    def reset_frame(self):
        """Start the Lohner frame from the current hull (at the start and after a kink)."""
        self.lohner = None if self.wrapping == "direct" else \
            _Lohner(self.a, self.U, self.active, rotate=self.wrapping == "lohner")

    def mean_value_step(self, st, dur, point):
        """The Lohner update of a step of duration ``dur`` (a ball) without kink; ``point`` is the
        series through ``xhat``."""
        lo = self.lohner
        A, Uc, _ = point
        tp = dur ** (self.p + 1)
        Y = [_horner(col, dur) + st.remA[j] * tp for j, col in enumerate(A)]
        Y += [_horner(Uc[q], dur) + st.remU[q] * tp for q in lo.pairs]
        with arb_precision(VARIATIONAL_BITS):  # the frame's algebra acts on widths: a few digits suffice
            lo.advance(Y, self.flow_jacobian(st, dur))
        self.a, self.U = lo.hull(self.U)

    def flow_jacobian(self, st, dur):
        """``J`` enclosing ``D phi_tau(x)`` for every ``x`` in the hull and ``tau`` in ``dur``: the
        variational series to order ``q`` plus the Lagrange remainder ``W_{q+1}(B) V_B tau^(q+1)``,
        ``W_{q+1}(B)`` the order-(q+1) coefficient of the variational series through the a priori
        box and ``V_B = I + [-1, 1](e^(L tau_max) - 1)`` (Gronwall, ``L = ||Df(B)||_inf``)."""
        from flint import arb, arb_mat

        q = self.pv
        rows_x = variational_coefficients(self.system, st._hull(q), self.active, q)
        rows_b = variational_coefficients(self.system, st.box_series, self.active, q + 1)
        Jpoly = _rows_matrix([_horner(r, dur) for r in rows_x])
        W = _rows_matrix([r[q + 1] for r in rows_b])
        Df = _rows_matrix([r[1] for r in rows_b])
        N = Df.nrows()
        L = max(sum((abs(Df[i, c]).upper() for c in range(N)), arb(0)) for i in range(N))
        g = (L * dur.upper()).exp() - 1
        spread = arb(0, 1) * g
        VB = arb_mat([[(1 if i == c else 0) + spread for c in range(N)] for i in range(N)])
        return Jpoly + (W * VB) * dur ** (q + 1)

    # -- the a priori enclosure ------------------------------------------------------------
    def field(self, a, U, active, clamp=()):
        """``f`` on the box; for the pairs in ``clamp`` (crossing inside the time span) ``u_jk`` is
        taken in ``[0, sup u_jk]`` and ``du_jk/dt`` in ``f_jk`` union 0: the field of every
        pattern the crossings switch through."""
        if clamp:
            U = [list(row) for row in U]
            for (j, k) in clamp:
                top = U[j][k].upper()
                U[j][k] = _interval(self.arb, 0, top) if top > 0 else self.arb(0)
        A, Uc, _ = taylor_coefficients(self.system, a, U, active, 1)
        fU = {q: col[1] for q, col in Uc.items()}
        for q in clamp:
            fU[q] = fU[q].union(self.arb(0))
        return [col[1] for col in A], fU

    def joint_crossing(self, st, S, cluster):
        """Crossings whose time balls overlap (``U`` their union): from the state at ``inf U``
        (the series) a first-order enclosure over ``|U|`` with the switched fields
        (:meth:`field` with ``clamp``); the crossing coordinates are 0 at ``sup U``."""
        arb = self.arb
        lo = min((T.lower() for T, _ in cluster), key=lambda z: z.mid())
        hi = max((T.upper() for T, _ in cluster), key=lambda z: z.mid())
        a, U = st.state_at(arb(lo))
        clamp = tuple(q for _, q in cluster)
        box = self.apriori(a, U, self.active, hi - lo, clamp=clamp)
        if box is None:
            raise IntegrationFailed(f"no enclosure through the joint crossings {clamp} at {_show(S + arb(lo))}")
        self.a, self.U = box
        for (j, k) in clamp:
            self.U[j][k] = arb(0)
            self.active[j][k] = False
        self.reset_frame()
        return S + arb(hi)

    def apriori(self, a, U, active, tau_max, clamp=()):
        """The box ``N = X + [0, tau_max] f(B)`` once it lies in the interior of ``B`` (the solution, or
        with ``clamp`` every solution of the switched fields, stays in ``B`` and so in ``N``), or None."""
        arb = self.arb
        span = _interval(arb, 0, tau_max)
        fa, fU = self.field(a, U, active, clamp)
        Ba = [v + span * d for v, d in zip(a, fa)]
        BU = [list(row) for row in U]
        for (j, k), d in fU.items():
            BU[j][k] = U[j][k] + span * d
        for _ in range(_PICARD_TRIES):
            Ba, BU = _inflate(arb, Ba, BU, fU)
            fa, fU = self.field(Ba, BU, active, clamp)
            Na = [v + span * d for v, d in zip(a, fa)]
            ok = all(b.contains_interior(v) for b, v in zip(Ba, Na))
            NU = [list(row) for row in U]
            for (j, k), d in fU.items():
                NU[j][k] = U[j][k] + span * d
                ok = ok and BU[j][k].contains_interior(NU[j][k])
            if ok:
                return Na, NU
            Ba = [b.union(v) for b, v in zip(Ba, Na)]
            for (j, k) in fU:
                BU[j][k] = BU[j][k].union(NU[j][k])
        return None

    # -- the step ----------------------------------------------------------------------
    def predicted_step(self, A, Uc) -> float:
        """The Jorba-Zou step from the midpoints of the last two coefficients (a float)."""
        p = self.p
        cols = list(A) + list(Uc.values())
        norm = max(_log2_mid(c[0]) for c in cols)
        lp1 = max(_log2_mid(c[p - 1]) for c in cols)
        lp = max(_log2_mid(c[p]) for c in cols)
        cands = [(norm - v) / d for v, d in ((lp1, p - 1), (lp, p)) if v > -math.inf]
        if not cands:
            return math.inf
        return 2.0 ** min(min(cands), 60.0) * _common.jz_factor(p)

    def take_step(self, S, target):
        """A validated step from the start ball ``S`` towards the time ``target`` (a ball) ->
        ``(S', at_target)``: the new start ball (the step's end, or a kink's time) and whether it
        is ``target``."""
        arb = self.arb
        scale = max(_log2_mid(abs(v)) for v in self.a + [v for row in self.U for v in row])
        cache = {}

        def hull(order):
            """The series through the hull at ``order`` (the full one serves every lower order)."""
            best = max((o for o in cache if o >= order), default=None)
            if best is None:
                cache[order] = taylor_coefficients(self.system, self.a, self.U, self.active, order)
                best = order
            return cache[best]

        if self.lohner is not None and self.lohner.N:
            xa, xU = self.lohner.point_state(self.U)
            point = taylor_coefficients(self.system, xa, xU, self.active, self.p)
        else:
            point = hull(self.p)
        h0 = self.predicted_step(*point[:2])
        h = min(h0 * self.h_factor, float(target.upper() - S.lower()) * 2)
        tries = 0
        for tries in range(60):
            at_target = not (S.upper() + arb(h) < target.lower())
            t1 = target if at_target else arb((S.upper() + arb(h)).mid())
            dur = t1 - S
            tau_max = dur.upper()
            st = _Step(self, hull, self.a, self.U, self.active, tau_max)
            if st.box is None:
                self.retries["box"] += 1
                h = float(tau_max) / 2
                continue
            excess = st.remainder_size(tau_max) - (scale - self.bits)
            if excess > 0:  # the remainder scales like tau^(p+1): aim just below the limit
                self.retries["remainder"] += 1
                h = float(tau_max) * 2.0 ** (-(excess + 1) / (self.p + 1))
                continue
            # the next prediction keeps the shortening this one needed (and recovers slowly)
            self.h_factor = min(1.0, (float(tau_max) / h0 if tries else self.h_factor) * _STEP_GROWTH)
            return self.finish_step(st, S, t1, dur, at_target, point)
        raise IntegrationFailed(f"the step from t = {_show(S)} could not be validated (no contracting "
                                f"a priori box with a small remainder down to h = {h:.3e})")

    def finish_step(self, st, S, t1, dur, at_target, point):
        arb = self.arb
        scans = {q: _scan(st, q, dur.upper()) for q in st.near_zero()}
        roots = sorted(((v[1], q) for q, v in scans.items() if v[0] == "root"), key=lambda r: r[0].mid())
        cut = min((v[1] for v in scans.values() if v[0] == "unsure"), default=None, key=lambda z: z.mid())
        cluster = _first_cluster(roots)
        if cluster and (cut is None or cluster[-1][0].upper() < cut) and cluster[-1][0].upper() < dur.lower():
            self.record_grid(st, S, S + cluster[0][0])
            for T, (j, k) in cluster:
                self.events.append(BallEvent(S + T, j, k))
            if len(cluster) == 1:  # the state through the crossing: the series over T
                T, (j, k) = cluster[0]
                self.a, self.U = st.state_at(T)
                self.U[j][k] = arb(0)
                self.active[j][k] = False
                self.reset_frame()
                return S + T, False
            return self.joint_crossing(st, S, cluster), False
        stops = ([cut] if cut is not None else []) + ([roots[0][0].lower()] if roots else [])
        if stops:
            c = min(stops, key=lambda z: z.mid())
            if c.upper() < dur.upper():  # the step ends before the first unresolved point
                t1 = arb((S.lower() + c * arb(1 - 2.0**-20)).mid())
                if not t1 > S.upper():
                    raise _no_progress(st, S, scans)
                dur, at_target = t1 - S, False
        self.record_grid(st, S, t1)
        if self.lohner is not None and self.lohner.N:
            self.mean_value_step(st, dur, point)
        else:
            self.a, self.U = st.state_at(dur)
        return t1, at_target

    def record_grid(self, st, S, E):
        """The loss at the grid times inside the step (after ``S``, before ``E``): dense output,
        the hull's series plus remainder at ``g - S``."""
        while self.grid_pending and self.grid_pending[0] < E:
            g = self.grid_pending.pop(0)
            if not g > S:
                raise IntegrationFailed(f"the grid time {_show(g)} lies inside the crossing time {_show(S)}")
            a, U = st.state_at(g - S)
            self.grid_loss.append(_loss(self.system, a, U, self.active))
            self.grid_state.append(_snapshot(a, U, self.active))
        if self.grid_pending and self.grid_pending[0].overlaps(E) and not E.is_exact():
            raise IntegrationFailed(f"the grid time {_show(self.grid_pending[0])} lies inside the crossing "
                                    f"time {_show(E)}")


def _no_progress(st, S, scans) -> IntegrationFailed:
    """The failure of a step that cannot start: the coordinates near 0 it could neither prove
    positive nor crossing, each with its ball and its slope."""
    arb = st.run.arb
    near = ", ".join(f"u_{j}{k} = {_show(st.run.U[j][k])} (slope {_show(st.u_slope((j, k), arb(0)))})"
                     for (j, k), v in sorted(scans.items()) if v[0] == "unsure")
    return IntegrationFailed(f"no progress at t = {_show(S)}: a coordinate near 0 cannot be proved positive "
                             f"nor crossing ({near}); raise --dps")


def _first_cluster(roots):
    """The earliest roots whose time balls overlap in a chain (one instant at this precision)."""
    if not roots:
        return []
    out = [roots[0]]
    hi = roots[0][0].upper()
    for T, q in roots[1:]:
        if T.lower() > hi:
            break
        out.append((T, q))
        hi = max(hi, T.upper(), key=lambda z: z.mid())
    return out


def _inflate(arb, Ba, BU, fU):
    """Every ball widened by its radius plus ``2^-40`` of its magnitude (an epsilon-inflation)."""
    def grow(b):
        return arb(b.mid(), arb(b.rad()) * 2 + abs(b) * arb(2.0**-40) + arb(2.0**-1000))
    Ba = [grow(b) for b in Ba]
    BU = [list(row) for row in BU]
    for (j, k) in fU:
        BU[j][k] = grow(BU[j][k])
    return Ba, BU


def _show(x) -> str:
    lo, hi = outward_strings(x, 25)
    return f"[{lo}, {hi}]"


def _scan(st, q, tau_max):
    """The first kink of the active ``u_q`` in ``[0, tau_max]`` ->
    ``("positive",)`` (proved > 0 throughout), ``("root", T)`` (proved: exactly one root in the
    ball ``T`` and ``u_q > 0`` before it) or ``("unsure", c)`` (proved > 0 on ``[0, c]`` only)."""
    arb = st.run.arb
    floor = tau_max * arb(2.0 ** -_SPLIT_BITS)
    stack = [(arb(0), tau_max)]
    while stack:
        lo, hi = stack.pop()
        if st.u_value(q, _interval(arb, lo, hi)) > 0:
            continue
        if hi - lo > floor:
            mid = ((lo + hi) / 2).mid()
            stack.append((arb(mid), hi))
            stack.append((lo, arb(mid)))
            continue
        T = _prove_root(st, q, lo, tau_max)
        return ("root", T) if T is not None else ("unsure", lo)
    return ("positive",)


def _prove_root(st, q, lo, tau_max):
    """The ball ``T`` holding the one root of ``u_q`` after ``lo`` (``u_q > 0`` on ``[0, lo]``
    proved), or None when there is no root to find in ``[lo, tau_max]``; raises
    :class:`IntegrationFailed` when a root is there but the intervals cannot separate it."""
    arb = st.run.arb
    tau = arb(lo.mid())
    for _ in range(200):  # Newton on the midpoint polynomial, from lo
        v, d = st.u_value(q, tau).mid(), st.u_slope(q, tau).mid()
        if d.is_zero():
            return None
        nxt = arb((arb(tau) - arb(v) / arb(d)).mid())
        if nxt < 0 or nxt > tau_max * 2:
            return None
        if abs(nxt - tau) <= abs(tau) * arb(2.0 ** (-st.run.bits - 20)):
            tau = nxt
            break
        tau = nxt
    if tau > tau_max:
        return None
    in_step = _interval(arb, 0, tau_max)
    u_mid = st.u_value(q, tau)
    slope = st.u_slope(q, tau)
    delta = (arb(u_mid.rad()) * 4 / abs(slope.mid()) + abs(tau) * arb(2.0 ** (-st.run.bits)) + arb(2.0 ** -2000))
    for _ in range(6):
        T = _interval(arb, (tau - delta).mid(), (tau + delta).mid())
        if not in_step.contains(T):
            return None  # the root is at the step's end: the step is cut before it
        D = st.u_slope(q, T)
        if D < 0 or D > 0:
            N = tau - u_mid / D
            if T.contains(N):
                return _confirm(st, q, lo, N.intersection(T), tau)
        delta = delta * 16
    j, k = q
    rad, d = float(u_mid.rad()), abs(float(slope.mid()))
    lost = math.log10(max(rad, 1e-300) / max(d * float(tau) * 10.0 ** -st.run.prec.dps, 1e-300))
    needs = st.run.prec.dps + max(1, math.ceil(lost))
    raise IntegrationFailed(
        f"cannot separate the crossing of u_{j}{k} (neuron {j}, point {k}) from t-interval "
        f"{_show(T)} after the step start: the enclosure of u_{j}{k} there is +-{rad:.2e} against a slope "
        f"of {d:.2e}" + ("; the slope encloses 0 (a tangency: no precision separates it)" if D.contains(0)
                          else f"; needs about {needs} digits"))


def _confirm(st, q, lo, T, tau):
    """``u_q > 0`` on ``[lo, inf T)``: ``u_q`` strictly decreasing on ``[lo', sup T]`` after
    positive pieces ``[lo, lo']`` (bisection); returns ``T`` or None."""
    arb = st.run.arb
    left = lo
    for _ in range(80):
        if st.u_slope(q, _interval(arb, left, T.upper())) < 0:
            return T
        mid = arb(((left + T.lower()) / 2).mid())
        if not st.u_value(q, _interval(arb, left, mid)) > 0:
            return None
        left = mid
    return None


def _snapshot(a, U, active) -> tuple:
    """``(a, U, active)`` as tuples: one entry of :attr:`Enclosure.grid_state`."""
    return tuple(a), tuple(tuple(r) for r in U), tuple(tuple(row) for row in active)


def enclose(problem, *, t_end, dps=None, precision=None, grid=64, order=None, max_steps=10**5,
            wrapping="lohner", times=()) -> Enclosure:
    """Prove an enclosure of the reduced orthogonal flow of ``problem`` on ``[0, t_end]``.

    ``grid + 1`` equally spaced exact grid times, and the exact ``times`` inside ``(0, t_end)``
    (both by dense output, cutting no step), carry the loss and the state as balls;
    ``order`` overrides the Taylor order (default :func:`~gfcheck.numeric._common.order_for` of
    the requested bits); arb works at ``work_bits + EXTRA_BITS`` bits.
    """
    problem.require_square_loss("enclose", elsewhere="none yet (a separable enclosure is future work)")
    problem.require_orthogonal("enclose")
    if problem.relu_prime_at_zero != 0:
        raise InvalidInput("enclose proves the flow with ReLU'(0) = 0 only; this problem sets relu_prime_at_zero 1")
    if isinstance(grid, bool) or not isinstance(grid, int) or grid < 1:
        raise InvalidInput(f"grid: expected a positive integer, found {grid!r}")
    prec = as_precision(precision, dps)
    T, _, _, _ = check_args(problem, t_end)
    if T <= 0:
        raise InvalidInput(f"t_end: expected a positive horizon, found {T}")
    work = prec.work_bits + EXTRA_BITS
    with arb_precision(work):
        run = _Run(problem, prec, order, wrapping)
        arb = run.arb
        extra = {Fraction(t) for t in times}
        if any(not 0 < t < T for t in extra):
            raise InvalidInput(f"times: expected exact times inside (0, {T}), found {sorted(extra)}")
        gts = sorted({T * i / grid for i in range(grid + 1)} | extra)
        S = arb(0)
        run.grid_loss = [_loss(run.system, run.a, run.U, run.active)]
        run.grid_state = [_snapshot(run.a, run.U, run.active)]
        run.grid_pending = [run.system.q(g) for g in gts[1:-1]]
        target = run.system.q(T)
        at_target = False
        while not at_target:
            if run.steps >= max_steps:
                raise IntegrationFailed(f"more than {max_steps} steps before t = {float(T):.6g}")
            if not S.upper() < target.lower():
                raise IntegrationFailed(f"t_end = {T} lies inside the crossing time {_show(S)}")
            S, at_target = run.take_step(S, target)
            run.steps += 1
        losses = run.grid_loss + [_loss(run.system, run.a, run.U, run.active)]
        states = run.grid_state + [_snapshot(run.a, run.U, run.active)]
        W = _weights(run)
        settings = {"method": "validated Taylor on arb balls", "wrapping": wrapping, "order": run.p,
                    "variational_order": run.pv, "retries": dict(run.retries),
                    "work_bits": work, "dps": prec.dps, "steps": run.steps, "grid": grid,
                    "relu_prime_at_zero": "0", "remainder": "Lagrange over a Picard a priori box",
                    "kinks": "interval Newton on the step's series plus remainder"}
        return Enclosure(t_end=T, grid_t=tuple(gts), grid_loss=tuple(losses), final_a=tuple(run.a),
                         final_U=tuple(tuple(r) for r in run.U), final_W=W, events=tuple(run.events),
                         settings=settings, grid_state=tuple(states))


def _loss(sysm, a, U, active, points=None):
    """``L = (1/(2n)) sum_k r_k^2`` on a ball state (the sum over ``points`` only when given)."""
    zero = sysm.zero
    total = zero
    for k in (range(sysm.n) if points is None else sorted(points)):
        r = sum((a[j] * U[j][k] for j in range(sysm.m) if active[j][k]), zero) - sysm.y[k]
        total = total + r * r
    return total * sysm.inv_n / 2


def _weights(run):
    """``w_j = sum_k u_jk x_k / ||x_k||^2 + P_perp w_j(0)`` on the ball state."""
    from ._reduced import weight_basis

    perp_all, B = weight_basis(run.problem)
    q = run.system.q
    out = []
    for j, perp in enumerate(perp_all):
        row = [q(v) for v in perp]
        for k, bk in enumerate(B):
            ujk = run.U[j][k]
            row = [r + ujk * q(b) if b else r for r, b in zip(row, bk)]
        out.append(tuple(row))
    return tuple(out)


def enclosure_document(problem, enc: Enclosure) -> dict:
    """The ``gfcheck.enclosure/1`` document (``docs/formats.md``): every ball as ``[lo, hi]``
    decimal strings rounded outward."""
    from .result import provenance

    work = enc.settings["work_bits"]
    top = int(work * 0.30103)

    def iv(x):
        return outward_strings(x, top)

    prov = provenance()
    prov["python_flint"] = _flint().__version__
    with arb_precision(work + 16):  # lower() and upper() round (outward) at the context's precision
        return {
            "schema": "gfcheck.enclosure/1", "problem_sha256": problem.sha256(), "dps": enc.settings["dps"],
            "t_end": str(enc.t_end),
            "grid": {"t": [str(t) for t in enc.grid_t], "loss": [iv(v) for v in enc.grid_loss]},
            "final": {"a": [iv(v) for v in enc.final_a], "U": [[iv(v) for v in row] for row in enc.final_U],
                      "W": [[iv(v) for v in row] for row in enc.final_W]},
            "events": [{"t": iv(e.t), "neuron": e.neuron, "point": e.point, "kind": e.kind} for e in enc.events],
            "widest_relative": f"{float(enc.widest_relative()):.3e}",
            "settings": dict(enc.settings), "engine": "enclose", "loss": problem.loss, "provenance": prov,
        }


def run_enclose(problem_path, out, *, t_end, dps: int = 40, grid: int = 64) -> int:
    """The ``gfcheck enclose`` command: prove the enclosure of a problem file's reduced orthogonal
    flow on ``[0, t_end]`` and write the ``gfcheck.enclosure/1`` document (atomically, sorted
    keys); bad input or an unwritable ``out`` raise an ``InvalidInput`` (exit 2), a crossing the
    intervals cannot separate ``IntegrationFailed``.  Returns the exit status 0."""
    from gfcheck.symbolic.files import atomic_write_json, check_output_file
    from gfcheck.symbolic.problem import load_problem, parse_number

    from .simulate import CLI_DPS, preflight

    problem = load_problem(problem_path)
    precision = Precision.checked(dps, where="--dps", limits=CLI_DPS)
    if isinstance(grid, bool) or not isinstance(grid, int) or not 1 <= grid <= 100_000:
        raise InvalidInput(f"--grid: expected an integer in [1, 100000], found {grid!r}")
    T = parse_number(t_end, where="--t-end")
    if T <= 0:
        raise InvalidInput(f"--t-end: expected a positive horizon, found {t_end!r}")
    problem.require_square_loss("enclose", elsewhere="none yet (a separable enclosure is future work)")
    problem.require_orthogonal("enclose")
    preflight(problem, T)
    check_output_file(out, "--out")
    enc = enclose(problem, t_end=T, precision=precision, grid=grid)
    atomic_write_json(out, enclosure_document(problem, enc))
    return 0
