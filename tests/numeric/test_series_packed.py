"""The packed Taylor series of the reduced engine against the reference recurrences, bit for bit.

``_Engine.series`` packs the Cauchy products across neurons (Kronecker substitution, see
``_reduced._series_packed``); ``_Engine.series_reference`` is the per-pair recurrence it
replaced.  Every coefficient is an exact integer sum rounded once, so the two must give the
same integers on any state, mask, step and precision, and whole runs the same trajectories.
"""

from __future__ import annotations

from fractions import Fraction as Fr

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from strategies import orthogonal_problems, valid_problems

from gfcheck.numeric import _reduced, integrate
from gfcheck.numeric._fixed import fix
from gfcheck.numeric.precision import as_precision

mpz = _reduced.mpz

PROBLEMS = st.one_of(
    orthogonal_problems(max_n=1, max_m=1),          # n = 1, m = 1
    orthogonal_problems(max_n=4, max_d=5, max_m=6),
    valid_problems(max_n=4),
)


@st.composite
def series_cases(draw):
    """A problem, a precision, an activation mask (inactive pairs, idle neurons, all of it
    possible), a state of either sign around the fixed-point scale and a step ``H``."""
    p = draw(PROBLEMS)
    dps = draw(st.sampled_from([16, 30, 100]))
    eng = _reduced._Engine(p, as_precision(None, dps, None))
    F = eng.F
    active = [[draw(st.booleans()) for _ in range(p.n)] for _ in range(p.m)]
    if draw(st.booleans()):  # a state of the run's own scale, or arbitrary integers of any sign
        eng.a = [mpz(draw(st.integers(-(1 << F), 1 << F))) for _ in range(p.m)]
        eng.u = [[mpz(draw(st.integers(-(1 << F), 1 << F))) if active[j][k] else eng.u[j][k]
                  for k in range(p.n)] for j in range(p.m)]
    H = fix(draw(st.sampled_from([Fr(1, 64), Fr(1, 8), Fr(1), Fr(3)])), F)
    return eng, H, active


def _same(out, ref):
    A, U, R, neurons, pairs = out
    A0, U0, R0, neurons0, pairs0 = ref
    assert (neurons, pairs) == (neurons0, pairs0)
    assert R == R0
    assert A == A0
    assert list(U) == list(U0) and U == U0
    assert all(type(v) is type(w) for row, row0 in zip(A, A0) for v, w in zip(row, row0))


@settings(max_examples=max(10, settings().max_examples))
@given(case=series_cases())
def test_packed_series_equals_reference(case):
    eng, H, active = case
    ref = eng.series_reference(H, active)
    _same(eng.series(H, active), ref)
    packed = _reduced._series_packed(eng, H, active)
    event("packed" if packed is not None else "fell back (slots outgrown or nothing active)")
    if packed is not None:
        _same(packed, ref)


def test_packed_series_is_used_on_a_real_step():
    """The packed path runs (does not fall back) on the reference problem's first step."""
    from gfcheck.symbolic.problem import load_problem
    from pathlib import Path

    p = load_problem(Path(__file__).resolve().parents[1] / "data" / "reference-m8.problem.json")
    eng = _reduced._Engine(p, as_precision(None, 30, None))
    active = [[u > 0 for u in row] for row in eng.u]
    H = fix(Fr(1, 8), eng.F)
    out = _reduced._series_packed(eng, H, active)
    assert out is not None
    _same(out, eng.series_reference(H, active))


def test_growing_coefficients_fall_back_to_the_reference(monkeypatch):
    """A step far too long makes the coefficients grow past the slots: the packed series
    declines (None) and ``series`` gives the reference's integers; with no spare bits at all
    the bound is still checked, never exceeded silently."""
    from gfcheck.symbolic.problem import parse_problem

    p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["2", "0"], ["0", "1"]],
                       "labels": ["1", "-1"], "width": 2,
                       "init": {"scale": "1", "directions": [["1", "1"], ["1", "-1"]], "signs": [1, -1]}})
    eng = _reduced._Engine(p, as_precision(None, 30, None))
    active = [[True, True], [True, True]]
    H = fix(Fr(1 << 12), eng.F)
    assert _reduced._series_packed(eng, H, active) is None
    _same(eng.series(H, active), eng.series_reference(H, active))
    monkeypatch.setattr(_reduced, "_SLOT_SPARE", -8)
    assert _reduced._series_packed(eng, fix(Fr(1, 8), eng.F), active) is None


@settings(max_examples=max(3, settings().max_examples // 8))
@given(problem=PROBLEMS, dps=st.sampled_from([16, 30, 100]))
def test_whole_runs_are_identical(problem, dps):
    """Whole integrations (kinks, events, samples) with the packed and the reference series."""
    args = dict(dps=dps, t_end=40, times=("1", "10"), engine="reduced", error_estimate=False)
    new = integrate(problem, **args)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_reduced._Engine, "series", _reduced._Engine.series_reference)
        old = integrate(problem, **args)
    assert new.final == old.final
    assert new.events == old.events
    assert new.samples == old.samples
