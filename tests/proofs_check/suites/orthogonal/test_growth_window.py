"""Claim 7's window ends at the first half fit of a group the neuron feels (docs/suites/orthogonal.md 9.7).

Census 0030 (one-signed labels, d = n = 7, m = 27): a positive neuron lingered near its invariant
line on a negative point; its last exit in the early phase's closed form (t = 249.6) came after
the negative group's half fit (t = 190 at lambda = 1e-100). With no positive group, the window was
cut at the run's end, where the neuron's ``a_j`` still moved with the fitted residual, and
growth-rate was REFUTED on both engines. The same cause on two points: labels -1/100 and -1, the
small point of norm 1/5 (a slow settle, so a long horizon); neuron 1 is positive and starts close
to point 0's invariant line (direction (1, -1/2)): its closed-form exit is at t = 1443.6, after
the negative group's half fit (about 460 at lambda = 1e-100) and before 0.6 of the horizon.
"""

from __future__ import annotations

import json

import pytest

from gfcheck.cli import main
from gfcheck.proofs_check.suites.orthogonal import claims_asymptotic

PROBLEM = {"schema": "gfcheck.problem/1",
           "inputs": [["1/5", "0"], ["0", "1"]], "labels": ["-1/100", "-1"],
           "width": 2, "init": {"scale": "1/1000000", "directions": [["1", "1"], ["1", "-1/2"]],
                                "signs": [-1, 1]}}


def _growth_rate(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM))
    code = main(["verify", "--profile", "quick", "--problem", str(f), "--only", "growth-rate", "--no-figures",
                 "--out", str(tmp_path / "r"), "-q"])
    (claim,) = json.loads((tmp_path / "r" / "report.json").read_text())["claims"]
    return code, claim


def test_a_neuron_whose_exit_comes_after_the_escape_it_feels_is_not_judged(tmp_path):
    code, claim = _growth_rate(tmp_path)
    assert code == 0 and claim["verdict"] == "VERIFIED" and claim["twin"]["verdict"] == "REFUTED"
    # the main neuron is judged; the lingering one is not (its window is empty)
    assert set(claim["details"]["neurons"]) == {"0"}


def test_twin_the_window_of_the_own_group_alone_is_refuted(tmp_path, monkeypatch):
    """The old rule (the neuron's own group only; the run's end when it has none, on the whole
    ladder run through the settle, which the claim read then): the lingering neuron is judged
    after the fit it feels, and the claim is REFUTED naming it."""
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    def own_group_only(ctx, j, half):
        return half.get(ctx.problem.signs[j])

    monkeypatch.setattr(claims_asymptotic, "early_end", own_group_only)
    monkeypatch.setattr(Context, "escape_run", Context.ladder_run)
    code, claim = _growth_rate(tmp_path)
    assert code == 1 and claim["verdict"] == "REFUTED"
    assert "neuron 1 (dead)" in claim["measurement"]


@pytest.mark.parametrize("half, expected", [({1: 300, -1: 190}, 190), ({1: 120, -1: 190}, 120),
                                            ({1: None, -1: 190}, 190), ({1: None, -1: None}, None)])
def test_early_end_is_the_first_half_fit_among_the_groups_felt(half, expected):
    from types import SimpleNamespace as N

    # neuron 0 is positive and active on point 0 (negative label) in its early phase
    ctx = N(problem=N(labels=(-1, 1), signs=(1,)), early_phase=N(segments=[[N(active=frozenset({0}))]]))
    assert claims_asymptotic.early_end(ctx, 0, half) == expected
