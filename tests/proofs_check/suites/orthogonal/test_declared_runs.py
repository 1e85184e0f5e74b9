"""``Claim.runs``: the runs a claim declares are the runs its check reads.  verify integrates them
ahead (in the stage's prefetch, or on the spare process when the claim runs alone: census 0103 and
0114), so a declaration the check never reads is work thrown away on the other core, and one it
reads but does not declare is integrated one after the other as before."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest


def _context(relu_prime_at_zero):
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.suites.orthogonal.suite import default_problem

    problem = dataclasses.replace(default_problem(), relu_prime_at_zero=relu_prime_at_zero)
    return Context(problem, Profile.named("quick"))


def _claim(cid):
    from gfcheck.proofs_check.core.registry import claims

    (claim,) = [c for c in claims("orthogonal") if c.id == cid]
    return claim


def _unread(ctx, claim, declared):
    """The requests of ``declared`` that the claim's check did not read."""
    claim.check(ctx)
    return [(p, k) for p, k in declared if not ctx.made(p, **k)]


@pytest.mark.parametrize("cid, relu_prime_at_zero", [("assumption-violations", 0), ("relu-prime-convention", 0),
                                                     ("relu-prime-convention", 1)])
def test_every_declared_run_is_read_by_the_check(cid, relu_prime_at_zero):
    """Claims 16 and 17 on the default problem (claim 17 under both conventions: under 1 its runs
    at 0 are its own and declared too): every declared run is one the check reads."""
    ctx, claim = _context(relu_prime_at_zero), _claim(cid)
    declared = claim.runs(ctx)
    assert len(declared) >= 4
    assert _unread(ctx, claim, declared) == []


def test_a_declared_run_the_check_does_not_read_is_caught():
    """Twin: claim 17's declaration with every horizon one unit longer is read by nothing."""
    ctx, claim = _context(1), _claim("relu-prime-convention")
    moved = [(p, dict(k, t_end=k["t_end"] + 1)) for p, k in claim.runs(ctx)]
    assert len(_unread(ctx, claim, moved)) == len(moved)


def test_a_declaration_that_fails_declares_nothing():
    """verify's ``_declared_runs``: a claim whose declaration raises declares none (its check meets
    the cause and reports it); the others' are kept, in order."""
    from gfcheck.proofs_check.jobs.verify import _declared_runs

    def broken(ctx):
        raise ZeroDivisionError

    claims = [SimpleNamespace(runs=lambda ctx: [("p", {"t_end": 1})]), SimpleNamespace(runs=broken),
              SimpleNamespace(runs=None), SimpleNamespace(runs=lambda ctx: [("q", {"t_end": 2})])]
    assert _declared_runs(None, claims) == [("p", {"t_end": 1}), ("q", {"t_end": 2})]
