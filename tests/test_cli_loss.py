"""The loss asked for is the loss computed: a problem with ``"loss": "exponential"`` or
``"logistic"`` is integrated by the full engine (``auto`` picks it) and refused up front
(``UnsupportedLoss``, exit 2, one line, nothing written) by the engines and commands that handle
only the square loss (reduced, float64, ``verify``, ``--until-fitted``); a result file records the
loss it integrated."""

from __future__ import annotations

import json

import pytest

from gfcheck.numeric import integrate
from gfcheck.numeric._float64 import integrate_float64
from gfcheck.numeric._full import integrate_full
from gfcheck.numeric._reduced import integrate_reduced
from gfcheck.numeric.result import load_result, parse_result, result_loss
from gfcheck.cli import main
from gfcheck.symbolic.errors import InvalidInput, SchemaError, UnsupportedLoss
from gfcheck.symbolic.problem import parse_problem

SQUARE = {"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "3/2"]], "labels": ["1", "-1"],
          "width": 2, "init": {"scale": "1e-3", "directions": [["1", "1"], ["1", "-1"]], "signs": [1, -1]}}
UNSUPPORTED = ("exponential", "logistic")
QUICK = ["--t-end", "1", "--dps", "15", "--grid", "2", "--no-error-estimate"]


def _problem_file(tmp_path, loss=None):
    doc = dict(SQUARE, **({"loss": loss} if loss else {}))
    p = tmp_path / "in" / "p.json"
    p.parent.mkdir(exist_ok=True)
    p.write_text(json.dumps(doc))
    return p


def _one_line_refusal(err, loss, kind="UnsupportedLoss"):
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert kind in err and loss in err, err
    if kind == "UnsupportedLoss":
        assert '"square"' in err and "set \"loss\": \"square\"" in err  # what to do next


def test_unsupported_loss_is_a_named_input_error():
    assert issubclass(UnsupportedLoss, InvalidInput) and UnsupportedLoss.exit_status == 2


@pytest.mark.parametrize("loss", UNSUPPORTED)
@pytest.mark.parametrize("engine", ["reduced", "float64"])
def test_simulate_refuses_the_loss_on_a_square_only_engine_and_writes_nothing(tmp_path, capsys, loss, engine):
    p = _problem_file(tmp_path, loss)
    out = tmp_path / "out" / "r.json"
    assert main(["simulate", str(p), "--out", str(out), *QUICK, "--engine", engine]) == 2
    err = capsys.readouterr().err
    _one_line_refusal(err, repr(loss))
    assert "full engine" in err  # where the loss is integrated
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("loss", UNSUPPORTED)
def test_simulate_refuses_until_fitted_for_a_loss_never_fitted(tmp_path, capsys, loss):
    p = _problem_file(tmp_path, loss)
    out = tmp_path / "out" / "r.json"
    assert main(["simulate", str(p), "--out", str(out), "--until-fitted", "--dps", "15"]) == 2
    _one_line_refusal(capsys.readouterr().err, loss, kind="InvalidInput")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("loss", UNSUPPORTED)
def test_simulate_integrates_the_loss_on_the_full_engine_and_records_it(tmp_path, capsys, loss):
    p = _problem_file(tmp_path, loss)
    out = tmp_path / "r.json"
    assert main(["simulate", str(p), "--out", str(out), *QUICK]) == 0, capsys.readouterr().err
    doc = load_result(out)
    assert doc["loss"] == loss == result_loss(doc) and doc["engine"] == "full"
    # L(0) = 1 (exponential) or log 2 (logistic) up to the O(lambda^2) outputs at t = 0
    L0 = float(doc["grid"]["loss"][0])
    assert abs(L0 - (1.0 if loss == "exponential" else 0.6931471805599453)) < 1e-4


@pytest.mark.parametrize("loss", UNSUPPORTED)
def test_verify_refuses_the_loss_and_writes_nothing(tmp_path, capsys, loss):
    p = _problem_file(tmp_path, loss)
    out = tmp_path / "report"
    assert main(["verify", "--problem", str(p), "--out", str(out), "--no-figures"]) == 2
    _one_line_refusal(capsys.readouterr().err, repr(loss))
    assert not out.exists()


@pytest.mark.parametrize("loss", UNSUPPORTED)
def test_only_the_full_engine_integrates_another_loss(loss):
    p = parse_problem(dict(SQUARE, loss=loss))
    for engine in ("reduced", "float64"):
        with pytest.raises(UnsupportedLoss, match=loss):
            integrate(p, dps=15, t_end=1, engine=engine, error_estimate=False)
    for engine in ("auto", "full"):
        assert integrate(p, dps=15, t_end=1, engine=engine, error_estimate=False).engine == "full"
    assert integrate_full(p, dps=15, t_end=1, error_estimate=False).engine == "full"
    with pytest.raises(UnsupportedLoss):
        integrate_reduced(p, dps=15, t_end=1)
    with pytest.raises(UnsupportedLoss):
        integrate_float64(p, t_end=1)


def test_the_result_records_its_loss_and_old_files_read_as_square(tmp_path, capsys):
    p = _problem_file(tmp_path)
    out = tmp_path / "r.json"
    assert main(["simulate", str(p), "--out", str(out), *QUICK]) == 0, capsys.readouterr().err
    doc = load_result(out)
    assert doc["loss"] == "square" and result_loss(doc) == "square"
    old = {k: v for k, v in doc.items() if k != "loss"}  # a file written before the key existed
    assert result_loss(parse_result(old)) == "square"
    for bad in ("hinge", 1, ["square"], None):
        with pytest.raises(SchemaError, match="loss"):
            parse_result(dict(doc, loss=bad))
