"""Certificates for the early phase (digest 3.1-3.3) and the minimum-norm identities (5.3).

* :func:`linearisation_certificate` -- the degree-1 part (in ``a, u``) of the sympy-derived
  reduced flow is digest 3.1's linear system ``da_j = (1/n) sum_k y_k chi_jk u_jk``,
  ``du_jk = (a_j/n) y_k chi_jk ||x_k||^2``;
* :func:`closed_form_certificate` -- the cosh/sinh closed form solves that system: the
  residual of the ODE, written with ``E = exp(tau)``, is the zero rational function (twin: a
  wrong rate is REFUTED);
* :func:`coordinates_certificate` -- the same in the coordinates ``u_k`` of an active set of
  size ``s``, modulo ``||D||^2 = sum y_k^2 ||x_k||^2``;
* :func:`exits_certificate` -- on a problem: at every exit the closed form gives ``u_jk = 0``
  exactly (decided by ``minimal_polynomial``), the other active coordinates are still
  positive (exact rationals), so the exit is the first root;
* :func:`min_norm_certificate` -- the identities of the proof sketch of 5.3 on the data.

>>> closed_form_certificate().verdict, closed_form_certificate(rate_factor=2).verdict
('PROVED', 'REFUTED')
"""

from __future__ import annotations

import sympy as sp

from .certificate import POLY_PROCEDURE, PROVED, REFUTED, UNDECIDED, Certificate, canonical_str, \
    certify_all
from .flow import derive_flow

__all__ = ["linearisation_certificate", "closed_form_certificate", "coordinates_certificate",
           "exits_certificate", "min_norm_certificate", "exit_root_certificate"]

_a0, _p0 = sp.symbols("a_0 p_0", real=True)
_D, _n, _t, _E = sp.symbols("D n t E", positive=True)


def linearisation_certificate(m: int, n: int) -> Certificate:
    """Digest 3.1: the linear part of the reduced flow at ``(a, u) = 0`` (``r_k -> -y_k``)."""
    flow = derive_flow(m, n).reduced()
    s = flow.symbols
    vars_ = list(s.a) + [v for row in s.u for v in row]
    residuals = {}

    def linear_part(e):
        poly = sp.Poly(sp.expand(e), *vars_)
        return sum((c * sp.prod([v ** p for v, p in zip(vars_, mon)]) for mon, c in poly.terms()
                    if sum(mon) == 1), sp.Integer(0))

    for j in range(m):
        lin = sum((s.y[k] * s.chi[j][k] * s.u[j][k] for k in range(n)), sp.Integer(0)) / n
        residuals[f"da_{j + 1}"] = linear_part(flow.da[j]) - lin
        for k in range(n):
            residuals[f"du_{{{j + 1},{k + 1}}}"] = linear_part(flow.du[j][k]) - \
                s.a[j] / n * s.y[k] * s.chi[j][k] * s.G[k][k]
    return certify_all(f"linearisation_m{m}_n{n}", residuals,
                       assumptions=("orthogonal inputs", "degree-1 part in (a, u): r_k = -y_k"),
                       procedure="degree-1 part of the sympy-derived reduced flow in (a, u); " + POLY_PROCEDURE)


def _closed_form(rate):
    tau = rate * _t
    a = _a0 * sp.cosh(tau) + _p0 * sp.sinh(tau)
    p = _p0 * sp.cosh(tau) + _a0 * sp.sinh(tau)
    return a, p


def _to_E(expr, rate):
    """``cosh/sinh`` -> ``exp`` -> ``E = exp(rate t)``; returns the numerator (a polynomial)."""
    e = expr.rewrite(sp.exp)
    e = sp.powsimp(sp.expand(e))
    e = e.xreplace({sp.exp(rate * _t): _E, sp.exp(-rate * _t): 1 / _E})
    if e.has(sp.exp):
        return None
    return sp.numer(sp.together(e))


def closed_form_certificate(rate_factor=1) -> Certificate:
    """The cosh/sinh form solves ``a' = (||D||/n) p``, ``p' = (||D||/n) a`` (digest 3.2).

    ``rate_factor`` multiplies the rate inside cosh/sinh: 1 is the claim, anything else is the
    negative twin (REFUTED with a witness).
    """
    rate_true = _D / _n
    a, p = _closed_form(rate_factor * rate_true)
    res = {"a' - (D/n) p": sp.diff(a, _t) - rate_true * p, "p' - (D/n) a": sp.diff(p, _t) - rate_true * a,
           "a(0) - a_0": a.subs(_t, 0) - _a0, "p(0) - p_0": p.subs(_t, 0) - _p0}
    conv = {k: _to_E(v, rate_factor * rate_true) for k, v in res.items()}
    name = "early_closed_form" + ("" if rate_factor == 1 else f"__twin_rate_x{rate_factor}")
    proc = ("sympy diff in t; cosh/sinh rewritten with exp, E = exp(tau) substituted, numerator "
            "expanded; " + POLY_PROCEDURE)
    if any(v is None for v in conv.values()):
        return Certificate(name, UNDECIDED, proc, "exp not eliminated", None, ("t0 = 0",))
    return certify_all(name, conv, assumptions=("t0 = 0 (the system is autonomous)", "D, n > 0"),
                       procedure=proc)


def coordinates_certificate(size: int = 3, *, rate_factor=1) -> Certificate:
    """The closed form in coordinates: ``u_k(t) = u_k(0) + (p(t) - p0) y_k q_k / ||D||`` solves
    ``u_k' = (a/n) y_k q_k`` and ``a' = (1/n) sum_k y_k u_k`` on an active set of ``size`` points,
    with ``p0 = sum y_k u_k(0) / ||D||``; reduced modulo ``||D||^2 - sum y_k^2 q_k``."""
    y = sp.symbols(f"y_1:{size + 1}", real=True)
    q = sp.symbols(f"q_1:{size + 1}", positive=True)
    u0 = sp.symbols(f"v_1:{size + 1}", real=True)
    rate = _D / _n
    p0 = sum((yk * uk for yk, uk in zip(y, u0)), sp.Integer(0)) / _D
    tau = rate_factor * rate * _t
    a = _a0 * sp.cosh(tau) + p0 * sp.sinh(tau)
    p = p0 * sp.cosh(tau) + _a0 * sp.sinh(tau)
    u = [u0[k] + (p - p0) * y[k] * q[k] / _D for k in range(size)]
    rel = _D ** 2 - sum((yk ** 2 * qk for yk, qk in zip(y, q)), sp.Integer(0))
    res = {f"u_{k + 1}'": sp.diff(u[k], _t) - a / _n * y[k] * q[k] for k in range(size)}
    res["a'"] = sp.diff(a, _t) - sum((y[k] * u[k] for k in range(size)), sp.Integer(0)) / _n
    out = {}
    for k, v in res.items():
        num = _to_E(v, rate_factor * rate)
        if num is None:
            return Certificate("early_closed_form_coordinates", UNDECIDED, "exp not eliminated", "?",
                               None, ())
        out[k] = sp.rem(sp.expand(num), rel, _D)
    name = f"early_closed_form_coordinates_s{size}" + ("" if rate_factor == 1 else f"__twin_rate_x{rate_factor}")
    return certify_all(name, out, assumptions=("fixed active set", "r_k = -y_k (linearised)",
                                               "||D||^2 = sum_k y_k^2 ||x_k||^2"),
                       procedure="as early_closed_form, then the remainder modulo ||D||^2 - sum y_k^2 q_k; "
                                 + POLY_PROCEDURE)


def _is_zero_algebraic(expr):
    """Exact zero test of a closed algebraic expression: its minimal polynomial is ``x``."""
    x = sp.Dummy("x")
    try:
        mp = sp.minimal_polynomial(expr, x)
    except (NotImplementedError, sp.PolynomialError, ValueError):
        return None
    return sp.expand(mp - x) == 0


def _exit_value(ep, seg, k, T, perturb):
    """``u_k`` at ``T`` (plus ``perturb``) from the closed form of the piece ``seg``:
    ``p = p0 (E + 1/E)/2 + a0 (E - 1/E)/2`` with ``E = e^tau``, ``tau = ||D|| (T - t0) / n``, and
    ``u_k = u_k(t0) + (p - p0) y_k ||x_k||^2 / ||D||``, expanded."""
    Tq = T if perturb is None else T + perturb
    tau = seg.D_norm * (Tq - seg.t0) / ep.n
    E = sp.exp(tau)
    p = seg.p0 * (E + 1 / E) / 2 + seg.a0 * (E - 1 / E) / 2
    uk = seg.u0[k] + (p - seg.p0) * ep.labels[k] * ep.norms_sq[k] / seg.D_norm
    return sp.expand(sp.powsimp(uk))


def _check_exit(ep, j, segs, k, T, perturb, checks, failures, undecided) -> None:
    """Check one exit ``(j, k, T)`` of :func:`exits_certificate`: ``u_jk(T) = 0`` exactly (decided
    by the minimal polynomial; a value with exp/log left is undecided, or a failure when the time
    is perturbed and it is numerically away from 0), and the other active coordinates (not tied)
    positive at ``T``.  Adds to ``checks``, ``failures`` and ``undecided``."""
    seg = next(sg for sg in segs if sg.t1 is not None and sg.t1 == T)
    uk = _exit_value(ep, seg, k, T, perturb)
    label = f"u_{{{j + 1},{k + 1}}}(T)"
    z = _is_zero_algebraic(uk) if not uk.has(sp.exp, sp.log) else None
    if z is None:
        if uk.has(sp.exp, sp.log) and perturb is not None and abs(sp.N(uk, 50)) > sp.Rational(1, 10 ** 30):
            failures.append((label, uk))
        else:
            undecided.append(label)
    elif not z:
        failures.append((label, uk))
    checks[label] = "0" if z else canonical_str(uk)
    tied = {kk for kk, TT in ep.exits[j] if TT == T}
    others = [kk for kk in seg.active if kk not in tied]
    if any(seg.u1[kk] <= 0 for kk in others):
        failures.append((f"other coordinates positive at exit of {label}", sp.Integer(-1)))


def exits_certificate(problem, *, perturb=None) -> Certificate:
    """Every predicted exit of the early phase is the first root of ``u_jk = 0`` (at lambda = 1).

    For each exit ``(j, k, T)``: the piece's closed form evaluated at ``T`` (cosh/sinh of
    ``log z`` rewritten as ``(z +- 1/z)/2``) gives ``u_jk(T) = 0`` exactly, and the other active
    coordinates at ``T`` are positive (exact rationals); on a piece ``p`` is monotone, so no
    earlier root exists.  ``perturb`` (a Rational) shifts every exit time: the twin is REFUTED.
    """
    from .predictions import early_phase

    ep = early_phase(problem)
    checks, failures, undecided = {}, [], []
    for j, segs in enumerate(ep.segments):
        for k, T in ep.exits[j]:
            _check_exit(ep, j, segs, k, T, perturb, checks, failures, undecided)
    name = "early_exits" + ("" if perturb is None else "__twin_perturbed_time")
    details = {"exits": {str(j): [[str(k), sp.sstr(T)] for k, T in ep.exits[j]] for j in range(len(ep.exits))},
               "problem_sha256": problem.sha256()}
    proc = ("closed form at the exit time with exp(log z) = z; zero decided by sympy.minimal_polynomial "
            "(exact); other active coordinates compared as exact rationals")
    if failures:
        lab, val = failures[0]
        return Certificate(name, REFUTED, proc, canonical_str(val), {"exit": lab}, ("lambda = 1",),
                           {**details, "refuted": [f[0] for f in failures]})
    if undecided:
        return Certificate(name, UNDECIDED, proc, "undecided", None, ("lambda = 1",),
                           {**details, "undecided": undecided})
    return Certificate(name, PROVED, proc, "0", None, ("lambda = 1", "linearised flow r_k = -y_k"), details)


def min_norm_certificate(problem, *, perturb_beta=None) -> Certificate:
    """The identities of the minimum-norm proof sketch (digest 5.1-5.3) on the data.

    ``<beta_+, x_k> = y_k`` on ``S_+`` and ``0`` on ``S_-`` (and symmetrically), so ``h_inf``
    interpolates; ``||beta_+||^2 = sum_{S_+} z_k^2`` with ``z_k = y_k/||x_k||``; ``alpha = z/||z||``
    has ``sum alpha_k^2 = 1``; the balanced two-neuron representation of ``h_inf`` has
    ``sum |a_j| ||w_j|| = N*``.  REFUTED on non-orthogonal data (interpolation fails) or with a
    perturbed ``beta`` (twin).
    """
    from .predictions import data_predictions

    dp = data_predictions(problem)
    X = [[sp.Rational(v.numerator, v.denominator) for v in x] for x in problem.inputs]
    y = [sp.Rational(v.numerator, v.denominator) for v in problem.labels]
    q = [sum((v * v for v in x), sp.Integer(0)) for x in X]
    bp, bm = list(dp.beta_plus), list(dp.beta_minus)
    if perturb_beta is not None:
        bp[0] += perturb_beta
    res = {}
    for k in range(problem.n):
        ip = sum((b * v for b, v in zip(bp, X[k])), sp.Integer(0))
        im = sum((b * v for b, v in zip(bm, X[k])), sp.Integer(0))
        res[f"<beta_+, x_{k + 1}>"] = ip - (y[k] if y[k] > 0 else 0)
        res[f"<beta_-, x_{k + 1}>"] = im - (-y[k] if y[k] < 0 else 0)
    for tag, b, S in (("+", bp, dp.S_plus), ("-", bm, dp.S_minus)):
        zsq = sum((y[k] ** 2 / q[k] for k in S), sp.Integer(0))
        res[f"||beta_{tag}||^2 - ||z_S{tag}||^2"] = sum((v * v for v in b), sp.Integer(0)) - zsq
        if S:
            res[f"sum alpha_{tag}^2 - 1"] = sum((y[k] ** 2 / q[k] for k in S), sp.Integer(0)) / zsq - 1
    # balanced representation: a = +-sqrt(||beta||), w = beta / sqrt(||beta||): |a| ||w|| = ||beta||
    rep = sum((sp.sqrt(sp.sqrt(sum((v * v for v in b), sp.Integer(0)))) ** 2 for b in (bp, bm)), sp.Integer(0))
    res["sum |a_j| ||w_j|| - N*"] = sp.expand(rep - dp.N_star)
    name = "min_norm_identities" + ("" if perturb_beta is None else "__twin_perturbed_beta")
    cert = certify_all(name, res,
                       assumptions=("the problem's data",),
                       procedure="exact rational arithmetic on beta_+-, x_k, y_k; " + POLY_PROCEDURE,
                       details={"problem_sha256": problem.sha256(), "orthogonal": str(problem.is_orthogonal())})
    return cert


_ = (PROVED, REFUTED)


def exit_root_certificate(*, wrong_sign: bool = False) -> Certificate:
    """Digest 3.3 in symbols: with ``R = a(T)``, ``R^2 = a0^2 - p0^2 + P*^2``, the value
    ``z = (R + P*)/(a0 + p0)`` solves ``A z^2 - P* z + B = 0`` (``A = (p0+a0)/2``, ``B = (p0-a0)/2``),
    and ``(a + p)(T) = (a0 + p0) z``, ``(a - p)(T) = (a0 - p0)/z`` hold with ``p(T) = P*``.
    Decided modulo ``R^2 - (a0^2 - p0^2 + P*^2)``.  Twin (``wrong_sign``): ``z = (R - P*)/(a0 + p0)``.
    """
    R, Ps = sp.symbols("R P^*", real=True)
    rel = R ** 2 - (_a0 ** 2 - _p0 ** 2 + Ps ** 2)
    A, B = (_p0 + _a0) / 2, (_p0 - _a0) / 2
    z = ((R - Ps) if wrong_sign else (R + Ps)) / (_a0 + _p0)
    res = {"A z^2 - P* z + B": A * z ** 2 - Ps * z + B,
           "(a - p)(T) z - (a0 - p0)": (R - Ps) * z - (_a0 - _p0)}
    out = {k: sp.rem(sp.expand(sp.numer(sp.together(v))), rel, R) for k, v in res.items()}
    name = "early_exit_root" + ("__twin_wrong_branch" if wrong_sign else "")
    return certify_all(name, out, assumptions=("a0 + p0 != 0", "a(T)^2 = a0^2 - p0^2 + P*^2 (a^2 - p^2 invariant)"),
                       procedure="numerators of the rational functions reduced modulo R^2 - (a0^2 - p0^2 + P*^2); "
                                 + POLY_PROCEDURE)
