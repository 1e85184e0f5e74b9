"""Invariants are measured against the exact values of ``t = 0`` from the problem (issue 20 item 5):
an engine that starts unbalanced (``a_j(0) = s_j sqrt(lambda)`` instead of ``s_j lambda ||g_j||``)
carries a conserved value of its own, which a drift measured from its first sample cannot see;
orthogonal claim 4 and separable claim 1 must refute it."""

from __future__ import annotations

from fractions import Fraction

import pytest

from gfcheck.numeric import _common
from gfcheck.numeric.examples import separable_problem
from gfcheck.proofs_check.core.measure import initial_balance
from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.suites.orthogonal.context import Context
from gfcheck.proofs_check.suites.separable.context import SepContext
from gfcheck.proofs_check.core.registry import claims, run_claim
from gfcheck.proofs_check.suites.orthogonal.suite import default_problem

_real_initial_values = _common.initial_values


def _unbalanced(problem):
    """The mutant start: ``a_j(0) = s_j sqrt(lambda)`` (the rest as the engines' own)."""
    a0, u0 = _real_initial_values(problem)
    return [("sqrt", s, problem.scale) for s in problem.signs], u0


def _claim(suite, cid):
    return next(c for c in claims(suite) if c.id == cid)


CASES = {
    "orthogonal": (lambda: Context(default_problem(), Profile("inv", (10,), dps=30)), "invariants"),
    "separable": (lambda: SepContext(separable_problem(), Profile("inv", (4, 6), dps=30)), "invariant"),
}


@pytest.mark.parametrize("suite", sorted(CASES))
def test_balanced_engine_verified(suite):
    make, cid = CASES[suite]
    r = run_claim(_claim(suite, cid), make())
    assert r.verdict == "VERIFIED", r.result
    assert r.twin.verdict == "REFUTED", r.twin


@pytest.mark.slow  # 60 s each on a quiet core: the second route reruns the refuted check at 20 more digits
@pytest.mark.parametrize("suite", sorted(CASES))
def test_twin_unbalanced_start_in_the_engine_is_refuted(suite, monkeypatch):
    monkeypatch.setattr(_common, "initial_values", _unbalanced)
    make, cid = CASES[suite]
    r = run_claim(_claim(suite, cid), make())
    assert r.verdict == "REFUTED", r.result
    assert "internal error" not in str(r.result.details)


def test_initial_balance_from_output_weights():
    p = default_problem()
    import dataclasses

    q = dataclasses.replace(p, output_weights=tuple(Fraction(s, 2) for s in p.signs))
    g2 = [p.scale ** 2 * sum(v * v for v in g) for g in p.directions]
    assert initial_balance(q) == [Fraction(1, 4) - x for x in g2]
    assert set(initial_balance(p)) == {Fraction(0)}
