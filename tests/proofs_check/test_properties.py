"""Every claim is a property over generated problems (issue: honest verdicts).

Generated valid orthogonal problems (exact rationals by construction, ``tests/strategies.py``):
n from 1 to 6 with d >= n, row norms spread over at least a factor 10, labels of both signs or of
one sign, widths with a main neuron per sign class (A3) or without, explicit directions or a seed.
The property, per claim: VERIFIED, or OUTSIDE_ASSUMPTIONS naming the assumption, or UNDECIDED
only when a stated ladder budget was spent (and then it says which lambda a decision needs);
never REFUTED. Failing examples shrink towards one point in one dimension.

The number of problems per claim follows the hypothesis profile (``HYPOTHESIS_PROFILE``): a
twelfth of its ``max_examples`` (dev 1, ci 3, thorough 33): in CI 18 x 3 = 54 problems.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import nonzero_rationals, orthogonal_matrices

from gfcheck.proofs_check.context import Context, Profile
from gfcheck.proofs_check.registry import claims, run_claim
from gfcheck.symbolic.problem import Problem, parse_problem

#: a short ladder that may deepen to 1e-60 within 20 s per claim
PROPERTY = Profile("property", (10, 20, 30), dps=20, max_exponent=60, claim_seconds=20.0)
EXAMPLES = max(1, settings.default.max_examples // 12)
CLAIM_IDS = [c.id for c in claims()]


@st.composite
def valid_problems(draw, max_n=6):
    """Orthogonal problems: rows of an exactly orthogonal rational matrix scaled by rationals whose
    largest/smallest ratio is at least 10; labels of both signs or one; A3 kept or broken; the
    initialisation explicit (a main neuron per sign class unless A3 is to be broken) or seeded."""
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(n, n + 2))
    Q = draw(orthogonal_matrices(d))
    small = draw(st.sampled_from([Fraction(1, 2), Fraction(1, 4), Fraction(1, 5)]))
    norms = [small * 10] + [draw(st.sampled_from([small, small * 2, small * 5, small * 10, small * 3]))
                            for _ in range(n - 1)]
    norms[-1 if n > 1 else 0] = small if n > 1 else norms[0]
    X = [tuple(norms[k] * v for v in Q[k]) for k in range(n)]
    one_sign = draw(st.booleans())
    y = [abs(draw(nonzero_rationals(4, 3))) * (1 if one_sign or k % 2 == 0 else -1) for k in range(n)]
    if draw(st.booleans()):  # a seed: the toolkit draws g_j ~ N(0, I_d) and s_j
        m = draw(st.integers(2, 8))
        doc = {"schema": "gfcheck.problem/1", "inputs": [[str(v) for v in x] for x in X],
               "labels": [str(v) for v in y], "width": m,
               "init": {"scale": "1/1000", "seed": draw(st.integers(0, 2 ** 16))}}
        return parse_problem(doc)
    q = [sum(v * v for v in x) for x in X]
    keep_A3 = draw(st.booleans())
    dirs, signs = [], []
    for s in (1, -1):
        S = [k for k in range(n) if s * y[k] > 0]
        if not S or not keep_A3 and len(S) >= 2:
            continue
        c = [Fraction(1) if k in S else draw(nonzero_rationals(3, 3)) for k in range(n)]
        dirs.append(tuple(sum((c[k] * X[k][i] / q[k] for k in range(n)), Fraction(0)) for i in range(d)))
        signs.append(s)
    for _ in range(draw(st.integers(0 if dirs else 1, 3))):
        c = [draw(nonzero_rationals(3, 3)) for _ in range(n)]
        dirs.append(tuple(sum((c[k] * X[k][i] / q[k] for k in range(n)), Fraction(0)) for i in range(d)))
        signs.append(draw(st.sampled_from((1, -1))))
    return Problem(inputs=tuple(X), labels=tuple(y), width=len(dirs), scale=Fraction(1, 1000),
                   directions=tuple(dirs), signs=tuple(signs))


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], max_examples=EXAMPLES)
@given(problem=valid_problems())
def test_every_claim_holds_or_says_why_not(claim_id, problem):
    claim = {c.id: c for c in claims()}[claim_id]
    r = run_claim(claim, Context(problem, PROPERTY))
    assert r.verdict != "REFUTED", (claim_id, r.result)
    if r.verdict == "OUTSIDE_ASSUMPTIONS":
        assert r.result.details.get("reason"), (claim_id, r.result)
    if r.verdict == "UNDECIDED":  # only a spent ladder budget, which says what a decision needs
        reason = str(r.result.details.get("reason", "")) + str(r.result.details.get("downgraded", ""))
        assert "budget" in reason or "deepest rung" in reason, (claim_id, r.result)
