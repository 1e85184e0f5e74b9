"""Claims that cost no integration run first (``gfcheck verify``'s first phase, issue 19 item 5).

A claim declared on the data alone (``Claim.integrates`` False) and a claim whose hypotheses fail
(OUTSIDE_ASSUMPTIONS, decided exactly) run before the shared lambda ladder, so that a small
``--max-time`` spent by the ladder still reports them.  The declaration is tested, not trusted:
every such claim of every suite runs with the engines refusing to start (twin: a claim that does
integrate, declared on the data alone, is caught by the same test).
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
from unittest import mock

import pytest
from hypothesis import given, settings

from gfcheck.numeric import _float64, _full, _reduced
import gfcheck.proofs_check.jobs.verify  # noqa: F401 - the module, not the function of that name
verify_mod = sys.modules["gfcheck.proofs_check.jobs.verify"]
from gfcheck.proofs_check.core.context import PROFILES
from gfcheck.proofs_check.core.registry import claims, suites
from gfcheck.proofs_check.core.registry import suite as get_suite
from gfcheck.symbolic.budget import Budget

from budget import examples
from strategies import census_orthogonal_problems


class Integrated(Exception):
    """An engine was asked to integrate."""


@contextlib.contextmanager
def engines_refuse():
    """Every engine (reduced, full, float64) raises :class:`Integrated` when a run starts."""
    def refuse(*args, **kwargs):
        raise Integrated("an engine was asked to integrate")

    with mock.patch.object(_full._FullEngine, "run", refuse), mock.patch.object(_reduced._Engine, "run", refuse), \
            mock.patch.object(_float64._F64, "run", refuse):
        yield


def check_on_data_alone(claim, problem):
    """``claim.check`` on ``problem`` with the engines refusing; raises :class:`Integrated` if it
    integrates."""
    s = get_suite(claim.suite)
    ctx = s.make_context(problem, PROFILES["quick"] if claim.suite == "orthogonal" else "quick")
    with engines_refuse():
        return claim.check(ctx)


FREE = [c for s in suites() for c in claims(s.name) if not c.integrates]


def test_some_claims_are_declared_on_the_data_alone():
    assert {c.id for c in FREE} >= {"orthogonality", "convex-certificate"}


@pytest.mark.parametrize("claim", FREE, ids=lambda c: f"{c.suite}:{c.id}")
def test_a_claim_declared_on_the_data_alone_never_integrates(claim):
    result, twin = check_on_data_alone(claim, get_suite(claim.suite).default_problem())
    assert result.verdict == "VERIFIED" and twin.verdict == "REFUTED"


@settings(max_examples=examples(2))
@given(problem=census_orthogonal_problems(max_n=5, max_m=16))
def test_on_generated_problems_too(problem):
    for claim in (c for c in FREE if c.suite == "orthogonal"):
        result, _ = check_on_data_alone(claim, problem)
        assert result.verdict in ("VERIFIED", "REFUTED")


def test_twin_a_claim_that_integrates_declared_on_the_data_alone_is_caught():
    invariants = next(c for c in claims("orthogonal") if c.id == "invariants")
    liar = dataclasses.replace(invariants, integrates=False)
    with pytest.raises(Integrated):
        check_on_data_alone(liar, get_suite("orthogonal").default_problem())


class Recorder:
    """verify's progress, recording the order in which claims start."""

    def __init__(self):
        self.order = []

    def start(self, i, claim):
        self.order.append(claim.id)

    def done(self, i, result):
        pass


@settings(max_examples=examples(2))
@given(problem=census_orthogonal_problems(max_n=5, max_m=16, relu_one=True))
def test_a_budget_spent_by_the_ladder_still_reports_the_free_claims(problem):
    """The ladder (here: a prefetch that spends the whole budget) comes after the free claims: they
    have their verdicts, every claim that integrates is UNDECIDED naming the budget."""
    seen = []

    def prefetch_spends_the_budget(ctx, jobs, prog=None):
        seen.append(list(prog.order))
        ctx.budget = Budget(1.0, start=time.monotonic() - 10.0)
        return 0.0

    prog = Recorder()
    with mock.patch.object(verify_mod, "_prefetch", prefetch_spends_the_budget):
        results, ctx = verify_mod.verify(problem, PROFILES["quick"], progress=prog, jobs=1,
                                         budget=Budget(600.0))
    by_id = {r.claim.id: r for r in results}
    outside = {i for i, r in by_id.items() if r.verdict == "OUTSIDE_ASSUMPTIONS"}
    assert outside, "relu_prime_at_zero = 1 puts the claims proved for ReLU'(0) = 0 outside"
    free = outside | {c.id for c in FREE if c.suite == "orthogonal"}
    assert seen == [prog.order] and set(prog.order) == free
    for i in free - outside:
        assert by_id[i].verdict in ("VERIFIED", "REFUTED")
    rest = set(by_id) - free
    assert rest and all(by_id[i].verdict == "UNDECIDED" and "budget" in by_id[i].result.details["reason"]
                        for i in rest)
    assert ctx.stopped is not None


@settings(max_examples=examples(1))
@given(problem=census_orthogonal_problems(max_n=5, max_m=16))
def test_a_flow_at_rest_gets_no_undecided_verdict(problem):
    """Census 0056 (never-covered, shrunk): every neuron turned away from every point, so the field
    vanishes.  Before, early-closed-form climbed its ladder to 1e-200 for nothing and reduced-vs-full
    had a twin that could not fail (both UNDECIDED); now a claim that needs motion is
    OUTSIDE_ASSUMPTIONS (``moving``) and nothing is UNDECIDED or REFUTED."""
    away = tuple(-sum(x[i] / sum(v * v for v in x) for x in problem.inputs) for i in range(problem.d))
    rest = dataclasses.replace(problem, directions=(away,) * problem.m, relu_prime_at_zero=0)
    results, _ = verify_mod.verify(rest, PROFILES["quick"], progress=Recorder(), jobs=1)
    verdicts = {r.claim.id: r.verdict for r in results}
    assert not {"UNDECIDED", "REFUTED"} & set(verdicts.values()), verdicts
    for cid in ("reduced-vs-full", "early-closed-form", "decoupling"):
        r = next(r for r in results if r.claim.id == cid)
        assert r.verdict == "OUTSIDE_ASSUMPTIONS" and "assumption moving fails" in r.result.details["reason"]
