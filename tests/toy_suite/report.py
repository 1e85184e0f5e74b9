"""The toy suite's report parts (:class:`gfcheck.proofs_check.core.suite.SuiteReport`): one section
and one figure, ``toy_fit.png`` (h(t) measured against the closed form), drawn from the figure data
that ``logistic-fit`` returns with its verdict."""

from __future__ import annotations

from matplotlib.figure import Figure

from gfcheck.proofs_check.core.figures import draw_figures

FIGURES = {"toy_fit.png": ("toy_fit", "h(t) = a u of the one neuron (dots) and the logistic closed form (line).")}


def sections(ctx, results):
    """``({"toy": ...}, Markdown)``: the problem's constants."""
    c, y = ctx.problem.inputs[0][0], ctx.problem.labels[0]
    return {"toy": {"c": str(c), "y": str(y)}}, f"## The toy\n\nOne neuron on the point c = {c}, y = {y}.\n"


def _fit(data):
    d = data["toy_fit"]
    fig = Figure(figsize=(5, 3.5))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(d["t"], d["closed_form"], color="black", lw=1.2, label="closed form")
    ax.plot(d["t"], d["h"], "o", color="#D55E00", ms=4, label="engine")
    ax.set_xlabel("t")
    ax.set_ylabel("h = a u")
    ax.legend(loc="lower right")
    return fig


def draw(out_dir, ctx):
    return draw_figures(out_dir, ctx.figure_data, table={"toy_fit.png": ("toy_fit", _fit)})
