"""The full engine's root prefilter, paired in one process: the concave bound against the former one.

A coordinate is skipped by the event scan when its series provably stays positive on the step.
The former test asked ``c_0 > sum_{i >= 1} |c_i| h^i``; the present one uses the concave lower
bound ``c_0 + c_1 tau + sum_{i >= 2} min(c_i, 0) tau^i`` (``numeric/_full.py::_stays_positive``,
``numeric/_full_fixed.py::clear_of_zero``), so a coordinate moving away from 0 is clear however far
it moves.  This script integrates the same problems with each rule in turn (alternating, median of
``--repeat``), checks that the trajectories are the same numbers, and prints a Markdown table::

    python benchmarks/bench_root_prefilter.py [--repeat 3] [--t-end 60]
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

import mpmath

from gfcheck.numeric import _full, _full_fixed, integrate
from gfcheck.symbolic.problem import load_problem

ROOT = Path(__file__).resolve().parents[1]
CENSUS = ROOT / "benchmarks" / "census" / "problems"
PROBLEMS = {
    "reference-m64 (n = 4, m = 64)": ROOT / "tests" / "data" / "reference-m64.problem.json",
    "census 0030 (n = d = 7, m = 27)": CENSUS / "0030-orthogonal-d-eq-n.problem.json",
    "census 0005 (n = 7, d = 9, m = 30)": CENSUS / "0005-orthogonal-base.problem.json",
}


def former_stays_positive(c0, c, hpow) -> bool:
    """The former mpf test: ``c0 > sum_{i >= 1} |c_i| h^i``."""
    return c0 > mpmath.fdot(list(map(abs, c[1:])), hpow[1:len(c)])


def former_clear_of_zero(ser, j, k, co, c) -> bool:
    """The former integer test: ``X_0 - 1 > S + S 2^-(w - 2) + 1`` with ``S = sum_{i >= 1} |X_i|``."""
    fs = getattr(ser, "fixed", None)
    if fs is None:
        return False
    X = fs.U[(j, k)]
    x0 = X[0] if c is co else -X[0]
    S = sum(map(abs, X[1:]))
    return x0 - 1 > S + (S >> (mpmath.mp.prec - 2)) + 1


@contextmanager
def former_rule():
    saved = _full._stays_positive, _full_fixed.clear_of_zero
    _full._stays_positive, _full_fixed.clear_of_zero = former_stays_positive, former_clear_of_zero
    try:
        yield
    finally:
        _full._stays_positive, _full_fixed.clear_of_zero = saved


def _run(problem, t_end):
    t0 = time.perf_counter()
    r = integrate(problem, dps=30, t_end=t_end, engine="full", error_estimate=False)
    return time.perf_counter() - t0, r


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--t-end", default="60")
    args = ap.parse_args(argv)
    print("| problem (full engine, 30 digits, t_end = %s) | former rule | concave bound | ratio | same trajectory |"
          % args.t_end)
    print("|---|---|---|---|---|")
    for name, path in PROBLEMS.items():
        problem = load_problem(path)
        old, new, same = [], [], True
        for _ in range(args.repeat):
            with former_rule():
                t_old, r_old = _run(problem, args.t_end)
            t_new, r_new = _run(problem, args.t_end)
            old.append(t_old)
            new.append(t_new)
            same &= [(e.t, e.neuron, e.point, e.kind) for e in r_old.events] == \
                [(e.t, e.neuron, e.point, e.kind) for e in r_new.events] and r_old.final == r_new.final
        mo, mn = statistics.median(old), statistics.median(new)
        print(f"| {name} | {mo:.2f} s | {mn:.2f} s | {mn / mo:.2f} | {'yes' if same else '**no**'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
