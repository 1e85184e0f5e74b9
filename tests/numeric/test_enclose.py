"""The validated enclosures (gfcheck.numeric.enclose): they contain independent solutions, exclude
a perturbed one, shrink like 10^-D, prove kinks by interval Newton (and refuse to when they cannot)."""

from __future__ import annotations

import json
import math
from fractions import Fraction as Fr

import pytest
from budget import examples
from hypothesis import given, settings
from numeric_helpers import SHARED, diag_inputs
from strategies import orthogonal_problems

flint = pytest.importorskip("flint")

from gfcheck.numeric import integrate  # noqa: E402
from gfcheck.numeric.enclose import (  # noqa: E402
    _prove_root,
    arb_precision,
    enclose,
    outward_strings,
    to_fraction,
)
from gfcheck.cli import main  # noqa: E402
from gfcheck.symbolic.errors import IntegrationFailed, InvalidInput  # noqa: E402
from gfcheck.symbolic.problem import Problem, load_problem  # noqa: E402


def two_point_problem(lam=Fr(1, 1000)):
    """Two points, two neurons of opposite signs: each neuron exits the point of the other sign."""
    return Problem(inputs=diag_inputs([1, Fr(3, 2)]), labels=(Fr(1), Fr(-7, 10)), width=2, scale=lam,
                   directions=((Fr(1), Fr(1)), (Fr(1), Fr(2))), signs=(1, -1))


def inside(ball, value: Fr) -> bool:
    """Is the exact ``value`` in the ball (read at a precision above the ball's own)?"""
    with arb_precision(4000):
        return to_fraction(ball.lower()) <= value <= to_fraction(ball.upper())


def mpf_fraction(x) -> Fr:
    """The exact value of an mpf (``_mpf_ = (sign, man, exp, bc)``)."""
    sign, man, exp, _ = x._mpf_
    q = Fr(int(man) * 2**exp) if exp >= 0 else Fr(int(man), 2**-exp)
    return -q if sign else q


def misses(enc, a, U):
    """The coordinates (name, index) whose exact values lie outside the enclosure's balls."""
    out = [("a", j) for j, v in enumerate(a) if not inside(enc.final_a[j], v)]
    out += [("u", (j, k)) for j, row in enumerate(U) for k, v in enumerate(row) if not inside(enc.final_U[j][k], v)]
    return out


@pytest.fixture(scope="module")
def m8():
    """reference-m8 (lambda 1e-6) enclosed at 30 digits to the reference's T, and the reference."""
    p = load_problem(SHARED / "reference-m8.problem.json")
    ref = json.loads((SHARED / "reference-m8.solution.json").read_text())
    return enclose(p, t_end=ref["T"], dps=30, grid=4), ref


def test_reference_m8_contains_the_reference_solution_at_30_digits(m8):
    """Every final a_j, u_jk ball holds the 81-digit reference; the eight exits are proved; the
    widest relative width is below 1e-20."""
    enc, ref = m8
    a = [Fr(v) for v in ref["a"]]
    U = [[Fr(v) for v in row] for row in ref["u"]]
    assert misses(enc, a, U) == []
    assert len(enc.events) == 8
    assert enc.widest_relative() < Fr(1, 10**20)


def test_reference_m8_twin_excludes_a_perturbed_reference(m8):
    """The negative twin: the reference with one a_j moved in its 10th digit is outside."""
    enc, ref = m8
    a = [Fr(v) for v in ref["a"]]
    a[0] *= 1 + Fr(1, 10**10)
    U = [[Fr(v) for v in row] for row in ref["u"]]
    assert misses(enc, a, U) == [("a", 0)]


@pytest.mark.parametrize("wrapping", ["lohner", "mean-value", "direct"])
def test_excludes_the_solution_of_a_start_perturbed_in_its_10th_digit(wrapping):
    """The flow from lambda (1 + 1e-10) ends outside the enclosure from lambda; the flow from
    lambda itself (integrated at 50 digits) inside it; with each wrapping control."""
    p = two_point_problem()
    enc = enclose(p, t_end=12, dps=30, grid=2, wrapping=wrapping)
    twin = two_point_problem(Fr(1, 1000) * (1 + Fr(1, 10**10)))
    for prob, expect_inside in ((p, True), (twin, False)):
        tr = integrate(prob, dps=50, t_end=12, error_estimate=False)
        a = [mpf_fraction(v) for v in tr.final.a]
        U = [[mpf_fraction(v) for v in row] for row in tr.final.U]
        assert (misses(enc, a, U) == []) is expect_inside


@settings(max_examples=examples(6), deadline=None)
@given(orthogonal_problems(max_n=3, max_d=3, max_m=3, scale=Fr(1, 100)))
def test_generated_problems_contain_integrate_at_20_more_digits(p):
    """Generated orthogonal problems: the enclosure at 20 digits contains the reduced engine's
    solution at 40 digits, whose measured error estimate is below every ball's radius (so the
    containment is a test of the enclosure, not of the reference)."""
    T = Fr(6)
    try:
        enc = enclose(p, t_end=T, dps=20, grid=2)
    except IntegrationFailed as exc:  # a crossing the intervals cannot separate: it must say which
        assert "u_" in str(exc) and ("digits" in str(exc) or "tangency" in str(exc) or "overlap" in str(exc))
        return
    tr = integrate(p, dps=40, t_end=T, error_estimate=True, error_estimate_parallel=False)
    err = mpf_fraction(tr.error_estimate)
    balls = list(enc.final_a) + [v for row in enc.final_U for v in row]
    values = [mpf_fraction(v) for v in tr.final.a] + [mpf_fraction(v) for row in tr.final.U for v in row]
    for ball, v in zip(balls, values):
        assert inside(ball, v)
        rad = to_fraction(ball.rad())
        assert rad == 0 and v == to_fraction(ball) or err < rad


def test_width_falls_like_ten_to_minus_dps():
    """The widest relative width at 20 and at 30 digits: ten more digits, ten fewer in the width
    (within 2 digits: the widths are bounds whose constant factors are of order 1)."""
    p = two_point_problem()
    w20 = enclose(p, t_end=12, dps=20, grid=1).widest_relative()
    w30 = enclose(p, t_end=12, dps=30, grid=1).widest_relative()
    drop = math.log10(w20) - math.log10(w30)
    assert 8 <= drop <= 12, drop


class _Stub:
    """A step whose active ``u`` is the polynomial ``coeffs`` in ``tau`` with no remainder."""

    def __init__(self, coeffs, bits=100):
        self.coeffs = [flint.arb(c) for c in coeffs]
        run = type("Run", (), {})()
        run.arb, run.bits = flint.arb, bits
        run.prec = type("Prec", (), {"dps": 30})()
        self.run = run

    def u_value(self, q, tau):
        out = self.coeffs[-1]
        for c in self.coeffs[-2::-1]:
            out = out * tau + c
        return out

    def u_slope(self, q, tau):
        d = [c * i for i, c in enumerate(self.coeffs)][1:]
        out = d[-1]
        for c in d[-2::-1]:
            out = out * tau + c
        return out


def test_interval_newton_proves_a_simple_root_and_refuses_a_double_one():
    """``1 - tau`` (root 1, slope -1): a proved ball around 1 of width near 2^-100.  The twin
    ``(tau - 1)^2`` (a tangency at 1): no interval proves one root, the error names u_jk."""
    with arb_precision(160):
        T = _prove_root(_Stub([1, -1]), (0, 1), flint.arb(0), flint.arb(2))
        assert T.contains(1) and T.rad() < flint.arb(2) ** -90
        with pytest.raises(IntegrationFailed, match=r"crossing of u_01 .*tangency"):
            _prove_root(_Stub([1, -2, 1]), (0, 1), flint.arb(0), flint.arb(2))


def test_an_unknown_wrapping_is_refused():
    with pytest.raises(InvalidInput, match="wrapping"):
        enclose(two_point_problem(), t_end=1, dps=20, wrapping="qr")


def test_outward_strings_enclose_and_scope_restores_precision():
    before = flint.ctx.prec
    with pytest.raises(ZeroDivisionError):
        with arb_precision(300):
            Fr(1, 0)
    assert flint.ctx.prec == before
    with arb_precision(300):
        x = flint.arb(2).sqrt()
        lo, hi = outward_strings(x, 80)
        assert Fr(lo) <= to_fraction(x.lower()) and to_fraction(x.upper()) <= Fr(hi)
        assert Fr(lo) ** 2 < 2 < Fr(hi) ** 2  # and its twin: the strings are not the same
        assert lo != hi


def test_cli_enclose_writes_outward_intervals_and_refuses_bad_input(tmp_path, capsys):
    prob = tmp_path / "p.json"
    prob.write_text(json.dumps({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "3/2"]],
                                "labels": ["1", "-0.7"], "width": 2,
                                "init": {"scale": "1/1000", "directions": [["1", "1"], ["1", "2"]],
                                         "signs": [1, -1]}}))
    out = tmp_path / "e.json"
    assert main(["enclose", "--problem", str(prob), "--t-end", "12", "--dps", "20", "--grid", "2",
                 "--out", str(out)]) == 0
    text = out.read_text()
    doc = json.loads(text)
    assert doc["schema"] == "gfcheck.enclosure/1" and text == json.dumps(doc, indent=1, sort_keys=True) + "\n"
    assert [(e["neuron"], e["point"]) for e in doc["events"]] == [(1, 0), (0, 1)]
    for lo, hi in doc["final"]["a"] + [v for row in doc["final"]["W"] for v in row] + doc["grid"]["loss"]:
        assert Fr(lo) <= Fr(hi)
    assert len(doc["grid"]["loss"]) == len(doc["grid"]["t"]) == 3
    capsys.readouterr()
    assert main(["enclose", "--problem", str(prob), "--t-end", "-1", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("gfcheck enclose: InvalidInput: --t-end") and "\n" not in err


def test_extra_times_carry_the_state_and_the_partial_losses():
    """``times``: exact times inside (0, T) recorded by dense output (verify --prove's crossing
    windows): the state balls there hold the reduced engine's 50-digit state, the loss ball is the
    sum of the partial ones; a moved state is outside; a time outside (0, T) is refused."""
    p = two_point_problem()
    t1 = Fr(37, 10)
    enc = enclose(p, t_end=Fr(12), dps=30, grid=2, times=[t1])
    assert t1 in enc.grid_t and len(enc.grid_state) == len(enc.grid_t)
    i = enc.grid_t.index(t1)
    a, U, active = enc.grid_state[i]
    tr = integrate(p, dps=50, t_end=t1, error_estimate=False)
    assert all(inside(a[j], mpf_fraction(v)) for j, v in enumerate(tr.final.a))
    assert all(inside(U[j][k], mpf_fraction(v)) for j, row in enumerate(tr.final.U) for k, v in enumerate(row)
               if active[j][k])
    assert not inside(a[0], mpf_fraction(tr.final.a[0]) * (1 + Fr(1, 10**12)))
    with arb_precision(enc.settings["work_bits"]):
        whole = enc.partial_loss(p, i, range(p.n))
        parts = sum((enc.partial_loss(p, i, {k}) for k in range(p.n)), flint.arb(0))
        assert whole.overlaps(enc.grid_loss[i]) and whole.overlaps(parts)
    with pytest.raises(InvalidInput, match="times"):
        enclose(p, t_end=Fr(12), dps=20, grid=1, times=[Fr(12)])
