"""Claim 8 (alignment) on a main neuron left with one active point when d = n (census 0145).

Its other coordinates deactivate at a time that does not depend on lambda; past it ``w_j`` is parallel to
``x_k`` and to ``D_j = |y_k| x_k`` exactly (no out-of-span part when d = n), so ``1 - cos = 0`` at every
deep rung and the rate ``lambda^r`` has nothing to measure.  The closed form says the same (no
perpendicular part, to the working precision); the claim judges ``1 - cos = 0`` there instead of
deepening its ladder in search of resolved values (census 0145: 1e-2 .. 1e-145, one decade at a time,
until the whole-run budget cut it).
"""

from __future__ import annotations

import pytest

from gfcheck.proofs_check.core.context import Profile
from gfcheck.proofs_check.core.registry import claims, suite
from gfcheck.symbolic.problem import parse_problem


def _problem(d: int):
    """n = 2 orthogonal inputs (a rotation of e_1, e_2 in R^d), labels 1 and -1, one neuron of each sign active on both
    points at the start: each loses the point of the other sign early, and keeps one.  ``d = 3`` adds an
    out-of-span direction to both neurons (``lambda P_perp g_j`` stays, so ``1 - cos > 0``)."""
    e = [["3/5", "4/5"] + ["0"] * (d - 2), ["-4/5", "3/5"] + ["0"] * (d - 2)]  # rotated: P_perp g rounds
    g = [["1/3", "5/7"] + ["2/9"] * (d - 2), ["2/7", "3/5"] + ["1/9"] * (d - 2)]
    return parse_problem({"schema": "gfcheck.problem/1", "inputs": e, "labels": ["1", "-1"], "width": 2,
                          "init": {"scale": "1/100", "directions": g, "signs": [1, -1]}})


@pytest.mark.parametrize("d", [2, 3])
def test_a_main_neuron_parallel_to_its_point_is_judged_exact_not_deepened(d):
    ctx = suite("orthogonal").make_context(_problem(d), Profile.named("quick"))
    claim = next(c for c in claims("orthogonal") if c.id == "alignment")
    result, twin = claim.check(ctx)
    parts = result.details.get("parts", {})
    exact = [name for name in parts if name.endswith("exact")]
    if d == 2:
        assert result.verdict == "VERIFIED" and len(exact) == 2, result.details
        assert all(parts[name]["prediction"].startswith("1 - cos = 0") for name in exact)
    else:  # twin: the out-of-span part keeps 1 - cos > 0, and the rate is judged
        assert not exact and any(name.endswith("exponent") for name in parts), result.details
