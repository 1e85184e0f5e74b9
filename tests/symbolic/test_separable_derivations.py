"""The separable two-direction model (reconstructed after Wang and Ma 2023): every certificate
has its expected verdict (each claim with a refuted twin), and the exact constants agree with
the digest's numbers."""

from __future__ import annotations

import math
from fractions import Fraction as F

import pytest
import sympy as sp

from gfcheck.symbolic import separable as S


@pytest.fixture(scope="module")
def certs():
    return S.all_separable_certificates()


def test_every_claim_has_its_verdict_and_a_refuted_twin(certs):
    wrong = [(stem, c.verdict, exp) for stem, c, exp in certs if c.verdict != exp]
    assert not wrong
    refuted = [c for _, c, exp in certs if exp == "REFUTED"]
    assert len(refuted) >= 8 and all(c.witness is not None for c in refuted)
    assert all(S.MODEL in c.assumptions for _, c, _ in certs)


def test_the_surviving_cross_terms_are_named(certs):
    by = {stem: c for stem, c, _ in certs}
    for loss in S.SEPARABLE_LOSSES:
        named = by[f"separable_decoupled_two_point_{loss}"].details["cross_terms"]
        assert named == {"du_1 / cos Delta": "-M*a_1*chi_{v,1}", "dv_1 / cos Delta": "P*a_1*chi_{u,1}",
                         "du_2 / cos Delta": "-M*a_2*chi_{v,2}", "dv_2 / cos Delta": "P*a_2*chi_{u,2}"}


def test_sliding_solution_and_switching_functions():
    c = S.C_TAU
    u, v = S.sliding("u"), S.sliding("v")
    assert sp.simplify(u["Gamma"] - (S.P - S.M * c)) == 0
    assert sp.simplify(v["Gamma"] - (S.M - S.P * c)) == 0
    assert sp.simplify(u["alpha"] - S.M * c / S.P) == 0


def test_constants_match_the_digest_numbers():
    k = S.constants(F(7, 10), F(1, 10))
    assert abs(float(k["r_plus"]) - 0.4026) < 5e-5 and abs(float(k["r_minus"]) - 0.0300) < 5e-5
    assert abs(float(k["gamma_star"]) - 0.02496) < 5e-6
    assert abs(math.degrees(float(k["g_hat_angle"])) - 7.13) < 5e-3  # digest: g-hat at 7.13 deg
    assert bool(k["A1"]) and not bool(S.constants(F(1, 2), F(1, 10))["A1"])
