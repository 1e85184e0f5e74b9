"""The gradient flow of a shallow ReLU network, derived by sympy from the loss (digest 1.2, 2.1).

For ``m`` neurons and ``n`` inputs with an arbitrary Gram matrix ``G_kl = <x_k, x_l>``:

.. math::

    L = \\frac{1}{2n}\\sum_k (h_k - y_k)^2,\\quad h_k = \\sum_j a_j \\sigma(u_{jk}),\\quad
    u_{jk} = \\langle w_j, x_k\\rangle .

On a fixed activation pattern ``sigma(u_jk) = chi_jk u_jk`` and ``sigma'(u_jk) = chi_jk`` with
``chi_jk`` in {0, 1}; at ``u_jk = 0`` the pattern takes the convention value ``sigma'(0)``
(``relu_prime_at_zero``), see :func:`relu_prime`.  Nothing below is typed in by hand: ``da_j =
-dL/da_j`` and ``dw_ji = -dL/dw_ji`` are sympy derivatives of the loss written in the
components ``w_ji``, ``x_ki``; the projections ``du_jk = sum_l (-dL/du_jl) G_lk`` are sympy
derivatives of the loss written in ``u``, and :func:`gram_form_certificate` checks them
against ``<dw_j, x_k>`` computed from the component derivatives.

>>> flow = derive_flow(1, 2)
>>> flow.du[0][0]
-a_1*(G_{1,1}*chi_{1,1}*(a_1*chi_{1,1}*u_{1,1} - y_1) + G_{1,2}*chi_{1,2}*(a_1*chi_{1,2}*u_{1,2} - y_2))/2
>>> reduced = flow.reduced()
>>> reduced.du[0][0]
-G_{1,1}*a_1*chi_{1,1}*(a_1*chi_{1,1}*u_{1,1} - y_1)/2
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy as sp

from .errors import InvalidInput, ShapeError

__all__ = ["Symbols", "GradientFlow", "derive_flow", "relu_prime", "pattern", "reduced_rhs",
           "gram_form_certificate", "indexed_flow", "indexed_certificate", "MAX_M", "MAX_N"]

#: Largest sizes for the fully expanded derivations (the expressions grow as m^2 n^2).
MAX_M = 8
MAX_N = 8


def relu_prime(u, relu_prime_at_zero: int = 0) -> int:
    """``sigma'(u)``: 1 for u > 0, 0 for u < 0, the convention value at u = 0.

    >>> relu_prime(Fraction(0)), relu_prime(Fraction(0), 1), relu_prime(Fraction(-1, 2), 1)
    (0, 1, 0)
    """
    if u > 0:
        return 1
    if u < 0:
        return 0
    return int(relu_prime_at_zero)


def pattern(U, relu_prime_at_zero: int = 0) -> tuple[tuple[int, ...], ...]:
    """The activation pattern ``chi_jk = sigma'(u_jk)`` of a state ``U`` (m x n)."""
    return tuple(tuple(relu_prime(u, relu_prime_at_zero) for u in row) for row in U)


@dataclass(frozen=True)
class Symbols:
    """The symbols of the derivation, named as in the paper (1-based in the names: ``a_1`` is
    neuron ``j = 0``).  ``G[k][l]`` is the symmetric Gram symbol ``G_{k,l}`` (one symbol for
    ``(k, l)`` and ``(l, k)``); ``w[j][i]`` and ``x[k][i]`` are the coordinates (dimension d)."""

    m: int
    n: int
    d: int

    def __post_init__(self) -> None:
        for name, v, hi in (("m", self.m, MAX_M), ("n", self.n, MAX_N), ("d", self.d, MAX_N + 2)):
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= hi:
                raise ShapeError(f"{name}: expected an integer in [1, {hi}] for an expanded "
                                 f"derivation, found {v!r}")

    @property
    def a(self):
        return tuple(sp.Symbol(f"a_{j + 1}", real=True) for j in range(self.m))

    @property
    def y(self):
        return tuple(sp.Symbol(f"y_{k + 1}", real=True) for k in range(self.n))

    @property
    def u(self):
        return tuple(tuple(sp.Symbol(f"u_{{{j + 1},{k + 1}}}", real=True) for k in range(self.n))
                     for j in range(self.m))

    @property
    def chi(self):
        return tuple(tuple(sp.Symbol(f"chi_{{{j + 1},{k + 1}}}", real=True) for k in range(self.n))
                     for j in range(self.m))

    @property
    def G(self):
        def g(k, l):
            k, l = min(k, l), max(k, l)
            return sp.Symbol(f"G_{{{k + 1},{l + 1}}}", real=True)
        return tuple(tuple(g(k, l) for l in range(self.n)) for k in range(self.n))

    @property
    def w(self):
        return tuple(tuple(sp.Symbol(f"w_{{{j + 1},{i + 1}}}", real=True) for i in range(self.d))
                     for j in range(self.m))

    @property
    def x(self):
        return tuple(tuple(sp.Symbol(f"x_{{{k + 1},{i + 1}}}", real=True) for i in range(self.d))
                     for k in range(self.n))

    def off_diagonal(self):
        """The off-diagonal Gram symbols ``G_{k,l}``, ``k < l``."""
        G = self.G
        return tuple(G[k][l] for k in range(self.n) for l in range(k + 1, self.n))

    def u_of_w(self):
        """``u_jk -> sum_i w_ji x_ki``."""
        w, x, u = self.w, self.x, self.u
        return {u[j][k]: sum((w[j][i] * x[k][i] for i in range(self.d)), sp.Integer(0))
                for j in range(self.m) for k in range(self.n)}

    def G_of_x(self):
        """``G_kl -> sum_i x_ki x_li``."""
        x, G = self.x, self.G
        return {G[k][l]: sum((x[k][i] * x[l][i] for i in range(self.d)), sp.Integer(0))
                for k in range(self.n) for l in range(k, self.n)}


@dataclass(frozen=True)
class GradientFlow:
    """The flow on a fixed activation pattern, exact sympy expressions.

    ``loss`` in ``(a, u, chi, y)``; ``da[j]`` and ``du[j][k]`` in ``(a, u, chi, y, G)``; ``dw[j][i]``
    in ``(a, w, x, chi, y)``.  ``orthogonal`` is True for the reduced system (``G_kl = 0``, k != l).
    """

    symbols: Symbols
    relu_prime_at_zero: int
    loss: sp.Expr
    da: tuple
    du: tuple
    dw: tuple | None
    orthogonal: bool = False

    def __post_init__(self) -> None:
        s = self.symbols
        if len(self.da) != s.m or len(self.du) != s.m or any(len(r) != s.n for r in self.du):
            raise ShapeError(f"GradientFlow: expected da of length {s.m} and du of shape "
                             f"{s.m}x{s.n}, found {len(self.da)} and {[len(r) for r in self.du]}")
        if self.relu_prime_at_zero not in (0, 1):
            raise InvalidInput(f"relu_prime_at_zero: expected 0 or 1, found {self.relu_prime_at_zero!r}")

    @property
    def m(self) -> int:
        return self.symbols.m

    @property
    def n(self) -> int:
        return self.symbols.n

    def residuals(self):
        """``r_k = sum_j a_j chi_jk u_jk - y_k``."""
        s = self.symbols
        return tuple(sum((s.a[j] * s.chi[j][k] * s.u[j][k] for j in range(s.m)), sp.Integer(0)) - s.y[k]
                     for k in range(s.n))

    def cross_terms(self, j: int, k: int):
        """``{l: coefficient of G_lk in du_jk}`` for ``l != k`` (the terms orthogonality removes)."""
        G = self.symbols.G
        expr = sp.expand(self.du[j][k])
        return {l: sp.factor(expr.coeff(G[l][k])) for l in range(self.n) if l != k}

    def reduced(self) -> GradientFlow:
        """The system under orthogonality: every off-diagonal ``G_kl`` replaced by 0."""
        zero = {g: sp.Integer(0) for g in self.symbols.off_diagonal()}
        return GradientFlow(self.symbols, self.relu_prime_at_zero, self.loss, self.da,
                            tuple(tuple(e.xreplace(zero) for e in row) for row in self.du),
                            self.dw, orthogonal=True)

    def substitute_data(self, gram, labels):
        """``(da, du)`` with the Gram matrix and labels replaced by exact values."""
        s = self.symbols
        sub = {s.G[k][l]: sp.Rational(gram[k][l]) for k in range(s.n) for l in range(s.n)}
        sub.update({s.y[k]: sp.Rational(labels[k]) for k in range(s.n)})
        return (tuple(e.xreplace(sub) for e in self.da),
                tuple(tuple(e.xreplace(sub) for e in row) for row in self.du))


@lru_cache(maxsize=64)
def derive_flow(m: int, n: int, d: int | None = None, relu_prime_at_zero: int = 0,
                with_coordinates: bool = False) -> GradientFlow:
    """Derive the flow for ``m`` neurons and ``n`` inputs (dimension ``d``, default ``n``).

    ``da_j = -dL/da_j`` and ``du_jk = -sum_l (dL/du_jl) G_lk`` by sympy differentiation of the
    loss in ``(a, u)``; with ``with_coordinates`` also ``dw_ji = -dL/dw_ji`` of the loss written in
    coordinates (``u_jk = sum_i w_ji x_ki``), used by the certificates.
    """
    s = Symbols(m, n, n if d is None else d)
    a, u, chi, y, G = s.a, s.u, s.chi, s.y, s.G
    h = [sum((a[j] * chi[j][k] * u[j][k] for j in range(m)), sp.Integer(0)) for k in range(n)]
    loss = sp.Rational(1, 2 * n) * sum(((h[k] - y[k]) ** 2 for k in range(n)), sp.Integer(0))
    da = tuple(-sp.diff(loss, a[j]) for j in range(m))
    grad_u = [[sp.diff(loss, u[j][l]) for l in range(n)] for j in range(m)]
    du = tuple(tuple(-sum((grad_u[j][l] * G[l][k] for l in range(n)), sp.Integer(0)) for k in range(n))
               for j in range(m))
    dw = None
    if with_coordinates:
        loss_w = loss.xreplace(s.u_of_w())
        dw = tuple(tuple(-sp.diff(loss_w, s.w[j][i]) for i in range(s.d)) for j in range(m))
    return GradientFlow(s, int(relu_prime_at_zero), loss, da,
                        tuple(tuple(sp.factor_terms(e) for e in row) for row in du), dw)


def gram_form_certificate(m: int, n: int, d: int | None = None):
    """Certify ``<dw_j/dt, x_k> = du_jk/dt`` (Gram form) against the coordinate derivatives.

    The residual ``sum_i dw_ji x_ki - du_jk`` (with ``u = <w, x>``, ``G = <x, x>``) must be the zero
    polynomial in the coordinates; the negative twin drops one Gram term and must be REFUTED.
    """
    from .certificate import certify, certify_all

    flow = derive_flow(m, n, d, with_coordinates=True)
    s = flow.symbols
    sub = {**s.u_of_w(), **s.G_of_x()}
    total = {}
    twin = []
    for j in range(m):
        for k in range(n):
            proj = sum((flow.dw[j][i] * s.x[k][i] for i in range(s.d)), sp.Integer(0))
            total[f"u_{{{j + 1},{k + 1}}}"] = proj - flow.du[j][k].xreplace(sub)
            if j == 0 and k == 0:
                dropped = flow.du[j][k].xreplace({s.G[n - 1][k]: 0}) if n > 1 else 2 * flow.du[j][k]
                twin.append(proj - dropped.xreplace(sub))
    gens = [g for row in s.w for g in row] + [g for row in s.x for g in row] + list(s.a) + list(s.y) \
        + [c for row in s.chi for c in row]
    proc = ("derive dw_ji = -dL/dw_ji in coordinates (u_jk = sum_i w_ji x_ki) and du_jk = "
            "-sum_l dL/du_jl G_lk by sympy; expand every residual sum_i dw_ji x_ki - du_jk "
            "(u, G written in coordinates) to a polynomial over QQ")
    cert = certify_all(f"gram_form_m{m}_n{n}", total, gens=gens,
                       assumptions=("fixed activation pattern chi_jk in {0,1}",), procedure=proc)
    neg = certify(f"gram_form_m{m}_n{n}__twin_dropped_term", twin[0], gens=gens,
                  assumptions=("fixed activation pattern chi_jk in {0,1}",),
                  procedure=proc + " (negative twin: one Gram term dropped)")
    return cert, neg


@lru_cache(maxsize=32)
def _reduced_data(m, n, relu_prime_at_zero, gram, labels):
    flow = derive_flow(m, n, relu_prime_at_zero=relu_prime_at_zero)
    da, du = flow.reduced().substitute_data(gram, labels)
    s = flow.symbols
    gens = list(s.a) + [g for row in s.u for g in row] + [c for row in s.chi for c in row]
    def terms(e):
        poly = sp.Poly(e, *gens, domain="QQ")
        return tuple((monom, Fraction(int(c.numerator), int(c.denominator)))
                     for monom, c in poly.terms() if c != 0)
    polys_a = [terms(e) for e in da]
    polys_u = [[terms(e) for e in row] for row in du]
    return polys_a, polys_u


def reduced_rhs(problem):
    """The reduced right-hand side of ``problem`` as an exact function ``(a, U, active) -> (da, dU)``.

    Obtained from the sympy-derived system (:func:`derive_flow`, Gram off-diagonal set to 0,
    the problem's Gram diagonal and labels substituted).  ``a`` has m entries, ``U`` is m x n,
    ``active[j][k]`` is the pattern ``chi_jk`` (truthy/falsy); ``active=None`` takes
    ``chi = sigma'(U)`` with the problem's ``relu_prime_at_zero``.  Inputs are exact (int,
    Fraction, sympy Rational); the outputs are tuples of :class:`fractions.Fraction`.

    >>> from gfcheck.symbolic.problem import Problem
    >>> F = Fraction
    >>> p = Problem(inputs=((F(1), F(0)), (F(0), F(2))), labels=(F(1), F(-1)), width=1,
    ...             scale=F(1), directions=((F(1), F(1)),), signs=(1,))
    >>> rhs = reduced_rhs(p)
    >>> rhs([F(1)], [[F(1), F(1)]], None)
    ((Fraction(-1, 1),), ((Fraction(0, 1), Fraction(-4, 1)),))
    """
    if not problem.is_orthogonal():
        problem.require_orthogonal("reduced_rhs")
    m, n = problem.m, problem.n
    gram = tuple(tuple(problem.gram()[k][l] for l in range(n)) for k in range(n))
    polys_a, polys_u = _reduced_data(m, n, problem.relu_prime_at_zero, gram, tuple(problem.labels))
    rp0 = problem.relu_prime_at_zero

    def _q(v):
        if isinstance(v, bool) or isinstance(v, float):
            raise InvalidInput(f"reduced_rhs: expected exact numbers, found {type(v).__name__} {v!r}")
        if isinstance(v, (int, Fraction)):
            return Fraction(v)
        p, q = getattr(v, "p", None), getattr(v, "q", None)
        if isinstance(p, int) and isinstance(q, int):
            return Fraction(p, q)
        raise InvalidInput(f"reduced_rhs: expected int, Fraction or sympy Rational, found {type(v).__name__}")

    def rhs(a, U, active=None):
        if len(a) != m or len(U) != m or any(len(r) != n for r in U):
            raise ShapeError(f"reduced_rhs: expected a of length {m} and U of shape {m}x{n}")
        av = [_q(v) for v in a]
        Uv = [[_q(v) for v in row] for row in U]
        if active is None:
            chi = pattern(Uv, rp0)
        else:
            chi = tuple(tuple(1 if active[j][k] else 0 for k in range(n)) for j in range(m))
        point = av + [v for row in Uv for v in row] + [c for row in chi for c in row]

        def ev(terms):
            total = Fraction(0)
            for monom, c in terms:
                t = c
                for v, e in zip(point, monom):
                    if e:
                        t *= v ** e
                total += t
            return total
        return (tuple(ev(p) for p in polys_a), tuple(tuple(ev(p) for p in row) for row in polys_u))

    return rhs


def indexed_flow():
    """The flow for symbolic ``m`` and ``n`` with indexed symbols (1-based sums).

    Returns ``(da_j, du_jk, reduced du_jk)`` as sympy expressions in ``IndexedBase`` objects
    ``a, u, chi, y, G`` and integer symbols ``j, k, l, i, m, n``.  :func:`indexed_certificate`
    checks that, expanded at a concrete size, they equal the sympy-derived flow.
    """
    a, u, chi, y, G = (sp.IndexedBase(s) for s in ("a", "u", "chi", "y", "G"))
    j, k, l, i = sp.symbols("j k l i", integer=True, positive=True)
    m, n = sp.symbols("m n", integer=True, positive=True)
    r_l = sp.Sum(a[i] * chi[i, l] * u[i, l], (i, 1, m)) - y[l]
    r_k = r_l.xreplace({l: k})
    da = -sp.Sum(r_l * chi[j, l] * u[j, l], (l, 1, n)) / n
    du = -a[j] * sp.Sum(r_l * chi[j, l] * G[l, k], (l, 1, n)) / n
    du_red = -a[j] * r_k * chi[j, k] * G[k, k] / n
    return da, du, du_red


def _indexed_to_concrete(expr, M, N, jj, kk):
    a, u, chi, y, G = (sp.IndexedBase(s) for s in ("a", "u", "chi", "y", "G"))
    j, k = sp.symbols("j k", integer=True, positive=True)
    m, n = sp.symbols("m n", integer=True, positive=True)
    e = expr.xreplace({m: sp.Integer(M), n: sp.Integer(N), j: sp.Integer(jj), k: sp.Integer(kk)}).doit()
    s = Symbols(M, N, N)
    rep = {}
    for idx in e.atoms(sp.Indexed):
        base, ind = str(idx.base), [int(v) - 1 for v in idx.indices]
        table = {"a": s.a, "y": s.y, "u": s.u, "chi": s.chi, "G": s.G}[base]
        rep[idx] = table[ind[0]] if len(ind) == 1 else table[ind[0]][ind[1]]
    _ = (a, u, chi, y, G)
    return e.xreplace(rep)


def indexed_certificate(M: int, N: int):
    """The indexed (symbolic m, n) flow expanded at ``m = M``, ``n = N`` equals the derived flow."""
    from .certificate import certify_all

    da_t, du_t, dured_t = indexed_flow()
    flow = derive_flow(M, N)
    red = flow.reduced()
    res = {}
    for jj in range(1, M + 1):
        res[f"da_{jj}"] = _indexed_to_concrete(da_t, M, N, jj, 1) - flow.da[jj - 1]
        for kk in range(1, N + 1):
            res[f"du_{{{jj},{kk}}}"] = _indexed_to_concrete(du_t, M, N, jj, kk) - flow.du[jj - 1][kk - 1]
            res[f"reduced du_{{{jj},{kk}}}"] = _indexed_to_concrete(dured_t, M, N, jj, kk) - red.du[jj - 1][kk - 1]
    return certify_all(f"indexed_flow_m{M}_n{N}", res,
                       assumptions=("fixed activation pattern",),
                       procedure="Sum.doit() of the indexed form at concrete m, n against the sympy-derived "
                                 "flow; expand to polynomials over QQ, every coefficient must vanish")
