"""What the three engines share: the order rule, the exact start, the hit list of a step, and
the one conversion of a run into a :class:`~gfcheck.numeric.trajectory.Trajectory` (the root
refinement is :func:`gfcheck.numeric._roots.refine_root`).

The engines differ in their arithmetic only (gmpy2 fixed point in ``_reduced``, mpmath ``mpf``
in ``_full``, numpy floats in ``_float64``); each loop reads as the same named phases (series,
step size, event scan, loss scan, samples, advance, events).  The engines call the functions
here through the module (``_common.order_for``), so that one patch reaches all of them.

>>> order_for(100)
36
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = ["order_for", "initial_values", "w_cheap", "on_invariant_line", "lone_point", "Hits", "Run",
           "to_trajectory", "jz_factor", "polynomial_floor", "Watchdog", "LOSS_SLACK", "loss_band", "label_loss",
           "Crossing"]


def order_for(bits: int) -> int:
    """Taylor order for a relative step tolerance ``2^-bits``: ``ceil(bits ln2 / 2) + 1``.

    The truncation error of order ``p`` with the step ``h = rho e^{-2} e^{-0.7/(p-1)}`` is about
    ``e^{-2p}`` (Jorba and Zou 2005), so ``p = bits ln2 / 2`` reaches ``2^-bits``.

    >>> order_for(110)
    40
    """
    return int(math.ceil(bits * math.log(2) / 2)) + 1


def jz_factor(p: int) -> float:
    """``e^{-2 - 0.7/(p-1)}``: the factor of the Jorba-Zou step rule ``h = rho e^{-2} e^{-0.7/(p-1)}``.

    >>> round(jz_factor(36), 4)
    0.1327
    """
    return math.exp(-2.0 - 0.7 / (p - 1))


def polynomial_floor(p: int, R: float, Y: float, K: float, m: int) -> float:
    """The step floor of the square-loss field on ``(a, U)`` (reduced and float64 engines):
    ``jz_factor(p) / (4 K (4 m R^2 + Y))``.

    The rule (docs/mutation.md, "the progress watchdog"): with ``R = max |z|`` the state's
    max-norm, every state ``z'`` of the complex ball ``|z' - z| <= R`` has ``|a'|, |u'| <= 2R``, so
    ``|r_k| <= 4 m R^2 + Y`` (``Y = max |y_k|``) and the field is at most ``M = 2 K R (4 m R^2 + Y)``
    (``K = max(1, max_k ||x_k||^2 / n)``).  The exact flow is then analytic on ``|t| < R / M`` and
    stays in the ball (Picard iteration in complex time), so Cauchy's estimate bounds each Taylor
    coefficient, ``|z_q| <= R (M / R)^q``, and the Jorba-Zou estimate ``min_q (R / |z_q|)^(1/q)``
    of a correct series is at least ``R / M``.  The step is at least ``jz_factor(p) R / M``; the
    floor halves it (rounding of the coefficients and of the logarithms: a relative error below
    1 in a coefficient changes its q-th root by less than ``2^(1/q) <= 2``).

    >>> f = polynomial_floor(36, 1.0, 1.0, 1.0, 10)
    >>> 1e-4 < f < 1e-2
    True
    """
    return jz_factor(p) / (4.0 * K * (4.0 * m * R * R + Y))


def initial_values(problem):
    """Exact initial data ``(a0, u0)``: ``u_jk(0) = lambda <g_j, x_k>`` (Fractions) and ``a_j(0)``.

    ``a_j(0)`` is ``("sqrt", s_j, q_j)`` for the balanced start ``s_j sqrt(q_j)`` with
    ``q_j = lambda^2 ||g_j||^2`` (exact), or the Fraction ``output_weights[j]``.  Each engine
    rounds these once into its own arithmetic (the one border, docs/suites/orthogonal.md section 2).
    """
    lam = problem.scale
    X = problem.inputs
    u0 = [[lam * sum((g * x for g, x in zip(gj, xk)), Fraction(0)) for xk in X] for gj in problem.directions]
    if problem.output_weights is None:
        a0 = [("sqrt", s, lam * lam * sum((g * g for g in gj), Fraction(0)))
              for s, gj in zip(problem.signs, problem.directions)]
    else:
        a0 = list(problem.output_weights)
    return a0, u0


def on_invariant_line(problem) -> list[bool]:
    """For each neuron: is ``R_j = a_j(0)^2 - sum_k u_jk(0)^2 / ||x_k||^2`` exactly 0 (orthogonal
    inputs)?  Decided exactly, from the rational start.

    ``a_j^2 - ||w_j||^2`` is conserved by the flow (any loss: ``a`` and ``w`` enter the output as
    a product), and on orthogonal inputs ``||w_j||^2 = ||P_perp w_j||^2 + sum_k u_jk^2/||x_k||^2``
    with the out-of-span part ``P_perp w_j`` constant.  While neuron ``j`` is active on one point
    ``k`` only and its other coordinates sit at exactly 0, ``a_j^2 - u_jk^2/||x_k||^2 = R_j`` is
    constant.  With ``R_j = 0`` the pair moves on the line ``a_j = s_j u_jk / ||x_k||`` (``s_j``
    the sign of ``a_j``), where ``du_jk/dt = -(s_j ||x_k|| / n) r_k u_jk`` is linear in ``u_jk``:
    the coordinate decays exponentially and never reaches 0 in finite time.  A "root" an
    engine finds there is its rounding floor reached, at a time that depends on the precision
    (``log(1/resolution) / rate``): no activation change (docs/suites/orthogonal.md section 2,
    "vanishing coordinates").  The engines keep such a pair on its line instead.

    >>> from gfcheck.symbolic.problem import parse_problem
    >>> p = parse_problem({"schema": "gfcheck.problem/1", "inputs": [["1", "0"], ["0", "2"]],
    ...     "labels": ["1", "1"], "width": 2, "init": {"scale": "1/100",
    ...     "directions": [["1", "2"], ["1", "-1"]], "signs": [-1, 1]}})
    >>> on_invariant_line(p)        # d = n: every balanced neuron lies in the span
    [True, True]
    """
    if not problem.is_orthogonal():
        return [False] * problem.m
    a0, u0 = initial_values(problem)
    nsq = problem.norms_squared()
    out = []
    for aj, row in zip(a0, u0):
        a2 = aj[2] if isinstance(aj, tuple) else aj * aj
        out.append(a2 == sum((u * u / q for u, q in zip(row, nsq)), Fraction(0)))
    return out


def lone_point(active_row, u_row):
    """The one point ``k`` a neuron is active on while every other coordinate is exactly 0, or
    None (see :func:`on_invariant_line`).

    >>> lone_point([False, True], [0, 5]), lone_point([True, True], [1, 5]), lone_point([False, True], [-1, 5])
    (1, None, None)
    """
    ks = [k for k, on in enumerate(active_row) if on]
    if len(ks) != 1:
        return None
    k = ks[0]
    return k if all(u == 0 for l, u in enumerate(u_row) if l != k) else None


def w_cheap(problem) -> bool:
    """Do the states carry ``W`` (``m d (n + 1) <= 200000``)?"""
    return problem.m * problem.d * (problem.n + 1) <= 200_000


#: event-cut steps allowed per coordinate within one floor of time: twice each of its four mode
#: changes (activate, deactivate, slide-in, slide-out)
EVENTS_PER_COORDINATE = 8


class Watchdog:
    """The progress watchdog of one run (issue 20 item 3): a stall ends the run with
    :class:`~gfcheck.symbolic.errors.StepCollapse` in seconds instead of a crawl of minutes.

    Two rules, both from the problem's scales (docs/mutation.md, "the progress watchdog"):

    * **step**: the step the local series allow (the Jorba-Zou estimate, before any cap) below
      ``floor``, the least step that the exact flow's analyticity guarantees at the current state
      (:func:`polynomial_floor`; the full engine's own bound covers its Gram factors, sliding
      matrices and losses).  Within one mode the field is analytic, so this cannot happen to the
      exact flow: ``proven``.
    * **events**: one coordinate cutting more than ``EVENTS_PER_COORDINATE`` consecutive
      event-cut steps while the time advanced by less than the floor (Zeno-like chatter: the same
      root found again and again, the time creeping at the working precision; a coordinate has
      four mode changes, each may come twice within one floor).  ``proven`` only where the flow has
      finitely many kinks: orthogonal inputs with ``ReLU'(0) = 0``, where a coordinate that
      reaches 0 stays there, so a run has at most ``m n`` events in all.  Elsewhere (Filippov
      sliding, ``ReLU'(0) = 1``) the mathematics does not exclude an accumulation of kinks.

    ``as_time`` converts the engine's time values to numbers that compare with the floor;
    ``summary()`` (called only on a collapse) gives ``(state, last events)``.

    >>> w = Watchdog("toy", finite_kinks=True, as_time=float, summary=lambda: ("z = 0", ()))
    >>> w.check_step(0.5, 1e-3, 1e-2)
    Traceback (most recent call last):
    ...
    gfcheck.errors.StepCollapse: toy engine: step 0.001 at t = 0.5 is below the floor 0.01 ...
    """

    __slots__ = ("engine", "limit", "finite_kinks", "as_time", "summary", "counts", "t_mark")

    def __init__(self, engine, *, finite_kinks, as_time, summary):
        self.engine, self.finite_kinks, self.as_time, self.summary = engine, finite_kinks, as_time, summary
        self.limit = EVENTS_PER_COORDINATE
        self.counts = {}
        self.t_mark = None

    def _raise(self, kind, t, step, floor, message, proven, why):
        from gfcheck.symbolic.errors import StepCollapse

        state, events = self.summary()
        events = tuple((float(e[0]), int(e[1]), int(e[2]), str(e[3])) for e in events)
        last = "; ".join(f"t = {e[0]:.12g} neuron {e[1]} point {e[2]} {e[3]}" for e in events) or "none"
        raise StepCollapse(f"{self.engine} engine: {message} ({state}; last events: {last}); {why}",
                           kind=kind, engine=self.engine, t=float(t), step=float(step), floor=float(floor),
                           state=state, events=events, proven=proven, why=why)

    def check_step(self, t, h_est, floor) -> None:
        """The step rule: ``h_est`` (the series' own step estimate) must reach ``floor``."""
        if h_est < floor:
            self._raise("step", t, h_est, floor,
                        f"step {float(h_est):.3g} at t = {float(t):.12g} is below the floor {float(floor):.3g}",
                        True, "the exact flow is analytic on a disc of at least the floor's radius here "
                        "(Picard-Cauchy bound from the problem's scales): the series are wrong")

    def after_step(self, t_start, t_end, hits, floor) -> None:
        """The events rule, after a step from ``t_start`` to ``t_end``; ``hits`` ``(tau, j, k, ...)``
        are the events that ended it (none: not cut)."""
        if not hits:
            self.counts, self.t_mark = {}, None
            return
        if self.t_mark is None or self.as_time(t_end) - self.as_time(self.t_mark) >= floor:
            self.t_mark, self.counts = t_start, {}
        for q in {(h[1], h[2]) for h in hits}:
            self.counts[q] = self.counts.get(q, 0) + 1
        q, count = max(self.counts.items(), key=lambda kv: (kv[1], kv[0]))
        if count > self.limit:
            adv = self.as_time(t_end) - self.as_time(self.t_mark)
            why = ("orthogonal inputs with ReLU'(0) = 0 have at most m n kinks in all: this chatter "
                   "contradicts the flow" if self.finite_kinks else
                   "the mathematics here (Filippov sliding or ReLU'(0) = 1) does not exclude an "
                   "accumulation of kinks, so this is not a verdict on the flow")
            self._raise("events", self.as_time(t_end), adv, floor,
                        f"neuron {q[0]}, point {q[1]} cut {count} consecutive steps that advanced the time "
                        f"by {float(adv):.3g} from t = {float(self.as_time(self.t_mark)):.12g}, less than the "
                        f"floor {float(floor):.3g} (at most {self.limit} allowed)", self.finite_kinks, why)


def finite_kinks(problem) -> bool:
    """Does the flow have finitely many kinks (at most ``m n``)?  Orthogonal inputs and
    ``ReLU'(0) = 0``: a coordinate that reaches 0 is frozen there, one that starts below never moves."""
    return problem.relu_prime_at_zero == 0 and problem.is_orthogonal()


#: bits below the requested precision ``b`` within which a loss sits at a watch's level: the
#: residuals' own resolution, ``2^(-b+12) |y_k|`` (the push rule of ``_reduced`` and ``_float64``)
LOSS_SLACK = 12


def loss_band(scale, target, bits: int) -> Fraction:
    """``2^(-bits + LOSS_SLACK) sqrt(scale target)``: the resolution of a loss near the level
    ``target``, ``scale`` the watched loss's size at ``t = 0`` (for the square loss
    ``sum_{k in points} y_k^2 / (2n)``, :func:`label_loss`).  A sum of squares near ``T`` moves by
    ``2 sqrt(T) |dr|`` when its residuals move by ``|dr| ~ 2^-bits sqrt(scale)``: at a plateau level
    (``T ~ scale``) that is ``2^-bits scale``, at a fit level far below it much less, so a watch at
    ``L(0) 2^-b`` keeps a band below its level.  A tolerance: computed in floats, returned exact.

    >>> loss_band(Fraction(1, 2), Fraction(1, 2), 22)   # (1/2) 2^-10
    Fraction(1, 2048)
    >>> loss_band(1, 2 ** -100, 112) < 2 ** -100
    True
    """
    value = math.sqrt(float(scale) * float(target)) if scale > 0 and target > 0 else 0.0
    return Fraction(math.ldexp(value, -max(0, bits - LOSS_SLACK)))


def label_loss(problem, points) -> Fraction:
    """``sum_{k in points} y_k^2 / (2n)``: the square loss of ``points`` at a zero network."""
    return sum((Fraction(problem.labels[k]) ** 2 for k in points), Fraction(0)) / (2 * problem.n)


class Crossing:
    """When a loss watch is crossed, decided beyond the working precision (issue 19: a loss that
    tends to the watch's level, e.g. a plateau at exactly ``L_0 / 2``, must not be reported as
    crossing it when rounding first reaches the level).

    The *candidate* is the first time the computed loss is ``<= target``; the crossing is
    *confirmed* once the loss is ``<= target - band`` (:func:`loss_band`) and then reported at the
    candidate's time.  A loss back above the target at a step's end drops the candidate (a touch,
    not a crossing).  A candidate never confirmed leaves the watch uncrossed: the run cannot tell
    the loss from the level at its precision.

    >>> c = Crossing()
    >>> c.step(candidate=5, confirmed=None, above_at_end=False), c.step(None, 7, False)
    (None, 5)
    >>> c = Crossing(); c.step(5, None, True), c.step(None, None, False), c.step(8, 9, False)
    (None, None, 8)
    """

    __slots__ = ("pending",)

    def __init__(self):
        self.pending = None

    def at_start(self, value, target, band, t):
        """The check at the run's start: the loss ``value`` against ``target`` at time ``t``."""
        return self.step(t if value <= target else None, t if value <= target - band else None, False)

    @property
    def searching(self) -> bool:
        """Is the first time at the level still to be found (no candidate pending)?  A step's
        candidate search is skipped otherwise: only the confirmation is still needed."""
        return self.pending is None

    def step(self, candidate, confirmed, above_at_end):
        """One step's findings (times or None); returns the crossing time once confirmed."""
        if self.pending is None and candidate is not None:
            self.pending = candidate
        if confirmed is not None:
            return self.pending if self.pending is not None else confirmed
        if above_at_end:
            self.pending = None
        return None


class Hits:
    """The roots found in one step's event scan: ``items`` ``(tau, j, k, kind)`` and ``cut``,
    the earliest of them (or the step, when none)."""

    __slots__ = ("cut", "items")

    def __init__(self, cut):
        self.cut = cut
        self.items = []

    def add(self, root, j, k, kind) -> None:
        if root is not None:
            self.items.append((root, j, k, kind))
            if root < self.cut:
                self.cut = root

    def within(self, slack) -> list:
        """The hits at most ``slack`` after the cut: one instant at the working precision."""
        return [h for h in self.items if h[0] <= self.cut + slack]


@dataclass
class Run:
    """One engine run in the engine's own arithmetic, before conversion.

    ``samples`` and ``final`` are raw states (the engine's ``states`` converts them), event and
    crossing times raw times (its ``time`` converts them); events in reporting order.
    """

    t_final: object
    samples: list
    final: object
    events: list
    crossings: dict
    steps: int
    stopped_on_loss: bool
    stats: dict = field(default_factory=dict)


def to_trajectory(run: Run, *, engine: str, problem, precision, times, t_end, states, time,
                  error_estimate=None, sample_weights: bool = True):
    """The one conversion of a :class:`Run` into a :class:`Trajectory`, in ``precision``'s scope.

    ``states(raws, ts, with_w)`` converts raw states at the exact times ``ts`` (``None``: the
    raw stopping time) into :class:`State` objects (``with_w[i]``: does state ``i`` carry
    ``W``); ``time(raw)`` converts a raw event or crossing time.  Samples carry ``W`` when
    :func:`w_cheap` and ``sample_weights``; the final state when :func:`w_cheap`.
    """
    from .trajectory import Event, Trajectory

    want_w = w_cheap(problem)
    with precision.scope():
        t_fin = None if run.stopped_on_loss else t_end
        raws = list(run.samples) + [run.final]
        ts = list(times)[:len(run.samples)] + [t_fin]
        with_w = [want_w and sample_weights] * len(run.samples) + [want_w]
        converted = states(raws, ts, with_w)
        events = tuple(Event(time(e.t), e.neuron, e.point, e.kind) for e in run.events)
        crossings = {k: (time(v) if v is not None else None) for k, v in run.crossings.items()}
    stats = {"steps": run.steps, "events": len(events)}
    stats.update(run.stats)
    stats.setdefault("stopped_on_loss", run.stopped_on_loss)
    return Trajectory(engine=engine, precision=precision, problem=problem, samples=tuple(converted[:-1]),
                      final=converted[-1], events=events, crossings=crossings,
                      error_estimate=error_estimate, steps=run.steps, stats=stats)
