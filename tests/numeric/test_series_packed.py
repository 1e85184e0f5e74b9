"""The packed Taylor series of the reduced engine against the reference recurrences, bit for bit.

``_Engine.series`` packs the Cauchy products across neurons (Kronecker substitution, see
``_reduced._series_packed``); ``_Engine.series_reference`` is the per-pair recurrence it
replaced.  Every coefficient is an exact integer sum rounded once, so the two must give the
same integers on any state, mask, step and precision, and whole runs the same trajectories.
"""

from __future__ import annotations

import json
from fractions import Fraction as Fr
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from strategies import orthogonal_problems, valid_problems

from gfcheck.numeric import _reduced, integrate
from gfcheck.numeric._fixed import fix
from gfcheck.numeric.precision import as_precision
from gfcheck.cli import main
from gfcheck.symbolic.problem import load_problem, parse_problem

mpz = _reduced.mpz
DATA = Path(__file__).resolve().parents[1] / "data"

PROBLEMS = st.one_of(
    orthogonal_problems(max_n=1, max_m=1),          # n = 1, m = 1
    orthogonal_problems(max_n=4, max_d=5, max_m=6),
    valid_problems(max_n=4),
)


@st.composite
def series_cases(draw):
    """A problem, a precision, an activation mask (inactive pairs, idle neurons, now and then
    nothing active), a state (the run's initial one, or integers of either sign up to 1) and a
    step ``H``."""
    p = draw(PROBLEMS)
    dps = draw(st.sampled_from([16, 30, 100]))
    eng = _reduced._Engine(p, as_precision(None, dps, None))
    F = eng.F
    active = [[draw(st.booleans()) for _ in range(p.n)] for _ in range(p.m)]
    if draw(st.integers(0, 9)):  # mostly at least one active pair (an idle mask is the rare case)
        active[draw(st.integers(0, p.m - 1))][draw(st.integers(0, p.n - 1))] = True
    steps = [Fr(1, 64), Fr(1, 8), Fr(1), Fr(3)]
    if draw(st.booleans()):  # arbitrary integers of either sign up to 1 (else the initial state)
        eng.a = [mpz(draw(st.integers(-(1 << F), 1 << F))) for _ in range(p.m)]
        eng.u = [[mpz(draw(st.integers(-(1 << F), 1 << F))) if active[j][k] else eng.u[j][k]
                  for k in range(p.n)] for j in range(p.m)]
        steps = [Fr(1, 1 << 12), Fr(1, 1 << 8), Fr(1, 64)]  # a field of size ~ |x|^2 |y|: short steps
    H = fix(draw(st.sampled_from(steps)), F)
    return eng, H, active


def _same(out, ref):
    A, U, R, neurons, pairs = out
    A0, U0, R0, neurons0, pairs0 = ref
    assert (neurons, pairs) == (neurons0, pairs0)
    assert R == R0
    assert A == A0
    assert list(U) == list(U0) and U == U0
    rows = [*zip(A, A0), *zip(R, R0), *((U[q], U0[q]) for q in U)]
    assert all(type(v) is type(w) is mpz for row, row0 in rows for v, w in zip(row, row0))


@settings(max_examples=max(10, settings().max_examples))
@given(case=series_cases())
def test_packed_series_equals_reference(case):
    eng, H, active = case
    ref = eng.series_reference(H, active)
    _same(eng.series(H, active), ref)
    packed = _reduced._series_packed(eng, H, active)
    event("packed" if packed is not None else "nothing active" if not any(map(any, active))
          else "fell back: the coefficients outgrew the slots")
    if packed is not None:
        _same(packed, ref)


def test_packed_series_is_used_on_a_real_step():
    """The packed path runs (does not fall back) on the reference problem's first step."""
    p = load_problem(DATA / "reference-m8.problem.json")
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
    p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["2", "0"], ["0", "1"]],
                       "labels": ["1", "-1"], "width": 2,
                       "init": {"scale": "1", "directions": [["1", "1"], ["1", "-1"]], "signs": [1, -1]}})
    eng = _reduced._Engine(p, as_precision(None, 30, None))
    active = [[True, True], [True, True]]
    H = fix(Fr(1 << 12), eng.F)
    assert _reduced._series_packed(eng, H, active) is None
    assert eng.slot_spare == 2 * _reduced._SLOT_SPARE  # outgrown: later steps pack with wider slots
    _same(eng.series(H, active), eng.series_reference(H, active))
    eng.slot_spare = -8
    assert _reduced._series_packed(eng, fix(Fr(1, 8), eng.F), active) is None


@settings(max_examples=max(3, settings().max_examples // 4))
@given(problem=PROBLEMS, dps=st.sampled_from([16, 30, 100]))
def test_whole_runs_are_identical(problem, dps):
    """Whole integrations (kinks, events, samples) with the packed series on every step (no
    size threshold) and with the reference recurrences."""
    from gfcheck.symbolic.errors import PrecisionExhausted

    args = dict(dps=dps, t_end=40, times=("1", "10"), engine="reduced", error_estimate=False)

    def run(patch):
        # a state that shrinks below the fixed-point resolution (a neuron on a wrongly signed point
        # at 16 digits) is refused by the engine: then both series must be refused alike
        with pytest.MonkeyPatch.context() as mp:
            patch(mp)
            try:
                return integrate(problem, **args)
            except PrecisionExhausted as exc:
                return str(exc)

    new = run(lambda mp: mp.setattr(_reduced, "_PACKED_MIN_PAIRS", 1))
    old = run(lambda mp: mp.setattr(_reduced._Engine, "series", _reduced._Engine.series_reference))
    if isinstance(new, str) or isinstance(old, str):
        assert new == old
        return
    assert new.final == old.final
    assert new.events == old.events
    assert new.samples == old.samples


@pytest.mark.parametrize("dps", ["16", "30", "100"])
def test_simulate_result_files_are_byte_identical(tmp_path, monkeypatch, dps):
    """``gfcheck simulate`` on reference-m8 with every step packed (no size threshold) and with
    the reference recurrences: the same bytes."""
    T = json.loads((DATA / "reference-m8.solution.json").read_text())["T"]
    args = ["simulate", str(DATA / "reference-m8.problem.json"), "--t-end", T, "--dps", dps,
            "--no-error-estimate", "--grid", "8"]
    packed = _reduced._series_packed
    outcome = []

    def counted(eng, H, active):
        out = packed(eng, H, active)
        outcome.append(out is not None)
        return out

    with monkeypatch.context() as mp:
        mp.setattr(_reduced, "_PACKED_MIN_PAIRS", 1)
        mp.setattr(_reduced, "_series_packed", counted)
        assert main([*args, "--out", str(tmp_path / "packed.json")]) == 0
    assert outcome and sum(outcome) >= 0.9 * len(outcome)  # the packed path ran (a rare step may fall back)
    with monkeypatch.context() as mp:
        mp.setattr(_reduced._Engine, "series", _reduced._Engine.series_reference)
        assert main([*args, "--out", str(tmp_path / "reference.json")]) == 0
    assert (tmp_path / "packed.json").read_bytes() == (tmp_path / "reference.json").read_bytes()
