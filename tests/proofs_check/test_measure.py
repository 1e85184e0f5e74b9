"""``combine_verdicts``: a claim of several parts has a twin that fails only if every part's does."""

from __future__ import annotations

from gfcheck.proofs_check._measure import combine_verdicts
from gfcheck.proofs_check.verdicts import Verdict


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

