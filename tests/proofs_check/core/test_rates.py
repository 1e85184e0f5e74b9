"""The limit rule (rates.py): approaching the prediction verifies, settling or moving elsewhere
refutes, an unresolved ladder is undecided; a poorer fit never widens the band."""

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gfcheck.proofs_check.core.rates import judge_limit, judge_rate, local_exponents
from gfcheck.symbolic.errors import InvalidInput

EXPS = (10, 20, 30, 45, 60, 80, 100)


def _lams(exps=EXPS):
    return [mpmath.mpf(10) ** -e for e in exps]


def _errs(lams, e, corr, c=1):
    return [3 * lam ** e * (1 + c * lam ** corr) for lam in lams]


@given(e=st.sampled_from(["0.06", "0.3", "1", "2"]), corr=st.sampled_from(["0.05", "0.2", "1"]),
       c=st.sampled_from([-0.9, -0.5, 0.5, 3]))
def test_power_law_with_the_stated_correction_verifies_and_its_edge_twin_is_refuted(e, corr, c):
    with mpmath.workdps(60):
        e, corr = mpmath.mpf(e), mpmath.mpf(corr)
        lams = _lams()
        errs = _errs(lams, e, corr, c)
        r = e / 1024
        j = judge_rate(lams, errs, e, corrections=(corr, 2 * corr), resolution=r)
        assert j.verdict == "VERIFIED", j.to_details()
        assert abs(j.limit - e) <= r
        # the near miss: four bands away, the same data must refute it
        assert judge_rate(lams, errs, e + 4 * r, corrections=(corr, 2 * corr), resolution=r).verdict == "REFUTED"


def test_a_slow_correction_is_undecided_on_a_short_ladder_and_says_how_deep_to_go():
    with mpmath.workdps(40):
        lams = _lams((10, 20, 30))
        errs = _errs(lams, mpmath.mpf("0.5"), mpmath.mpf("0.01"))
        j = judge_rate(lams, errs, mpmath.mpf("0.5"), corrections=(), resolution=mpmath.mpf("1e-4"))
        assert j.verdict == "UNDECIDED"
        assert j.lambda_needed is None or j.lambda_needed < lams[-1]


def test_a_constant_offset_settles_elsewhere_and_is_refuted():
    # err = lambda^2 + 1e-25: the local exponents run to 0, far from 2
    with mpmath.workdps(60):
        lams = _lams()
        errs = [lam ** 2 + mpmath.mpf(10) ** -25 for lam in lams]
        assert judge_rate(lams, errs, 2, corrections=(2,), resolution=mpmath.mpf(2) / 1024).verdict == "REFUTED"


def test_a_wrong_exponent_is_refuted_not_absorbed_by_a_wider_band():
    with mpmath.workdps(60):
        lams = _lams()
        errs = _errs(lams, mpmath.mpf("0.3"), mpmath.mpf("0.1"))
        r = mpmath.mpf("0.3") / 1024
        j = judge_rate(lams, errs, mpmath.mpf("0.31"), corrections=(mpmath.mpf("0.1"),), resolution=r)
        assert j.verdict == "REFUTED" and j.resolution == r


def test_noise_through_the_extrapolation_makes_it_undecided_not_verified():
    with mpmath.workdps(60):
        lams = _lams()
        errs = _errs(lams, mpmath.mpf("0.3"), mpmath.mpf("0.1"))
        r = mpmath.mpf("0.3") / 1024
        j = judge_rate(lams, errs, mpmath.mpf("0.3"), corrections=(mpmath.mpf("0.1"),), resolution=r,
                       rel_noise=[mpmath.mpf("0.5")] * len(lams))
        assert j.verdict == "UNDECIDED"


def test_one_sided_limits():
    with mpmath.workdps(40):
        mus = [mpmath.mpf(10) ** -e for e in (5, 10, 15, 20)]
        above = [1 + m for m in mus]
        assert judge_limit(mus, above, mpmath.mpf("0.5"), corrections=(1,), resolution=mpmath.mpf("1e-3"),
                           one_sided=True).verdict == "VERIFIED"
        assert judge_limit(mus, above, 2, corrections=(1,), resolution=mpmath.mpf("1e-3"),
                           one_sided=True).verdict == "REFUTED"


def test_local_exponents_of_an_exact_power_law():
    with mpmath.workdps(30):
        mids, exps, noise = local_exponents(_lams((10, 20)), [l ** 3 for l in _lams((10, 20))])
        assert abs(exps[0] - 3) < mpmath.mpf(10) ** -25 and noise == [0]


def test_too_few_values_are_undecided():
    assert judge_limit([mpmath.mpf("1e-3")], [1], 1, corrections=(), resolution=1).verdict == "UNDECIDED"
    with pytest.raises(InvalidInput, match="positive"):
        local_exponents([1e-3, 1e-6], [0, 1e-6])


@given(e=st.sampled_from(["0.3", "1", "2"]), side=st.sampled_from([-1, 1]),
       extra=st.sampled_from(["0.01", "0.5", "3"]), offset=st.sampled_from(["-0.9", "0", "0.9"]))
def test_a_rival_beyond_the_separation_is_refuted_by_any_data_that_verify(e, side, extra, offset):
    """separation_needed (7r/3): data whose limit lies anywhere in the band (an offset of up to
    0.9 r, planted in the data) and verify the claim refute every rival farther than 7r/3; the
    twin: a rival at r (inside the separation) is not refuted by data that settle on it."""
    from gfcheck.proofs_check.core.rates import rejudge, separation_needed

    with mpmath.workdps(60):
        e = mpmath.mpf(e)
        r = e / 1024
        lams = _lams()
        planted = e + mpmath.mpf(offset) * r
        errs = _errs(lams, planted, mpmath.mpf("0.2"))
        j = judge_rate(lams, errs, e, corrections=(mpmath.mpf("0.2"),), resolution=r)
        assert j.verdict == "VERIFIED", j.to_details()
        rival = e + side * (separation_needed(r) + mpmath.mpf(extra) * r)
        assert rejudge(j, rival).verdict == "REFUTED"
        near = planted + side * r / 2  # within the band of the measured limit: never refuted
        assert rejudge(j, near).verdict != "REFUTED"


def test_a_one_sided_bound_is_verified_when_the_whole_uncertainty_lies_above_it():
    """variation-norm's 'exponent >= 1' (law helper, 2 min gamma = 1.3675): the limit 1.3675 +- 4.3e-4
    was UNDECIDED only because u > r/3, although the bound holds with the whole interval.  Values
    falling towards 1.37 with rounding noise of about the band (u > r/3): VERIFIED one-sided
    against 1; the twin, a bound above the limit, is not; two-sided it stays UNDECIDED."""
    with mpmath.workdps(40):
        mus = [mpmath.mpf(10) ** -e for e in (4, 8, 12, 16, 20, 24)]
        r = mpmath.mpf("1e-3")
        values = [mpmath.mpf("1.37") + m ** mpmath.mpf("0.5") for m in mus]
        noise = [r / 2] * len(values)
        kw = dict(corrections=(mpmath.mpf("0.5"),), resolution=r, noise=noise)
        j = judge_limit(mus, values, 1, one_sided=True, **kw)
        assert j.uncertainty > r / 3 and j.limit - j.uncertainty >= 1 - r
        assert j.verdict == "VERIFIED" and "one-sided: a settled limit" in j.reason
        assert judge_limit(mus, values, mpmath.mpf("1.37") + 10 * r, one_sided=True, **kw).verdict != "VERIFIED"
        assert judge_limit(mus, values, mpmath.mpf("1.37"), **kw).verdict == "UNDECIDED"


@given(st.lists(st.sampled_from(["0.0411", "0.0684", "0.2280", "0.3", "1", "1.5"]), min_size=1, max_size=4,
                unique=True))
def test_the_generated_orders_hold_every_sum_of_up_to_four_orders_below_the_first_left_out(base):
    """Every multiple and every cross term ``a + b`` (``a != b``) below ``5 min(base)`` is a correction,
    and nothing else: computed here from the definition, by brute force over sums of 1 to 4 orders."""
    import itertools

    from fractions import Fraction

    from gfcheck.numeric.precision import JUDGED, to_mpf, tolerance
    from gfcheck.proofs_check.core.rates import generated_orders

    exact = [Fraction(b) for b in base]  # the definition, in exact rationals
    cap = 5 * min(exact)
    want = sorted({sum(c) for k in range(1, 5) for c in itertools.combinations_with_replacement(exact, k)
                   if sum(c) < cap})
    with JUDGED.scope():
        got = generated_orders([mpmath.mpf(b) for b in base])
        tol = tolerance(mpmath.mp.prec, 8)  # a sum of four orders, each rounded once
        assert len(got) == len(want) and all(abs(g - to_mpf(w)) <= tol for g, w in zip(got, want))
    if len(exact) >= 2 and sum(sorted(exact)[:2]) < cap:  # twin: the multiples alone miss a cross term
        assert set(want) - {k * b for b in exact for k in range(1, 5)}


#: census 0138 (n = 5, d = 9, m = 26), plateaus' first plateau at the quick profile: local exponents of
#: ``|L - L0|`` at the probe between the rungs 1e-4 .. 1e-20, measured (reduced engine), and the law's
#: correction orders (its competing terms less the leading exponent 1, from the report)
CENSUS_0138 = (
    ["1e-5", "1e-7", "1e-9", "1e-11", "1e-13", "1e-15", "1e-17", "1e-19"],
    ["1.060350783", "1.042360837", "1.033083631", "1.027547912", "1.023496231", "1.020120412", "1.017160992",
     "1.01454259"],
    ["0.04111", "0.06837", "0.22804", "0.26778", "0.28209", "0.30387", "0.71622", "0.88649", "1"])


@pytest.mark.parametrize("multiples_only", [False, True])
def test_census_0138_a_slow_approach_with_two_close_corrections_is_not_refuted(monkeypatch, multiples_only):
    """The values still move like ``lambda^0.0411`` towards 1 (their steps shrink by 0.84 per two decades,
    ``10^(-2 * 0.0411)`` = 0.83).  With the cross term 0.0411 + 0.0684 = 0.1095 among the corrections, the
    first one a fit leaves out is above the band at 1e-19: UNDECIDED, with the lambda a decision needs (the
    ladder deepens).  Twin, the rule before the fix (the multiples alone): the five-correction fit left out
    the cross term, took 0.164 for the first correction left out (below the band) and refuted 1 on a limit
    0.99817 +- 0.0001."""
    from gfcheck.numeric.precision import JUDGED
    from gfcheck.proofs_check.core import rates

    if multiples_only:
        monkeypatch.setattr(rates, "generated_orders", lambda base: rates.correction_orders(
            k * c for c in rates.correction_orders(base) for k in range(1, rates.MULTIPLES + 1)))
    mus, values, orders = CENSUS_0138
    with JUDGED.scope():
        mus, values = [mpmath.mpf(m) for m in mus], [mpmath.mpf(v) for v in values]
        lim = judge_limit(mus, values, 1, corrections=[mpmath.mpf(o) for o in orders],
                          resolution=mpmath.mpf("0.000977"))
    if multiples_only:
        assert lim.verdict == "REFUTED"
    else:
        assert lim.verdict == "UNDECIDED" and lim.lambda_needed < mus[-1]
