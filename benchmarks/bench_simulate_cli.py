"""Whole commands timed side by side (a benchmark script, not a test).

* ``gfcheck simulate reference-m64.problem.json --t-end T --dps 30`` (the I/O developer's command
  on top of ``gfcheck.numeric.integrate``; it measures its error estimate, i.e. runs twice);
* the same integration as a bare script (``benchmarks/bench_engines.py --only gfcheck``);
* a script that builds and runs heyoka's MPFR integrator with events
  (``benchmarks/bench_engines.py --only heyoka-real``), import and JIT included.

    python3 benchmarks/bench_simulate_cli.py [--m 64] [--dps 30] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROBLEMS = Path(__file__).resolve().parents[1] / "tests" / "data"  # copies of ../shared/problems


def timed(cmd, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            return None, (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
    return statistics.median(times), proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--m", type=int, default=64)
    ap.add_argument("--dps", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    prob = PROBLEMS / f"reference-m{args.m}.problem.json"
    T = json.loads((PROBLEMS / f"reference-m{args.m}.solution.json").read_text())["T"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        gf = shutil.which("gfcheck")
        cmds = {
            "gfcheck simulate": ([gf] if gf else [sys.executable, "-m", "gfcheck.proofs_check"])
            + ["simulate", str(prob), "--out", str(out), "--t-end", T, "--dps", str(args.dps)],
            "gfcheck integrate script": [sys.executable, str(HERE / "bench_engines.py"), "--only", "gfcheck",
                                         "--m", str(args.m), "--dps", str(args.dps)],
            "heyoka MP script": [sys.executable, str(HERE / "bench_engines.py"), "--only", "heyoka-real",
                                 "--m", str(args.m), "--dps", str(args.dps)],
        }
        res = {name: timed(cmd, args.repeats) for name, cmd in cmds.items()}
    base = res["heyoka MP script"][0]
    for name, (med, info) in res.items():
        if med is None:
            print(f"{name:26s} FAILED: {info}")
            continue
        ratio = f"{med / base:.2f}x heyoka" if base else "-"
        print(f"{name:26s} median {med:7.3f} s  {ratio:>14s}   {info}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
