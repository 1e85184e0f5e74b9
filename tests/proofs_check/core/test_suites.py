"""Suites: the registry holds papers; a suite that lives in the tests plugs in without touching
the ``orthogonal`` suite's files (``tests/toy_suite/``, registered here at run time; its entry point
is tested in ``tests/toy_suite/test_plugin.py``)."""

from __future__ import annotations

import json

import pytest
from toy_suite import claims as toy_claims
from toy_suite.suite import SUITE as TOY

from gfcheck.cli import main
from gfcheck.proofs_check.core.registry import Suite, claims, register, register_suite, suite, suites
from gfcheck.proofs_check.core.verdicts import Claim
from gfcheck.symbolic.errors import InvalidInput, SchemaError


@pytest.fixture(autouse=True)
def _toy():
    register_suite(TOY)
    claims(TOY.name)  # registers its claims


def test_the_default_suite_is_the_first_paper_with_its_eighteen_items():
    names = [s.name for s in suites()]
    assert names[0] == "orthogonal" and "toy" in names
    assert [c.number for c in claims()] == list(range(1, 20))
    assert all(c.suite == "orthogonal" for c in claims())


def test_a_suite_in_the_tests_runs_end_to_end_with_its_negative_twin(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["verify", "--suite", "toy", "--only", "logistic-fit", "--out", str(out)]) == 0
    doc = json.loads((out / "report.json").read_text())
    assert doc["suite"] == "toy" and [c["id"] for c in doc["claims"]] == ["logistic-fit"]
    assert doc["claims"][0]["verdict"] == "VERIFIED" and doc["claims"][0]["twin"]["verdict"] == "REFUTED"
    assert "Suite `toy`" in (out / "report.md").read_text()
    assert "--suite toy" in doc["provenance"]["command"]


def test_list_shows_every_suite_and_its_claims(capsys):
    assert main(["verify", "--list"]) == 0
    out = capsys.readouterr().out
    assert "orthogonal:" in out and "toy:" in out and "logistic-fit" in out and "relu-prime-convention" in out


def test_an_unknown_suite_is_one_line_exit_2(tmp_path, capsys):
    assert main(["verify", "--suite", "nonesuch", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown suite 'nonesuch'" in err and "orthogonal" in err
    assert not (tmp_path / "r").exists()


def test_claims_are_unique_per_suite_and_numbered_within_it():
    c = toy_claims.CLAIMS[0]
    with pytest.raises(InvalidInput, match="duplicate claim id"):
        register(c)
    with pytest.raises(InvalidInput, match="duplicate item number"):
        register(Claim(**{**c.__dict__, "id": "another"}))
    # the same id in another suite is another claim; numbers are not capped at 18
    assert Claim(**{**c.__dict__, "suite": "elsewhere", "number": 40}).number == 40
    with pytest.raises(InvalidInput, match="positive integer"):
        Claim(**{**c.__dict__, "number": 0})
    with pytest.raises(SchemaError):
        suite("nonesuch")
    with pytest.raises(InvalidInput):
        type(TOY)(name="x", title="", model="m", notes="n")
    with pytest.raises(TypeError, match="abstract"):
        Suite(name="x", title="t", model="m", notes="n")
