"""Issue 25 cause 2: a limit behind a slow ``lambda^(2 gamma)`` transient is decided on a ladder
with the transient's orders (``rates.judge_limit``), never from two rungs.

The problem is generated (``census_orthogonal_problems(slow_transient=True,
decidable_transient=True)``: ``2 gamma`` in ``[1/100, 1/10)``, the census class ``slow``), at the
census' small sizes so that CI can afford the engine: claim 17's own runs under ReLU'(0) = 1
(:func:`relu_one_gap`) measure the gap ``N - N*`` on its first ladder, 1e-10 .. 1e-45, and the
claim's own decision (:func:`relu_one_gap_limit`) is checked on those measurements:

* the decision agrees with the re-entries (closing without a late main re-entry, stable with one);
* twin 1, the near miss: the limit moved by ``EDGE`` bands is REFUTED by the same gaps;
* twin 2, the issue's failure: a stable gap of ``EDGE`` bands planted under the same measured
  transient is decided *stable* by the ladder, while the rule of before (the gap ratio of the
  rungs 1e-10 and 1e-30 against ``(lambda_2 / lambda_1)^(gamma / 2)``, removed in 0f29b98) reads
  it as *closing*: it would have REFUTED a claim that holds.

The whole claims 17 and 16 on the same problem (minutes) run under ``HYPOTHESIS_PROFILE=thorough``.
"""

from __future__ import annotations

import os
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import SLOW_TWO_GAMMA, census_orthogonal_problems

from gfcheck.numeric.precision import to_mpf
from gfcheck.proofs_check.core.measure import EDGE, edge_twin
from gfcheck.proofs_check.suites.orthogonal.claims_exact import relu_one_gap, relu_one_gap_limit
from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.suites.orthogonal.context import Context

#: claim 17's first ladder (``ctx.decide`` starts from the profile's first four rungs)
LADDER = Profile.named("quick").exponents[:4]
#: generated problems of the class looked at for one with an overshoot under ReLU'(0) = 1
CANDIDATES = 8
#: the lower end of a transient the quick ladder resolves (``decidable_transient``'s range)
DECIDABLE_TWO_GAMMA = Fraction(1, 100)


def _two_gamma(p):
    ctx = Context(p, Profile.named("quick"))
    return 2 * min(to_mpf(ctx.neurons.gamma_plus), to_mpf(ctx.neurons.gamma_minus))


def _decidable(p) -> bool:
    return to_mpf(DECIDABLE_TWO_GAMMA) <= _two_gamma(p) < to_mpf(SLOW_TWO_GAMMA)


def _overshoots(p) -> bool:
    """Claim 17 applies: under ReLU'(0) = 1 a coordinate re-activates on the first rung (else the
    two conventions give the same flow and the claim is OUTSIDE_ASSUMPTIONS)."""
    run = Context(p, Profile.named("quick")).ladder_run(Fraction(1, 10 ** LADDER[0]), relu_prime_at_zero=1)
    return any(ev.kind == "activate" for ev in run.events)


def _candidates():
    """The generated problems of the class (derandomised) with both label signs, A3, ReLU'(0) = 0
    as the problem's own convention and ``2 min gamma`` in ``[1/100, 1/10)``: at most
    ``CANDIDATES`` of them, in the order drawn."""
    strategy = census_orthogonal_problems(slow_transient=True, decidable_transient=True, a3=True, relu_one=False,
                                          one_signed=False, min_n=3, max_n=4, min_m=5, max_m=8)
    found = []

    # a search budget, not a property's example count: the candidates must not depend on
    # HYPOTHESIS_PROFILE.  The derandomised draws are seeded by the source of ``first``, decorator
    # included, so editing these lines draws other candidates; the problem is then chosen by the
    # property the tests need (``measured``), not by its place in the draw
    @settings(max_examples=50, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def first(p):  # the derandomised examples whose smallest gamma is the slow neuron's
        with mpmath.workdps(30):
            if len(found) < CANDIDATES and _decidable(p):
                found.append(p)

    first()
    return found


def _measure(problem):
    """The claim's ladder on ``problem``: its first rungs, deepened by ``Context.decide`` until its
    decision is made (or the ladder's budget is spent); ``(ctx, exps, gaps, limit, late re-entry at
    the deepest)``."""
    ctx = Context(problem, Profile.named("quick"))
    runs = {}

    def judge(exps):
        for e in exps:
            if e not in runs:
                runs[e] = relu_one_gap(ctx, e)
        return relu_one_gap_limit(ctx, exps, [runs[e][0] for e in exps]), None

    with mpmath.workprec(200):
        limit, _, exps, note = ctx.decide(judge, LADDER)
    return ctx, exps, [runs[e][0] for e in exps], limit, bool(runs[exps[-1]][1])


def _far(measurement) -> bool:
    """The transient is slow where it is measured: the first rung is more than ``2^4`` bands from
    the decided limit (a two-rung rule would misread it)."""
    _, _, gaps, limit, _ = measurement
    with mpmath.workprec(200):
        return limit.limit is not None and abs(gaps[0] - limit.limit) > 2 ** 4 * limit.resolution


@pytest.fixture(scope="module")
def slow_case():
    """The first candidate on which claim 17 applies (an overshoot under ReLU'(0) = 1) and whose
    transient is slow where the ladder measures it (:func:`_far`): chosen by the property the tests
    need, so that another draw order picks another such problem, not a fast one."""
    seen = []
    for p in _candidates():
        if not _overshoots(p):
            continue
        m = _measure(p)
        seen.append(m[3].verdict)
        if _far(m):
            return p, m
    pytest.fail(f"no generated slow-transient problem (of {CANDIDATES}) has its first rung 2^4 bands from the "
                f"limit; ladder verdicts of those with an overshoot: {seen}")


@pytest.fixture(scope="module")
def slow_problem(slow_case):
    return slow_case[0]


@pytest.fixture(scope="module")
def measured(slow_case):
    return slow_case[1]


def _two_rung_rule(ctx, exps, gaps) -> str:
    """The rule of before (claims_exact.py before 0f29b98): rungs 1e-10 and 1e-30, stable iff the
    gap ratio exceeds ``(lambda_2 / lambda_1)^(gamma / 2)``."""
    g1, g2 = gaps[exps.index(10)], gaps[exps.index(30)]
    gmin = min(to_mpf(ctx.neurons.gamma_plus), to_mpf(ctx.neurons.gamma_minus))
    return "stable" if g2 > 0 and g2 / g1 > (mpmath.mpf(10) ** -20) ** (gmin / 2) else "closing"


def _outcome(limit) -> str | None:
    return {"VERIFIED": "closing", "REFUTED": "stable"}.get(limit.verdict)


def test_the_generated_problem_is_a_slow_transient(slow_problem):
    with mpmath.workdps(30):
        assert _decidable(slow_problem)
    assert {y > 0 for y in slow_problem.labels} == {True, False} and slow_problem.relu_prime_at_zero == 0


def test_the_ladder_decides_the_gap_through_the_slow_transient(measured):
    ctx, exps, gaps, limit, late = measured
    print("slow transient:", exps, [mpmath.nstr(g, 6) for g in gaps], limit.verdict, mpmath.nstr(limit.limit, 4),
          mpmath.nstr(limit.uncertainty, 3), mpmath.nstr(limit.resolution, 3))
    with mpmath.workprec(200):
        assert _outcome(limit) == ("stable" if late else "closing"), limit.to_details()
        # the transient is slow (the first rung far from the limit: how the problem was chosen), yet decided
        assert _far(measured) and limit.verdict != "UNDECIDED", limit.to_details()
        # twin 1: the near miss, EDGE bands from the limit the claim predicts, is refuted by the same gaps
        assert edge_twin(limit).verdict == "REFUTED", edge_twin(limit).to_details()


def test_twin_a_stable_gap_behind_the_measured_transient_fools_the_two_rung_rule(measured):
    ctx, exps, gaps, _, late = measured
    if late:
        pytest.skip("the generated problem has a late re-entry (a stable gap of its own): the planted twin is moot")
    with mpmath.workprec(200):
        band = relu_one_gap_limit(ctx, exps, gaps).resolution
        planted = [g + EDGE * band for g in gaps]  # G_inf = EDGE bands > 0: a stable gap
        limit = relu_one_gap_limit(ctx, exps, planted)
        assert _outcome(limit) == "stable" and abs(limit.limit - EDGE * band) <= band, limit.to_details()
        assert _two_rung_rule(ctx, exps, planted) == "closing"  # before: a stable gap read as closing -> REFUTED
        assert _two_rung_rule(ctx, exps, gaps) == "closing"  # (and right where there is nothing planted)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("HYPOTHESIS_PROFILE") != "thorough",
                    reason="claims 17 and 16 end to end on the quick profile (minutes on 2 cores) run under "
                           "HYPOTHESIS_PROFILE=thorough")
@pytest.mark.parametrize("cid", ["relu-prime-convention", "assumption-violations"])
def test_the_claims_end_to_end_on_the_slow_problem(slow_problem, cid):
    from gfcheck.proofs_check.core.registry import claims
    from gfcheck.proofs_check.core.verdicts import run_claim

    (claim,) = [c for c in claims("orthogonal") if c.id == cid]
    r = run_claim(claim, Context(slow_problem, Profile.named("quick")))
    print(cid, r.verdict, r.result.measurement, r.result.details.get("reason", ""))
    assert r.verdict != "REFUTED" and "internal error" not in str(r.result.details)
    if cid == "relu-prime-convention":
        assert r.verdict == "VERIFIED", r.result.details


@pytest.mark.parametrize("left_out", [(10, 20, 30, 45, 60, 80, 100), (10, 20)])
def test_the_middle_plateau_leaves_out_rungs_before_the_fast_groups_fit(left_out):
    """Census 0004: the fast group's point 4 (||x|| = 1/5, y = -3/2, most of ||beta_-||) is fitted
    long after its group's escape; at every probe to 1e-100 its residual was 1.48, |L - L_mid| held
    near 0.16 (local exponents 0.0004 .. 0.001 against >= 0.0177) and plateaus said REFUTED on the
    first route.  Such rungs are left out; with every rung out the part is UNDECIDED naming the
    point, and deeper rungs are what decides (the probe comes (s_2 - s_1)/2 log(1/lambda) after the
    escape).  Twin: with rungs on the plateau, the ladder is decided on them, never shallower than
    the first (a shallower rung is further from the plateau: the ladder had filled 1e-2 .. 1e-146)."""
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.claims_asymptotic import _decide_mid
    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.suites.orthogonal.suite import default_problem

    ctx = Context(default_problem(), Profile.named("quick"))
    before, asked = {}, []

    def judge_mid(exps):
        before.update({e: [4] for e in exps if e in left_out})
        return "limit", None

    def decide(judge, exps, shallowest):
        asked.append((tuple(exps), shallowest))
        return "decided", None, exps, ""

    ctx.decide = decide
    limit, _, exps, note = _decide_mid(ctx, judge_mid, before)
    if len(left_out) == len(ctx.profile.exponents):
        assert asked == [] and limit == "limit"
        assert note.startswith("the fast group's point(s) 4 short of their half fit at the probe on every rung "
                               "(1e-10 .. 1e-100)")
    else:
        assert asked == [((30, 45, 60, 80, 100), 30)] and limit == "decided"
