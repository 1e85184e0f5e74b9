"""The float64 path checked against an independent high-precision run (issue 20 item 2).

The float64 engine (``engine="float64"``, :mod:`gfcheck.numeric._float64`) promises every number it
reports (final and sampled ``a, U, W``, event times, watch crossing times) to within its stated
accuracy ``stats["accuracy"]`` (its ``error_estimate``, :mod:`gfcheck.numeric.estimate`: twice the
largest difference to the same engine in extended precision).  That estimate is the same code at
more digits, so an error both runs share (a loosened root tolerance, a wrong step-size rule) is not
in it.  The check here compares the float64 trajectory with the *reduced* engine (mpf, its own
order and step rule) at the profile's digits, and judges, part by part,

    real error = max |z_float64 - z_reference| <= error_estimate,

with the same event list ``(neuron, point, kind)`` as the reference.  The reference's own error is
that of the requested digits, ``2^(-b+12) (1 + max |z|)`` (claims 3 and 18 check it), which must lie
below the estimate divided by :data:`EDGE` for the comparison to decide (else UNDECIDED).  The
estimate is not the only promise: a fault that both its runs share can make it grow with the error,
so the real error must also lie within float64's own digits over the horizon
(:func:`float64_promise`).

An event time is promised through its conditioning: the state is promised to ``P =``
:func:`float64_promise`, so the time at which the quantity ``g`` that decides the event crosses
zero (``u_jk`` for a deactivation, the residual ``r_k`` whose sign turns the push
``-a_j r_k ||x_k||^2 / n`` for a re-entry under ReLU'(0) = 1) is promised to ``P / |dg/dt|``, the
first-order event-location bound, with ``dg/dt`` read from the reference's state at its event
(:func:`event_speed`; computed only for the events that differ by more than ``P``).  A re-entry
where ``r_k`` crosses 0 at an amplitude below float64's resolution is ill-conditioned: census
problem 0085 (ReLU'(0) = 1) has ``|dr_4/dt| ~ 1e-12`` at its crossing and the float64 run
re-enters 45 time units late, which no 53-bit run can resolve; that is not a fault, its estimate
says so (its extended-precision reference resolves the push at its own 64 bits, not at float64's).

The negative twin is the same comparison against the reference with a planted perturbation of
:data:`EDGE` promises (``EDGE * error_estimate`` added to ``a_0`` of the final state and of every
sample, to every event time and every crossing time): the float64 run must be refuted by it, part
by part (a comparison that cannot see an error of four promises proves nothing); likewise
``EDGE * float64_promise`` for the float64 digits.

>>> EDGE
4
"""

from __future__ import annotations

import dataclasses

import mpmath

from gfcheck.numeric.field import reduced_rates
from gfcheck.numeric.precision import bits_for_dps, to_mpf, tolerance

from .measure import EDGE, combine_verdicts, first_nonfinite, s, verdict_of
from .verdicts import Verdict

__all__ = ["float64_verdicts", "float64_promise", "planted", "event_speed", "PARTS"]

#: the parts of a trajectory that the float64 path reports (``trajectory_difference``'s keys)
PARTS = ("final", "samples", "events", "crossings")

SLACK = 12  # bits of slack on the reference's 2^-b (as claims 3, 4 and 18)


def planted(tr, delta, event_deltas=None):
    """``tr`` with ``delta`` added to ``a_0`` of the final state and of every sample, to every
    event time (``event_deltas[i]`` to event ``i`` when given) and to every crossing time (the
    twin's perturbed reference)."""
    def state(st):
        return dataclasses.replace(st, a=(st.a[0] + delta,) + tuple(st.a[1:])) if st.a else st

    shifts = [delta] * len(tr.events) if event_deltas is None else event_deltas
    events = tuple(dataclasses.replace(e, t=e.t + d) for e, d in zip(tr.events, shifts))
    crossings = {k: (None if v is None else v + delta) for k, v in tr.crossings.items()}
    return tr.replace(final=state(tr.final), samples=tuple(state(x) for x in tr.samples), events=events,
                      crossings=crossings)


def float64_promise(t_end, scale):
    """What the float64 path promises whatever its estimate says: ``2^(-53+12) (1 + T) (1 + max |z|)``,
    float64's unit roundoff per unit of time over the horizon ``T`` (rounding accumulates at most
    linearly in time on the stable flow), 12 bits of slack (sums over ``m n`` terms, as claims 3, 4 and
    18), relative to the state's size (the module docstring of :mod:`gfcheck.numeric._float64`: a
    tolerance ``~2^-52`` relative to ``max |z|`` per step); an event time is promised to it divided by
    the speed at which the event's quantity crosses 0 (:func:`event_time_promises`).

    >>> float64_promise(0, 0) == mpmath.ldexp(1, -41)
    True
    """
    return tolerance(53, SLACK) * (1 + to_mpf(t_end)) * (1 + to_mpf(scale))


def event_speed(problem, st, e):
    """``|dg/dt|`` at the state ``st`` (``a``, ``U``) for the quantity ``g`` that decides the event
    ``e``: ``u_jk`` for a deactivation (``du_jk/dt = -c_k a_j r_k``), the residual ``r_k`` for a
    re-entry (``dr_k/dt = sum_i [a_i' u_ik + a_i u_ik']`` over the active pairs, with
    ``a_i' = -(1/n) sum_l r_l u_il`` and ``u_ik' = -c_k a_i r_k``), ``c_k = ||x_k||^2 / n``,
    ``r_k = sum_i a_i u_ik^+ - y_k`` (docs/suites/orthogonal.md 1.3); None for the kinds of other engines.

    >>> from gfcheck.proofs_check.suites.orthogonal.suite import default_problem
    >>> from gfcheck.numeric.trajectory import Event, State
    >>> p = default_problem()
    >>> st = State(0, (mpmath.mpf(1),) * p.m, tuple((mpmath.mpf(0),) * p.n for _ in range(p.m)))
    >>> event_speed(p, st, Event(0, 0, 0, "deactivate")) == abs(p.norms_squared()[0] / p.n * p.labels[0])
    True
    """
    if e.kind not in ("deactivate", "activate"):
        return None
    n = problem.n
    f = reduced_rates(st.a, st.U, [to_mpf(v) for v in problem.labels], [to_mpf(q) / n for q in problem.norms_squared()])
    return f.coordinate_rate(e.neuron, e.point) if e.kind == "deactivate" else abs(f.residual_rate(e.point))


def states_at_events(ctx, problem, f64, ref, t_end) -> dict:
    """``{t: state}``: the reference's states at every event time of either run (exact rationals), from
    one more reference run sampled there, to the last of them (at most ``t_end``).  :func:`first_difference` and
    :func:`event_time_promises` both read it, so the run is made once (the context's memo); it was two
    runs sampled at their own times.  Empty when neither run has an event."""
    from .context import mpf_to_fraction

    times = tuple(sorted({mpf_to_fraction(mpmath.mpf(x.t)) for x in tuple(f64.events) + tuple(ref.events)}))
    return dict(zip(times, ctx.run_to_last(problem, times, t_end).samples)) if times else {}


def event_time_promises(ctx, problem, f64, ref, promise, t_end):
    """The promise on each of ``ref``'s event times: ``P`` (:func:`float64_promise`) where the
    float64 run's paired event lies within it, else ``max(P, P / |dg/dt|)`` with ``dg/dt`` from the
    reference's state at its event (:func:`event_speed`, :func:`states_at_events`); infinite where
    ``dg/dt = 0`` (no first-order bound)."""
    from gfcheck.numeric.estimate import pair_events

    from .context import mpf_to_fraction

    pairs, _ = pair_events(f64.events, ref.events)
    where = {id(q): i for i, q in enumerate(ref.events)}
    out = [promise] * len(ref.events)
    off = sorted({where[id(q)] for e, q in zip(f64.events, pairs) if q is not None and abs(e.t - q.t) > promise})
    if not off:
        return out
    at = states_at_events(ctx, problem, f64, ref, t_end)
    for i in off:
        speed = event_speed(problem, at[mpf_to_fraction(mpmath.mpf(ref.events[i].t))], ref.events[i])
        out[i] = mpmath.inf if not speed else max(promise, promise / speed)
    return out


def _event_ratio(f64, ref, promises):
    """``max |t - t_ref| / promise`` over the paired events with a finite promise (0 if none)."""
    from gfcheck.numeric.estimate import pair_events

    pairs, _ = pair_events(f64.events, ref.events)
    where = {id(q): i for i, q in enumerate(ref.events)}
    ratios = [abs(e.t - q.t) / promises[where[id(q)]] for e, q in zip(f64.events, pairs)
              if q is not None and mpmath.isfinite(promises[where[id(q)]])]
    return max(ratios, default=mpmath.mpf(0))


def _undecided(reason, details=None):
    v = Verdict("UNDECIDED", "-", "-", "-", "-", {**(details or {}), "reason": reason})
    return v, v


def _finite(tr) -> bool:
    """Every reported number of ``tr`` is finite (a NaN or an infinity is no measurement)."""
    times = [e.t for e in tr.events] + [v for v in tr.crossings.values() if v is not None]
    return first_nonfinite((tr.final,) + tuple(tr.samples)) is None and all(mpmath.isfinite(v) for v in times)


def _bound_pair(ok, twin_ok, real, twin_real, bound, planted_what, det=None, prediction=None):
    """``(claim, twin)`` of one part ``real <= bound``; the twin is the same bound on the planted
    reference (``planted_what`` says what was planted)."""
    pred = prediction or f"<= {s(bound, 3)}"
    tol = s(bound, 3) if prediction is None else "1"
    return (Verdict(verdict_of(ok), pred, s(real, 4), s(real, 4), tol, det or {}),
            Verdict(verdict_of(twin_ok), pred, s(twin_real, 4), s(twin_real, 4), tol, {"planted": planted_what}))


def _estimate_parts(f64, ref, est):
    """The parts judged against the float64 run's own estimate: ``(parts, differences, parts
    without data)``."""
    from gfcheck.numeric.estimate import trajectory_difference

    parts_real, bad = trajectory_difference(f64, ref)
    parts_twin, bad_twin = trajectory_difference(f64, planted(ref, EDGE * est))
    parts = {}
    for name in PARTS:
        same = not (name == "events" and bad) and not (name == "crossings" and any("watch" in m for m in bad))
        ok_twin = parts_twin[name] <= est and not (name == "events" and bad_twin)
        parts[name] = _bound_pair(same and parts_real[name] <= est, ok_twin, parts_real[name], parts_twin[name], est,
                                  f"{EDGE} x the estimate", {} if same else {"mismatch": "; ".join(bad)})
    empty = [n for n in ("events", "crossings")
             if not (ref.events if n == "events" else [v for v in ref.crossings.values() if v is not None])]
    for name in empty:  # nothing reported there: the part is no evidence either way
        del parts[name]
    return parts, parts_real, empty


def _digits_parts(ctx, problem, f64, ref, t_end, parts_real):
    """float64's own digits, whatever the estimate says (an estimate that grew with the error, a
    fault both runs share, must not excuse it): states and crossings to the promise ``P``, event
    times to ``P / |dg/dt|`` -> ``(parts, largest real error, P)``."""
    from gfcheck.numeric.estimate import trajectory_difference

    promise = float64_promise(t_end, ref.scale)
    states = ("final", "samples", "crossings")
    real = max(parts_real[n] for n in states)
    tps = event_time_promises(ctx, problem, f64, ref, promise, t_end)
    twin_ref = planted(ref, EDGE * promise, [EDGE * (tp if mpmath.isfinite(tp) else 0) for tp in tps])
    twin_real = max(trajectory_difference(f64, twin_ref)[0][n] for n in states)
    parts = {"float64 digits": _bound_pair(real <= promise, twin_real <= promise, real, twin_real, promise,
                                           f"{EDGE} x the float64 promise")}
    if ref.events:
        ratio, twin_ratio = _event_ratio(f64, ref, tps), _event_ratio(f64, twin_ref, tps)
        conditioned = [s(tp, 3) for tp in tps if tp != promise]
        parts["float64 event times"] = _bound_pair(
            ratio <= 1, twin_ratio <= 1, ratio, twin_ratio, 1, f"{EDGE} x each event's promise",
            {"conditioned": "; ".join(conditioned)} if conditioned else {}, "<= 1 (|dt| / (P / |dg/dt|))")
        real = max(real, parts_real["events"])
    return parts, real, promise


#: at most this many cuts of the horizon before an unresolvable event (each cut halves the gap to
#: the event before it; a run whose differences keep moving earlier stays UNDECIDED)
MAX_CUTS = 3


def first_difference(ctx, problem, f64, ref, promise, t_end):
    """The earliest event on which the float64 run and the reference differ, as ``(t, event, |dg/dt|,
    time promise)``, or None when they agree: an event of either run with no partner, or a paired one
    further apart than its own time promise ``P / |dg/dt|`` (:func:`event_speed`, read from
    :func:`states_at_events`; census 0093: a re-entry 112 time units' promise
    wide is no difference when the runs place it within that), at the earlier of its two times."""
    from gfcheck.numeric.estimate import pair_events

    from .context import mpf_to_fraction

    pairs, _ = pair_events(f64.events, ref.events)
    paired = {id(q) for q in pairs if q is not None}
    found = [(q.t, q, None) for q in ref.events if id(q) not in paired]
    found += [(e.t, e, None) for e, q in zip(f64.events, pairs) if q is None]
    found += [(min(e.t, q.t), q, abs(e.t - q.t)) for e, q in zip(f64.events, pairs)
              if q is not None and abs(e.t - q.t) > promise]
    if not found:
        return None
    state = states_at_events(ctx, problem, f64, ref, t_end)
    for t, e, dt in sorted(found, key=lambda x: x[0]):
        speed = event_speed(problem, state[mpf_to_fraction(mpmath.mpf(t))], e)
        tp = mpmath.inf if not speed else promise / speed
        if dt is None or dt > tp:
            return t, e, speed, tp
    return None


def _digits_alone(ctx, problem, f64, ref, t_end, base, mismatch):
    """The float64 run agrees with the reference on every event within its time promise, while its
    extended-precision estimate run reports other events (census 0093: a brief re-entry the 64-bit run
    alone makes): the estimate vouches for no digit, so its parts say nothing, and the run is judged on
    float64's own digits alone (:func:`_digits_parts`, the half of the claim that holds whatever the
    estimate says)."""
    from gfcheck.numeric.estimate import trajectory_difference

    parts_real, _ = trajectory_difference(f64, ref)
    digits, real, promise = _digits_parts(ctx, problem, f64, ref, t_end, parts_real)
    return combine_verdicts(digits, details={
        **base, "estimate": f"no digit vouched for (its extended-precision run reports other events: {mismatch}; "
                            "the float64 run agrees with the reference on every event within its time promise), "
                            "so float64's own digits are judged alone",
        "float64_promise": s(promise, 3), "real_error": s(real, 4)})


def _cut_before_unresolvable(ctx, problem, f64, ref, t_end, times, watches, what, base, cuts):
    """The float64 run's extended-precision reference reports other events, so its estimate vouches
    for no digit.  When the first event on which the float64 run and the reference differ is beyond
    float64's resolution (its time promise ``P / |dg/dt|``, :func:`event_speed`, is infinite or
    longer than what is left of the horizon: a residual that crosses 0 below float64's push floor,
    census 0032 and 0045), the path is judged on the horizon cut halfway between the event before it
    and it, with the cut and its reason in the details (:func:`_cut_horizon`); a well-conditioned
    first difference, or :data:`MAX_CUTS` cuts made, is UNDECIDED, naming it; no difference against
    the reference (within each event's promise) leaves float64's own digits to judge
    (:func:`_digits_alone`)."""
    mismatch = f64.stats.get("error_estimate_mismatch")
    head = f"the float64 path vouches for no digit here (its extended-precision reference reports another " \
           f"event structure: {mismatch})"
    if len(cuts) >= MAX_CUTS:
        return _undecided(f"{head}; {MAX_CUTS} cuts made and the runs still differ", base)
    with ref.precision.scope():  # the reference's digits: a residual at 1e-18 is no 0
        first = first_difference(ctx, problem, f64, ref, float64_promise(t_end, ref.scale), t_end)
        if first is None:
            return _digits_alone(ctx, problem, f64, ref, t_end, base, mismatch)
        if not _beyond_resolution(first, t_end):
            t_b, e, _, tp = first
            left = to_mpf(t_end) - t_b
            return _undecided(f"{head}; the first difference, ({e.neuron}, {e.point}, {e.kind}) at t = {s(t_b, 8)}, "
                              f"is well conditioned (time promise P / |dg/dt| = {s(tp, 3)}, {s(left, 4)} left of "
                              "the horizon)", base)
    return _cut_horizon(ctx, problem, f64, ref, t_end, times, watches, what, cuts, first)


def _unresolvable_difference(ctx, problem, f64, ref, t_end):
    """The first event on which the float64 run and the reference differ when it is beyond float64's
    resolution (:func:`first_difference`; its time promise ``P / |dg/dt|`` infinite or longer than what
    is left of the horizon), else None.  Census 0089 (ReLU'(0) = 1): the reference re-activates four
    coordinates on point 0 where its residual crosses 0 at the fit, a crossing the float64 run and
    its own extended-precision estimate both leave unresolved, and the path was REFUTED on the event
    set, its states and crossings agreeing to 1e-13."""
    with ref.precision.scope():
        first = first_difference(ctx, problem, f64, ref, float64_promise(t_end, ref.scale), t_end)
        return first if first is not None and _beyond_resolution(first, t_end) else None


def _beyond_resolution(first, t_end) -> bool:
    """Is the difference ``first`` (:func:`first_difference`) beyond float64's resolution: an event
    of the flow's own kinds whose time promise ``P / |dg/dt|`` is no shorter than what is left of the
    horizon (at the caller's working precision)."""
    t_b, _, speed, tp = first
    return speed is not None and tp >= to_mpf(t_end) - t_b


def _cut_horizon(ctx, problem, f64, ref, t_end, times, watches, what, cuts, first):
    """:func:`float64_verdicts` again on the horizon cut halfway between the event before ``first``
    (an unresolvable difference) and it, the cut and its reason added to ``cuts``."""
    from .context import mpf_to_fraction

    with ref.precision.scope():
        promise = float64_promise(t_end, ref.scale)
        t_b, e, speed, tp = first
        left = to_mpf(t_end) - t_b
        name = f"({e.neuron}, {e.point}, {e.kind}) at t = {s(t_b, 8)}"
        before = max((x.t for x in tuple(f64.events) + tuple(ref.events) if x.t < t_b), default=mpmath.mpf(0))
        t_cut = mpf_to_fraction((mpmath.mpf(before) + mpmath.mpf(t_b)) / 2)
        cut = (f"to {s(t_cut, 6)}: the first difference, {name}, is beyond float64's resolution (|dg/dt| = "
               f"{s(speed, 3)}, time promise P / |dg/dt| = {s(tp, 3)} with P = {s(promise, 3)}; {s(left, 4)} "
               f"left of the horizon {s(t_end, 6)}); judged on the horizon before it, halfway from the event before")
    kept = tuple(t * t_cut / t_end for t in times)  # the caller's grid, on the cut horizon
    return float64_verdicts(ctx, problem, t_end=t_cut, times=kept, watches=watches, what=what, cuts=cuts + (cut,))


def float64_verdicts(ctx, problem, *, t_end, times, watches=(), what="", cuts=()):
    """``(claim, twin)``: the float64 engine on ``problem`` against the reduced engine at the
    profile's digits (see the module docstring); ``what`` names the problem in the details.  Where
    the float64 run's estimate vouches for no digit because an event lies beyond float64's
    resolution, the horizon is cut before it (:func:`_cut_before_unresolvable`; ``cuts`` are the
    cuts made so far)."""
    f64 = ctx.run(problem, t_end=t_end, times=times, watches=watches, engine="float64", error_estimate=True)
    ref = ctx.run(problem, t_end=t_end, times=times, watches=watches, engine="reduced", error_estimate=False)
    est = f64.error_estimate
    base = {"problem": what, "horizon": s(t_end, 6), "samples": str(len(times)), "events": str(len(ref.events)),
            **({"horizon_cut": list(cuts)} if cuts else {}),
            "reference": f"reduced engine (mpf, its own step rule) at {ref.dps} digits",
            "estimate_parts": f64.stats.get("error_estimate_parts", {}),
            "estimate_method": str(f64.stats.get("accuracy_method", "-"))}
    if not (_finite(f64) and _finite(ref)) or len(f64.samples) != len(ref.samples):
        return _undecided("a run reports a non-finite number or fewer samples than asked: nothing to compare", base)
    if est is None or f64.stats.get("error_estimate_mismatch"):
        return _cut_before_unresolvable(ctx, problem, f64, ref, t_end, times, watches, what, base, cuts)
    beyond = _unresolvable_difference(ctx, problem, f64, ref, t_end)
    if beyond is not None:  # the estimate agrees with float64, the reference resolves more
        if len(cuts) >= MAX_CUTS:
            return _undecided(f"the reference reports events beyond float64's resolution; {MAX_CUTS} cuts made "
                              "and the runs still differ", base)
        return _cut_horizon(ctx, problem, f64, ref, t_end, times, watches, what, cuts, beyond)
    with ref.precision.scope():
        est = mpmath.mpf(est)
        ref_err = tolerance(bits_for_dps(ctx.profile.dps), SLACK) * (1 + ref.scale)
        if not ref_err * EDGE < est:
            return _undecided(f"the reference's own error {s(ref_err, 3)} is not below the estimate / {EDGE}: "
                              "more digits are needed to judge the estimate", base)
        parts, parts_real, empty = _estimate_parts(f64, ref, est)
        digits, real, promise = _digits_parts(ctx, problem, f64, ref, t_end, parts_real)
        return combine_verdicts({**parts, **digits}, details={
            **base, "estimate": s(est, 4), "float64_promise": s(promise, 3), "reference_error": s(ref_err, 3),
            "real_error": s(real, 4), "parts_without_data": empty})
