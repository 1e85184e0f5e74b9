"""Decoupling and the structural certificates, with their negative twins; property tests on
exactly orthogonal (PROVED) and non-orthogonal (REFUTED with witness) datasets."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy as sp
from hypothesis import example, given, settings
from budget import examples
from strategies import non_orthogonal_problems, orthogonal_problems

from gfcheck.symbolic.decoupling import (conservation_certificate, decoupling_certificate,
                                         decoupling_certificate_for, inactive_frozen_certificate,
                                         perp_frozen_certificate, splitting_certificate)
from gfcheck.symbolic.problem import Problem

SIZES = [(1, 1), (2, 2), (2, 3), (3, 4)]


@pytest.mark.parametrize("m,n", SIZES)
def test_decoupling_proved_and_cross_terms_listed(m, n):
    c = decoupling_certificate(m, n)
    assert c.verdict == "PROVED" and c.residual == "0"
    assert len(c.details["cross_terms"]) == m * n * (n - 1)
    assert all(v["nonzero_witness"] for v in c.details["cross_terms"].values())


@pytest.mark.parametrize("m,n", [(2, 2), (2, 3)])
def test_decoupling_twin_without_orthogonality_is_refuted(m, n):
    c = decoupling_certificate(m, n, drop_cross=False)
    assert c.verdict == "REFUTED" and c.witness


@pytest.mark.parametrize("m,n", [(2, 2), (2, 3)])
def test_structural_claims_and_twins(m, n):
    assert perp_frozen_certificate(m, n).verdict == "PROVED"
    assert perp_frozen_certificate(m, n, drop_point=True).verdict == "REFUTED"
    assert inactive_frozen_certificate(m, n).verdict == "PROVED"
    assert inactive_frozen_certificate(m, n, orthogonal=False).verdict == "REFUTED"
    assert inactive_frozen_certificate(m, n, relu_prime_at_zero=0).verdict == "PROVED"
    assert inactive_frozen_certificate(m, n, relu_prime_at_zero=1).verdict == "REFUTED"
    assert conservation_certificate(m, n).verdict == "PROVED"
    assert conservation_certificate(m, n, drop_term=True).verdict == "REFUTED"
    assert splitting_certificate(m, n).verdict == "PROVED"
    assert splitting_certificate(m, n, leak=True).verdict == "REFUTED"
    assert splitting_certificate(m, n, orthogonal=False).verdict == "REFUTED"




def _one_by_one():
    return Problem(inputs=((F(1),),), labels=(F(1),), width=1, scale=F(1, 1000), directions=((F(1),),),
                   signs=(1,))


def _identity_2():
    return Problem(inputs=((F(1), F(0)), (F(0), F(1))), labels=(F(1), F(-1)), width=2, scale=F(1, 1000),
                   directions=((F(1), F(1)), (F(1), F(-1))), signs=(1, -1))


def _tilted_2():
    return Problem(inputs=((F(1), F(0)), (F(1), F(1))), labels=(F(1), F(-1)), width=2, scale=F(1, 1000),
                   directions=((F(1), F(2)), (F(1), F(-1))), signs=(1, -1))


@settings(max_examples=examples(15))
@given(orthogonal_problems(max_n=4, max_d=4, max_m=3))
@example(_one_by_one())
@example(_identity_2())
def test_certificate_proved_on_every_orthogonal_dataset(p):
    c = decoupling_certificate_for(p)
    assert c.verdict == "PROVED", c.details
    assert c.details["surviving_cross_terms"] == []


@settings(max_examples=examples(15))
@given(non_orthogonal_problems(max_n=4, max_d=4, max_m=3))
@example(_tilted_2())
def test_certificate_refuted_with_witness_on_non_orthogonal_data(p):
    c = decoupling_certificate_for(p)
    assert c.verdict == "REFUTED"
    assert c.witness and c.details["surviving_cross_terms"]
    G = p.gram()
    named = {(int(t["k"]), int(t["l"])) for t in c.details["surviving_cross_terms"]}
    assert all(G[k][l] != 0 for k, l in named)
    assert any((k, l) in named for k in range(p.n) for l in range(p.n) if k != l and G[k][l] != 0)


def test_witness_value_is_an_exact_nonzero_rational():
    c = decoupling_certificate_for(_tilted_2())
    v = sp.Rational(*map(int, (c.details["witness_value"].split("/") + ["1"])[:2]))
    assert v != 0
