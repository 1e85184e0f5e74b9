"""Whole commands timed side by side (a benchmark script, not a test).

* ``gfcheck simulate reference-m64.problem.json --t-end T --dps 30`` (the I/O developer's command
  on top of ``gfcheck.numeric.integrate``; it measures its error estimate, i.e. runs twice);
* the same integration as a bare script (``benchmarks/bench_engines.py --only gfcheck``);
* a script that builds and runs heyoka's MPFR integrator with events
  (``benchmarks/bench_engines.py --only heyoka-real``), import and JIT included.

    python3 benchmarks/bench_simulate_cli.py [--m 64] [--dps 30] [--repeats 3]
    python3 benchmarks/bench_simulate_cli.py --table      # the rows of issue 13, paired with heyoka
    python3 benchmarks/bench_simulate_cli.py --ladder     # digits 16, 30, 50, 100, 300 (m = 64)

``--table`` and ``--ladder`` time each gfcheck command and heyoka's script alternately (paired,
median of ``--repeats``) and print the ratio gfcheck / heyoka, with the CPU seconds of the
gfcheck command (children included: the error estimate's reference run is a second process).
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


def timed_cpu(cmd):
    """``(wall, cpu, last stderr line)`` of one whole command (cpu: user + sys of the children)."""
    import resource

    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    lines = (proc.stderr.strip() or proc.stdout.strip()).splitlines()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {lines[-1] if lines else '(no message)'}")
    return wall, cpu, (proc.stdout.strip().splitlines() or lines or [""])[-1]


def gfcheck_cmd(prob, out, T, *extra):
    gf = shutil.which("gfcheck") or str(Path(sys.executable).with_name("gfcheck"))
    base = [gf] if Path(gf).exists() else [sys.executable, "-m", "gfcheck"]
    return base + ["simulate", str(prob), "--out", str(out), "--t-end", T, *extra]


def heyoka_cmd(m, dps, real=True):
    return [sys.executable, str(HERE / "bench_engines.py"), "--only", "heyoka-real" if real else "heyoka-float64",
            "--m", str(m), "--dps", str(dps)]


def paired(rows, repeats):
    """Time (label, gfcheck command, heyoka command) rows alternately; print medians and ratios."""
    print(f"{'case':44s} {'gfcheck':>9s} {'(cpu)':>7s} {'heyoka':>8s} {'ratio':>6s}", flush=True)
    results = []
    for label, gcmd, hcmd in rows:
        g, c, h = [], [], []
        info = ""
        for _ in range(repeats):
            w, cpu, info = timed_cpu(gcmd)
            g.append(w)
            c.append(cpu)
            if hcmd is not None:
                h.append(timed_cpu(hcmd)[0])
        mg, mc = statistics.median(g), statistics.median(c)
        mh = statistics.median(h) if h else None
        ratio = f"{mg / mh:6.2f}" if mh else "     -"
        hs = f"{mh:8.2f}" if mh else "       -"
        print(f"{label:44s} {mg:9.2f} {mc:7.2f} {hs} {ratio}", flush=True)
        results.append({"case": label, "gfcheck": mg, "cpu": mc, "heyoka": mh, "info": info})
    return results


def table_rows(tmp, ladder=False):
    T = json.loads((PROBLEMS / "reference-m64.solution.json").read_text())["T"]
    prob = {m: PROBLEMS / f"reference-m{m}.problem.json" for m in (8, 64, 256)}
    out = Path(tmp) / "r.json"
    if ladder:
        return [(f"m = 64, {d} digits, no estimate", gfcheck_cmd(prob[64], out, T, "--dps", str(d),
                                                                   "--no-error-estimate"), heyoka_cmd(64, d))
                for d in (16, 30, 50, 100, 300)]
    return [
        ("m = 64, 30 digits, default (measured error)", gfcheck_cmd(prob[64], out, T), heyoka_cmd(64, 30)),
        ("m = 64, 30 digits, --no-error-estimate", gfcheck_cmd(prob[64], out, T, "--no-error-estimate"),
         heyoka_cmd(64, 30)),
        ("m = 256, float64 (measured error)", gfcheck_cmd(prob[256], out, T, "--engine", "float64"),
         heyoka_cmd(256, 16, real=False)),
        ("m = 64, float64 (measured error)", gfcheck_cmd(prob[64], out, T, "--engine", "float64"),
         heyoka_cmd(64, 16, real=False)),
        ("m = 256, float64, --no-error-estimate", gfcheck_cmd(prob[256], out, T, "--engine", "float64",
                                                             "--no-error-estimate"), heyoka_cmd(256, 16, real=False)),
        ("m = 64, 100 digits, default (measured error)", gfcheck_cmd(prob[64], out, T, "--dps", "100"),
         heyoka_cmd(64, 100)),
        ("m = 64, 100 digits, --no-error-estimate", gfcheck_cmd(prob[64], out, T, "--dps", "100",
                                                               "--no-error-estimate"), heyoka_cmd(64, 100)),
    ]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--m", type=int, default=64)
    ap.add_argument("--dps", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--table", action="store_true", help="the rows of issue 13, paired with heyoka")
    ap.add_argument("--ladder", action="store_true", help="digits 16, 30, 50, 100, 300 at m = 64")
    args = ap.parse_args(argv)
    if args.table or args.ladder:
        with tempfile.TemporaryDirectory() as tmp:
            paired(table_rows(tmp, ladder=args.ladder), args.repeats)
        return 0
    prob = PROBLEMS / f"reference-m{args.m}.problem.json"
    T = json.loads((PROBLEMS / f"reference-m{args.m}.solution.json").read_text())["T"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        gf = shutil.which("gfcheck")
        cmds = {
            "gfcheck simulate": ([gf] if gf else [sys.executable, "-m", "gfcheck"])
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
