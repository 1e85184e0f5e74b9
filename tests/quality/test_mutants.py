"""The mutation harness (benchmarks/mutants.py): every planted engine bug must be caught.

* fast: each mutant really changes a short ``integrate`` run of the built-in example (on every
  engine it patches) and leaves the engines exactly as they were when its block exits;
* slow: the claim suite (``verify``, quick profile) catches every mutant -- a claim that
  measures the flow is not VERIFIED under it -- while the unmutated baseline is all VERIFIED.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import settings

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "mutants.py"


def _load():
    name = "gfcheck_benchmarks_mutants"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


M = _load()


_PROBES = sorted({e for m in M.MUTANTS.values() for e in m.engines})


@pytest.fixture(scope="module")
def baseline():
    return {e: M.probe_signature(e) for e in _PROBES}


def test_there_are_at_least_ten_named_mutants():
    assert len(M.MUTANTS) >= 10
    for m in M.MUTANTS.values():
        assert m.name and m.description and m.patches and m.engines


@pytest.mark.parametrize("name", list(M.MUTANTS))
def test_mutant_changes_the_engine_and_is_undone(name, baseline):
    mutant = M.MUTANTS[name]
    with mutant():
        mutated = {e: M.mutated_signature(e) for e in mutant.engines}
    for engine, sig in mutated.items():
        assert M.signature_difference(baseline[engine], sig), \
            f"mutant {name!r} does not change the {engine} engine's output: a bad mutant"
    # the engines are restored: the unmutated runs are identical to the first ones
    for engine in mutant.engines:
        assert M.probe_signature(engine) == baseline[engine], \
            f"mutant {name!r} left the {engine} engine changed after its block"


def test_a_stale_source_edit_is_refused():
    from gfcheck.numeric import _reduced

    with pytest.raises(M.MutantError):
        with M.patch_source(_reduced.weights_from, [("this text is not in the source", None, "x")]):
            pass


@pytest.mark.slow
def test_ci_slice_a_stalling_sliding_rule_is_caught_by_the_watchdog():
    """The CI slice of the harness: the Filippov sign flip (before the watchdog it ran the
    separable suite past 900 s) against the suite's first claim, baseline included."""
    report = M.run_harness(["slide-matrix-sign"], ["invariant"], timeout=600, jobs=2, suite="separable")
    assert report["baseline_ok"], f"unmutated baseline not all VERIFIED: {report['baseline']['verdicts']}"
    r = report["mutants"]["slide-matrix-sign"]
    assert r["caught"] and r["verdicts"]["invariant"] in ("REFUTED", "collapse"), M.markdown(report)


@pytest.mark.slow
@pytest.mark.skipif(settings._current_profile != "thorough",
                    reason="the whole harness (a verify per mutant and suite, 30-60 min on 2 cores) runs under "
                           "HYPOTHESIS_PROFILE=thorough")
@pytest.mark.parametrize("suite", ["orthogonal", "separable"])
def test_the_claim_suite_catches_every_mutant(tmp_path, suite):
    report = M.run_harness(timeout=600, jobs=2, suite=suite)
    (tmp_path / "mutants.md").write_text(M.markdown(report))
    assert report["baseline_ok"], f"unmutated baseline not all VERIFIED: {report['baseline']['verdicts']}"
    survivors = {m: r["verdicts"] for m, r in report["mutants"].items() if not r["caught"]}
    assert not survivors, "mutants not caught by any flow claim:\n" + M.markdown(report)


def _run(verdicts, status="ok", stopped=()):
    return {"status": status, "records": {c: {"verdict": v, **({"stopped": "budget"} if c in stopped else {})}
                                          for c, v in verdicts.items()}}


def test_only_claims_verified_on_the_baseline_can_catch_and_a_budget_cut_is_no_kill():
    """On a generated problem some claims are OUTSIDE or UNDECIDED unmutated: they cannot catch a
    mutant there; a claim the whole-run budget cut measured nothing (cell B). Twin: the same
    non-VERIFIED cell on a claim VERIFIED unmutated is a kill."""
    ids = ["a", "b", "c"]
    base = M.judge(ids, _run({"a": "VERIFIED", "b": "OUTSIDE_ASSUMPTIONS", "c": "VERIFIED"}))["verdicts"]
    mut = _run({"a": "VERIFIED", "b": "UNDECIDED", "c": "UNDECIDED"}, stopped=("c",))
    j = M.judge(ids, mut, base)
    assert j["verdicts"]["c"] == "budget" and not j["caught"]
    twin = M.judge(ids, _run({"a": "REFUTED", "b": "OUTSIDE_ASSUMPTIONS", "c": "VERIFIED"}), base)
    assert twin["caught"] and twin["killing_claims"] == ["a"]


def test_cells_are_written_one_file_each_and_a_rerun_resumes(tmp_path):
    """``--results``: the baseline and each mutant on each problem is one file, written as it
    finishes; a second run finds them and runs nothing; the matrix reads them back, and a claim the
    budget kept from finishing is a B cell (not a crash).  (Kills are the harness tests' matter.)"""
    kw = dict(problems=["default"], max_time=1, jobs=2, log=io.StringIO(), suite="orthogonal")
    ids = ["orthogonality", "invariants"]
    assert M.run_cells(tmp_path, ["lost-perp"], ids, **kw) == {"ran": 2, "skipped": 0}
    cell = json.loads(M.cell_path(tmp_path, "orthogonal", "default", "lost-perp").read_text())
    assert cell["mutant"] == "lost-perp" and cell["status"] == "ok" and set(cell["records"]) == set(ids)
    assert M.run_cells(tmp_path, ["lost-perp"], ids, **kw) == {"ran": 0, "skipped": 2}
    table = M.matrix(tmp_path)
    row = next(line for line in table.splitlines() if line.startswith("| lost-perp |"))
    assert "problem default" in table and "B cut by the whole-run budget" in table, table
    # a second is spent before the ladder is ready: the claims are cut, and a cut is no kill
    assert row.split(" | ")[2] == "B" and "**NO**" in row, table
