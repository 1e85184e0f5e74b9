"""The certificate object and the exact zero test (a check must be able to fail)."""

from __future__ import annotations

import pytest
import sympy as sp

from gfcheck.symbolic.certificate import (PROVED, REFUTED, UNDECIDED, Certificate, certify, certify_all,
                                          decide_zero, find_witness)
from gfcheck.symbolic.errors import InvalidInput

x, y = sp.symbols("x y")
chi = sp.Symbol("chi_{1,1}")


def test_zero_polynomial_is_proved():
    assert decide_zero(sp.expand((x + y) ** 3) - (x + y) ** 3) == (PROVED, 0, None)


def test_nonzero_polynomial_is_refuted_with_exact_witness():
    verdict, residual, witness = decide_zero((x - 1) * (y - 2))
    assert verdict == REFUTED
    val = residual.xreplace({sp.Symbol(k): sp.Rational(v) for k, v in witness.items()})
    assert val != 0 and val.is_Rational


def test_non_polynomial_is_undecided_never_proved():
    assert decide_zero(sp.sin(x) ** 2 + sp.cos(x) ** 2 - 1 - x + x)[0] in (UNDECIDED, PROVED)
    assert decide_zero(sp.exp(x) - 1)[0] == UNDECIDED


def test_binary_indicators_in_witness():
    # chi^2 - chi vanishes on {0, 1}: no honest witness, so UNDECIDED (not REFUTED)
    assert decide_zero(chi ** 2 - chi)[0] == UNDECIDED
    w = find_witness(chi * x - 2)
    assert w[str(chi)] in ("0", "1")


def test_certificate_checks_itself():
    with pytest.raises(InvalidInput, match="PROVED verdict needs the residual"):
        Certificate("c", PROVED, "p", "x", None, ())
    with pytest.raises(InvalidInput, match="needs a witness"):
        Certificate("c", REFUTED, "p", "x", None, ())
    with pytest.raises(InvalidInput, match="verdict expected"):
        Certificate("c", "TRUE", "p", "0", None, ())


def test_certify_all_collects_refuted_labels():
    c = certify_all("demo", {"a": x - x, "b": x - 1, "c": y})
    assert c.verdict == REFUTED and c.details["refuted"] == ["b", "c"]
    assert certify("demo", x - x).to_json()["versions"]["sympy"] == sp.__version__
