"""Claim 16 (b)'s run ends where what the claim reads has settled, not at twice the horizon.

The uncovered point's run (:func:`_uncovered_run`) is accepted at the horizon when the other points
are fitted and the loss is still over its last 1/240 (census 0004: 14 s instead of 29 s); twin: a
horizon cut before the fit is run again to twice its length, though the loss is as still on the
first plateau.  The problem is generated (census sizes scaled down so that CI affords the engine:
n 3 to 4, m 6 to 10, both label signs, A3).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import census_orthogonal_problems

from gfcheck.numeric import weights_from
from gfcheck.numeric.precision import to_mpf
from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.core.measure import loss
from gfcheck.proofs_check.suites.orthogonal import claims_exact as ce
from gfcheck.proofs_check.suites.orthogonal.context import Context

#: the rung of claim 16 (b)'s run (the profile's first)
LAMBDA = Profile.named("quick").scales[0]


def _variant_problems():
    """The first generated problems (derandomised) on which claim 16 (a) applies: a sign class of
    two points at least whose main neuron can be removed with every point covered."""
    found = []

    @settings(max_examples=30, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(census_orthogonal_problems(min_n=3, max_n=4, min_m=6, max_m=10, a3=True, one_signed=False,
                                      relu_one=False))
    def draw(p):
        if len(found) < 1:
            ctx = Context(p, Profile.named("quick"))
            S = ce._violation_class(ctx)
            if S and ce.no_main_neuron_variant(p, S) is not None:
                found.append(p)

    draw()
    return found


@pytest.fixture(scope="module")
def case():
    problems = _variant_problems()
    if not problems:
        pytest.fail("no generated problem admits claim 16's A3-broken variant")
    p = problems[0]
    ctx = Context(p, Profile.named("quick"))
    S = ce._violation_class(ctx)
    return ctx, ce.no_main_neuron_variant(p, S), S


def test_the_uncovered_run_is_rerun_when_its_horizon_ends_before_the_loss_is_still(case, monkeypatch):
    ctx, _, S = case
    pb = ce.uncovered_point_variant(ctx.problem, S[0])
    bits = ce._bits(ctx)
    L0 = sum(v ** 2 for v in ctx.problem.labels) / (2 * ctx.problem.n)
    still = L0 / Fraction(4) ** bits
    ends = []
    real_run = ctx.run

    def run(problem=None, **kw):
        ends.append(kw["t_end"])
        return real_run(problem, **kw)

    monkeypatch.setattr(ctx, "run", run)
    out = ce._uncovered_run(ctx, pb, S[0], LAMBDA, bits)
    T = ctx.horizon(LAMBDA)
    assert ends == [T] and out.final.t == to_mpf(T) and out.crossings["others"] is not None
    with out.precision.scope():
        before, end = (loss(pb, weights_from(pb, st), st.a) for st in out.samples[-2:])
        assert abs(end - before) <= to_mpf(still)
    # twin: a horizon that ends before the fit is not accepted, though the loss is as still on the
    # first plateau (it moves by lambda^2 there)
    ends.clear()
    monkeypatch.setattr(ctx, "horizon", lambda lam, *a, **k: Fraction(2))
    out = ce._uncovered_run(ctx, pb, S[0], LAMBDA, bits)
    assert ends == [2, 4] and out.final.t == 4


@pytest.mark.parametrize("whole_run", [100.0, None])
def test_the_gap_rungs_stop_before_one_predicted_to_pass_the_whole_run_budget(monkeypatch, whole_run):
    """Census 0103: claim 16's gap runs through the settle (horizons 4371 to 28000) were cut by the
    budget after 189 s, and the slope decided in 7 s was lost with them.  ``within_whole_run`` runs
    the rungs while the next, predicted from the costliest seconds per unit of horizon so far, fits
    what is left: with 100 s and rungs costing 10 s per unit of horizons 1, 2, 4, 8 it runs three
    (70 s) and leaves out the fourth (80 s predicted, 30 s left); twin: unbounded, all four run (a
    fake clock, no timing)."""
    import time

    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.claims_exact import within_whole_run
    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.suites.orthogonal.suite import default_problem
    from gfcheck.symbolic.budget import Budget

    clock = [500.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    ctx = Context(default_problem(), Profile.named("quick"))
    ctx.budget = Budget(whole_run, start=clock[0])
    horizon = {10: 1, 20: 2, 30: 4, 40: 8}
    ran = []

    def measure(e):
        clock[0] += 10.0 * horizon[e]
        ran.append(e)

    cut, why = within_whole_run(ctx, [10, 20, 30, 40], measure, horizon.get)
    assert (ran, cut) == (([10, 20, 30], 40) if whole_run else ([10, 20, 30, 40], None))
    assert ("predicted at 80 s, it would pass the whole-run budget of 100 s" in why) == bool(whole_run)


def test_a_gap_rung_cut_by_the_budget_keeps_what_ran():
    """The claim's time bound fires inside a rung's run (``TimeBudgetSpent``): the rungs before it
    are kept and the cut rung is named with the bound's message, instead of the claim being lost;
    twin: any other failure propagates."""
    from types import SimpleNamespace

    from gfcheck.proofs_check.suites.orthogonal.claims_exact import within_whole_run
    from gfcheck.symbolic.errors import TimeBudgetSpent

    ctx = SimpleNamespace(passes_whole_run=lambda secs: False)
    ran = []
    spent = TimeBudgetSpent("the whole-run budget of 300 s (--max-time) was spent")

    def measure(e, fail=spent):
        if e == 30:
            raise fail
        ran.append(e)

    assert within_whole_run(ctx, [10, 20, 30, 40], measure, lambda e: 1) == \
        (30, "cut: the whole-run budget of 300 s (--max-time) was spent")
    assert ran == [10, 20]
    with pytest.raises(ZeroDivisionError):
        within_whole_run(ctx, [10, 20, 30], lambda e: measure(e, ZeroDivisionError()), lambda e: 1)
