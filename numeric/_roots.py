"""The one root refinement of the three engines (safeguarded Newton in a sign-change bracket).

The arithmetic stays with each engine, behind one interface (a *kernel*): gmpy2 fixed point
(:class:`gfcheck.numeric._fixed.FixedRoots`), mpmath ``mpf`` (``gfcheck.numeric._full._MpfRoots``)
and numpy floats (``gfcheck.numeric._float64._FloatRoots``).  The bracketing (sign sampling)
is each engine's: it is vectorised differently in each arithmetic.
"""

from __future__ import annotations

__all__ = ["refine_root"]


def refine_root(kernel, lo, hi, tau, iterations: int):
    """Safeguarded Newton in a bracket ``[lo, hi]`` with ``P(lo) > 0 >= P(hi)``: the one root
    refinement of the three engines, whatever the arithmetic.

    ``kernel`` supplies the arithmetic: ``value(tau)``, ``slope(tau)``, ``newton(tau, v, d, lo,
    hi)`` (the Newton step, or its fallback when ``d`` is 0), ``inside(lo, x, hi)`` (is the step
    in the bracket; else bisect: ``middle(lo, hi)``) and ``done(lo, hi, tau, nxt)`` -> None (go
    on) or the value to return.  Returns ``hi`` when the iterations run out.

    >>> class Halves:                      # P(t) = 1/2 - t in floats
    ...     value = staticmethod(lambda t: 0.5 - t)
    ...     slope = staticmethod(lambda t: -1.0)
    ...     newton = staticmethod(lambda t, v, d, lo, hi: t - v / d)
    ...     inside = staticmethod(lambda lo, x, hi: lo < x < hi)
    ...     middle = staticmethod(lambda lo, hi: (lo + hi) / 2)
    ...     done = staticmethod(lambda lo, hi, t, nxt: hi if hi - lo <= 1e-12 else None)
    >>> abs(refine_root(Halves, 0.0, 1.0, 0.25, 60) - 0.5) < 1e-12
    True
    """
    for _ in range(iterations):
        v = kernel.value(tau)
        if v <= 0:
            hi = tau
        else:
            lo = tau
        nxt = kernel.newton(tau, v, kernel.slope(tau), lo, hi)
        if not kernel.inside(lo, nxt, hi):
            nxt = kernel.middle(lo, hi)
        out = kernel.done(lo, hi, tau, nxt)
        if out is not None:
            return out
        tau = nxt
    return hi
