"""Value objects that every engine returns: events, sampled states, the trajectory.

All engines (reduced Taylor, full Taylor with sliding, float64 fast path) return a
:class:`Trajectory`.  Real numbers are ``mpmath.mpf`` (the float64 path uses mpf built
from its floats, flagged by ``engine == "float64"``), so the checks downstream treat every
engine alike.

Notation: ``a[j]`` is a_j, ``U[j][k]`` is u_jk = <w_j, x_k>, ``W[j]`` is w_j (length d).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gfcheck.symbolic.errors import InvalidInput

from ._fixed import exact_fraction

__all__ = ["EVENT_KINDS", "Event", "State", "LossWatch", "Trajectory", "check_args"]

EVENT_KINDS = ("deactivate", "activate", "slide-in", "slide-out")


@dataclass(frozen=True)
class Event:
    """A change of activation of neuron ``neuron`` on point ``point`` at time ``t``.

    ``kind`` is ``deactivate`` (u_jk reached 0 from above), ``activate`` (u_jk left 0
    upwards), ``slide-in`` / ``slide-out`` (entered / left a sliding motion along
    u_jk = 0; full engine, non-orthogonal data).
    """

    t: Any
    neuron: int
    point: int
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"Event.kind: expected one of {EVENT_KINDS}, found {self.kind!r}")


@dataclass(frozen=True)
class State:
    """The network at time ``t``: ``a`` (m), ``U`` (m x n) and, when known, ``W`` (m x d)."""

    t: Any
    a: tuple
    U: tuple
    W: tuple | None = None


@dataclass(frozen=True)
class LossWatch:
    """Ask the engine for the first time the partial loss on ``points`` falls to ``target``.

    The partial loss is ``(1/(2n)) * sum_{k in points} (h(x_k) - y_k)^2`` (square loss).
    The crossing is located at working precision on the local solution and reported in
    ``Trajectory.crossings[name]`` (``None`` if it does not happen before the horizon).  It counts
    once the loss is below ``target`` by the band of the working precision
    (:func:`gfcheck.numeric._common.loss_band`, ``2^(-b+12) sqrt(L(0) target)``)
    and is then reported where it first reached ``target``; a loss that only tends to ``target``
    (a plateau at exactly that level) is never crossed (:class:`gfcheck.numeric._common.Crossing`).
    Example: ``LossWatch("half_fit_+", frozenset(S_plus), L_plus_0 / 2)``.
    """

    name: str
    points: frozenset
    target: Any


@dataclass(frozen=True)
class Trajectory:
    """What an engine returns: samples, events, final state, and the evidence behind them.

    ``precision`` is the :class:`~gfcheck.numeric.precision.Precision` of the run (``dps`` and
    ``work_bits`` are its digits and working bits; the float64 engine's is 15 digits at 53
    bits), ``problem`` the problem integrated, ``scale`` the largest magnitude of the final
    state (``a``, ``U``, ``W``): the size against which its absolute errors are read.
    ``error_estimate`` is *measured* (:mod:`gfcheck.numeric.estimate`: twice the largest
    difference to a reference run on everything reported), never the requested tolerance.
    ``None`` means it was not measured (the caller asked for speed); ``gfcheck simulate``
    always measures it.
    """

    engine: str
    precision: Any
    samples: tuple  # tuple[State, ...] at the requested times, in order
    final: State  # at t_end (or at the fitted time with until_loss)
    events: tuple  # tuple[Event, ...] in time order
    crossings: dict = field(default_factory=dict)
    error_estimate: Any = None
    steps: int = 0
    stats: dict = field(default_factory=dict)
    problem: Any = field(default=None, repr=False, compare=False)

    @property
    def dps(self) -> int:
        """Requested decimal digits of the run."""
        return self.precision.dps

    @property
    def work_bits(self) -> int:
        """Working precision of the run in bits (requested plus guard)."""
        return self.precision.work_bits

    @property
    def scale(self):
        """``max |z|`` over the final ``a``, ``U`` and (when carried) ``W``."""
        f = self.final
        rows = tuple(f.U) + tuple(f.W or ())
        return max([abs(v) for v in f.a] + [abs(v) for row in rows for v in row])

    @property
    def times(self) -> tuple:
        return tuple(s.t for s in self.samples)

    def replace(self, **changes) -> "Trajectory":
        """A copy with ``changes`` (``dataclasses.replace``)."""
        import dataclasses

        return dataclasses.replace(self, **changes)

    def joined(self, then: "Trajectory") -> "Trajectory":
        """This run followed by ``then``, the run continued from this one's final state
        (``integrate(..., start=self.final)``): its samples, events and steps after this one's, its
        final state; a watch crossed here keeps this run's time, one first crossed there takes
        ``then``'s.  Seconds add up; the rest of ``stats`` is ``then``'s.

        >>> from fractions import Fraction
        >>> from gfcheck.numeric import integrate
        >>> from gfcheck.symbolic.problem import parse_problem
        >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1"]], "labels": ["1"],
        ...     "width": 1, "init": {"scale": "1/10", "directions": [["1"]], "signs": [1]}})
        >>> first = integrate(p, dps=20, t_end=5, times=(1, 5), error_estimate=False)
        >>> both = first.joined(integrate(p, dps=20, t_end=9, times=(7,), start=first.final, error_estimate=False))
        >>> [int(s.t) for s in both.samples], int(both.final.t), both.stats["continued_at"]
        ([1, 5, 7], 9, '5.0')
        """
        if then.problem is not None and self.problem is not None and then.problem != self.problem:
            raise InvalidInput("joined: the two runs integrate different problems")
        if then.samples and self.samples and then.samples[0].t < self.samples[-1].t:
            raise InvalidInput("joined: the second run must start where the first ends")
        crossings = {k: self.crossings[k] if self.crossings.get(k) is not None else then.crossings.get(k)
                     for k in list(self.crossings) + [k for k in then.crossings if k not in self.crossings]}
        stats = dict(then.stats)
        stats["steps"] = self.steps + then.steps
        stats["events"] = len(self.events) + len(then.events)
        if "seconds" in self.stats or "seconds" in then.stats:
            stats["seconds"] = (self.stats.get("seconds") or 0.0) + (then.stats.get("seconds") or 0.0)
        stats["continued_at"] = str(self.final.t)
        return Trajectory(engine=then.engine, precision=then.precision, samples=self.samples + then.samples,
                          final=then.final, events=self.events + then.events, crossings=crossings,
                          error_estimate=None, steps=self.steps + then.steps, stats=stats, problem=then.problem)


def check_args(problem, t_end, times=(), until_loss=None, watches=()):
    """Validate and make exact the arguments shared by every engine -> ``(T, ts, ul, ws)``.

    The one check of the arguments: :func:`gfcheck.numeric.integrate` calls it before any
    engine runs, and the engines' own entry points (``integrate_full``, ...) call it too, on
    arguments that it has already made exact (it is idempotent)."""
    T = exact_fraction(t_end, where="t_end")
    if T < 0:
        raise InvalidInput(f"t_end: expected a non-negative horizon, found {T}")
    ts = [exact_fraction(s, where=f"times[{i}]") for i, s in enumerate(times)]
    for i, s in enumerate(ts):
        if s < 0 or s > T:
            raise InvalidInput(f"times[{i}] = {s}: sample times must lie in [0, t_end = {T}]")
        if i and s < ts[i - 1]:
            raise InvalidInput(f"times[{i}] = {s}: sample times must be sorted (previous {ts[i - 1]})")
    ul = None
    if until_loss is not None:
        ul = exact_fraction(until_loss, where="until_loss")
        if ul < 0:
            raise InvalidInput(f"until_loss: expected a non-negative loss level, found {ul}")
    ws = []
    for w in watches:
        if not isinstance(w, LossWatch):
            raise InvalidInput(f"watches: expected LossWatch objects, found {type(w).__name__}")
        pts = frozenset(w.points)
        bad = [k for k in pts if not isinstance(k, int) or not 0 <= k < problem.n]
        if bad:
            raise InvalidInput(f"LossWatch {w.name!r}: points {bad} are not indices 0..{problem.n - 1}")
        ws.append(LossWatch(w.name, pts, exact_fraction(w.target, where=f"LossWatch {w.name!r}.target")))
    names = [w.name for w in ws]
    if len(set(names)) != len(names):
        raise InvalidInput(f"watches: names must be unique, found {names}")
    return T, ts, ul, ws
