"""``verify --prove`` on the orthogonal suite (proofs_check/suites/orthogonal/prove.py, docs/enclose.md).

On generated problems at real sizes the enclosures prove what the claims measured (the exit set,
the engine's exit times within their tolerance, the exits' order, the invariants), and every twin is
not proved.  Planted faults are caught: an engine time moved inside the claim's own bits, an exit
set with one pair dropped, a spent budget.
"""

from __future__ import annotations

import dataclasses
import time
from types import SimpleNamespace

import pytest
from budget import examples
from hypothesis import HealthCheck, given, settings
from strategies import census_orthogonal_problems

flint = pytest.importorskip("flint")

from gfcheck.proofs_check.core.context import Profile  # noqa: E402
from gfcheck.proofs_check.jobs.verify import prove_parts, verify  # noqa: E402
from gfcheck.proofs_check.suites.orthogonal import claims_exact as ce  # noqa: E402
from gfcheck.proofs_check.suites.orthogonal import prove as pv  # noqa: E402

QUICK = Profile.named("quick")
#: what a NOT PROVED may honestly say on a problem whose claims hold (the widths, not the flow)
UNDECIDABLE = ("no enclosure at this rung", "the loss balls straddle", "two exits' time balls overlap")


def _proved(problem, only=("exit-times",)):
    results, ctx = verify(problem, QUICK, only=list(only), jobs=1)
    prove_parts(ctx, results, None)
    return results, ctx


@settings(max_examples=examples(2), deadline=None, suppress_health_check=list(HealthCheck))
@given(census_orthogonal_problems(max_n=5, max_extra_d=1, max_m=14, relu_one=False, seeded=True))
def test_the_enclosures_prove_what_the_exit_claim_measured(problem):
    """On its first rung (the ci derandomised draw includes lambda = 1e-49 with neurons of 1e-51
    beside others of 1e-2: the enclosure needs 62 digits there, the prover raises them itself)."""
    results, ctx = verify(problem, QUICK, only=["exit-times", "invariants"], jobs=1)
    parts, settings_ = pv.prove(ctx, results, rungs=1)
    exits = next(r for r in results if r.claim.id == "exit-times")
    if exits.verdict == "OUTSIDE_ASSUMPTIONS":
        assert not any(p.claim == "exit-times" for p in parts)
        return
    assert parts, settings_
    for p in parts:
        assert p.twin_verdict == "NOT PROVED", p  # every twin can fail, and does
        assert p.verdict == "PROVED" or p.reason.startswith(UNDECIDABLE), p
    assert any(p.verdict == "PROVED" and p.part == "exit set" for p in parts), parts


@pytest.fixture(scope="module")
def default_run():
    from gfcheck.proofs_check.suites.orthogonal.suite import default_problem

    return _proved(default_problem())


def test_an_engine_time_moved_inside_its_own_bits_is_not_proved(default_run, monkeypatch):
    results, ctx = default_run
    honest = {(p.part, p.scale): p.verdict for p in ctx.proofs[0]}
    assert honest[("exit times", "1e-6")] == "PROVED"
    real = ce.early_run

    def planted(ctx_, e, t):
        lam, run = real(ctx_, e, t)
        tol = ce.exit_time_tolerance(ctx_, e, t)
        with run.precision.scope():
            moved = [dataclasses.replace(ev, t=ev.t + 8 * tol) if i == 0 else ev for i, ev in enumerate(run.events)]
        return lam, SimpleNamespace(events=moved)

    monkeypatch.setattr(ce, "early_run", planted)
    prove_parts(ctx, results, None)
    planted_parts = {(p.part, p.scale): p for p in ctx.proofs[0]}
    assert planted_parts[("exit times", "1e-6")].verdict == "NOT PROVED"
    assert planted_parts[("exit set", "1e-6")].verdict == "PROVED"  # the set does not depend on the engine


def test_an_exit_set_with_a_pair_dropped_is_not_proved(default_run):
    from flint import arb

    from gfcheck.numeric.enclose import arb_precision, enclose
    from gfcheck.proofs_check.core.context import with_scale

    results, ctx = default_run
    ep = ctx.early_phase
    t = ce.early_probe_time(ep)
    e = 6
    enc = enclose(with_scale(ctx.problem, ce.Fraction(1, 10 ** e)), t_end=t, dps=ce.early_dps(ctx, e, t), grid=1)
    _, run = ce.early_run(ctx, e, t)
    j = next(j for j in range(ctx.problem.m) if ep.exits[j])
    dropped = SimpleNamespace(exits=[ep.exits[i][1:] if i == j else ep.exits[i] for i in range(ctx.problem.m)])
    prover = pv._Prover(ctx, results, None)
    with arb_precision(enc.settings["work_bits"]):
        honest = prover._exit_parts(enc, run, ep, t, "1e-6", ce.exit_time_tolerance(ctx, e, t), arb)
        wrong = prover._exit_parts(enc, run, dropped, t, "1e-6", ce.exit_time_tolerance(ctx, e, t), arb)
    assert honest[0].verdict == "PROVED"
    assert wrong[0].part == "exit set" and wrong[0].verdict == "NOT PROVED"
    assert "another set" in wrong[0].reason


def test_a_spent_budget_proves_nothing_and_says_so(default_run):
    results, ctx = default_run
    parts, _ = pv.prove(ctx, results, deadline=time.monotonic() - 1)
    assert parts and all(p.verdict == "NOT PROVED" and "budget" in p.reason for p in parts)


def test_outside_the_enclosures_scope_nothing_is_attempted():
    import dataclasses as dc

    from gfcheck.proofs_check.suites.orthogonal.suite import default_problem

    problem = dc.replace(default_problem(), relu_prime_at_zero=1)
    results, ctx = verify(problem, QUICK, only=["orthogonality"], jobs=1)
    parts, settings_ = pv.prove(ctx, results)
    assert parts == [] and "relu'(0) = 0 only" in settings_["skipped"]


def test_the_half_fit_crossings_and_the_fit_are_proved_and_a_moved_crossing_is_caught(monkeypatch):
    """Claims 9 and 12's parts on the three-point problem of test_convergence_groups (two groups,
    the faster one settling slowly), first rung: both crossings and the fit at the horizon PROVED,
    twins not; an engine whose half-fit time is moved by 8 tol is caught (the proved loss on the wrong
    side of the level), while the fit part, which does not read that time, stays proved."""
    from fractions import Fraction as F

    from gfcheck.symbolic.problem import Problem

    problem = Problem(inputs=((F(2), F(0), F(0)), (F(0), F(1, 5), F(0)), (F(0), F(0), F(1))),
                      labels=(F(1), F(1, 2), F(-1)), width=2, scale=F(1, 1000),
                      directions=((F(1), F(1), F(-1)), (F(-1), F(-1), F(1))), signs=(1, -1))
    profile = Profile("convergence", (10, 20, 30), dps=20, max_exponent=60, claim_seconds=120.0)
    results, ctx = verify(problem, profile, only=["escape-slope", "convergence"], jobs=1)
    parts, _ = pv.prove(ctx, results, rungs=1)
    got = {p.part: p for p in parts}
    assert {"half_+ crossing", "half_- crossing", "fitted at the horizon"} <= set(got), parts
    assert all(p.verdict == "PROVED" and p.twin_verdict == "NOT PROVED" for p in got.values()), parts

    real = type(ctx).escape_run

    def moved(self, scale, **kw):
        run = real(self, scale, **kw)
        with run.precision.scope():
            tc = run.crossings["half_+"]
            shifted = dict(run.crossings, **{"half_+": tc + 8 * pv._time_tolerance(self, tc)})
        return SimpleNamespace(crossings=shifted, precision=run.precision)

    monkeypatch.setattr(type(ctx), "escape_run", moved)
    planted = {p.part: p for p in pv.prove(ctx, results, rungs=1)[0]}
    assert planted["half_+ crossing"].verdict == "NOT PROVED"
    assert "wrong side" in planted["half_+ crossing"].reason
    assert planted["half_- crossing"].verdict == "PROVED"
    assert planted["fitted at the horizon"].verdict == "PROVED"


def test_a_plateau_departure_moved_beyond_its_tolerance_is_refused_and_says_by_how_much(default_run):
    from gfcheck.proofs_check.suites.orthogonal import claims_asymptotic as ca

    results, ctx = default_run
    prover = pv._Prover(ctx, results, None)
    lam, t0, dps = ca.first_plateau_probe(ctx, 4)
    enc = prover.enclosure(lam, t0, dps)
    _, err, tol = ca.first_plateau_row(ctx, 4)
    honest = prover._departure("first plateau departure", 4, enc, ctx.data.L0, "L0", err, tol, "t0")
    moved = prover._departure("first plateau departure", 4, enc, ctx.data.L0, "L0", err + 8 * tol, tol, "t0")
    assert (honest.verdict, honest.twin_verdict) == ("PROVED", "NOT PROVED")
    assert moved.verdict == "NOT PROVED" and "off by" in moved.reason


def test_the_alignment_is_proved_and_an_engine_value_moved_by_its_floor_is_not(default_run, monkeypatch):
    from gfcheck.proofs_check.suites.orthogonal import claims_asymptotic as ca

    results, ctx = default_run
    prover = pv._Prover(ctx, results, None)
    honest = prover.alignment(6)
    assert honest and all((p.verdict, p.twin_verdict) == ("PROVED", "NOT PROVED") for p in honest), honest
    real = ca.alignment_rows
    monkeypatch.setattr(ca, "alignment_rows",
                        lambda c, e: {j: (lam, m + 8 * f, f, r) for j, (lam, m, f, r) in real(c, e).items()})
    assert all(p.verdict == "NOT PROVED" for p in prover.alignment(6))


def test_the_ladders_run_breadth_first_and_a_spent_budget_names_each_ladders_next_rung():
    """Every claim's shallow rungs before any deep one; when the budget is spent, each ladder's next
    rung (not one it has proved already) is listed NOT PROVED with the rungs after it."""
    from gfcheck.symbolic.errors import TimeBudgetSpent

    from gfcheck.proofs_check.core.proofs import ProofPart

    results = [SimpleNamespace(claim=SimpleNamespace(id=c), verdict="VERIFIED") for c in ("a", "b")]
    prover = pv._Prover(SimpleNamespace(), results, None)
    order = []

    def rung(claim, spent_at=None):
        def one(e):
            order.append((claim, e))
            if e == spent_at:
                raise TimeBudgetSpent("spent")
            return [ProofPart.judged(claim=claim, part="p", scale=f"1e-{e}", holds=True, statement="s",
                                     twin_holds=False, twin="t")]
        return one

    prover.ladders([([("a", "p", "s")], [1, 2, 3], rung("a")), ([("b", "p", "s")], [1, 2], rung("b", spent_at=2))])
    assert order == [("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    got = [(p.claim, p.scale, p.verdict) for p in prover.parts]
    assert got == [("a", "1e-1", "PROVED"), ("b", "1e-1", "PROVED"), ("a", "1e-2", "PROVED"),
                   ("a", "1e-3", "NOT PROVED"), ("b", "1e-2", "NOT PROVED")]
