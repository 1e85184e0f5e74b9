"""Predictions (data, neurons, h_inf) and the early-phase closed form with exact exits."""

from __future__ import annotations

from fractions import Fraction as F

import mpmath
import pytest
import sympy as sp
from hypothesis import example, given, settings
from budget import examples
from strategies import orthogonal_problems

from gfcheck.symbolic.closed_form import (closed_form_certificate, coordinates_certificate,
                                          exits_certificate, linearisation_certificate,
                                          min_norm_certificate)
from gfcheck.symbolic.artifacts import example_problem, example_problem_non_orthogonal
from gfcheck.symbolic.predictions import data_predictions, early_phase, h_infinity, neuron_predictions
from gfcheck.symbolic.problem import Problem


def _R(v):
    return sp.Rational(v.numerator, v.denominator)


def test_example_values():
    dp = data_predictions(example_problem())
    assert dp.S_plus == (0, 2) and dp.S_minus == (1, 3)
    assert dp.D_plus_sq == sp.Rational(13, 4) and dp.D_minus_sq == 10
    assert dp.escape_slope_plus == 4 / sp.sqrt(sp.Rational(13, 4))
    assert dp.L0 == sp.Rational(57, 32) and dp.L_mid == sp.Rational(5, 4)  # slow group: + (13/4 < 10)
    assert dp.beta_plus == (1, 0, 6, 0) and dp.beta_minus == (0, sp.Rational(1, 4), 0, sp.Rational(4, 3))
    assert dp.N_star == sp.sqrt(37) + sp.sqrt(265) / 12
    assert dp.gamma_bound_plus == sp.Rational(2, 13)
    npred = neuron_predictions(example_problem())
    assert npred.kind == ("main", "main", "non-main") and npred.assumption_A3
    assert npred.A_inf[2] == frozenset({0}) and npred.D_j_sq[2] == 1
    assert npred.gamma_plus == 1 - 1 / sp.sqrt(sp.Rational(13, 4)) and npred.gamma_minus == 1


@settings(max_examples=examples(15))
@given(orthogonal_problems(max_n=4, max_d=4, max_m=4))
def test_data_predictions_agree_with_vector_forms(p):
    dp = data_predictions(p)
    X = [[_R(v) for v in x] for x in p.inputs]
    y = [_R(v) for v in p.labels]
    for S, Dsq, beta in ((dp.S_plus, dp.D_plus_sq, dp.beta_plus), (dp.S_minus, dp.D_minus_sq, dp.beta_minus)):
        D = [sum((abs(y[k]) * X[k][i] for k in S), sp.Integer(0)) for i in range(p.d)]
        assert sum((v * v for v in D), sp.Integer(0)) == Dsq  # ||D||^2 = sum y^2 ||x||^2 (orthogonality)
        for k in range(p.n):  # beta interpolates its sign class and vanishes on the other
            ip = sum((b * v for b, v in zip(beta, X[k])), sp.Integer(0))
            assert ip == (abs(y[k]) if k in S else 0)
    h = h_infinity(p)
    assert all(h(x) == _R(yk) for x, yk in zip(p.inputs, p.labels))
    assert min_norm_certificate(p).verdict == "PROVED"


def test_min_norm_twins_are_refuted():
    assert min_norm_certificate(example_problem(), perturb_beta=F(1, 7)).verdict == "REFUTED"
    assert min_norm_certificate(example_problem_non_orthogonal()).verdict == "REFUTED"
    h = h_infinity(example_problem_non_orthogonal())
    bad = example_problem_non_orthogonal()
    assert any(h(x) != _R(yk) for x, yk in zip(bad.inputs, bad.labels))


def test_closed_form_certificates_and_twins():
    assert linearisation_certificate(2, 3).verdict == "PROVED"
    assert closed_form_certificate().verdict == "PROVED"
    assert closed_form_certificate(rate_factor=2).verdict == "REFUTED"
    assert coordinates_certificate(2).verdict == "PROVED"
    assert coordinates_certificate(2, rate_factor=sp.Rational(1, 2)).verdict == "REFUTED"


def test_early_phase_example():
    ep = early_phase(example_problem())
    assert [[k for k, _ in ex] for ex in ep.exits] == [[3, 1], [2], [3, 1]]
    assert ep.final_active == (frozenset({0, 2}), frozenset({1, 3}), frozenset({0}))
    with mpmath.workdps(30):
        T0 = sp.N(ep.exits[0][0][1], 25)
    assert abs(T0 - sp.Float("0.667902194550448680529628577", 25)) < sp.Rational(1, 10 ** 22)
    for j in range(3):
        times = [sp.N(T, 30) for _, T in ep.exits[j]]
        assert times == sorted(times) and ep.T[j] == (ep.exits[j][-1][1] if ep.exits[j] else 0)
        for k, T in ep.exits[j]:
            a, u = ep.state(j, T)
            assert u[k] == 0  # exact: the stored exit state
            assert all(isinstance(v, sp.Rational) for v in u)  # u stays rational (digest 3.3)
            assert (a ** 2).is_Rational


def _one_exit_problem():
    # neuron 0 positive, active on x_0 (y>0) and x_1 (y<0): x_1 must exit
    return Problem(inputs=((F(1), F(0)), (F(0), F(1))), labels=(F(1), F(-1)), width=1, scale=F(1, 1000),
                   directions=((F(1), F(1)),), signs=(1,))


def test_exit_is_first_root_against_a_numeric_scan():
    p = _one_exit_problem()
    ep = early_phase(p)
    (k, T), = ep.exits[0]
    assert k == 1
    t = sp.Symbol("t", positive=True)
    _, u = ep.segment_expressions(0, 0, t)
    f = sp.lambdify(t, u[1], "mpmath")
    with mpmath.workdps(40):
        Tn = mpmath.mpf(str(sp.N(T, 45)))
        assert abs(f(Tn)) < mpmath.mpf(10) ** -35
        grid = [Tn * i / 50 for i in range(50)]
        assert all(f(s) > 0 for s in grid)  # no earlier root
        assert f(Tn * mpmath.mpf("1.001")) < 0  # and it really crosses


@settings(max_examples=examples(8))
@given(orthogonal_problems(max_n=3, max_d=3, max_m=2))
@example(_one_exit_problem())
def test_exits_certificate_on_random_problems(p):
    assert exits_certificate(p).verdict == "PROVED"
    if any(early_phase(p).exits):
        assert exits_certificate(p, perturb=F(1, 100)).verdict == "REFUTED"


def test_state_rejects_negative_time():
    with pytest.raises(Exception, match="t >= 0"):
        early_phase(_one_exit_problem()).state(0, -1)


def test_exit_root_certificate_and_twin():
    from gfcheck.symbolic.closed_form import exit_root_certificate

    assert exit_root_certificate().verdict == "PROVED"
    assert exit_root_certificate(wrong_sign=True).verdict == "REFUTED"


@settings(max_examples=examples(10))
@given(orthogonal_problems(max_n=4, max_d=4, max_m=2))
def test_indexed_predictions_equal_concrete_values(p):
    from gfcheck.symbolic.predictions import indexed_predictions_certificate

    assert indexed_predictions_certificate(p).verdict == "PROVED"
    assert indexed_predictions_certificate(p, perturb=F(1, 1000)).verdict == "REFUTED"


def test_exact_tie_exits_together():
    # two wrongly signed points in symmetric position reach 0 at the same (exact) time
    p = Problem(inputs=((F(1), F(0), F(0)), (F(0), F(1), F(0)), (F(0), F(0), F(1))),
                labels=(F(1), F(-1), F(-1)), width=1, scale=F(1, 1000),
                directions=((F(1), F(1), F(1)),), signs=(1,))
    ep = early_phase(p)
    (k1, T1), (k2, T2) = ep.exits[0]
    assert {k1, k2} == {1, 2} and T1 == T2 and ep.final_active[0] == frozenset({0})
    assert exits_certificate(p).verdict == "PROVED"
    assert exits_certificate(p, perturb=F(1, 100)).verdict == "REFUTED"


@settings(max_examples=examples(15))
@given(orthogonal_problems(max_n=4, max_d=5, max_m=6))
def test_gamma_respects_the_digest_lower_bound(p):
    """Digest 4.4: gamma_+- >= min_k y_k^2 ||x_k||^2 / (2 ||D_+-||^2) (exact comparison)."""
    dp, npred = data_predictions(p), neuron_predictions(p)
    for gamma, bound in ((npred.gamma_plus, dp.gamma_bound_plus), (npred.gamma_minus, dp.gamma_bound_minus)):
        if bound is not None:
            assert sp.simplify(gamma - bound).is_nonnegative is not False
            assert sp.N(gamma - bound, 50) >= 0
    for j, kind in enumerate(npred.kind):
        S = set(dp.S_plus if p.signs[j] == 1 else dp.S_minus)
        assert (kind == "main") == (bool(S) and npred.A_inf[j] == S)
        assert (kind == "dead") == (not npred.A_inf[j])
