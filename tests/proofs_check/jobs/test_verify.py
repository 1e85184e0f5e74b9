"""``gfcheck verify``: the main job end to end, determinism, exit statuses, reproduction files."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from gfcheck.cli import main
from gfcheck.proofs_check.core.registry import Claim, Provenance, Verdict

ALL = ("report.json", "report.md", "problem.json", "loss_plateaus.png", "neurons.png",
       "escape_times.png", "norm_gap.png")

#: stub claims of these tests are ours, not a paper's
STUB_PROVENANCE = Provenance("reconstructed", "a stub of the tests")


@pytest.mark.slow
def test_default_problem_every_claim_verified_and_the_report_is_byte_identical(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    # no whole-run budget: this test is about verdicts and bytes, and a loaded machine must not make
    # it a timed test (the budget has its own tests; the default one cut a claim at load 3-8)
    assert main(["verify", "--profile", "quick", "--max-time", "0", "--out", str(a)]) == 0
    out = capsys.readouterr().out
    assert out.count("VERIFIED") == 19 and "REFUTED" not in out
    assert main(["verify", "--profile", "quick", "--max-time", "0", "--out", str(b)]) == 0
    for name in ALL:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    doc = json.loads((a / "report.json").read_text())
    assert doc["summary"]["VERIFIED"] == "19"
    assert all(c["twin"]["verdict"] == "REFUTED" for c in doc["claims"])  # every check could fail
    assert "C1b_E1" in doc["lambda_condition"] and doc["lambda_condition"]["measured"]
    md = (a / "report.md").read_text()
    assert "1 claim stated in the paper, 18 reconstructed (docs/suites/orthogonal.md)" in md
    assert "exponent exponent" not in md  # a part's name meets its prediction without a repeated word
    growth = next(c for c in doc["claims"] if c["id"] == "growth-rate")
    assert re.match(r"worst relative deviation \S+ over \d+ moving neurons \(\d+ growing, 10 checked\), lambda = ",
                    growth["measurement"]), growth["measurement"]


def _stub(verdict):
    def check(ctx):
        return (Verdict(verdict, "1", "2", "1", "0", {}), Verdict("REFUTED", "-", "-", "-", "-", {}))
    return Claim(suite="orthogonal", id="stub", number=1, title="stub", statement="s", source="s", prediction="p",
                 measurement="m", tolerance_rule="t", twin="w", check=check,
                 provenance=STUB_PROVENANCE)


def test_a_refuted_claim_exits_1_and_writes_how_to_reproduce(tmp_path, capsys, monkeypatch, stub_claims):
    stub_claims([_stub("REFUTED")])
    out = tmp_path / "r"
    assert main(["verify", "--out", str(out), "--no-figures"]) == 1
    err = capsys.readouterr().err
    repro = out / "reproduce" / "stub.problem.json"
    assert repro.exists() and f"--problem {repro} --only stub" in err
    # a later run where it passes removes the stale reproduction file
    stub_claims([_stub("VERIFIED")])
    assert main(["verify", "--out", str(out), "--no-figures"]) == 0
    assert not repro.exists()


def test_a_check_that_cannot_fail_is_not_verified(tmp_path, monkeypatch, stub_claims):
    def check(ctx):
        v = Verdict("VERIFIED", "1", "1", "0", "0", {})
        return v, v  # the twin passes too: the check proves nothing
    lazy = Claim(suite="orthogonal", id="lazy", number=2, title="t", statement="s", source="s", prediction="p",
                 measurement="m", tolerance_rule="t", twin="w", check=check,
                 provenance=STUB_PROVENANCE)
    stub_claims([lazy])
    assert main(["verify", "--out", str(tmp_path / "r"), "--no-figures"]) == 3  # UNDECIDED
    doc = json.loads((tmp_path / "r" / "report.json").read_text())
    assert doc["claims"][0]["verdict"] == "UNDECIDED" and "downgraded" in doc["claims"][0]["details"]


def test_bad_problem_file_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "p.json"
    bad.write_text('{"schema": "gfcheck.problem/1", "inputs": [[1, 0]]}')
    assert main(["verify", "--problem", str(bad), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "r" / "report.json").exists()


def test_non_orthogonal_data_are_outside_the_assumptions_never_verified(tmp_path, capsys):
    doc = json.loads((Path(__file__).resolve().parents[3] / "proofs_check" / "suites" / "orthogonal"
                      / "data" / "default.problem.json").read_text())
    doc["inputs"][0][0] = str(Fraction(doc["inputs"][0][0]) + Fraction(1, 10))
    p = tmp_path / "p.json"
    p.write_text(json.dumps(doc))
    status = main(["verify", "--problem", str(p), "--out", str(tmp_path / "r"), "--no-figures",
                   "--only", "orthogonality,escape-slope,variation-norm"])
    rep = json.loads((tmp_path / "r" / "report.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in rep["claims"]}
    # A1 itself is OUTSIDE_ASSUMPTIONS with its witness (the data are outside the theory, not a
    # refutation of it); its twin, data made non-orthogonal, is still seen as such
    assert verdicts == {"orthogonality": "OUTSIDE_ASSUMPTIONS", "escape-slope": "OUTSIDE_ASSUMPTIONS",
                        "variation-norm": "OUTSIDE_ASSUMPTIONS"}
    assert rep["claims"][0]["twin"]["verdict"] == "REFUTED"
    assert status == 4  # nothing checkable: every claim outside its assumptions, reported as such
    for c in rep["claims"]:
        if c["id"] == "orthogonality":  # claim 1 measures the cosine itself
            assert float(c["details"]["largest_off_diagonal_cosine"]) > 0
            continue
        # the others declare the hypothesis: its witness names the pair and the cosine, with its source
        (failed,) = c["details"]["assumptions_failed"]
        assert failed["id"] == "orthogonal-inputs" and "<x_0, x_" in failed["witness"]
        assert float(failed["witness"].rsplit("cosine ", 1)[1].rstrip(")")) > 0


def test_unknown_claim_id_is_a_named_error(tmp_path, capsys):
    assert main(["verify", "--only", "nonsense", "--out", str(tmp_path / "r")]) == 2
    assert "unknown claim id" in capsys.readouterr().err


def _same_report_at_one_and_two_jobs(tmp_path, args, statuses):
    """Run ``verify ARGS --no-figures`` with ``--jobs 1`` and ``--jobs 2`` (each exit status among
    ``statuses``), check that report.json and report.md are the same bytes, and return the two
    timings.json documents."""
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"j{jobs}"
        assert main(["verify", *args, "--no-figures", "--jobs", str(jobs), "--out", str(out)]) in statuses
        outs.append(out)
    for name in ("report.json", "report.md"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    return tuple(json.loads((o / "timings.json").read_text()) for o in outs)


def test_the_report_is_the_same_bytes_with_one_or_two_jobs(tmp_path):
    """The shared ladder integrated first on two processes, or as the claims ask for it: the runs
    are deterministic, so report.json and report.md are the same bytes; timings.json says where
    the time went (per claim, per integration, the prefetch).  Two claims of each stage (the limit
    claims last, with their own prefetch)."""
    claims = "escape-slope,growth-rate,convergence,limit-function"
    t1, t2 = _same_report_at_one_and_two_jobs(tmp_path, ["--only", claims], (0,))
    assert any("(prefetched)" in r["run"] for r in t2["integrations"])
    assert not any("(prefetched)" in r["run"] for r in t1["integrations"]) and t1["integrations"]
    assert set(t1["claims"]) == set(claims.split(",")) and float(t2["prefetch_wall"]) > 0


def test_jobs_must_be_positive(tmp_path, capsys):
    assert main(["verify", "--jobs", "0", "--out", str(tmp_path / "r")]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_a_rerun_leaves_no_figure_of_the_earlier_run(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / "neurons.png").write_bytes(b"an earlier run's figure")
    (out / "mine.png").write_bytes(b"a file of the user's")
    assert main(["verify", "--only", "orthogonality", "--out", str(out), "--no-figures"]) == 0
    assert not (out / "neurons.png").exists() and (out / "report.json").exists()
    assert (out / "mine.png").read_bytes() == b"a file of the user's"  # not one of the suite's figures


def test_the_prefetch_is_bounded_and_a_late_run_is_left_to_the_claims():
    """A ladder run that has not finished by the prefetch's bound is not waited for (a hung engine
    must not hold verify before its claims, which have bounds of their own)."""
    from gfcheck.proofs_check.core.context import Profile
    from gfcheck.proofs_check.suites.orthogonal.context import Context
    from gfcheck.proofs_check.jobs.verify import default_problem

    asked = []

    class Late:
        def result(self, timeout=None):
            asked.append(timeout)
            raise TimeoutError("still integrating")

    class Executor:
        def submit(self, fn, *args, **kwargs):
            return Late()

    ctx = Context(default_problem(), Profile.named("quick"))
    ctx.prefetch(Executor(), seconds=30)
    assert len(asked) == len(ctx.prefetch_requests()) and all(0 < t <= 30 for t in asked)
    assert not ctx._runs  # nothing memoised: each claim integrates what it needs, within its bound


def test_the_prefetch_waits_one_claim_bound_per_rung_and_worker():
    """The prefetch's bound is ``claim_seconds`` per run a worker integrates (census 0030 under load:
    cut at one claim's bound with 3 of 7 rungs made, the claims integrated them again); the whole-run
    budget still caps it.  Twin: the former bound, one claim's, is what one run per worker gets."""
    from gfcheck.proofs_check.core.context import Profile, SuiteContext
    from gfcheck.proofs_check.jobs import verify as verify_mod
    from gfcheck.proofs_check.suites.orthogonal.context import Context

    ctx = Context(verify_mod.default_problem(), Profile.named("quick"))
    asked = []
    ctx.prefetch = lambda pool, seconds=None: asked.append(seconds) or 0.0
    verify_mod._prefetch(ctx, 2)
    runs = len(ctx.prefetch_requests())
    rungs = {(lam, ctx.escape_request(lam)[1]["t_end"]) for lam in ctx.profile.scales} | \
        {(lam, ctx.ladder_request(lam)[1]["t_end"]) for lam in ctx.profile.scales}
    assert runs == len(rungs) + 3  # the ladder's rungs (with and without the settle) and the engine pair
    assert asked == [ctx.profile.claim_seconds * -(-runs // 2)]
    class One(SuiteContext):  # a context sharing two runs: one per worker
        profile = ctx.profile

        def prefetch_requests(self):
            return [1, 2]

        def prefetch(self, pool, seconds=None):
            return asked.append(seconds) or 0.0

    verify_mod._prefetch(One(), 2)
    assert asked[-1] == ctx.profile.claim_seconds


def _staged_claims(monkeypatch, ctx):
    """``verify._integrating_claims`` on claims ``a`` .. ``e`` with its workers, its in-process runner
    and its prefetch recorded: ``(the claim ids of each stage in submission order, each prefetch's
    ctx.claims_to_run, what it returned)``."""
    from types import SimpleNamespace

    from gfcheck.proofs_check.jobs import verify as verify_mod

    seen, fetched = [], []

    def record(selected, todo, ctx, *args):
        seen.append("".join(selected[i].id for i in todo))

    monkeypatch.setattr(verify_mod, "_prefetch", lambda ctx, jobs, prog=None: fetched.append(ctx.claims_to_run) or 1.0)
    monkeypatch.setattr(verify_mod, "_can_fork", lambda: True)
    monkeypatch.setattr(verify_mod, "_claims_on_workers", record)
    monkeypatch.setattr(verify_mod, "_in_process", record)  # a stage of one claim runs here
    selected = [SimpleNamespace(id=c) for c in "abcde"]
    return seen, fetched, verify_mod._integrating_claims(selected, [0, 1, 2, 3, 4], ctx, None, 2, {}, {})


@pytest.mark.parametrize("late, stages", [(frozenset({"c", "e"}), [("a", "b", "d"), ("c", "e")]),
                                          (frozenset(), [("a", "b", "c", "d", "e")])])
def test_late_claims_run_after_the_others_each_stage_with_its_own_prefetch(monkeypatch, late, stages):
    """The claims that read the costliest shared runs (``late_claims``: the orthogonal limit claims,
    through the settle) run last, after a prefetch of their own, so that a budget spent on those
    runs leaves the other claims decided (census 0005: all 17 cut while the settle was prefetched).
    Twin: a context without late claims runs one stage, as before."""
    from gfcheck.proofs_check.core.context import SuiteContext

    class Ctx(SuiteContext):
        late_claims = late

    ctx = Ctx()
    seen, fetched, stopped = _staged_claims(monkeypatch, ctx)
    assert stopped is None
    assert seen == ["".join(s) for s in stages] and fetched == stages and ctx.prefetch_seconds == len(stages)


@pytest.mark.parametrize("late, companions, stages", [(frozenset({"e"}), frozenset({"b", "d"}), ["ac", "bde"]),
                                                      (frozenset(), frozenset({"b", "d"}), ["ace", "bd"]),
                                                      (frozenset(), frozenset(), ["abcde"])])
def test_late_companions_run_in_the_late_stage(monkeypatch, late, companions, stages):
    """``late_companions`` (claim 16: long runs of its own, none shared) run in the late stage beside
    the late claims, so they do not hold the stage barrier while a worker idles (census 0004), and
    in a late stage of their own without late claims (census 0103: claim 16 ran its last 270 s on
    one core of two; alone in a stage it has the other as a spare process); twin: without
    companions or late claims, one stage."""
    from gfcheck.proofs_check.core.context import SuiteContext

    class Ctx(SuiteContext):
        late_claims = late
        late_companions = companions

    assert _staged_claims(monkeypatch, Ctx())[0] == stages


def test_the_first_claims_start_first_within_their_stage(monkeypatch):
    """``first_claims`` (long runs of their own) are submitted first in their stage, in that order,
    the others in theirs. Twin: without it, the claims' own order."""
    from gfcheck.proofs_check.core.context import SuiteContext

    class Ctx(SuiteContext):
        first_claims = ("d", "x", "b")
        late_claims = frozenset({"e"})

    seen = _staged_claims(monkeypatch, Ctx())[0] + _staged_claims(monkeypatch, SuiteContext())[0]
    assert seen == ["dbac", "e", "abcde"]


def test_a_claim_alone_is_the_same_bytes_with_a_spare_process(tmp_path):
    """A stage of one claim runs it here with the other job as a spare process that integrates the
    runs the claim declares and the ladder rungs it adds next (census 0114: claim 17 alone on a
    ReLU'(0) = 1 problem, its rungs one after the other on one core of two).  The runs are
    deterministic: report.json and report.md are the same bytes with one job or two; with two, some
    run was made ahead (timings.json), with one none was (twin)."""
    import dataclasses

    from gfcheck.proofs_check.suites.orthogonal.suite import default_problem
    from gfcheck.symbolic.problem import problem_to_json

    problem = tmp_path / "relu1.json"
    problem.write_text(json.dumps(problem_to_json(dataclasses.replace(default_problem(), relu_prime_at_zero=1))))
    t1, t2 = _same_report_at_one_and_two_jobs(
        tmp_path, ["--problem", str(problem), "--only", "relu-prime-convention", "-q"], (0, 3))
    assert any("(ahead)" in r["run"] for r in t2["integrations"])
    assert not any("(ahead)" in r["run"] for r in t1["integrations"]) and t1["integrations"]
