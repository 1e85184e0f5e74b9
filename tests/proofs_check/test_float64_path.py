"""The float64 path is checked (issue 20 item 2): each suite's ``float64-path`` claim compares the
float64 engine with the reduced engine at the profile's digits, VERIFIED on the defaults with its
planted twin REFUTED; faults that the float64 engine and its own extended-precision reference share
(a step rule at e^-1, a root returned at a 1e-8 bracket) are REFUTED; too few reference digits are
UNDECIDED."""

from __future__ import annotations

import math

import mpmath
import pytest

from gfcheck.numeric import _float64
from gfcheck.proofs_check.context import Profile
from gfcheck.proofs_check.float64_path import float64_promise, planted
from gfcheck.proofs_check.registry import claims, run_claim, suite

QUICK = Profile.named("quick")


def _run(suite_name, profile=QUICK):
    c = next(c for c in claims(suite_name) if c.id == "float64-path")
    su = suite(suite_name)
    return run_claim(c, su.make_context(su.load_default_problem(), profile))


@pytest.mark.parametrize("suite_name", ["orthogonal", "separable"])
def test_float64_path_verified_and_planted_twin_refuted(suite_name):
    r = _run(suite_name)
    assert r.verdict == "VERIFIED", r.result
    assert r.twin.verdict == "REFUTED", r.twin
    assert set(r.twin.details["parts"].values()) == {"REFUTED"}
    det = r.result.details
    assert mpmath.mpf(det["real_error"]) <= mpmath.mpf(det["estimate"])


def _step_rule_e1(monkeypatch):
    init = _float64._F64.__init__

    def wide(self, problem, order=_float64._ORDER, step_factor=1.0, dtype=_float64.np.float64):
        init(self, problem, order=order, step_factor=step_factor * math.e, dtype=dtype)

    monkeypatch.setattr(_float64._F64, "__init__", wide)


def _loose_root(monkeypatch):
    def done(self, lo, hi, t, nt):
        if abs(nt - t) <= 1e-8 * max(abs(nt), 1e-300) or hi - lo <= 1e-8 * max(hi, 1e-300):
            return 0.5 * (lo + hi)
        return None

    monkeypatch.setattr(_float64._FloatRoots, "done", done)


@pytest.mark.parametrize("suite_name", ["orthogonal", "separable"])
@pytest.mark.parametrize("mutant", [_step_rule_e1, _loose_root])
def test_twin_shared_float64_faults_are_refuted(suite_name, mutant, monkeypatch):
    mutant(monkeypatch)
    r = _run(suite_name)
    assert r.verdict == "REFUTED", r.result
    assert "internal error" not in str(r.result.details)


def test_too_few_reference_digits_is_undecided():
    r = _run("orthogonal", Profile("f64", (10,), dps=15))
    assert r.verdict == "UNDECIDED"
    assert "more digits are needed" in r.result.details["reason"]


def test_planted_and_promise():
    from gfcheck.proofs_check.suite_orthogonal import default_problem
    from gfcheck.numeric import integrate

    tr = integrate(default_problem(), dps=20, t_end=40, times=(0, 20), error_estimate=False)
    with mpmath.workdps(20):
        d = mpmath.mpf("1e-12")
        p = planted(tr, d)
        assert p.final.a[0] == tr.final.a[0] + d and p.samples[1].a[0] == tr.samples[1].a[0] + d
        assert p.final.a[1:] == tr.final.a[1:] and p.final.U == tr.final.U
        assert [e.t for e in p.events] == [f.t + d for f in tr.events] and tr.events
        assert float64_promise(1, 1) == mpmath.ldexp(1, -39)
