"""The quantitative condition on lambda (digest section 6; issue 5 item 6).

For the given data, side by side:

* **measured**, per asymptotic claim with a fitted rate ``K lambda^e`` (``Verdict.details["limit"]``,
  the extrapolated exponent):
  the largest ladder lambda within the claim's accuracy, ``K``, ``e`` and the lambda the law
  implies for accuracies 1e-3 and 1e-6;
* **sufficient conditions** C0-C3 evaluated on the data: C0 ``Lambda = lambda^2 max ||x_k||/|y_k|``;
  C1(a) the escape must come after the last early exit ``T_main`` (lambda-free);
  C1(b) ``lambda^2 E_1 <= 1/10`` with ``E_1 = max_k |y_k|^-1 sum_j sup_{t <= T_j} |a_j u_jk|`` from the
  lambda = 1 closed form (sup over 64 points per piece) and the crude a-priori bound
  ``m max||g_j||^2 max ||x_k||/|y_k| (2 + kappa_D)^(2n)``; C2 ``log(1/lambda) >= log(K/delta)/(2 gamma)``;
  C3 ``(s_2 - s_1) log(1/lambda) >= 10 n / min ||D_+-||`` (">>" read as a factor 10).
"""

from __future__ import annotations

import mpmath

from gfcheck.numeric.precision import Precision, to_mpf

from gfcheck.proofs_check.core.measure import s

__all__ = ["lambda_condition"]


def _E1(ctx):
    ep = ctx.early_phase
    P = ctx.problem
    y = [abs(to_mpf(v)) for v in P.labels]
    yq = [to_mpf(v * q) for v, q in zip(P.labels, P.norms_squared())]  # y_k ||x_k||^2, once
    sums = [mpmath.mpf(0)] * P.n
    for j in range(P.m):
        best = [mpmath.mpf(0)] * P.n
        for seg in ep.segments[j]:
            t0 = to_mpf(seg.t0)
            t1 = to_mpf(seg.t1) if seg.t1 is not None else t0
            n, Dn = P.n, to_mpf(seg.D_norm) if seg.active else mpmath.mpf(0)
            a0, p0 = to_mpf(seg.a0), to_mpf(seg.p0)
            u0 = [to_mpf(v) for v in seg.u0]
            for i in range(65):
                t = t0 + (t1 - t0) * i / 64
                tau = Dn * (t - t0) / n
                a = a0 * mpmath.cosh(tau) + p0 * mpmath.sinh(tau)
                p = p0 * mpmath.cosh(tau) + a0 * mpmath.sinh(tau)
                for k in range(P.n):
                    u = u0[k]
                    if k in seg.active and Dn != 0:
                        u += (p - p0) * yq[k] / Dn
                    best[k] = max(best[k], abs(a * u))
        sums = [a + b for a, b in zip(sums, best)]
    return max(sk / yk for sk, yk in zip(sums, y)), ep


def _measured_limits(results) -> dict:
    """``{claim id: the fitted and predicted exponent, K, lambda for an accuracy}`` of every
    result judged as a limit."""
    measured = {}
    for r in results:
        lim = r.result.details.get("limit")
        if isinstance(lim, dict) and "limit" in lim:
            measured[r.claim.id] = {"exponent_fit": lim["limit"], "exponent_pred": lim["predicted"],
                                    "K": r.result.details.get("K", "-"),
                                    "largest_lambda_within_tol": "-",
                                    "lambda_for_accuracy": r.result.details.get("lambda_for_accuracy", {})}
    return measured


def _c2_lambdas(vn, gam) -> dict:
    """C2: the largest lambda with ``N - N* <= delta`` for ``delta`` in 1e-3, 1e-6, from the fit
    ``N - N* = K lambda^(2 gamma)`` of the variation-norm claim ``vn``:
    ``lambda = exp(-log(K / delta) / (2 gamma))`` (empty without a fit or with ``gamma <= 0``)."""
    c2 = {}
    if vn and vn["K"] != "-" and gam > 0:
        K = mpmath.mpf(vn["K"])
        for delta in ("1e-3", "1e-6"):
            c2[delta] = s(mpmath.exp(-mpmath.log(K / mpmath.mpf(delta)) / (2 * gam)), 4)
    return c2


def lambda_condition(ctx, results) -> dict:
    """The section's data (decimal strings), for report.json and report.md."""
    P = ctx.problem
    with Precision.of_bits(120).scope():
        E1, ep = _E1(ctx)
        T_main = max((to_mpf(T) for j, T in enumerate(ep.T) if ctx.neurons.kind[j] == "main"),
                     default=mpmath.mpf(0))
        q = [to_mpf(v) for v in P.norms_squared()]
        y = [abs(to_mpf(v)) for v in P.labels]
        ratio = max(mpmath.sqrt(qk) / yk for qk, yk in zip(q, y))
        g2 = max(mpmath.fsum(to_mpf(v) ** 2 for v in g) for g in P.directions)
        D = mpmath.sqrt(to_mpf(ctx.data.D_plus_sq + ctx.data.D_minus_sq))
        kD = D / min(yk * mpmath.sqrt(qk) for qk, yk in zip(q, y))
        crude = P.m * g2 * ratio * (2 + kD) ** (2 * P.n)
        slopes = sorted(to_mpf(v) for v in (ctx.data.escape_slope_plus, ctx.data.escape_slope_minus)
                        if v is not None)
        Dmin = min(mpmath.sqrt(to_mpf(v)) for v in (ctx.data.D_plus_sq, ctx.data.D_minus_sq) if v)
        c1b = mpmath.sqrt(mpmath.mpf(1) / (10 * E1))
        c1b_crude = mpmath.sqrt(mpmath.mpf(1) / (10 * crude))
        c3 = (mpmath.exp(-10 * P.n / Dmin / (slopes[1] - slopes[0]))
              if len(slopes) == 2 and slopes[1] > slopes[0] else None)
        gam = min(to_mpf(ctx.neurons.gamma_plus), to_mpf(ctx.neurons.gamma_minus))
        measured = _measured_limits(results)
        c2 = _c2_lambdas(measured.get("variation-norm"), gam)
        return {
            "C0_Lambda_over_lambda_squared": s(ratio, 6),
            "C1a_T_main": s(T_main, 8),
            "C1b_E1": s(E1, 6), "C1b_largest_lambda": s(c1b, 4),
            "C1b_crude_bound_E1": s(crude, 4), "C1b_crude_largest_lambda": s(c1b_crude, 4),
            "C2_gamma_min": s(gam, 6), "C2_lambda_for_accuracy": c2,
            "C3_largest_lambda": s(c3, 4) if c3 is not None else "-",
            "measured": measured,
        }


def markdown(cond: dict) -> str:
    lines = ["## The quantitative condition on lambda", "",
             "Sufficient conditions of section 6 of the theory note (docs/suites/orthogonal.md) evaluated on "
             "these data, beside what the ladder measured (a sharp condition sits close to the measured "
             "value; a pessimistic one far below it).", "",
             "| condition | value on these data | largest lambda it allows |", "|---|---|---|",
             f"| C0: Lambda = lambda^2 max ||x_k||/|y_k| | max ||x_k||/|y_k| = {cond['C0_Lambda_over_lambda_squared']} | - |",  # noqa: E501 (a table row)
             f"| C1(a): escape after the last early exit | T_main = {cond['C1a_T_main']} | (compare t_1/2 on the ladder) |",  # noqa: E501 (a table row)
             f"| C1(b): lambda^2 E_1 <= 1/10 | E_1 = {cond['C1b_E1']} | {cond['C1b_largest_lambda']} |",
             f"| C1(b) crude a-priori bound | E_1 <= {cond['C1b_crude_bound_E1']} | {cond['C1b_crude_largest_lambda']} |",  # noqa: E501 (a table row)
             f"| C2: log(1/lambda) >= log(K/delta)/(2 gamma), delta = 1e-3 / 1e-6 | gamma = {cond['C2_gamma_min']} | "
             f"{cond['C2_lambda_for_accuracy'].get('1e-3', '-')} / {cond['C2_lambda_for_accuracy'].get('1e-6', '-')} |",
             f"| C3: visible plateaus | - | {cond['C3_largest_lambda']} |", "",
             "| claim | fitted exponent | predicted | K | largest ladder lambda within 1e-3 | lambda for 1e-3 / 1e-6 |",
             "|---|---|---|---|---|---|"]
    for cid, m in sorted(cond["measured"].items()):
        acc = m.get("lambda_for_accuracy", {})
        lines.append(f"| {cid} | {m.get('exponent_fit')} | {m.get('exponent_pred')} | {m.get('K')} | "
                     f"{m.get('largest_lambda_within_tol')} | {acc.get('1e-3', '-')} / {acc.get('1e-6', '-')} |")
    return "\n".join(lines) + "\n"
