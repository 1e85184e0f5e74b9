"""Every orthogonal claim runs on its second route (issue 19 item 4): a REFUTED is reported only
when the check, rerun with 20 more digits on the *full* (a, W) engine in place of the reduced one,
refutes again.  A check that cannot run there (a reduced-only state, a helper that reads the
reduced engine's stats) would turn every real refutation into an UNDECIDED, silently: so each
check must reach the same verdict on the default problem on its second route, with its twin
REFUTED.  A short ladder (1e-10 .. 1e-30) keeps the cost down; the check decides there on the
default problem.  In CI one claim (exit-times) runs; the thorough profile runs them all (measured
2026-12-06, load 3-4: 1 to 57 s each, 6 min in all; all VERIFIED, twins REFUTED).  The route's
power is tested elsewhere: a planted falsehood survives it (tests/quality/test_planted_falsehoods.py,
growth-rate) and a disagreement of the engines is named (tests/proofs_check/core/test_verdicts.py)."""

from __future__ import annotations

import os

import pytest

from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.core.registry import claims, suite

SHORT = Profile("second-route", (10, 20, 30), dps=30, claim_seconds=300.0, run_seconds=None)
INTEGRATING = [c.id for c in claims("orthogonal") if c.integrates]
CI_SLICE = ("exit-times",)
SELECTED = INTEGRATING if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else CI_SLICE


@pytest.mark.parametrize("cid", SELECTED)
def test_the_check_reaches_its_verdict_on_its_second_route(cid):
    c = next(c for c in claims("orthogonal") if c.id == cid)
    su = suite("orthogonal")
    other = su.make_context(su.default_problem(), SHORT).second_route(other_engine=not c.compares_engines)
    result, twin = c.check(other)
    first, used = other.route_engines()
    assert (used == "full") != c.compares_engines, (first, used)
    assert result.verdict == "VERIFIED", result
    assert twin.verdict == "REFUTED", twin


def test_the_ci_slice_is_a_claim_of_the_suite():
    assert set(CI_SLICE) <= set(INTEGRATING)
