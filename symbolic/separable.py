"""The separable two-direction model (reconstructed after Wang and Ma 2023), derived by sympy.

Everything here is the model of ``docs/suites/separable.md``, a *reconstruction* from the paper's
abstract: no formula below is attributed to the paper.
Each derivation starts from the loss and is differentiated by sympy; every claim is a
:class:`~gfcheck.symbolic.certificate.Certificate`, decided exactly (polynomials over QQ after
the substitutions named in its ``procedure``).

Loss (labels ``y_k = +-1``, outputs ``h_k = sum_j a_j chi_jk u_jk`` on a fixed pattern):

.. math::

    L = \\frac1n \\sum_k \\ell(y_k h_k),\\qquad \\ell(z) = e^{-z}\\ \\text{(exponential)},\\quad
    \\ell(z) = \\log(1 + e^{-z})\\ \\text{(logistic)},

so ``da_j = sum_k rho_k chi_jk u_jk`` and ``du_jk = a_j sum_l rho_l chi_jl G_lk`` with the
residual weights ``rho_k = -dL/dh_k = (1/n) y_k e^{-y_k h_k}`` or ``(1/n) y_k / (1 + e^{y_k h_k})``
(:func:`flow_certificate`).  For copies of two unit inputs ``x_+`` (``n_+ = p n`` copies, label
+1) and ``x_-`` (``(1-p) n``, label -1) with ``<x_+, x_-> = cos Delta`` the flow closes on
``(a_j, u_j, v_j)`` (:func:`two_point_flow`, :func:`copies_certificate`)::

    da = P chi_u u - M chi_v v,   du = a (P chi_u - M cos(Delta) chi_v),
    dv = a (P cos(Delta) chi_u - M chi_v),

``P = -dL/df(x_+)`` and ``M = dL/df(x_-)`` (exponential: ``p e^{-f(x_+)}``, ``(1-p) e^{f(x_-)}``).
The cos Delta terms are the surviving cross terms (:func:`decoupled_certificate`: REFUTED,
with a witness; PROVED at Delta = pi/2).  On ``u = 0`` (``a < 0``, ``v > 0``) and ``v = 0``
(``a > 0``, ``u > 0``) the Filippov convex combination is solved by sympy
(:func:`sliding_certificate`); the switching functions are ``Gamma_U = P - M cos Delta`` and
``Gamma_V = M - P cos Delta``.  Constants: :func:`rates_certificate` (``r_+``, ``r_-`` and
``r_+^2 - r_-^2 = (p - (1-p) cos Delta)^2``), :func:`max_margin_certificate` (``sin(Delta)/4``;
part of the argument is *argued*, not proved: see its ``details``).

Trigonometry is made rational by ``cos Delta = (1 - tau^2)/(1 + tau^2)``,
``sin Delta = 2 tau/(1 + tau^2)`` (``tau = tan(Delta/2)``), in the frame ``x_+ = (1, 0)``,
``x_- = (cos Delta, sin Delta)``; a rational residual is decided by its numerator.

>>> decoupled_certificate("exponential").verdict
'REFUTED'
>>> decoupled_certificate("exponential", at_right_angle=True).verdict
'PROVED'
>>> rates_certificate().verdict
'PROVED'
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from .certificate import PROVED, REFUTED, Certificate, canonical_str, certify_all, decide_zero
from .flow import Symbols

__all__ = ["MODEL", "SEPARABLE_LOSSES", "ell", "weight", "derive_loss_flow", "flow_certificate",
           "cross_terms_certificate", "two_point_flow", "copies_certificate", "dual_weights_certificate",
           "decoupled_certificate", "sliding", "sliding_certificate", "rates", "rates_certificate",
           "max_margin_certificate", "a1_certificate", "constants", "all_separable_certificates"]

MODEL = "the separable two-direction model (reconstructed after Wang and Ma 2023)"
SEPARABLE_LOSSES = ("exponential", "logistic")
PATTERN = "fixed activation pattern: sigma(u_jk) = chi_jk u_jk, sigma'(u_jk) = chi_jk, chi_jk in {0,1}"
RATIONAL = ("rational functions decided by the numerator of sympy.together: expand to a polynomial "
            "over QQ and require every coefficient to vanish; a nonzero numerator is REFUTED with an "
            "exact rational witness point")

# symbols of the two-point model
p, c, s, tau = sp.symbols("p c s tau", real=True)
P, M = sp.symbols("P M", positive=True)
COS, SIN = sp.cos(sp.Symbol("Delta")), sp.sin(sp.Symbol("Delta"))
C_TAU = (1 - tau**2) / (1 + tau**2)
S_TAU = 2 * tau / (1 + tau**2)


def _check_loss(loss):
    if loss not in SEPARABLE_LOSSES:
        raise ValueError(f"loss: expected one of {SEPARABLE_LOSSES}, found {loss!r}")


def ell(loss, z):
    """The per-point loss of the margin ``z``: ``exp(-z)`` or ``log(1 + exp(-z))``."""
    _check_loss(loss)
    return sp.exp(-z) if loss == "exponential" else sp.log(1 + sp.exp(-z))


def weight(loss, z):
    """``-ell'(z)``, typed in as the claim under test: ``exp(-z)`` or ``1/(1 + exp(z))``."""
    _check_loss(loss)
    return sp.exp(-z) if loss == "exponential" else 1 / (1 + sp.exp(z))


def as_exact(v):
    """An exact sympy number or expression from ``int``, ``Fraction`` or a sympy object."""
    from fractions import Fraction

    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, bool) or not isinstance(v, (int, Fraction)):
        raise ValueError(f"expected an exact number (int, Fraction, sympy), found {type(v).__name__}")
    v = Fraction(v)
    return sp.Rational(v.numerator, v.denominator)


def _rational(expr, margins):
    """Replace every ``exp(+-z_k)`` (``margins = [(z_k, X_k)]``) by ``X_k^{+-1}``; numerator."""
    def swap(e):
        arg = e.args[0]
        for z, X in margins:
            if sp.expand(arg + z) == 0:
                return X
            if sp.expand(arg - z) == 0:
                return 1 / X
        return e
    out = as_exact(expr).replace(lambda e: isinstance(e, sp.exp), swap)
    if out.atoms(sp.exp):
        raise ValueError(f"exp atoms not in the margins: {out.atoms(sp.exp)}")
    return sp.numer(sp.together(out))


def _certify_rational(claim, exprs, *, gens=None, assumptions=(), procedure="", details=None):
    return certify_all(claim, exprs, gens=gens, assumptions=assumptions, procedure=procedure + RATIONAL,
                       details=details)


# -- n points ----------------------------------------------------------------------------------
@lru_cache(maxsize=16)
def derive_loss_flow(loss: str, m: int, n: int):
    """``(symbols, L, h, da, du)`` for ``m`` neurons, ``n`` points, a symbolic Gram matrix.

    ``da_j = -dL/da_j`` and ``du_jk = -sum_l dL/du_jl G_lk``, sympy derivatives of
    ``L = (1/n) sum_k ell(y_k h_k)``.
    """
    _check_loss(loss)
    S = Symbols(m, n, n)
    a, u, chi, y, G = S.a, S.u, S.chi, S.y, S.G
    h = tuple(sum((a[j] * chi[j][k] * u[j][k] for j in range(m)), sp.Integer(0)) for k in range(n))
    L = sum((ell(loss, y[k] * h[k]) for k in range(n)), sp.Integer(0)) / n
    da = tuple(-sp.diff(L, a[j]) for j in range(m))
    gu = [[sp.diff(L, u[j][l]) for l in range(n)] for j in range(m)]
    du = tuple(tuple(-sum((gu[j][l] * G[l][k] for l in range(n)), sp.Integer(0)) for k in range(n))
               for j in range(m))
    return S, L, h, da, du


def _margins(S, h):
    X = [sp.Symbol(f"X_{k + 1}", positive=True) for k in range(S.n)]
    return [(S.y[k] * h[k], X[k]) for k in range(S.n)], X


def flow_certificate(loss: str, m: int = 2, n: int = 3, *, wrong_weight: bool = False) -> Certificate:
    """The derived flow equals the residual-weight form with ``rho_k = (1/n) y_k (-ell')(y_k h_k)``.

    The twin (``wrong_weight``) types the weight with the wrong sign of the exponent
    (``y e^{+y h}``, resp. ``y / (1 + e^{-y h})``) and must be REFUTED.  ``y_k^2 = 1`` is used.
    """
    S, L, h, da, du = derive_loss_flow(loss, m, n)
    rho = [S.y[k] * (weight(loss, -S.y[k] * h[k]) if wrong_weight else weight(loss, S.y[k] * h[k])) / n
           for k in range(n)]
    margins, X = _margins(S, h)
    ysq = {S.y[k] ** 2: sp.Integer(1) for k in range(n)}
    res = {}
    for j in range(m):
        form = sum((rho[k] * S.chi[j][k] * S.u[j][k] for k in range(n)), sp.Integer(0))
        res[f"da_{j + 1}"] = _rational(da[j] - form, margins).subs(ysq)
        for k in range(n):
            form = S.a[j] * sum((rho[l] * S.chi[j][l] * S.G[l][k] for l in range(n)), sp.Integer(0))
            res[f"du_{{{j + 1},{k + 1}}}"] = _rational(du[j][k] - form, margins).subs(ysq)
    name = f"separable_flow_{loss}_m{m}_n{n}" + ("__twin_wrong_weight" if wrong_weight else "")
    return _certify_rational(
        name, {k: sp.expand(v).subs(ysq) for k, v in res.items()},
        assumptions=(MODEL, PATTERN, "labels y_k in {+1, -1} (y_k^2 = 1)", "general Gram matrix"),
        procedure=f"L = (1/n) sum_k ell(y_k h_k) with the {loss} ell; da_j = -dL/da_j, du_jk = "
                  "-sum_l dL/du_jl G_lk by sympy, minus the residual-weight form; exp(y_k h_k) -> "
                  "1/X_k; ",
        details={"rho_k": canonical_str(rho[0]).replace("_1", "_k"), "m": str(m), "n": str(n)})


def cross_terms_certificate(loss: str, m: int = 2, n: int = 3, *, orthogonal: bool = False) -> Certificate:
    """Claim "decoupled": ``du_jk`` has no cross term (coefficient of ``G_lk``, ``l != k``).

    For a general Gram matrix it is REFUTED: ``details["cross_terms"]`` names every surviving
    coefficient ``a_j rho_l chi_jl`` with a witness; with ``G_lk = 0`` (``orthogonal``) PROVED.
    """
    S, L, h, da, du = derive_loss_flow(loss, m, n)
    margins, X = _margins(S, h)
    res, named = {}, {}
    zero = {g: sp.Integer(0) for g in S.off_diagonal()} if orthogonal else {}
    for j in range(m):
        for k in range(n):
            e = du[j][k].xreplace(zero)  # linear in the Gram entries
            for l in range(n):
                if l == k:
                    continue
                g = S.G[l][k]
                coeff = sp.diff(e, g)
                label = f"du_{{{j + 1},{k + 1}}} / G_{{{min(k, l) + 1},{max(k, l) + 1}}}"
                res[label] = _rational(coeff, margins)
                if coeff != 0:
                    named[label] = canonical_str(coeff)
    name = f"separable_decoupled_{loss}_m{m}_n{n}" + ("_orthogonal" if orthogonal else "")
    return _certify_rational(
        name, res, assumptions=(MODEL, PATTERN, "pairwise orthogonal inputs" if orthogonal else
                                "general Gram matrix"),
        procedure="the claim 'decoupled': every coefficient of G_lk (l != k) in the sympy-derived du_jk "
                  "vanishes; exp(y_k h_k) -> 1/X_k; ",
        details={"cross_terms": named})


# -- the two-point model -------------------------------------------------------------------------
def _two_point_symbols(m):
    a = tuple(sp.Symbol(f"a_{j + 1}", real=True) for j in range(m))
    u = tuple(sp.Symbol(f"u_{j + 1}", real=True) for j in range(m))
    v = tuple(sp.Symbol(f"v_{j + 1}", real=True) for j in range(m))
    cu = tuple(sp.Symbol(f"chi_{{u,{j + 1}}}", real=True) for j in range(m))
    cv = tuple(sp.Symbol(f"chi_{{v,{j + 1}}}", real=True) for j in range(m))
    return a, u, v, cu, cv


@lru_cache(maxsize=8)
def two_point_flow(loss: str, m: int = 2):
    """The flow of ``L = p ell(f(x_+)) + (1-p) ell(-f(x_-))`` on ``(a_j, u_j, v_j)``, Gram
    ``[[1, c], [c, 1]]`` (``c = cos Delta``), derived by sympy.

    Returns ``dict(a, u, v, chi_u, chi_v, f_plus, f_minus, L, P, M, da, du, dv)`` with
    ``P = -dL/df(x_+)`` and ``M = dL/df(x_-)`` (sympy derivatives of ``L`` in ``f``).
    """
    a, u, v, cu, cv = _two_point_symbols(m)
    fp = sum((a[j] * cu[j] * u[j] for j in range(m)), sp.Integer(0))
    fm = sum((a[j] * cv[j] * v[j] for j in range(m)), sp.Integer(0))
    L = p * ell(loss, fp) + (1 - p) * ell(loss, -fm)
    F1, F2 = sp.symbols("F_plus F_minus", real=True)
    Lf = p * ell(loss, F1) + (1 - p) * ell(loss, -F2)
    Pw = (-sp.diff(Lf, F1)).subs({F1: fp, F2: fm})
    Mw = sp.diff(Lf, F2).subs({F1: fp, F2: fm})
    da = tuple(-sp.diff(L, a[j]) for j in range(m))
    du = tuple(-(sp.diff(L, u[j]) + c * sp.diff(L, v[j])) for j in range(m))
    dv = tuple(-(c * sp.diff(L, u[j]) + sp.diff(L, v[j])) for j in range(m))
    return dict(a=a, u=u, v=v, chi_u=cu, chi_v=cv, f_plus=fp, f_minus=fm, L=L, P=Pw, M=Mw,
                da=da, du=du, dv=dv)


def _pm_form(m, *, drop_cross=False):
    """The digest's per-neuron equations in ``P``, ``M`` (typed in: the claim under test)."""
    a, u, v, cu, cv = _two_point_symbols(m)
    cc = 0 if drop_cross else c
    da = tuple(P * cu[j] * u[j] - M * cv[j] * v[j] for j in range(m))
    du = tuple(a[j] * (P * cu[j] - M * cc * cv[j]) for j in range(m))
    dv = tuple(a[j] * (P * cc * cu[j] - M * cv[j]) for j in range(m))
    return da, du, dv


def _two_point_margins(fl):
    Xp, Xm = sp.symbols("X_plus X_minus", positive=True)
    return [(fl["f_plus"], Xp), (-fl["f_minus"], Xm)]


def dual_weights_certificate(loss: str) -> Certificate:
    """``P = -dL/df(x_+)`` and ``M = dL/df(x_-)`` have the closed forms of the digest
    (exponential ``p e^{-f_+}``, ``(1-p) e^{f_-}``; logistic ``p/(1+e^{f_+})``, ``(1-p)/(1+e^{-f_-})``)
    and the derived flow equals the ``(P, M)`` form with them."""
    fl = two_point_flow(loss, 2)
    fp, fm = fl["f_plus"], fl["f_minus"]
    Pc = p * weight(loss, fp)
    Mc = (1 - p) * weight(loss, -fm)
    da, du, dv = _pm_form(2)
    sub = {P: Pc, M: Mc}
    mg = _two_point_margins(fl)
    res = {"P": _rational(fl["P"] - Pc, mg), "M": _rational(fl["M"] - Mc, mg)}
    for j in range(2):
        res[f"da_{j + 1}"] = _rational(fl["da"][j] - da[j].subs(sub), mg)
        res[f"du_{j + 1}"] = _rational(fl["du"][j] - du[j].subs(sub), mg)
        res[f"dv_{j + 1}"] = _rational(fl["dv"][j] - dv[j].subs(sub), mg)
    return _certify_rational(
        f"separable_two_point_flow_{loss}", res, assumptions=(MODEL, PATTERN, "<x_+, x_-> = c = cos Delta"),
        procedure="L = p ell(f(x_+)) + (1-p) ell(-f(x_-)); P, M and the flow by sympy differentiation; "
                  "minus the (P, M) form with the closed-form P, M; ",
        details={"P": canonical_str(Pc), "M": canonical_str(Mc)})


def copies_certificate(loss: str, n_plus: int = 2, n_minus: int = 1, m: int = 2, *,
                       drop_cross: bool = False) -> Certificate:
    """``n_+`` copies of ``x_+`` and ``n_-`` of ``x_-`` (general n-point flow) give the two-point
    ``(P, M)`` flow with ``p = n_+/n`` on every copy.  Twin: ``drop_cross`` (the cos Delta terms
    left out of the two-point form) must be REFUTED."""
    n = n_plus + n_minus
    S, L, h, da, du = derive_loss_flow(loss, m, n)
    a2, u2, v2, cu2, cv2 = _two_point_symbols(m)
    plus = lambda k: k < n_plus  # noqa: E731
    sub = {}
    for k in range(n):
        sub[S.y[k]] = sp.Integer(1 if plus(k) else -1)
        for l in range(n):
            sub[S.G[k][l]] = sp.Integer(1) if plus(k) == plus(l) else c
        for j in range(m):
            sub[S.u[j][k]] = u2[j] if plus(k) else v2[j]
            sub[S.chi[j][k]] = cu2[j] if plus(k) else cv2[j]
    sub.update({S.a[j]: a2[j] for j in range(m)})
    pv = sp.Rational(n_plus, n)
    fl = two_point_flow(loss, m)
    fda, fdu, fdv = _pm_form(m, drop_cross=drop_cross)
    pm = {P: (fl["P"]).subs(p, pv), M: (fl["M"]).subs(p, pv)}
    mg = _two_point_margins(fl)
    res = {}
    for j in range(m):
        res[f"da_{j + 1}"] = _rational(da[j].xreplace(sub) - fda[j].subs(pm), mg)
        for k in range(n):
            target = (fdu if plus(k) else fdv)[j].subs(pm)
            res[f"du_{{{j + 1},{k + 1}}}"] = _rational(du[j][k].xreplace(sub) - target, mg)
    name = f"separable_copies_{loss}_{n_plus}_{n_minus}" + ("__twin_dropped_cross" if drop_cross else "")
    return _certify_rational(
        name, res, assumptions=(MODEL, PATTERN, f"{n_plus} copies of x_+ (label +1), {n_minus} of x_- "
                                                 "(label -1), unit inputs, <x_+, x_-> = c"),
        procedure="the n-point flow (sympy) with the copies' Gram matrix, labels and equal coordinates "
                  f"substituted, minus the two-point (P, M) flow at p = {pv}; ")


def decoupled_certificate(loss: str, *, at_right_angle: bool = False) -> Certificate:
    """Claim "decoupled" for the two-point flow: no ``cos Delta`` term in ``du_j``, ``dv_j``.

    REFUTED (``details["cross_terms"]``: ``-a_j M chi_vj`` in ``du_j`` and ``+a_j P chi_uj`` in
    ``dv_j``, with a witness); at Delta = pi/2 (``c = 0``) PROVED: the reduction to the
    decoupled (orthogonal) picture.
    """
    fl = two_point_flow(loss, 2)
    da, du, dv = _pm_form(2)
    res, named = {}, {}
    for j in range(2):
        for lab, e in ((f"du_{j + 1}", du[j]), (f"dv_{j + 1}", dv[j])):
            coeff = sp.expand(e).coeff(c)
            if at_right_angle:
                coeff = sp.expand(e.subs(c, 0)).coeff(c)
            res[f"{lab} / cos Delta"] = coeff
            if coeff != 0:
                named[f"{lab} / cos Delta"] = canonical_str(coeff)
    _ = fl
    name = f"separable_decoupled_two_point_{loss}" + ("_at_Delta_pi_2" if at_right_angle else "")
    return certify_all(
        name, res, assumptions=(MODEL, PATTERN, "Delta = pi/2 (c = 0)" if at_right_angle else
                                "<x_+, x_-> = c = cos Delta, a symbol"),
        procedure="the claim 'decoupled': the coefficient of c = cos Delta in du_j, dv_j of the (P, M) "
                  "form (itself certified against the sympy-derived flow) vanishes; expand to a "
                  "polynomial over QQ in a, chi, P, M",
        details={"cross_terms": named})


# -- sliding ---------------------------------------------------------------------------------
def _frame():
    """``x_+ = (1, 0)``, ``x_- = (c, s)`` with ``c, s`` in ``tau``."""
    return sp.Matrix([1, 0]), sp.Matrix([C_TAU, S_TAU])


def sliding(boundary: str):
    """The Filippov sliding motion on ``u = 0`` (``a < 0``, active on ``x_-``) or ``v = 0``
    (``a > 0``, active on ``x_+``), solved by sympy, in ``P``, ``M``, ``c``, ``s``.

    Returns ``dict(alpha, push_off, push_on, Gamma, dw, da, dnormal)``: ``alpha`` the weight of
    the boundary point's indicator that keeps the normal coordinate still; ``push_off`` /
    ``push_on`` the normal velocity with the indicator 0 / 1 (sliding iff they point towards
    the boundary from both sides); ``Gamma`` the switching function (``push_on = -|a| Gamma``,
    so the active side pushes back onto the boundary iff ``Gamma > 0``);
    ``dw`` the sliding velocity of ``w`` (frame coordinates), ``da`` of ``a``.
    """
    if boundary not in ("u", "v"):
        raise ValueError(f"boundary: expected 'u' or 'v', found {boundary!r}")
    a, al = sp.symbols("a alpha", real=True)
    xp, xm = _frame()
    if boundary == "u":  # on u = 0: indicator of x_+ is alpha, x_- active; sigma(u) = 0
        def dw(ind):
            return a * (P * ind * xp - M * xm)
        normal = xp
        other = sp.Symbol("v", positive=True)
        da = -M * other
    else:
        def dw(ind):
            return a * (P * xp - M * ind * xm)
        normal = xm
        other = sp.Symbol("u", positive=True)
        da = P * other
    dn = lambda ind: sp.simplify((dw(ind).T * normal)[0])  # noqa: E731
    alpha = sp.solve(sp.Eq(dn(al), 0), al)[0]
    push_off, push_on = dn(0), dn(1)
    abs_a = -a if boundary == "u" else a  # a < 0 on u = 0, a > 0 on v = 0
    Gamma = sp.simplify(-push_on / abs_a)  # sliding iff the active side pushes back: Gamma > 0
    return dict(a=a, alpha=sp.simplify(alpha), push_off=push_off, push_on=push_on, Gamma=Gamma,
                dw=sp.simplify(dw(alpha)), da=da, other=other)


def sliding_certificate(boundary: str, *, one_sided: bool = False) -> Certificate:
    """The digest's sliding velocities and switching function on ``u = 0`` or ``v = 0``.

    Checked against :func:`sliding`: ``alpha = M c / P`` (resp. ``P c / M``), ``1 - alpha =
    Gamma / P`` (resp. ``Gamma / M``) with ``Gamma_U = P - M c`` (``Gamma_V = M - P c``),
    ``push_on = -|a| Gamma``, ``dw = |a| M sin(Delta) e_+^perp`` (``a < 0``; resp. ``a P sin(Delta)
    e_-^perp``), ``da = -M v`` (resp. ``P u``).  Twin ``one_sided``: the velocity of the active
    side (indicator 1, no Filippov combination) in place of the sliding one: REFUTED.
    """
    sl = sliding(boundary)
    a = sl["a"]
    abs_a = -a if boundary == "u" else a
    xp, xm = _frame()
    if boundary == "u":
        e_perp = (xm - C_TAU * xp) / S_TAU
        claimed_dw = -a * M * S_TAU * e_perp  # |a| = -a
        claimed = dict(alpha=M * C_TAU / P, Gamma=P - M * C_TAU, one_minus=(P - M * C_TAU) / P)
        da_claim = -M * sl["other"]
    else:
        e_perp = (xp - C_TAU * xm) / S_TAU
        claimed_dw = a * P * S_TAU * e_perp
        claimed = dict(alpha=P * C_TAU / M, Gamma=M - P * C_TAU, one_minus=(M - P * C_TAU) / M)
        da_claim = P * sl["other"]
    dw = sl["dw"]
    if one_sided:  # the field with the boundary point's indicator 1 (active side)
        dw = a * (P * xp - M * xm)
    res = {"alpha": sl["alpha"] - claimed["alpha"], "Gamma": sl["Gamma"] - claimed["Gamma"],
           "1 - alpha": 1 - sl["alpha"] - claimed["one_minus"], "push_on + |a| Gamma":
           sl["push_on"] + abs_a * claimed["Gamma"], "da": sl["da"] - da_claim,
           "|e_perp|^2 - 1": (e_perp.T * e_perp)[0] - 1,
           "<e_perp, x_boundary>": (e_perp.T * (xp if boundary == "u" else xm))[0]}
    for i in range(2):
        res[f"dw_{i + 1}"] = dw[i] - claimed_dw[i]
    res = {k: sp.numer(sp.together(as_exact(v))) for k, v in res.items()}
    name = f"separable_sliding_{boundary}" + ("__twin_one_sided" if one_sided else "")
    side = ("u = <w, x_+> = 0 with a < 0 and v > 0" if boundary == "u" else
            "v = <w, x_-> = 0 with a > 0 and u > 0")
    return _certify_rational(
        name, res, assumptions=(MODEL, "Filippov convex combination of the indicator of the boundary "
                                "point (sigma(0) = 0 in a and h)", side, "frame x_+ = (1, 0), "
                                "x_- = (c, s), c = (1 - tau^2)/(1 + tau^2), s = 2 tau/(1 + tau^2)"),
        procedure="sympy solves <dw(alpha), normal> = 0 for alpha and substitutes it; minus the "
                  "digest's sliding velocity; ",
        details={"alpha": canonical_str(sl["alpha"]), "Gamma": canonical_str(sl["Gamma"]),
                 "push_off": canonical_str(sl["push_off"]), "push_on": canonical_str(sl["push_on"]),
                 "sliding_condition": ("push_off > 0 > push_on, i.e. a < 0 and " if boundary == "u" else
                                       "push_off < 0 < push_on, i.e. a > 0 and ") + "Gamma > 0"})


# -- constants ---------------------------------------------------------------------------------
def rates():
    """``r_+^2`` and ``r_-^2`` as derived growth rates (sympy): the exponents of the linearised
    flow at ``P = p``, ``M = 1 - p`` (``f = 0``).

    ``r_+``: a neuron active on both points, ``da = <w, g>``, ``dw = a g`` (``g = p x_+ - (1-p) x_-``),
    so ``d^2 a/dt^2 = ||g||^2 a``; ``r_-``: a negative neuron sliding on ``u = 0``:
    ``d|a|/dt = M v``, ``dv/dt = |a| M sin^2 Delta`` (from :func:`sliding`), so
    ``d^2|a|/dt^2 = (M sin Delta)^2 |a|``.  Returns ``(r_plus_sq, r_minus_sq)`` in ``tau``.
    """
    xp, xm = _frame()
    g = p * xp - (1 - p) * xm
    r_plus_sq = sp.simplify((g.T * g)[0])
    sl = sliding("u")
    a = sl["a"]
    dv = (sl["dw"].T * xm)[0]  # dv/dt on the boundary, in terms of a (< 0)
    # |a|' = -a' = M v and v' = dv(a = -|a|): the system matrix [[0, M], [dv/|a|, 0]]
    absa = sp.Symbol("A", positive=True)
    kv = sp.simplify(dv.subs(a, -absa) / absa)
    mat = sp.Matrix([[0, M], [kv, 0]]).subs(M, 1 - p)
    r_minus_sq = sp.simplify(max(mat.eigenvals(), key=lambda e: sp.default_sort_key(e)) ** 2)
    return r_plus_sq, sp.simplify(r_minus_sq)


def rates_certificate(*, twin: bool = False) -> Certificate:
    """``r_+^2 = p^2 + (1-p)^2 - 2p(1-p) cos Delta``, ``r_-^2 = ((1-p) sin Delta)^2`` (derived by
    :func:`rates`) and ``r_+^2 - r_-^2 = (p - (1-p) cos Delta)^2``.  Twin: the identity with
    ``r_+^2 + r_-^2`` on the left, REFUTED."""
    rp2, rm2 = rates()
    res = {"r_+^2": rp2 - (p**2 + (1 - p) ** 2 - 2 * p * (1 - p) * C_TAU),
           "r_-^2": rm2 - ((1 - p) * S_TAU) ** 2,
           "identity": (rp2 + rm2 if twin else rp2 - rm2) - (p - (1 - p) * C_TAU) ** 2}
    res = {k: sp.numer(sp.together(v)) for k, v in res.items()}
    return _certify_rational(
        "separable_rates" + ("__twin_plus" if twin else ""), res,
        assumptions=(MODEL, "P = p, M = 1 - p (outputs f = 0, exponential loss; the logistic loss "
                     "halves both rates: P = p/2, M = (1-p)/2)", "frame x_+ = (1, 0), x_- = (c, s)"),
        procedure="r_+^2 = ||g||^2 (g = p x_+ - (1-p) x_-), r_-^2 the square of the positive eigenvalue "
                  "of the sliding system (|a|, v); minus the closed forms; ",
        details={"r_plus": "sqrt(p^2 + (1-p)^2 - 2 p (1-p) cos Delta)", "r_minus": "(1-p) sin Delta"})


def a1_certificate() -> Certificate:
    """(A1) ``p cos Delta > 1 - p`` is ``<g, x_-> > 0``: the identity ``<g, x_-> = p c - (1 - p)``."""
    xp, xm = _frame()
    g = p * xp - (1 - p) * xm
    res = {"<g, x_->": sp.numer(sp.together((g.T * xm)[0] - (p * C_TAU - (1 - p))))}
    return _certify_rational("separable_A1_identity", res, assumptions=(MODEL,),
                             procedure="<g, x_-> in the frame minus p cos Delta - (1 - p); ")


def max_margin_certificate(*, claimed=None) -> Certificate:
    """The maximal normalised margin ``gamma* = max_theta min_i y_i f(x_i) / ||theta||^2 = sin(Delta)/4``.

    PROVED (identities, in ``tau``): (i) the network with ``a_+ = rho``, ``w_+ = rho e_-^perp`` and
    ``a_- = -rho``, ``w_- = rho e_+^perp`` has ``f(x_+) = -f(x_-) = rho^2 sin Delta`` and
    ``||theta||^2 = 4 rho^2``, so ``gamma = sin(Delta)/4`` is attained; (ii) per neuron
    ``a^2 + ||w||^2 - 2|a| ||w|| = (|a| - ||w||)^2``; (iii) the dual function
    ``sigma(<w, x_+>) - sigma(<w, x_->)`` equals ``sin Delta`` at ``w = e_-^perp`` and its candidates
    on the unit circle (the ends of each activation arc and the interior critical points) are
    ``<= sin Delta``.  ARGUED (not proved by sympy): that those candidates exhaust the circle
    (a linear function on an arc is extremal at an end or at its tangency point) and the chain
    ``min(f_+, -f_-) <= (f_+ - f_-)/2 <= sum_k |a_k| ||w_k|| sin(Delta)/2 <= ||theta||^2 sin(Delta)/4``.
    ``claimed`` (twin) replaces ``sin(Delta)/4``: ``sin(Delta)/2`` must be REFUTED.
    """
    xp, xm = _frame()
    rho = sp.Symbol("rho", positive=True)
    ep = (xm - C_TAU * xp) / S_TAU
    em = (xp - C_TAU * xm) / S_TAU
    # the positive neuron is active on x_+ only (<e_-^perp, x_+> = s > 0, <e_-^perp, x_-> = 0), the
    # negative one on x_- only (<e_+^perp, x_-> = s > 0, <e_+^perp, x_+> = 0): both checked below
    f_plus = rho * (rho * em.T * xp)[0]
    f_minus = -rho * (rho * ep.T * xm)[0]
    norm2 = 2 * rho**2 + rho**2 * (em.T * em)[0] + rho**2 * (ep.T * ep)[0]
    gamma = claimed if claimed is not None else S_TAU / 4
    A, W = sp.symbols("A W", positive=True)
    res = {"<e_+^perp, x_+>": (ep.T * xp)[0], "<e_-^perp, x_->": (em.T * xm)[0],
           "f(x_+) / ||theta||^2 - gamma": f_plus / norm2 - gamma,
           "-f(x_-) / ||theta||^2 - gamma": -f_minus / norm2 - gamma,
           "a^2 + |w|^2 - 2|a||w| - (|a| - |w|)^2": A**2 + W**2 - 2 * A * W - (A - W) ** 2,
           "dual at e_-^perp - sin Delta": (em.T * xp)[0] - S_TAU}
    res = {k: sp.numer(sp.together(v)) for k, v in res.items()}
    res["<e_-^perp, x_+> - sin Delta"] = sp.numer(sp.together((em.T * xp)[0] - S_TAU))
    res["<e_+^perp, x_-> - sin Delta"] = sp.numer(sp.together((ep.T * xm)[0] - S_TAU))
    # the dual function D(w) = sigma(<w,x_+>) - sigma(<w,x_->) on the unit circle, arc by arc:
    # (+,+): D = <w, x_+ - x_->, its tangency point (x_+ - x_-)/|x_+ - x_-| has <., x_-> = c - 1 < 0
    # (outside the arc); (+,0): D = <w, x_+>, tangency x_+ has <x_+, x_-> = c > 0 (outside);
    # (0,+), (0,0): D <= 0.  So the sup is at an arc end:
    cands = {"e_-^perp (common end of (+,+) and (+,0), v = 0)": S_TAU,
             "e_+^perp (end of (+,+), u = 0)": -S_TAU,
             "-e_+^perp (end of (+,0), u = 0)": sp.Integer(0)}
    res["<x_+ - x_-, x_-> - (c - 1)"] = sp.numer(sp.together(((xp - xm).T * xm)[0] - (C_TAU - 1)))
    details = {"argued": ["a linear function on an arc of the unit circle is largest at an end or at "
                          "its tangency point; the tangency points lie outside their arcs (c - 1 < 0, "
                          "c > 0 for Delta in (0, pi/2)), so sup_w D(w) = max over the arc ends",
                          "min(f_+, -f_-) <= (f_+ - f_-)/2 <= sum_k |a_k| ||w_k|| sup_w dual(w) / 2",
                          "||theta||^2 >= 2 sum_k |a_k| ||w_k|| (from (ii))"],
               "candidate_values": {k: canonical_str(sp.factor(v)) for k, v in cands.items()},
               "gamma_star": "sin(Delta)/4"}
    name = "separable_max_margin" + ("__twin_claimed" if claimed is not None else "")
    return _certify_rational(
        name, res, assumptions=(MODEL, "two unit inputs, frame x_+ = (1, 0), x_- = (c, s), "
                                "Delta in (0, pi/2)", "exponential or logistic loss (the limit "
                                "direction theorems of Lyu-Li / Ji-Telgarsky: not checked here)"),
        procedure="identities (i)-(iii) of the docstring in tau; the rest is argued (details.argued); ",
        details=details)


def constants(p_value, Delta):
    """Exact constants of the model as sympy expressions of ``p`` and ``Delta`` (for the checks).

    ``{"r_plus", "r_minus", "gamma_star", "g_hat_angle", "e_plus_perp_angle", "e_minus_perp_angle",
    "A1"}`` with angles measured from the bisector of ``x_+`` and ``x_-`` (``x_+`` at ``+Delta/2``).

    >>> k = constants(sp.Rational(7, 10), sp.Rational(1, 10))
    >>> sp.N(k["r_plus"], 4), sp.N(k["r_minus"], 4), sp.N(k["gamma_star"], 4)
    (0.4026, 0.02995, 0.02496)
    """
    pv, D = as_exact(p_value), as_exact(Delta)
    cD, sD = sp.cos(D), sp.sin(D)
    gx = pv * sp.cos(D / 2) - (1 - pv) * sp.cos(D / 2)
    gy = pv * sp.sin(D / 2) + (1 - pv) * sp.sin(D / 2)
    return {"r_plus": sp.sqrt(pv**2 + (1 - pv) ** 2 - 2 * pv * (1 - pv) * cD),
            "r_minus": (1 - pv) * sD, "gamma_star": sD / 4, "g_hat_angle": sp.atan2(gy, gx),
            "e_plus_perp_angle": D / 2 - sp.pi / 2, "e_minus_perp_angle": sp.pi / 2 - D / 2,
            "A1": sp.Gt(pv * cD, 1 - pv)}


def all_separable_certificates():
    """``[(file_stem, certificate, expected_verdict)]`` of the separable model (with twins)."""
    out = []
    Pv, Rv = PROVED, REFUTED
    for loss in SEPARABLE_LOSSES:
        for kw, exp in (({}, Pv), ({"wrong_weight": True}, Rv)):
            cert = flow_certificate(loss, 2, 3, **kw)
            out.append((cert.claim, cert, exp))
        for kw, exp in (({}, Rv), ({"orthogonal": True}, Pv)):
            cert = cross_terms_certificate(loss, 2, 3, **kw)
            out.append((cert.claim, cert, exp))
        cert = dual_weights_certificate(loss)
        out.append((cert.claim, cert, Pv))
        for kw, exp in (({}, Pv), ({"drop_cross": True}, Rv)):
            cert = copies_certificate(loss, 2, 1, **kw)
            out.append((cert.claim, cert, exp))
        for kw, exp in (({}, Rv), ({"at_right_angle": True}, Pv)):
            cert = decoupled_certificate(loss, **kw)
            out.append((cert.claim, cert, exp))
    for b in ("u", "v"):
        for kw, exp in (({}, Pv), ({"one_sided": True}, Rv)):
            cert = sliding_certificate(b, **kw)
            out.append((cert.claim, cert, exp))
    for kw, exp in (({}, Pv), ({"twin": True}, Rv)):
        cert = rates_certificate(**kw)
        out.append((cert.claim, cert, exp))
    cert = a1_certificate()
    out.append((cert.claim, cert, Pv))
    for kw, exp in (({}, Pv), ({"claimed": S_TAU / 2}, Rv)):
        cert = max_margin_certificate(**kw)
        out.append((cert.claim, cert, exp))
    _ = decide_zero
    return out
