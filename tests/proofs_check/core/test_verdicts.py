"""proofs_check.verdicts: hypotheses checked before a check runs; a REFUTED needs evidence and must
survive a second route (more digits, nothing memoised)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction as F

import pytest

from gfcheck.proofs_check.core.context import Profile

from gfcheck.proofs_check.suites.orthogonal.context import Context
from gfcheck.proofs_check.core.laws import rate_law
from gfcheck.proofs_check.core.registry import claims
from gfcheck.proofs_check.core.verdicts import Claim, Provenance, Verdict, run_claim
from gfcheck.symbolic.assumptions import RELU_PRIME_ZERO
from gfcheck.symbolic.problem import Problem

PROBLEM = Problem(inputs=((F(1), F(0), F(0)), (F(0), F(2), F(0))), labels=(F(1), F(-1, 2)), width=2,
                  scale=F(1, 1000), directions=((F(1), F(-1), F(1, 3)), (F(-1), F(1), F(1, 3))), signs=(1, -1))


def _claim(check, assumptions=(), compares_engines=False, laws=None):
    return Claim(suite="orthogonal",
                 id="t", number=1, title="t", statement="s", source="s", prediction="p", measurement="m",
                 tolerance_rule="r", twin="w", check=check, assumptions=assumptions,
                 provenance=Provenance("reconstructed", "a test of the runner"), compares_engines=compares_engines,
                 laws=laws)


#: the law the limit checks below declare: exponent 3/4, a competing lambda^(5/4)
LAW = rate_law("rate", "a test quantity", "q", ((F(3, 4), "lead"), (F(5, 4), "next")), "a test of the runner")


def _ctx(problem=PROBLEM):
    return Context(problem, Profile.named("quick"))


def test_a_failing_hypothesis_gives_outside_with_witness_and_source_before_the_check_runs():
    def check(ctx):
        raise AssertionError("the check must not run outside its hypotheses")
    r = run_claim(_claim(check, (RELU_PRIME_ZERO,)), _ctx(dataclasses.replace(PROBLEM, relu_prime_at_zero=1)))
    assert r.verdict == "OUTSIDE_ASSUMPTIONS" and r.twin.verdict == "OUTSIDE_ASSUMPTIONS"
    (failed,) = r.result.details["assumptions_failed"]
    assert failed["id"] == "relu-prime-zero" and "Appendix D" in failed["source"]
    assert "relu_prime_at_zero = 1" in r.result.details["reason"]
    # twin: the same claim on the convention its theorem is stated for runs its check
    seen = []
    r0 = run_claim(_claim(lambda ctx: seen.append(1) or (Verdict("VERIFIED", "1", "1", "0", "0"),
                                                          Verdict("REFUTED", "1", "2", "1", "0")),
                          (RELU_PRIME_ZERO,)), _ctx())
    assert seen and r0.verdict == "VERIFIED"


@pytest.mark.parametrize("cid", [c.id for c in claims("orthogonal") if RELU_PRIME_ZERO in c.assumptions])
def test_claims_proved_for_relu_prime_zero_are_outside_on_a_relu_prime_one_problem(cid):
    (c,) = [c for c in claims("orthogonal") if c.id == cid]
    r = run_claim(c, _ctx(dataclasses.replace(PROBLEM, relu_prime_at_zero=1)))
    assert r.verdict == "OUTSIDE_ASSUMPTIONS" and "relu-prime-zero" in r.result.details["reason"]


def test_the_convention_claim_judges_both_conventions_and_declares_no_convention():
    (c,) = [c for c in claims("orthogonal") if c.id == "relu-prime-convention"]
    assert RELU_PRIME_ZERO not in c.assumptions


def _refute_below(dps_needed):
    """A check that refutes below ``dps_needed`` working digits and verifies at or above it."""
    def check(ctx):
        ok = ctx.profile.dps >= dps_needed
        return (Verdict("VERIFIED" if ok else "REFUTED", "2", "1.9" if not ok else "2", "0.1", "0.01",
                        {"dps": str(ctx.profile.dps)}), Verdict("REFUTED", "2.1", "2", "0.1", "0.01"))
    return check


def test_a_refutation_that_does_not_survive_more_digits_is_undecided_with_both_routes():
    r = run_claim(_claim(_refute_below(40)), _ctx())  # quick has 30 digits; the second route 50
    assert r.verdict == "UNDECIDED"
    assert r.result.details["second_route"]["verdict"] == "VERIFIED"
    assert "does not survive a second route" in r.result.details["reason"]


def test_a_refutation_that_survives_the_second_route_is_reported_with_it():
    r = run_claim(_claim(_refute_below(10 ** 6)), _ctx())
    assert r.verdict == "REFUTED" and r.result.details["second_route"]["dps"] == "50"


def _refute_on_the_reduced_engine(seen):
    """A check that refutes exactly when its run (engine left to the context) was made by the
    reduced engine: an engine defect the other engine does not share."""
    def check(ctx):
        tr = ctx.run(t_end=1, engine="reduced", error_estimate=False)
        seen.append((ctx.profile.dps, tr.engine))
        bad = tr.engine == "reduced"
        return (Verdict("REFUTED" if bad else "VERIFIED", "2", "1.9" if bad else "2", "0.1", "0.01"),
                Verdict("REFUTED", "2.1", "2", "0.1", "0.01"))
    return check


def test_the_second_route_runs_on_the_other_engine_and_names_the_disagreement():
    """A refutation made by the reduced engine alone is rerun on the full engine at 20 more digits:
    not reported, and the reason says the engines disagree (issue 19 item 4)."""
    seen = []
    r = run_claim(_claim(_refute_on_the_reduced_engine(seen)), _ctx())
    assert seen == [(30, "reduced"), (50, "full")]
    assert r.verdict == "UNDECIDED" and r.result.details["second_route"]["engine"] == "full (in place of reduced)"
    assert "on the full engine" in r.result.details["reason"] and "engines disagree" in r.result.details["reason"]


def test_a_check_comparing_engines_keeps_them_on_the_second_route():
    """The twin of the test above: a claim whose subject is the engines' comparison reruns on the
    same engines (more digits), so the refutation survives."""
    seen = []
    r = run_claim(_claim(_refute_on_the_reduced_engine(seen), compares_engines=True), _ctx())
    assert seen == [(30, "reduced"), (50, "reduced")]
    assert r.verdict == "REFUTED" and r.result.details["second_route"]["engine"] == "reduced"


@pytest.mark.parametrize("measurement", ["-", "", "0 samples, 0 off"])
def test_a_refutation_on_an_empty_measurement_is_undecided(measurement):
    def check(ctx):
        return Verdict("REFUTED", "v = 0", measurement, "-", "exact"), Verdict("REFUTED", "-", "-", "-", "-")
    r = run_claim(_claim(check), _ctx())
    assert r.verdict == "UNDECIDED" and "no evidence" in r.result.details["reason"]


def _limit_check(prediction, predicted="0.75", orders=("0.5",), law="rate"):
    def check(ctx):
        det = {"limit": {"predicted": predicted, "correction_orders": list(orders)}}
        if law is not None:
            det["limit"]["law"] = {"name": law}
        return (Verdict("VERIFIED", prediction, "0.7500001", "1e-7", "1e-3", det),
                Verdict("REFUTED", "0.76", "0.75", "0.01", "1e-3"))
    return check


def test_a_verdict_whose_prediction_states_the_judged_law_stands():
    r = run_claim(_claim(_limit_check("exponent ||D_j||/||D_+|| = 0.75"), laws=lambda ctx: (LAW,)), _ctx())
    assert r.verdict == "VERIFIED" and "law_disagreements" not in r.result.details


@pytest.mark.parametrize("prediction, orders, law, predicted, laws, what", [
    ("exponent 2 min gamma", ("0.5",), "rate", "0.75", (LAW,), "judged 0.75, not in the prediction"),
    ("exponent 0.75", ("-0.25",), "rate", "0.75", (LAW,), "correction order -0.25 is not positive"),
    ("exponent 0.75", ("0.5",), None, "0.75", (LAW,), "judged without a law"),  # a limit from no law
    ("exponent 0.75", ("0.5",), "rate", "0.75", None, "not among the claim's declared laws (none)"),
    ("exponent 0.75", ("0.5",), "other", "0.75", (LAW,), "not among the claim's declared laws"),
    ("exponent 0.7", ("0.5",), "rate", "0.7", (LAW,), "not the declared law"),  # judged off its law's value
])
def test_a_verdict_judging_another_law_than_it_states_is_undecided(prediction, orders, law, predicted, laws, what):
    """Issue 19 item 2: the stated prediction and the judged law cannot disagree; where they do
    (a limit judged at a value the prediction does not print, or a negative correction order:
    the O(lambda^2) term that wins, or a limit that is not a declared law's), run_claim reports the
    tool's defect, never the verdict."""
    r = run_claim(_claim(_limit_check(prediction, predicted, orders, law),
                         laws=None if laws is None else (lambda ctx: laws)), _ctx())
    assert r.verdict == "UNDECIDED" and "internal inconsistency" in r.result.details["error"]
    assert any(what in d for d in r.result.details["law_disagreements"])


@pytest.mark.parametrize("twin_verdict, verdict", [("REFUTED", "VERIFIED"), ("VERIFIED", "UNDECIDED")])
def test_the_figure_data_a_check_returns_reaches_its_result_whatever_the_verdict(twin_verdict, verdict):
    """A check returns its plot data with its verdict (``with_figures``), not in the context: the
    result carries it (a downgrade by an unrefuted twin keeps it), ``report.json`` does not, and the
    context is left as it was.  Twin: a check that returns none gives none."""
    from gfcheck.proofs_check.core.verdicts import with_figures

    plot = {"escape": {"slope": 2.0, "t": [1.0, 2.0]}}
    ctx = _ctx()
    r = run_claim(_claim(lambda ctx: with_figures((Verdict("VERIFIED", "1", "1", "0", "0"),
                                                  Verdict(twin_verdict, "1", "2", "1", "0")), plot)), ctx)
    assert r.verdict == verdict and r.figures == plot and ctx.figure_data == {}
    assert "figures" not in r.to_json() and "escape" not in str(r.to_json())
    bare = run_claim(_claim(lambda ctx: (Verdict("VERIFIED", "1", "1", "0", "0"),
                                         Verdict("REFUTED", "1", "2", "1", "0"))), _ctx())
    assert bare.figures == {}
