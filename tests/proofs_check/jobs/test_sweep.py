"""``gfcheck sweep``: the same results on a Dask cluster as on the process pool; an interrupted
sweep resumes to the same files as an uninterrupted one; a finished sweep reruns nothing;
aggregates come from the result files alone."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gfcheck.cli import main
from gfcheck.proofs_check.jobs.sweep import (RESULTS_DIR, aggregate, expand, parse_grid, run_sweep,
                                        task_key)
from gfcheck.proofs_check.suites.orthogonal.dataset import rows as dataset

GRID = {"task": "simulate", "n": [2], "m": [2, 4], "scale": ["1e-3"], "seeds": 2, "dps": [20]}


def _files(out):
    return {p.name: p.read_bytes() for p in sorted((out / RESULTS_DIR).glob("*.json"))}


@pytest.fixture(scope="module")
def pool_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pool")
    counts = run_sweep(parse_grid(GRID), out, jobs=2)
    assert counts == {"tasks": 4, "skipped": 0, "ran": 4, "errors": 0}
    return out


def test_dask_local_cluster_gives_the_process_pool_results(pool_run, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        counts = run_sweep(parse_grid(GRID), tmp_path, executor=client.get_executor(pure=False))
    assert counts["ran"] == 4
    assert _files(tmp_path) == _files(pool_run)
    assert (tmp_path / "summary.json").read_bytes() == (pool_run / "summary.json").read_bytes()


def test_an_interrupted_sweep_resumes_to_the_same_results(pool_run, tmp_path):
    seen = []

    def interrupt(params, doc):
        seen.append(params)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with ThreadPoolExecutor(max_workers=1) as ex, pytest.raises(KeyboardInterrupt):
        run_sweep(parse_grid(GRID), tmp_path, executor=ex, window=1, on_result=interrupt)
    assert len(_files(tmp_path)) == 2  # whole files only, nothing half-written
    assert not [p for p in (tmp_path / RESULTS_DIR).iterdir() if p.suffix != ".json"]
    with ThreadPoolExecutor(max_workers=1) as ex:
        counts = run_sweep(parse_grid(GRID), tmp_path, executor=ex)
    assert counts == {"tasks": 4, "skipped": 2, "ran": 2, "errors": 0}
    assert _files(tmp_path) == _files(pool_run)


class _Refuses:
    def submit(self, *a, **k):  # pragma: no cover - must not be called
        raise AssertionError("a finished sweep must rerun nothing")


def test_a_finished_sweep_reruns_nothing_and_aggregates_from_the_files(pool_run):
    before = (pool_run / "summary.md").read_bytes()
    counts = run_sweep(parse_grid(GRID), pool_run, executor=_Refuses())
    assert counts["ran"] == 0 and counts["skipped"] == 4
    summary = aggregate(pool_run)
    assert (pool_run / "summary.md").read_bytes() == before
    assert [(c["m"], c["runs"]) for c in summary["cells"]] == [(2, 2), (4, 2)]
    assert "reached_min_norm.png" in summary["figures"]


def test_task_files_are_named_by_the_hash_of_their_parameters(pool_run):
    for t in expand(parse_grid(GRID)):
        doc = json.loads((pool_run / RESULTS_DIR / f"{task_key(t)}.json").read_text())
        assert doc["params"] == t and doc["key"] == task_key(t)


def test_the_cli_sweep_and_aggregate(tmp_path, capsys):
    grid = tmp_path / "g.toml"
    grid.write_text('task = "simulate"\nn = [1]\nm = [2]\nscale = ["1e-2"]\nseeds = [5]\ndps = [20]\n')
    assert main(["sweep", str(grid), "--out", str(tmp_path / "s"), "--jobs", "1", "-q"]) == 0
    out = capsys.readouterr()
    assert "| simulate | 1 | 1 | 2 | 1e-2 | 20 | 1 |" in out.out and out.err == ""
    assert main(["aggregate", str(tmp_path / "s"), "-q"]) == 0


@pytest.mark.parametrize("text, words", [
    ('n = [2]\nm = [2]\n', "scale"),
    ('n = [2]\nm = [2]\nscale = [1e-3]\n', "JSON string"),
    ('n = [2]\nm = [0]\nscale = ["1e-3"]\n', "grid m"),
    ('task = "train"\nn = [2]\nm = [2]\nscale = ["1e-3"]\n', "task"),
    ('n = [2]\nm = [2]\nscale = ["1e-3"]\nwidth = 3\n', "unknown key"),
    ('n = [2]\nm = [2]\nscale = ["1e-3"\n', "TOML"),
])
def test_a_bad_grid_is_one_line_exit_2(tmp_path, capsys, text, words):
    grid = tmp_path / "g.toml"
    grid.write_text(text)
    status = main(["sweep", str(grid), "--out", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and words in err and "Traceback" not in err, err
    assert not (tmp_path / "s").exists()


def test_an_unreachable_scheduler_is_one_line_exit_2(tmp_path, capsys):
    pytest.importorskip("distributed")
    grid = tmp_path / "g.json"
    grid.write_text(json.dumps({"n": [1], "m": [1], "scale": ["1e-2"]}))
    status = main(["sweep", str(grid), "--out", str(tmp_path / "s"), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert status == 2 and err.count("\n") == 1 and "Dask scheduler" in err, err


@given(st.integers(0, 2**32), st.integers(1, 5), st.integers(0, 2))
def test_a_seed_draws_an_exactly_orthogonal_dataset(seed, n, extra):
    X, y = dataset(seed, n, n + extra)
    assert all(isinstance(v, Fraction) for row in X for v in row) and all(yk != 0 for yk in y)
    for k in range(n):
        assert any(X[k])
        for l in range(k + 1, n):
            assert sum(a * b for a, b in zip(X[k], X[l])) == 0
    assert dataset(seed, n, n + extra) == (X, y)


def test_a_verify_cell_counts_verdicts_not_fits(tmp_path):
    """A verify task has no fit: its cell counts the verdicts of its claims over its runs (the
    summary said "fitted 0/1, reached min-norm 0/1", which read as a failure)."""
    from gfcheck.proofs_check.jobs.sweep import SWEEP_SCHEMA

    (tmp_path / RESULTS_DIR).mkdir()
    base = {"n": 2, "d": 2, "m": 4, "scale": "1e-3", "dps": 20, "profile": "quick"}
    outcomes = [{"orthogonality": "VERIFIED", "escape-slope": "UNDECIDED"},
                {"orthogonality": "VERIFIED", "escape-slope": "VERIFIED"}]
    for seed, claims in enumerate(outcomes):
        params = {**base, "task": "verify", "seed": seed, "claims": sorted(claims)}
        doc = {"schema": SWEEP_SCHEMA, "key": task_key(params), "params": params,
               "outcome": {"claims": {c: {"verdict": v, "residual": "0", "tolerance": "0"}
                                      for c, v in claims.items()}}}
        (tmp_path / RESULTS_DIR / f"{doc['key']}.json").write_text(json.dumps(doc))
    summary = aggregate(tmp_path)
    (cell,) = summary["cells"]
    assert cell["runs"] == 2 and cell["verdicts"] == {"VERIFIED": 3, "UNDECIDED": 1}
    assert "fitted" not in cell and "reached_min_norm" not in cell
    md = (tmp_path / "summary.md").read_text()
    assert "| verify | 2 | 2 | 4 | 1e-3 | 20 | 2 | 0 | 3 | 0 | 0 | 1 |" in md
    assert "fitted" not in md and "min-norm" not in md


def test_a_separable_grid_draws_the_suites_own_problems():
    """``suite = "separable"``: the tasks' problems come from that suite's ``dataset`` (copies of two
    unit inputs, (A1) by construction), the sizes its generator makes (twins: sizes it cannot make
    are refused before any task, as are the orthogonal suite's)."""
    from gfcheck.proofs_check.jobs.sweep import problem_of
    from gfcheck.proofs_check.suites.separable.context import SepContext
    from gfcheck.symbolic.errors import SchemaError

    g = parse_grid({"task": "simulate", "suite": "separable", "n": [6, 9], "d": [2, 3], "m": [8],
                    "scale": ["1e-4"], "seeds": 3})
    for t in expand(g):
        p = problem_of(t)
        assert (p.n, p.d, p.width) == (t["n"], t["d"], 8) and p.loss in ("exponential", "logistic")
        data = SepContext(p, "quick").data
        assert not isinstance(data, tuple) and data.a1, t  # a separable problem of the model, (A1) holding
        assert SepContext(p, "quick").no_escape() is None, t  # a positive neuron on x_+: the phases happen
    with pytest.raises(SchemaError, match="separable dataset: n = 2"):
        parse_grid({"suite": "separable", "n": [2], "d": [2], "m": [8], "scale": ["1e-4"]})
    with pytest.raises(SchemaError, match="orthogonal rows need d >= n"):
        parse_grid({"n": [3], "d": [2], "m": [2], "scale": ["1e-4"]})
