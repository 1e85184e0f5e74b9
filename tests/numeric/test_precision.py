"""``numeric/precision.py``: the named precisions the checks scope their work with (issue 26, item 5).

A check that needs a fixed number of digits (a printed number, a rate's judgement) takes
``Precision.digits(d)``; one computed in bits takes ``Precision.of_bits(b)``; one finer than a run
takes ``run.precision.beyond(guard)``.  Each must set exactly the precision the bare mpmath scope
it replaced set (the reports are the same bytes), and each has a twin that sets another.
"""

from __future__ import annotations

import mpmath
from hypothesis import given, strategies as st

from gfcheck.numeric.precision import JUDGED, PRINTED, Precision, bits_for_dps


@given(st.integers(5, 5000))
def test_digits_sets_what_workdps_sets(dps):
    with mpmath.workdps(dps):
        theirs = mpmath.mp.prec
    with Precision.digits(dps).scope() as prec:
        assert mpmath.mp.prec == theirs == prec.work_bits
        assert prec.dps == dps and prec.guard_bits >= 0


@given(st.integers(5, 5000))
def test_twin_a_plain_precision_of_as_many_digits_sets_other_bits(dps):
    """``Precision(d)`` carries the engine's 24 guard bits: not what ``workdps(d)`` sets."""
    with mpmath.workdps(dps):
        theirs = mpmath.mp.prec
    with Precision(dps).scope():
        assert mpmath.mp.prec != theirs


@given(st.integers(bits_for_dps(5), 20_000))
def test_of_bits_sets_exactly_those_bits_and_the_most_digits_they_carry(bits):
    prec = Precision.of_bits(bits)
    with prec.scope():
        assert mpmath.mp.prec == bits == prec.work_bits
    assert prec.bits <= bits < bits_for_dps(prec.dps + 1)


@given(st.integers(5, 2000), st.integers(0, 200))
def test_beyond_is_the_working_bits_plus_the_guard(dps, guard):
    prec = Precision(dps)
    with prec.beyond(guard):
        assert mpmath.mp.prec == prec.work_bits + guard
    with prec.extra(guard):  # twin: ``extra`` widens the requested bits, not the working ones
        assert mpmath.mp.prec == prec.work_bits + guard - prec.guard_bits


def test_the_named_precisions_and_that_scopes_restore():
    before = mpmath.mp.prec
    with PRINTED.scope():
        assert mpmath.mp.dps == 20
        with JUDGED.scope():
            assert mpmath.mp.dps == 30
        assert mpmath.mp.dps == 20
    assert mpmath.mp.prec == before
