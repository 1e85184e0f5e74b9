"""The full engine's fixed-point Taylor series against the mpf reference, within the derived bound.

``_FullEngine.series`` builds the step's series on integers (``numeric/_full_fixed.py``);
``_FullEngine.series_reference`` is the mpf recurrence it replaced.  The contract
(:func:`gfcheck.numeric._full_fixed.error_bounds`): every integer of order ``i`` is within
``bound[i]`` units of ``2^-F`` of the exact recurrences on the engine's state.  The reference is
run at ``3F + 64`` bits, where its own rounding (amplified by the recurrences less than ``2^F``) is
below half a unit; reading it at ``2^-F`` rounds by another half: hence ``bound[i] + 1``.
"""

from __future__ import annotations

import importlib.util
import sys
from fractions import Fraction as Fr
from pathlib import Path

import mpmath
import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from gfcheck.numeric import _full, _full_fixed, integrate
from gfcheck.numeric.examples import separable_problem
from gfcheck.numeric.precision import as_precision
from gfcheck.symbolic.errors import IntegrationFailed
from gfcheck.symbolic.problem import Problem, load_problem

DATA = Path(__file__).resolve().parents[1] / "data"
_MUTANTS = Path(__file__).resolve().parents[2] / "benchmarks" / "mutants.py"


def _mutants():
    name = "gfcheck_benchmarks_mutants"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, _MUTANTS)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
    return sys.modules[name]


@st.composite
def engine_cases(draw):
    """A problem (n 2..7, d n..n+3, m 5..30, labels of both signs, lambda 1e-1..1e-8, the square
    loss or, now and then, the exponential or logistic one), a precision and order, and a state: each neuron at
    the initial scale or grown to O(1), signs of both kinds, modes active / inactive / sliding."""
    n = draw(st.integers(2, 7))
    d = draw(st.integers(n, n + 3))
    m = draw(st.integers(5, 30))
    ints = st.integers(-3, 3)
    X = [tuple(Fr(draw(ints)) for _ in range(d)) for _ in range(n)]
    assume(all(any(x) for x in X))
    loss = draw(st.sampled_from(("square", "square", "square", "exponential", "logistic")))
    y = tuple((Fr(draw(st.integers(1, 9)), draw(st.integers(1, 4))) if loss == "square" else 1)
              * draw(st.sampled_from((1, -1))) for _ in range(n))
    dirs = [tuple(Fr(draw(ints)) for _ in range(d)) for _ in range(m)]
    assume(all(any(g) for g in dirs))
    scale = Fr(1, 10 ** draw(st.integers(1, 8)))
    p = Problem(inputs=tuple(X), labels=y, width=m, scale=scale, directions=tuple(dirs),
                signs=tuple(draw(st.sampled_from((1, -1))) for _ in range(m)), loss=loss)
    prec = as_precision(None, draw(st.sampled_from((16, 30))), None)
    with prec.scope():
        # the order: the precision's own, or a low one (the contract holds for every order; low
        # orders keep the reference at 3F + 64 bits cheap)
        eng = _full._FullEngine(p, prec, order=draw(st.sampled_from((None, 6, 12))))
        eng.t = mpmath.mpf(0)
        for j in range(eng.m):
            if draw(st.booleans()):  # grown: O(1) values of either sign
                eng.a[j] = mpmath.mpf(draw(st.integers(-2000, 2000))) / 1000
                eng.U[j] = [mpmath.mpf(draw(st.integers(-2000, 2000))) / 1000 for _ in range(eng.n)]
            eng.mode[j] = [_full.ACT if u > 0 else _full.INA for u in eng.U[j]]
            if eng.n > 1 and draw(st.integers(0, 3)) == 0:  # one coordinate slides
                k = draw(st.integers(0, eng.n - 1))
                eng.U[j][k] = mpmath.mpf(0)
                eng.mode[j][k] = _full.SLI
        if draw(st.booleans()):
            eng.h_pred = mpmath.mpf(2) ** draw(st.integers(-12, 2))
        try:
            layout = eng.layout(eng.t)
        except IntegrationFailed:  # a singular Gram block on a sliding set (dependent inputs)
            assume(False)
    return eng, prec, layout


def _series_pairs(fs, ref, layout):
    """``(name, integers, reference mpf list)`` of every series of the step."""
    sets, moving, movers, _ = layout
    _, Aser, User, R, E, Cser, _, _ = ref
    for j in moving:
        yield "A", fs.A[j], Aser[j]
        for k, _ in movers[j]:
            yield "U", fs.U[(j, k)], User[j][k]
        for l in sets[j][1]:
            yield "E", fs.E[(j, l)], E[j][l]
        for l in sets[j][0] + sets[j][1]:
            yield "C", fs.C[(j, l)], Cser[j][l]
    for k, Rk in enumerate(fs.R):
        yield "R", Rk, R[k]


def contract_violations(eng, prec, layout):
    """The fixed-point series of the step against the reference: the coefficients outside
    ``bound[i] + 1`` (None when the step falls back to the reference)."""
    with prec.scope():
        out = _full_fixed.series(eng, eng.t, layout)
        if out is None:
            return None
        fs = out.fixed
        bound = _full_fixed.error_bounds(eng, fs, layout)
        with mpmath.workprec(3 * fs.F + 64):
            ref = eng.series_reference(eng.t, layout)
        bad = []
        for name, ints, series in _series_pairs(fs, ref, layout):
            for i, (z, v) in enumerate(zip(ints, series)):
                if i == 0 and name in "AU":
                    continue  # order 0 of a and U is the state itself in both
                diff = abs(int(z) - int(_full_fixed.to_fixed(v, fs.F + i * fs.e)))
                if diff > bound[i] + 1:
                    bad.append((name, i, diff, bound[i]))
        # the mpf series handed to the engine: the integers, rounded once to the working precision
        j = layout[1][0]
        with mpmath.workprec(3 * fs.F + 64 + fs.A[j][-1].bit_length()):
            exact = [mpmath.ldexp(mpmath.mpf(int(z)), -fs.F - i * fs.e) for i, z in enumerate(fs.A[j]) if i]
        assert out[1][j][1:] == [+v for v in exact]
    return bad


@settings(max_examples=max(10, settings().max_examples), deadline=None)
@given(case=engine_cases())
def test_fixed_series_is_within_its_bound_of_the_reference(case):
    eng, prec, layout = case
    bad = contract_violations(eng, prec, layout)
    event("fell back to the reference" if bad is None else f"fixed point, loss {eng.problem.loss}")
    assert not bad, bad[:5]


def _two_point_case():
    """A grown neuron active on two points of different residuals (sliding on none)."""
    p = Problem(inputs=((Fr(2), Fr(1), Fr(0)), (Fr(0), Fr(1), Fr(1))), labels=(Fr(1), Fr(-3, 2)), width=2,
                scale=Fr(1, 100), directions=((Fr(1), Fr(1), Fr(1)), (Fr(1), Fr(-1), Fr(2))), signs=(1, -1))
    prec = as_precision(None, 30, None)
    with prec.scope():
        eng = _full._FullEngine(p, prec)
        eng.t = mpmath.mpf(0)
        eng.a = [mpmath.mpf("0.75"), mpmath.mpf("-0.5")]
        eng.U = [[mpmath.mpf("0.5"), mpmath.mpf("1.25")], [mpmath.mpf("0.25"), mpmath.mpf("-0.5")]]
        eng.mode = [[_full.ACT, _full.ACT], [_full.ACT, _full.INA]]
        layout = eng.layout(eng.t)
    return eng, prec, layout


def test_a_planted_slot_error_is_detected():
    """Negative twin: the fixed-series mutant of the harness (the products ``s_jl`` paired with the
    points in reverse order) breaks the contract on a neuron active on two points."""
    eng, prec, layout = _two_point_case()
    assert contract_violations(eng, prec, layout) == []
    with _mutants().MUTANTS["fixed-series-slot"]():
        bad = contract_violations(*_two_point_case())
    assert bad and {name for name, *_ in bad} >= {"C", "U"}


def test_a_state_beyond_the_fixed_point_falls_back_and_is_counted():
    """A neuron 2^-1000 below the others: the fixed point would need 1000 more bits; the step uses
    the reference, and the stats say so."""
    eng, prec, layout = _two_point_case()
    with prec.scope():
        eng.a[1] = mpmath.mpf(2) ** -1000
        eng.U[1] = [mpmath.mpf(2) ** -1000, mpmath.mpf(0)]
        assert _full_fixed.series(eng, eng.t, eng.layout(eng.t)) is None
        ser = eng.series(eng.t)
    assert getattr(ser, "fixed", None) is None
    assert eng.series_counts == {"fixed": 0, "reference": 1, "rescaled": 0}


@pytest.mark.parametrize("problem", ["reference-m8", "separable"])
def test_whole_runs_agree_with_the_reference_series(problem):
    """Whole integrations with the fixed-point series (every step, counted) and with the mpf
    reference: the same events, and final states within the fixed-point run's measured error."""
    if problem == "separable":
        p, T = separable_problem(), Fr(40)
    else:
        p, T = load_problem(DATA / f"{problem}.problem.json"), Fr(120)
    new = integrate(p, dps=30, t_end=T, engine="full")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_full._FullEngine, "series", lambda self, t: self.series_reference(t))
        old = integrate(p, dps=30, t_end=T, engine="full", error_estimate=False)
    assert new.stats["series_fixed"] == new.steps and new.stats["series_reference"] == 0
    assert [(e.neuron, e.point, e.kind) for e in new.events] == [(e.neuron, e.point, e.kind) for e in old.events]
    with mpmath.workprec(new.work_bits):
        gap = max(abs(x - z) for x, z in zip(new.final.a + sum(new.final.W, ()), old.final.a + sum(old.final.W, ())))
        assert gap <= new.error_estimate
