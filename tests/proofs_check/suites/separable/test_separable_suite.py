"""The ``separable`` suite (the separable two-direction model, reconstructed after Wang and Ma 2023):
claims on the default problem (a short ladder by default, the quick profile behind ``slow``),
planted falsehoods, OUTSIDE_ASSUMPTIONS, and a property over generated separable problems."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, assume, event, given, settings

from gfcheck.numeric import integrate
from gfcheck.numeric.examples import separable_problem
from gfcheck.proofs_check.suites.separable.claims import _speed_at
from gfcheck.proofs_check.core.context import Profile, mpf_to_fraction
from gfcheck.proofs_check.suites.separable.context import (SPEED_STEPS, T_I_DELTA, THETA0, SepContext, half_angle_tan,
                                                    two_direction_data)
from gfcheck.proofs_check.core.registry import claims, run_claim
from gfcheck.symbolic.problem import parse_problem
from tests.budget import examples
from tests.strategies import separable_problems

#: a short ladder for the default CI run (the quick profile's first five rungs)
SHORT = Profile("short", (4, 6, 8, 10, 12), dps=30)
CHEAP = ("survivors", "condensation", "growth-rates", "saddle-escape", "reactivation", "plateau",
         "deactivation", "margin")


@pytest.fixture(scope="module")
def ctx():
    return SepContext(separable_problem(), SHORT)


def _claim(cid):
    return next(c for c in claims("separable") if c.id == cid)


@pytest.mark.parametrize("cid", CHEAP)
def test_default_problem_short_ladder(ctx, cid):
    r = run_claim(_claim(cid), ctx)
    assert r.verdict == "VERIFIED", (r.result, r.twin)
    assert r.twin.verdict == "REFUTED"


_RESULTS = {}


def _run_cached(ctx, cid):
    if cid not in _RESULTS:
        _RESULTS[cid] = run_claim(_claim(cid), ctx)
    return _RESULTS[cid]


@pytest.mark.parametrize("cid,part", [
    ("condensation", "T_I(1/50 rad) kappa-free"),  # digest check 3: T_I(0.02 rad) kappa-free
    ("condensation", "pinned on e_+^perp"),  # the near-miss twin (turned by EDGE tolerances)
    ("condensation", "kappa-free phase I (exponent 2)"),  # decided once the digits follow the rung
    ("plateau", "angular speed"),  # digest check 7: phi' = P sin(Delta/2 - phi) + M sin(phi + Delta/2)
    ("margin", "negative cluster turns towards e_+^perp after T_esc"),  # digest check 11
    ("margin", "gamma(t) <= gamma*"),  # the near-miss twin (EDGE tolerances inside the data)
    ("gradient-descent", "GD switching time (Gamma_U = 0) -> t_rel"),  # digest check 6: GD's event at first order
    ("gradient-descent", "max_t |L_GD - L| ~ eta_GD"),  # the suite's band, float64 rounding in u
])
def test_each_part_verified_and_its_own_twin_refuted(ctx, cid, part):
    r = _run_cached(ctx, cid)
    assert r.result.details["parts"][part]["verdict"] == "VERIFIED", r.result.details["parts"][part]
    assert r.twin.details["parts"][part] == "REFUTED", r.twin


def test_every_output_names_the_reconstruction():
    from gfcheck.proofs_check.core.registry import suite

    s = suite("separable")
    assert "reconstructed after Wang and Ma 2023" in s.title and "reconstructed" in s.model
    for c in claims("separable"):
        assert "reconstructed after Wang and Ma 2023" in c.statement
    assert len(claims("separable")) == 14


@pytest.mark.parametrize("cid,name,factor", [("growth-rates", "r_plus", "1.01"),
                                             ("growth-rates", "r_minus", "1.01"),
                                             ("condensation", "r_plus", "1.01"),  # T_I's closed form
                                             ("margin", "gamma_star", "0.8"),
                                             ("margin", "gamma_star", "2")])
def test_planted_falsehoods_are_refuted(ctx, cid, name, factor):
    """The check refutes a planted wrong constant.  One case goes through ``run_claim`` end to end
    (the refutation survives the second route: 20 more digits, nothing memoised); the others ask
    the check itself (the second route is tested in tests/proofs_check/core/test_verdicts.py; rerunning
    it here cost four minutes of CI)."""
    planted = SepContext(ctx.problem, SHORT)
    planted._runs = ctx._runs  # the same runs: only the prediction changes
    consts = dict(ctx.constants)
    consts[name] = consts[name] * mpmath.mpf(factor)
    planted.__dict__["constants"] = consts
    if (cid, name, factor) == ("margin", "gamma_star", "0.8"):
        r = run_claim(_claim(cid), planted)
        assert r.verdict == "REFUTED" and r.result.details["second_route"]["verdict"] == "REFUTED", r.result
        return
    claim, _ = _claim(cid).check(planted)
    assert claim.verdict == "REFUTED", claim


def _parts(monkeypatch, check, ctx):
    """``(claim, twin, {part: (claim, twin)})`` of a claim check, the parts caught on their way to
    ``combine_verdicts`` (each part's twin must be refuted, not only one of them)."""
    import gfcheck.proofs_check.suites.separable.claims as cs

    seen = {}
    orig = cs.combine_verdicts

    def spy(parts, **kw):
        seen.update(parts)
        return orig(parts, **kw)

    monkeypatch.setattr(cs, "combine_verdicts", spy)
    claim, twin = check(ctx)
    return claim, twin, seen


@pytest.mark.parametrize("cid", ["plateau-escape", "final-rate"])
def test_escape_and_final_rate_decided_with_derived_orders(ctx, monkeypatch, cid):
    """Claims 9 and 10 are decided on the short ladder with derived correction orders
    (docs/suites/separable.md section 5), and every part's negative twin is refuted."""
    claim, twin, parts = _parts(monkeypatch, _claim(cid).check, ctx)
    assert claim.verdict == "VERIFIED", claim
    assert len(parts) == 3
    for name, (c, t) in parts.items():
        assert c.verdict == "VERIFIED", (name, c)
        assert t.verdict == "REFUTED", (name, t)


def test_planted_escape_slope_is_refuted(ctx):
    """A plausible wrong derivation (no growth while pinned: 1/(1-p) + 1/r_+) is refuted."""

    class Planted(SepContext):
        def escape_slope(self):
            p = mpmath.mpf(self.data.p.numerator) / self.data.p.denominator
            return (1 / (1 - p) + 1 / self.const("r_plus")) / (mpmath.mpf(self.eta.numerator) / self.eta.denominator)

    planted = Planted(ctx.problem, SHORT)
    planted._runs = ctx._runs
    claim, _ = _claim("plateau-escape").check(planted)  # the check itself (see test_planted_falsehoods_are_refuted)
    assert claim.verdict == "REFUTED", claim


def test_planted_classical_velocity_is_refuted(ctx, monkeypatch):
    """The phase-IV flow without the Filippov projection on the boundaries (the classical field with
    ReLU'(0) = 0) violates the energy identity: claim 10 is refuted."""
    import gfcheck.proofs_check.suites.separable.claims as cs

    filippov = cs._velocity

    def classical(ctx_, st, P, M, classical=False):
        return filippov(ctx_, st, P, M, classical=True)

    monkeypatch.setattr(cs, "_velocity", classical)
    r = run_claim(_claim("final-rate"), ctx)
    assert r.verdict == "REFUTED", r.result


def _variant(t, loss, n_plus, n_minus):
    """The default problem's width, directions and seed on other data: ``Delta = 4 atan t``,
    ``n_plus``/``n_minus`` copies, ``loss``."""
    import json
    from importlib import resources

    doc = json.loads(resources.files("gfcheck.numeric").joinpath("data/separable.problem.json").read_text())
    c, s_ = (1 - t * t) / (1 + t * t), 2 * t / (1 + t * t)
    doc["inputs"] = [[str(c), str(s_)]] * n_plus + [[str(c), str(-s_)]] * n_minus
    doc["labels"] = ["1"] * n_plus + ["-1"] * n_minus
    doc["loss"] = loss
    return parse_problem(doc)


@pytest.mark.slow
@pytest.mark.skipif(settings._current_profile != "thorough",
                    reason="three quick-profile ladders (3-5 min on 2 cores) run under HYPOTHESIS_PROFILE=thorough")
@pytest.mark.parametrize("t,loss,n_plus,n_minus", [(Fraction(3, 40), "exponential", 7, 3),
                                                    (Fraction(1, 40), "logistic", 7, 3),
                                                    (Fraction(1, 40), "exponential", 17, 3)])
def test_escape_and_final_rate_on_other_problems(monkeypatch, t, loss, n_plus, n_minus):
    """Claims 9 and 10 are not tuned to the default problem: Delta ~ 0.3, the logistic loss and
    p = 17/20 (quick ladder), every part VERIFIED and every part's twin refuted."""
    from gfcheck.proofs_check.suites.separable.context import PROFILES

    ctx = SepContext(_variant(t, loss, n_plus, n_minus), PROFILES["quick"])
    for cid in ("plateau-escape", "final-rate"):
        claim, _twin, parts = _parts(monkeypatch, _claim(cid).check, ctx)
        assert claim.verdict == "VERIFIED", (cid, claim)
        assert all(t_.verdict == "REFUTED" for _c, t_ in parts.values()), (cid, parts)


def test_derivation_steps_of_claims_9_and_10():
    """The algebra behind claims 9 and 10 (docs/suites/separable.md section 5), by sympy and mpmath:
    the pinned identity, the negatives' rate to second order in P, the factorisation of the
    digest's product, and the asymptotic series of y e^-y Ei(y) with its first neglected term."""
    import sympy as sp

    a, u, P, M, c, s_, t, L, q, qb, rho, beta = sp.symbols("a u P M c s t L q qbar rho beta", positive=True)
    # pinned on v = 0: da = P u, du = a P sin^2 Delta  =>  d log(a sin Delta + u)/dt = P sin Delta
    assert sp.simplify((s_ * P * u + a * P * s_ ** 2) / (a * s_ + u) - P * s_) == 0
    # |M x_- - P x_+| = M - P cos Delta + P^2 sin^2 Delta/(2M) + O(P^3)
    rate = sp.sqrt(M ** 2 + P ** 2 - 2 * M * P * c)
    assert sp.simplify(sp.series(rate, P, 0, 3).removeO() - (M - c * P + (1 - c ** 2) * P ** 2 / (2 * M))) == 0
    # X = 1/L, X' = 4 qbar^2/(rho beta^2): L t q 4 (q/rho) = beta^2 (q/qbar)^2 t X'/X
    Xdot = 4 * qb ** 2 / (rho * beta ** 2)
    assert sp.simplify(4 * L * t * q ** 2 / rho - beta ** 2 * (q / qb) ** 2 * t * Xdot * L) == 0
    # y e^-y Ei(y) = 1 + 1/y + 2/y^2 + 6/y^3 + 24/y^4 + (120 + o(1))/y^5
    with mpmath.workdps(40):
        for y in (mpmath.mpf(200), mpmath.mpf(2000)):
            rest = y * mpmath.exp(-y) * mpmath.ei(y) - mpmath.fsum(mpmath.factorial(k) / y ** k for k in range(5))
            assert abs(rest * y ** 5 / 120 - 1) < 10 / y, (y, rest)  # the next term: 720/y^6, 6/y relative


def _doc(inputs, labels, m=4):
    return {"schema": "gfcheck.problem/1", "inputs": inputs, "labels": labels, "width": m,
            "init": {"scale": "1e-6", "seed": 1}, "loss": "exponential"}


def test_outside_assumptions_a1_and_form():
    # p = 1/2 breaks (A1): p cos Delta <= 1 - p
    half = parse_problem(_doc([["1599/1601", "80/1601"], ["1599/1601", "-80/1601"]], ["1", "-1"]))
    ctx = SepContext(half, SHORT)
    for cid in ("survivors", "growth-rates", "saddle-escape", "plateau-escape"):
        r = run_claim(_claim(cid), ctx)
        assert r.verdict == "OUTSIDE_ASSUMPTIONS"
        assert "(A1)" in r.result.details["reason"] and "p cos Delta" in r.result.details["witness"]
    # three directions: not the two-direction form
    three = parse_problem(_doc([["1", "0"], ["0", "1"], ["3/5", "4/5"]], ["1", "-1", "1"]))
    r = run_claim(_claim("margin"), SepContext(three, SHORT))
    assert r.verdict == "OUTSIDE_ASSUMPTIONS" and "two input directions" in r.result.details["reason"]


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(separable_problems(max_copies=4, max_d=3, max_m=5, losses=("exponential", "logistic"), a1=True, min_m=4))
def test_survivor_rule_and_saddle_time_on_generated_problems(problem):
    """On generated (A1) problems at kappa = 1e-8: the alive set after f(x_+) = 1/100 is the rule's,
    T(f(x_+) = 1/100) agrees with the closed form + the limit orbit's offset to O(kappa), T_I(0.02 rad)
    with its kappa-free closed form, and the positive survivors turn at the angular speed of the
    identity (claim 7), the identity without its M term refuted."""
    data = two_direction_data(problem)
    assume(not isinstance(data, tuple) and data.a1)
    p = dataclasses.replace(problem, scale=Fraction(1, 10 ** 8))
    ctx = SepContext(p, SHORT)
    assume(any(p.signs[j] > 0 for j in ctx.survivor_rule()))
    with mpmath.workdps(30):
        T = ctx.T_pred(p.scale)
    with mpmath.workdps(30):
        T_I = max(ctx.condensation_times().values())
    T_I = mpf_to_fraction(T_I) if T_I > 0 else None
    centre = Fraction(int(T) + 2)  # past the saddle: the positive survivors active on both points
    stencil = [centre] + [centre + sg * h for h in SPEED_STEPS for sg in (1, -1)]
    times = sorted(set([Fraction(int(T) + 5)] + stencil + ([T_I] if T_I else [])))
    run = integrate(p, dps=20, t_end=Fraction(int(T) + 5), watches=ctx.watches(), error_estimate=False,
                    times=tuple(times))
    t = run.crossings["f+"]
    assert t is not None
    alive = frozenset(j for j, row in enumerate(run.samples[-1].U) if max(row) > 0)
    assert alive == ctx.survivor_rule()
    assert abs(float(t) - float(T)) < 1e-3, (float(t), float(T), THETA0)
    # digest check 3: T_I(0.02 rad) at kappa = 1e-8 is the kappa-free closed form (O(kappa^2)), within the
    # suite's band; the twin (4 bands off) is not
    pos = [j for j in ctx.survivor_rule() if p.signs[j] > 0]
    if T_I is not None:
        with mpmath.workprec(run.work_bits):
            st = ctx.sample(run, T_I)
            psi = max(half_angle_tan(st.W[j], ctx.g_hat()) for j in pos)
            rate = float(ctx.eta) * float(ctx.const("r_plus"))
            meas = float(T_I) + (float(mpmath.log(psi)) - math.log(math.tan(float(T_I_DELTA) / 2))) / rate
        band = float(T_I) * 2 ** -10
        assert abs(meas - float(T_I)) <= band, (meas, float(T_I))
        assert abs(meas - float(T_I) - 4 * band) > band
    # digest check 7: the angular-speed identity on every positive survivor; the M-dropped twin refuted
    got = _speed_at(ctx, run, centre, pos)
    event(f"angular speed checked on {len(got)} of {len(pos)} positive survivors")
    for j, lim, twin, _identity in got:
        assert lim.verdict == "VERIFIED", (j, lim)
        assert twin.verdict == "REFUTED", (j, twin)


@pytest.mark.slow
def test_quick_profile_full_run(tmp_path):
    """``gfcheck verify --suite separable`` (quick): 13 VERIFIED (plateau-escape and final-rate with
    derived correction orders: docs/suites/separable.md section 5)."""
    from gfcheck.proofs_check.jobs.verify import run_verify

    status = run_verify(suite="separable", profile="quick", out=tmp_path / "r")
    import json

    rep = json.loads((tmp_path / "r" / "report.json").read_text())
    got = {c["id"]: c["verdict"] for c in rep["claims"]}
    assert all(v == "VERIFIED" for v in got.values()), got
    assert sorted(rep["figures"]) == ["angles.png", "margin.png", "phases.png"]
    assert status == 0


@settings(max_examples=examples(4), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(separable_problems(max_copies=3, max_d=3, max_m=5, losses=("exponential", "logistic"), a1=True, min_m=4))
def test_gradient_descent_switching_time_on_generated_problems(problem):
    """Claim 12's switching time on generated (A1) problems with a pinned negative survivor
    (kappa = 1e-8): never REFUTED, and its near miss (4 bands) never VERIFIED.  It is VERIFIED
    with the twin REFUTED on most problems (the default problem: the short-ladder tests above);
    on some, GD's O(eta) error has a coefficient that depends on where the activation events
    fall within a step, and the local exponents are irregular (1e-7 .. 1e-2): then the part or its
    twin is UNDECIDED (docs/suites/separable.md).  The loss part is not asserted here (irregular too)."""
    data = two_direction_data(problem)
    assume(not isinstance(data, tuple) and data.a1)
    ctx = SepContext(problem, Profile("gd", (4, 8), dps=30))
    rule = ctx.survivor_rule()
    assume(any(problem.signs[j] > 0 for j in rule) and any(problem.signs[j] < 0 for j in rule))
    assume(ctx.orbit["rel"] is not None)
    r = run_claim(_claim("gradient-descent"), ctx)
    name = "GD switching time (Gamma_U = 0) -> t_rel"
    part = r.result.details["parts"][name]
    twin = r.twin.details["parts"][name]
    event(f"switching time {part['verdict']}, its twin {twin}")
    assert part["verdict"] in ("VERIFIED", "UNDECIDED"), part
    assert twin in ("REFUTED", "UNDECIDED")
