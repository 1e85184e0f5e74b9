"""``Context.decide``: what the ladder note asks for when a limit is not decided."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st


def _undecided(lambda_needed):
    import mpmath

    from gfcheck.proofs_check.core.rates import Limit

    return Limit("UNDECIDED", mpmath.mpf(1), mpmath.mpf(1), mpmath.mpf("0.1"), mpmath.mpf("0.01"),
                 (mpmath.mpf(1),) * 4, (mpmath.mpf(1),) * 4, (), lambda_needed=lambda_needed)


def test_the_ladder_note_says_digits_when_its_depth_passed_the_lambda_a_decision_needs():
    """Context.decide at the ladder's budget: when the ladder already went past the lambda a
    decision needs, the rungs there sat at the precision floor, so the note asks for digits; the
    twin, a lambda deeper than the ladder, asks for depth only."""
    import mpmath

    from gfcheck.proofs_check.core.context import Profile

    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.jobs.verify import default_problem

    ctx = Context(default_problem(), Profile("t", (2, 4, 6, 8), dps=30, max_exponent=8))
    past = ctx.decide(lambda exps: (_undecided(mpmath.mpf("1e-5")), None), (2, 4, 6, 8))[3]
    assert "resolved, but only 4 values" in past and "more digits" in past
    beyond = ctx.decide(lambda exps: (_undecided(mpmath.mpf("1e-12")), None), (2, 4, 6, 8))[3]
    assert "a decision needs lambda <= 1.0e-12" in beyond and "more digits" not in beyond


def test_the_ladder_note_asks_for_a_deeper_profile_only_when_there_is_one():
    """At quick the note asks for --profile full; at full (the deepest) it never does (the
    full-profile run of a generated problem was told 'rerun with --profile full')."""
    import mpmath

    from gfcheck.proofs_check.core.context import Profile

    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.jobs.verify import default_problem

    undecided = (lambda exps: (_undecided(mpmath.mpf("1e-12")), None))
    quick = Context(default_problem(), Profile("quick-like", (2, 4, 6, 8), dps=30,
                                               max_exponent=Profile.named("quick").max_exponent))
    assert quick.decide(undecided, (2, 4, 6, 8))[3].endswith("rerun with --profile full")
    deepest = Profile.named("full")
    full = Context(default_problem(), Profile("full-like", (2, 4), dps=30, max_exponent=deepest.max_exponent))
    note = full.decide(undecided, tuple(range(2, deepest.max_exponent + 1, 2)))[3]
    assert "--profile full" not in note and "no deeper profile than full-like" in note


def test_a_lambda_beyond_every_profile_is_not_sent_to_a_deeper_profile():
    """Census 0112: claim 16's slope has a correction order 5e-4 (two neurons of almost equal growth),
    so a decision needs lambda <= 1e-5116; the note and the report's next step said 'rerun with
    --profile full', whose ladder ends at 1e-400.  Now both say that no profile decides it.  Twin:
    a lambda the full profile reaches (1e-12, above) is still sent there."""
    import mpmath

    from gfcheck.proofs_check.core.context import UNREACHABLE, Profile

    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.core.registry import Claim, ClaimResult, Provenance, Verdict
    from gfcheck.proofs_check.core.report import attention_line
    from gfcheck.proofs_check.jobs.verify import default_problem

    quick = Context(default_problem(), Profile("quick-like", (2, 4, 6, 8), dps=30,
                                               max_exponent=Profile.named("quick").max_exponent))
    note = quick.decide(lambda exps: (_undecided(mpmath.mpf("1e-5116")), None), (2, 4, 6, 8))[3]
    assert UNREACHABLE in note and "1e-400" in note and "rerun with --profile full" not in note
    c = Claim(suite="orthogonal",
              id="x", number=1, title="t", statement="s", source="s", prediction="p", measurement="m",
              tolerance_rule="r", twin="w", check=lambda ctx: None,
              provenance=Provenance("reconstructed", "docs/suites/orthogonal.md section 1"))
    for text, step in ((note, "no profile decides it"), ("deepest rung 1e-200 reached (ladder budget)",
                                                         "rerun with --profile full")):
        u = Verdict("UNDECIDED", "-", "-", "-", "-", {"reason": text})
        assert f"next: {step}" in attention_line(ClaimResult(c, u, u, 0.0), profile="quick")


def test_the_deepest_rung_of_the_full_profile_has_a_horizon_and_digits():
    """Issue 25 cause 3: at lambda = 1e-400 horizon() and ladder_dps() converted the Fraction 1/lambda
    to a float first (OverflowError: integer division result too large for a float)."""
    from fractions import Fraction

    from gfcheck.proofs_check.core.context import Profile, log10_inverse

    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.jobs.verify import default_problem

    ctx = Context(default_problem(), Profile.named("full"))
    deep = Fraction(1, 10 ** 400)
    assert ctx.horizon(deep) > ctx.horizon(Fraction(1, 10 ** 200)) > 0
    assert ctx.ladder_dps(deep) == ctx.profile.dps + 80
    assert abs(log10_inverse(Fraction(3, 10 ** 500)) - (500 - 0.47712125471966244)) < 1e-9
    assert ctx.rung_dps(100, Fraction(37, 50)) == ctx.profile.dps + 74  # lambda^0.74 at 1e-100


@given(st.fractions(max_denominator=10**12), st.integers(min_value=53, max_value=400))
def test_mpf_to_fraction_is_the_exact_signed_value(q, bits):
    """An mpf is a signed dyadic rational: ``mpf_to_fraction`` returns it exactly, sign included
    (it took mpmath's ``man_exp``, the *unsigned* mantissa, and so turned every negative ``a_j``
    and ``w_jk`` of a state positive: census 0071's decoupling states were ``|a|, |W|``).  Twin:
    the unsigned reading differs from the value on every negative."""
    import mpmath

    from gfcheck.proofs_check.core.context import mpf_to_fraction

    with mpmath.workprec(bits):
        x = mpmath.mpf(q.numerator) / q.denominator
    exact = mpf_to_fraction(x)
    with mpmath.workprec(bits + 64):
        assert mpmath.mpf(exact.numerator) / exact.denominator == x  # the value itself, no rounding
    assert (exact < 0) == (q < 0) and abs(exact - q) <= abs(q) * Fraction(2) ** (1 - bits)
    man, exp = x.man_exp
    unsigned = Fraction(int(man)) * Fraction(2) ** int(exp)
    assert (unsigned == exact) == (q >= 0)


def test_decide_serves_every_suite_and_names_its_own_deeper_profile():
    """``decide`` lives in the suites' shared memo: the separable context goes deeper than its profile's
    ladder while undecided (census 0202, 0205: claim 9 decided at 1e-18, one rung past quick's 1e-16),
    and at its budget names the separable profiles, not the orthogonal ones (whose quick reaches 1e-200:
    'rerun with --profile full' there means a ladder to 1e-400, here to 1e-24)."""
    import mpmath

    from gfcheck.proofs_check.suites.separable.context import PROFILES, SepContext
    from gfcheck.numeric.examples import separable_problem as default_problem

    quick = PROFILES["quick"]
    assert quick.max_exponent > quick.exponents[-1]  # room to go deeper than the ladder
    ctx = SepContext(default_problem(), quick)
    seen = []

    def judge(exps):  # a lambda past quick's ladder (1e-20) that full's (1e-24) reaches
        seen.append(exps)
        return _undecided(mpmath.mpf("1e-22")), None

    _, _, exps, note = ctx.decide(judge, quick.exponents, shallowest=quick.exponents[0])
    assert exps[-1] == quick.max_exponent and exps[0] == quick.exponents[0]
    assert note.endswith("rerun with --profile full")
    full = SepContext(default_problem(), PROFILES["full"])
    note = full.decide(judge, PROFILES["full"].exponents)[3]
    # twin: read from the orthogonal table, separable full (1e-24) would be told 'rerun with --profile quick'
    assert "no deeper profile than full" in note and "--profile quick" not in note
    assert f"1e-{PROFILES['full'].max_exponent}" in note  # the ladder named is the separable one


def test_the_ladder_keeps_a_settled_run_and_reruns_one_that_did_not_settle(monkeypatch):
    """The ladder integrates to the horizon of the predicted interpolator's rate (``settle_rate``) and
    keeps that run when its loss has stopped moving at the working precision (``settled``); a horizon
    cut short (as for a limit slower than the predicted one) leaves the loss moving, and the ladder
    reruns to the conservative horizon of ``rho_min``."""
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.jobs.verify import default_problem

    lam = Fraction(1, 10 ** 10)
    ctx = Context(default_problem(), Profile.named("quick"))
    assert ctx.rho_min <= ctx.settle_rate <= 2 * ctx.rho_min
    kept = ctx.ladder_run(lam)
    assert kept.samples[-1].t == ctx.horizon(lam, settle="predicted") < ctx.horizon(lam)
    assert ctx.settled(kept, lam)
    hurried = Context(default_problem(), Profile.named("quick"))
    quarter = kept.samples[-1].t / 4  # the predicted horizon cut to a quarter, before the loss settles
    monkeypatch.setattr(hurried, "horizon", lambda scale, s_max=None, settle="conservative": (
        Fraction(int(quarter)) if settle == "predicted" else Context.horizon(hurried, scale, s_max)))
    short = hurried.run(*hurried.ladder_request(lam)[:1], **hurried.ladder_request(lam)[1])
    assert not hurried.settled(short, lam)
    assert hurried.ladder_run(lam).samples[-1].t == hurried.horizon(lam)  # the conservative horizon


def _slow_settle():
    """Two points, the small one of norm 1/5: the settle rate is about 1/50, so the ladder
    horizon is mostly settle (about 4000 against an escape near 2 log(1/lambda))."""
    from gfcheck.symbolic.problem import Problem

    return Problem(inputs=((Fraction(1, 5), Fraction(0)), (Fraction(0), Fraction(1))),
                   labels=(Fraction(-1, 100), Fraction(-1)), width=2, scale=Fraction(1, 10 ** 6),
                   directions=((Fraction(1), Fraction(1)), (Fraction(1), Fraction(-1, 2))), signs=(-1, 1))


_SLOW_SETTLE = _slow_settle()


@pytest.mark.parametrize("lam", [Fraction(1, 10 ** 10), Fraction(1, 10 ** 130)])
def test_escape_run_holds_the_ladder_runs_crossings_without_the_settle(lam):
    """On a profile rung (1e-10) and below the deepest (1e-130) the claims on the escapes read a run
    that stops before the settle, and its crossings are the ladder run's own numbers (the steps
    before the last do not depend on the horizon, the samples or the watches); its samples span
    its own horizon."""
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    ctx = Context(_SLOW_SETTLE, Profile.named("quick"))
    short, full = ctx.escape_run(lam), ctx.ladder_run(lam)
    T = ctx.escape_horizon(lam)
    assert short.final.t == T and 2 * T < int(full.final.t)
    assert short.samples[-1].t == short.final.t and len(short.samples) >= 241
    names = [w.name for w in ctx.half_watches()]
    assert names and all(short.crossings[k] is not None for k in names)
    assert all(short.crossings[k] == full.crossings[k] for k in names)


def test_escape_run_falls_back_to_the_ladder_run_when_a_watch_did_not_cross(monkeypatch):
    """Twin: a half-fit watch that no run crosses (its target below any loss) sends the rung to
    the whole ladder run."""
    from gfcheck.numeric import LossWatch
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    ctx = Context(_SLOW_SETTLE, Profile.named("quick"))
    never = (LossWatch("half_+", frozenset({0}), Fraction(-1)),)
    monkeypatch.setattr(ctx, "half_watches", lambda: never)
    lam = Fraction(1, 10 ** 130)
    run = ctx.escape_run(lam)
    assert run is ctx.ladder_run(lam) and run.crossings["half_+"] is None


@pytest.mark.parametrize("claims, settle", [(None, True), (("growth-rate", "plateaus"), False),
                                            (("plateaus", "convergence"), True)])
def test_the_prefetch_integrates_the_settle_only_for_a_claim_that_reads_the_limit(claims, settle):
    """The prefetch makes every rung without its settle, and the whole rungs only when a claim of
    ``SETTLE_CLAIMS`` is to run (census-size problems: the settle is most of a rung's time, and
    most census problems put the limit claims outside their assumptions)."""
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    ctx = Context(_SLOW_SETTLE, Profile.named("quick"))
    ctx.claims_to_run = claims
    horizons = {kw["t_end"] for _, kw in ctx.prefetch_requests()}
    escapes = {ctx.escape_horizon(lam) for lam in ctx.profile.scales}
    wholes = {ctx.horizon(lam, settle="predicted") for lam in ctx.profile.scales}
    assert escapes <= horizons
    assert (wholes <= horizons) is settle and bool(wholes & horizons) is settle


@pytest.mark.parametrize("needed, rungs", [("1e-12489", [(10, 20)]), ("1e-300", [(10, 20), (10, 20, 30)])])
def test_decide_does_not_deepen_a_ladder_no_profile_can_decide(needed, rungs):
    """A lambda needed beyond the square of every profile's deepest rung stops the ladder at once
    (census 0030 spent escape-slope's 300 s on rungs that could not decide it), and the note
    says why; its twin, a lambda the full profile reaches, deepens as before."""
    import mpmath

    from gfcheck.proofs_check.core.context import Profile

    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.core.rates import Limit

    ctx = Context(_SLOW_SETTLE, Profile("tiny", (10, 20), dps=30, max_exponent=30))
    seen = []

    def judge(exps):
        seen.append(exps)
        return Limit("UNDECIDED", 1, None, None, 0, (1, 2, 3, 4), (), (), lambda_needed=mpmath.mpf(needed)), None

    _, _, exps, note = ctx.decide(judge, (10, 20))
    assert seen == rungs
    assert ("not deepened" in note) == (needed == "1e-12489")


@pytest.mark.parametrize("costs, rounds", [((10.0, 100.0, 1000.0), 2), ((1.0,) * 5, 4)])
def test_decide_does_not_start_a_rung_predicted_to_pass_the_budget(monkeypatch, costs, rounds):
    """Census 0135: one deep rung of refined-escape-time ran the claim past twice its budget and the
    whole claim was lost.  A judgement that grew tenfold predicts the next one at ten times more, past
    the claim's 300 s: the ladder stops with its note; twin: steady costs deepen (a fake clock that
    the judge advances, no timing)."""
    import time

    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    ctx = Context(_SLOW_SETTLE, Profile("tiny", (10, 20), dps=30, max_exponent=50))
    seen = []
    judge = _undecided_judge(clock, seen, costs)

    _, _, _, note = ctx.decide(judge, (10, 20))
    assert len(seen) == rounds
    assert ("would pass it" in note) == (rounds == 2)


def _undecided_judge(clock, seen, seconds=30.0):
    """A judgement for :meth:`RunMemo.decide` that takes ``seconds`` (or ``seconds[k]`` in round
    ``k``, a sequence) on the fake ``clock``, records
    the rungs it is given in ``seen`` and is UNDECIDED with a decision needing 1e-300 (so the ladder
    deepens while its budgets allow)."""
    import mpmath

    from gfcheck.proofs_check.core.rates import Limit

    def judge(exps):
        clock[0] += seconds if isinstance(seconds, float) else seconds[len(seen)]
        seen.append(exps)
        return Limit("UNDECIDED", 1, None, None, 0, (1, 2, 3, 4), (), (), lambda_needed=mpmath.mpf("1e-300")), None

    return judge


@pytest.mark.parametrize("started", [True, False])
def test_the_ladders_of_one_claim_share_its_budget(monkeypatch, started):
    """Census 0135: refined-escape-time's two groups each took the 300 s of a claim.  With the claim's
    start on the context (``run_claim`` sets it), a second ladder begun 250 s into the claim stops after
    its second judgement (the budget is spent); twin: counted from its own start, it
    deepens."""
    import time

    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    clock = [1000.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    ctx = Context(_SLOW_SETTLE, Profile("tiny", (10, 20), dps=30, max_exponent=50))
    if started:
        ctx.claim_started = clock[0] - 250.0
    seen = []
    judge = _undecided_judge(clock, seen)

    _, _, _, note = ctx.decide(judge, (10, 20))
    assert len(seen) == (2 if started else 4)
    assert ("time budget of 300 s spent" in note) == started


@pytest.mark.parametrize("whole_run", [100.0, None])
def test_decide_stops_before_a_rung_that_would_pass_the_whole_run_budget(monkeypatch, whole_run):
    """Census 0114: claim 17 ran alone, its ladder deepened rung by rung within its own 300 s, and the
    whole run's 300 s (--max-time) cut it at 1e-135: UNDECIDED "budget spent", its ten rungs and
    what a decision needs lost.  With 100 s of whole run and 30-s judgements, the ladder stops after
    its third judgement (1e-40; the fourth would end at 120 s) with its own note naming --max-time;
    twin: unbounded, it deepens to the ladder's end, 1e-50, within the claim's 300 s (a fake clock,
    no timing)."""
    import time

    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.symbolic.budget import Budget

    clock = [1000.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    ctx = Context(_SLOW_SETTLE, Profile("tiny", (10, 20), dps=30, max_exponent=50))
    ctx.budget = Budget(whole_run, start=clock[0])
    seen = []
    judge = _undecided_judge(clock, seen)

    _, _, exps, note = ctx.decide(judge, (10, 20))
    assert len(seen) == (3 if whole_run else 4)
    assert ("the whole-run budget of 100 s (--max-time): the next rung" in note) == bool(whole_run)
    assert exps[-1] == (40 if whole_run else 50)


@pytest.mark.parametrize("spare", [True, False])
def test_runs_begun_ahead_are_the_runs_made_here(spare):
    """``RunMemo.ahead`` (census 0114: claim 17 alone, its rungs one after the other on one core of
    two): the runs a claim says it needs are begun on a spare process; ``run`` waits for the one
    running there, and while it runs takes back the queued ones and integrates them itself.  Every
    run is the same trajectory, bit for bit, as one integrated here alone (the report is the same
    bytes).  Twin: without a spare process nothing is begun and no timing says "(ahead)"."""
    from gfcheck.numeric import integrate
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.core.workers import Workers
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    ctx = Context(_SLOW_SETTLE, Profile.named("quick"))
    requests = [ctx.escape_request(Fraction(1, 10 ** e)) for e in (10, 20, 30)]
    with Workers(1) as w:
        ctx.spare = w if spare else None
        ctx.ahead(requests)
        runs = [ctx.run(p, **k) for p, k in requests]
    for run, (p, k) in zip(runs, requests):
        alone = integrate(*ctx._request(p, k)[:1], **ctx._request(p, k)[1])
        assert (run.final.t, run.final.a, run.final.U) == (alone.final.t, alone.final.a, alone.final.U)
        assert [(e.t, e.neuron, e.point, e.kind) for e in run.events] == \
            [(e.t, e.neuron, e.point, e.kind) for e in alone.events]
        assert run.crossings == alone.crossings
    labels = [label for label, _ in ctx.timings]
    # the first run was sent at once and waited for; the other two, queued, were taken back meanwhile
    assert [label.endswith("(ahead)") for label in labels] == ([False, False, True] if spare else [False] * 3)


def test_run_claim_sets_the_claims_start_and_clears_it():
    import dataclasses

    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.core.registry import claims
    from gfcheck.proofs_check.core.verdicts import Verdict, run_claim
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    ctx = Context(_SLOW_SETTLE, Profile.named("quick"))
    seen = []

    def check(c):
        seen.append(c.claim_started)
        v = Verdict("VERIFIED", "-", "-", "-", "-", {})
        return v, Verdict("REFUTED", "-", "-", "-", "-", {})

    claim = dataclasses.replace(next(c for c in claims("orthogonal") if c.id == "convex-certificate"), check=check)
    run_claim(claim, ctx)
    assert seen and seen[0] is not None and ctx.claim_started is None


def _agreement(ctx, one, other):
    """``(largest state difference over the common sample times and the end, tolerance, same events)``
    with the engines' promise ``2^(-b+12) (1 + max |z|)`` at the profile's digits."""
    import mpmath

    from gfcheck.numeric.estimate import pair_events
    from gfcheck.numeric.precision import bits_for_dps, tolerance

    at = {s.t: s for s in other.samples}
    states = [(s, at[s.t]) for s in one.samples if s.t in at] + [(one.final, other.final)]
    with mpmath.workprec(4 * bits_for_dps(one.dps)):
        d = max(max([abs(x - y) for x, y in zip(p.a, q.a)] + [abs(x - y) for r, s in zip(p.U, q.U)
                                                              for x, y in zip(r, s)]) for p, q in states)
        return d, tolerance(bits_for_dps(ctx.profile.dps), 12) * (1 + one.scale), \
            not pair_events(one.events, other.events)[1]


def _level_time_promise(problem, run, t, tol):
    """How well a loss level's crossing time at ``t`` is defined by states known to ``tol``: ``dL / |dL/dt|``
    with ``dL = (1/n) sum_k |r_k| tol (1 + |y_k| + sum_i |a_i| relu(u_ik))`` and ``dL/dt = (1/n) sum_k r_k r_k'``,
    at the first sample after ``t`` (the residuals smaller there: a longer, safe promise).  At the fit
    (residuals ``2^(-b/2)``) it is ``2^(b/2)`` times the states' promise."""
    import mpmath

    from gfcheck.numeric.field import reduced_rates

    st = next((s for s in run.samples if s.t >= t), run.final)
    y = [mpmath.mpf(v.numerator) / v.denominator for v in problem.labels]
    f = reduced_rates(st.a, st.U, y, [mpmath.mpf(q.numerator) / q.denominator / problem.n
                                      for q in problem.norms_squared()])
    dL = mpmath.fsum(abs(r) * tol * (1 + abs(yk) + mpmath.fsum(abs(a) * max(row[k], 0) for a, row in zip(st.a, st.U)))
                     for k, (r, yk) in enumerate(zip(f.r, y)))
    slope = abs(mpmath.fsum(r * f.residual_rate(k) for k, r in enumerate(f.r)))
    return dL / slope if slope else mpmath.inf


@pytest.mark.parametrize("lam", [Fraction(1, 10 ** 10), Fraction(1, 10 ** 130)])
def test_a_whole_rung_continues_its_escape_run_and_agrees_with_one_from_t0(lam):
    """The whole rung is the escape run followed by its continuation from the escape run's final
    state (``Trajectory.joined``): the same events, crossings and states as a run from ``t = 0`` to
    the engines' promise.  The twin: the continuation from a start moved by 2^10 promises on
    ``a_0`` differs beyond it."""
    import dataclasses

    import mpmath

    from gfcheck.numeric import State
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    ctx = Context(_SLOW_SETTLE, Profile.named("quick"))
    whole = ctx.ladder_run(lam)
    esc = ctx.escape_run(lam)
    assert whole.stats["continued_at"] == str(esc.final.t) and whole.samples[:len(esc.samples)] == esc.samples
    from gfcheck.numeric import integrate

    problem, kwargs = ctx._request(*ctx.ladder_request(lam))
    from_zero = integrate(problem, **kwargs)  # not ctx.run: the memo holds the joined run under this request
    assert "continued_at" not in from_zero.stats
    d, tol, same = _agreement(ctx, whole, from_zero)
    assert same and d <= tol, (d, tol)
    with mpmath.workprec(4 * whole.precision.work_bits):
        for k, v in from_zero.crossings.items():
            assert abs(whole.crossings[k] - v) <= tol * (1 + v) + _level_time_promise(problem, from_zero, v, tol), k
    # the twin
    cp, ck = ctx.continuation_request(esc, problem, kwargs)
    moved = State(ck["start"].t, (ck["start"].a[0] + 2 ** 10 * tol,) + ck["start"].a[1:], ck["start"].U)
    twin = esc.joined(ctx.run(cp, **dict(ck, start=moved)))
    assert _agreement(ctx, twin, from_zero)[0] > tol
    assert dataclasses.replace(ck["start"]) == ck["start"]  # the start is a value (hashable, part of the key)


def test_the_prefetch_continues_the_escape_runs_in_a_second_round():
    """With the settle to integrate, the prefetch makes the escape runs first, then each whole rung
    from its escape run's end (``from t=`` in the timings); ``ladder_run`` then finds the joined run
    without integrating."""
    import dataclasses
    from concurrent.futures import Future

    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    class Inline:
        def submit(self, fn, *args, **kwargs):
            f = Future()
            f.set_result(fn(*args, **kwargs))
            return f

    ctx = Context(_SLOW_SETTLE, Profile.named("quick"))
    ctx.profile = dataclasses.replace(ctx.profile, exponents=ctx.profile.exponents[:2])
    ctx.claims_to_run = ("convergence",)
    ctx.prefetch(Inline(), seconds=600)
    labels = [label for label, _ in ctx.timings]
    assert sum("from t=" in label for label in labels) == 2, labels
    n = len(ctx.timings)
    runs = [ctx.ladder_run(lam) for lam in ctx.profile.scales]
    assert len(ctx.timings) == n and all("continued_at" in r.stats for r in runs)


@pytest.mark.parametrize("reach", [6, 200])
def test_decide_adds_no_mid_point_rung_where_the_quantity_is_not_resolved(reach):
    """Census 0145 (alignment): the quantity was resolved on the rungs 1e-2 .. 1e-4 alone, fewer than four
    values, and the ladder added mid-points into the unresolved rungs, 1e-2 .. 1e-145 one decade at a
    time, until the whole-run budget cut the claim.  A judge that resolves the rungs down to
    ``10^-reach``, two values at most: at 6 no mid-point goes between the unresolved rungs 1e-10 .. 1e-22
    (the ladder goes deeper instead, where a rung has more digits, by a quarter of the depth at least);
    twin, resolved everywhere: the gaps there are filled (a fake judge, no runs)."""
    import mpmath

    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.core.rates import Limit
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    ctx = Context(_SLOW_SETTLE, Profile("tiny", (2, 6, 10, 14, 18, 22), dps=30, max_exponent=200))
    seen = []

    def judge(exps):
        seen.append(exps)
        mus = tuple(mpmath.mpf(10) ** -e for e in exps if e <= reach)[-2:]
        return Limit("UNDECIDED", 1, None, None, 0, mus, mus, (), lambda_needed=None), None

    base = (2, 6, 10, 14, 18, 22)
    _, _, exps, note = ctx.decide(judge, base)
    between = [e for e in exps if 10 < e < 22 and e not in base]
    if reach == 6:
        assert not between and exps[-1] == 200 and len(seen) < 20, exps
        assert "deepest rung 1e-200 reached" in note
    else:
        assert between, exps
