"""The float64 fast path: same events as the exact engine, a measured accuracy statement."""

from __future__ import annotations

from fractions import Fraction as Fr

import mpmath
import pytest
from numeric_helpers import (
    agreeing_digits,
    exit_time_linear,
    exits_problem,
    logistic_exact,
    logistic_problem,
    reactivation_problem,
    reference,
)

from gfcheck.numeric import LossWatch, integrate


def test_reference_m8_float64():
    p, sol = reference(8)
    tr = integrate(p, engine="float64", t_end=sol["T"])
    assert tr.engine == "float64"
    assert agreeing_digits(tr.final, sol) >= 13
    # the stated accuracy is measured and honest (within a factor 100 of the true error)
    assert 0 < tr.stats["accuracy"] < 1e-12
    exact = integrate(p, dps=20, t_end=sol["T"], error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in tr.events] == [(e.neuron, e.point, e.kind) for e in exact.events]
    for e, f in zip(tr.events, exact.events):
        assert abs(e.t - f.t) < 1e-9
    with mpmath.workdps(30):
        true_err = max(abs(x - y) for x, y in zip(tr.final.a, exact.final.a))
    assert true_err < 100 * tr.stats["accuracy"]


def test_float64_accuracy_statement_catches_a_truncated_order():
    """Negative twin: order 4 is visibly inaccurate and the measured accuracy says so."""
    p = logistic_problem()
    tr = integrate(p, engine="float64", t_end=12, order=4)
    a, _ = logistic_exact(p, Fr(12))
    true_err = abs(float(tr.final.a[0]) - float(a))
    assert tr.stats["accuracy"] > 1e-12
    assert true_err < 100 * tr.stats["accuracy"]


def test_float64_closed_forms_and_events():
    p = logistic_problem()
    tr = integrate(p, engine="float64", t_end=20, times=[Fr(5), Fr(20)])
    for s, t in zip(tr.samples, (Fr(5), Fr(20))):
        a, u = logistic_exact(p, t)
        assert abs(float(s.a[0]) - float(a)) < 1e-13
    lam = Fr(1, 10**8)
    g0s = (Fr(1), Fr(1001, 1000))
    tr = integrate(exits_problem(lam, g0s), engine="float64", t_end=5)
    assert sorted((e.neuron, e.point) for e in tr.events) == [(0, 0), (1, 0)]
    for e in tr.events:
        assert abs(float(e.t) - float(exit_time_linear(g0s[e.neuron], Fr(2), lam))) < 1e-12


def test_float64_relu_prime_one_and_loss_stop():
    tr = integrate(reactivation_problem(1), engine="float64", t_end=40)
    exact = integrate(reactivation_problem(1), dps=20, t_end=40, error_estimate=False)
    assert [(e.neuron, e.point, e.kind) for e in tr.events] == [(e.neuron, e.point, e.kind) for e in exact.events]
    p = logistic_problem()
    tr = integrate(p, engine="float64", t_end=100, until_loss=Fr(1, 10**6),
                   watches=[LossWatch("w", frozenset({0}), Fr(1, 10))])
    ex = integrate(p, dps=20, t_end=100, until_loss=Fr(1, 10**6), error_estimate=False,
                   watches=[LossWatch("w", frozenset({0}), Fr(1, 10))])
    assert abs(float(tr.final.t) - float(ex.final.t)) < 1e-10
    assert abs(float(tr.crossings["w"]) - float(ex.crossings["w"])) < 1e-10


def test_float64_refuses_bad_order():
    from gfcheck.symbolic.errors import InvalidInput

    with pytest.raises(InvalidInput):
        integrate(logistic_problem(), engine="float64", t_end=1, order=2)
