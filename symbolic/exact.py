"""Exact rational linear algebra shared by the layers: Gauss-Jordan over Fractions.

One implementation for every place that needs an exact solve: the Filippov sliding weights
``-G_SS^{-1} G_SA`` of the full engine, the Cayley transform that makes the exactly orthogonal
data of ``gfcheck sweep`` and of the test strategies.

>>> from fractions import Fraction as F
>>> solve_exact([[F(2), F(1)], [F(1), F(1)]], [[F(3)], [F(2)]])
[[Fraction(1, 1)], [Fraction(1, 1)]]
>>> solve_exact([[F(1), F(1)], [F(1), F(1)]], [[F(1)], [F(1)]]) is None
True
>>> Q = cayley([[F(0), F(1, 2)], [F(-1, 2), F(0)]])
>>> [[sum(Q[i][k] * Q[j][k] for k in range(2)) for j in range(2)] for i in range(2)]
[[Fraction(1, 1), Fraction(0, 1)], [Fraction(0, 1), Fraction(1, 1)]]
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["solve_exact", "cayley"]


def solve_exact(M, B):
    """``X = M^{-1} B`` exactly (Gauss-Jordan with the first nonzero pivot over Fractions), or
    None when the square matrix ``M`` is singular.  ``M`` is s x s, ``B`` s x r (lists of rows)."""
    s = len(M)
    rows = [list(M[i]) + list(B[i]) for i in range(s)]
    for col in range(s):
        piv = next((r for r in range(col, s) if rows[r][col] != 0), None)
        if piv is None:
            return None
        rows[col], rows[piv] = rows[piv], rows[col]
        pv = rows[col][col]
        rows[col] = [v / pv for v in rows[col]]
        for r in range(s):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [v - f * w for v, w in zip(rows[r], rows[col])]
    return [row[s:] for row in rows]


def cayley(A):
    """``Q = (I - A)(I + A)^{-1}`` of a skew-symmetric rational ``A``: exactly orthogonal
    (``I + A`` is invertible for skew ``A``; ``(I - A)`` and ``(I + A)^{-1}`` commute, so ``Q`` is
    ``(I + A)^{-1} (I - A)``)."""
    d = len(A)
    plus = [[Fraction(int(i == j)) + A[i][j] for j in range(d)] for i in range(d)]
    minus = [[Fraction(int(i == j)) - A[i][j] for j in range(d)] for i in range(d)]
    return solve_exact(plus, minus)
