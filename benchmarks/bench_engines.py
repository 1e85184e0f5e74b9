"""Engines side by side on the reference problems (a benchmark script, not a test).

Runs, in one process and on the same problem:

* gfcheck reduced engine (fixed-point gmpy2 Taylor with events) at 16/30/50/100 digits;
* gfcheck float64 fast path;
* heyoka (``pip install heyoka``) Taylor with terminal events, float64 and MPFR (``heyoka.real``);
  the activation masks are runtime parameters, so an event costs no recompilation;
* SciPy ``solve_ivp`` DOP853 with events (restart at each kink);
* mpmath ``odefun`` on a short kink-free horizon (its time is compared with gfcheck's on the
  same horizon).

Prints medians, ratios (gfcheck / competitor) and agreeing digits against the solution files:
``-log10(max |z - z_ref| / max |z_ref|)`` over all a_j, u_jk.

    python3 benchmarks/bench_engines.py                 # the default table (m = 8, 64; 30 digits)
    python3 benchmarks/bench_engines.py --full          # + m = 256 and the digits ladder 16..100
    python3 benchmarks/bench_engines.py --only heyoka-real --m 64 --dps 30   # one engine
    python3 benchmarks/bench_engines.py --series-ab [--full]   # packed series vs the reference recurrences
    python3 benchmarks/bench_engines.py --full-ab       # full engine: fixed-point series vs the mpf reference
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

import mpmath

from gfcheck.numeric import integrate
from gfcheck.numeric._common import initial_values
from gfcheck.numeric.precision import bits_for_dps
from gfcheck.symbolic.problem import load_problem

PROBLEMS = Path(__file__).resolve().parents[1] / "tests" / "data"  # copies of ../shared/problems
#: heyoka's integrator construction (JIT compilation) time of the last run, seconds
LAST = {}


def load(m):
    p = load_problem(PROBLEMS / f"reference-m{m}.problem.json")
    sol = json.loads((PROBLEMS / f"reference-m{m}.solution.json").read_text())
    return p, sol


def digits(a, U, sol):
    with mpmath.workdps(120):
        zr = [mpmath.mpf(s) for s in sol["a"]] + [mpmath.mpf(s) for row in sol["u"] for s in row]
        z = [mpmath.mpf(str(v)) for v in a] + [mpmath.mpf(str(v)) for row in U for v in row]
        d = max(abs(x - y) for x, y in zip(z, zr))
        return float(-mpmath.log10(d / max(abs(x) for x in zr))) if d else math.inf


def _init_strings(p, dps):
    a0, u0 = initial_values(p)
    with mpmath.workdps(dps + 20):
        a = [mpmath.nstr(q[1] * mpmath.sqrt(mpmath.mpf(q[2].numerator) / q[2].denominator), dps + 15)
             if isinstance(q, tuple) else mpmath.nstr(mpmath.mpf(q.numerator) / q.denominator, dps + 15)
             for q in a0]
        u = [[mpmath.nstr(mpmath.mpf(q.numerator) / q.denominator, dps + 15) for q in row] for row in u0]
    return a, u


# -- gfcheck --------------------------------------------------------------------------------------

def run_gfcheck(p, T, dps):
    tr = integrate(p, dps=dps, t_end=T, error_estimate=False)
    return tr.final.a, tr.final.U


def run_gfcheck_f64(p, T, dps=None):
    tr = integrate(p, engine="float64", t_end=T, measure_accuracy=False)
    return tr.final.a, tr.final.U


# -- heyoka ------------------------------------------------------------------------------------

def run_heyoka(p, T, dps=None, real=False):
    import heyoka as hy
    import numpy as np

    m, n = p.m, p.n
    names_a = [f"a{j}" for j in range(m)]
    names_u = [f"u{j}_{k}" for j in range(m) for k in range(n)]
    vs = hy.make_vars(*(names_a + names_u))
    a, u = vs[:m], vs[m:]
    M = lambda j, k: hy.par[j * n + k]  # noqa: E731
    Y = lambda k: hy.par[m * n + k]  # noqa: E731
    C = lambda k: hy.par[m * n + n + k]  # noqa: E731
    invn = hy.par[m * n + 2 * n]
    r = [hy.sum([a[j] * u[j * n + k] * M(j, k) for j in range(m)]) - Y(k) for k in range(n)]
    eqs = [(a[j], -invn * hy.sum([r[k] * u[j * n + k] * M(j, k) for k in range(n)])) for j in range(m)]
    eqs += [(u[j * n + k], -C(k) * a[j] * r[k] * M(j, k)) for j in range(m) for k in range(n)]
    ev_kw = dict(fp_type=hy.real) if real else {}
    evs = [hy.t_event(u[j * n + k] + (1.0 - M(j, k)), direction=hy.event_direction.negative, **ev_kw)
           for j in range(m) for k in range(n)]
    t_build = time.perf_counter()
    a0, u0 = _init_strings(p, dps or 20)
    mask = [1.0 if Fraction(u0[j][k]) > 0 else 0.0 for j in range(m) for k in range(n)]
    nx = p.norms_squared()
    if real:
        prec = bits_for_dps(dps) + 10
        R = lambda s: hy.real(str(s), prec)  # noqa: E731
        state = [R(v) for v in a0] + [R(v) for row in u0 for v in row]
        with mpmath.workdps(dps + 20):
            pars = [R(v) for v in mask] + [R(mpmath.nstr(mpmath.mpf(y.numerator) / y.denominator, dps + 15))
                                            for y in p.labels]
            pars += [R(mpmath.nstr(mpmath.mpf(q.numerator) / (q.denominator * n), dps + 15)) for q in nx]
            pars += [R(mpmath.nstr(mpmath.mpf(1) / n, dps + 15))]
        ta = hy.taylor_adaptive(eqs, state, pars=pars, t_events=evs, fp_type=hy.real, prec=prec,
                                tol=R(f"1e-{dps}"))
        Tend = R(T)
        zero = R(0)
    else:
        state = [float(v) for v in a0] + [float(v) for row in u0 for v in row]
        pars = mask + [float(y) for y in p.labels] + [float(q) / n for q in nx] + [1.0 / n]
        ta = hy.taylor_adaptive(eqs, np.array(state), pars=np.array(pars), t_events=evs, compact_mode=True)
        Tend = float(Fraction(T))
        zero = 0.0
    LAST["build"] = time.perf_counter() - t_build
    while True:
        oc = ta.propagate_until(Tend)[0]
        if oc == hy.taylor_outcome.time_limit:
            break
        code = int(oc)
        if not -len(evs) <= code < 0:  # a terminal event i stops with outcome -(i + 1)
            raise RuntimeError(f"heyoka stopped with {oc}")
        idx = -code - 1
        st = ta.state
        st[m + idx] = zero
        ta.state[:] = st
        pr = ta.pars
        pr[idx] = zero
        ta.pars[:] = pr
    st = list(ta.state)
    return st[:m], [st[m + j * n: m + (j + 1) * n] for j in range(m)]


# -- SciPy ---------------------------------------------------------------------------------------

def run_scipy(p, T, dps=None):
    import numpy as np
    from scipy.integrate import solve_ivp

    m, n = p.m, p.n
    a0, u0 = _init_strings(p, 20)
    z = np.array([float(v) for v in a0] + [float(v) for row in u0 for v in row])
    M = np.array([[float(Fraction(u0[j][k]) > 0) for k in range(n)] for j in range(m)])
    y = np.array([float(q) for q in p.labels])
    c = np.array([float(q) / n for q in p.norms_squared()])

    def f(t, z):
        a, U = z[:m], z[m:].reshape(m, n) * M
        r = a @ U - y
        return np.concatenate([-(U @ r) / n, (-(a[:, None] * r[None, :]) * c * M).ravel()])

    t = 0.0
    Tf = float(Fraction(T))
    scale = np.abs(z).max()
    while t < Tf:
        act = list(zip(*np.nonzero(M)))

        def mk(j, k):
            ev = lambda t, y, _i=m + j * n + k: y[_i]  # noqa: E731
            ev.terminal, ev.direction = True, -1
            return ev

        sol = solve_ivp(f, (t, Tf), z, method="DOP853", rtol=1e-13, atol=1e-13 * scale,
                        events=[mk(j, k) for j, k in act])
        z = sol.y[:, -1].copy()
        t = sol.t[-1]
        if sol.status == 1:
            hit = [i for i, te in enumerate(sol.t_events) if len(te)]
            for i in hit:
                j, k = act[i]
                z[m + j * n + k] = 0.0
                M[j, k] = 0.0
        elif sol.status < 0:
            raise RuntimeError(sol.message)
    return z[:m], z[m:].reshape(m, n)


# -- mpmath odefun (kink-free horizon only) ------------------------------------------------------

def run_mpmath(p, T, dps):
    m, n = p.m, p.n
    a0, u0 = _init_strings(p, dps)
    with mpmath.workdps(dps):
        M = [[1 if mpmath.mpf(u0[j][k]) > 0 else 0 for k in range(n)] for j in range(m)]
        y = [mpmath.mpf(q.numerator) / q.denominator for q in p.labels]
        c = [mpmath.mpf(q.numerator) / (q.denominator * n) for q in p.norms_squared()]

        def f(t, z):
            a, U = z[:m], z[m:]
            r = [mpmath.fsum(a[j] * U[j * n + k] for j in range(m) if M[j][k]) - y[k] for k in range(n)]
            da = [-mpmath.fsum(r[k] * U[j * n + k] for k in range(n) if M[j][k]) / n for j in range(m)]
            du = [-c[k] * a[j] * r[k] if M[j][k] else mpmath.mpf(0) for j in range(m) for k in range(n)]
            return da + du

        z0 = [mpmath.mpf(v) for v in a0] + [mpmath.mpf(v) for row in u0 for v in row]
        F = mpmath.odefun(f, 0, z0)
        z = F(mpmath.mpf(str(T)))
    return z[:m], [z[m + j * n: m + (j + 1) * n] for j in range(m)]


ENGINES = {
    "gfcheck": run_gfcheck,
    "gfcheck-float64": run_gfcheck_f64,
    "heyoka-real": lambda p, T, dps: run_heyoka(p, T, dps, real=True),
    "heyoka-float64": lambda p, T, dps: run_heyoka(p, T, dps, real=False),
    "scipy-DOP853": run_scipy,
    "mpmath-odefun": run_mpmath,
}


def timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def available(name):
    if name.startswith("heyoka"):
        try:
            import heyoka  # noqa: F401
        except ImportError:
            return False
    return True


def row(name, m, dps, med, dig, base=None):
    ratio = f"{med / base:6.2f}x" if base else "   -   "
    d = f"{dig:6.1f}" if dig is not None else "   -  "
    print(f"{name:16s} m={m:<4d} dps={dps!s:>4s} median {med:8.3f} s  gfcheck/this {ratio}  digits {d}",
          flush=True)


def compare(m, dps, repeats, f64=False):
    """gfcheck (reduced or float64) against heyoka (real or float64) and SciPy on the full horizon."""
    p, sol = load(m)
    T = sol["T"]
    mine = "gfcheck-float64" if f64 else "gfcheck"
    rivals = ["heyoka-float64", "scipy-DOP853"] if f64 else ["heyoka-real"]
    med0, out = timed(lambda: ENGINES[mine](p, T, dps), repeats)
    row(mine, m, "f64" if f64 else str(dps), med0, digits(*out, sol))
    for name in rivals:
        if not available(name):
            print(f"{name:16s} not installed (pip install heyoka)")
            continue
        if name == "heyoka-real":
            ENGINES[name](load(8)[0], "1", dps)  # warm the JIT once, as a long-running process would
        med, out = timed(lambda name=name: ENGINES[name](p, T, dps), repeats)
        row(name, m, "f64" if f64 else str(dps), med, digits(*out, sol), base=None)
        msg = f"{'':16s} ratio gfcheck/{name} = {med0 / med:.2f} (competitor's time includes its setup)"
        if name.startswith("heyoka"):
            prop = med - LAST["build"]
            msg += f"; heyoka build+JIT {LAST['build']:.3f} s, propagate only {prop:.3f} s -> ratio {med0 / prop:.2f}"
        print(msg, flush=True)


def kink_free(dps, repeats):
    """mpmath odefun against gfcheck on [0, t1/2], t1 the first kink of reference-m8."""
    p, sol = load(8)
    first = integrate(p, dps=20, t_end=sol["T"], error_estimate=False).events[0].t
    T = str(Fraction(mpmath.nstr(first / 2, 10)))
    med0, out0 = timed(lambda: run_gfcheck(p, T, dps), repeats)
    med1, out1 = timed(lambda: run_mpmath(p, T, dps), 1)
    with mpmath.workdps(dps + 10):
        d = max(abs(mpmath.mpf(str(x)) - mpmath.mpf(str(y))) for x, y in zip(out0[0], out1[0]))
    print(f"kink-free [0, {float(Fraction(T)):.3f}] m=8 dps={dps}: gfcheck {med0:.3f} s, mpmath odefun "
          f"{med1:.3f} s, odefun/gfcheck = {med1 / med0:.1f}x, max |a diff| = {mpmath.nstr(d, 3)}")


def series_ab(cases, repeats):
    """The reduced engine with its packed series against the per-pair reference recurrences
    (``_Engine.series_reference``), alternately in one process: medians, ratio, and whether the
    trajectories are identical (they must be: the same integers)."""
    from gfcheck.numeric import _reduced

    packed = _reduced._Engine.series
    for m, dps in cases:
        p, sol = load(m)
        T = sol["T"]
        wall = {"packed": [], "reference": []}
        cpu = {"packed": [], "reference": []}
        outs = {}
        for _ in range(repeats):
            for name, fn in (("reference", _reduced._Engine.series_reference), ("packed", packed)):
                _reduced._Engine.series = fn
                try:
                    t0, c0 = time.perf_counter(), time.process_time()
                    outs[name] = integrate(p, dps=dps, t_end=T, error_estimate=False)
                    wall[name].append(time.perf_counter() - t0)
                    cpu[name].append(time.process_time() - c0)
                finally:
                    _reduced._Engine.series = packed
        mp_, mr = statistics.median(wall["packed"]), statistics.median(wall["reference"])
        cp, cr = statistics.median(cpu["packed"]), statistics.median(cpu["reference"])
        a, b = outs["packed"], outs["reference"]
        same = (a.final, a.events, a.samples, a.steps) == (b.final, b.events, b.samples, b.steps)
        print(f"series m={m:<4d} dps={dps:<4d} packed {mp_:8.3f} s (cpu {cp:8.3f})  reference {mr:8.3f} s "
              f"(cpu {cr:8.3f})  reference/packed wall {mr / mp_:5.2f}x cpu {cr / cp:5.2f}x  identical {same}",
              flush=True)


CENSUS_0001 = Path(__file__).resolve().parent / "census-slice" / "problems" / "0001-orthogonal-one-signed.problem.json"


def _mpf_horner(c, tau):
    """The full engine's Horner form before 2026-12-06: mpf operations, each rounded."""
    acc = mpmath.mpf(0)
    for x in reversed(c):
        acc = acc * tau + x
    return acc


def _as_before(mp):
    """The full engine as it was before the fixed-point series (``monkeypatch``-like ``mp``): the
    mpf series on every step, the rounded Horner form, Newton steps of the root search unshortened."""
    from gfcheck.numeric import _full

    mp.setattr(_full._FullEngine, "series", lambda self, t: self.series_reference(t))
    mp.setattr(_full, "_horner", _mpf_horner)
    mp.setattr(_full, "_OVERSHOOT", 10**6)  # 1 - 2^-1e6 is 1 at any working precision


def full_ab(cases, repeats):
    """The full engine as it is (fixed-point series, exact Horner) against the engine as it was
    (:func:`_as_before`), alternately in one process, with the reduced engine on the same problem
    as the anchor: whole-run and per-step medians, the fraction of steps on the fixed point, the
    event sequences compared and the largest difference of the final states."""
    import pytest

    for label, p, T, dps in cases:
        wall = {"new": [], "old": [], "reduced": []}
        outs = {}
        names = ("old", "new", "reduced") if p.loss == "square" and p.is_orthogonal() else ("old", "new")
        for _ in range(repeats):
            for name in names:
                with pytest.MonkeyPatch.context() as mp:
                    if name == "old":
                        _as_before(mp)
                    t0 = time.perf_counter()
                    outs[name] = integrate(p, dps=dps, t_end=T, error_estimate=False,
                                           engine="reduced" if name == "reduced" else "full")
                    wall[name].append(time.perf_counter() - t0)
        med = {k: statistics.median(v) for k, v in wall.items() if v}
        new, old = outs["new"], outs["old"]
        zn = new.final.a + sum(new.final.U, ())
        zo = old.final.a + sum(old.final.U, ())
        with mpmath.workprec(new.work_bits):
            gap = max(abs(x - z) for x, z in zip(zn, zo))
        same = [(e.neuron, e.point, e.kind) for e in new.events] == [(e.neuron, e.point, e.kind) for e in old.events]
        red = outs.get("reduced")
        anchor = (f"   reduced {med['reduced']:6.2f} s ({1e3 * med['reduced'] / red.steps:6.1f} ms/step, {red.steps} "
                  f"steps)   new/reduced {med['new'] / med['reduced']:5.2f}x") if red else ""
        print(f"full {label} dps={dps}: steps new {new.steps}, old {old.steps}; "
              f"fixed-point steps {new.stats['series_fixed'] / new.steps:.0%}; same events {same}; "
              f"max |final diff| {mpmath.nstr(gap, 3)}\n"
              f"    old {med['old']:7.2f} s ({1e3 * med['old'] / old.steps:6.1f} ms/step)   "
              f"new {med['new']:7.2f} s ({1e3 * med['new'] / new.steps:6.1f} ms/step)   "
              f"old/new {med['old'] / med['new']:5.2f}x{anchor}", flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--full", action="store_true", help="also m = 256 and the digits ladder")
    ap.add_argument("--series-ab", action="store_true",
                    help="the packed Taylor series against the reference recurrences (reduced engine, paired)")
    ap.add_argument("--full-ab", action="store_true",
                    help="the full engine against itself before the fixed-point series (paired; reduced as anchor)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=sorted(ENGINES), help="run one engine once (for whole-process timing)")
    ap.add_argument("--m", type=int, default=64)
    ap.add_argument("--dps", type=int, default=30)
    args = ap.parse_args(argv)
    if args.series_ab:
        cases = [(8, 30), (64, 30), (64, 16)] + ([(256, 30), (64, 100)] if args.full else [])
        series_ab(cases, args.repeats)
        return 0
    if args.full_ab:
        p64, sol64 = load(64)
        from gfcheck.numeric.examples import separable_problem

        cases = [("census-slice 0001", load_problem(CENSUS_0001), "60", 30),
                 ("separable default (exponential)", separable_problem(), "60", 30),
                 ("reference-m64", p64, sol64["T"], 30)]
        full_ab(cases, args.repeats)
        return 0
    if args.only:
        p, sol = load(args.m)
        t0 = time.perf_counter()
        out = ENGINES[args.only](p, sol["T"], args.dps)
        print(f"{args.only} m={args.m} dps={args.dps}: {time.perf_counter() - t0:.3f} s, "
              f"{digits(*out, sol):.1f} digits")
        return 0
    print(f"python {sys.version.split()[0]}, mpmath backend {mpmath.libmp.BACKEND}")
    print("== multiprecision, 30 digits ==")
    for m in ([8, 64, 256] if args.full else [8, 64]):
        compare(m, 30, 1 if m == 256 else args.repeats)
    print("== float64 with events ==")
    for m in ([8, 64, 256] if args.full else [64, 256]):
        compare(m, None, args.repeats, f64=True)
    print("== kink-free horizon vs mpmath odefun ==")
    kink_free(30, args.repeats)
    if args.full:
        print("== time growth with digits (m = 64) ==")
        for dps in (16, 30, 50, 100):
            compare(64, dps, 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
