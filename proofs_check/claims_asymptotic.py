"""Claims asymptotic in the initialisation scale lambda (digest section 9, items 7-14).

They run on the profile's ladder of scales (``ctx.ladder_run``) and are judged as rates
(:mod:`.rates`) or, for limits, by the Cauchy rule (:func:`.rates.cauchy_limit`).  Every
prediction is read from ``ctx.data`` / ``ctx.neurons`` / the symbolic layer, so a planted
falsehood (a replaced prediction) reaches the check.  They also fill ``ctx.figure_data``.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath

from gfcheck.numeric.precision import bits_for_dps, to_mpf, tolerance

from ._measure import (loss, mp_data, outputs, outside_if_not_orthogonal, rate_verdict, s, variation_norm,
                       verdict_of)
from .context import sample_at, with_scale
from .rates import cauchy_limit, fit_rate
from .registry import Claim, Verdict, register

SLACK = 12


def _bits(ctx):
    return bits_for_dps(ctx.profile.dps)


def _guard(ctx, need_A3=True):
    out = outside_if_not_orthogonal(ctx)
    if out:
        return out
    if need_A3 and not ctx.neurons.assumption_A3:
        v = Verdict("OUTSIDE_ASSUMPTIONS", "-", "-", "-", "-",
                    {"reason": "assumption A3 fails: no main neuron in some sign group (see claim 16)"})
        return v, v
    return None


def _W(ctx, lam, state):
    if state.W is not None:
        return [list(r) for r in state.W]
    from gfcheck.numeric import weights_from

    return [list(r) for r in weights_from(with_scale(ctx.problem, lam), state)]


def _groups(ctx):
    """``[(sign, S, ||D||, slope n/||D||)]`` for the nonempty sign groups (predictions)."""
    d = ctx.data
    out = []
    for sign, S, Dsq, slope in ((1, d.S_plus, d.D_plus_sq, d.escape_slope_plus),
                                (-1, d.S_minus, d.D_minus_sq, d.escape_slope_minus)):
        if S:
            out.append((sign, S, mpmath.sqrt(to_mpf(Dsq)), to_mpf(slope)))
    return out


def _L(lam):
    return -mpmath.log(to_mpf(Fraction(lam)))


# ----------------------------------------------------------------------- 7. growth rate


def _last_segment(ctx, j):
    from .claims_exact import _early

    return _early(ctx).segments[j][-1]


def _check_growth(ctx, *, factor=1):
    out = _guard(ctx, need_A3=False)
    if out:
        return out
    lam = ctx.profile.scales[-1]
    run = ctx.ladder_run(lam)
    bits = _bits(ctx)
    worst = worst_twin = mpmath.mpf(0)
    tol_max = mpmath.mpf(0)
    rows = {}
    with mpmath.workprec(run.work_bits):
        X, y = mp_data(ctx.problem)
        half = {1: run.crossings.get("half_+"), -1: run.crossings.get("half_-")}
        for j in range(ctx.problem.m):
            rho = to_mpf(ctx.neurons.growth_rate[j]) * factor
            seg = _last_segment(ctx, j)
            t0 = to_mpf(seg.t0)
            th = half[ctx.problem.signs[j]] or run.final.t
            start = t0 + (8 / rho if rho > 0 else 0)
            window = [st for st in run.samples if start <= st.t <= mpmath.mpf("0.6") * th]
            if len(window) < 2:
                continue
            s1, s2 = window[0], window[-1]
            meas = (mpmath.log(abs(s2.a[j])) - mpmath.log(abs(s1.a[j]))) / (s2.t - s1.t)
            # transient e^{-2 rho (t1 - t0)} of the cosh/sinh form, and the change of the residuals
            # by t2 (measured: max |h_k / y_k|), both relative to rho; rounding over the window
            A, B = to_mpf(seg.a0 + seg.p0) / 2, to_mpf(seg.a0 - seg.p0) / 2
            trans = 4 * abs(B / A) * mpmath.exp(-2 * rho * (s1.t - t0)) if A != 0 and rho > 0 else 0
            h2 = outputs(_W(ctx, lam, s2), s2.a, X)
            own = [k for k in range(ctx.problem.n) if ctx.problem.signs[j] * y[k] > 0] or range(ctx.problem.n)
            drift = 2 * max(abs(h2[k] / y[k]) for k in own)  # its own sign class drives its rate
            tol = rho * (trans + drift) + tolerance(bits, SLACK) / (s2.t - s1.t)
            worst = max(worst, abs(meas - rho) - tol)
            worst_twin = max(worst_twin, abs(meas - 2 * rho) - tol)
            tol_max = max(tol_max, tol)
            rows[str(j)] = {"kind": ctx.neurons.kind[j], "predicted": s(rho, 10), "measured": s(meas, 10),
                            "tolerance": s(tol, 3)}
    ok = worst <= 0 and rows
    claim = Verdict(verdict_of(ok), "||D_j||/n per neuron", f"{len(rows)} neurons", s(max(worst, 0), 3),
                    s(tol_max, 3), {"neurons": rows, "lambda": s(to_mpf(lam), 3)})
    twin = Verdict(verdict_of(worst_twin <= 0), "2||D_j||/n (1/n loss normalisation)", f"{len(rows)} neurons",
                   s(max(worst_twin, 0), 3), s(tol_max, 3), {})
    return claim, twin


register(Claim(
    id="growth-rate", number=7, title="Growth rate ||D_j||/n after the early phase",
    statement="d log|a_j|/dt = ||D_j||/n between T_j + 8 n/||D_j|| and 0.6 t_1/2 (0 for dead neurons)",
    source="digest 3.6, 9.7", prediction="||D_j||/n from the data (normalisation 1/(2n))",
    measurement="log-slope of |a_j| over the window, deepest ladder rung",
    tolerance_rule="rho (4|B/A| e^{-2 rho (t1 - t0)} + 2 max_{own sign class} |h_k/y_k| at t2) + "
                   "2^(-b+12)/(t2 - t1): the cosh/sinh transient and the measured change of the residuals",
    twin="the rate 2||D_j||/n of the 1/n normalisation must be refuted", check=_check_growth))


# ------------------------------------------------------------------------ 8. alignment


ALIGN_EXPONENTS = (6, 10, 14, 18, 22)  # sin^2 ~ lambda^(||D_j||/||D_+||) must stay above 2^-b


def _one_minus_cos(w, v):
    """``1 - cos(w, v)`` without cancellation (Lagrange's identity)."""
    ww = mpmath.fsum(x * x for x in w)
    vv = mpmath.fsum(x * x for x in v)
    wv = mpmath.fsum(x * z for x, z in zip(w, v))
    cross = mpmath.fsum((w[i] * v[k] - w[k] * v[i]) ** 2 for i in range(len(w)) for k in range(i + 1, len(w)))
    nw = mpmath.sqrt(ww * vv)
    return cross / (nw * (nw + wv))


def _check_alignment(ctx):
    out = _guard(ctx)
    if out:
        return out
    groups = {g[0]: g for g in _groups(ctx)}
    Dp = groups[1][2] if 1 in groups else None
    if Dp is None:
        v = Verdict("UNDECIDED", "-", "-", "-", "-", {"reason": "no positive labels"})
        return v, v
    per = {1: {}, -1: {}}
    lams = []
    for e in ALIGN_EXPONENTS:
        lam = Fraction(1, 10 ** e)
        t = ctx.probe_times(lam)["align"]
        run = ctx.run(with_scale(ctx.problem, lam), t_end=t, engine="reduced", error_estimate=False)
        lams.append(to_mpf(lam))
        with mpmath.workprec(run.work_bits):
            X, y = mp_data(ctx.problem)
            W = _W(ctx, lam, run.final)
            for j in range(ctx.problem.m):
                if ctx.neurons.kind[j] != "main":
                    continue
                sj = ctx.problem.signs[j]
                D = [mpmath.fsum(abs(y[k]) * X[k][i] for k in ctx.neurons.A_inf[j]) for i in range(ctx.problem.d)]
                per[sj].setdefault(j, []).append(_one_minus_cos(W[j], D))
    worst, bound, details, twin_bad = mpmath.mpf(0), mpmath.mpf(0), {}, 0
    ok = True
    for sj, neurons in per.items():
        for j, errs in neurons.items():
            pred = mpmath.sqrt(to_mpf(ctx.neurons.D_j_sq[j])) / Dp  # 2 eps ||D_j||/||D_+||, eps = 1/2
            r = fit_rate(lams, errs)
            ok &= r.agrees(pred)
            worst = max(worst, abs(r.exponent - pred))
            bound = max(bound, r.bound)
            twin_pred = mpmath.mpf(1)  # a global exponent 2 eps = 1 for every neuron
            twin_bad += 0 if r.agrees(twin_pred) else 1
            details[f"neuron {j} ({'+' if sj > 0 else '-'})"] = r.to_details(pred)
    claim = Verdict(verdict_of(ok and bool(details)), "||D_j||/||D_+|| per group", f"{len(details)} main neurons",
                    s(worst, 3), s(bound, 3), {"fits": details, "eps": "1/2"})
    twin = Verdict("REFUTED" if twin_bad else "VERIFIED", "exponent 1 for every neuron (one global exponent)",
                   f"{twin_bad} neurons disagree", "-", "-", {})
    return claim, twin


register(Claim(
    id="alignment", number=8, title="Early alignment, per sign group",
    statement="1 - cos(w_j, s_j D_j) at t = eps n log(1/lambda)/||D_+|| decays like "
              "lambda^(2 eps ||D_j||/||D_+||) for the main neurons of each group",
    source="digest 3.4-3.5, 9.8", prediction="exponent ||D_j||/||D_+|| (eps = 1/2)",
    measurement="1 - cos (Lagrange identity, no cancellation) on lambda = 1e-6 .. 1e-22",
    tolerance_rule="fitted exponent within 3 stderr + half-ladder drift (rates.py)",
    twin="one global exponent (1) for both groups must be refuted", check=_check_alignment))


# ------------------------------------------------------- 9-10. escape slope and time


def _crossings(ctx, name):
    """``(log(1/lambda), crossing time)`` on the ladder, at the runs' working precision."""
    xs, ts = [], []
    for lam in ctx.profile.scales:
        run = ctx.ladder_run(lam)
        t = run.crossings.get(name)
        if t is not None:
            with mpmath.workprec(run.work_bits + 20):
                xs.append(_L(lam))
            ts.append(t)
    return xs, ts


def resolved(lams, errs, scale, bits):
    """The rungs whose error exceeds ``2^(-b+24) scale``: known to 2^-12 relative, so they can
    carry a rate (below that the ladder measures rounding, not the flow)."""
    floor = tolerance(bits, 2 * SLACK) * scale
    keep = [(lam, e) for lam, e in zip(lams, errs) if e > floor]
    return [k[0] for k in keep], [k[1] for k in keep]


def _check_escape_slope(ctx):
    out = _guard(ctx)
    if out:
        return out
    bits = _bits(ctx)
    rows, ok, twin_ok = {}, True, True
    fig = {"log_inv_lambda": None}
    with mpmath.workprec(bits + 20):
        for sign, S, Dn, slope_pred in _groups(ctx):
            name = "half_+" if sign > 0 else "half_-"
            xs, ts = _crossings(ctx, name)
            slopes = [(ts[i + 1] - ts[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1)]
            last, tol = cauchy_limit(slopes)
            tol += tolerance(bits, SLACK) * ts[-1] / (xs[-1] - xs[-2])
            ok &= abs(last - slope_pred) <= tol
            beta = to_mpf(ctx.data.beta_plus_norm if sign > 0 else ctx.data.beta_minus_norm)
            twin_pred = ctx.problem.n / beta
            twin_ok &= abs(last - twin_pred) <= tol
            key = "plus" if sign > 0 else "minus"
            rows[key] = {"predicted": s(slope_pred, 10), "measured": s(last, 10), "tolerance": s(tol, 3),
                         "pair_slopes": [s(v, 10) for v in slopes], "twin_n_over_beta": s(twin_pred, 10)}
            fig["log_inv_lambda"] = [float(x) for x in xs]
            fig[f"t_half_{key}"] = [float(t) for t in ts]
            fig[f"slope_{key}"] = float(slope_pred)
            fig[f"intercept_{key}"] = float(ts[-1] - slope_pred * xs[-1])
    ctx.figure_data["escape"] = fig
    worst = max(abs(mpmath.mpf(r["measured"]) - mpmath.mpf(r["predicted"])) for r in rows.values())
    claim = Verdict(verdict_of(ok), "; ".join(f"{k} {r['predicted']}" for k, r in rows.items()),
                    "; ".join(f"{k} {r['measured']}" for k, r in rows.items()), s(worst, 3),
                    "; ".join(r["tolerance"] for r in rows.values()), {"groups": rows})
    twin = Verdict(verdict_of(twin_ok), "n/||beta_+-||", "-", "-", "-", {})
    return claim, twin


register(Claim(
    id="escape-slope", number=9, title="Escape times grow like n log(1/lambda)/||D_+-||",
    statement="d t_1/2,+- / d log(1/lambda) = n/||D_+-||", source="digest 4.2, 9.9",
    prediction="n/||D_+-||", measurement="half-fit crossing times (located at working precision) on the ladder",
    tolerance_rule="Cauchy rule: 2 |slope_last - slope_prev| (the O(lambda^(2 gamma)) correction "
                   "shrinks by far more than 1/2 between rungs) + rounding",
    twin="n/||beta_+-|| in place of n/||D_+-|| must be refuted", check=_check_escape_slope))


def kappa(ctx, sign):
    """The half-fit offset of the one-neuron ODE of digest 4.1 for group ``sign``.

    The bundle is one neuron on the points of the group with ``w = a v``, started along
    ``D``: the problem (points of S, labels |y_k|, width 1, g = D, scale ``mu``) has loss
    normalised by ``n_S``, so its times are ``n_S / n`` of ours.  With ``eps = ||beta(0)|| =
    mu^2 ||D||^2``, ``kappa = T(eps) - (n / (2||D||)) log(1/eps)`` (``mu = lambda_min^4``).
    """
    from gfcheck.numeric import LossWatch, integrate
    from gfcheck.symbolic.problem import Problem

    S = ctx.data.S_plus if sign > 0 else ctx.data.S_minus
    P = ctx.problem
    D = tuple(sum((abs(P.labels[k]) * P.inputs[k][i] for k in S), Fraction(0)) for i in range(P.d))
    # eps far below the deepest rung's lambda^2 C: the ODE's own finite-eps correction is a
    # small power of eps, so it must not show on the ladder
    mu = Fraction(1, 10 ** (4 * max(ctx.profile.exponents)))
    sub = Problem(inputs=tuple(P.inputs[k] for k in S), labels=tuple(abs(P.labels[k]) for k in S),
                  width=1, scale=mu, directions=(D,), signs=(1,))
    L0 = sum(v ** 2 for v in sub.labels) / (2 * len(S))
    T = Fraction(20 * 4 * max(ctx.profile.exponents) + 2000)  # well past the half fit (log(1/eps) scale)
    run = integrate(sub, dps=ctx.profile.dps, t_end=T, watches=(LossWatch("half", frozenset(range(len(S))), L0 / 2),),
                    error_estimate=False)
    with mpmath.workprec(run.work_bits):
        Dn = mpmath.sqrt(to_mpf(sum(v * v for v in D)))
        eps = to_mpf(sub.scale) ** 2 * Dn ** 2
        t_ours = run.crossings["half"] * P.n / len(S)
        DS = mpmath.sqrt(to_mpf(ctx.data.D_plus_sq if sign > 0 else ctx.data.D_minus_sq))
        return t_ours - P.n / (2 * DS) * mpmath.log(1 / eps)


def bundle_constant(ctx, sign):
    """``C_+- = sum_{main} c_j^2`` with ``a_j(t) ~ lambda c_j e^{||D|| t / n}`` from the closed form."""
    from .claims_exact import _early

    ep = _early(ctx)
    total = mpmath.mpf(0)
    for j in range(ctx.problem.m):
        if ctx.neurons.kind[j] == "main" and ctx.problem.signs[j] == sign:
            seg = ep.segments[j][-1]
            A = to_mpf(seg.a0 + seg.p0) / 2
            rate = to_mpf(seg.D_norm) / ctx.problem.n
            total += (A * mpmath.exp(-rate * to_mpf(seg.t0))) ** 2
    return total


def _check_refined_escape(ctx, *, kappa_shift=0):
    out = _guard(ctx)
    if out:
        return out
    bits = _bits(ctx)
    rows, ok, twin_ok = {}, True, True
    with mpmath.workprec(bits + 20):
        groups = _groups(ctx)
    for sign, S, Dn, slope in groups:
        name = "half_+" if sign > 0 else "half_-"
        xs, ts = _crossings(ctx, name)
        with mpmath.workprec(bits + 20):
            k = kappa(ctx, sign) + kappa_shift
            C = bundle_constant(ctx, sign)
            lams = [mpmath.exp(-x) for x in xs]
            pred = [ctx.problem.n / (2 * Dn) * (2 * x - mpmath.log(C)) + k for x in xs]
            errs = [abs(t - p) for t, p in zip(ts, pred)]
            gamma = to_mpf(ctx.neurons.gamma_plus if sign > 0 else ctx.neurons.gamma_minus)
            r = fit_rate(*resolved(lams, errs, ts[-1], bits))
            ok &= r.agrees(2 * gamma)
            twin_errs = [abs(t - p - mpmath.mpf(10) ** -3) for t, p in zip(ts, pred)]
            rt = fit_rate(lams, twin_errs)
            twin_ok &= rt.agrees(2 * gamma)
            key = "plus" if sign > 0 else "minus"
            rows[key] = {"kappa": s(k, 10), "C": s(C, 10), "rate": r.to_details(2 * gamma),
                         "t_half_deepest": s(ts[-1], 12), "predicted_deepest": s(pred[-1], 12)}
    claim = Verdict(verdict_of(ok), "error exponent 2 gamma_+-",
                    "; ".join(f"{k} {v['rate']['exponent_fit']}" for k, v in rows.items()),
                    "; ".join(f"{k} {v['rate']['exponent_pred']}" for k, v in rows.items()),
                    "; ".join(f"{k} {v['rate']['bound']}" for k, v in rows.items()), {"groups": rows})
    twin = Verdict(verdict_of(twin_ok), "kappa + 1e-3", "-", "-", "-", {})
    return claim, twin


register(Claim(
    id="refined-escape-time", number=10, title="Refined escape time and its error exponent",
    statement="t_1/2,+- = (n/(2||D_+-||)) log(1/(lambda^2 C_+-)) + kappa_+- + O(lambda^(2 gamma_+-))",
    source="digest 4.1, 4.2, 4.4, 9.10",
    prediction="C from the closed form, kappa from the one-neuron ODE (integrated at 1e-60); "
               "error exponent 2 gamma_+-",
    measurement="half-fit crossing times on the ladder",
    tolerance_rule="fitted exponent within 3 stderr + half-ladder drift of 2 gamma (rates.py), on the rungs "
                   "whose error exceeds 2^(-b+24) t_1/2",
    twin="kappa shifted by 1e-3 must not converge at rate 2 gamma", check=_check_refined_escape))


# --------------------------------------------------------------------- 11. plateaus

PLATEAU0_EXPONENTS = (4, 6, 8, 10, 12)


def _step(ctx, s_val):
    d = ctx.data
    slopes = sorted(to_mpf(v) for v in (d.escape_slope_plus, d.escape_slope_minus) if v is not None)
    if s_val < slopes[0]:
        return to_mpf(d.L0)
    if len(slopes) == 2 and s_val < slopes[1] and d.L_mid is not None:
        return to_mpf(d.L_mid)
    return mpmath.mpf(0)


def _check_plateaus(ctx):
    out = _guard(ctx)
    if out:
        return out
    d = ctx.data
    if d.L_mid is None:
        v = Verdict("UNDECIDED", "-", "-", "-", "-", {"reason": "one jump only (||D_+|| = ||D_-|| or one group)"})
        return v, v
    bits = _bits(ctx)
    with mpmath.workprec(bits + 20):
        slopes = sorted(to_mpf(v) for v in (d.escape_slope_plus, d.escape_slope_minus))
        L0, Lmid = to_mpf(d.L0), to_mpf(d.L_mid)
        fast_level = L0 - Lmid  # the wrong level: the fast group's share
    lams, e0, emid, etwin, sup = [], [], [], [], []
    curves = []
    for i, lam in enumerate(ctx.profile.scales):
        run = ctx.ladder_run(lam)
        pt = ctx.probe_times(lam)
        with mpmath.workprec(run.work_bits):
            L = _L(lam)
            stm = sample_at(run, pt["plateau_mid"])
            lm = loss(ctx.problem, _W(ctx, lam, stm), stm.a)
            lams.append(to_mpf(lam))
            emid.append(abs(lm - Lmid))
            etwin.append(abs(lm - fast_level))
            dist, ss, ll = mpmath.mpf(0), [], []
            for st in run.samples:
                sv = st.t / L
                lv = loss(ctx.problem, _W(ctx, lam, st), st.a)
                ss.append(float(sv))
                ll.append(float(lv))
                if all(abs(sv - sl) > sl / 10 for sl in slopes):
                    dist = max(dist, abs(lv - _step(ctx, sv)))
            sup.append(dist)
            if i in (0, len(ctx.profile.scales) // 2, len(ctx.profile.scales) - 1):
                curves.append({"lambda": s(to_mpf(lam), 3), "s": ss, "loss": ll})
    ctx.figure_data["loss_curves"] = curves
    smax = float(slopes[-1]) * 1.6
    ctx.figure_data["step_function"] = {"s": [0.0, float(slopes[0]), float(slopes[0]), float(slopes[1]),
                                              float(slopes[1]), smax],
                                        "L": [float(L0), float(L0), float(Lmid), float(Lmid), 0.0, 0.0]}
    # the first plateau is left like lambda^1: resolved only on shallow rungs, so it has its own
    # short ladder (runs to s_1 log(1/lambda) / 2 only)
    lams0 = []
    for e in PLATEAU0_EXPONENTS:
        lam = Fraction(1, 10 ** e)
        t0 = ctx.probe_times(lam)["plateau0"]
        run = ctx.run(with_scale(ctx.problem, lam), t_end=t0, engine="reduced", error_estimate=False)
        with mpmath.workprec(run.work_bits):
            e0.append(abs(loss(ctx.problem, _W(ctx, lam, run.final), run.final.a) - L0))
            lams0.append(to_mpf(lam))
    with mpmath.workprec(bits + 20):
        r0 = fit_rate(*resolved(lams0, e0, L0, bits))
        rm = fit_rate(*resolved(lams, emid, L0, bits))
        e_mid_pred = (slopes[1] - slopes[0]) / slopes[1]
        decreasing = all(b < a for a, b in zip(sup, sup[1:]))
        ok = r0.agrees(1) and rm.exponent >= e_mid_pred - rm.bound and decreasing
        claim = Verdict(verdict_of(ok), f"L0 {s(L0, 8)}, L_mid {s(Lmid, 8)}; exponents 1, >= {s(e_mid_pred, 4)}",
                        f"exponents {s(r0.exponent, 4)}, {s(rm.exponent, 4)}; sup distance {s(sup[0], 3)} -> {s(sup[-1], 3)}",
                        s(abs(r0.exponent - 1), 3), f"{s(r0.bound, 3)}; {s(rm.bound, 3)}",
                        {"plateau0_rate": r0.to_details(mpmath.mpf(1)), "mid_rate": rm.to_details(e_mid_pred),
                         "sup_distance": [s(v, 3) for v in sup]})
        tw = etwin[-1] <= etwin[0] / 2
        twin = Verdict(verdict_of(tw), f"L_mid = {s(fast_level, 8)} (the fast group's level)",
                       s(etwin[-1], 4), s(etwin[-1], 4), "-", {})
    return claim, twin


register(Claim(
    id="plateaus", number=11, title="Plateaus and the saddle-to-saddle step function",
    statement="L(s log(1/lambda)) -> L0 for s < s1, L_mid for s1 < s < s2, 0 beyond; the distance to the "
              "step function (outside +-10% windows) goes to 0",
    source="digest 4.3, 9.11", prediction="L0, L_mid = sum_slow y_k^2/(2n); |L - L0| ~ lambda at s1/2; "
    "|L - L_mid| ~ lambda^((s2-s1)/s2) or faster at (s1+s2)/2",
    measurement="the loss at the probe times and on the grid of every ladder run",
    tolerance_rule="rates.py rule for the exponent 1; one-sided for the middle plateau; the sup distance "
                   "must decrease strictly along the ladder",
    twin="the fast group's level in place of L_mid must be refuted", check=_check_plateaus))


# ------------------------------------------------------------------- 12. convergence


def _check_convergence(ctx):
    out = _guard(ctx)
    if out:
        return out
    bits = _bits(ctx)
    slow = "half_-" if to_mpf(ctx.data.D_minus_sq) < to_mpf(ctx.data.D_plus_sq) else "half_+"
    deltas = []
    with mpmath.workprec(bits + 20):
        for lam in ctx.profile.scales:
            run = ctx.ladder_run(lam)
            tf, ts = run.crossings.get("fit"), run.crossings.get(slow)
            if tf is None or ts is None:
                v = Verdict("REFUTED", "fitted before the horizon", f"not fitted at lambda = {s(to_mpf(lam), 3)}",
                            "-", "-", {})
                return v, Verdict("REFUTED", "-", "-", "-", "-", {})
            deltas.append(tf - ts)
        diffs = [abs(b - a) for a, b in zip(deltas, deltas[1:])]
        ok = all(dd > 0 for dd in deltas) and diffs[-1] <= diffs[0]
        claim = Verdict(verdict_of(ok), "t_fit - t_1/2,slow lambda-independent",
                        f"{s(deltas[0], 8)} -> {s(deltas[-1], 8)}", s(diffs[-1], 3), f"<= {s(diffs[0], 3)}",
                        {"t_fit_minus_t_half_slow": [s(v, 10) for v in deltas],
                         "fit_level": "L(0) 2^-b (residual at the square root of the working precision)"})
        twin = Verdict(verdict_of(all(dd <= 0 for dd in deltas)), "fitted before the slower escape",
                       s(min(deltas), 6), "-", "0", {})
    return claim, twin


register(Claim(
    id="convergence", number=12, title="Convergence to zero loss after the last escape",
    statement="the loss falls to the working-precision level L(0) 2^-b a lambda-independent time after "
              "the slower escape", source="digest 5.1, 9.12",
    prediction="t_fit - t_1/2,slow converges as lambda -> 0", measurement="LossWatch crossings on the ladder",
    tolerance_rule="the change of t_fit - t_1/2,slow between the last rungs must not exceed that between the "
                   "first rungs (convergence), every value positive",
    twin="'fitted before the slower escape' must be refuted", check=_check_convergence))


# -------------------------------------------------------- 13-14. variation norm, h_inf


def _gap_ladder(ctx):
    bits = _bits(ctx)
    rows = []
    for lam in ctx.profile.scales:
        run = ctx.ladder_run(lam)
        with mpmath.workprec(run.work_bits):
            W = _W(ctx, lam, run.final)
            rows.append((to_mpf(lam), W, run.final.a, run))
    return bits, rows


def _n_star_of_outputs(ctx, h):
    """N*(h): the minimum variation norm for labels h_k (a lower bound for any interpolant of h)."""
    q = [to_mpf(v) for v in ctx.problem.norms_squared()]
    pos = mpmath.sqrt(mpmath.fsum(hk ** 2 / qk for hk, qk in zip(h, q) if hk > 0))
    neg = mpmath.sqrt(mpmath.fsum(hk ** 2 / qk for hk, qk in zip(h, q) if hk < 0))
    return pos + neg


def _check_variation_norm(ctx):
    out = _guard(ctx)
    if out:
        return out
    bits, rows = _gap_ladder(ctx)
    with mpmath.workprec(bits + 20):
        X, _ = mp_data(ctx.problem)
        Ns = to_mpf(ctx.data.N_star)
        gmin = min(to_mpf(ctx.neurons.gamma_plus), to_mpf(ctx.neurons.gamma_minus))
        gmax = max(to_mpf(ctx.neurons.gamma_plus), to_mpf(ctx.neurons.gamma_minus))
        lams, gaps, lower_ok = [], [], True
        for lam, W, a, run in rows:
            N = variation_norm(W, a)
            lower_ok &= N >= _n_star_of_outputs(ctx, outputs(W, a, X)) * (1 - tolerance(bits, SLACK))
            gap = N - Ns
            if gap > tolerance(bits, 2 * SLACK) * Ns:  # the gap known to 2^-12 relative
                lams.append(lam)
                gaps.append(gap)
        r = fit_rate(lams, gaps)
        ok = lower_ok and r.agrees(2 * gmin)
        ctx.figure_data["norm_gap"] = {"lambda": [float(v) for v in lams], "gap": [float(v) for v in gaps],
                                       "predicted_exponent": float(2 * gmin), "fit_K": float(r.K),
                                       "fit_exponent": float(r.exponent)}
        claim = Verdict(verdict_of(ok), f"N >= N*(h); N - N* ~ lambda^{s(2 * gmin, 5)}", s(r.exponent, 5),
                        s(abs(r.exponent - 2 * gmin), 3), s(r.bound, 3),
                        {"rate": r.to_details(2 * gmin, tol=mpmath.mpf("1e-3")), "N_star": s(Ns, 12),
                         "lower_bound_holds": str(lower_ok)})
        twin_pred = 2 * gmax if gmax != gmin else 2 * gmin + 1
        twin = rate_verdict(r, twin_pred, prediction=f"exponent {s(twin_pred, 5)} (2 max gamma)")
    return claim, twin


register(Claim(
    id="variation-norm", number=13, title="Implicit bias: N(lambda) -> N* at rate lambda^(2 min gamma)",
    statement="N(lambda) = sum |a_j| ||w_j|| >= N*(outputs) for every lambda, and N - N* ~ lambda^(2 min gamma)",
    source="digest 4.4, 5.2-5.4, 9.13", prediction="exponent 2 min(gamma_+, gamma_-)",
    measurement="N at the end of every ladder run (rungs with N - N* above 2^(-b+24) N*)",
    tolerance_rule="rates.py rule; the lower bound with relative slack 2^(-b+12)",
    twin="the exponent 2 max gamma must be refuted", check=_check_variation_norm))


def _test_points(ctx):
    r"""Exact test points: the data, 8 deterministic mixtures (leaving the span when d > n), and
    for every non-main neuron j a witness point where w_j is active and the main direction of
    its group is not: ``sum_{A_j} x_k/|y_k| - 2|A_j|/|S \ A_j| sum_{S \ A_j} x_k/|y_k|``
    (there ``<beta, x> < 0 < <D_j, x>``, so h_lambda - h_inf is carried by the non-main weights)."""
    P = ctx.problem
    X = P.inputs
    d = P.d
    pts = [list(x) for x in X]
    for j in range(P.m):
        if ctx.neurons.kind[j] != "non-main":
            continue
        A = ctx.neurons.A_inf[j]
        S = ctx.data.S_plus if P.signs[j] > 0 else ctx.data.S_minus
        rest = [k for k in S if k not in A]
        p = [Fraction(0)] * d
        for k in A:
            p = [a + b / abs(P.labels[k]) for a, b in zip(p, X[k])]
        for k in rest:
            c = Fraction(2 * len(A), len(rest)) / abs(P.labels[k])
            p = [a - c * b for a, b in zip(p, X[k])]
        pts.append(p)
    for i in range(1, 9):
        p = [Fraction(0)] * d
        for k, x in enumerate(X):
            c = Fraction(((i * (k + 1)) % 5) - 2, 2)
            p = [a + c * b for a, b in zip(p, x)]
        p[i % d] += Fraction(i % 3, 2)  # leaves the data span when d > n
        pts.append(p)
    return pts


def _check_limit_function(ctx):
    out = _guard(ctx)
    if out:
        return out
    bits, rows = _gap_ladder(ctx)
    with mpmath.workprec(bits + 20):
        pts = [[to_mpf(v) for v in p] for p in _test_points(ctx)]
        bp = [to_mpf(v) for v in ctx.data.beta_plus]
        bm = [to_mpf(v) for v in ctx.data.beta_minus]
        X, y = mp_data(ctx.problem)
        Dp = [mpmath.fsum(y[k] * X[k][i] for k in ctx.data.S_plus) for i in range(ctx.problem.d)]
        Dm = [mpmath.fsum(-y[k] * X[k][i] for k in ctx.data.S_minus) for i in range(ctx.problem.d)]

        def lim(p, u, v):
            return max(mpmath.fsum(a * b for a, b in zip(u, p)), 0) - max(mpmath.fsum(a * b for a, b in zip(v, p)), 0)

        hinf = [lim(p, bp, bm) for p in pts]
        hD = [lim(p, Dp, Dm) for p in pts]
        scale = max(abs(v) for v in hinf)
        gmin = min(to_mpf(ctx.neurons.gamma_plus), to_mpf(ctx.neurons.gamma_minus))
        lams, errs, twin_errs = [], [], []
        for lam, W, a, run in rows:
            h = outputs(W, a, pts)
            e = max(abs(x - z) for x, z in zip(h, hinf)) / scale
            twin_errs.append(max(abs(x - z) for x, z in zip(h, hD)) / scale)
            if e > tolerance(bits, 2 * SLACK):
                lams.append(lam)
                errs.append(e)
        r = fit_rate(lams, errs)
        ok = r.agrees(2 * gmin)
        claim = Verdict(verdict_of(ok), f"sup|h - h_inf|/sup|h_inf| ~ lambda^{s(2 * gmin, 5)}", s(r.exponent, 5),
                        s(abs(r.exponent - 2 * gmin), 3), s(r.bound, 3),
                        {"rate": r.to_details(2 * gmin, tol=mpmath.mpf("1e-3")), "test_points": str(len(pts))})
        tw = twin_errs[-1] <= twin_errs[0] / 2
        twin = Verdict(verdict_of(tw), "h_inf with beta replaced by D", s(twin_errs[-1], 4), s(twin_errs[-1], 4),
                       "-", {})
    return claim, twin


register(Claim(
    id="limit-function", number=14, title="The limit network h_inf = relu(<beta_+, x>) - relu(<beta_-, x>)",
    statement="sup_x |h_lambda(x) - h_inf(x)| / sup |h_inf| ~ lambda^(2 min gamma) on test points, including "
              "points outside the data span", source="digest 5.1, 5.4, 9.14",
    prediction="exponent 2 min(gamma_+, gamma_-)", measurement="the data points, 8 deterministic mixtures and one witness point per non-main neuron",
    tolerance_rule="rates.py rule on the rungs whose error exceeds 2^(-b+24)",
    twin="h_inf built from D_+- instead of beta_+- must not converge", check=_check_limit_function))
