"""The orthogonal suite's figures in the ``gfcheck verify`` report.

:func:`make_figures` draws up to four PNG files from a ``figure_data`` dict with the style and
skip rules of :mod:`gfcheck.proofs_check.core.figures` (every key optional; a missing or malformed
entry skips that figure, it never stops the report):

============================  =================================================================
``loss_plateaus.png``         loss against rescaled time ``s = t/log(1/λ)`` for several λ, with
                              the predicted λ→0 step function (plateaus ``L0``, ``L_mid``)
``neurons.png``               neuron norms ``|a_j|`` and alignment ``1 − cos`` over time,
                              coloured by kind and sign (main+, main−, non-main, dead)
``escape_times.png``          half-fit times ``t½±`` against ``log(1/λ)`` with the predicted
                              lines of slope ``n/‖D±‖``, and the distance to those lines
``norm_gap.png``              ``N(λ) − N*`` against λ (log-log) with the predicted rate
                              ``λ^(2 min γ)`` and the fitted power law
============================  =================================================================

The same data give the same bytes (the renderer, the style and the stripped metadata of
:mod:`gfcheck.proofs_check.core.figures`).

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     make_figures(d, {})        # no data, no figure, no error
[]
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, LogFormatterSciNotation, NullLocator

from gfcheck.proofs_check.core.figures import Skip, draw_figures, floats, positive, same_length

__all__ = ["FIGURES", "TABLE", "draw", "make_figures"]


FIGURES: dict[str, tuple[str, str]] = {
    "loss_plateaus.png": (
        "loss_curves",
        "Training loss against rescaled time s = t/log(1/λ) for several λ. The dashed black "
        "line is the predicted λ→0 limit, a step function with plateaus L0 and L_mid and "
        "jumps at s = n/‖D+‖ and s = n/‖D−‖ (saddle-to-saddle dynamics). Left: linear "
        "scale (plateaus); right: log scale (convergence to zero loss).",
    ),
    "neurons.png": (
        "neurons",
        "Per neuron: output weight |a_j| (top, log scale) and misalignment 1 − cos between "
        "w_j and its limit direction (bottom, log scale) over time, coloured by kind and sign. "
        "Main neurons grow at rate ‖D±‖/n and align; non-main and dead neurons stay small.",
    ),
    "escape_times.png": (
        "escape",
        "Half-fit (escape) times t½± of the positive and negative groups against log(1/λ), "
        "with the predicted lines of slope n/‖D±‖ (left), and the distance of each "
        "measurement to its line (right, log scale; it should shrink as λ → 0).",
    ),
    "norm_gap.png": (
        "norm_gap",
        "Gap N(λ) − N* between the variation norm reached by gradient flow and the minimum "
        "variation norm, against λ (log-log; λ decreases to the right). Predicted rate "
        "λ^(2 min γ) (dotted, anchored on the data) and the fitted power law (dashed).",
    ),
}

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
_C_PLUS = "#D55E00"  # vermilion: positive group
_C_MINUS = "#0072B2"  # blue: negative group
_C_NONMAIN = "#E69F00"  # orange
_C_DEAD = "#999999"  # grey
_C_OTHER = "#009E73"  # green: a kind this module does not know


_EXP = re.compile(r"^\s*([0-9.]+)?\s*[eE]\s*([+-]?\d+)\s*$")


def _pretty_lambda(text) -> str:
    """``"1e-10"`` -> ``"$10^{-10}$"``; anything else is returned as text.

    >>> _pretty_lambda("1e-10"), _pretty_lambda("2.5e-4"), _pretty_lambda("0.01")
    ('$10^{-10}$', '$2.5\\\\times10^{-4}$', '0.01')
    """
    text = str(text)
    m = _EXP.match(text)
    if not m:
        return text
    mant, exp = m.group(1), int(m.group(2))
    if mant in (None, "1", "1.", "1.0"):
        return f"$10^{{{exp}}}$"
    return f"${mant}\\times10^{{{exp}}}$"


def _fmt(x: float, digits: int = 4) -> str:
    return f"{x:.{digits}g}"


# ------------------------------------------------------------------- figure 1: loss


def _step_points(step: dict, s_max: float):
    s = floats(step.get("s", []), "step_function.s")
    L = floats(step.get("L", []), "step_function.L")
    same_length(s, L, "step_function")
    if s[-1] < s_max:
        s = np.append(s, s_max)
        L = np.append(L, L[-1])
    return s, L


def _plateaus(L: np.ndarray) -> list[float]:
    """Distinct nonzero plateau values of the step function, largest first."""
    vals: list[float] = []
    for v in L:
        if np.isfinite(v) and v > 0 and not any(math.isclose(v, w, rel_tol=1e-9) for w in vals):
            vals.append(float(v))
    return sorted(vals, reverse=True)


def _jumps(s: np.ndarray, L: np.ndarray) -> list[float]:
    out = []
    for i in range(1, len(L)):
        if np.isfinite(L[i]) and np.isfinite(L[i - 1]) and not math.isclose(
            L[i], L[i - 1], rel_tol=1e-9, abs_tol=1e-300
        ):
            x = float(s[i])
            if not out or not math.isclose(x, out[-1], rel_tol=1e-9):
                out.append(x)
    return out


def _loss_curves(curves) -> list:
    """``[(lambda, s, loss)]`` from the figure data's ``loss_curves`` (Skip on a missing or
    malformed curve)."""
    if not curves:
        raise Skip("no loss curves")
    parsed = []
    for i, c in enumerate(curves):
        if not isinstance(c, dict):
            raise Skip(f"loss_curves[{i}] is not a mapping")
        s = floats(c.get("s", []), f"loss_curves[{i}].s")
        loss = floats(c.get("loss", []), f"loss_curves[{i}].loss")
        same_length(s, loss, f"loss_curves[{i}]")
        parsed.append((str(c.get("lambda", "?")), s, loss))
    return parsed


def _draw_step_function(ax_lin, ax_log, step_pts, s_max) -> None:
    """The predicted limit ``lambda -> 0`` (a step function of ``s``) on both axes, each plateau
    labelled above the middle of its ``s``-interval, each jump ``s_i`` marked by a vertical line."""
    ss, LL = step_pts
    kw = dict(color="black", lw=1.3, ls=(0, (5, 3)), drawstyle="steps-post", zorder=5)
    ax_lin.plot(ss, LL, label="predicted limit λ → 0", **kw)
    ax_log.plot(ss, positive(LL), label="predicted limit λ → 0", **kw)
    names = ["L0", "L_mid"] + [f"L{i}" for i in range(2, 10)]
    jumps = _jumps(ss, LL)
    edges = [0.0] + jumps + [s_max]
    for name, v in zip(names, _plateaus(LL)):
        tex = {"L0": "$L_0$", "L_mid": "$L_{\\rm mid}$"}.get(name, name)
        # label each plateau above the middle of the s-interval where it holds
        span = [float(x) for x, y in zip(ss, LL) if math.isclose(y, v, rel_tol=1e-9)]
        lo = max((e for e in edges if e <= min(span)), default=0.0) if span else 0.0
        hi = min((e for e in edges if e > lo), default=s_max)
        ax_lin.annotate(
            f"{tex} = {_fmt(v, 7)}", xy=(0.5 * (lo + hi), v), xytext=(0, 3),
            textcoords="offset points", ha="center", va="bottom", fontsize=9,
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8),
            zorder=6,
        )
        for ax in (ax_lin, ax_log):
            ax.axhline(v, color="black", lw=0.5, alpha=0.35, zorder=1)
    for i, x in enumerate(jumps, start=1):
        for ax in (ax_lin, ax_log):
            ax.axvline(x, color="0.4", lw=0.8, ls=":", zorder=1)
        ax_lin.annotate(
            f"$s_{i}$ = {_fmt(x, 5)}", xy=(x, 1.0), xycoords=("data", "axes fraction"),
            xytext=(3, -3), textcoords="offset points", ha="left", va="top", fontsize=8.5,
            color="0.3",
        )


def _fig_loss(data: dict) -> Figure:
    parsed = _loss_curves(data.get("loss_curves"))
    s_max = max(float(np.nanmax(s)) for _, s, _ in parsed)

    step = data.get("step_function")
    step_pts = _step_points(step, s_max) if isinstance(step, dict) and step else None

    fig = Figure(figsize=(10.5, 4.3), layout="constrained")
    ax_lin, ax_log = fig.subplots(1, 2)
    cmap = matplotlib.colormaps["viridis"]
    k = len(parsed)
    for i, (lam, s, loss) in enumerate(parsed):
        colour = cmap(0.85 * i / max(k - 1, 1))
        label = f"λ = {_pretty_lambda(lam)}"
        ax_lin.plot(s, loss, color=colour, lw=1.6, label=label)
        ax_log.plot(s, positive(loss), color=colour, lw=1.6, label=label)

    if step_pts is not None:
        _draw_step_function(ax_lin, ax_log, step_pts, s_max)

    top = max(float(np.nanmax(loss)) for _, _, loss in parsed)
    if step_pts is not None:
        top = max(top, float(np.nanmax(step_pts[1])))
    ax_lin.set_ylim(0, 1.15 * top if top > 0 else 1.0)
    ax_log.set_yscale("log")
    for ax in (ax_lin, ax_log):
        ax.set_xlabel("rescaled time  s = t / log(1/λ)   (dimensionless)")
        ax.set_xlim(left=0, right=s_max)
    ax_lin.set_ylabel("training loss  L(θ(t))   (linear)")
    ax_log.set_ylabel("training loss  L(θ(t))   (log scale)")
    ax_lin.set_title("Plateaus: saddle-to-saddle dynamics")
    ax_log.set_title("Convergence to zero loss")
    ax_lin.legend(loc="center right", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle("Loss against rescaled time, for decreasing initialisation scale λ",
                 fontsize=11.5)
    return fig


# ---------------------------------------------------------------- figure 2: neurons


def _neuron_class(kind, sign) -> str:
    k = str(kind).strip().lower().replace("_", "-").replace(" ", "-")
    if k in ("main",):
        try:
            positive = float(sign) > 0
        except (TypeError, ValueError):
            positive = str(sign).strip() in ("+", "+1")
        return "main+" if positive else "main−"
    if k in ("non-main", "nonmain", "non-main-growing", "growing"):
        return "non-main"
    if k == "dead":
        return "dead"
    return k or "other"


_CLASS_STYLE = {
    "main+": dict(color=_C_PLUS, lw=1.1, alpha=0.85, zorder=4),
    "main−": dict(color=_C_MINUS, lw=1.1, alpha=0.85, zorder=4),
    "non-main": dict(color=_C_NONMAIN, lw=0.8, alpha=0.6, zorder=3),
    "dead": dict(color=_C_DEAD, lw=0.6, alpha=0.45, zorder=2),
}
_CLASS_ORDER = ["main+", "main−", "non-main", "dead"]


def _neuron_rows(nd, t, n_kinds, n_signs):
    """``(norms, misalignments)``: per neuron ``|a_j|`` and, when given, ``1 - cos`` against the
    times ``t``, as positive arrays (Skip on an empty or inconsistent table)."""
    norms = nd.get("norms") or []
    omc = nd.get("one_minus_cos") or []
    m = len(norms)
    if m == 0:
        raise Skip("neurons.norms is empty")
    if omc and len(omc) != m:
        raise Skip(f"neurons: {m} norm rows but {len(omc)} alignment rows")
    if n_kinds != m or n_signs != m:
        raise Skip(f"neurons: {m} neurons but {n_kinds} kinds and {n_signs} signs")
    rows_n = []
    rows_c = []
    for j in range(m):
        a = floats(norms[j], f"neurons.norms[{j}]")
        same_length(t, a, f"neurons.norms[{j}]")
        rows_n.append(positive(np.abs(a)))
        if omc:
            c = floats(omc[j], f"neurons.one_minus_cos[{j}]")
            same_length(t, c, f"neurons.one_minus_cos[{j}]")
            rows_c.append(positive(c))
    return rows_n, rows_c


def _class_styles(classes):
    """``(order, style)``: the neuron classes in drawing order (the known ones, then the others
    sorted) and their line styles (the others thin and grey)."""
    extra = sorted({c for c in classes if c not in _CLASS_STYLE})
    order = _CLASS_ORDER + extra
    style = dict(_CLASS_STYLE)
    for c in extra:
        style[c] = dict(color=_C_OTHER, lw=0.8, alpha=0.6, zorder=3)
    return order, style


def _fig_neurons(data: dict) -> Figure:
    nd = data.get("neurons")
    if not nd:
        raise Skip("no neuron data")
    t = floats(nd.get("t", []), "neurons.t")
    kinds = list(nd.get("kind") or [])
    signs = list(nd.get("sign") or [])
    rows_n, rows_c = _neuron_rows(nd, t, len(kinds), len(signs))
    m = len(rows_n)
    classes = [_neuron_class(k, s) for k, s in zip(kinds, signs)]
    order, style = _class_styles(classes)

    fig = Figure(figsize=(10.0, 6.6) if rows_c else (10.0, 3.8), layout="constrained")
    axes = fig.subplots(2 if rows_c else 1, 1, sharex=True, squeeze=False)[:, 0]
    ax_n = axes[0]
    # draw the background classes first, the main neurons on top
    for cls in reversed(order):
        for j in (j for j in range(m) if classes[j] == cls):
            ax_n.plot(t, rows_n[j], **style[cls])
            if rows_c:
                axes[1].plot(t, rows_c[j], **style[cls])
    handles = [
        Line2D([], [], color=style[c]["color"], lw=2.0, label=f"{c} ({classes.count(c)})")
        for c in order if c in classes
    ]
    ax_n.set_yscale("log")
    ax_n.set_ylabel("output weight $|a_j|$ $(=\\|w_j\\|)$\n(log scale)")
    fig.legend(handles=handles, loc="outside right upper", title="kind (count)")
    lam = nd.get("lambda")
    ax_n.set_title("Neuron norms: main neurons grow and carry the fit")
    if rows_c:
        ax_c = axes[1]
        ax_c.set_yscale("log")
        ax_c.set_ylabel("misalignment $1-\\cos(w_j,$ limit direction$)$\n(log scale)")
        ax_c.set_title("Alignment: main neurons turn towards $\\hat\\beta_\\pm$")
    axes[-1].set_xlabel("time t   (gradient-flow time units)")
    finite_t = t[np.isfinite(t)]
    axes[-1].set_xlim(float(finite_t.min()), float(finite_t.max()))
    sup = f"Neuron dynamics, λ = {_pretty_lambda(lam)}" if lam is not None else "Neuron dynamics"
    fig.suptitle(f"{sup}   (m = {m} neurons)", fontsize=11.5)
    return fig


# ----------------------------------------------------------------- figure 3: escape


def _escape_points(ed: dict, key: str) -> tuple[np.ndarray, np.ndarray]:
    """The points ``(log(1/lambda), t_half)`` of one group, paired by lambda.

    Each group's ladder can end on a different rung (a ladder deepens until its own limit is
    decided), so a group carries its own ``log_inv_lambda_<key>``; data without it use the shared
    ``log_inv_lambda``, and when the counts differ there the points that exist are paired from the
    shallowest rung (both ladders start at the profile's first rung): a figure is never skipped
    for unequal lengths.
    """
    what = f"escape.t_half_{key}"
    y = floats(ed[f"t_half_{key}"], what)
    own = ed.get(f"log_inv_lambda_{key}")
    x = floats(own if own is not None else ed.get("log_inv_lambda", []), f"escape.log_inv_lambda_{key}")
    if own is not None:
        same_length(x, y, what)  # one group's own ladder: a length mismatch is malformed data
    k = min(x.size, y.size)
    return x[:k], y[:k]


def _fig_escape(data: dict) -> Figure:
    ed = data.get("escape")
    if not ed:
        raise Skip("no escape-time data")
    groups = []
    for sign, key, colour, marker, dname in (
        ("+", "plus", _C_PLUS, "o", "‖D+‖"),
        ("−", "minus", _C_MINUS, "s", "‖D−‖"),
    ):
        if ed.get(f"t_half_{key}") is None:
            continue
        x, y = _escape_points(ed, key)
        slope = ed.get(f"slope_{key}")
        icpt = ed.get(f"intercept_{key}")
        line = None
        if slope is not None:
            line = (float(slope), float(icpt) if icpt is not None else 0.0)
        groups.append((sign, x, y, line, colour, marker, dname))
    if not groups:
        raise Skip("escape: neither t_half_plus nor t_half_minus")
    with_lines = any(g[3] is not None for g in groups)

    fig = Figure(figsize=(10.5, 4.3) if with_lines else (6.0, 4.3), layout="constrained")
    axes = fig.subplots(1, 2 if with_lines else 1, squeeze=False)[0]
    ax = axes[0]
    xs = np.linspace(0.0, max(float(np.nanmax(g[1])) for g in groups) * 1.04, 200)
    for sign, x, y, line, colour, marker, dname in groups:
        ax.plot(x, y, ls="none", marker=marker, ms=5.5, mfc="none", mew=1.4, color=colour,
                label=f"measured t½{sign}", zorder=4)
        if line is not None:
            sl, ic = line
            ax.plot(xs, sl * xs + ic, color=colour, lw=1.1, alpha=0.8,
                    label=f"predicted: slope n/{dname} = {_fmt(sl, 7)}")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=min(0.0, float(np.nanmin([np.nanmin(g[2]) for g in groups]))))
    ax.set_xlabel("log(1/λ)   (dimensionless)")
    ax.set_ylabel("half-fit time t½   (time units)")
    ax.set_title("Escape times grow linearly in log(1/λ)")
    ax.legend(loc="upper left")

    if with_lines:
        ax_r = axes[1]
        for sign, x, y, line, colour, marker, _ in groups:
            if line is None:
                continue
            sl, ic = line
            dev = np.abs(y - (sl * x + ic))
            ax_r.plot(x, positive(dev), marker=marker, ms=5, mfc="none", mew=1.3, lw=1.0,
                      color=colour, label=f"|t½{sign} − predicted line|")
        ax_r.set_yscale("log")
        ax_r.set_xlabel("log(1/λ)   (dimensionless)")
        ax_r.set_ylabel("distance to the predicted line   (time units, log)")
        ax_r.set_title("Distance to the prediction shrinks as λ → 0")
        ax_r.legend(loc="upper right")
    fig.suptitle("Escape (half-fit) times of the two sign groups", fontsize=11.5)
    return fig


# --------------------------------------------------------------- figure 4: norm gap


def _decade_ticks(axis, lo: float, hi: float, most: int = 8) -> None:
    """Major ticks on whole decades, every 1, 2, 5, 10, 20, 25 or 50 decades."""
    d_lo, d_hi = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500):
        first = -((-d_lo) // step) * step
        ticks = list(range(first, d_hi + 1, step))
        if len(ticks) <= most:
            break
    axis.set_major_locator(FixedLocator([10.0**k for k in ticks]))
    axis.set_major_formatter(LogFormatterSciNotation())
    if step > 1:
        axis.set_minor_locator(NullLocator())


def _fig_norm_gap(data: dict) -> Figure:
    gd = data.get("norm_gap")
    if not gd:
        raise Skip("no norm-gap data")
    lam = floats(gd.get("lambda", []), "norm_gap.lambda")
    gap = floats(gd.get("gap", []), "norm_gap.gap")
    same_length(lam, gap, "norm_gap")
    ok = (lam > 0) & (gap > 0)
    if not ok.any():
        raise Skip("norm_gap: no point with λ > 0 and gap > 0")
    fig = Figure(figsize=(6.8, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.plot(lam[ok], gap[ok], ls="none", marker="o", ms=6, mfc="none", mew=1.5, color="black",
            label="measured N(λ) − N*", zorder=5)
    n_bad = int((~ok).sum())
    if n_bad:
        ax.plot([], [], ls="none", label=f"({n_bad} point(s) with gap ≤ 0 not shown)")
    llo, lhi = float(np.min(lam[ok])), float(np.max(lam[ok]))
    grid = np.logspace(math.log10(llo), math.log10(lhi), 200)
    e = gd.get("predicted_exponent")
    if e is not None:
        e = float(e)
        # the theory gives the exponent, not the constant: anchor by least squares in log
        logk = float(np.mean(np.log(gap[ok]) - e * np.log(lam[ok])))
        ax.plot(grid, math.exp(logk) * grid**e, color=_C_MINUS, lw=1.6, ls=":",
                label=f"predicted rate $\\propto\\lambda^{{2\\min\\gamma}}$, "
                f"$2\\min\\gamma$ = {_fmt(e, 4)}")
    K, ef = gd.get("fit_K"), gd.get("fit_exponent")
    if K is not None and ef is not None:
        K, ef = float(K), float(ef)
        ax.plot(grid, K * grid**ef, color=_C_PLUS, lw=1.2, ls="--",
                label=f"fit: ${_fmt(K, 3)}\\,\\lambda^{{{_fmt(ef, 4)}}}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _decade_ticks(ax.xaxis, llo, lhi)
    ax.invert_xaxis()
    ax.set_xlabel("initialisation scale λ   (log scale, decreasing →)")
    ax.set_ylabel("N(λ) − N*   (variation-norm gap, log scale)")
    ax.set_title("Implicit bias: the variation norm tends to its minimum N*")
    ax.legend(loc="lower left")
    return fig


_DRAW = {
    "loss_plateaus.png": _fig_loss,
    "neurons.png": _fig_neurons,
    "escape_times.png": _fig_escape,
    "norm_gap.png": _fig_norm_gap,
}

#: the table :func:`gfcheck.proofs_check.core.figures.draw_figures` draws: file name -> (figure_data key, draw)
TABLE = {name: (FIGURES[name][0], fn) for name, fn in _DRAW.items()}


def draw(out_dir, figure_data: dict):
    """``(written paths, {file name: reason})`` of the four figures (:data:`TABLE`)."""
    return draw_figures(out_dir, figure_data, table=TABLE)


def make_figures(out_dir, figure_data: dict) -> list[Path]:
    """Draw every figure the data allow into ``out_dir``; return the written PNG paths.

    Each key of ``figure_data`` (``loss_curves``, ``step_function``, ``neurons``,
    ``escape``, ``norm_gap``) is optional; without it (or with malformed data) that
    figure is skipped.  The same data give byte-identical files.
    """
    return draw(out_dir, figure_data)[0]
