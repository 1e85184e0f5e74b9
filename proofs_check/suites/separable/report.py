"""The ``separable`` suite's additions to the report: a note on the model and three figures.

The figures (drawn by :func:`.figures.draw_figures` with this table: same style, stripped PNG
metadata, byte-identical for the same data):

* ``phases.png``: the loss (log scale) of the rung kappa = 1e-8 (or the nearest) against time,
  with the phase boundaries T(f(x_+) = 1/100), t_rel, t_deact, T_esc;
* ``angles.png``: the in-plane angle of every living neuron against time, with the special
  directions g_hat, x_+, x_-, e_+^perp, e_-^perp marked;
* ``margin.png``: the normalised margin gamma(t) = min_i y_i f(x_i)/||theta||^2 against time (the
  long run, to t = 1e12) with its limit sin(Delta)/4.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from gfcheck.numeric.precision import PRINTED
from gfcheck.proofs_check.core.figures import floats, positive, Skip, draw_figures

__all__ = ["FIGURES", "sections", "draw", "figure_data"]

MODEL = "the separable two-direction model (reconstructed after Wang and Ma 2023)"

FIGURES: dict[str, tuple[str, str]] = {
    "phases.png": ("sep_phases", f"Loss of {MODEL} (log scale) against time at one kappa, with the phase "
                   "boundaries: saddle escape T(f(x_+) = 1/100), re-activation t_rel, deactivation t_deact, plateau "
                   "escape T_esc (I condensation, II saddle to plateau, III plateau escape, IV convergence)."),
    "angles.png": ("sep_angles", "In-plane angle (from the bisector of x_+ and x_-) of every living neuron against "
                   "time (log scale), positive neurons in vermilion, negative in blue, with the special "
                   "directions g_hat, x_+, x_-, e_+^perp, e_-^perp dashed."),
    "margin.png": ("sep_margin", "Normalised margin gamma(t) = min_i y_i f(x_i)/||theta||^2 against time "
                   "(log scale; the long run) with its limit sin(Delta)/4 (dashed): it rises after T_esc and "
                   "stays below the limit."),
}


def sections(ctx, results):
    """``({"model": ...}, Markdown)``: what the suite is and is not."""
    note = (f"## The model\n\nEvery claim above is about {MODEL}: the paper's body was not available, so the "
            "model, its constants and its phase boundaries are our reconstruction (docs/suites/separable.md), not "
            "formulas of the paper.\n")
    return {"model": MODEL}, note


def _rung(ctx):
    exps = ctx.exponents
    return min(exps, key=lambda e: abs(e - 8))


def _phase_marks(ctx, run, pos) -> dict:
    """The phases' times on ``run`` (floats, those that occur): ``T(f+ = 1/100)``, ``t_rel``,
    ``T_esc`` and ``t_deact`` (the first slide-in of a positive survivor in ``pos`` on a minus point
    after ``t_rel``)."""
    from .claims import t_rel

    marks = {"T(f+ = 1/100)": run.crossings.get("f+"), "t_rel": t_rel(ctx, run), "T_esc": run.crossings.get("f-")}
    rel = marks["t_rel"] or 0
    dea = [ev.t for ev in run.events if ev.kind == "slide-in" and ev.t > rel and ev.neuron in pos
           and ev.point in ctx.data.minus]
    marks["t_deact"] = dea[0] if dea else None
    return {k: float(v) for k, v in marks.items() if v is not None}


def _angles(ctx, run) -> list:
    """Per neuron, its angle in degrees at each sample after the first (NaN while inactive on every
    point)."""
    ang = [[] for _ in range(ctx.problem.m)]
    for st in run.samples[1:]:
        for j, (row, W) in enumerate(zip(st.U, st.W)):
            ang[j].append(math.degrees(float(ctx.angle(W))) if max(row) > 0 else float("nan"))
    return ang


def figure_data(ctx) -> dict:
    """The three figures' data from the shared runs (memoised, deterministic)."""
    from .claims import long_run
    from .context import measure

    out = {}
    if isinstance(ctx.data, tuple):
        return out
    e = _rung(ctx)
    run = ctx.ladder_run(e)
    pos = {j for j in ctx.survivor_rule() if ctx.problem.signs[j] > 0}
    with run.precision.scope():
        t = [float(st.t) for st in run.samples[1:]]
        L = [float(measure(ctx, st)["L"]) for st in run.samples[1:]]
        out["sep_phases"] = {"t": t, "L": L, "kappa": f"1e-{e}", "marks": _phase_marks(ctx, run, pos)}
        ang = _angles(ctx, run)
        c = ctx.constants
        with PRINTED.scope():
            special = {"g_hat": c["g_hat_angle"], "x_+": c["Delta"] / 2, "x_-": -c["Delta"] / 2,
                       "e_+perp": c["e_plus_perp_angle"], "e_-perp": c["e_minus_perp_angle"]}
            special = {k: math.degrees(float(v)) for k, v in special.items()}
        out["sep_angles"] = {"t": t, "angles": ang, "signs": list(ctx.problem.signs), "special": special,
                             "kappa": f"1e-{e}"}
    e2, long = long_run(ctx)
    with long.precision.scope():
        tt = [float(st.t) for st in long.samples[1:]]
        g = [float(measure(ctx, st)["gamma"]) for st in long.samples[1:]]
        out["sep_margin"] = {"t": tt, "gamma": g, "gamma_star": float(ctx.const("gamma_star")), "kappa": f"1e-{e2}"}
    return out


def _fig_phases(data):
    d = data["sep_phases"]
    t, L = floats(d["t"], "t"), positive(floats(d["L"], "L"))
    fig = Figure(figsize=(7.5, 4.2))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(t, L, color="black", lw=1.4, label=f"loss, kappa = {d['kappa']}")
    ax.set_yscale("log")
    order = sorted(d["marks"].items(), key=lambda kv: kv[1])
    colors = ["#E69F00", "#009E73", "#0072B2", "#D55E00"]
    for (name, x), col in zip(order, colors):
        ax.axvline(x, color=col, ls="--", lw=1, label=f"{name} = {x:.4g}")
    edges = [0.0] + [x for _, x in order] + [float(np.nanmax(t))]
    if len(order) == 4:
        bounds = [(edges[0], edges[1], "I-II"), (edges[1], edges[3], "II-III"), (edges[3], edges[4], "III"),
                  (edges[4], edges[5], "IV")]
        for lo, hi, lab in bounds:
            ax.text((lo + hi) / 2, 1.02, lab, transform=ax.get_xaxis_transform(), ha="center", fontsize=8)
    ax.set_xlabel("t")
    ax.set_ylabel("L(t)")
    ax.set_title(f"Phases of {MODEL.split(' (')[0]}", pad=16)  # above the phase labels
    ax.legend(loc="lower left")
    return fig


def _fig_angles(data):
    d = data["sep_angles"]
    t = floats(d["t"], "t")
    fig = Figure(figsize=(7.5, 4.6))
    ax = fig.add_subplot(1, 1, 1)
    if not d["angles"]:
        raise Skip("no neurons")
    for a, sgn in zip(d["angles"], d["signs"]):
        ax.plot(t, floats(a, "angle"), color="#D55E00" if sgn > 0 else "#0072B2", lw=0.9, alpha=0.8)
    for (name, y), col in zip(sorted(d["special"].items()), ["#999999", "#009E73", "#E69F00", "#CC79A7", "#56B4E9"]):
        ax.axhline(y, color=col, ls="--", lw=1, label=f"{name} ({y:.2f} deg)")
    ax.set_xscale("log")
    ax.set_xlabel("t")
    ax.set_ylabel("angle from the bisector (deg)")
    ax.set_title(f"Neuron directions, kappa = {d['kappa']} (vermilion a > 0, blue a < 0)")
    ax.legend(loc="best", fontsize=7.5)
    return fig


def _fig_margin(data):
    d = data["sep_margin"]
    t, g = floats(d["t"], "t"), floats(d["gamma"], "gamma")
    fig = Figure(figsize=(7.5, 4.2))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(t, np.where(g > 0, g, np.nan), color="black", lw=1.4, label=f"gamma(t), kappa = {d['kappa']}")
    ax.axhline(d["gamma_star"], color="#D55E00", ls="--", lw=1.2, label=f"sin(Delta)/4 = {d['gamma_star']:.5g}")
    ax.set_xscale("log")
    ax.set_xlabel("t")
    ax.set_ylabel("min_i y_i f(x_i) / ||theta||^2")
    ax.set_title("Normalised margin and its limit")
    ax.legend(loc="lower right")
    return fig


_DRAW = {"phases.png": _fig_phases, "angles.png": _fig_angles, "margin.png": _fig_margin}


def draw(out_dir, ctx):
    """The three figures; ``(paths, {name: why not drawn})`` (a figure never stops the report)."""
    skipped = {}
    try:
        for k, v in figure_data(ctx).items():
            ctx.figure_data.setdefault(k, v)
    except Exception as exc:  # noqa: BLE001 - a figure must never stop the report
        skipped = {name: f"{type(exc).__name__}: {exc}" for name in FIGURES}
    paths, sk = draw_figures(out_dir, ctx.figure_data,
                             table={name: (FIGURES[name][0], fn) for name, fn in _DRAW.items()})
    skipped.update(sk)
    return paths, skipped
