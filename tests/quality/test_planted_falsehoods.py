"""Planted falsehoods must be refuted: the checks can fail on the errors a reader could make."""

from __future__ import annotations

import dataclasses

import pytest

from gfcheck.proofs_check.suites.orthogonal import claims_exact
from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.suites.orthogonal.context import Context
from gfcheck.proofs_check.core.registry import claims, run_claim
from gfcheck.proofs_check.jobs.verify import default_problem


#: the orthogonal suite's claims by id
REGISTRY = {c.id: c for c in claims("orthogonal")}


@pytest.fixture(scope="module")
def ctx():
    return Context(default_problem(), Profile.named("quick"))


def _fresh(ctx):
    c = Context(ctx.problem, ctx.profile)
    c._runs = ctx._runs  # share the integrations, not the predictions
    return c


def _refuted_by_the_check(cid, c) -> bool:
    """The check itself refutes (the second route, at 20 more digits on the full engine, is tested in
    tests/proofs_check/core/test_verdicts.py and end to end by test_loss_normalisation_1_over_n_is_refuted:
    rerunning it here cost four minutes of CI)."""
    return REGISTRY[cid].check(c)[0].verdict == "REFUTED"


def test_the_honest_predictions_pass(ctx):
    for cid in ("growth-rate", "escape-slope", "decoupling"):
        assert run_claim(REGISTRY[cid], _fresh(ctx)).verdict == "VERIFIED", cid


def test_loss_normalisation_1_over_n_is_refuted(ctx):
    c = _fresh(ctx)
    c.__dict__["neurons"] = dataclasses.replace(c.neurons, growth_rate=tuple(2 * r for r in c.neurons.growth_rate))
    r = run_claim(REGISTRY["growth-rate"], c)  # end to end: it survives the second route on the full engine
    assert r.verdict == "REFUTED" and r.result.details["second_route"]["engine"] == "full (in place of reduced)"


def test_beta_in_place_of_D_in_the_escape_slope_is_refuted(ctx):
    c = _fresh(ctx)
    d, n = c.data, c.problem.n
    c.__dict__["data"] = dataclasses.replace(d, escape_slope_plus=n / d.beta_plus_norm,
                                             escape_slope_minus=n / d.beta_minus_norm)
    assert _refuted_by_the_check("escape-slope", c)


def test_a_dropped_cross_term_on_non_orthogonal_data_is_refuted(ctx, monkeypatch):
    real = claims_exact.decoupled_projection
    monkeypatch.setattr(claims_exact, "decoupled_projection",
                        lambda *a, **k: real(*a, **{**k, "include_cross": False}))
    assert _refuted_by_the_check("decoupling", _fresh(ctx))


def test_a_wrong_slowest_exponent_is_refuted(ctx):
    # gamma_- replaced by gamma_+: the predicted rate of N - N* becomes 2 gamma_+
    c = _fresh(ctx)
    c.__dict__["neurons"] = dataclasses.replace(c.neurons, gamma_minus=c.neurons.gamma_plus)
    assert _refuted_by_the_check("variation-norm", c)
