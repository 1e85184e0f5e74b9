"""The measured error estimate is honest: never below the true error, on every engine.

``error_estimate = 2 max |z - z'|`` against a reference run (``gfcheck.numeric.estimate``),
over the final and sampled states, event and crossing times.  Checked against a
high-precision truth: the reference solutions in tests/data, and, for generated problems, a
run at many more digits.  Negative twins: a truncated Taylor order makes the estimate grow
with the true error (still above it).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction as Fr

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numeric_helpers import logistic_problem, reference
from strategies import valid_problems

from gfcheck.numeric import LossWatch, integrate
from gfcheck.numeric.estimate import match_events, run_with_reference, trajectory_difference
from gfcheck.symbolic.errors import IntegrationFailed


def _true_error_against_solution(tr, sol):
    with mpmath.workdps(80):
        za = [abs(x - mpmath.mpf(s)) for x, s in zip(tr.final.a, sol["a"])]
        zu = [abs(x - mpmath.mpf(s)) for row, srow in zip(tr.final.U, sol["u"]) for x, s in zip(row, srow)]
        return max(za + zu)


@pytest.mark.parametrize("engine,dps", [("reduced", 16), ("reduced", 30), ("reduced", 60), ("float64", 16),
                                        ("full", 16)])
def test_estimate_is_never_below_the_error_on_reference_m8(engine, dps):
    p, sol = reference(8)
    tr = integrate(p, engine=engine, dps=dps, t_end=sol["T"])
    true = _true_error_against_solution(tr, sol)
    assert not tr.stats["error_estimate_mismatch"]
    assert true <= tr.error_estimate
    # and it is informative: within the factor 2 plus two orders of the true error
    assert tr.error_estimate < 200 * true + mpmath.mpf(10) ** -(tr.work_bits * 0.30103 - 2)


def _horizon(problem):
    from gfcheck.symbolic.predictions import data_predictions

    dp = data_predictions(problem)
    s_max = max(float(v) for v in (dp.escape_slope_plus, dp.escape_slope_minus) if v is not None)
    return Fr(int(s_max * 14) + 20)  # past the escape from lambda = 1e-6 (log 1e6 ~ 13.8)


@pytest.mark.parametrize("engine", ["reduced", "full", "float64"])
@settings(max_examples=max(3, settings().max_examples // 5))
@given(problem=valid_problems(max_n=3), dps=st.sampled_from([16, 24]))
def test_estimate_is_never_below_the_error_on_generated_problems(engine, problem, dps):
    """Everything a trajectory reports (final and sampled a, U, W, events, a watch's crossing)
    against a run at dps + 30 digits: the estimate is never below the true error."""
    p = dataclasses.replace(problem, scale=Fr(1, 10**6))
    T = _horizon(p)
    times = [T * i / 4 for i in range(5)]
    L0 = sum(y * y for y in p.labels) / (2 * p.n)
    watches = [LossWatch("half", frozenset(range(p.n)), L0 / 2)]
    tr = integrate(p, engine=engine, dps=dps, t_end=T, times=times, watches=watches)
    truth_engine = "reduced" if engine == "float64" else engine
    hi = integrate(p, engine=truth_engine, dps=(30 if engine == "float64" else dps) + 30, t_end=T,
                   times=times, watches=watches, error_estimate=False)
    with mpmath.workprec(hi.work_bits):
        parts, mismatches = trajectory_difference(tr, hi)
    if mismatches:  # the event structure is not reproduced: the estimate must vouch for nothing
        assert tr.stats["error_estimate_mismatch"], mismatches
        return
    true = max(parts.values())
    assert true <= tr.error_estimate, (parts, tr.stats["error_estimate_parts"])


@pytest.mark.parametrize("engine,dps,order", [("reduced", 30, 6), ("full", 20, 4), ("float64", 16, 4)])
def test_truncated_order_makes_the_estimate_grow(engine, dps, order):
    """Negative twin: a truncated order loses digits everywhere (final state, samples, the
    watch's crossing); the estimate grows with the true error and stays above it."""
    p = logistic_problem()
    T = Fr(12)
    times = [Fr(2), Fr(6), Fr(12)]
    watches = [LossWatch("half", frozenset({0}), p.labels[0] ** 2 / 4)]
    kw = dict(engine=engine, dps=dps, t_end=T, times=times, watches=watches)
    good = integrate(p, **kw)
    bad = integrate(p, order=order, **kw)
    hi = integrate(p, engine="reduced" if engine == "float64" else engine, dps=dps + 30, t_end=T,
                   times=times, watches=watches, error_estimate=False)
    with mpmath.workprec(hi.work_bits):
        true_good = max(trajectory_difference(good, hi)[0].values())
        true_bad = max(trajectory_difference(bad, hi)[0].values())
    assert true_good <= good.error_estimate and true_bad <= bad.error_estimate
    assert true_bad > 1000 * true_good  # the twin is really worse ...
    assert bad.error_estimate > 1000 * good.error_estimate  # ... and the estimate says so


def test_estimate_covers_the_crossing_time_not_only_the_final_state():
    """A watch crossed early, then a long plateau-free run: the estimate's crossing part is
    measured and reported with the final part."""
    p = logistic_problem()
    tr = integrate(p, dps=20, t_end=12, watches=[LossWatch("half", frozenset({0}), p.labels[0] ** 2 / 4)])
    parts = tr.stats["error_estimate_parts"]
    assert set(parts) == {"final", "samples", "events", "crossings"}
    assert mpmath.mpf(parts["crossings"]) > 0


def test_events_are_matched_by_coordinate_and_kind():
    from gfcheck.numeric.trajectory import Event

    e = [Event(mpmath.mpf(1), 0, 1, "deactivate"), Event(mpmath.mpf(2), 1, 0, "deactivate")]
    f = [Event(mpmath.mpf("2.5"), 1, 0, "deactivate"), Event(mpmath.mpf("1.25"), 0, 1, "deactivate")]
    assert match_events(e, f) == (mpmath.mpf("0.5"), None)
    d, msg = match_events(e, f[:1])
    assert msg and "(0, 1, deactivate) 1 time(s) against 0" in msg


def test_the_reference_run_in_another_process_matches_the_sequential_one():
    p = logistic_problem()
    kw = dict(dps=20, t_end=12, times=[Fr(3), Fr(12)])
    par = integrate(p, error_estimate_parallel=True, **kw)
    seq = integrate(p, error_estimate_parallel=False, **kw)
    assert par.error_estimate == seq.error_estimate
    assert par.final == seq.final and par.samples == seq.samples


def test_a_failing_reference_run_is_reported():
    def boom():
        raise IntegrationFailed("reference failed on purpose")

    with pytest.raises(IntegrationFailed, match="on purpose"):
        run_with_reference(lambda: 1, boom, parallel=True)
    with pytest.raises(IntegrationFailed, match="on purpose"):
        run_with_reference(lambda: 1, boom, parallel=False)
