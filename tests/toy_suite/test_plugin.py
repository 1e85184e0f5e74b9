"""A third suite costs one folder (issue 26 item 4): the toy suite, installed by nothing but a
``*.dist-info`` folder with its entry point, runs through ``gfcheck verify``, ``derive``, ``sweep``
and ``artifact`` in a subprocess; no file outside ``tests/toy_suite/`` names it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent


@pytest.fixture(scope="module")
def plugin(tmp_path_factory):
    """``run(*args) -> CompletedProcess`` of ``python -m gfcheck`` with the toy suite installed by
    its entry point alone: a minimal ``gfcheck_toy_suite-0.dist-info`` and the package on PYTHONPATH."""
    site = tmp_path_factory.mktemp("site")
    info = site / "gfcheck_toy_suite-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: gfcheck-toy-suite\nVersion: 0\n")
    (info / "entry_points.txt").write_text("[gfcheck.suites]\ntoy = toy_suite.suite:SUITE\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(TESTS)])}
    work = tmp_path_factory.mktemp("work")

    def run(*args, cwd=None):
        return subprocess.run([sys.executable, "-m", "gfcheck", *args, "-q"], cwd=cwd or work, env=env,
                              capture_output=True, text=True, timeout=600)

    run.work, run.site = work, site
    return run


def test_list_shows_the_toy_suite_from_its_entry_point(plugin):
    out = plugin("verify", "--list")
    assert out.returncode == 0, out.stderr
    assert "toy: a one-neuron toy" in out.stdout and "logistic-fit" in out.stdout and "wrong-rate" in out.stdout


def test_verify_verifies_the_toy_claim_and_refutes_its_false_twin(plugin):
    out = plugin("verify", "--suite", "toy", "--profile", "toy", "--out", "report")
    assert out.returncode == 1, out.stderr  # a REFUTED claim: exit 1 (docs/cli.md)
    doc = json.loads((plugin.work / "report" / "report.json").read_text())
    verdicts = {c["id"]: (c["verdict"], c["twin"]["verdict"]) for c in doc["claims"]}
    assert verdicts == {"logistic-fit": ("VERIFIED", "REFUTED"), "wrong-rate": ("REFUTED", "REFUTED")}
    assert doc["suite"] == "toy" and doc["provenance"]["profile"] == "toy" and doc["toy"] == {"c": "2", "y": "3/2"}
    assert doc["figures"] == ["toy_fit.png"] and (plugin.work / "report" / "toy_fit.png").is_file()
    md = (plugin.work / "report" / "report.md").read_text()
    assert "## The toy" in md and "![toy_fit.png](toy_fit.png)" in md
    assert (plugin.work / "report" / "reproduce" / "wrong-rate.problem.json").is_file()


def test_a_profile_no_installed_suite_offers_is_refused(plugin):
    out = plugin("verify", "--suite", "toy", "--profile", "slow", "--out", "r2")
    assert out.returncode == 2 and "invalid choice: 'slow'" in out.stderr and "'toy'" in out.stderr


def test_derive_writes_the_toy_derivation_into_its_own_folder(plugin):
    out = plugin("derive", "--suite", "toy", "--out", "derivations")
    assert out.returncode == 0, out.stderr
    root = plugin.work / "derivations"
    assert sorted(p.name for p in root.iterdir()) == ["toy"]
    manifest = json.loads((root / "toy" / "manifest.json").read_text())
    assert manifest["verdicts"] == {"logistic": "PROVED", "logistic__twin_rate": "REFUTED"}
    assert (root / "toy" / "tex" / "logistic.tex").is_file()


def test_sweep_runs_the_toy_claim_on_the_toy_datasets(plugin):
    grid = plugin.work / "toy.grid.json"
    grid.write_text(json.dumps({"task": "verify", "suite": "toy", "n": [1], "m": [1], "scale": ["1/100", "1/1000"],
                                "seeds": 2, "claims": ["logistic-fit"]}))
    out = plugin("sweep", str(grid), "--out", "sweep", "--jobs", "1")
    assert out.returncode == 0, out.stderr
    docs = [json.loads(p.read_text()) for p in sorted((plugin.work / "sweep" / "results").glob("*.json"))]
    assert len(docs) == 4 and all("error" not in d for d in docs), docs
    assert {d["params"]["suite"] for d in docs} == {"toy"} and {d["params"]["profile"] for d in docs} == {"toy"}
    assert {d["outcome"]["claims"]["logistic-fit"]["verdict"] for d in docs} == {"VERIFIED"}
    assert len({d["problem_sha256"] for d in docs}) == 4


def test_artifact_bundles_the_toy_suite(plugin):
    # from the source checkout, as a user builds an artifact (a regular install finds it there)
    out = plugin("artifact", "--suite", "toy", "--out", str(plugin.work / "artifact"), cwd=REPO)
    assert out.returncode == 1, out.stderr  # not every claim VERIFIED (wrong-rate is REFUTED, as it must be)
    bundle = plugin.work / "artifact" / "gfcheck-artifact"
    claims = json.loads((bundle / "claims.json").read_text())
    assert {c["id"]: c["verdict"] for c in claims["claims"]} == {"logistic-fit": "VERIFIED", "wrong-rate": "REFUTED"}
    assert claims["profile"] == "toy" and all("--profile toy" in c["command"] for c in claims["claims"])
    for must in ("derivations/toy/manifest.json", "report/report.json", "report/toy_fit.png",
                 "problems/toy.default.problem.json"):
        assert (bundle / must).is_file(), must
    assert not (bundle / "derivations" / "orthogonal").exists()


def _code_words(source: str) -> set:
    """The string constants (docstrings and other bare strings left out) and names of ``source``."""
    import ast

    tree = ast.parse(source)
    bare = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    words = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
             and id(n) not in bare}
    return words | {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | \
        {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}


def test_no_file_outside_the_toy_folder_names_the_toy_suite():
    """Adding the suite took this folder alone: no code of the packages and no line of pyproject.toml
    names it (a docstring may point here as the example of a suite in one folder)."""
    offenders = [p.relative_to(REPO).as_posix() for folder in ("symbolic", "numeric", "proofs_check", "gfcheck_main")
                 for p in sorted((REPO / folder).rglob("*.py"))
                 if any("toy" in w for w in _code_words(p.read_text()))]
    offenders += [p for p in ("pyproject.toml",) if "toy" in (REPO / p).read_text()]
    assert offenders == []
    assert any("toy" in w for w in _code_words('x = "toy_suite.suite:SUITE"'))  # the negative twin
    assert not _code_words('"""the toy suite"""')


def test_the_census_runs_the_toy_suite_from_its_own_dataset(plugin):
    """``census.py generate --dataset toy:...`` draws from ``Suite.dataset`` and runs at the suite's
    own profile; no line of the census names the toy suite (twin: a malformed --dataset is refused)."""
    census = [sys.executable, str(REPO / "benchmarks" / "census.py")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin.site), str(TESTS)])}
    d = plugin.work / "census"

    def run(*args):
        return subprocess.run([*census, *args], cwd=plugin.work, env=env, capture_output=True, text=True, timeout=600)

    out = run("generate", "--out", str(d), "--orthogonal", "0", "--separable", "0", "--dataset", "toy:2:1,1,1,1/100")
    assert out.returncode == 0, out.stderr
    manifest = json.loads((d / "manifest.json").read_text())
    assert [(e["suite"], e["class"], e["profile"]) for e in manifest["problems"]] == [("toy", "dataset", "toy")] * 2
    out = run("run", str(d))
    assert out.returncode == 0, out.stderr
    for pid in ("0000", "0001"):
        doc = json.loads((d / "results" / f"{pid}.json").read_text())
        assert {k: v["verdict"] for k, v in doc["claims"].items()} == {"logistic-fit": "VERIFIED",
                                                                       "wrong-rate": "REFUTED"}
        assert doc["max_time"] == 120  # the toy profile's own whole-run budget
    out = run("report", str(d))
    assert out.returncode == 0 and "--dataset toy:2:1,1,1,1/100" in out.stdout
    bad = run("generate", "--out", str(d / "x"), "--dataset", "toy:two")
    assert bad.returncode == 2 and "--dataset: expected SUITE:COUNT:n,d,m,scale" in bad.stderr
