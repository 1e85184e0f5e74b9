"""The ``orthogonal`` suite's additions to the report: the lambda condition (digest section 6)
and four figures (loss with the step function, neurons, escape times, norm gap).

The report (:mod:`.report`) calls ``sections(ctx, results)`` and ``draw(out_dir, ctx)``; the
figures and their captions are :mod:`.figures`.
"""

from __future__ import annotations

import mpmath

from .figures import FIGURES
from .figures import draw as draw_table

__all__ = ["FIGURES", "sections", "draw", "neuron_figure_data"]


def sections(ctx, results):
    """``({"lambda_condition": ...}, Markdown)``: the quantitative condition on lambda."""
    from .lambda_condition import lambda_condition, markdown

    cond = lambda_condition(ctx, results)
    return {"lambda_condition": cond}, markdown(cond)


def draw(out_dir, ctx):
    """The four figures; ``(paths, {name: why not drawn})`` (a figure never stops the report)."""
    skipped = {}
    try:
        ctx.figure_data.setdefault("neurons", neuron_figure_data(ctx))
    except Exception as exc:  # noqa: BLE001 - a figure must never stop the report
        skipped["neurons.png"] = f"{type(exc).__name__}: {exc}"
    paths, sk = draw_table(out_dir, ctx.figure_data)
    skipped.update(sk)
    return paths, skipped


def neuron_figure_data(ctx) -> dict | None:
    """Norms |a_j| and misalignment 1 - cos(w_j, limit direction) over time at lambda = the ladder's
    second rung (deep enough to show the phases, shallow enough for 1 - cos to be resolved), to the
    end of the escapes (:meth:`~.context.Context.escape_run`)."""
    from gfcheck.numeric.precision import to_mpf

    from gfcheck.proofs_check.core.measure import mp_data
    from gfcheck.proofs_check.core.measure import one_minus_cos

    lam = ctx.profile.scales[min(1, len(ctx.profile.scales) - 1)]
    run = ctx.escape_run(lam)  # the phases; the settle after them is flat on this scale
    P = ctx.problem
    with run.precision.scope():
        X, y = mp_data(P)
        # the limit direction: beta_+- for main neurons (digest 5.1), D_j for the others
        Ds = []
        for j in range(P.m):
            if ctx.neurons.kind[j] == "main":
                beta = ctx.data.beta_plus if P.signs[j] > 0 else ctx.data.beta_minus
                Ds.append([to_mpf(v) for v in beta])
                continue
            S = ctx.neurons.A_inf[j] or ctx.neurons.active0[j]
            Ds.append([mpmath.fsum(abs(y[k]) * X[k][i] for k in S) for i in range(P.d)])
        t, norms, omc = [], [[] for _ in range(P.m)], [[] for _ in range(P.m)]
        for st in run.samples[1:]:
            W = ctx.weights_at(lam, st)
            t.append(float(st.t))
            for j in range(P.m):
                norms[j].append(float(abs(st.a[j])))
                omc[j].append(float(one_minus_cos(W[j], Ds[j])) if any(Ds[j]) else float("nan"))
    return {"t": t, "norms": norms, "one_minus_cos": omc, "kind": list(ctx.neurons.kind),
            "sign": list(P.signs), "lambda": mpmath.nstr(to_mpf(lam), 3)}
