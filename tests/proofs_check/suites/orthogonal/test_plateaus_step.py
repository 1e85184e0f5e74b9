"""Claim 11 (plateaus): the sup distance to the step function is an ordering, not a tolerance (census 0138).

The rule rung by rung refuted the claim on a sup that jittered at the deepest rung (9.82e-11 after
4.54e-12) while both plateaus were VERIFIED.  It now asks that the deepest third of the sups lie below the
shallowest third, and when that fails the claim is UNDECIDED with the reason, never REFUTED: no order
of the mathematics bounds the sup here, the plateaus' values and rates are the parts that refute.
"""

from __future__ import annotations

import pytest

from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.core.registry import claims, suite
from gfcheck.proofs_check.suites.orthogonal import claims_asymptotic


@pytest.mark.parametrize("falls", [True, False])
def test_a_sup_that_does_not_fall_leaves_plateaus_undecided_not_refuted(monkeypatch, falls):
    monkeypatch.setattr(claims_asymptotic, "_goes_to_zero", lambda sup: falls)
    the_suite = suite("orthogonal")
    ctx = the_suite.make_context(the_suite.default_problem(), Profile.named("quick"))
    claim = next(c for c in claims("orthogonal") if c.id == "plateaus")
    result, twin = claim.check(ctx)
    assert result.details["sup_distance_decreasing"] == str(falls)
    if falls:  # twin: the default problem's plateaus hold
        assert result.verdict == "VERIFIED"
    else:
        assert result.verdict == "UNDECIDED" and "did not fall along the ladder" in result.details["reason"]
