"""Predictions as expansions (gfcheck.symbolic.expansion): the judged exponent is the smallest term
that is not known to vanish, and the corrections are never negative."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gfcheck.symbolic.errors import InvalidInput
from gfcheck.symbolic.expansion import Expansion, Term

orders = st.fractions(min_value=F(1, 100), max_value=F(5), max_denominator=100)


@given(st.lists(st.tuples(orders, st.sampled_from([None, True, False])), min_size=1, max_size=6))
def test_leading_is_the_smallest_live_order_and_corrections_are_positive(spec):
    terms = tuple(Term(o, f"t{i}", nz) for i, (o, nz) in enumerate(spec))
    live = [o for o, nz in spec if nz is not False]
    if not live:
        with pytest.raises(InvalidInput):
            Expansion(terms)
        return
    e = Expansion(terms)
    assert e.leading == min(live)
    assert all(c > 0 for c in e.corrections)
    assert sorted(e.corrections) == list(e.corrections)
    assert {e.leading + c for c in e.corrections} == {o for o in live if o > min(live)}


def test_a_stated_exponent_above_a_competing_term_is_not_the_judged_one():
    # the case of issue 19: the statement's lambda^(16/7) with a lambda^2 term present
    stated = Term(F(16, 7), "the statement's exponent")
    e = Expansion((stated, Term(F(2), "the linearisation's lambda^2")))
    assert e.leading == 2 and e.leading != stated.order and e.corrections == (F(2, 7),)
    # twin: the competing term known to vanish -> the statement's exponent is judged
    assert Expansion((stated, Term(F(2), "gone", False))).leading == F(16, 7)


def test_terms_check_themselves():
    with pytest.raises(InvalidInput):
        Term(F(0), "zero order")
    with pytest.raises(InvalidInput):
        Term(F(1), " ")
