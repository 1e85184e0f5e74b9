"""Claims on a problem with vanishing neurons (docs/suites/orthogonal.md 2.2, item 6; 9.17).

d = n = 3, x = (e1, 2 e2, e3), labels 1, 1/2, -1, explicit directions: neurons 3 and 5 are
negative and active on the two positive points only (and exactly 0 on the third): balanced and
in the span, they decay on their invariant lines (neuron 3 along the decaying mode of both
points, neuron 5 on point 1 alone after leaving point 0) and never leave them in finite time.
Before the rule every engine reported a deactivation at its rounding floor, and claims 3, 4, 7,
17 and 18 were REFUTED or crashed on these valid data.
"""

from __future__ import annotations

import json
import math

import pytest

from gfcheck.proofs_check.suites.orthogonal import claims_asymptotic
from gfcheck.cli import main

PROBLEM = {"schema": "gfcheck.problem/1",
           "inputs": [["1", "0", "0"], ["0", "2", "0"], ["0", "0", "1"]], "labels": ["1", "1/2", "-1"],
           "width": 6, "init": {"scale": "1/1000000",
                                "directions": [["1", "1", "-1"], ["2", "1", "-1"], ["-1", "-1", "1"],
                                               ["1", "1", "0"], ["1", "-1", "-1"], ["1", "2", "0"]],
                                "signs": [1, 1, -1, -1, 1, -1]}}
CLAIMS = "reduced-vs-full,invariants,growth-rate,relu-prime-convention,solver-hygiene"


def _verify(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM))
    code = main(["verify", "--profile", "quick", "--problem", str(f), "--only", CLAIMS, "--no-figures",
                 "--out", str(tmp_path / "r"), "-q"])
    return code, {c["id"]: c for c in json.loads((tmp_path / "r" / "report.json").read_text())["claims"]}


@pytest.mark.slow
def test_vanishing_neurons_are_predicted_and_every_claim_holds(tmp_path):
    code, claims = _verify(tmp_path)
    assert code == 0
    assert {c["verdict"] for c in claims.values()} == {"VERIFIED"}
    assert {c["twin"]["verdict"] for c in claims.values()} == {"REFUTED"}
    rows = claims["growth-rate"]["details"]["neurons"]
    # the rate of the last piece, -||D||/n: neuron 3 on both positive points (||D||^2 = 1 + 1),
    # neuron 5 on point 1 alone (||D|| = |y_1| ||x_1|| = 1); n = 3
    assert rows["3"]["kind"] == rows["5"]["kind"] == "vanishing"
    assert math.isclose(float(rows["3"]["predicted"]), -math.sqrt(2) / 3, rel_tol=1e-9)
    assert math.isclose(float(rows["5"]["predicted"]), -1 / 3, rel_tol=1e-9)


@pytest.mark.slow
def test_twin_without_the_vanishing_prediction_claim_7_is_refuted(tmp_path, monkeypatch):
    """The rule removed from the prediction (a vanishing neuron taken for dead, rate 0): refuted."""
    monkeypatch.setattr(claims_asymptotic, "_vanishing", lambda seg: False)
    code, claims = _verify(tmp_path)
    assert code == 1 and claims["growth-rate"]["verdict"] == "REFUTED"
