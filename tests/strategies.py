"""Hypothesis strategies for exact gfcheck data, built by construction (no filtering for
orthogonality), shrinking towards the simplest case (identity inputs, 1 x 1, label 1).

Public API (imported by the symbolic, numeric and proofs_check tests)::

    nonzero_rationals(max_numerator=5, max_denominator=4)   -> Fraction != 0
    orthogonal_matrices(n)                                  -> n x n exactly orthogonal (Fractions)
    orthogonal_datasets(min_n=1, max_n=4, max_d=5)          -> (X, y): n rows of dimension d >= n,
                                                               pairwise orthogonal, y_k != 0
    orthogonal_problems(max_n=4, max_d=5, max_m=6, scale=Fraction(1, 1000), min_n=1, min_m=1)
                                                            -> gfcheck Problem, orthogonal inputs
    non_orthogonal_problems(max_n=4, max_d=5, max_m=6, scale=Fraction(1, 1000))
                                                            -> gfcheck Problem with <x_0, x_1> != 0

``orthogonal_matrices`` is the Cayley transform ``Q = (I - A)(I + A)^{-1}`` of a rational
skew-symmetric ``A`` with small entries (``I + A`` is always invertible; ``A = 0`` gives ``I``),
optionally followed by a signed permutation.  Rows of the datasets are rows of ``Q`` (first n
of them) scaled by nonzero rationals.  ``scale`` may be a Fraction or a strategy of Fractions.

>>> from hypothesis import find
>>> find(orthogonal_matrices(2), lambda q: True)
((Fraction(1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)))
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from gfcheck.symbolic.exact import cayley as _cayley
from gfcheck.symbolic.problem import Problem, parse_problem

__all__ = ["nonzero_rationals", "orthogonal_matrices", "orthogonal_datasets", "orthogonal_problems",
           "non_orthogonal_problems", "valid_problems", "cayley", "is_orthogonal_matrix"]


def _check_int(name, value, lo, hi=None):
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        rng = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise InvalidArgument(f"Expected an integer {rng} but got {name}={value!r} (type={type(value).__name__})")


def nonzero_rationals(max_numerator: int = 5, max_denominator: int = 4):
    """Nonzero rationals ``+-p/q`` with ``1 <= p <= max_numerator``, ``1 <= q <= max_denominator``;
    shrinks to 1."""
    _check_int("max_numerator", max_numerator, 1)
    _check_int("max_denominator", max_denominator, 1)
    return st.builds(lambda p, q, neg: Fraction(-p if neg else p, q),
                     st.integers(1, max_numerator), st.integers(1, max_denominator), st.booleans())


def _small_rationals():
    return st.builds(Fraction, st.integers(-2, 2), st.integers(1, 3))


def cayley(A):
    """``(I - A)(I + A)^{-1}`` for a skew-symmetric rational ``A`` (exact; checked below by
    :func:`is_orthogonal_matrix` where it is used)."""
    return tuple(tuple(row) for row in _cayley(A))


def is_orthogonal_matrix(Q) -> bool:
    """Exact check ``Q Q^T = I``."""
    n = len(Q)
    return all(sum((Q[i][k] * Q[j][k] for k in range(n)), Fraction(0)) == (1 if i == j else 0)
               for i in range(n) for j in range(n))


@st.composite
def _orthogonal_matrix(draw, n, signed_permutation):
    upper = draw(st.lists(_small_rationals(), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2))
    A = [[Fraction(0)] * n for _ in range(n)]
    it = iter(upper)
    for i in range(n):
        for j in range(i + 1, n):
            v = next(it)
            A[i][j], A[j][i] = v, -v
    Q = cayley(A)
    if signed_permutation:
        perm = draw(st.permutations(range(n)))
        signs = draw(st.lists(st.sampled_from([1, -1]), min_size=n, max_size=n))
        Q = tuple(tuple(signs[i] * v for v in Q[perm[i]]) for i in range(n))
    assert is_orthogonal_matrix(Q)
    return Q


def orthogonal_matrices(n: int, *, signed_permutation: bool = True):
    """Exactly orthogonal ``n x n`` matrices of Fractions (Cayley transform, then optionally a
    signed permutation); shrinks to the identity."""
    _check_int("n", n, 1, 12)
    return _orthogonal_matrix(n, signed_permutation)


@st.composite
def _orthogonal_dataset(draw, min_n, max_n, max_d):
    d = draw(st.integers(min_n, max_d))
    Q = draw(orthogonal_matrices(d))
    labels = draw(st.lists(nonzero_rationals(), min_size=min_n, max_size=min(max_n, d)))
    scales = draw(st.lists(nonzero_rationals(3, 3), min_size=len(labels), max_size=len(labels)))
    X = tuple(tuple(c * v for v in Q[k]) for k, c in enumerate(scales))
    return X, tuple(labels)


def orthogonal_datasets(min_n: int = 1, max_n: int = 4, max_d: int = 5):
    """``(X, y)`` with ``n`` pairwise orthogonal nonzero rows of dimension ``d`` (``min_n <= n <=
    min(max_n, d)``, ``d <= max_d``) and nonzero labels of both signs; shrinks to ``([[1]], [1])``."""
    _check_int("min_n", min_n, 1)
    _check_int("max_n", max_n, 1)
    _check_int("max_d", max_d, 1, 12)
    if min_n > max_n or min_n > max_d:
        raise InvalidArgument(f"Expected min_n <= max_n and min_n <= max_d, but got min_n={min_n}, "
                              f"max_n={max_n}, max_d={max_d}")
    return _orthogonal_dataset(min_n, max_n, max_d)


def _scales(scale):
    if isinstance(scale, Fraction):
        if scale <= 0:
            raise InvalidArgument(f"Expected a positive scale but got scale={scale!r}")
        return st.just(scale)
    if isinstance(scale, st.SearchStrategy):
        return scale
    raise InvalidArgument(f"Expected a Fraction or a strategy but got scale={scale!r} "
                          f"(type={type(scale).__name__})")


@st.composite
def _orthogonal_problem(draw, min_n, max_n, max_d, min_m, max_m, scale):
    X, y = draw(orthogonal_datasets(min_n, max_n, max_d))
    d = len(X[0])
    g_rows = st.lists(nonzero_rationals(3, 2), min_size=d, max_size=d).filter(
        lambda g: all(sum((a * b for a, b in zip(g, x)), Fraction(0)) != 0 for x in X))
    G = draw(st.lists(g_rows, min_size=min_m, max_size=max_m))
    signs = draw(st.lists(st.sampled_from([1, -1]), min_size=len(G), max_size=len(G)))
    lam = draw(_scales(scale))
    return Problem(inputs=X, labels=y, width=len(G), scale=lam, directions=tuple(tuple(g) for g in G),
                   signs=tuple(signs))


def orthogonal_problems(max_n: int = 4, max_d: int = 5, max_m: int = 6, scale=Fraction(1, 1000), *,
                        min_n: int = 1, min_m: int = 1):
    """gfcheck :class:`Problem` objects with exactly orthogonal inputs, nonzero rational
    directions ``g_j`` with ``<g_j, x_k> != 0`` (assumption A2) and random signs."""
    _check_int("max_m", max_m, 1)
    _check_int("min_m", min_m, 1)
    if min_m > max_m:
        raise InvalidArgument(f"Expected min_m <= max_m but got min_m={min_m}, max_m={max_m}")
    orthogonal_datasets(min_n, max_n, max_d)  # validates the sizes now
    _scales(scale)
    return _orthogonal_problem(min_n, max_n, max_d, min_m, max_m, scale)


@st.composite
def _non_orthogonal_problem(draw, max_n, max_d, max_m, scale):
    p = draw(orthogonal_problems(max_n, max_d, max_m, scale, min_n=2))
    c = draw(nonzero_rationals(2, 3))
    X = list(p.inputs)
    X[1] = tuple(a + c * b for a, b in zip(X[1], X[0]))  # <x_0, x_1> = c ||x_0||^2 != 0
    return Problem(inputs=tuple(X), labels=p.labels, width=p.width, scale=p.scale,
                   directions=p.directions, signs=p.signs)


def non_orthogonal_problems(max_n: int = 4, max_d: int = 5, max_m: int = 6, scale=Fraction(1, 1000)):
    """Problems whose inputs are NOT orthogonal: ``x_1 <- x_1 + c x_0`` (c != 0) applied to an
    orthogonal problem with ``n >= 2``, so ``<x_0, x_1> = c ||x_0||^2 != 0``."""
    if max_n < 2 or max_d < 2:
        raise InvalidArgument(f"Expected max_n >= 2 and max_d >= 2 but got max_n={max_n}, max_d={max_d}")
    orthogonal_problems(max_n, max_d, max_m, scale, min_n=2)
    return _non_orthogonal_problem(max_n, max_d, max_m, scale)


@st.composite
def valid_problems(draw, max_n=6):
    """Orthogonal problems: rows of an exactly orthogonal rational matrix scaled by rationals whose
    largest/smallest ratio is at least 10; labels of both signs or one; A3 kept or broken; the
    initialisation explicit (a main neuron per sign class unless A3 is to be broken) or seeded."""
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(n, n + 2))
    Q = draw(orthogonal_matrices(d))
    small = draw(st.sampled_from([Fraction(1, 2), Fraction(1, 4), Fraction(1, 5)]))
    norms = [small * 10] + [draw(st.sampled_from([small, small * 2, small * 5, small * 10, small * 3]))
                            for _ in range(n - 1)]
    norms[-1 if n > 1 else 0] = small if n > 1 else norms[0]
    X = [tuple(norms[k] * v for v in Q[k]) for k in range(n)]
    one_sign = draw(st.booleans())
    y = [abs(draw(nonzero_rationals(4, 3))) * (1 if one_sign or k % 2 == 0 else -1) for k in range(n)]
    if draw(st.booleans()):  # a seed: the toolkit draws g_j ~ N(0, I_d) and s_j
        m = draw(st.integers(2, 8))
        doc = {"schema": "gfcheck.problem/1", "inputs": [[str(v) for v in x] for x in X],
               "labels": [str(v) for v in y], "width": m,
               "init": {"scale": "1/1000", "seed": draw(st.integers(0, 2 ** 16))}}
        return parse_problem(doc)
    q = [sum(v * v for v in x) for x in X]
    keep_A3 = draw(st.booleans())
    dirs, signs = [], []
    for s in (1, -1):
        S = [k for k in range(n) if s * y[k] > 0]
        if not S or not keep_A3 and len(S) >= 2:
            continue
        c = [Fraction(1) if k in S else draw(nonzero_rationals(3, 3)) for k in range(n)]
        dirs.append(tuple(sum((c[k] * X[k][i] / q[k] for k in range(n)), Fraction(0)) for i in range(d)))
        signs.append(s)
    for _ in range(draw(st.integers(0 if dirs else 1, 3))):
        c = [draw(nonzero_rationals(3, 3)) for _ in range(n)]
        dirs.append(tuple(sum((c[k] * X[k][i] / q[k] for k in range(n)), Fraction(0)) for i in range(d)))
        signs.append(draw(st.sampled_from((1, -1))))
    return Problem(inputs=tuple(X), labels=tuple(y), width=len(dirs), scale=Fraction(1, 1000),
                   directions=tuple(dirs), signs=tuple(signs))


def separable_inputs(t, d):
    """The unit inputs ``x_+-`` at the exact rational point ``((1 - t^2), +-2t)/(1 + t^2)`` of the
    circle (``Delta = 4 atan t``), padded with zeros to dimension ``d``."""
    den = 1 + t * t
    pad = (Fraction(0),) * (d - 2)
    return ((1 - t * t) / den, 2 * t / den) + pad, ((1 - t * t) / den, -2 * t / den) + pad


@st.composite
def _separable_problem(draw, max_copies, max_d, max_m, scale, losses, a1=None, min_m=1):
    ts = [Fraction(1, 40), Fraction(1, 20), Fraction(1, 10), Fraction(1, 5), Fraction(1, 3),
          Fraction(2, 5)]  # Delta = 4 atan t from 0.1 to 1.52 rad
    d = draw(st.integers(2, max_d))
    n_minus = draw(st.integers(1, max_copies))
    if a1:  # (A1) by construction: a majority class, and an angle with p cos Delta > 1 - p
        n_plus = draw(st.integers(n_minus + 1, n_minus + max_copies))
        p = Fraction(n_plus, n_plus + n_minus)
        ts = [t for t in ts if p * _cos_delta(t) > 1 - p]  # t = 1/40 always qualifies for p > 1/2
    else:
        n_plus = draw(st.integers(1, max_copies))
    t = draw(st.sampled_from(ts))
    xp, xm = separable_inputs(t, d)
    order = draw(st.permutations([1] * n_plus + [-1] * n_minus))
    m = draw(st.integers(min_m, max(min_m, max_m)))
    seed = draw(st.integers(0, 2**16))
    loss = draw(st.sampled_from(losses))
    doc = {"schema": "gfcheck.problem/1",
           "inputs": [[str(v) for v in (xp if y > 0 else xm)] for y in order],
           "labels": [str(y) for y in order], "width": m,
           "init": {"scale": str(draw(_scales(scale))), "seed": seed}, "loss": loss}
    return parse_problem(doc)


def separable_problems(max_copies: int = 4, max_d: int = 4, max_m: int = 5, scale=Fraction(1, 100),
                       losses=("exponential", "logistic"), a1=None, min_m: int = 1):
    """Copies of two unit inputs ``x_+`` (label 1) and ``x_-`` (label -1) at an angle ``Delta``
    (exact rational points of the circle), in any order, seeded balanced initialisation, the
    exponential or logistic loss; (A1) ``p cos Delta > 1 - p`` may hold or not (``a1=True``:
    it holds by construction); widths ``min_m`` to ``max_m``."""
    return _separable_problem(max_copies, max_d, max_m, scale, losses, a1, min_m)


def _cos_delta(t):
    """``cos Delta = <x_+, x_->`` for ``Delta = 4 atan t``, exactly."""
    xp, xm = separable_inputs(t, 2)
    return xp[0] * xm[0] + xp[1] * xm[1]
