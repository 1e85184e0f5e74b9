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
    census_orthogonal_problems(min_n=4, max_n=7, min_m=12, max_m=30, <class options>)
                                                            -> real-size orthogonal Problem (issue 19)
    census_separable_problems(min_m=12, max_m=20, sliding=None, seeded=None)
                                                            -> real-size separable Problem (issue 19)
    orthogonal_classes(p), separable_classes(p)             -> the census labels computed from p

The census strategies never shrink below their minimum sizes (n >= 4, m >= 12 by default), so a
failure found at real size is reported at real size; ``benchmarks/census.py`` draws from them.

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
           "census_orthogonal_problems", "census_separable_problems", "orthogonal_classes", "separable_classes",
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


# ============================================================================ real-size census strategies
# Issue 19: valid problems "as a new user would write them", at real sizes (n >= 4, m >= 12 by
# default, never shrunk below that), with class options that put each regime the claims must
# survive into reach.  ``None`` for an option means "drawn"; ``True``/``False`` force it by
# construction.  The census (benchmarks/census.py) draws from these very strategies and labels
# every problem with :func:`orthogonal_classes` / :func:`separable_classes`, computed from the
# problem itself (the labels say what the problem is, not what was asked for).

#: input norms ||x_k|| (1/5 to 5); the first is where shrinking goes
CENSUS_NORMS = (Fraction(1), Fraction(1, 5), Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3),
                Fraction(3, 4), Fraction(3, 2), Fraction(2), Fraction(5, 2), Fraction(3), Fraction(4), Fraction(5))
#: label magnitudes |y_k|
CENSUS_LABELS = (Fraction(1), Fraction(1, 2), Fraction(3, 4), Fraction(6, 5), Fraction(7, 5), Fraction(3, 2),
                 Fraction(5, 3), Fraction(19, 10), Fraction(2))
#: initialisation scales lambda (1e-3 to 1e-6) for the orthogonal suite, kappa (1e-2 to 1e-6) for the separable one
CENSUS_SCALES = tuple(Fraction(1, 10 ** e) for e in (3, 4, 5, 6))
SEPARABLE_SCALES = tuple(Fraction(1, 10 ** e) for e in (2, 3, 4, 5, 6))
#: t = tan(Delta/4) for the separable inputs: Delta = 4 atan t from 0.21 (t = 1/19) to 1.29 rad (t = 1/3)
SEPARABLE_TS = (Fraction(1, 10), Fraction(1, 19), Fraction(1, 15), Fraction(1, 8), Fraction(1, 6),
                Fraction(1, 5), Fraction(1, 4), Fraction(3, 10), Fraction(1, 3))
#: 2 gamma below this is a "slow transient" (issue 25, cause 2)
SLOW_TWO_GAMMA = Fraction(1, 10)
#: ||D_-|| / ||D_+|| above this is a "group ratio above 2" (issue 19 cause 1, issue 25 cause 1)
GROUP_RATIO = 2


def _opt(draw, value):
    """A class option: ``None`` -> drawn (shrinks to False), else the value given."""
    return draw(st.booleans()) if value is None else value


def _coefficient(draw, positive: bool) -> Fraction:
    """``u_jk(0) / lambda``: a nonzero rational of the sign asked (magnitudes 1/3 .. 3)."""
    c = abs(draw(nonzero_rationals(3, 3)))
    return c if positive else -c


@st.composite
def _census_orthogonal(draw, min_n, max_n, max_extra_d, min_m, max_m, one_signed, d_equals_n, relu_one,
                       never_covered, a3, ratio_above_2, slow_transient, seeded, decidable_transient=False):
    explicit_only = bool(never_covered or a3 is not None or slow_transient)
    seeded = False if explicit_only else _opt(draw, seeded)
    one_signed = False if ratio_above_2 else _opt(draw, one_signed)
    ratio_above_2 = False if one_signed else _opt(draw, ratio_above_2)
    never_covered = False if a3 else never_covered
    n = draw(st.integers(min_n, max_n))
    d = n if _opt(draw, d_equals_n) else draw(st.integers(n + 1, n + max_extra_d))
    Q = draw(orthogonal_matrices(d))
    norms = [draw(st.sampled_from(CENSUS_NORMS)) for _ in range(n)]
    mags = [draw(st.sampled_from(CENSUS_LABELS)) for _ in range(n)]
    if one_signed:
        signs_y = [-1 if draw(st.booleans()) else 1] * n
    else:  # both signs by construction: point 0 positive, point 1 negative, the rest drawn
        signs_y = [1, -1] + [draw(st.sampled_from((1, -1))) for _ in range(n - 2)]
    if ratio_above_2:  # one positive point with |y| ||x|| <= 1, negatives with |y| ||x|| >= 2 (n_- >= 3):
        signs_y = [1] + [-1] * (n - 1)  # ||D_-||^2 >= 4 (n - 1) > 4 >= 4 ||D_+||^2
        norms[0], mags[0] = min(norms[0], Fraction(1)), min(mags[0], Fraction(1))
        norms[1:] = [max(v, Fraction(2)) for v in norms[1:]]
        mags[1:] = [max(v, Fraction(1)) for v in mags[1:]]
    slow_group = None
    if not seeded and _opt(draw, slow_transient):
        # a group of >= 2 points with one tiny point k0 (|y| ||x|| = 1/10) beside a point with
        # |y| ||x|| >= 1: a non-main neuron on the group minus k0 has ||D_j||^2 / ||D||^2 >= 1 - 1/101,
        # so 2 gamma <= 2 (1 - sqrt(100/101)) < 0.01
        big_groups = [s for s in (1, -1) if sum(v == s for v in signs_y) >= 2]
        if big_groups:  # always, unless n = 2 or 3 with one point per sign
            s = draw(st.sampled_from(big_groups))
            group = [k for k in range(n) if signs_y[k] == s]
            slow_group = (group[-1], group[:-1])
            k0, big = slow_group[0], group[0]
            if decidable_transient:  # |y| ||x|| = 1/4 at k0 and 1 at the rest of the group (g points):
                # ||D_j||^2 / ||D||^2 = 1 - 1/(16 (g - 1) + 1), so 2 gamma lies in [0.012, 0.060] for g <= 6
                norms[k0], mags[k0] = Fraction(1, 2), Fraction(1, 2)
                for k in group[:-1]:
                    norms[k], mags[k] = Fraction(1), Fraction(1)
            else:
                norms[k0], mags[k0] = Fraction(1, 5), Fraction(1, 2)
                norms[big], mags[big] = max(norms[big], Fraction(1)), max(mags[big], Fraction(1))
    X = tuple(tuple(norms[k] * v for v in Q[k]) for k in range(n))
    y = tuple(signs_y[k] * mags[k] for k in range(n))
    rp = 1 if _opt(draw, relu_one) else 0
    scale = draw(st.sampled_from(CENSUS_SCALES))
    m = draw(st.integers(min_m, max_m))
    if seeded:  # the toolkit draws g_j ~ N(0, I_d) and s_j from the seed (docs/formats.md)
        doc = {"schema": "gfcheck.problem/1", "inputs": [[str(v) for v in x] for x in X],
               "labels": [str(v) for v in y], "width": m, "relu_prime_at_zero": str(rp),
               "init": {"scale": str(scale), "seed": draw(st.integers(0, 2 ** 16))}}
        return parse_problem(doc)
    return _explicit_orthogonal(draw, Q, X, y, m, rp, scale, _opt(draw, never_covered), a3, slow_group)


def _explicit_orthogonal(draw, Q, X, y, m, rp, scale, never_covered, a3, slow_group):
    """Directions given by their pre-activations: ``g_j = sum_k c_jk x_k / ||x_k||^2 + sum_{i >= n}
    e_ji q_i`` (``q_i`` the rows of ``Q`` beyond the data: the frozen out-of-span part), so
    ``u_jk(0) = lambda c_jk`` exactly and every sign pattern is chosen by construction, never
    filtered for.  With A3 a main neuron per sign group comes first; without it, one group (of
    >= 2 points when there is one) gets a non-main neuron per point left out and no neuron covers
    it whole; a never-covered point ``k`` has ``c_jk < 0`` for every ``j`` (A3 then fails)."""
    n, d = len(X), len(X[0])
    groups = {s: [k for k in range(n) if s * y[k] > 0] for s in (1, -1)}
    rows = []  # (s_j, [u_jk(0) > 0 for each k])
    # the never-covered point is the slow group's tiny point when there is one (the slow neuron keeps the rest)
    k_dark = (slow_group[0] if slow_group else draw(st.integers(0, n - 1))) if never_covered else None
    a3 = False if never_covered else _opt(draw, a3)
    broken = None
    if a3:
        rows += [(s, [s * y[k] > 0 for k in range(n)]) for s in (1, -1) if groups[s]]
    elif never_covered:
        broken = 1 if y[k_dark] > 0 else -1
    else:
        broken = draw(st.sampled_from([s for s in (1, -1) if len(groups[s]) >= 2]
                                      or [s for s in (1, -1) if groups[s]]))
        if len(groups[broken]) >= 2:
            rows += [(broken, [k in groups[broken] and k != k_out for k in range(n)]) for k_out in groups[broken]]
    if slow_group is not None:
        k0, rest = slow_group
        rows.append((1 if y[k0] > 0 else -1, [k in rest for k in range(n)]))
    while len(rows) < m:
        rows.append((draw(st.sampled_from((1, -1))), [draw(st.booleans()) for _ in range(n)]))
    for j, (s, act) in enumerate(rows):
        if s == broken and all(act[k] for k in groups[s]):  # would be main: leave one point out
            act[groups[s][j % len(groups[s])]] = False
        if k_dark is not None:
            act[k_dark] = False
    q = [sum(v * v for v in x) for x in X]
    dirs, signs = [], []
    for s, act in rows:
        c = [_coefficient(draw, act[k]) for k in range(n)]
        e = [draw(_small_rationals()) for _ in range(n, d)]
        dirs.append(tuple(sum((c[k] * X[k][i] / q[k] for k in range(n)), Fraction(0))
                          + sum((e[r - n] * Q[r][i] for r in range(n, d)), Fraction(0)) for i in range(d)))
        signs.append(s)
    return Problem(inputs=X, labels=y, width=len(dirs), scale=scale, directions=tuple(dirs), signs=tuple(signs),
                   relu_prime_at_zero=rp)


def census_orthogonal_problems(*, min_n: int = 4, max_n: int = 7, max_extra_d: int = 4, min_m: int = 12,
                               max_m: int = 30, one_signed=None, d_equals_n=None, relu_one=None,
                               never_covered=None, a3=None, ratio_above_2=None, slow_transient=None,
                               seeded=None, decidable_transient: bool = False):
    """Orthogonal problems at real sizes (issue 19): ``n`` in ``[min_n, max_n]`` (2 to 7), ``d`` in
    ``[n, n + max_extra_d]``, rows of a rational Cayley-rotated orthogonal matrix with norms 1/5 to 5,
    labels ``|y| in CENSUS_LABELS`` of both signs or one, lambda 1e-3 to 1e-6, ReLU'(0) = 0 or 1,
    widths ``m`` in ``[min_m, max_m]`` (explicit initialisations may add up to ``n + 1`` neurons
    their class needs), the initialisation explicit (every ``u_jk(0)`` sign chosen) or seeded.

    Class options (``None``: drawn; ``True``/``False``: by construction; explicit initialisation
    only for ``never_covered``, ``a3``, ``slow_transient``): ``one_signed`` labels; ``d_equals_n``;
    ``relu_one`` (``relu_prime_at_zero = 1``); ``never_covered`` (a point no neuron is active on,
    docs/suites/orthogonal.md 7.2; implies A3 fails); ``a3`` (a main neuron per sign group, 1.4);
    ``ratio_above_2`` (``||D_-|| > 2 ||D_+||``: one positive point); ``slow_transient`` (a non-main
    neuron with ``||D_j|| / ||D_+-|| > 0.99``: ``2 gamma < 1/100``, section 4.4); ``seeded``.
    ``decidable_transient`` (with ``slow_transient=True``): the slow neuron's ``2 gamma`` in
    ``[1/100, 1/10)`` instead (slow, yet resolved by the quick ladder down to 1e-100: issue 25 cause 2).
    Shrinks towards ``n = min_n``, ``m = min_m``, identity rows, norms and labels 1, explicit start.

    >>> from hypothesis import find
    >>> p = find(census_orthogonal_problems(one_signed=False), lambda p: True)
    >>> (p.n, p.d, p.width, sorted({y > 0 for y in p.labels}))
    (4, 5, 12, [False, True])
    """
    _check_int("min_n", min_n, 2, 12)
    _check_int("max_n", max_n, min_n, 12)
    _check_int("max_extra_d", max_extra_d, 0, 12 - max_n)
    _check_int("min_m", min_m, 1)
    _check_int("max_m", max_m, min_m)
    if d_equals_n is False and max_extra_d == 0:
        raise InvalidArgument("Expected max_extra_d >= 1 with d_equals_n=False")
    if never_covered and a3:
        raise InvalidArgument("A never-covered point breaks A3: never_covered=True needs a3 in (None, False)")
    if seeded and (never_covered or a3 is not None or slow_transient):
        raise InvalidArgument("never_covered, a3 and slow_transient need an explicit initialisation (seeded=False)")
    if one_signed and ratio_above_2:
        raise InvalidArgument("ratio_above_2 needs labels of both signs (one_signed=False)")
    if ratio_above_2 and min_n < 3:
        raise InvalidArgument("ratio_above_2 needs n >= 3 (min_n >= 3)")
    if decidable_transient and not slow_transient:
        raise InvalidArgument("decidable_transient=True needs slow_transient=True")
    return _census_orthogonal(min_n, max_n, max_extra_d if d_equals_n is not True else 0, min_m, max_m,
                              one_signed, d_equals_n if max_extra_d else True, relu_one, never_covered, a3,
                              ratio_above_2, slow_transient, seeded, decidable_transient)


def orthogonal_classes(problem) -> tuple[str, ...]:
    """The census labels of an orthogonal problem, computed from it (sorted): ``one-signed`` or
    ``both-signs``; ``d=n``; ``relu1``; ``never-covered`` (a point no correctly signed neuron
    covers, docs/suites/orthogonal.md 7.2); ``A3`` or ``no-A3``; ``ratio>2`` (``||D_-|| > 2 ||D_+||``);
    ``slow`` (``2 min gamma < 1/10``); ``seeded`` or ``explicit``; ``small`` (``n < 4`` or ``m < 12``)."""
    import sympy as sp

    from gfcheck.symbolic.predictions import data_predictions, neuron_predictions

    dp, npred = data_predictions(problem), neuron_predictions(problem)
    labels = {"one-signed" if not (dp.S_plus and dp.S_minus) else "both-signs",
              "A3" if npred.assumption_A3 else "no-A3", "seeded" if problem.seed is not None else "explicit"}
    if problem.d == problem.n:
        labels.add("d=n")
    if problem.relu_prime_at_zero == 1:
        labels.add("relu1")
    covered = set().union(*npred.A_inf) if npred.A_inf else set()
    if len(covered) < problem.n:
        labels.add("never-covered")
    if dp.S_plus and dp.S_minus and dp.D_minus_sq > GROUP_RATIO ** 2 * dp.D_plus_sq:
        labels.add("ratio>2")
    if 2 * min(sp.N(npred.gamma_plus, 30), sp.N(npred.gamma_minus, 30)) < sp.Rational(SLOW_TWO_GAMMA):
        labels.add("slow")
    if problem.n < 4 or problem.width < 12:
        labels.add("small")
    return tuple(sorted(labels))


@st.composite
def _census_separable(draw, min_m, max_m, max_copies, max_d, losses, sliding, seeded):
    n_minus = draw(st.integers(1, max_copies))
    n_plus = draw(st.integers(n_minus + 1, n_minus + 2 * max_copies))  # p = n_+/n in (1/2, 1)
    p = Fraction(n_plus, n_plus + n_minus)
    ts = [t for t in SEPARABLE_TS if p * _cos_delta(t) > 1 - p] or [SEPARABLE_TS[0]]  # (A1) by construction
    t = draw(st.sampled_from(ts))
    d = draw(st.integers(2, max_d))
    xp, xm = separable_inputs(t, d)
    order = [1] * n_plus + [-1] * n_minus
    if draw(st.booleans()):
        order = draw(st.permutations(order))
    m = draw(st.integers(min_m, max_m))
    doc = {"schema": "gfcheck.problem/1", "inputs": [[str(v) for v in (xp if y > 0 else xm)] for y in order],
           "labels": [str(y) for y in order], "width": m, "loss": draw(st.sampled_from(losses)),
           "init": {"scale": str(draw(st.sampled_from(SEPARABLE_SCALES)))}}
    if _opt(draw, seeded) and sliding is None:
        doc["init"]["seed"] = draw(st.integers(0, 2 ** 16))
        return parse_problem(doc)
    sliding = _opt(draw, sliding)
    # g = ((u + v)/(2a), (u - v)/(2b), e...) has <g, x_+> = u and <g, x_-> = v exactly (x_+- = (a, +-b, 0..))
    a, b = xp[0], xp[1]
    rows = [(1, True, draw(st.booleans()))]  # a positive survivor: u > 0
    if sliding:  # a negative neuron with u < 0 < v survives phase I and slides on u = 0 (pinned)
        rows.append((-1, False, True))
    while len(rows) < m:
        s = draw(st.sampled_from((1, -1)))
        rows.append((s, draw(st.booleans()), False if s < 0 and not sliding else draw(st.booleans())))
    dirs = []
    for _s, u_pos, v_pos in rows:
        u, v = _coefficient(draw, u_pos), _coefficient(draw, v_pos)
        dirs.append([(u + v) / (2 * a), (u - v) / (2 * b)] + [draw(_small_rationals()) for _ in range(d - 2)])
    doc["init"].update(directions=[[str(v) for v in g] for g in dirs], signs=[s for s, _, _ in rows])
    return parse_problem(doc)


def census_separable_problems(*, min_m: int = 12, max_m: int = 20, max_copies: int = 4, max_d: int = 4,
                              losses=("exponential", "logistic"), sliding=None, seeded=None):
    """Separable two-direction problems at real sizes (issue 19; docs/suites/separable.md): ``n_-`` in
    ``1..max_copies`` copies of ``x_-``, ``n_+`` in ``n_- + 1 .. n_- + 2 max_copies`` of ``x_+`` (the
    majority fraction ``p`` from 5/9 to 9/10), ``Delta = 4 atan t`` from 0.21 to 1.29 rad with (A1)
    ``p cos Delta > 1 - p`` by construction, ``d`` 2 to ``max_d``, both losses, kappa 1e-2 to 1e-6,
    widths ``min_m .. max_m``.

    ``sliding``: ``True``: a negative neuron starts with ``u < 0 < v``: it survives phase I and
    slides on ``u = 0`` (the pinned negatives of claims 3, 6, 12); ``False``: every negative neuron
    starts with ``v < 0`` (none is ever active on ``x_-``; none slides in phase I); ``None``: drawn,
    or a seeded start (``seeded``).  A positive survivor (``u > 0``) is always there.

    >>> from hypothesis import find
    >>> p = find(census_separable_problems(sliding=True), lambda p: True)
    >>> (p.width, p.loss, len(p.inputs))
    (12, 'exponential', 3)
    """
    _check_int("min_m", min_m, 2)
    _check_int("max_m", max_m, min_m)
    _check_int("max_copies", max_copies, 1)
    _check_int("max_d", max_d, 2, 12)
    if seeded and sliding is not None:
        raise InvalidArgument("sliding is chosen by an explicit initialisation: seeded=True needs sliding=None")
    return _census_separable(min_m, max_m, max_copies, max_d, tuple(losses), sliding, seeded)


def separable_classes(problem) -> tuple[str, ...]:
    """The census labels of a separable problem, computed from it (sorted): the loss; ``A1`` or
    ``no-A1``; ``pinned`` (a negative survivor of phase I: it slides on ``u = 0``) or ``no-pinned``;
    ``seeded`` or ``explicit``; ``Delta<0.5`` / ``Delta>1`` / ``p>=4/5`` for the ends of the ranges."""
    import math

    from gfcheck.proofs_check.suites.separable.context import SepContext

    ctx = SepContext(problem, "quick")
    d = ctx.data
    labels = {problem.loss, "seeded" if problem.seed is not None else "explicit"}
    if isinstance(d, tuple):
        return tuple(sorted(labels | {"outside"}))
    labels.add("A1" if d.a1 else "no-A1")
    neg = {j for j in ctx.survivor_rule() if problem.signs[j] < 0}
    labels.add("pinned" if neg else "no-pinned")
    delta = math.acos(float(d.cos_delta))
    if delta < 0.5:
        labels.add("Delta<0.5")
    if delta > 1:
        labels.add("Delta>1")
    if d.p >= Fraction(4, 5):
        labels.add("p>=4/5")
    return tuple(sorted(labels))
