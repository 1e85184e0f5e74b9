"""The progress watchdog (issue 20 item 3): a stall is a verdict, in seconds.

Each planted collapse (a series coefficient inflated so the step the series allow collapses;
a Filippov sliding matrix with the wrong sign, whose events chatter; a step that finds its root
again and again) must end the run with :class:`StepCollapse` within a few seconds on a small
problem, with its structured fields; its twin, the unplanted engine on the same problem, runs
to the end.  ``run_claim`` turns a collapse into REFUTED only where the flow excludes it.
"""

from __future__ import annotations

import dataclasses
import time
from fractions import Fraction as Fr

import mpmath
import pytest

from gfcheck.numeric import _float64, _full, _reduced, integrate
from gfcheck.proofs_check.core.context import SuiteContext
from gfcheck.symbolic.errors import StepCollapse
from gfcheck.symbolic.problem import parse_problem

#: wall-clock seconds a planted collapse may take to be reported (small problems; shared cores)
SECONDS = 20.0


def _two_points():
    return parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "1"]],
                          "labels": ["1", "-1"], "width": 2, "init": {"scale": "1/1000",
                          "directions": [["1", "1"], ["1", "1"]], "signs": [1, -1]}})


def _run(engine, problem=None, t_end=60):
    return integrate(problem or _two_points(), dps=20, t_end=Fr(t_end), engine=engine, error_estimate=False)


def _inflate_reduced(monkeypatch):
    series = _reduced._Engine.series

    def inflated(self, H, active):
        A, U, R, neurons, pairs = series(self, H, active)
        big = 1 << (60 * self.p)  # the top two coefficients 2^(60 p) too large: the step / 2^60
        for j in neurons:
            A[j][-1] *= big
            A[j][-2] *= big
        return A, U, R, neurons, pairs

    monkeypatch.setattr(_reduced._Engine, "series", inflated)


def _inflate_full(monkeypatch):
    series = _full._FullEngine.series

    def inflated(self, t):
        out = series(self, t)
        big = mpmath.mpf(2) ** (60 * self.p)
        for j in out[6]:
            out[1][j][-1] *= big
            out[1][j][-2] *= big
        return out

    monkeypatch.setattr(_full._FullEngine, "series", inflated)


def _inflate_float64(monkeypatch):
    series = _float64._F64.series

    def inflated(self, M):
        A, Uc, R, S = series(self, M)
        A[-2:] *= 1e200  # the step / (1e200)^(1/19), about 3e10
        return A, Uc, R, S

    monkeypatch.setattr(_float64._F64, "series", inflated)


_PLANTS = {"reduced": _inflate_reduced, "full": _inflate_full, "float64": _inflate_float64}


@pytest.mark.parametrize("engine", sorted(_PLANTS))
def test_a_collapsed_step_is_reported_in_seconds(engine, monkeypatch):
    _PLANTS[engine](monkeypatch)
    t0 = time.perf_counter()
    with pytest.raises(StepCollapse, match="below the floor") as info:
        _run(engine)
    assert time.perf_counter() - t0 < SECONDS
    e = info.value
    assert e.kind == "step" and e.engine == engine and e.proven
    assert e.step < e.floor and e.floor > 0 and e.t >= 0 and "max |z|" in e.state
    assert e.fields()["kind"] == "step"


@pytest.mark.parametrize("engine", sorted(_PLANTS))
def test_twin_the_unplanted_engine_runs_to_the_end(engine):
    tr = _run(engine)
    assert tr.final.t == 60 and [(e.neuron, e.point) for e in tr.events] == [(0, 1), (1, 0)]


def _separable_small():
    from gfcheck.numeric.examples import separable_problem

    return dataclasses.replace(separable_problem(), scale=Fr(1, 10**4))


def test_a_chattering_sliding_rule_is_reported_in_seconds(monkeypatch):
    """The Filippov matrix with the wrong sign: the same kink is found again and again while the
    time creeps at the working precision (before the watchdog: minutes, no result)."""
    slide_matrix = _full._FullEngine.slide_matrix

    def flipped(self, j, S, A, t):
        return [[-v for v in row] for row in slide_matrix(self, j, S, A, t)]

    monkeypatch.setattr(_full._FullEngine, "slide_matrix", flipped)
    t0 = time.perf_counter()
    with pytest.raises(StepCollapse, match="consecutive steps") as info:
        integrate(_separable_small(), dps=15, t_end=Fr(5), engine="full", error_estimate=False)
    assert time.perf_counter() - t0 < SECONDS
    e = info.value
    # copies of two inputs at an angle: Filippov sliding; the mathematics allows accumulating kinks
    assert e.kind == "events" and not e.proven and e.step < e.floor and "Filippov" in e.why


def test_twin_the_unplanted_sliding_rule_runs_to_the_end():
    tr = integrate(_separable_small(), dps=15, t_end=Fr(5), engine="full", error_estimate=False)
    assert tr.final.t == 5 and tr.events


def test_a_root_found_again_and_again_is_proven_chatter_on_orthogonal_data(monkeypatch):
    """A float64 event scan that reports the same kink at the step start forever: orthogonal
    inputs with ReLU'(0) = 0 have at most m n kinks, so this contradicts the flow (proven)."""
    scan = _float64._F64.event_scan

    def stuck(self, A, Uc, S, h):
        tq, pw, hits = scan(self, A, Uc, S, h)
        return tq, pw, hits + [(0.0, 0, 0, "deactivate")]

    monkeypatch.setattr(_float64._F64, "event_scan", stuck)
    with pytest.raises(StepCollapse, match="neuron 0, point 0") as info:
        _run("float64")
    assert info.value.kind == "events" and info.value.proven and info.value.step == 0


# -- the verdict ---------------------------------------------------------------------------------


def _claim(check):
    from gfcheck.proofs_check.core.verdicts import Claim, Provenance

    return Claim(id="toy", number=1, title="t", statement="s", source="s", prediction="p", measurement="m",
                 tolerance_rule="r", twin="w", check=check, suite="toy",
                 provenance=Provenance("reconstructed", "a test of the collapse verdict"))


class _Ctx(SuiteContext):
    """A context whose second route is ``second`` (itself when None)."""

    def __init__(self, second=None):
        self.second = second

    def second_route(self, other_engine=False):
        return self.second if self.second is not None else self


def _collapse(proven):
    return StepCollapse("stalled", kind="step", engine="reduced", t=1.5, step=1e-31, floor=2e-3,
                        state="max |z| = 1", events=((1.0, 0, 1, "deactivate"),), proven=proven, why="because")


def test_a_proven_collapse_that_recurs_is_refuted():
    from gfcheck.proofs_check.core.verdicts import run_claim

    def check(ctx):
        raise _collapse(True)

    r = run_claim(_claim(check), _Ctx())
    assert r.verdict == "REFUTED" and "collapse" in r.result.measurement
    assert r.result.details["collapse"]["floor"] == 2e-3 and "second_route" in r.result.details


def test_twins_an_unproven_collapse_or_one_that_does_not_recur_is_undecided():
    from gfcheck.proofs_check.core.verdicts import run_claim
    from gfcheck.proofs_check.core.verdicts import Verdict

    def unproven(ctx):
        raise _collapse(False)

    r = run_claim(_claim(unproven), _Ctx())
    assert r.verdict == "UNDECIDED" and r.result.details["reason"] == "because"

    ok = Verdict("VERIFIED", "p", "m", "0", "1", {})
    second = _Ctx()

    def once(ctx):
        if ctx is second:
            return ok, ok
        raise _collapse(True)

    r = run_claim(_claim(once), _Ctx(second))
    assert r.verdict == "UNDECIDED" and "does not recur" in r.result.details["reason"]


def test_a_failure_on_the_collapse_s_second_route_is_a_verdict():
    """Planted ``wrong-point-applied`` on the default problem: the first route collapsed (events rule),
    and on the second route (more digits) the watchdog itself raised OverflowError (the events rule
    passed the step's end as the engine's fixed-point integer, whose float overflows at more
    digits), which escaped ``run_claim`` from inside its collapse handler: the mutation cell recorded
    a crash.  A failure there is now UNDECIDED with its message.  Twin: the same failure on the first
    route was always caught."""
    from gfcheck.proofs_check.core.verdicts import run_claim

    second = _Ctx()

    def check(ctx):
        if ctx is second:
            raise OverflowError("'mpz' too large to convert to float")
        raise _collapse(True)

    r = run_claim(_claim(check), _Ctx(second))
    assert r.verdict == "UNDECIDED" and "internal error OverflowError" in r.result.details["error"]

    def first(ctx):
        raise OverflowError("'mpz' too large to convert to float")

    assert "internal error OverflowError" in run_claim(_claim(first), _Ctx()).result.details["error"]


def test_the_events_rule_reports_the_time_not_the_fixed_point_integer():
    """The events rule names the time of the step's end: it passed the engine's fixed-point integer
    (``t 2^F``; ``3 2^100`` here), whose float is 3.8e30, and overflows at more digits.  Twin: the
    step rule's time was always the time."""
    from gfcheck.numeric._common import Watchdog

    F = 2 ** 100
    wd = Watchdog("reduced", finite_kinks=True, as_time=lambda x: x / F, summary=lambda: ("max |z| = 1", ()))
    with pytest.raises(StepCollapse) as info:
        for _ in range(20):  # the same kink again and again, the time standing still at t = 3
            wd.after_step(3 * F, 3 * F, [(0, 0, 1, "deactivate")], 0.5)
    assert info.value.kind == "events" and info.value.t == 3.0
    with pytest.raises(StepCollapse) as info:
        wd.check_step(2.5, 1e-40, 1e-3)
    assert info.value.t == 2.5
