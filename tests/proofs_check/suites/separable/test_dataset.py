"""The separable suite's generated problems (``suites.separable.dataset``): valid by construction for
every claim, a positive neuron active on ``x_+`` at ``t = 0`` included (a draw without one made ten
claims crash and claim 10 refute before ``SepContext.no_escape``)."""

from __future__ import annotations


from hypothesis import given, settings
from hypothesis import strategies as st

from gfcheck.proofs_check.suites.separable.context import SepContext
from gfcheck.proofs_check.suites.separable.dataset import escapes, problem
from gfcheck.symbolic.problem import parse_problem, problem_to_json
from tests.budget import examples

SIZES = st.fixed_dictionaries({"n": st.integers(3, 9), "d": st.integers(2, 5), "m": st.integers(2, 12),
                               "scale": st.sampled_from(["1e-4", "1e-6", "1/1000"])})


@settings(max_examples=examples(40), deadline=None)
@given(st.integers(0, 2 ** 32), SIZES)
def test_every_drawn_problem_escapes_and_keeps_a1(seed, sizes):
    p = problem(seed, sizes)
    ctx = SepContext(p, "quick")
    assert escapes(p) and ctx.no_escape() is None and ctx.data.a1
    assert problem(seed, sizes) == p  # the same seed, the same problem


def test_a_start_without_a_positive_neuron_on_x_plus_is_drawn_again():
    """Twin: at width 2 many seeds' first start has no positive neuron on ``x_+`` (about ``(3/4)^2``);
    the generator draws again, and the problem it returns escapes where the first start would not."""
    sizes = {"n": 3, "d": 2, "m": 2, "scale": "1e-4"}
    redrawn = 0
    for seed in range(40):
        p = problem(seed, sizes)
        first = parse_problem({**problem_to_json(p), "init": {"scale": "1/10000", "seed": seed}})
        if not escapes(first):
            redrawn += 1
            assert escapes(p) and (p.signs, p.directions) != (first.signs, first.directions)
            assert SepContext(first, "quick").no_escape() is not None
    assert redrawn > 0
