"""``gfcheck simulate`` and the result format: round trip, determinism, reference agreement,
extreme scales, failures that leave nothing behind."""

from __future__ import annotations

import json
from fractions import Fraction as Fr
from pathlib import Path

import mpmath
import pytest

from gfcheck.numeric.result import load_result, parse_result, supported_str
from gfcheck.numeric.simulate import preflight
from gfcheck.cli import main
from gfcheck.symbolic.errors import ResourceLimit, SchemaError, ShapeError
from gfcheck.symbolic.problem import load_problem, parse_problem

DATA = Path(__file__).resolve().parents[1] / "data"
M8 = DATA / "reference-m8.problem.json"
T_REF = "255.4488805818169173250609180233520999285"


def _simulate(tmp_path, *args, name="r.json"):
    out = tmp_path / name
    status = main(["simulate", *map(str, args), "--out", str(out)])
    return status, out


def test_reference_m8_round_trip_deterministic_and_correct(tmp_path):
    s1, r1 = _simulate(tmp_path, M8, "--dps", "30", "--t-end", T_REF, "--grid", "8", name="a.json")
    s2, r2 = _simulate(tmp_path, M8, "--dps", "30", "--t-end", T_REF, "--grid", "8", name="b.json")
    assert s1 == s2 == 0
    assert r1.read_bytes() == r2.read_bytes()  # byte-identical rerun
    doc = load_result(r1)
    assert doc["problem_sha256"] == load_problem(M8).sha256()
    assert len(doc["grid"]["t"]) == 9 and mpmath.mpf(doc["grid"]["t"][0]) == 0
    err = mpmath.mpf(doc["error_estimate"])
    assert 0 < err < mpmath.mpf(10) ** -29  # measured, and as good as asked
    sol = json.loads((DATA / "reference-m8.solution.json").read_text())
    with mpmath.workdps(60):
        worst = max(abs(mpmath.mpf(a) - mpmath.mpf(b)) for a, b in zip(doc["final"]["a"], sol["a"]))
        # the written digits carry the measured error plus the rounding of the last digit kept
        assert worst <= 20 * err
        # negative twin: a perturbed reference value is caught by the same comparison
        assert abs(mpmath.mpf(doc["final"]["a"][0]) - (mpmath.mpf(sol["a"][0]) + 100 * err)) > 20 * err


def test_written_digits_follow_the_measured_error():
    with mpmath.workdps(40):
        z, err = mpmath.mpf("0.123456789012345"), mpmath.mpf("1e-8")
        text = supported_str(z, err)
        assert abs(mpmath.mpf(text) - z) <= err  # no accuracy lost beyond the error
        assert len(text.replace("0.", "", 1)) <= 10  # and no digits that the error does not support
        assert supported_str(z, mpmath.mpf("1e-20")) != text


def test_until_fitted_reaches_the_precision_level(tmp_path):
    doc = {"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "2"]], "labels": ["1", "-1/2"],
           "width": 2, "init": {"scale": "1/1000", "directions": [["1", "1"], ["1", "1"]], "signs": [1, -1]}}
    p = tmp_path / "p.json"
    p.write_text(json.dumps(doc))
    status, r = _simulate(tmp_path, p, "--dps", "20", "--until-fitted", "--grid", "4")
    assert status == 0
    res = load_result(r)
    assert res["fitted"] is True
    with mpmath.workdps(30):
        assert mpmath.mpf(res["grid"]["loss"][-1]) < mpmath.mpf(10) ** -30


def test_tiny_scale_1e_minus_1000_works_and_states_its_precision(tmp_path):
    doc = json.loads(M8.read_text())
    doc["init"]["scale"] = "1e-1000"
    doc["width"] = 2
    doc["init"]["directions"] = doc["init"]["directions"][:2]
    doc["init"]["signs"] = doc["init"]["signs"][:2]
    p = tmp_path / "tiny.json"
    p.write_text(json.dumps(doc))
    status, r = _simulate(tmp_path, p, "--dps", "20", "--t-end", "50", "--grid", "2")
    assert status == 0
    res = load_result(r)
    a0 = mpmath.mpf(res["final"]["a"][0])
    assert 0 < abs(a0) < mpmath.mpf(10) ** -990  # still resolved, relative to its own scale
    assert res["work_bits"] >= 64


def test_extreme_norms_are_refused_up_front_with_what_is_needed(tmp_path, capsys):
    doc = {"schema": "gfcheck.problem/1", "inputs": [["1e50", "0"], ["0", "1e-50"]], "labels": ["1", "-1"],
           "width": 1, "init": {"scale": "1e-3", "directions": [["1", "1"]], "signs": [1]}}
    p = tmp_path / "wide.json"
    p.write_text(json.dumps(doc))
    status, r = _simulate(tmp_path, p, "--t-end", "10")
    err = capsys.readouterr().err
    assert status == 2 and not r.exists()
    assert "ResourceLimit" in err and "Taylor steps" in err and err.count("\n") == 1
    # the rule is a bound, not a blanket refusal: moderate data pass the same check
    ok = parse_problem({**doc, "inputs": [["2", "0"], ["0", "1/2"]]})
    assert preflight(ok, 10)["steps_lower_bound"] < 10**6
    with pytest.raises(ResourceLimit):
        preflight(ok, 10**9)


def test_integration_failure_leaves_no_result(tmp_path, capsys, monkeypatch):
    import gfcheck.numeric as gn
    real = gn.integrate

    def few_events(*a, **k):
        return real(*a, **{**k, "max_events": 1})

    monkeypatch.setattr(gn, "integrate", few_events)
    status, r = _simulate(tmp_path, M8, "--dps", "20", "--t-end", "100")
    err = capsys.readouterr().err
    assert status != 0 and not r.exists()
    assert "TooManyEvents" in err and "neuron" in err and "point" in err and "t =" in err


@pytest.mark.parametrize("mutate, error", [
    (lambda d: d.update(schema="gfcheck.result/2"), SchemaError),
    (lambda d: d.update(extra=1), SchemaError),
    (lambda d: d.update(dps="30"), SchemaError),
    (lambda d: d["final"]["a"].append(1.5), SchemaError),
    (lambda d: d["final"]["W"].pop(), ShapeError),
    (lambda d: d["grid"]["loss"].pop(), ShapeError),
    (lambda d: d["events"].append({"t": "1", "neuron": 0, "point": 0, "kind": "jump"}), SchemaError),
])
def test_result_reader_is_strict(tmp_path, mutate, error):
    status, r = _simulate(tmp_path, M8, "--dps", "15", "--t-end", "1", "--grid", "1",
                          "--no-error-estimate")
    assert status == 0
    doc = json.loads(r.read_text())
    parse_result(doc)
    mutate(doc)
    with pytest.raises(error):
        parse_result(doc)


@pytest.mark.parametrize("t_end, error", [("nan", "NonFiniteValue"), ("1e999999", "ResourceLimit"),
                                          ("-1", "InvalidInput"), ("abc", "NonFiniteValue")])
def test_bad_horizons_are_named_errors(tmp_path, capsys, t_end, error):
    out = tmp_path / "x.json"
    status = main(["simulate", str(M8), "--out", str(out), "--t-end", t_end])
    err = capsys.readouterr().err
    assert status == 2 and not out.exists()
    assert err.count("\n") == 1 and "Traceback" not in err and error in err


def test_exact_horizon_is_parsed_exactly():
    from gfcheck.symbolic.problem import parse_number
    assert parse_number("511/2", where="t") == Fr(511, 2)
