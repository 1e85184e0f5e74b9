"""``gfcheck sweep GRID --out DIR``: a check or a simulation over a grid, resumable, on any executor.

A grid file (TOML or JSON) names the task and lists the values of each parameter; the sweep
runs the Cartesian product::

    # sweep.toml
    task = "simulate"          # "simulate": integrate to the fit; "verify": run claims
    # suite = "NAME"           # whose datasets and claims (default: the default suite)
    n = [2, 3]                 # data sizes (the default suite: orthogonal inputs, drawn from each seed)
    m = [2, 4, 8]              # widths
    scale = ["1e-4", "1e-8"]   # initialisation scales lambda (number strings)
    seeds = 10                 # datasets: seeds 0..9 (or a list: [3, 7])
    dps = [30]                 # working digits
    # d = [4]                  # input dimension (default: d = n); every d must be >= n
    # claims = ["escape-slope"]; profile = "quick"     (task = "verify" only; the suite's profiles)

**Tasks are pure.** :func:`run_task` is a function of its parameters alone (a dict of JSON
values): the dataset comes from the seed (the suite's
:meth:`~gfcheck.proofs_check.core.suite.Suite.dataset`), the initial directions from the same seed
(the problem format's ``init.seed``), the precision is scoped inside the task.  Its
document is written, by the process that runs the sweep, to ``DIR/results/<key>.json`` where
``key = sha256(canonical JSON of the parameters)`` (:func:`task_key`; the parameters include
the gfcheck version, so a new version reruns everything).  The write is atomic, so an
interrupted sweep (Ctrl-C, a killed job) leaves only whole files; rerunning the same command
skips every task whose file is there and runs the rest; a finished sweep reruns nothing.

**Executors.** The sweep is written against :class:`concurrent.futures.Executor`: a local
process pool by default (``--jobs``), or ``--scheduler ADDRESS`` for an existing Dask
distributed cluster (``distributed.Client(address).get_executor()``; HPC batch systems through
dask-jobqueue).  mpmath's precision is per process, so Dask workers must run one thread each
(``dask worker ADDRESS --nthreads 1``); every worker needs the same gfcheck installed.

**Aggregates** come from the result files alone (:func:`aggregate`; ``gfcheck aggregate DIR``,
also run at the end of a sweep): ``DIR/summary.json`` and ``summary.md`` (per grid cell: runs,
errors, and for simulate tasks fitted and reached the minimum-norm interpolator, for verify tasks
the count of each verdict of their claims; per claim: how often each verdict) and
``reached_min_norm.png`` / ``claims.png``.  Same result files, same bytes.

A ``simulate`` task integrates until the loss is fitted (``L <= L(0) 2^(-2b+8)``, the ``until
fitted`` rule of ``gfcheck simulate``) within twice the default horizon, and reports the
variation norm ``N = sum_j |a_j| ||w_j||`` against ``N* = ||beta_+|| + ||beta_-||`` (digest 5.1):
it *reached the minimum-norm interpolator* when it fitted and ``|N - N*| <= 2^-10 N*`` (the
quick profile's band, ``docs/verdicts.md``; the gap itself is ``O(lambda^(2 min gamma))``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import time
import tomllib
from concurrent.futures import FIRST_COMPLETED, wait
from fractions import Fraction
from pathlib import Path

from gfcheck.symbolic.files import atomic_write, atomic_write_json, canonical_json, check_output_dir
from gfcheck.symbolic.errors import InvalidInput, SchemaError, UnreadableFile

__all__ = ["SWEEP_SCHEMA", "TASKS", "load_grid", "parse_grid", "expand", "task_key",
           "problem_of", "run_task", "run_sweep", "aggregate", "RESULTS_DIR", "REACHED_BITS"]

#: the files ``aggregate`` writes into a sweep folder
SUMMARY_FILES = ("summary.json", "summary.md")

SWEEP_SCHEMA = "gfcheck.sweep-result/1"
TASKS = ("simulate", "verify")
RESULTS_DIR = "results"
#: relative band of "reached the minimum-norm interpolator": 2^-REACHED_BITS (quick profile's)
REACHED_BITS = 10
_LIST_KEYS = ("n", "d", "m", "scale", "dps")
_GRID_KEYS = {"task", "suite", "seeds", "claims", "profile", *_LIST_KEYS}
#: at most this many tasks in one grid (a typo such as seeds = 1e6 is refused before any work)
MAX_TASKS = 1_000_000


# ----------------------------------------------------------------------------- the grid
def load_grid(path) -> dict:
    """Read a grid file (``.toml``, else JSON) and :func:`parse_grid` it."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{p}: cannot read the grid file ({type(exc).__name__}: {exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
        doc = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        kind = "TOML" if p.suffix.lower() == ".toml" else "JSON"
        raise UnreadableFile(f"{p}: not a valid {kind} grid file ({exc})") from None
    return parse_grid(doc)


def _int_list(doc, key, lo, default=None):
    v = doc.get(key, default)
    if v is None:
        return None
    v = v if isinstance(v, list) else [v]
    if not v or any(isinstance(x, bool) or not isinstance(x, int) or x < lo for x in v):
        raise SchemaError(f"grid {key}: expected a non-empty list of integers >= {lo}, found {doc.get(key)!r}")
    return sorted(set(v))


def _check_sizes(g) -> None:
    """Refuse a grid without ``n`` or ``m`` or with more than 1000 digits; the sizes themselves are
    the suite's to judge (:func:`_check_datasets`, after the suite is known)."""
    for key in ("n", "m"):
        if g[key] is None:
            raise SchemaError(f"grid: missing key {key!r} (a list of integers)")
    if max(g["dps"]) > 1000:
        raise SchemaError("grid dps: at most 1000 digits")


def _check_datasets(g) -> None:
    """Ask the grid's suite for one dataset of every size in the grid (seed 0): a size its generator
    cannot make (``Suite.dataset`` refuses it, ``SchemaError``) is refused before any task runs."""
    suite = _suite(g)
    for n, m, d in {(t["n"], t["m"], t["d"]) for t in expand({**g, "seeds": [0], "dps": g["dps"][:1]}, version="0")}:
        try:
            suite.dataset(0, {"n": n, "d": d, "m": m, "scale": g["scale"][0]})
        except SchemaError as exc:
            raise SchemaError(f"grid n = {n}, d = {d}, m = {m}: {exc}") from None


def _grid_scales(doc) -> list:
    """The grid's scales (one string or a list), positive, without repeats, largest first."""
    from gfcheck.symbolic.problem import parse_number

    scales = doc.get("scale")
    scales = scales if isinstance(scales, list) else [scales] if scales is not None else None
    if not scales:
        raise SchemaError("grid: missing key 'scale' (a list of number strings such as \"1e-6\")")
    for s in scales:
        if parse_number(s, where="grid scale") <= 0:
            raise SchemaError(f"grid scale: expected positive scales lambda, found {s!r}")
    return sorted(set(scales), key=lambda s: (-parse_number(s, where="grid scale"), s))


def parse_grid(doc) -> dict:
    """Check a grid document; returns it normalised (sorted lists, ``seeds`` as a list)."""
    from gfcheck.symbolic.problem import check_object

    check_object(doc, "grid", _GRID_KEYS, expected="a table/object")
    task = doc.get("task", "simulate")
    if task not in TASKS:
        raise SchemaError(f"grid task: expected one of {', '.join(TASKS)}, found {task!r}")
    g = {"task": task, "n": _int_list(doc, "n", 1), "m": _int_list(doc, "m", 1),
         "dps": _int_list(doc, "dps", 15, 30), "d": _int_list(doc, "d", 1)}
    _check_sizes(g)
    g["scale"] = _grid_scales(doc)
    seeds = doc.get("seeds", 1)
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if seeds < 1:
            raise SchemaError(f"grid seeds: expected a positive count or a list, found {seeds!r}")
        seeds = list(range(seeds))
    g["seeds"] = _int_list({"seeds": seeds}, "seeds", 0)
    _parse_suite_and_claims(doc, g)
    _check_datasets(g)
    total = len(expand(g, version="0"))
    if total > MAX_TASKS:
        raise SchemaError(f"grid: {total} tasks exceed the limit {MAX_TASKS}; split the sweep")
    return g


def _parse_suite_and_claims(doc, g) -> None:
    """``suite`` (optional: a suite's name) and, for ``task = "verify"``, ``claims`` and ``profile``
    (that suite's) from the grid document ``doc`` into the parsed grid ``g``."""
    if "suite" in doc:
        if not isinstance(doc["suite"], str):
            raise SchemaError(f"grid suite: expected a suite name, found {doc['suite']!r}")
        g["suite"] = _suite(doc).name
    if g["task"] == "verify":
        from gfcheck.proofs_check.core.registry import claims

        known = [c.id for c in claims(g.get("suite"))]
        ids = doc.get("claims", known)
        if not isinstance(ids, list) or not ids or any(c not in known for c in ids):
            raise SchemaError(f"grid claims: expected a list of claim ids from {known}, found {ids!r}")
        g["claims"] = sorted(set(ids), key=known.index)
        g["profile"] = _suite(g).profile(doc.get("profile")).name
    elif "claims" in doc or "profile" in doc:
        raise SchemaError("grid: 'claims' and 'profile' belong to task = \"verify\"")


def _version() -> str:
    from gfcheck.proofs_check import __version__

    return __version__


def expand(grid: dict, *, version: str | None = None) -> list[dict]:
    """The tasks of a (parsed) grid, each a dict of JSON values, in a fixed order."""
    version = _version() if version is None else version
    out = []
    for n, m, scale, seed, dps in itertools.product(grid["n"], grid["m"], grid["scale"],
                                                    grid["seeds"], grid["dps"]):
        for d in (grid["d"] or [n]):
            t = {"task": grid["task"], "n": n, "d": d, "m": m, "scale": scale, "seed": seed,
                 "dps": dps, "gfcheck": version}
            if "suite" in grid:
                t["suite"] = grid["suite"]
            if grid["task"] == "verify":
                t["claims"] = list(grid["claims"])
                t["profile"] = grid["profile"]
            out.append(t)
    return out


def task_key(params: dict) -> str:
    """``sha256`` of the canonical JSON of the parameters: the task's file name.

    >>> task_key({"n": 2, "m": 3}) == task_key({"m": 3, "n": 2})
    True
    """
    return hashlib.sha256(canonical_json(params).encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- one task
def _suite(params: dict):
    """The suite of a grid or a task: the one it names, else the default suite."""
    from gfcheck.proofs_check.core.registry import suite

    return suite(params.get("suite"))


def problem_of(params: dict):
    """The :class:`~gfcheck.symbolic.problem.Problem` of a task: its suite's generated dataset
    (:meth:`~gfcheck.proofs_check.core.suite.Suite.dataset`) of the seed and sizes."""
    return _suite(params).dataset(params["seed"], {k: params[k] for k in ("n", "d", "m", "scale")})


def _simulate_outcome(problem, dps: int) -> dict:
    import mpmath

    from gfcheck.numeric import integrate, weights_from
    from gfcheck.numeric.precision import Precision, to_mpf
    from gfcheck.numeric.result import loss_at
    from gfcheck.numeric.simulate import default_horizon, fitted_level

    T = 2 * default_horizon(problem)
    tr = integrate(problem, dps=dps, t_end=T, until_loss=fitted_level(problem, dps), engine="auto",
                   error_estimate=False)
    fitted = bool(tr.stats.get("stopped_on_loss"))
    with Precision(dps).scope():
        W = tr.final.W if tr.final.W is not None else weights_from(problem, tr.final)
        N = mpmath.fsum(abs(a) * mpmath.sqrt(mpmath.fsum(w * w for w in row)) for a, row in zip(tr.final.a, W))
        q = problem.norms_squared()
        beta = {s: sum((yk * yk / qk for yk, qk in zip(problem.labels, q) if s * yk > 0), Fraction(0))
                for s in (1, -1)}
        N_star = mpmath.sqrt(to_mpf(beta[1])) + mpmath.sqrt(to_mpf(beta[-1]))
        gap = (N - N_star) / N_star
        L, _ = loss_at(problem, tr.final)
        reached = fitted and abs(gap) <= mpmath.ldexp(1, -REACHED_BITS)
        return {"fitted": fitted, "reached_min_norm": bool(reached), "t_stop": mpmath.nstr(tr.final.t, 8),
                "loss": mpmath.nstr(L, 6), "N": mpmath.nstr(N, 12), "N_star": mpmath.nstr(N_star, 12),
                "relative_gap": mpmath.nstr(gap, 6), "events": len(tr.events), "steps": int(tr.steps),
                "horizon": str(T), "band": f"2^-{REACHED_BITS}"}


def _verify_outcome(problem, params: dict) -> dict:
    from gfcheck.proofs_check.core.registry import claims, run_claim

    s = _suite(params)
    ctx = s.make_context(problem, s.profile(params["profile"]))
    ctx.suite = s
    out = {}
    for c in claims(s.name):
        if c.id in params["claims"]:
            r = run_claim(c, ctx)
            out[c.id] = {"verdict": r.verdict, "residual": r.result.residual, "tolerance": r.result.tolerance}
    return {"claims": out}


def run_task(params: dict) -> dict:
    """Run one task (a pure function of ``params``); returns its result document.

    A failure that gfcheck names (an integration that cannot finish, a refused problem) is part
    of the result (``"error"``), not an exception: a sweep over thousands of datasets must not stop
    on one of them.
    """
    from gfcheck.numeric.result import provenance

    doc = {"schema": SWEEP_SCHEMA, "key": task_key(params), "params": params,
           "provenance": {k: v for k, v in provenance().items() if k != "git_commit"}}
    try:
        problem = problem_of(params)
        doc["problem_sha256"] = problem.sha256()
        if params["task"] == "simulate":
            doc["outcome"] = _simulate_outcome(problem, params["dps"])
        else:
            doc["outcome"] = _verify_outcome(problem, params)
    except InvalidInput as exc:  # bad parameters never reach here (parse_grid); kept for safety
        doc["error"] = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - recorded, the sweep goes on
        from gfcheck.symbolic.errors import GfcheckError

        kind = type(exc).__name__
        doc["error"] = f"{kind}: {exc}" if isinstance(exc, GfcheckError) else f"internal error {kind}: {exc}"
    return doc


# ----------------------------------------------------------------------------- the sweep
def _done(results_dir: Path, params: dict) -> bool:
    """A task is done when its file is there and is its own whole document."""
    p = results_dir / f"{task_key(params)}.json"
    try:
        doc = json.loads(p.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("params") == params and doc.get("schema") == SWEEP_SCHEMA


def _default_executor(jobs: int | None):
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    jobs = jobs or max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))


def dask_executor(address: str):
    """``(executor, client)`` for the Dask scheduler at ``address`` (``close`` the client after)."""
    try:
        from distributed import Client
    except ImportError:
        raise InvalidInput("--scheduler needs dask distributed: pip install 'gfcheck[sweep]'") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InvalidInput(f"--scheduler: cannot reach a Dask scheduler at {address!r} "
                           f"({type(exc).__name__}: {exc}); start one with `dask scheduler`") from None
    return client.get_executor(pure=False), client


def _fill(executor, it, pending, window, bar) -> None:
    """Submit the next tasks of ``it`` to ``executor`` until ``window`` are in flight
    (``pending``: future -> task) or ``it`` is spent."""
    from gfcheck.symbolic import progress as _progress

    while len(pending) < window:
        t = next(it, None)
        if t is None:
            break
        _progress.detail(f"gfcheck sweep: start {task_key(t)[:12]} {canonical_json(t).strip()}", bar)
        pending[executor.submit(run_task, t)] = t


def _stop_own_pool(executor) -> None:
    """Kill the workers of our own process pool and shut it down without waiting: its workers
    write no file, and a running task is not waited for."""
    for proc in list((getattr(executor, "_processes", None) or {}).values()):
        proc.kill()
    executor.shutdown(wait=False, cancel_futures=True)


def run_sweep(grid: dict, out, *, executor=None, jobs: int | None = None, window: int | None = None,
              on_result=None, aggregate_after: bool = True) -> dict:
    """Run the tasks of ``grid`` that have no result file in ``out/results``; returns counts.

    ``executor``: any :class:`concurrent.futures.Executor` (not shut down here); by default a
    process pool of ``jobs`` workers (shut down here).  At most ``window`` tasks are in flight
    (default: four per worker), so a Ctrl-C loses at most those.  ``on_result(params, doc)`` is
    called after each file is written (tests interrupt there).  Returns ``{"tasks", "skipped",
    "ran", "errors"}``.
    """
    from gfcheck.symbolic import progress as _progress

    out = Path(out)
    check_output_dir(out, "--out", folders=(RESULTS_DIR,))
    results_dir = out / RESULTS_DIR
    tasks = expand(grid)
    todo = [t for t in tasks if not _done(results_dir, t)]
    counts = {"tasks": len(tasks), "skipped": len(tasks) - len(todo), "ran": 0, "errors": 0}
    _progress.note(f"gfcheck sweep: {len(tasks)} tasks, {counts['skipped']} already done, "
                   f"{len(todo)} to run -> {results_dir}")
    own = executor is None
    if own and todo:
        executor = _default_executor(jobs)
    window = window or 4 * max(1, getattr(executor, "_max_workers", None) or jobs or 2)
    pending = {}
    it = iter(todo)
    t0 = time.monotonic()

    def status():
        return (f"{counts['skipped'] + counts['ran']} of {len(tasks)} tasks done, {len(pending)} running, "
                f"{time.monotonic() - t0:.0f} s elapsed")

    try:
        with _progress.bar(len(tasks), "sweep", unit="task") as b, _progress.heartbeat("gfcheck sweep:", status, b):
            b.update(counts["skipped"])
            while True:
                _fill(executor, it, pending, window, b)
                if not pending:
                    break
                finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for f in sorted(finished, key=lambda f: task_key(pending[f])):
                    params = pending.pop(f)
                    doc = f.result()
                    atomic_write_json(results_dir / f"{task_key(params)}.json", doc)
                    counts["ran"] += 1
                    counts["errors"] += "error" in doc
                    b.update(1)
                    if on_result is not None:
                        on_result(params, doc)
    except BaseException:
        for f in pending:
            f.cancel()
        if own and executor is not None:
            _stop_own_pool(executor)
            executor = None
        raise
    finally:
        if own and executor is not None:
            executor.shutdown(wait=True)
    if aggregate_after:
        aggregate(out)
    return counts


# ----------------------------------------------------------------------------- aggregates
def _read_results(out: Path) -> list[dict]:
    docs = []
    for p in sorted((out / RESULTS_DIR).glob("*.json")):
        try:
            doc = json.loads(p.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise UnreadableFile(f"{p}: not a sweep result ({type(exc).__name__}: {exc}); remove it "
                                 "and rerun the sweep to recompute it") from None
        if not isinstance(doc, dict) or doc.get("schema") != SWEEP_SCHEMA or doc.get("key") != p.stem:
            raise SchemaError(f"{p}: not a {SWEEP_SCHEMA} document named by its key; remove it and "
                              "rerun the sweep")
        docs.append(doc)
    return docs


def _new_cell(task: str) -> dict:
    """The counters of one grid cell: a simulate cell counts fits and minimum-norm limits, a verify
    cell the verdicts of its claims (``{verdict: count}`` over its runs)."""
    if task == "simulate":
        return {"runs": 0, "errors": 0, "fitted": 0, "reached_min_norm": 0}
    return {"runs": 0, "errors": 0, "verdicts": {}}


def _frac(a: int, b: int) -> str:
    return f"{a}/{b}"


def aggregate(out) -> dict:
    """Tables and plots from ``out/results/*.json`` alone; writes ``summary.json``, ``summary.md``
    and the figures into ``out``; returns the summary document."""
    from gfcheck.symbolic.problem import parse_number

    out = Path(out)
    check_output_dir(out, "--out", files=SUMMARY_FILES)
    if not (out / RESULTS_DIR).is_dir():
        raise UnreadableFile(f"{out}: no {RESULTS_DIR}/ folder; run `gfcheck sweep GRID --out {out}` first")
    docs = _read_results(out)
    cells, claims, errors = _tally(docs)

    def order(kv):
        k = kv[0]
        return (k[0], k[1], k[2], k[3], -parse_number(k[4], where="scale"), k[4], k[5])

    rows = [{"task": k[0], "n": k[1], "d": k[2], "m": k[3], "scale": k[4], "dps": k[5], **v}
            for k, v in sorted(cells.items(), key=order)]
    summary = {"schema": "gfcheck.sweep-summary/1", "results": len(docs), "cells": rows,
               "claims": {k: dict(sorted(v.items())) for k, v in sorted(claims.items())},
               "errors": sorted(errors)}
    md = _summary_md(len(docs), rows, summary)
    figures = _figures(out, rows, summary["claims"])
    summary["figures"] = figures
    md += [f"![{f}]({f})" for f in figures] + ([""] if figures else [])
    atomic_write(out / "summary.md", "\n".join(md))
    atomic_write_json(out / "summary.json", summary)
    return summary


def _tally(docs):
    """``(cells, claims, errors)`` over the result documents: per cell (task, n, d, m, scale, dps) its
    runs, errors and fits or verdicts; per claim its verdicts; the errors, one line each."""
    cells: dict[tuple, dict] = {}
    claims: dict[str, dict] = {}
    errors = []
    for doc in docs:
        p = doc["params"]
        c = cells.setdefault((p["task"], p["n"], p["d"], p["m"], p["scale"], p["dps"]), _new_cell(p["task"]))
        c["runs"] += 1
        if "error" in doc:
            c["errors"] += 1
            errors.append(f"{doc['key'][:12]}: {doc['error']}"[:300])
            continue
        o = doc["outcome"]
        if p["task"] == "simulate":
            c["fitted"] += o["fitted"]
            c["reached_min_norm"] += o["reached_min_norm"]
            continue
        for cid, r in o["claims"].items():
            claims.setdefault(cid, {}).setdefault(r["verdict"], 0)
            claims[cid][r["verdict"]] += 1
            c["verdicts"][r["verdict"]] = c["verdicts"].get(r["verdict"], 0) + 1
    return cells, claims, errors


def _summary_md(results: int, rows, summary) -> list[str]:
    """The lines of ``summary.md`` before its figures: the cells (simulate, verify), the claims, the errors."""
    from gfcheck.proofs_check.core.registry import VERDICTS

    md = ["# gfcheck sweep summary", "", f"{results} result files in `{RESULTS_DIR}/`.", ""]
    head = "| task | n | d | m | lambda | dps | runs | errors |"

    def cell_md(r, extra):
        return (f"| {r['task']} | {r['n']} | {r['d']} | {r['m']} | {r['scale']} | {r['dps']} | {r['runs']} | "
                f"{r['errors']} | " + " | ".join(extra) + " |")

    sim, ver = [r for r in rows if r["task"] == "simulate"], [r for r in rows if r["task"] != "simulate"]
    if sim:
        md += [head + " fitted | reached min-norm |", "|---" * 10 + "|"]
        md += [cell_md(r, [_frac(r["fitted"], r["runs"]), _frac(r["reached_min_norm"], r["runs"])])
               for r in sim] + [""]
    if ver:  # a verify task has verdicts, not a fit: count the claims' verdicts over the cell's runs
        md += ["Verify tasks: the verdicts of the claims over each cell's runs.", "",
               head + " " + " | ".join(VERDICTS) + " |", "|---" * (8 + len(VERDICTS)) + "|"]
        md += [cell_md(r, [str(r["verdicts"].get(v, 0)) for v in VERDICTS]) for r in ver] + [""]
    if summary["claims"]:
        md += ["| claim | " + " | ".join(VERDICTS) + " |", "|---" * (len(VERDICTS) + 1) + "|"]
        md += [f"| {cid} | " + " | ".join(str(v.get(x, 0)) for x in VERDICTS) + " |"
               for cid, v in summary["claims"].items()] + [""]
    if summary["errors"]:
        md += ["## Errors", ""] + [f"- {e}" for e in summary["errors"]] + [""]
    return md


def _figures(out: Path, rows, claims) -> list[str]:
    """``reached_min_norm.png`` (fraction against m, one line per (n, lambda)) and ``claims.png``
    (verdict counts per claim); deterministic PNG bytes (no metadata)."""
    import io

    import matplotlib.style
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from gfcheck.symbolic.problem import parse_number

    made = []

    def save(fig, name):
        FigureCanvasAgg(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, metadata={"Software": None})
        atomic_write(out / name, buf.getvalue())
        made.append(name)

    with matplotlib.style.context("default"):
        sim = [r for r in rows if r["task"] == "simulate" and r["runs"] > 0]
        if sim:
            fig = Figure(figsize=(6, 4))
            ax = fig.add_subplot()
            for (n, scale) in sorted({(r["n"], r["scale"]) for r in sim},
                                     key=lambda k: (k[0], -parse_number(k[1], where="scale"), k[1])):
                pts = sorted((r["m"], r["reached_min_norm"] / r["runs"]) for r in sim
                             if r["n"] == n and r["scale"] == scale)
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=f"n = {n}, λ = {scale}")
            ax.set_xlabel("width m")
            ax.set_ylabel("fraction reaching the min-norm interpolator")
            ax.set_ylim(-0.05, 1.05)
            ax.legend(fontsize=7)
            save(fig, "reached_min_norm.png")
        if claims:
            from gfcheck.proofs_check.core.registry import VERDICTS

            fig = Figure(figsize=(7, 0.4 * len(claims) + 1.5))
            ax = fig.add_subplot()
            ids = list(claims)
            left = [0] * len(ids)
            for v in VERDICTS:
                vals = [claims[c].get(v, 0) for c in ids]
                ax.barh(ids, vals, left=left, label=v)
                left = [a + b for a, b in zip(left, vals)]
            ax.set_xlabel("runs")
            ax.legend(fontsize=7)
            fig.tight_layout()
            save(fig, "claims.png")
    return made


def run_sweep_command(grid_path, out, *, jobs=None, scheduler=None, aggregate_only=False) -> int:
    """The ``sweep`` command: 0 when every task ran without error, 1 otherwise."""
    from gfcheck.symbolic import progress as _progress

    if aggregate_only:
        s = aggregate(out)
    else:
        if grid_path is None:
            raise SchemaError("gfcheck sweep: give a GRID file (or --aggregate to only summarise --out)")
        if jobs is not None and jobs < 1:
            raise SchemaError(f"--jobs: expected a positive integer, found {jobs}")
        grid = load_grid(grid_path)
        check_output_dir(out, "--out", folders=(RESULTS_DIR,))
        executor, client = (None, None) if scheduler is None else dask_executor(scheduler)
        try:
            counts = run_sweep(grid, out, executor=executor, jobs=jobs)
        finally:
            if client is not None:
                client.close()
        _progress.note(f"gfcheck sweep: ran {counts['ran']}, skipped {counts['skipped']} (done before), "
                       f"{counts['errors']} with an error")
        s = json.loads((Path(out) / "summary.json").read_text("utf-8"))
    sys.stdout.write((Path(out) / "summary.md").read_text("utf-8"))
    return 1 if s["errors"] else 0
