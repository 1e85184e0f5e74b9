"""The hypotheses of the theorems, as exact predicates on a problem.

A claim is a theorem's prediction; the theorem has hypotheses.  Each hypothesis is an
:class:`Assumption`: a name, the statement, where it comes from, and an exact test on the
problem (rationals, the exact predictions of :mod:`.predictions`) that returns ``None`` when it
holds and a *witness* (a short text naming what fails) when it does not.  A claim declares the
hypotheses it needs; they are checked before any integration, and a failing one makes the claim
``OUTSIDE_ASSUMPTIONS`` with the witness and the source, never ``REFUTED``
(``docs/verdicts.md`` section "Assumptions").

The test receives a *facts* object with ``problem``, and, computed on first use, ``data``
(:func:`.predictions.data_predictions`) and ``neurons`` (:func:`.predictions.neuron_predictions`):
the verification context is one.

>>> from fractions import Fraction as F
>>> from gfcheck.symbolic.problem import Problem
>>> p = Problem(inputs=((F(1), F(0)), (F(0), F(2))), labels=(F(1), F(-1)), width=1, scale=F(1, 1000),
...             directions=((F(1), F(1)),), signs=(1,), relu_prime_at_zero=1)
>>> RELU_PRIME_ZERO.witness(Facts(p))
"relu_prime_at_zero = 1 (the problem's convention); the theorem is for ReLU'(0) = 0"
>>> ORTHOGONAL_INPUTS.witness(Facts(p)) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

from .errors import InvalidInput

__all__ = ["Assumption", "Facts", "ORTHOGONAL_INPUTS", "RELU_PRIME_ZERO", "A3_MAIN_NEURON", "SQUARE_LOSS",
           "BALANCED_START", "MOVING_FLOW", "EVERY_POINT_COVERED", "PAPER_FLOW", "failing"]


@dataclass(frozen=True)
class Assumption:
    """A hypothesis of a theorem: ``witness(facts)`` is ``None`` when it holds on the problem,
    else a short text naming what fails (exact: decided in rationals)."""

    id: str
    statement: str
    source: str
    witness: Callable[[Any], str | None]
    #: ids of hypotheses this one is defined under: when one of them fails, this one is not asked
    requires: tuple = ()

    def __post_init__(self) -> None:
        for name in ("id", "statement", "source"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise InvalidInput(f"Assumption: {name} must be a non-empty string")
        if not callable(self.witness):
            raise InvalidInput(f"Assumption {self.id!r}: witness must be callable")

    def to_json(self) -> dict:
        return {"id": self.id, "statement": self.statement, "source": self.source}


class Facts:
    """What an assumption may read: the problem and its exact predictions (computed once)."""

    def __init__(self, problem):
        self.problem = problem

    @cached_property
    def data(self):
        """:class:`gfcheck.symbolic.predictions.DataPredictions` of the problem (exact)."""
        from .predictions import data_predictions

        return data_predictions(self.problem)

    @cached_property
    def neurons(self):
        """:class:`gfcheck.symbolic.predictions.NeuronPredictions` of the problem (exact)."""
        from .predictions import neuron_predictions

        return neuron_predictions(self.problem)


def _orthogonal(facts):
    p = facts.problem
    if p.is_orthogonal():
        return None
    bad = next((k, l) for k in range(p.n) for l in range(k + 1, p.n) if p.gram()[k][l] != 0)
    return (f"<x_{bad[0]}, x_{bad[1]}> = {p.gram()[bad[0]][bad[1]]} != 0 (largest off-diagonal cosine "
            f"{p.largest_off_diagonal_cosine():.6g})")


def _relu_prime_zero(facts):
    if facts.problem.relu_prime_at_zero == 0:
        return None
    return (f"relu_prime_at_zero = {facts.problem.relu_prime_at_zero} (the problem's convention); "
            "the theorem is for ReLU'(0) = 0")


def _a3(facts):
    if _orthogonal(facts) is not None:
        return "undefined on non-orthogonal inputs (no sign groups of the decoupled flow)"
    nr, data = facts.neurons, facts.data
    missing = [name for name, S, sign in (("+", data.S_plus, 1), ("-", data.S_minus, -1))
               if S and not any(nr.kind[j] == "main" and facts.problem.signs[j] == sign
                                for j in range(facts.problem.m))]
    if not missing:
        return None
    return (f"no main neuron (initially active on every point of its sign class) in the sign group(s) "
            f"{', '.join(missing)}")


def _square(facts):
    return None if facts.problem.loss == "square" else f"loss = {facts.problem.loss!r}"


def _balanced(facts):
    p = facts.problem
    if p.output_weights is None:
        return None
    return "an unbalanced start (output_weights given): a_j(0) != s_j ||w_j(0)|| for some j"


def _moving(facts):
    p = facts.problem
    dots = [sum(g * x for g, x in zip(gj, xk)) for gj in p.directions for xk in p.inputs]
    if any(v > 0 for v in dots) or (p.relu_prime_at_zero == 1 and any(v == 0 for v in dots)):
        return None
    at_zero = "< 0" if p.relu_prime_at_zero == 1 else "<= 0"
    return (f"no neuron is active on any point at t = 0 (every u_jk(0) {at_zero}, relu_prime_at_zero = "
            f"{p.relu_prime_at_zero}): the field vanishes and the flow is at rest, so nothing moves to be measured")


def _covered(facts):
    covered = set().union(*facts.neurons.A_inf)  # A_inf[j]: the points neuron j covers (its sign, active)
    bare = [k for k in range(facts.problem.n) if k not in covered]
    if not bare:
        return None
    return (f"point(s) {', '.join(map(str, bare))} covered by no correctly signed neuron at t = 0 (no neuron of "
            "the label's sign active there): under ReLU'(0) = 0 such a point is never fitted")


ORTHOGONAL_INPUTS = Assumption(
    "orthogonal-inputs", "the inputs are pairwise orthogonal", "Boursier et al. 2022 (setting); "
    "docs/suites/orthogonal.md 1",
    _orthogonal)
RELU_PRIME_ZERO = Assumption(
    "relu-prime-zero", "the flow uses ReLU'(0) = 0 (coordinates that reach 0 stay frozen)",
    "Boursier et al. 2022, Appendix D (via Chistikov et al. 2023); docs/suites/orthogonal.md 1.2, 7.4",
    _relu_prime_zero)
A3_MAIN_NEURON = Assumption(
    "A3", "every nonempty sign group has a main neuron (initially active on its whole sign class)",
    "docs/suites/orthogonal.md 4.1, 7.1 (assumption A3)", _a3, requires=("orthogonal-inputs",))
SQUARE_LOSS = Assumption("square-loss", "the square loss 1/(2n) sum (h - y)^2", "docs/suites/orthogonal.md 1.1",
                         _square)
MOVING_FLOW = Assumption(
    "moving", "the flow moves: some neuron is active on some point at t = 0 (with ReLU'(0) = 1, or at 0)",
    "docs/suites/orthogonal.md 1.2 (every term of the field carries relu(u_jk) or relu'(u_jk))", _moving)
EVERY_POINT_COVERED = Assumption(
    "every-point-covered", "every point is covered at t = 0 by a neuron of its label's sign (implied by A3)",
    "docs/suites/orthogonal.md 7.1, 7.2 (A3 dropped, the fit kept)", _covered)
BALANCED_START = Assumption(
    "balanced", "a balanced start a_j(0) = s_j ||w_j(0)||", "Boursier et al. 2022 (setting); "
    "docs/suites/orthogonal.md 1.1",
    _balanced)


#: the hypotheses of the paper's theorems on the saddle-to-saddle flow (claims 8-14 declare them all)
PAPER_FLOW = (ORTHOGONAL_INPUTS, RELU_PRIME_ZERO, A3_MAIN_NEURON, BALANCED_START)


def failing(assumptions, facts) -> list[tuple[Assumption, str]]:
    """``[(assumption, witness)]`` for every assumption that fails on ``facts`` (in order); one whose
    ``requires`` failed is not asked (A3 has no meaning on non-orthogonal inputs: one line, not two)."""
    out = []
    for a in assumptions:
        if any(b.id in a.requires for b, _ in out):
            continue
        w = a.witness(facts)
        if w is not None:
            out.append((a, w))
    return out
