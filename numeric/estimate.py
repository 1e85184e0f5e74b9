"""The measured error estimate: a reference run on the other core, compared on everything reported.

A result reports the final state ``(a, U, W)``, the sampled states, the event times, the
crossing times of loss watches and (with ``until_loss``) the stopping time.  The estimate is

    error_estimate = 2 max |z - z'|

over all of them, where ``z'`` comes from a *reference run*: the same engine at higher
precision (``dps + 10`` digits and the engine's own order rule; for the
float64 engine, the same engine in x87 extended precision, 64-bit significand, with the order
for that precision), started in a forked process on the other core so that it costs (almost) no
wall time.  What it bounds: with ``e`` and ``e'`` the true errors of the two runs,
``e <= |z - z'| + e'``, so ``e <= 2 |z - z'|`` whenever the reference run is at least twice as
accurate as the main one (``e' <= e / 2``); the reference has ten digits more (a 10^10 margin
at any precision; about 1000 times smaller error for float64), so the factor 2 is a wide margin.
Ten digits, not a third more: at 100 digits the reference then costs about 1.2 main runs, not
1.8, and the margin does not grow with the digits asked for.  It is a measured
estimate, not a rigorous enclosure: an error that both runs share (the problem data, rounded
once at the border, are exact in both) is not seen.

When the two runs do not report the same events (the same activation changes, matched by
``(neuron, point, kind)`` and order of occurrence) or the same watches crossed, the reported
event structure is not reproducible at higher precision: the estimate then vouches for no digit
(it is set to the largest magnitude among the final values) and ``stats["error_estimate_parts"]``
says what differed.

>>> import mpmath
>>> from gfcheck.numeric.trajectory import Event
>>> match_events([Event(mpmath.mpf(1), 0, 1, "deactivate")], [Event(mpmath.mpf("1.5"), 0, 1, "deactivate")])
(mpf('0.5'), None)
>>> match_events([Event(1, 0, 1, "deactivate")], [])[1]
'events differ: (0, 1, deactivate) 1 time(s) against 0'
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict

from gfcheck.symbolic.errors import IntegrationFailed

__all__ = ["run_with_reference", "pair_events", "match_events", "match_crossings", "trajectory_difference",
           "estimate_from_parts", "with_estimate", "reference_precision", "SAFETY"]

#: the estimate is SAFETY times the measured difference (see the module docstring)
SAFETY = 2


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def quiet_child() -> None:
    """In a forked worker: SIGTERM ends it silently (the default action; the parent terminates it
    on the way out) and Ctrl-C is left to the parent, which reports the interruption once (the
    CLI's handlers, inherited by the fork, would print a worker's traceback)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_with_reference(main, ref, *, parallel=None):
    """``(main(), ref())``, the reference in a forked child process on another core.

    ``parallel=None`` forks when the process may use two cores or more and the platform has
    ``fork``; ``False`` runs the two one after the other (same results: the runs are independent
    and deterministic).  If the main run raises, the child is terminated; if the reference run
    raises, its error is raised here.
    """
    if parallel is None:
        parallel = _cores() > 1
    if parallel and "fork" not in multiprocessing.get_all_start_methods():
        parallel = False
    if not parallel:
        return main(), ref()
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child():
        quiet_child()
        try:
            payload = ("ok", ref())
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            payload = ("err", exc)
        try:
            send.send(payload)
        except Exception as exc:  # noqa: BLE001 - an unpicklable payload
            send.send(("err", IntegrationFailed(f"the reference run's result could not be sent back: {exc!r}")))

    proc = ctx.Process(target=child, daemon=True)
    try:
        proc.start()
    except (AssertionError, OSError):  # a daemonic parent (a pool worker) or no resources
        recv.close()
        send.close()
        return main(), ref()
    send.close()
    done = False
    try:
        out = main()
        try:
            status, val = recv.recv()
        except EOFError:
            proc.join()
            raise IntegrationFailed(
                f"the reference run (error estimate) ended without a result (exit code {proc.exitcode}); "
                "rerun with error_estimate=False, or in one process (error_estimate_parallel=False)"
            ) from None
        done = True
    finally:
        if not done and proc.is_alive():
            proc.terminate()
        proc.join()
        recv.close()
    if status == "err":
        raise val
    return out, val


def _key(e):
    return (e.neuron, e.point, e.kind)


def pair_events(events, ref_events):
    """``(pairs, mismatches)``: ``pairs[i]`` the event of ``ref_events`` that is ``events[i]``
    (None when it has none), matched by ``(neuron, point, kind)`` and order of occurrence; the
    mismatches name every ``(neuron, point, kind)`` whose counts differ.

    An event is a coordinate's activation change and its place in that coordinate's history: the
    order of events at one instant across coordinates (one residual's crossing re-activates
    several neurons at once) is each engine's bookkeeping, so two runs are never paired by list
    position.

    >>> from gfcheck.numeric.trajectory import Event
    >>> one, two = Event(1, 2, 0, "activate"), Event(1, 0, 0, "activate")
    >>> pairs, bad = pair_events([one, two], [two, one])
    >>> [(e.neuron, e.point) for e in pairs], bad
    ([(2, 0), (0, 0)], [])
    """
    theirs = defaultdict(list)
    for e in ref_events:
        theirs[_key(e)].append(e)
    seen = defaultdict(int)
    pairs = []
    for e in events:
        key = _key(e)
        pairs.append(theirs[key][seen[key]] if seen[key] < len(theirs[key]) else None)
        seen[key] += 1
    bad = [f"({key[0]}, {key[1]}, {key[2]}) {seen[key]} time(s) against {len(theirs[key])}"
           for key in sorted(set(seen) | set(theirs)) if seen[key] != len(theirs[key])]
    return pairs, bad


def match_events(events, ref_events):
    """``(max |t - t'|, None)`` over the events paired by :func:`pair_events`, or ``(max over the
    paired ones, message)`` when the two lists differ."""
    pairs, bad = pair_events(events, ref_events)
    d = max((abs(e.t - r.t) for e, r in zip(events, pairs) if r is not None), default=0)
    return d, ("events differ: " + "; ".join(bad[:5]) + (" ..." if len(bad) > 5 else "")) if bad else None


def match_crossings(crossings, ref_crossings):
    """``(max |t - t'|, message or None)`` over the loss watches (a watch crossed in one run only
    is a mismatch)."""
    d = 0
    bad = []
    for name in sorted(crossings):
        x, y = crossings[name], ref_crossings.get(name)
        if (x is None) != (y is None):
            bad.append(f"watch {name!r} crossed in one run only")
        elif x is not None:
            d = max(d, abs(x - y))
    return d, ("; ".join(bad) if bad else None)


def _state_difference(s, r):
    d = 0
    for x, y in zip(s.a, r.a):
        d = max(d, abs(x - y))
    rows = list(zip(s.U, r.U))
    if s.W is not None and r.W is not None:
        rows += list(zip(s.W, r.W))
    for r1, r2 in rows:
        for x, y in zip(r1, r2):
            d = max(d, abs(x - y))
    return d


def trajectory_difference(tr, ref) -> tuple[dict, list]:
    """``(parts, mismatches)``: the largest differences between two :class:`Trajectory` runs.

    ``parts`` has ``final`` (a, U, W; and the stopping time with ``until_loss``), ``samples``
    (a, U, W of every common sample), ``events`` and ``crossings`` (times).  Call it in the
    main run's precision scope.
    """
    parts = {"final": _state_difference(tr.final, ref.final)}
    if tr.stats.get("stopped_on_loss") or ref.stats.get("stopped_on_loss"):
        parts["final"] = max(parts["final"], abs(tr.final.t - ref.final.t))
    parts["samples"] = max((_state_difference(s, r) for s, r in zip(tr.samples, ref.samples)), default=0)
    parts["events"], bad_e = match_events(tr.events, ref.events)
    parts["crossings"], bad_c = match_crossings(tr.crossings, ref.crossings)
    return parts, [m for m in (bad_e, bad_c) if m]


def estimate_from_parts(parts: dict, mismatches: list, scale):
    """``SAFETY * max(parts)``; with a mismatch, at least ``scale`` (no digit vouched for)."""
    est = SAFETY * max(parts.values())
    if mismatches:
        est = max(est, scale)
    return est


def reference_precision(precision):
    """The reference run's precision: ``dps + 10`` digits, the same guard bits."""
    return precision.raised(10)


def with_estimate(main, ref, *, parallel=None):
    """The one error-estimate mechanism of every engine: ``main()`` and ``ref()`` (two
    :class:`~gfcheck.numeric.trajectory.Trajectory` runs, the reference on the other core, see
    :func:`run_with_reference`), compared by :func:`trajectory_difference` at the main run's
    working precision on everything the result reports; returns the main run with its
    ``error_estimate`` (:func:`estimate_from_parts`, with the main run's :attr:`scale` when the
    event structures differ) and the evidence in ``stats``.
    """
    import mpmath

    tr, hi = run_with_reference(main, ref, parallel=parallel)
    with tr.precision.scope():
        parts, mismatches = trajectory_difference(tr, hi)
        err = estimate_from_parts(parts, mismatches, tr.scale)
    stats = dict(tr.stats)
    stats["error_estimate_dps"] = hi.dps
    stats["error_estimate_seconds"] = hi.stats.get("seconds")
    stats["error_estimate_parts"] = {k: mpmath.nstr(v, 3) for k, v in parts.items()}
    stats["error_estimate_mismatch"] = mismatches
    return tr.replace(error_estimate=err, stats=stats)
