"""Generated separable problems for sweeps and censuses (``Suite.dataset``, ``docs/sweep.md``).

Copies of two exact rational unit vectors ``x_+- = ((1 - s^2), +-2 s, 0, ..)/(1 + s^2)`` at the
angle ``Delta = 4 atan s`` (``s`` in 1/8, 1/6, 1/5, 1/4: Delta 0.50 to 0.98 rad), ``n_-`` copies
of ``x_-`` (label -1) with ``1 <= n_- <= n/3`` and the rest of ``x_+`` (label 1), so the majority
fraction ``p >= 2/3`` and (A1) ``p cos Delta > 1 - p`` holds by construction (``2/3 cos 0.98 =
0.37 > 1/3``); the loss exponential or logistic; width ``m``, scale ``kappa``, a seeded balanced
start with a positive neuron active on ``x_+`` (``S_+ > 0``, which claims 1-13 need: a start without
one, about ``(3/4)^m`` of the seeds, is drawn again from the same generator).  Everything is drawn from
``numpy.random.default_rng([seed, n, d])``.

>>> p = problem(0, {"n": 6, "d": 3, "m": 8, "scale": "1e-4"})
>>> (p.n, p.d, p.width, p.loss in ("exponential", "logistic"), sum(y < 0 for y in p.labels) <= 2)
(6, 3, 8, True, True)
"""

from __future__ import annotations

from fractions import Fraction

from gfcheck.errors import SchemaError

__all__ = ["problem", "escapes", "SLOPES"]

#: ``s = tan(Delta / 4)``: the half-angle parameters of the pair of inputs
SLOPES = (Fraction(1, 8), Fraction(1, 6), Fraction(1, 5), Fraction(1, 4))


def _check(sizes) -> None:
    """The sizes this generator makes: at least 3 points (two copies of ``x_+`` per ``x_-``),
    ``2 <= d <= 12``, ``m >= 2``."""
    n, d, m = sizes["n"], sizes["d"], sizes["m"]
    if n < 3:
        raise SchemaError(f"separable dataset: n = {n}; expected at least 3 points (n_- <= n/3 copies of x_-)")
    if not 2 <= d <= 12:
        raise SchemaError(f"separable dataset: d = {d}; expected 2 <= d <= 12 (the two inputs span a plane)")
    if m < 2:
        raise SchemaError(f"separable dataset: m = {m}; expected a width of at least 2")


def problem(seed: int, sizes: dict):
    """The separable problem of a seed and ``sizes`` (``n``, ``d``, ``m``, ``scale``; see the module
    docstring), through the strict reader."""
    import numpy as np

    from gfcheck.symbolic.problem import fraction_string, parse_problem

    _check(sizes)
    n, d = sizes["n"], sizes["d"]
    rng = np.random.default_rng([seed, n, d])
    s = SLOPES[int(rng.integers(0, len(SLOPES)))]
    n_minus = int(rng.integers(1, n // 3 + 1))
    loss = ("exponential", "logistic")[int(rng.integers(0, 2))]
    den = 1 + s * s
    x = {1: [(1 - s * s) / den, 2 * s / den], -1: [(1 - s * s) / den, -2 * s / den]}
    labels = [1] * (n - n_minus) + [-1] * n_minus
    rows = [[fraction_string(v) for v in x[y]] + ["0"] * (d - 2) for y in labels]
    init_seed = seed
    while True:
        p = parse_problem({"schema": "gfcheck.problem/1", "inputs": rows, "labels": [str(y) for y in labels],
                           "width": sizes["m"], "loss": loss, "init": {"scale": sizes["scale"], "seed": init_seed}})
        if escapes(p):
            return p
        init_seed = int(rng.integers(0, 2 ** 63))


def escapes(p) -> bool:
    """Whether a positive neuron of ``p`` is active on ``x_+`` (the first input, label 1) at ``t = 0``.

    >>> escapes(problem(3, {"n": 4, "d": 2, "m": 2, "scale": "1e-4"}))
    True
    """
    from .context import positive_preactivations

    return any(u > 0 for _, u in positive_preactivations(p, p.inputs[0]))
