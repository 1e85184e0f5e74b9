"""``Context.decide``: what the ladder note asks for when a limit is not decided."""

from __future__ import annotations


def _undecided(lambda_needed):
    import mpmath

    from gfcheck.proofs_check.rates import Limit

    return Limit("UNDECIDED", mpmath.mpf(1), mpmath.mpf(1), mpmath.mpf("0.1"), mpmath.mpf("0.01"),
                 (mpmath.mpf(1),) * 4, (mpmath.mpf(1),) * 4, (), lambda_needed=lambda_needed)


def test_the_ladder_note_says_digits_when_its_depth_passed_the_lambda_a_decision_needs():
    """Context.decide at the ladder's budget: when the ladder already went past the lambda a
    decision needs, the rungs there sat at the precision floor, so the note asks for digits; the
    twin, a lambda deeper than the ladder, asks for depth only."""
    import mpmath

    from gfcheck.proofs_check.context import Context, Profile
    from gfcheck.proofs_check.verify import default_problem

    ctx = Context(default_problem(), Profile("t", (2, 4, 6, 8), dps=30, max_exponent=8))
    past = ctx.decide(lambda exps: (_undecided(mpmath.mpf("1e-5")), None), (2, 4, 6, 8))[3]
    assert "resolved, but only 4 values" in past and "more digits" in past
    beyond = ctx.decide(lambda exps: (_undecided(mpmath.mpf("1e-12")), None), (2, 4, 6, 8))[3]
    assert "a decision needs lambda <= 1.0e-12" in beyond and "more digits" not in beyond
