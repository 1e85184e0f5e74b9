"""Cost per Taylor step against the width m and the number of points n (a benchmark script).

Problems are made like tests/data/reference-m*.problem.json (REFERENCE-README.md): n orthogonal
inputs ``x_k = c_k e_k``, lambda = 1e-6, directions from ``numpy.random.default_rng(12345)``
written as the exact decimals of their binary64 values, alternating signs.  For each size the
engine runs in-process without the error estimate and the cost per step is
``stats["seconds"] / steps``; the slope of ``log(cost per step)`` against ``log m`` (or
``log n``) is fitted by least squares (1 = linear).  Whole commands (``gfcheck simulate``,
import included) are timed with ``--whole``.

    python3 benchmarks/bench_scaling.py                       # widths 8..1024 (float64, 30 digits)
    python3 benchmarks/bench_scaling.py --sizes               # n = 2..16 at m = 64
    python3 benchmarks/bench_scaling.py --whole --engine float64
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from gfcheck.numeric import integrate
from gfcheck.symbolic.problem import parse_problem

NORMS = ["1", "1.5", "0.8", "1.2"]
LABELS = ["1", "0.7", "-0.9", "-0.4"]


def problem_doc(m: int, n: int = 4) -> dict:
    rng = np.random.default_rng(12345)
    G = rng.standard_normal((m, n))
    norms = [NORMS[k % 4] for k in range(n)]
    labels = [LABELS[k % 4] for k in range(n)]
    inputs = [[norms[k] if i == k else "0" for i in range(n)] for k in range(n)]
    dirs = [[str(Fraction(float(v))) for v in row] for row in G]  # exact binary64 values
    return {"schema": "gfcheck.problem/1", "inputs": inputs, "labels": labels, "width": m,
            "init": {"scale": "1e-6", "directions": dirs, "signs": [1 if j % 2 == 0 else -1 for j in range(m)]}}


def per_step(m, n, engine, dps, t_end):
    p = parse_problem(problem_doc(m, n))
    t0 = time.perf_counter()
    kw = {"sample_weights": False} if engine != "float64" else {}
    tr = integrate(p, engine=engine, dps=dps, t_end=t_end, error_estimate=False, **kw)
    wall = time.perf_counter() - t0
    secs = tr.stats.get("seconds") or wall
    return secs / max(1, tr.steps), tr.steps, wall


def slope(xs, ys):
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def whole(m, n, engine, dps, t_end):
    with tempfile.TemporaryDirectory() as tmp:
        prob = Path(tmp) / "p.json"
        prob.write_text(json.dumps(problem_doc(m, n)))
        cmd = [sys.executable, "-m", "gfcheck", "simulate", str(prob), "--out",
               str(Path(tmp) / "r.json"), "--t-end", str(t_end), "--engine", engine, "--dps", str(dps)]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        return time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", action="store_true", help="n = 2..16 at m = 64 (default: widths)")
    ap.add_argument("--engine", choices=["reduced", "float64", "both"], default="both")
    ap.add_argument("--dps", type=int, default=30)
    ap.add_argument("--t-end", default="64", help="horizon (cost per step is what is fitted)")
    ap.add_argument("--max-m", type=int, default=1024)
    ap.add_argument("--whole", action="store_true", help="also time whole gfcheck simulate commands")
    args = ap.parse_args(argv)
    engines = ["float64", "reduced"] if args.engine == "both" else [args.engine]
    for engine in engines:
        label = "float64" if engine == "float64" else f"{args.dps} digits"
        if args.sizes:
            xs = [2, 4, 8, 16]
            sizes = [(64, n) for n in xs]
        else:
            xs = [m for m in (8, 16, 32, 64, 128, 256, 512, 1024) if m <= args.max_m]
            sizes = [(m, 4) for m in xs]
        costs = []
        for m, n in sizes:
            c, steps, wall = per_step(m, n, engine, args.dps, args.t_end)
            costs.append(c)
            extra = f", whole command {whole(m, n, engine, args.dps, args.t_end):.2f} s" if args.whole else ""
            print(f"{label:10s} m={m:<5d} n={n:<3d} steps {steps:5d}  {1e3 * c:9.3f} ms/step  "
                  f"(run {wall:.2f} s{extra})", flush=True)
        var = "n" if args.sizes else "m"
        print(f"{label:10s} fitted slope of cost/step vs {var}: {slope(xs, costs):.2f} "
              f"(upper half {slope(xs[len(xs) // 2:], costs[len(xs) // 2:]):.2f})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
