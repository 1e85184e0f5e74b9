"""The sympy-derived flow: Gram form, indexed form, reduced right-hand side."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from gfcheck.symbolic.errors import NotOrthogonal, ShapeError
from gfcheck.symbolic.flow import derive_flow, gram_form_certificate, indexed_certificate, reduced_rhs
from gfcheck.symbolic.problem import Problem


@pytest.mark.parametrize("m,n", [(1, 1), (2, 2), (2, 3)])
def test_gram_form_matches_coordinate_derivative(m, n):
    cert, twin = gram_form_certificate(m, n)
    assert cert.verdict == "PROVED"
    assert twin.verdict == "REFUTED" and twin.witness


@pytest.mark.parametrize("m,n", [(1, 1), (2, 3), (3, 4)])
def test_indexed_form_matches_derived_flow(m, n):
    assert indexed_certificate(m, n).verdict == "PROVED"


def test_relu_prime_at_zero_is_a_parameter():
    assert derive_flow(1, 1, relu_prime_at_zero=1).relu_prime_at_zero == 1
    with pytest.raises(ShapeError):
        derive_flow(0, 1)


def _problem(X, y, G, s, rp=0):
    return Problem(inputs=X, labels=y, width=len(G), scale=F(1), directions=G, signs=s, relu_prime_at_zero=rp)


def _hand_rhs(p, a, U, chi):
    n, q = p.n, p.norms_squared()
    r = [sum((a[j] * chi[j][k] * U[j][k] for j in range(p.m)), F(0)) - p.labels[k] for k in range(n)]
    da = tuple(-sum((r[k] * chi[j][k] * U[j][k] for k in range(n)), F(0)) / n for j in range(p.m))
    dU = tuple(tuple(-a[j] / n * r[k] * chi[j][k] * q[k] for k in range(n)) for j in range(p.m))
    return da, dU


def test_reduced_rhs_is_exact_and_matches_the_digest():
    p = _problem(((F(1), F(0), F(0)), (F(0), F(2), F(0))), (F(1), F(-3, 2)),
                 ((F(1), F(1), F(0)), (F(-1), F(1), F(1)), (F(1), F(-1), F(2))), (1, -1, 1))
    rhs = reduced_rhs(p)
    a = [F(1, 3), F(-2, 5), F(7, 4)]
    U = [[F(1, 2), F(-1)], [F(0), F(3, 7)], [F(2), F(5, 3)]]
    chi = [[1, 0], [0, 1], [1, 1]]
    assert rhs(a, U, chi) == _hand_rhs(p, a, U, chi)
    # active=None: chi = sigma'(U) with sigma'(0) = 0 (u = 0 is inactive)
    assert rhs(a, U, None) == _hand_rhs(p, a, U, chi)
    # negative twin: a perturbed state gives a different field
    assert rhs(a, U, chi) != _hand_rhs(p, a, [[F(1, 2), F(-1)], [F(0), F(3, 7)], [F(2), F(5, 4)]], chi)


def test_reduced_rhs_convention_at_zero():
    p1 = _problem(((F(1), F(0)), (F(0), F(1))), (F(1), F(1)), ((F(1), F(1)),), (1,), rp=1)
    rhs = reduced_rhs(p1)
    da, dU = rhs([F(1)], [[F(0), F(1)]], None)
    assert dU[0][0] != 0  # sigma'(0) = 1: the coordinate at 0 is pushed
    p0 = _problem(((F(1), F(0)), (F(0), F(1))), (F(1), F(1)), ((F(1), F(1)),), (1,), rp=0)
    assert reduced_rhs(p0)([F(1)], [[F(0), F(1)]], None)[1][0][0] == 0


def test_reduced_rhs_refuses_bad_input():
    p = _problem(((F(1), F(0)), (F(0), F(1))), (F(1), F(1)), ((F(1), F(1)),), (1,))
    with pytest.raises(ShapeError):
        reduced_rhs(p)([F(1), F(1)], [[F(0), F(1)]], None)
    with pytest.raises(Exception, match="float"):
        reduced_rhs(p)([0.5], [[F(0), F(1)]], None)
    bad = _problem(((F(1), F(0)), (F(1), F(1))), (F(1), F(1)), ((F(1), F(1)),), (1,))
    with pytest.raises(NotOrthogonal):
        reduced_rhs(bad)
