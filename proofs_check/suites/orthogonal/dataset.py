"""Generated orthogonal problems for sweeps (``gfcheck sweep``, ``docs/sweep.md``): exact rational
orthogonal rows drawn from a seed.

>>> X, y = rows(0, 2, 3)
>>> sum(a * b for a, b in zip(X[0], X[1]))
Fraction(0, 1)
>>> problem(0, {"n": 2, "d": 3, "m": 4, "scale": "1e-4"}).width
4
"""

from __future__ import annotations

from fractions import Fraction

from gfcheck.symbolic.exact import cayley

__all__ = ["rows", "problem", "check_sizes"]


def rows(seed: int, n: int, d: int):
    """The orthogonal dataset of a seed: ``(X, y)`` with exact rationals.

    ``rng = numpy.random.default_rng([seed, n, d])``; a skew-symmetric ``A`` with entries
    ``k/2``, ``k`` in ``-2..2``; ``Q`` its Cayley transform; ``x_k = r_k Q_k`` (first n rows) with
    ``r_k = p/2``, ``p`` in ``1..4``; labels ``y_k = +-p/2``, ``p`` in ``1..4``, sign uniform.
    """
    import numpy as np

    rng = np.random.default_rng([seed, n, d])
    A = [[Fraction(0)] * d for _ in range(d)]
    for i in range(d):
        for j in range(i + 1, d):
            v = Fraction(int(rng.integers(-2, 3)), 2)
            A[i][j], A[j][i] = v, -v
    Q = cayley(A)
    r = [Fraction(int(rng.integers(1, 5)), 2) for _ in range(n)]
    y = [Fraction(int(rng.integers(1, 5)), 2) * (1 - 2 * int(rng.integers(0, 2))) for _ in range(n)]
    return [[r[k] * v for v in Q[k]] for k in range(n)], y


def check_sizes(sizes) -> None:
    """The sizes :func:`rows` makes: ``n, d <= 12`` (exact rational rows) and ``d >= n`` (orthogonal
    rows), refused otherwise (``SchemaError``, exit 2).

    >>> check_sizes({"n": 3, "d": 2, "m": 4})
    Traceback (most recent call last):
    ...
    gfcheck.errors.SchemaError: orthogonal dataset: d = 2 < n = 3; orthogonal rows need d >= n
    """
    from gfcheck.errors import SchemaError

    if max(sizes["n"], sizes["d"]) > 12:
        raise SchemaError(f"orthogonal dataset: n = {sizes['n']}, d = {sizes['d']}; at most 12 "
                          "(the datasets are exact rational orthogonal rows)")
    if sizes["d"] < sizes["n"]:
        raise SchemaError(f"orthogonal dataset: d = {sizes['d']} < n = {sizes['n']}; orthogonal rows need d >= n")


def problem(seed: int, sizes: dict):
    """The problem of a seed and ``sizes`` (``n``, ``d``, ``m``, ``scale``): :func:`rows` as inputs and
    labels, width ``m``, initialisation scale ``scale`` and directions from the same seed (through the
    strict reader); sizes it cannot make are refused (:func:`check_sizes`)."""
    from gfcheck.symbolic.problem import fraction_string, parse_problem

    check_sizes(sizes)

    X, y = rows(seed, sizes["n"], sizes["d"])
    return parse_problem({"schema": "gfcheck.problem/1", "inputs": [[fraction_string(v) for v in x] for x in X],
                          "labels": [fraction_string(v) for v in y], "width": sizes["m"],
                          "init": {"scale": sizes["scale"], "seed": seed}})
