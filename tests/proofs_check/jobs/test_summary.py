"""The closing summary of ``gfcheck verify``: a count of each verdict and, for every claim that
is not VERIFIED, one line with its id, verdict, reason and next step (hand-built results)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gfcheck.proofs_check.core.registry import VERDICTS, Claim, Provenance, ClaimResult, Verdict
from gfcheck.proofs_check.core.report import attention_lines, counts_line, verdict_counts
from gfcheck.proofs_check.jobs.verify import summary_lines

#: stub claims of these tests are ours, not a paper's
STUB_PROVENANCE = Provenance("reconstructed", "a stub of the tests")

OUT = Path("rep")
REFUTED_TWIN = Verdict("REFUTED", "-", "-", "-", "-", {})


def _result(cid, verdict, details=None, *, numbers=("2", "2.5", "0.5", "1e-3"), number=1):
    claim = Claim(suite="orthogonal", id=cid, number=number, title="t", statement="s", source="s", prediction="p",
                  measurement="m", tolerance_rule="r", twin="w", check=lambda ctx: None,
                  provenance=STUB_PROVENANCE)
    return ClaimResult(claim, Verdict(verdict, *numbers, details or {}), REFUTED_TWIN, 1.25)


def _one_line_for(lines, cid):
    mine = [line for line in lines if line.strip().startswith(f"{cid}: ")]
    assert len(mine) == 1, lines
    assert "\n" not in mine[0] and "\r" not in mine[0]
    return mine[0]


def test_counts_every_verdict_including_zeros():
    results = [_result("a", "VERIFIED"), _result("b", "VERIFIED"), _result("c", "UNDECIDED", {"reason": "x"})]
    assert verdict_counts(results) == {"VERIFIED": 2, "REFUTED": 0, "OUTSIDE_ASSUMPTIONS": 0, "UNDECIDED": 1}
    assert counts_line(results) == "3 claims: 2 VERIFIED, 0 REFUTED, 0 OUTSIDE_ASSUMPTIONS, 1 UNDECIDED"
    assert list(verdict_counts([])) == list(VERDICTS)


def test_verified_claims_get_no_line_and_the_order_is_kept():
    results = [_result("ok", "VERIFIED"), _result("z", "UNDECIDED", {"reason": "r1"}),
               _result("a", "OUTSIDE_ASSUMPTIONS", {"reason": "r2"})]
    lines = attention_lines(results, profile="quick")
    assert [line.split(":")[0] for line in lines] == ["z", "a"]


def test_refuted_line_has_the_numbers_and_the_reproduce_file():
    r = _result("escape-slope", "REFUTED")
    line = _one_line_for(summary_lines([r], profile="quick", out_dir=OUT), "escape-slope")
    assert ": REFUTED: " in line
    assert "prediction 2 vs measurement 2.5" in line and "residual 0.5" in line and "tolerance 1e-3" in line
    repro = OUT / "reproduce" / "escape-slope.problem.json"
    assert f"gfcheck verify --profile quick --problem {repro} --only escape-slope" in line


def test_outside_assumptions_names_the_assumption_and_what_to_do():
    r = _result("variation-norm", "OUTSIDE_ASSUMPTIONS",
                {"reason": "the inputs are not pairwise orthogonal", "largest_off_diagonal_cosine": "0.0123"},
                numbers=("-", "-", "-", "-"))
    line = _one_line_for(attention_lines([r], profile="quick"), "variation-norm")
    assert "not pairwise orthogonal" in line and "largest off diagonal cosine 0.0123" in line
    assert "next: to check it, make the inputs pairwise orthogonal" in line
    a3 = _result("plateau", "OUTSIDE_ASSUMPTIONS", {"reason": "assumption A3 fails: no main neuron"})
    assert "assumption A3" in _one_line_for(attention_lines([a3], profile="quick"), "plateau").split("next:")[1]


@pytest.mark.parametrize("details", [
    {"error": "DerivationUndecided: fit_rate: need at least 3 resolved ladder rungs, found 2"},
    {"error": "PrecisionExhausted: until_loss = 1e-80 is below what the residuals resolve"},
    {"downgraded": "the negative twin (w) was VERIFIED, not REFUTED: this check could not have failed"},
])
def test_undecided_for_lack_of_budget_says_rerun_with_the_full_profile(details):
    r = _result("rate", "UNDECIDED", details, numbers=("-", "-", "-", "-"))
    line = _one_line_for(attention_lines([r], profile="quick"), "rate")
    reason, step = line.split("; next: ")
    assert str(next(iter(details.values())))[:40] in reason
    assert "rerun with --profile full" in step
    # already on the full profile: no advice to rerun what just ran
    full = _one_line_for(attention_lines([r], profile="full"), "rate")
    assert "--profile full" not in full.split("next:")[1]


def test_a_part_undecided_for_lack_of_budget_is_not_blamed_on_the_data():
    """escape-slope at the full profile on a generated slow problem: the part 'plus' spent its ladder
    budget (a decision needs lambda <= 1.49e-334); the next step said 'these data do not exercise the
    claim' because only the claim's own reason was read, never its parts'."""
    part = {"verdict": "UNDECIDED", "reason": "time budget of 1200 s spent on lambda = 1e-8 .. 1e-200; "
                                              "a decision needs lambda <= 1.49e-334"}
    r = _result("slope", "UNDECIDED", {"parts": {"plus": part, "minus": {"verdict": "VERIFIED"}}},
                numbers=("-", "-", "-", "-"))
    assert "rerun with --profile full" in _one_line_for(attention_lines([r], profile="quick"), "slope")
    step = _one_line_for(attention_lines([r], profile="full"), "slope").split("next:")[1]
    assert "did not decide it" in step and "do not exercise" not in step


def test_a_check_that_knows_a_deeper_profile_cannot_decide_it_says_what_would():
    """Census 0150 (separable claim 12, the survivors switching four times): the reason says the
    limit is 'not resolved' (a budget word) and the advice was 'rerun with --profile full', which
    cannot help.  A part that names its own next step (``details["next"]``) gives that step; twin:
    a second undecided part without one (a spent ladder) keeps the profile advice."""
    from gfcheck.proofs_check.suites.separable.claims import GD_SWITCHING_NEXT

    switching = {"verdict": "UNDECIDED", "reason": "the limit is not resolved to a third of the band yet; the "
                                                   "survivors switch at 4 times", "next": GD_SWITCHING_NEXT}
    r = _result("gd", "UNDECIDED", {"parts": {"loss": switching, "time": dict(switching)}},
                numbers=("-", "-", "-", "-"))
    step = _one_line_for(attention_lines([r], profile="quick"), "gd").split("; next: ")[1]
    assert "--profile full" not in step and "switch once" in step
    assert step.count("derive GD") == 1  # one step said once for the parts that share it
    spent = {"verdict": "UNDECIDED", "reason": "time budget of 600 s spent on the ladder"}
    twin = _result("gd", "UNDECIDED", {"parts": {"loss": switching, "time": spent}}, numbers=("-", "-", "-", "-"))
    assert "rerun with --profile full" in _one_line_for(attention_lines([twin], profile="quick"), "gd")


def test_undecided_for_the_data_says_so():
    r = _result("two-jumps", "UNDECIDED", {"reason": "one jump only (||D_+|| = ||D_-|| or one group)"},
                numbers=("-", "-", "-", "-"))
    line = _one_line_for(attention_lines([r], profile="quick"), "two-jumps")
    assert "one jump only" in line and "do not exercise the claim" in line and "--profile" not in line


def test_a_long_multi_line_reason_stays_on_one_clipped_line():
    r = _result("noisy", "UNDECIDED", {"error": "StepSizeCollapse:\n" + "x " * 500},
                numbers=("-", "-", "-", "-"))
    line = _one_line_for(summary_lines([r], profile="quick", out_dir=OUT), "noisy")
    reason = line.split("; next: ")[0]
    assert "~" in reason and len(reason) < 260


def test_no_reason_in_details_falls_back_to_the_numbers():
    r = _result("bare", "UNDECIDED")
    line = _one_line_for(attention_lines([r], profile="quick"), "bare")
    assert "prediction 2 vs measurement 2.5" in line


def test_summary_starts_with_the_counts_and_ends_with_the_report_folder():
    results = [_result("a", "VERIFIED"), _result("b", "REFUTED", number=2)]
    lines = summary_lines(results, profile="quick", out_dir=OUT)
    assert lines[0] == "gfcheck verify: 2 claims: 1 VERIFIED, 1 REFUTED, 0 OUTSIDE_ASSUMPTIONS, 0 UNDECIDED"
    assert lines[-1] == f"gfcheck verify: report in {OUT}"
    assert len(lines) == 3 and lines[1].startswith("  b: REFUTED: ")


def test_verify_prints_the_summary_and_report_md_carries_the_counts(tmp_path, capsys, monkeypatch, stub_claims):
    from gfcheck.cli import main

    def stub(cid, number, verdict, details):
        def check(ctx):
            return Verdict(verdict, "1", "2", "1", "0", details), REFUTED_TWIN
        return Claim(suite="orthogonal", id=cid, number=number, title="t", statement="s", source="s", prediction="p",
                     measurement="m", tolerance_rule="r", twin="w", check=check,
                     provenance=STUB_PROVENANCE)

    stubs = [stub("good", 1, "VERIFIED", {}), stub("bad", 2, "REFUTED", {}),
             stub("thin", 3, "UNDECIDED", {"reason": "too few resolved ladder rungs"})]
    stub_claims(stubs)
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["verify", "--out", str(a), "--no-figures"]) == 1
    captured = capsys.readouterr()
    assert "[3/3] thin: UNDECIDED" in captured.err  # the progress lines are kept
    lines = captured.err.splitlines()
    assert "gfcheck verify: 3 claims: 1 VERIFIED, 1 REFUTED, 0 OUTSIDE_ASSUMPTIONS, 1 UNDECIDED" in lines
    bad = _one_line_for(lines, "bad")
    repro = a / "reproduce" / "bad.problem.json"
    assert repro.exists() and f"--problem {repro} --only bad" in bad
    assert "rerun with --profile full" in _one_line_for(lines, "thin")
    assert not [line for line in lines if line.strip().startswith("good: ")]
    md = (a / "report.md").read_text()
    assert "Verdicts: 3 claims: 1 VERIFIED, 1 REFUTED, 0 OUTSIDE_ASSUMPTIONS, 1 UNDECIDED." in md
    assert "## Needs attention" in md and "--problem reproduce/bad.problem.json --only bad" in md
    assert main(["verify", "--out", str(b), "--no-figures"]) == 1
    assert (a / "report.md").read_bytes() == (b / "report.md").read_bytes()  # no timings, no paths


def test_one_line_per_cause_lists_the_claims_it_covers():
    """Non-orthogonal inputs put every claim OUTSIDE_ASSUMPTIONS for the same reason: one line with
    the ids, not one per claim; a different reason is its own line; REFUTED claims keep one line each
    (their numbers and reproduce files differ)."""
    why = {"reason": "the inputs are not pairwise orthogonal", "largest_off_diagonal_cosine": "0.0123"}
    results = [_result(cid, "OUTSIDE_ASSUMPTIONS", why, numbers=("-", "-", "-", "-"))
               for cid in ("orthogonality", "escape-slope", "variation-norm")]
    results.insert(1, _result("plateau", "OUTSIDE_ASSUMPTIONS", {"reason": "assumption A3 fails: no main neuron"}))
    results += [_result("r1", "REFUTED"), _result("r2", "REFUTED")]
    lines = attention_lines(results, profile="quick")
    assert len(lines) == 4, lines
    assert lines[0].startswith("orthogonality, escape-slope, variation-norm: OUTSIDE_ASSUMPTIONS: the inputs are not")
    assert sum("not pairwise orthogonal" in line for line in lines) == 1
    assert lines[1].startswith("plateau: OUTSIDE_ASSUMPTIONS: assumption A3")
    assert lines[2].startswith("r1: REFUTED") and "--only r1" in lines[2] and "--only r2" in lines[3]


def test_claims_a_stop_left_unfinished_are_one_line_with_the_rerun_of_all_of_them():
    from gfcheck.proofs_check.core.verdicts import stopped_result
    from gfcheck.symbolic.budget import Budget, Interrupted

    claims = [_result(cid, "VERIFIED").claim for cid in ("a", "b", "c")]
    for stop, words in ((Budget.of(60), "whole-run budget of 60 s (--max-time) was spent"),
                        (Interrupted(15), "ended by SIGTERM")):
        lines = attention_lines([stopped_result(c, stop) for c in claims], profile="quick")
        assert len(lines) == 1 and lines[0].startswith("a, b, c: UNDECIDED: ") and words in lines[0], lines
        assert lines[0].split("next: ")[1].startswith("rerun with --only a,b,c")
        assert lines[0].count("--only") == 1  # the reason's own advice is not repeated


@pytest.mark.parametrize("verdicts, user, status", [
    (["VERIFIED", "VERIFIED"], False, 0),
    (["VERIFIED", "OUTSIDE_ASSUMPTIONS"], True, 0),   # a user's problem: reported, not failed
    (["VERIFIED", "OUTSIDE_ASSUMPTIONS"], False, 3),  # the built-in example meets every assumption
    (["VERIFIED", "REFUTED", "UNDECIDED"], True, 1),  # REFUTED wins
    (["VERIFIED", "UNDECIDED"], True, 3),
    (["OUTSIDE_ASSUMPTIONS", "OUTSIDE_ASSUMPTIONS"], True, 4),  # nothing checkable
    (["OUTSIDE_ASSUMPTIONS", "UNDECIDED"], True, 3),
])
def test_exit_status_table(verdicts, user, status):
    """The table of docs/cli.md."""
    from gfcheck.proofs_check.jobs.verify import exit_status

    results = [_result(f"c{i}", v, {"reason": "r"}) for i, v in enumerate(verdicts)]
    assert exit_status(results, user_problem=user) == status
