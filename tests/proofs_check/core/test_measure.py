"""``combine_verdicts``: a claim of several parts has a twin that fails only if every part's does."""

from __future__ import annotations

from gfcheck.proofs_check.core.measure import combine_verdicts
from gfcheck.proofs_check.core.verdicts import Verdict


def _v(verdict):
    return Verdict(verdict, "p", "m", "r", "t", {})


def test_every_part_that_holds_needs_a_refuted_twin():
    both = {"a": (_v("VERIFIED"), _v("REFUTED")), "b": (_v("VERIFIED"), _v("REFUTED"))}
    claim, twin = combine_verdicts(both)
    assert (claim.verdict, twin.verdict) == ("VERIFIED", "REFUTED")
    assert twin.details["parts"] == {"a": "REFUTED", "b": "REFUTED"}


def test_twin_one_part_whose_twin_cannot_fail_is_not_vouched_for_by_the_other():
    """The negative twin of the rule: part b's twin holds as well as b (b could not have
    failed), so the combined twin is not REFUTED and the claim will not count as VERIFIED."""
    parts = {"a": (_v("VERIFIED"), _v("REFUTED")), "b": (_v("VERIFIED"), _v("VERIFIED"))}
    assert combine_verdicts(parts)[1].verdict == "VERIFIED"
    parts["b"] = (_v("VERIFIED"), _v("UNDECIDED"))
    assert combine_verdicts(parts)[1].verdict == "UNDECIDED"


def test_a_failing_claim_keeps_its_worst_part():
    parts = {"a": (_v("VERIFIED"), _v("REFUTED")), "b": (_v("REFUTED"), _v("VERIFIED"))}
    claim, twin = combine_verdicts(parts)
    assert claim.verdict == "REFUTED" and twin.verdict == "REFUTED"



def _verified_limit(pred):
    import mpmath

    from gfcheck.proofs_check.core.rates import judge_rate

    with mpmath.workdps(40):
        lams = [mpmath.mpf(10) ** -e for e in (10, 20, 30, 40, 50, 60)]
        errs = [3 * lam ** pred * (1 + lam ** mpmath.mpf("0.25")) for lam in lams]
        return judge_rate(lams, errs, pred, corrections=(mpmath.mpf("0.25"),), resolution=mpmath.mpf(2) ** -10)


def test_plausible_wrong_theories_are_refuted_by_the_data_that_verify_the_claim():
    """Issue 25 item 6: beside the near miss, a wrong theory a reader could believe (gamma for
    2 gamma) must be refuted by the same measurements; the twin is REFUTED only if all are."""
    import mpmath

    from gfcheck.proofs_check.core.measure import limit_verdicts

    limit = _verified_limit(mpmath.mpf("0.6"))
    assert limit.verdict == "VERIFIED"
    claim, twin = limit_verdicts(limit, wrong={"gamma instead of 2 gamma": mpmath.mpf("0.3")})
    assert claim.verdict == "VERIFIED" and twin.verdict == "REFUTED"
    assert twin.details["wrong_theories"]["gamma instead of 2 gamma"]["verdict"] == "REFUTED"
    # a rival that coincides with the prediction on these data is no rival: n/a, left out
    _, twin = limit_verdicts(limit, wrong={"same": mpmath.mpf("0.6")})
    assert twin.details["wrong_theories"]["same"]["verdict"] == "n/a" and twin.verdict == "REFUTED"


def test_a_wrong_theory_the_data_cannot_refute_keeps_the_twin_from_being_refuted():
    """Twin of the rule: on a pre-asymptotic ladder (three shallow rungs, a correction of order
    0.05) nothing is resolved, so the rival is not refuted and neither is the twin: run_claim
    would not count the claim as VERIFIED."""
    import mpmath

    from gfcheck.proofs_check.core.measure import limit_verdicts
    from gfcheck.proofs_check.core.rates import judge_rate

    with mpmath.workdps(40):
        lams = [mpmath.mpf(10) ** -e for e in (2, 3, 4)]
        errs = [3 * lam ** mpmath.mpf("0.6") * (1 + 5 * lam ** mpmath.mpf("0.05")) for lam in lams]
        limit = judge_rate(lams, errs, mpmath.mpf("0.6"), corrections=(mpmath.mpf("0.05"),),
                           resolution=mpmath.mpf(2) ** -10)
        _, twin = limit_verdicts(limit, wrong={"gamma instead of 2 gamma": mpmath.mpf("0.3")})
    assert twin.details["wrong_theories"]["gamma instead of 2 gamma"]["verdict"] == "UNDECIDED"
    assert twin.verdict != "REFUTED"
