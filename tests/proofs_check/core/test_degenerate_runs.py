"""No crash is a verdict (issue 20 item 4): every claim of every suite, fed degenerate trajectories
through the context's run method, returns a verdict with a reason, never an exception.

The degenerate runs are built from a real short run of the problem asked for (so every shape is
right): ``frozen`` (the state at ``t_end = 1/100`` sampled at every time asked for, no event, so no
slide-out, no watch crossed), ``empty`` (no sample, no event, no crossing), ``nan`` and ``inf``
(the frozen run with ``a_0`` NaN, or ``u_00`` infinite, in every state).  ``run_claim`` turns an
exception into UNDECIDED "internal error ...": such a reason fails the test; a REFUTED must carry
evidence (a measurement), an UNDECIDED or OUTSIDE_ASSUMPTIONS a reason."""

from __future__ import annotations

import dataclasses
import os
from fractions import Fraction

import mpmath
import pytest

from gfcheck.numeric import integrate
from gfcheck.numeric.examples import separable_problem
from gfcheck.numeric.precision import to_mpf
from gfcheck.proofs_check.core.context import Profile, RunMemo
from gfcheck.proofs_check.suites.orthogonal.context import Context
from gfcheck.proofs_check.suites.separable.context import SepContext
from gfcheck.proofs_check.core.registry import claims, run_claim
from gfcheck.proofs_check.suites.orthogonal.suite import default_problem

#: a short budget: two rungs, a shallow ladder limit and 20 s per claim (the verdicts are what matter)
PROFILE = Profile("degenerate", (10, 20), dps=20, max_exponent=30, claim_seconds=20.0)
SEP_PROFILE = Profile("degenerate", (4, 6), dps=20, max_exponent=8, claim_seconds=20.0)
SHORT = Fraction(1, 100)
_REAL = {}


def _short_run(problem, kwargs):
    """The real run of ``problem`` to ``t = 1/100`` (memoised), with the engine asked for."""
    keep = {k: kwargs[k] for k in ("engine", "dps", "relu_prime_at_zero") if k in kwargs}
    key = (problem, tuple(sorted(keep.items())))
    if key not in _REAL:
        _REAL[key] = integrate(problem, t_end=SHORT, error_estimate=False, **keep)
    return _REAL[key]


def _poison(state, how):
    if how == "nan":
        return dataclasses.replace(state, a=(mpmath.nan,) + tuple(state.a[1:]))
    if how == "inf":
        U, W = [list(r) for r in state.U], [list(r) for r in state.W or ()]
        U[0][0] = mpmath.inf
        if W:
            W[0][0] = mpmath.inf
        return dataclasses.replace(state, U=tuple(tuple(r) for r in U), W=tuple(tuple(r) for r in W) or None)
    return state


def degenerate(how, calls=None):
    """A replacement of ``RunMemo.run`` returning the ``how`` degeneration of each run asked for
    (each call appended to the list ``calls``)."""
    def run(self, problem=None, **kwargs):
        if calls is not None:
            calls.append(kwargs.get("t_end"))
        problem, kwargs = self._request(problem, kwargs)
        real = _short_run(problem, kwargs)
        t_end = to_mpf(Fraction(kwargs["t_end"]))
        times = () if how == "empty" else tuple(kwargs.get("times", ()))
        final = _poison(dataclasses.replace(real.final, t=t_end), how)
        samples = tuple(dataclasses.replace(final, t=to_mpf(Fraction(t))) for t in times)
        crossings = {w.name: None for w in kwargs.get("watches", ())}
        return real.replace(final=final, samples=samples, events=(), crossings=crossings,
                            error_estimate=None if how == "empty" else real.error_estimate)
    return run


SUITES = {"orthogonal": lambda: Context(default_problem(), PROFILE),
          "separable": lambda: SepContext(separable_problem(), SEP_PROFILE)}
CASES = [(s, c.id) for s in SUITES for c in claims(s)]


#: the degenerate kinds
HOWS = ["frozen", "empty", "nan", "inf"]
#: every claim meets every kind under the thorough profile; in CI every claim meets one kind, the
#: kinds taken in turn down the claims' list, so each kind meets a quarter of each suite's claims
#: (the full product is 4 x 33 runs, ~12 minutes on 2 cores)
MATRIX = [(s, cid, how) for s, cid in CASES for how in HOWS] \
    if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else \
    [(s, cid, HOWS[i % len(HOWS)]) for i, (s, cid) in enumerate(CASES)]


@pytest.mark.slow
@pytest.mark.parametrize("suite_name,cid,how", MATRIX)
def test_every_claim_meets_a_degenerate_run_with_a_verdict(suite_name, cid, how, monkeypatch):
    calls = []
    monkeypatch.setattr(RunMemo, "run", degenerate(how, calls))
    claim = next(c for c in claims(suite_name) if c.id == cid)
    r = run_claim(claim, SUITES[suite_name]())
    for v in (r.result, r.twin):
        assert "internal error" not in str(v.details), v.details
    if r.verdict in ("UNDECIDED", "OUTSIDE_ASSUMPTIONS"):
        d = r.result.details
        assert d.get("reason") or d.get("error") or d.get("downgraded"), r.result
    if r.verdict == "REFUTED":
        assert r.result.measurement.strip() not in ("", "-"), r.result
    # a claim that measured a run must not verify on one without samples or with a NaN or an infinity
    # (the exact claims that integrate nothing, and those that read only the final state, may)
    assert r.verdict != "VERIFIED" or how in ("frozen", "empty") or not calls, (how, r.result)


def _exit_at_one_lost(self, j, k, co, b, rk, nj, h, hpow, hits, scale=None):
    """The full engine's sliding exits with the end ``alpha = 1`` lost (only ``beta_k r_k = 0``)."""
    from gfcheck.numeric._full import _first_root, fdot

    f1 = [fdot(b[: i + 1], reversed(rk[: i + 1])) for i in range(self.p)]
    thr2 = self.tol * (abs(rk[0]) + (self.yscale[k] if scale is None else scale)) ** 2
    hits.add(_first_root(f1, h, hpow, self.rel, thr2 if f1[0] <= thr2 else 0), j, k, "slide")


@pytest.mark.slow
def test_twin_no_slide_out_from_an_engine_fault_is_refuted_with_evidence(monkeypatch):
    """Separable claim 6 on an engine that loses the sliding exit at alpha = 1 (it crashed in
    mpf_to_fraction(None)): no negative survivor slides out long past T(theta_0) + 2 delay: REFUTED."""
    from gfcheck.numeric import _full

    monkeypatch.setattr(_full._FullEngine, "slide_exits", _exit_at_one_lost)
    ctx = SepContext(separable_problem(), Profile("sl", (4, 6, 8), dps=30, max_exponent=8, claim_seconds=120.0))
    r = run_claim(next(c for c in claims("separable") if c.id == "reactivation"), ctx)
    assert r.verdict == "REFUTED", r.result
    assert "no slide-out of a negative survivor" in r.result.measurement
