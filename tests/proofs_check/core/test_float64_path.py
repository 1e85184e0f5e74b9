"""The float64 path is checked (issue 20 item 2): each suite's ``float64-path`` claim compares the
float64 engine with the reduced engine at the profile's digits, VERIFIED on the defaults with its
planted twin REFUTED; faults that the float64 engine and its own extended-precision reference share
(a step rule at e^-1, a root returned at a 1e-8 bracket) are REFUTED; too few reference digits are
UNDECIDED."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from gfcheck.numeric import _float64
from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.core.float64_path import float64_promise, planted
from gfcheck.proofs_check.core.registry import claims, run_claim, suite

QUICK = Profile.named("quick")


def _run(suite_name, profile=QUICK):
    c = next(c for c in claims(suite_name) if c.id == "float64-path")
    su = suite(suite_name)
    return run_claim(c, su.make_context(su.default_problem(), profile))


@pytest.mark.parametrize("suite_name", ["orthogonal", "separable"])
def test_float64_path_verified_and_planted_twin_refuted(suite_name):
    r = _run(suite_name)
    assert r.verdict == "VERIFIED", r.result
    assert r.twin.verdict == "REFUTED", r.twin
    assert set(r.twin.details["parts"].values()) == {"REFUTED"}
    det = r.result.details
    assert mpmath.mpf(det["real_error"]) <= mpmath.mpf(det["estimate"])


def _step_rule_e1(monkeypatch):
    init = _float64._F64.__init__

    def wide(self, problem, order=_float64._ORDER, step_factor=1.0, dtype=_float64.np.float64):
        init(self, problem, order=order, step_factor=step_factor * math.e, dtype=dtype)

    monkeypatch.setattr(_float64._F64, "__init__", wide)


def _loose_root(monkeypatch):
    def done(self, lo, hi, t, nt):
        if abs(nt - t) <= 1e-8 * max(abs(nt), 1e-300) or hi - lo <= 1e-8 * max(hi, 1e-300):
            return 0.5 * (lo + hi)
        return None

    monkeypatch.setattr(_float64._FloatRoots, "done", done)


@pytest.mark.parametrize("suite_name", ["orthogonal", "separable"])
@pytest.mark.parametrize("mutant", [_step_rule_e1, _loose_root])
def test_twin_shared_float64_faults_are_refuted(suite_name, mutant, monkeypatch):
    mutant(monkeypatch)
    r = _run(suite_name)
    assert r.verdict == "REFUTED", r.result
    assert "internal error" not in str(r.result.details)


def test_too_few_reference_digits_is_undecided():
    r = _run("orthogonal", Profile("f64", (10,), dps=15))
    assert r.verdict == "UNDECIDED"
    assert "more digits are needed" in r.result.details["reason"]


def test_planted_and_promise():
    from gfcheck.proofs_check.suites.orthogonal.suite import default_problem
    from gfcheck.numeric import integrate

    tr = integrate(default_problem(), dps=20, t_end=40, times=(0, 20), error_estimate=False)
    with mpmath.workdps(20):
        d = mpmath.mpf("1e-12")
        p = planted(tr, d)
        assert p.final.a[0] == tr.final.a[0] + d and p.samples[1].a[0] == tr.samples[1].a[0] + d
        assert p.final.a[1:] == tr.final.a[1:] and p.final.U == tr.final.U
        assert [e.t for e in p.events] == [f.t + d for f in tr.events] and tr.events
        assert float64_promise(1, 1) == mpmath.ldexp(1, -39)



# -- event times through their conditioning (census 0085, ReLU'(0) = 1) ----------------------------

_CENSUS = Path(__file__).resolve().parents[3] / "benchmarks" / "census" / "problems"
_0085 = "0085-orthogonal-ratio2.problem.json"


def _census(name):
    """A census problem (our generator, seed 2026; ReLU'(0) = 1, n = 7, m = 24)."""
    from gfcheck.symbolic.problem import load_problem

    return load_problem(_CENSUS / name)


def _local_exponents(errs):
    return [math.log(e0 / e1, 2) for e0, e1 in zip(errs, errs[1:])]


@pytest.mark.parametrize("kind", ["deactivate", "activate"])
def test_event_speed_is_the_flow_s_derivative_at_the_event(kind):
    """``event_speed`` against the reduced engine's own states around a ReLU'(0) = 1 event: the
    difference quotient of the deciding quantity (``u_jk`` from the left, one-sided of order 2,
    since it is frozen after; ``r_k`` central) converges to it at order 2 in the step; twin: the
    speed without ``c_k`` (a dropped factor) does not converge (local exponents near 0)."""
    from gfcheck.numeric import integrate
    from gfcheck.proofs_check.core.context import with_scale
    from gfcheck.numeric.precision import to_mpf
    from gfcheck.proofs_check.core.context import mpf_to_fraction
    from gfcheck.proofs_check.core.float64_path import event_speed

    p = with_scale(_census(_0085), Fraction(1, 10**10))
    T = Fraction(30)
    ev = next(e for e in integrate(p, t_end=T, dps=30, error_estimate=False).events if e.kind == kind and e.t > 1)
    t = mpf_to_fraction(ev.t)
    hs = [Fraction(1, 2 ** q) for q in (8, 9, 10, 11)]
    offsets = (-2, -1) if kind == "deactivate" else (-1, 1)
    times = sorted({t + o * h for h in hs for o in offsets} | {t})
    tr = integrate(p, t_end=T, dps=30, times=tuple(times), error_estimate=False)
    at = dict(zip(times, tr.samples))
    j, k = ev.neuron, ev.point
    with mpmath.workdps(30):
        def g(x):
            st = at[x]
            if kind == "deactivate":
                return st.U[j][k]
            return sum((a * row[k] for a, row in zip(st.a, st.U) if row[k] > 0), mpmath.mpf(0)) - to_mpf(p.labels[k])

        def quotient(h):
            if kind == "deactivate":  # u_jk(t) = 0: (3 u(t) - 4 u(t - h) + u(t - 2h)) / 2h
                return abs(3 * g(t) - 4 * g(t - h) + g(t - 2 * h)) / (2 * to_mpf(h))
            return abs(g(t + h) - g(t - h)) / (2 * to_mpf(h))

        speed = event_speed(p, at[t], ev)
        ck = to_mpf(p.norms_squared()[k]) / p.n
        errs = [abs(quotient(h) - speed) for h in hs]
        twin = [abs(quotient(h) - speed / ck) for h in hs]
    assert speed > 0
    assert all(abs(x - 2) < 0.25 for x in _local_exponents(errs)), (errs, speed)
    assert all(abs(x) < 0.25 for x in _local_exponents(twin)), twin


def test_ill_conditioned_reentry_is_promised_through_its_speed_and_estimated_at_64_bits(monkeypatch):
    """Census 0085 (ReLU'(0) = 1): the residual r_4 crosses 0 at |dr_4/dt| ~ 1e-15, below float64's
    push floor, and the float64 run re-enters 45 time units after the 30-digit reference.  Its
    extended-precision reference resolves the push at its own 64 bits, so the estimate covers the
    difference, and the event times lie within P / |dg/dt|: VERIFIED, twin REFUTED.  Negative twin
    of the fix: with the extended run's push floor at float64's bits (as before), both runs share
    the late re-entry and the events part is REFUTED."""
    su = suite("orthogonal")
    c = next(c for c in claims("orthogonal") if c.id == "float64-path")
    ctx = su.make_context(_census(_0085), QUICK)
    r = run_claim(c, ctx)
    assert r.verdict == "VERIFIED", r.result
    assert r.twin.verdict == "REFUTED", r.twin
    parts = r.result.details["parts"]
    assert mpmath.mpf(parts["events"]["measurement"]) > 1  # the ill-conditioned re-entries
    assert "conditioned" in parts["float64 event times"]

    init = _float64._F64.__init__

    def shared_floor(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.r_floor = _float64.np.abs(self.y) * 2.0 ** (-52 + _float64._PUSH_SLACK)

    monkeypatch.setattr(_float64._F64, "__init__", shared_floor)
    # the reference runs stay memoised; the float64 runs are made again with the planted floor
    ctx._runs = {key: tr for key, tr in ctx._runs.items() if dict(key[1]).get("engine") != "float64"}
    result, _ = c.check(ctx)  # the first route's verdict (a second route would rerun the references)
    assert result.verdict == "REFUTED", result
    assert result.details["parts"]["events"]["verdict"] == "REFUTED"


def test_an_event_beyond_float64_resolution_cuts_the_horizon_before_it(monkeypatch):
    """Census 0045 (ReLU'(0) = 1, n = 7, m = 12): the residual r_2 of a fitted point crosses 0 at
    |dr_2/dt| ~ 6e-19 (t = 66.6), far below float64's promise, and five coordinates re-enter there.
    The float64 run and its extended-precision reference disagree on one of them, so the estimate
    vouches for no digit on the whole horizon.  The path is judged on the horizon cut before that
    event (the cut and its reason in the details): VERIFIED, twin REFUTED.  Negative twin of the
    rule: the same difference taken as well conditioned (a speed of 1) is no ground for a cut, and
    the claim stays UNDECIDED, naming the event."""
    from gfcheck.proofs_check.core import float64_path

    su = suite("orthogonal")
    c = next(c for c in claims("orthogonal") if c.id == "float64-path")
    ctx = su.make_context(_census("0045-orthogonal-relu1.problem.json"), QUICK)
    r = run_claim(c, ctx)
    assert r.verdict == "VERIFIED", r.result
    assert r.twin.verdict == "REFUTED", r.twin
    (cut,) = r.result.details["horizon_cut"]
    assert "beyond float64's resolution" in cut and "activate" in cut
    horizon = mpmath.mpf(r.result.details["horizon"])
    assert 0 < horizon < mpmath.mpf(cut.split("at t = ")[1].split(",")[0])

    monkeypatch.setattr(float64_path, "event_speed", lambda *a: mpmath.mpf(1))
    result, _ = c.check(ctx)  # the runs are memoised
    assert result.verdict == "UNDECIDED", result
    assert "is well conditioned" in result.details["reason"] and "horizon_cut" not in result.details


def test_a_float64_run_that_agrees_within_its_promises_is_judged_on_its_own_digits(monkeypatch):
    """Census 0093 (ReLU'(0) = 1): the horizon is cut before a re-entry beyond float64's resolution
    (|dr/dt| = 2e-21); before it, the float64 run agrees with the reference on every event within the
    event's own time promise P / |dg/dt|, but its 64-bit estimate run makes a brief re-entry of its own,
    so the estimate vouches for no digit.  The run is judged on float64's own digits alone: VERIFIED,
    twin REFUTED.  Negative twin: with every event's promise shrunk to nothing (a speed of 1e30), the
    paired events that differ by more than P are differences, well conditioned: UNDECIDED."""
    from gfcheck.proofs_check.core import float64_path

    su = suite("orthogonal")
    c = next(c for c in claims("orthogonal") if c.id == "float64-path")
    ctx = su.make_context(_census("0093-orthogonal-ratio2.problem.json"), QUICK)
    r = run_claim(c, ctx)
    assert r.verdict == "VERIFIED" and r.twin.verdict == "REFUTED", r.result
    assert "judged alone" in r.result.details["estimate"] and r.result.details["horizon_cut"]
    monkeypatch.setattr(float64_path, "event_speed", lambda *a: mpmath.mpf(10) ** 30)
    result, _ = c.check(ctx)  # the runs are memoised
    assert result.verdict == "UNDECIDED" and "well conditioned" in result.details["reason"], result


def test_a_reference_event_beyond_float64_resolution_cuts_the_horizon_though_the_estimate_agrees(monkeypatch):
    """Census 0089 (ReLU'(0) = 1, n = 7, d = 8, m = 18): the reference re-activates four coordinates on
    point 0 where its residual crosses 0 at |dr_0/dt| ~ 1e-23 (t = 1276, in the settle); the float64
    run and its own extended-precision estimate agree with each other and make none of them, so no
    estimate mismatch flagged it, and the path was REFUTED on the event set while its states and
    crossings agreed to 1e-13.  Now the horizon is cut before that event: VERIFIED, twin REFUTED.
    Negative twin of the rule: the same difference taken as well conditioned (a speed of 1) is a
    difference float64 should have resolved, and the event set REFUTES the path."""
    from gfcheck.proofs_check.core import float64_path

    su = suite("orthogonal")
    c = next(c for c in claims("orthogonal") if c.id == "float64-path")
    ctx = su.make_context(_census("0089-orthogonal-ratio2.problem.json"), QUICK)
    r = run_claim(c, ctx)
    assert r.verdict == "VERIFIED" and r.twin.verdict == "REFUTED", r.result
    (cut,) = r.result.details["horizon_cut"]
    assert "beyond float64's resolution" in cut and "(3, 0, activate)" in cut
    monkeypatch.setattr(float64_path, "event_speed", lambda *a: mpmath.mpf(1))
    result, _ = c.check(ctx)  # the runs are memoised
    assert result.verdict == "REFUTED" and result.details["parts"]["events"]["verdict"] == "REFUTED", result
