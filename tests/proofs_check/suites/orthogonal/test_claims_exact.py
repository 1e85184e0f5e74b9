"""proofs_check.claims_exact: the early-phase ladder starts inside the linear regime (issue 19
cause 3: deactivations of the nonlinear phase were counted as early exits)."""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import assume, given, settings
from budget import examples
from strategies import census_orthogonal_problems, valid_problems

from gfcheck.proofs_check.suites.orthogonal.claims_exact import EARLY_EXPONENTS, early_probe_time, early_exponents
from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.suites.orthogonal.context import Context


@given(valid_problems())
def test_the_first_early_rung_keeps_the_fastest_mode_small_at_the_probe(p):
    ctx = Context(p, Profile.named("quick"))
    t = early_probe_time(ctx.early_phase)
    e0 = early_exponents(ctx, t)[0]
    Dmax = max(float(ctx.data.D_plus_sq), float(ctx.data.D_minus_sq)) ** 0.5
    growth = Dmax * float(t) / p.n / math.log(10)  # decades the fastest mode grows by t
    assert e0 - growth >= EARLY_EXPONENTS[0] - 1e-9  # lambda e^(||D|| t/n) <= 1e-3 on every rung
    with mpmath.workdps(20):
        assert mpmath.mpf(10) ** -e0 * mpmath.exp(Dmax * float(t) / p.n) <= mpmath.mpf("1e-3") * (1 + 1e-12)


def test_twin_the_fixed_ladder_of_before_leaves_the_linear_regime():
    """x_0 = e_1 (label 6), x_1 = e_2 (label -1), a positive neuron active on both (it exits x_1):
    by the probe t = 2 the fastest mode has grown 2.6 decades, so at lambda = 1e-3 the mode is 0.4: no longer small."""
    from fractions import Fraction as F

    from gfcheck.symbolic.problem import Problem

    p = Problem(inputs=((F(1), F(0)), (F(0), F(1))), labels=(F(6), F(-1)), width=2, scale=F(1, 1000),
                directions=((F(1), F(1)), (F(-1), F(1))), signs=(1, -1))
    ctx = Context(p, Profile.named("quick"))
    t = early_probe_time(ctx.early_phase)
    assert 10.0 ** -EARLY_EXPONENTS[0] * math.exp(6 * float(t) / 2) > 0.1  # old first rung: the mode at 0.4, not small
    assert early_exponents(ctx, t)[0] == EARLY_EXPONENTS[0] + 3


_Q = __import__("hypothesis").strategies.fractions(min_value=-3, max_value=3, max_denominator=7)


@given(st_data=__import__("hypothesis").strategies.data())
def test_the_one_neuron_loss_values_equal_the_whole_network_s(st_data):
    """decoupling's directional derivative evaluates the loss with only neuron j moved (O(n d));
    it must give exactly the three-point rule on the whole network's loss (the reference, written
    here from the definition L = 1/(2n) sum (sum_i a_i relu(<w_i, x_k>) - y_k)^2), on any data,
    kink-free steps included; the twin: moving another neuron than j changes the value."""
    from fractions import Fraction

    from hypothesis import strategies as st

    from gfcheck.proofs_check.suites.orthogonal.claims_exact import _directional_gradient

    n, d, m = (st_data.draw(st.integers(1, 3)) for _ in range(3))
    X = [[st_data.draw(_Q) for _ in range(d)] for _ in range(n)]
    y = [st_data.draw(_Q) for _ in range(n)]
    W = [[st_data.draw(_Q) for _ in range(d)] for _ in range(m)]
    a = [st_data.draw(_Q) for _ in range(m)]
    v = [st_data.draw(_Q) for _ in range(d)]
    j, side = st_data.draw(st.integers(0, m - 1)), st_data.draw(st.sampled_from([-1, 1]))

    def dot(p, q):
        return sum((s * t for s, t in zip(p, q)), Fraction(0))

    def loss(Wh):
        return sum(((sum((ai * max(dot(wi, x), 0) for ai, wi in zip(a, Wh)), Fraction(0)) - yk) ** 2
                    for x, yk in zip(X, y)), Fraction(0)) / (2 * n)

    def moved(i, hh):
        return [[w + hh * vi for w, vi in zip(row, v)] if r == i else row for r, row in enumerate(W)]

    u = [dot(W[j], x) for x in X]
    vx = [dot(v, x) for x in X]
    delta = min([abs(p) / abs(q) for p, q in zip(u, vx) if p != 0 and q != 0] + [Fraction(1)]) / 4
    ref = side * (-3 * loss(W) + 4 * loss(moved(j, side * delta)) - loss(moved(j, 2 * side * delta))) / (2 * delta)
    assert _directional_gradient(X, y, a, W, j, v, side) == ref
    if m > 1 and any(a) and any(vx):
        other = (j + 1) % m
        wrong = side * (-3 * loss(W) + 4 * loss(moved(other, side * delta))
                        - loss(moved(other, 2 * side * delta))) / (2 * delta)
        if wrong != ref:  # the twin: the reference does see which neuron moves
            assert _directional_gradient(X, y, a, W, j, v, side) != wrong


class _ExitDropped:
    """An early phase whose predicted exit set lacks one pair (a planted wrong prediction)."""

    def __init__(self, ep, drop):
        self._ep = ep
        self.exits = tuple(tuple(x for x in ex if (j, x[0]) != drop) for j, ex in enumerate(ep.exits))

    def __getattr__(self, name):
        return getattr(self._ep, name)


def test_exit_times_names_the_pair_it_did_not_predict():
    """Issue 19 cause 3: a REFUTED exit set names each mismatched pair with its predicted and
    measured times (the user can tell a wrong prediction from a late deactivation). On a
    generated problem (seeded directions and signs, both label signs), one predicted exit is
    dropped from the prediction: the check refutes and names exactly that pair, 'not predicted',
    with the time the engine measured; the twin, the true prediction, verifies with no pair named."""
    from gfcheck.proofs_check.suites.orthogonal.claims_exact import _check_exits
    from gfcheck.proofs_check.jobs.sweep import problem_of

    for seed in range(1, 40):  # the first generated problem with an exit to drop
        p = problem_of({"seed": seed, "n": 3, "d": 4, "m": 6, "scale": "1/1000"})
        ctx = Context(p, Profile.named("quick"))
        pairs = [(j, k) for j, ex in enumerate(ctx.early_phase.exits) for k, _ in ex]
        if pairs:
            break
    true_claim, _ = _check_exits(ctx)
    assert true_claim.verdict == "VERIFIED" and not true_claim.details["mismatched_pairs"], true_claim
    drop = pairs[0]
    planted = Context(p, Profile.named("quick"))
    planted.__dict__["early_phase"] = _ExitDropped(ctx.early_phase, drop)
    planted._runs = ctx._runs  # the same runs: only the prediction changes
    claim, _ = _check_exits(planted)
    assert claim.verdict == "REFUTED", claim
    named = [m for rung in claim.details["mismatched_pairs"].values() for m in rung]
    assert named and all((m["neuron"], m["point"]) == drop for m in named), named
    assert all(m["predicted_t"] == "not predicted" and m["measured_t"] not in ("", "none") for m in named)


@pytest.mark.slow
@settings(max_examples=examples(1), deadline=None)
@given(problem=census_orthogonal_problems(max_n=4, max_m=12, never_covered=True, relu_one=False))
def test_reduced_vs_full_twin_can_fail_where_the_flow_comes_to_rest(problem):
    """Census 0057 (never-covered): the flow comes to rest early, so a clock error relative to t
    (the twin of before: samples at ``t (1 + 2^(-b+20))``) moved no sample beyond the tolerance and
    the claim was UNDECIDED.  The twin is now a clock late by 256 tolerances of motion at the sample
    where the flow moves fastest: refuted, while the claim itself holds."""
    from gfcheck.proofs_check.core.registry import claims, run_claim
    from gfcheck.symbolic.assumptions import MOVING_FLOW, Facts

    assume(MOVING_FLOW.witness(Facts(problem)) is None)  # a flow at rest is outside (census 0056)
    c = next(c for c in claims("orthogonal") if c.id == "reduced-vs-full")
    r = run_claim(c, Context(problem, Profile.named("quick")))
    assert r.verdict == "VERIFIED" and r.twin.verdict == "REFUTED", (r.result.details, r.twin.details)


@settings(max_examples=examples(1), deadline=None)
@given(problem=census_orthogonal_problems(max_n=4, max_m=12, relu_one=False))
def test_decoupling_twin_is_refuted_on_the_flow_s_signed_states(problem):
    """Census 0071 (one-signed negative labels, no A3): the decoupling twin (the cross term dropped)
    measured 0, so the claim was UNDECIDED: its states had passed through ``mpf_to_fraction``, which
    dropped the sign of every negative ``a_j`` and ``w_jk``, and no neuron of those unsigned states
    was active on the perturbed pair.  On generated problems at census sizes the claim holds at the
    flow's own states (the start among them) and its twin, on a pair that a neuron is active on at
    the start (``coupled_pair``), is refuted."""
    from gfcheck.proofs_check.suites.orthogonal.claims_exact import coupled_pair
    from gfcheck.proofs_check.core.registry import claims, run_claim

    k, l, eps = coupled_pair(problem)
    g_active = [g for g in problem.directions
                if sum(a * b for a, b in zip(g, problem.inputs[l])) > 0
                and sum((a + eps * c) * b for a, c, b in zip(problem.inputs[k], problem.inputs[l], g)) > 0]
    assume(g_active and problem.labels[l] != 0)  # the rare problem with no coupled pair at all
    c = next(c for c in claims("orthogonal") if c.id == "decoupling")
    r = run_claim(c, Context(problem, Profile.named("quick")))
    assert r.verdict == "VERIFIED" and r.twin.verdict == "REFUTED", (r.result.details, r.twin.details)
    assert r.result.details["states"] == "4"


def test_claim_17_reads_convention_0_on_every_rung_it_has_and_two_it_makes():
    """Under the problem's own ReLU'(0) = 0 the frozen-coordinate part reads every rung (the other
    claims' ladder runs); under ReLU'(0) = 1 its runs at 0 are its own cost, so it reads the first and
    the last rung and those already made (census 0024: 448 s, the budget spent).  Twin: a rung made
    at convention 0 is read too, the convention-1 runs are not."""
    import dataclasses
    from fractions import Fraction

    from gfcheck.proofs_check.suites.orthogonal.claims_exact import frozen_rungs
    from gfcheck.proofs_check.suites.orthogonal.suite import default_problem

    quick = Profile.named("quick")
    assert frozen_rungs(Context(default_problem(), quick)) == quick.scales
    ctx = Context(dataclasses.replace(default_problem(), relu_prime_at_zero=1), quick)
    assert frozen_rungs(ctx) == (quick.scales[0], quick.scales[-1])
    ctx.ladder_run(Fraction(1, 10 ** 20))  # the problem's own convention, 1: not a run at 0
    assert frozen_rungs(ctx) == (quick.scales[0], quick.scales[-1])
    ctx.ladder_run(Fraction(1, 10 ** 20), relu_prime_at_zero=0)
    assert frozen_rungs(ctx) == (quick.scales[0], Fraction(1, 10 ** 20), quick.scales[-1])


@settings(max_examples=examples(1), deadline=None)
@given(problem=census_orthogonal_problems(max_n=4, max_m=12))
def test_an_event_one_run_misses_is_allowed_only_where_the_digits_do_not_decide_it(problem):
    """Census 0054 (σ'(0) = 1): 30 and 40 digits differed by four re-entries where a residual
    decaying to 0 crossed it at the level of its rounding; such an event, in one run only, is not a
    disagreement (:func:`_unpaired_defined`).  The twin: a run that misses a well-conditioned event
    (finite time tolerance) disagrees."""
    from types import SimpleNamespace

    from gfcheck.proofs_check.suites.orthogonal.claims_exact import _event_time_tolerances, _unpaired_defined

    ctx = Context(problem, Profile.named("quick"))
    p, kw = ctx.escape_request(ctx.profile.scales[0])
    run = ctx.run(p, t_end=kw["t_end"], engine="reduced", error_estimate=False)
    assume(run.events)
    assert _unpaired_defined(ctx, p, run, run, kw["t_end"]) == (True, 0)
    tols = _event_time_tolerances(ctx, p, run, kw["t_end"])
    conditioned = [i for i, t in enumerate(tols) if mpmath.isfinite(t)]
    assume(conditioned)
    missing = SimpleNamespace(events=[e for i, e in enumerate(run.events) if i != conditioned[-1]])
    assert _unpaired_defined(ctx, p, run, missing, kw["t_end"]) == (False, 1)
