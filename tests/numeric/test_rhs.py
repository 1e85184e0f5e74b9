"""The engine's coefficient recurrences against the exact reduced field (digest section 2.1)."""

from __future__ import annotations

from fractions import Fraction as Fr

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numeric_helpers import reference

from gfcheck.numeric._reduced import first_derivatives

BITS = 200


def exact_field(problem, a, U, active):
    """du_jk = -(a_j/n) r_k 1[active] ||x_k||^2, da_j = -(1/n) sum_k r_k relu(u_jk), in Fractions."""
    n, m = problem.n, problem.m
    nx = problem.norms_squared()
    r = [sum((a[j] * U[j][k] for j in range(m) if active[j][k]), Fr(0)) - problem.labels[k] for k in range(n)]
    da = [-sum((r[k] * U[j][k] for k in range(n) if active[j][k]), Fr(0)) / n for j in range(m)]
    dU = [[-a[j] * r[k] * nx[k] / n if active[j][k] else Fr(0) for k in range(n)] for j in range(m)]
    return da, dU


def _close(x, y, scale):
    return abs(Fr(x) - Fr(y)) <= scale * Fr(1, 2 ** (BITS - 16))


rationals = st.fractions(min_value=-3, max_value=3, max_denominator=50)


@given(st.data())
def test_first_coefficient_is_the_field(data):
    p, _ = reference(8)
    a = [data.draw(rationals) for _ in range(p.m)]
    U = [[data.draw(rationals) for _ in range(p.n)] for _ in range(p.m)]
    active = [[u > 0 for u in row] for row in U]
    da, dU = first_derivatives(p, a, U, active, bits=BITS)
    ea, eU = exact_field(p, a, U, active)
    scale = 1 + max(abs(v) for v in ea + [w for row in eU for w in row])
    assert all(_close(x, y, scale) for x, y in zip(da, ea))
    assert all(_close(x, y, scale) for rx, ry in zip(dU, eU) for x, y in zip(rx, ry))


def test_dropped_term_is_detected():
    """Negative twin: the field without the relu(u_jk) weighting of da_j disagrees."""
    p, _ = reference(8)
    a = [Fr(j + 1, 3) for j in range(p.m)]
    U = [[Fr(j - k, 5) for k in range(p.n)] for j in range(p.m)]
    active = [[u > 0 for u in row] for row in U]
    da, _ = first_derivatives(p, a, U, active, bits=BITS)
    r = [sum((a[j] * U[j][k] for j in range(p.m) if active[j][k]), Fr(0)) - p.labels[k] for k in range(p.n)]
    wrong = [-sum(r, Fr(0)) / p.n for _ in range(p.m)]  # relu(u_jk) dropped
    assert not all(_close(x, y, 10) for x, y in zip(da, wrong))


def test_against_the_symbolic_layer():
    """Against ``gfcheck.symbolic.predictions.reduced_rhs(problem)`` (exact, sympy-derived)."""
    predictions = pytest.importorskip("gfcheck.symbolic.predictions")
    p, _ = reference(8)
    rhs = predictions.reduced_rhs(p)
    for shift in range(3):
        a = [Fr(j + 1 + shift, 3) * (1 if j % 2 == 0 else -1) for j in range(p.m)]
        U = [[Fr(j - k + shift, 5) for k in range(p.n)] for j in range(p.m)]
        active = [[u > 0 for u in row] for row in U]
        da, dU = first_derivatives(p, a, U, active, bits=BITS)
        sa, sU = rhs(a, U, active)
        sa = [Fr(int(v.p), int(v.q)) if hasattr(v, "p") else Fr(v) for v in sa]
        sU = [[Fr(int(v.p), int(v.q)) if hasattr(v, "p") else Fr(v) for v in row] for row in sU]
        scale = 1 + max(abs(v) for v in sa + [w for row in sU for w in row])
        assert all(_close(x, y, scale) for x, y in zip(da, sa))
        assert all(_close(x, y, scale) for rx, ry in zip(dU, sU) for x, y in zip(rx, ry))
        # negative twin: a perturbed coefficient is caught
        assert not _close(da[0] + Fr(1, 10**20), sa[0], scale)
