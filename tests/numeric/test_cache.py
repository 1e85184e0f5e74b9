"""numeric.cache: a run kept across commands is the run, exactly; a key that any input or the engines'
code changes; an entry that does not load is no entry; ``verify --cache`` reads what it kept, with
the same report."""

from __future__ import annotations

import json
from fractions import Fraction as F

import mpmath
import pytest

from gfcheck.numeric import LossWatch, integrate
from gfcheck.numeric import cache as cache_mod
from gfcheck.numeric.cache import RunCache, decode, encode, run_key
from gfcheck.symbolic.problem import Problem

PROBLEM = Problem(inputs=((F(1), F(0), F(0)), (F(0), F(2), F(0))), labels=(F(1), F(-1, 2)), width=2,
                  scale=F(1, 1000), directions=((F(1), F(1), F(1, 3)), (F(-1), F(1), F(1, 3))), signs=(1, -1))
KW = {"t_end": F(40), "times": (F(1), F(5), F(20)), "dps": 25, "error_estimate": True,
      "watches": (LossWatch("half", frozenset({0, 1}), F(5, 32)),)}


@pytest.fixture(scope="module")
def run():
    return integrate(PROBLEM, **KW)


def test_a_kept_run_is_the_run_exactly(run, tmp_path):
    cache = RunCache(tmp_path)
    assert cache.get(PROBLEM, KW) is None
    cache.put(PROBLEM, KW, run)
    kept = cache.get(PROBLEM, KW)
    assert run.events and run.crossings["half"] is not None  # the run has what is compared
    for name in ("engine", "precision", "samples", "final", "events", "crossings", "error_estimate", "steps",
                 "stats"):
        assert getattr(kept, name) == getattr(run, name), name
    assert kept.problem is PROBLEM
    # exact, not to the printed digits: every mpf keeps its mantissa
    assert [x._mpf_ for x in kept.final.a] == [x._mpf_ for x in run.final.a]


def test_the_key_follows_every_input_and_the_engines_code(monkeypatch, tmp_path, run):
    """Twin of the cache's use: a key that missed an input would hand one run for another."""
    cache = RunCache(tmp_path)
    cache.put(PROBLEM, KW, run)
    other_problem = Problem(**{**PROBLEM.__dict__, "labels": (F(1), F(-1, 3))})
    keys = {run_key(PROBLEM, KW), run_key(other_problem, KW), run_key(PROBLEM, {**KW, "dps": 26}),
            run_key(PROBLEM, {**KW, "times": (F(1), F(5), F(21))}),
            run_key(PROBLEM, {**KW, "watches": (LossWatch("half", frozenset({0}), F(5, 32)),)})}
    assert len(keys) == 5
    assert cache.get(other_problem, KW) is None and cache.get(PROBLEM, {**KW, "dps": 26}) is None
    monkeypatch.setattr(cache_mod, "code_hash", lambda: "another engine")
    assert cache.get(PROBLEM, KW) is None  # changed engines: nothing stale is read


def test_an_entry_that_does_not_load_is_no_entry(tmp_path, run):
    cache = RunCache(tmp_path)
    cache.put(PROBLEM, KW, run)
    (path,) = tmp_path.rglob("*.json.gz")
    path.write_bytes(path.read_bytes()[:40])  # torn
    assert cache.get(PROBLEM, KW) is None
    cache.put(PROBLEM, KW, run)  # replaced whole
    assert cache.get(PROBLEM, KW).final == run.final


def test_encode_refuses_what_it_cannot_give_back():
    with pytest.raises(TypeError):
        encode(object())
    v = {"t": (mpmath.mpf(-2) ** -300, float("inf")), "q": [F(7, 3), None, True, 0]}
    assert decode(json.loads(json.dumps(encode(v)))) == v


def test_verify_reads_what_it_kept_with_the_same_report(tmp_path):
    from gfcheck.proofs_check.jobs.verify import run_verify

    first, second, store = tmp_path / "r1", tmp_path / "r2", tmp_path / "cache"
    for out in (first, second):
        assert run_verify(out=str(out), only="reduced-vs-full", figures=False, cache=str(store), jobs=1) == 0
    assert (first / "report.json").read_bytes() == (second / "report.json").read_bytes()
    kept = json.loads((second / "timings.json").read_text())["integrations"]
    assert kept and all(r["run"].endswith("(cached)") for r in kept)
    made = json.loads((first / "timings.json").read_text())["integrations"]
    assert made and not any(r["run"].endswith("(cached)") for r in made)


def test_an_unwritable_cache_folder_is_refused_before_any_claim(tmp_path):
    from gfcheck.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["verify", "--out", str(tmp_path / "r"), "--cache", str(blocker), "--only", "orthogonality"]) == 2
    assert not (tmp_path / "r").exists()
