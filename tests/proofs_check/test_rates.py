"""The rate rule: power laws pass, wrong exponents, offsets and floors fail."""

import mpmath
import pytest

from gfcheck.proofs_check.rates import cauchy_limit, fit_rate
from gfcheck.symbolic.errors import DerivationUndecided

LAMS = [mpmath.mpf(10) ** -e for e in (10, 20, 30, 45, 60)]


def test_power_law_with_decaying_correction_agrees():
    with mpmath.workdps(40):
        errs = [2 * l ** mpmath.mpf("0.3") * (1 + l ** mpmath.mpf("0.1")) for l in LAMS]
        r = fit_rate(LAMS, errs)
        assert r.agrees(mpmath.mpf("0.3"))
        assert not r.agrees(mpmath.mpf("0.35"))  # twin: a wrong exponent


def test_constant_offset_and_rounding_floor_fail():
    with mpmath.workdps(40):
        offset = [l ** 2 + mpmath.mpf(10) ** -25 for l in LAMS]
        assert not fit_rate(LAMS, offset).agrees(2)
        floor = [max(l ** mpmath.mpf("0.3"), mpmath.mpf(10) ** -12) for l in LAMS]
        assert not fit_rate(LAMS, floor).agrees(mpmath.mpf("0.3"))


def test_too_few_rungs_is_undecided_not_verified():
    with pytest.raises(DerivationUndecided):
        fit_rate(LAMS[:2], [1e-3, 1e-6])


def test_lambda_for_accuracy_inverts_the_law():
    with mpmath.workdps(30):
        r = fit_rate(LAMS, [3 * l ** 0.5 for l in LAMS])
        assert abs(r.lambda_for("3e-5") / mpmath.mpf("1e-10") - 1) < mpmath.mpf(10) ** -20


def test_cauchy_limit():
    last, bound = cauchy_limit([1.5, 1.25, 1.125])
    assert last == 1.125 and bound == 0.25
