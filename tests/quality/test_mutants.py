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
    finishes, then probed (INERT or ACTIVE here); a second run finds them and runs nothing; the
    matrix reads them back, and a claim the budget kept from finishing is a B cell (not a crash).
    (Kills are the harness tests' matter.)"""
    kw = dict(problems=["default"], max_time=1, jobs=2, log=io.StringIO(), suite="orthogonal")
    ids = ["orthogonality", "invariants"]
    assert M.run_cells(tmp_path, ["lost-perp"], ids, **kw) == {"ran": 2, "skipped": 0, "probed": 1}
    cell = json.loads(M.cell_path(tmp_path, "orthogonal", "default", "lost-perp").read_text())
    assert cell["mutant"] == "lost-perp" and cell["status"] == "ok" and set(cell["records"]) == set(ids)
    # the inert probe is in the cell: W without P_perp w_j(0) changes the final state
    assert cell["probe"]["verdict"] == "ACTIVE" and cell["probe"]["differs"], cell["probe"]
    assert M.run_cells(tmp_path, ["lost-perp"], ids, **kw) == {"ran": 0, "skipped": 2, "probed": 0}
    table = M.matrix(tmp_path)
    row = next(line for line in table.splitlines() if line.startswith("| lost-perp |"))
    assert "problem default" in table and "B cut by the whole-run budget" in table, table
    # a second is spent before the ladder is ready: the claims are cut, and a cut is no kill
    assert row.split(" | ")[2] == "B" and "**NO**" in row, table


_CELLS = Path(__file__).resolve().parents[2] / "benchmarks" / "mutation-cells"


@pytest.fixture(scope="module")
def logistic_problem():
    """Generated problem 0003: logistic loss, no negative survivor (so nothing slides out)."""
    from gfcheck.symbolic.problem import load_problem

    return load_problem(_CELLS / "problems" / "0003-separable-no-pinned.problem.json")


def test_a_mutant_of_the_exponential_series_is_inert_on_a_logistic_problem(logistic_problem):
    """``exp-series-sign`` edits the exponential loss's series only: on a logistic problem the
    probe (both ends of the ladder, to the suite's horizon) finds the flow bit-identical: INERT.
    Twin: ``logistic-series-factor`` on the same problem changes the events and the final state:
    ACTIVE, with the parts named."""
    cache = {}
    inert = M.inert_probe("exp-series-sign", logistic_problem, "separable", cache)
    assert inert["verdict"] == "INERT" and not inert["differs"], inert
    assert inert["runs"] == ["full 1e-4 to t = 248", "full 1e-16 to t = 630"], inert["runs"]
    active = M.inert_probe("logistic-series-factor", logistic_problem, "separable", cache)
    assert active["verdict"] == "ACTIVE", active
    assert active["differs"] == [f"{run}: events, final, samples" for run in active["runs"]], active


def test_the_probe_sees_the_samples_and_the_watches():
    """``stale-samples`` (the dense output lost) and ``watch-normalisation`` (a watch compared with n L)
    change neither the events nor the final state; the claims caught both on the default problem while
    a probe of events and final state said INERT (a contradiction in the matrix, 2026-12-06).  The probe
    now reads 16 samples and a half-loss watch too: both ACTIVE, on exactly that part.  Twin: an
    engine mutant of another engine (float64) leaves the reduced runs' signatures alone."""
    from gfcheck.proofs_check.core import registry

    problem = registry.suite("orthogonal").default_problem()
    cache = {}
    samples = M.inert_probe("stale-samples", problem, "orthogonal", cache)
    assert samples["verdict"] == "ACTIVE" and all(d.endswith(": samples") for d in samples["differs"]), samples
    watches = M.inert_probe("watch-normalisation", problem, "orthogonal", cache)
    assert watches["verdict"] == "ACTIVE" and all(d.endswith(": crossings") for d in watches["differs"]), watches
    from fractions import Fraction

    from gfcheck.proofs_check.core.context import with_scale

    e, T = M.probe_rungs(problem, "orthogonal")[0]
    run = f"reduced 1e-{e} to t = {T}"
    with M.MUTANTS["f64-step-e1"]():
        assert cache[run] == M.flow_signature(with_scale(problem, Fraction(1, 10 ** e)), "reduced", T)


def test_the_probe_reads_the_exact_constants_for_a_prediction_mutant(tmp_path):
    """A mutant of the separable predictions is probed on the problem's exact constants (no
    integration); ``probe_cells`` writes the probe into a cell that has none and leaves a probed
    cell alone.  Twin: the unmutated constants against themselves are INERT."""
    path = M.cell_path(tmp_path, "separable", "default", "sep-gamma-factor")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"mutant": "sep-gamma-factor", "records": {}}))
    assert M.probe_cells(tmp_path, "separable", ["default"], ["sep-gamma-factor"], log=io.StringIO()) == 1
    probe = json.loads(path.read_text())["probe"]
    assert probe["verdict"] == "ACTIVE" and probe["differs"] == ["constants: constants"], probe
    assert M.probe_cells(tmp_path, "separable", ["default"], ["sep-gamma-factor"], log=io.StringIO()) == 0
    from gfcheck.proofs_check.core import registry

    problem = registry.suite("separable").default_problem()
    same = M.flow_signature(problem, "constants")
    assert "constants" in same and M.signature_difference(same, M.flow_signature(problem, "constants")) == []


def test_the_matrix_tells_inert_from_a_gap():
    """Not caught + probe INERT: ``i`` cells and 'inert'; not caught + probe ACTIVE: a gap, its
    cells stay ``.``; caught + probe INERT is flagged as a contradiction of the probe rule."""
    ids = ["a", "b"]
    base = {**_run({"a": "VERIFIED", "b": "VERIFIED"}), "seconds": 1}
    base.update(M.judge(ids, base))

    def row(probe, verdicts):
        run = {**_run(verdicts), "seconds": 1, "probe": {"verdict": probe}}
        return {**run, **M.judge(ids, run, base["verdicts"])}

    mutants = {"inert-one": row("INERT", {"a": "VERIFIED", "b": "VERIFIED"}),
               "gap-one": row("ACTIVE", {"a": "VERIFIED", "b": "VERIFIED"}),
               "odd-one": row("INERT", {"a": "REFUTED", "b": "VERIFIED"})}
    report = {"claims": ids, "baseline": base, "baseline_ok": True, "mutant_order": list(mutants),
              "mutants": mutants}
    table = M.markdown(report)
    lines = {line.split(" | ")[0][2:]: line for line in table.splitlines() if line.startswith("| ")}
    assert lines["inert-one"].startswith("| inert-one | i | i | inert"), table
    assert lines["gap-one"].startswith("| gap-one | . | . | **NO** (ACTIVE: a gap)"), table
    assert "**but probe INERT**" in lines["odd-one"], table
    assert [M.standing(mutants[m]) for m in mutants] == ["inert", "gap", "contradiction"]
    assert "inert here (cannot be caught): 1 (inert-one)" in table and "gaps): 1 (gap-one)" in table, table


def test_an_active_mutant_the_budget_kept_from_some_claims_is_no_gap():
    """ACTIVE and not caught while the whole-run budget cut a claim (in the mutant's run or the
    baseline's) is ``cut``: undecided, not a gap.  Twin: the same run with every claim finished
    is a gap."""
    ids = ["a", "b"]
    base = M.judge(ids, _run({"a": "VERIFIED", "b": "VERIFIED"}))["verdicts"]
    cut = M._judged(ids, {**_run({"a": "VERIFIED", "b": "UNDECIDED"}, stopped=("b",)),
                          "probe": {"verdict": "ACTIVE"}}, base)
    assert cut["cut"] == ["b"] and M.standing(cut) == "cut", cut
    base_cut = M.judge(ids, _run({"a": "VERIFIED", "b": "UNDECIDED"}, stopped=("b",)))["verdicts"]
    also = M._judged(ids, {**_run({"a": "VERIFIED", "b": "VERIFIED"}), "probe": {"verdict": "ACTIVE"}}, base_cut)
    assert also["cut"] == ["b"] and M.standing(also) == "cut", also
    gap = M._judged(ids, {**_run({"a": "VERIFIED", "b": "VERIFIED"}), "probe": {"verdict": "ACTIVE"}}, base)
    assert gap["cut"] == [] and M.standing(gap) == "gap", gap
