"""The JSON Schema files of the formats: valid schemas, shipped in the installed package, and
satisfied by the real documents (the shipped problems, generated problems, a result file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given

from gfcheck.cli import main
from gfcheck.symbolic.formats import SCHEMA_FILES, json_schema
from gfcheck.symbolic.problem import problem_to_json

from strategies import valid_problems

jsonschema = pytest.importorskip("jsonschema")
ROOT = Path(__file__).resolve().parent.parent


def _validator(name):
    schema = json_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(name, doc):
    return [e.message for e in _validator(name).iter_errors(doc)]


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_the_schemas_are_valid_and_installed(name):
    import gfcheck.symbolic

    installed = Path(gfcheck.symbolic.__file__).parent / "schemas" / SCHEMA_FILES[name]
    assert json.loads(installed.read_text()) == json_schema(name)
    _validator(name)


def test_the_shipped_problem_files_satisfy_the_schema():
    files = sorted((ROOT / "tests" / "data").glob("*.problem.json")) + \
        [ROOT / "proofs_check" / "suites" / "orthogonal" / "data" / "default.problem.json"]
    for p in files:
        assert _errors("problem", json.loads(p.read_text())) == [], p


@given(valid_problems())
def test_every_problem_gfcheck_writes_satisfies_the_schema(problem):
    assert _errors("problem", problem_to_json(problem)) == []


def test_a_result_file_satisfies_the_schema(tmp_path):
    out = tmp_path / "r.json"
    assert main(["simulate", str(ROOT / "tests" / "data" / "reference-m8.problem.json"), "--out", str(out),
                 "--t-end", "5", "--dps", "15", "--grid", "4", "-q"]) == 0
    assert _errors("result", json.loads(out.read_text())) == []


@pytest.mark.parametrize("name, doc", [
    ("problem", {"schema": "gfcheck.problem/1", "inputs": [[1, 0]], "labels": ["1"], "width": 1,
                 "init": {"scale": "1e-3", "seed": 0}}),
    ("problem", {"schema": "gfcheck.problem/1", "inputs": [["1"]], "labels": ["1"], "width": 1,
                 "init": {"scale": "1e-3", "seed": 0, "signs": [1]}}),
    ("problem", {"schema": "gfcheck.problem/1", "inputs": [["1"]], "labels": ["1"], "width": 1,
                 "init": {"scale": "1e-3", "seed": 0}, "extra": 1}),
    ("result", {"schema": "gfcheck.result/1"}),
])
def test_the_schemas_refuse_what_the_reader_refuses(name, doc):
    assert _errors(name, doc)
