"""The theorems' hypotheses as exact predicates (gfcheck.symbolic.assumptions): each holds where it
should and fails, with a witness naming the failure, on the problem that breaks it (its twin)."""

from __future__ import annotations

import dataclasses
from fractions import Fraction as F

from hypothesis import given
from hypothesis import strategies as st

from gfcheck.symbolic.assumptions import (A3_MAIN_NEURON, BALANCED_START, EVERY_POINT_COVERED, MOVING_FLOW,
                                          ORTHOGONAL_INPUTS, RELU_PRIME_ZERO, Facts, failing)
from gfcheck.symbolic.problem import Problem

from strategies import non_orthogonal_problems, orthogonal_problems


@given(orthogonal_problems(max_n=5, max_d=6, max_m=8), st.sampled_from([0, 1]))
def test_relu_prime_zero_is_decided_by_the_convention_alone(p, conv):
    p = dataclasses.replace(p, relu_prime_at_zero=conv)
    w = RELU_PRIME_ZERO.witness(Facts(p))
    assert (w is None) == (conv == 0)
    if conv:
        assert "relu_prime_at_zero = 1" in w


@given(orthogonal_problems(max_n=5, max_d=6, max_m=8))
def test_orthogonal_inputs_hold_on_orthogonal_data(p):
    assert ORTHOGONAL_INPUTS.witness(Facts(p)) is None


@given(non_orthogonal_problems(max_n=5, max_d=6, max_m=8))
def test_orthogonal_inputs_fail_with_the_pair_that_breaks_them(p):
    w = ORTHOGONAL_INPUTS.witness(Facts(p))
    assert w is not None and "<x_0, x_1>" in w  # the strategy breaks exactly this pair first
    assert A3_MAIN_NEURON.witness(Facts(p)) is not None  # A3 is undefined there, never "holds"


def _two_points(directions, signs):
    return Problem(inputs=((F(1), F(0), F(0)), (F(0), F(2), F(0))), labels=(F(1), F(-1, 2)), width=len(signs),
                   scale=F(1, 1000), directions=tuple(directions), signs=tuple(signs))


def test_a3_holds_with_a_main_neuron_per_group_and_names_the_group_that_lacks_one():
    main_plus, main_minus = (F(1), F(-1), F(1, 3)), (F(-1), F(1), F(1, 3))
    assert A3_MAIN_NEURON.witness(Facts(_two_points([main_plus, main_minus], [1, -1]))) is None
    # twin: the negative neuron turned away from x_1 (not active on its whole sign class)
    w = A3_MAIN_NEURON.witness(Facts(_two_points([main_plus, (F(-1), F(-1), F(1, 3))], [1, -1])))
    assert w is not None and "group(s) -" in w and "+" not in w.split("group(s)")[1]


def test_balanced_start_fails_on_explicit_output_weights():
    p = _two_points([(F(1), F(-1), F(1, 3))], [1])
    assert BALANCED_START.witness(Facts(p)) is None
    q = dataclasses.replace(p, output_weights=(F(1, 500),))
    assert "unbalanced" in BALANCED_START.witness(Facts(q))


def test_failing_lists_every_failing_hypothesis_in_order():
    p = dataclasses.replace(_two_points([(F(1), F(-1), F(1, 3))], [1]), relu_prime_at_zero=1)
    bad = failing((ORTHOGONAL_INPUTS, RELU_PRIME_ZERO, A3_MAIN_NEURON), Facts(p))
    assert [a.id for a, _ in bad] == ["relu-prime-zero", "A3"]


@given(orthogonal_problems(max_n=5, max_d=6, max_m=8), st.sampled_from([0, 1]))
def test_a_flow_at_rest_is_outside_and_one_active_pair_moves_it(p, conv):
    """Every direction turned away from every point (``g_j = -sum_k x_k / ||x_k||^2``, so
    ``u_jk(0) = -lambda < 0``): the field vanishes, MOVING_FLOW fails with its witness.  Twin: one
    neuron turned towards one point (``u_00(0) > 0``) moves the flow."""
    away = tuple(-sum(x[i] / sum(v * v for v in x) for x in p.inputs) for i in range(p.d))
    rest = dataclasses.replace(p, directions=(away,) * p.m, relu_prime_at_zero=conv)
    w = MOVING_FLOW.witness(Facts(rest))
    assert w is not None and "at rest" in w and f"relu_prime_at_zero = {conv}" in w
    toward = tuple(-v for v in away)
    assert MOVING_FLOW.witness(Facts(dataclasses.replace(rest, directions=(toward,) + (away,) * (p.m - 1)))) is None


def test_a_coordinate_at_zero_moves_the_flow_only_under_relu_prime_one():
    p = Problem(inputs=((F(1), F(0)), (F(0), F(2))), labels=(F(1), F(-1)), width=1, scale=F(1, 1000),
                directions=((F(0), F(-1)),), signs=(1,))  # u_00(0) = 0, u_01(0) < 0
    assert MOVING_FLOW.witness(Facts(p)) is not None
    assert MOVING_FLOW.witness(Facts(dataclasses.replace(p, relu_prime_at_zero=1))) is None


@given(orthogonal_problems(max_n=5, max_d=6, max_m=8))
def test_a_point_without_a_correctly_signed_neuron_is_named_and_a3_implies_coverage(p):
    """EVERY_POINT_COVERED (claim 16's hypothesis once A3 is dropped; census 0094): the directions of
    every neuron of point 0's sign turned away from it (reflected across its hyperplane) leave point 0
    uncovered, and the witness names it.  Twin: A3 holding implies every point covered."""
    x0 = p.inputs[0]
    sign = 1 if p.labels[0] > 0 else -1
    nsq = sum(v * v for v in x0)

    def away(g):
        dot = sum(a * b for a, b in zip(g, x0))
        return g if dot <= 0 else tuple(a - 2 * dot / nsq * b for a, b in zip(g, x0))

    bare = dataclasses.replace(p, directions=tuple(away(g) if s_j == sign else g
                                                   for g, s_j in zip(p.directions, p.signs)))
    w = EVERY_POINT_COVERED.witness(Facts(bare))
    assert w is not None and w.startswith("point(s) 0")
    if A3_MAIN_NEURON.witness(Facts(p)) is None:
        assert EVERY_POINT_COVERED.witness(Facts(p)) is None
