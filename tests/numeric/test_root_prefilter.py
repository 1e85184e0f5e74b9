"""The root searches' prefilters: a coordinate is skipped only when it provably stays positive on the step.

``P(tau) >= c_0 + c_1 tau + sum_{i >= 2} min(c_i, 0) tau^i``, which is concave, so its minimum on
``[0, h]`` is at an end (``numeric/_full.py::_stays_positive`` in mpf, ``_full_fixed.clear_of_zero``
on the scaled integers).  Checked against the exact polynomial (sympy's real roots on the step, in
rationals); the twin is a polynomial with a root on the step, which is never skipped.  The
sharper test (a coordinate moving away from 0 is clear however far it moves) skips cases the
former one (``c_0 > sum |c_i| h^i``) searched.
"""

from __future__ import annotations

from fractions import Fraction

import gmpy2
import mpmath
import sympy
from hypothesis import given
from hypothesis import strategies as st

from gfcheck.numeric._full import _stays_positive
from gfcheck.numeric._full_fixed import clear_of_zero

coef = st.fractions(min_value=-8, max_value=8, max_denominator=16)


def _positive_on(c, h) -> bool:
    """Exactly: ``P > 0`` on ``[0, h]``."""
    t = sympy.Symbol("t")
    P = sum(sympy.Rational(v.numerator, v.denominator) * t ** i for i, v in enumerate(c))
    if P.subs(t, 0) <= 0 or P.subs(t, sympy.Rational(h.numerator, h.denominator)) <= 0:
        return False
    return sympy.Poly(P, t).count_roots(0, sympy.Rational(h.numerator, h.denominator)) == 0


def _mpf_filter(c, h) -> bool:
    with mpmath.workdps(30):
        cm = [mpmath.mpf(v.numerator) / v.denominator for v in c]
        hm = mpmath.mpf(h.numerator) / h.denominator
        hp = [hm ** i for i in range(len(c))]
        return cm[0] > 0 and _stays_positive(cm[0], cm, hp)


class _Ser:
    def __init__(self, X):
        self.fixed = type("F", (), {"U": {(0, 0): X}})()


def _fixed_filter(c, h, F=40) -> bool:
    """``clear_of_zero`` on the scaled integers ``X_i = c_i h^i 2^F`` (``H = h``)."""
    X = [gmpy2.mpz(round(v * h ** i * 2 ** F)) for i, v in enumerate(c)]
    co = [0]
    with mpmath.workdps(30):
        return clear_of_zero(_Ser(X), 0, 0, co, co)


@given(c=st.lists(coef, min_size=2, max_size=6), h=st.fractions(min_value=Fraction(1, 16), max_value=2,
                                                                max_denominator=16))
def test_a_skipped_coordinate_stays_positive_on_the_step(c, h):
    if _mpf_filter(c, h):
        assert _positive_on(c, h), (c, h)
    if _fixed_filter(c, h):
        assert _positive_on(c, h), (c, h)


@given(r=st.fractions(min_value=Fraction(1, 8), max_value=1, max_denominator=16),
       extra=st.lists(coef, min_size=0, max_size=3))
def test_twin_a_polynomial_with_a_root_on_the_step_is_searched(r, extra):
    # (r - tau)(1 + tau^2 q(tau)) has its root r in (0, 1]; any such polynomial must not be skipped
    q = [Fraction(1), Fraction(0)] + [v / 16 for v in extra]
    q = [v if i != 2 else abs(v) + 1 for i, v in enumerate(q)] if len(q) > 2 else q
    c = [Fraction(0)] * (len(q) + 1)
    for i, v in enumerate(q):
        c[i] += r * v
        c[i + 1] -= v
    h = Fraction(1)
    assert not _positive_on(c, h)
    assert not _mpf_filter(c, h) and not _fixed_filter(c, h)


def test_a_coordinate_moving_away_from_zero_is_clear_where_the_former_test_searched():
    c, h = [Fraction(1), Fraction(5), Fraction(-3)], Fraction(1, 2)
    former = c[0] > sum(abs(v) * h ** i for i, v in enumerate(c) if i)
    assert not former and _mpf_filter(c, h) and _fixed_filter(c, h) and _positive_on(c, h)
