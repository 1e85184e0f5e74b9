"""``gfcheck verify``: every claim of a suite (stated by its paper or reconstructed after it:
``Claim.provenance``), checked; the main job.

::

    gfcheck verify [--profile quick|full] [--problem FILE] [--out DIR] [--only ID[,ID...]]

Runs the registered claims (digest section 9) on the problem (default: the built-in example,
``proofs_check/data/default.problem.json``), shows progress on stderr, prints the verdict table
and writes the report into ``DIR``: ``report.md``, ``report.json`` (deterministic: same inputs,
same bytes), ``timings.json`` (seconds per claim: the one file that changes between runs), the
figures, ``problem.json`` (the exact problem) and, for each refuted claim,
``reproduce/<id>.problem.json`` with the command that reruns it.  Every file is written whole
(temporary file + rename); ``report.json`` is written last, so a report folder with a
``report.json`` is complete.

Before any claim runs, the problem's loss must be one the engines integrate (only ``"square"``;
``UnsupportedLoss`` otherwise) and ``DIR`` must be writable (``OutputError`` otherwise: a file
where the folder is needed, a path under a regular file, a read-only folder).  At the end a
summary on stderr counts each verdict and gives every claim that is not VERIFIED one line
(``id: VERDICT: reason; next: what to do``; see :mod:`gfcheck.proofs_check.report`).

Exit status: 0 when every claim is VERIFIED (OUTSIDE_ASSUMPTIONS is allowed for a user's
problem and reported); 1 when any claim is REFUTED or UNDECIDED; 2 for bad input.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from gfcheck.symbolic.files import check_output_dir
from gfcheck.symbolic.errors import SchemaError
from gfcheck.symbolic.problem import load_problem

__all__ = ["run_verify", "list_suites", "default_problem", "verify", "summary_lines", "check_report_dir"]

#: the prefix of every line this command writes to stderr
_PREFIX = "gfcheck verify:"


def default_problem():
    """The default suite's built-in example."""
    from .registry import suite

    return suite().load_default_problem()


class Progress:
    """Per claim: a tqdm bar on a terminal (the running claim and its ladder rung beside it,
    :mod:`gfcheck.symbolic.progress`), one result line per claim on stderr unless ``--quiet``,
    and the ladder rungs as lines with ``-v`` (silent otherwise off a terminal and in CI)."""

    def __init__(self, total: int):
        from gfcheck.symbolic import progress as _progress

        self.total, self._p = total, _progress
        self.bar = _progress.bar(total, "verify", unit="claim")
        self.t0 = time.perf_counter()
        self.current = ""

    def start(self, i: int, claim) -> None:
        self.current = f"[{i}/{self.total}] {claim.id}"
        self.bar.set_postfix_str(claim.id)

    def rung(self, message: str) -> None:
        """Where a claim's ladder is (``Context.decide`` extends it)."""
        self.bar.set_postfix_str(f"{self.current.split()[-1]}: {message}"[:100])
        self._p.detail(f"{self.current}: {message} ({self._p.elapsed_since(self.t0)} in all)", self.bar)

    def done(self, i: int, result) -> None:
        self._p.note(f"[{i}/{self.total}] {result.claim.id}: {result.verdict} ({result.seconds:.1f} s, "
                     f"{self._p.elapsed_since(self.t0)} in all)", self.bar)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def verify(problem, profile, *, suite=None, only=None, progress=None, max_events=None, jobs=None):
    """Run the claims of ``suite`` (default ``orthogonal``); returns ``(results, ctx)``.  A loss
    the suite's claims are not stated for is refused first.  ``max_events`` caps the activation
    events of every integration (the engines' default else).  ``jobs`` processes (default: the
    cores, at most 2) integrate the shared ladder first when the suite's context can
    (``prefetch``); the report is the same bytes with any ``jobs``."""
    from .registry import claims, run_claim
    from .registry import suite as get_suite

    the_suite = get_suite(suite)
    problem.require_loss(the_suite.losses, "gfcheck verify")
    known = claims(the_suite.name)
    if only:
        unknown = sorted(set(only) - {c.id for c in known})
        if unknown:
            raise SchemaError(f"--only: unknown claim id(s) {unknown} in suite {the_suite.name!r}; "
                              f"known: {[c.id for c in known]}")
    if max_events is not None:
        if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 1:
            raise SchemaError(f"--max-events: expected a positive integer, found {max_events!r}")
    ctx = the_suite.make_context(problem, profile)
    ctx.suite = the_suite
    if max_events is not None:
        ctx.caps["max_events"] = max_events
    selected = [c for c in known if not only or c.id in only]
    jobs = _jobs(jobs)
    ctx.prefetch_seconds = _prefetch(ctx, jobs) if len(selected) > 1 else 0.0
    prog = progress or Progress(len(selected))
    ctx.say = getattr(prog, "rung", None)
    try:
        if jobs > 1 and len(selected) > 1 and _can_fork():
            results = _claims_on_pool(selected, ctx, prog, jobs)
        else:
            results = []
            for i, c in enumerate(selected, 1):
                prog.start(i, c)
                r = run_claim(c, ctx)
                prog.done(i, r)
                results.append(r)
    finally:
        getattr(prog, "close", lambda: None)()
    return results, ctx


def _jobs(jobs) -> int:
    """The worker processes: ``jobs``, default the cores (at most 2)."""
    import os

    if jobs is None:
        return min(2, os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SchemaError(f"--jobs: expected a positive integer, found {jobs!r}")
    return jobs


def _can_fork() -> bool:
    """Can workers inherit the context (the prefetched ladder) by fork?  Claims run on a pool
    only then."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


#: what a forked claim worker runs on: (claims, context), set in the parent just before the fork
_WORK: tuple = ()


def _claim_in_worker(i: int):
    """Run claim ``i`` in a worker: its result, the figure data it drew and the integrations
    it ran (both go back into the parent's context)."""
    from .registry import run_claim

    selected, ctx = _WORK
    before = len(ctx.timings) if hasattr(ctx, "timings") else 0
    keys_before = dict(ctx.figure_data)
    r = run_claim(selected[i], ctx)
    figures = {k: v for k, v in ctx.figure_data.items() if keys_before.get(k, _MISSING) is not v}
    timings = list(ctx.timings[before:]) if hasattr(ctx, "timings") else []
    # the verdicts travel back, not the claim (its check may be a local function: unpicklable)
    return i, (r.result, r.twin, r.seconds), figures, timings


_MISSING = object()


def _claims_on_pool(selected, ctx, prog, jobs):
    """The claims on ``jobs`` forked worker processes, each pulling the next claim when free;
    every worker inherits the context with the prefetched ladder.  A claim's runs that another
    claim also asks for are integrated by each worker that needs them (the memo is per
    process); results, figure data and timings come back and are put in claim order, so the
    report is the same bytes as with one job.  Ctrl-C reaches the parent only; the pool is
    terminated on the way out."""
    import multiprocessing

    from gfcheck.numeric.estimate import quiet_child

    from .verdicts import ClaimResult

    global _WORK
    for name in ("data", "neurons", "early_phase"):  # shared exact predictions: computed once, inherited
        if hasattr(type(ctx), name):
            try:
                getattr(ctx, name)
            except Exception:  # noqa: BLE001 - a claim reports it (as UNDECIDED or OUTSIDE) in its worker
                pass
    _WORK = (selected, ctx)
    say, ctx.say = ctx.say, None  # a worker's rung lines would interleave; the result lines stay
    done = {}
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(selected)), initializer=quiet_child) as pool:
            for i, (res, twin, secs), figures, timings in pool.imap_unordered(_claim_in_worker,
                                                                              range(len(selected))):
                result = ClaimResult(selected[i], res, twin, secs)
                prog.start(i + 1, selected[i])
                prog.done(i + 1, result)
                done[i] = (result, figures, timings)
    finally:
        _WORK = ()
        ctx.say = say
    results = []
    for i in range(len(selected)):
        result, figures, timings = done[i]
        ctx.figure_data.update(figures)
        if hasattr(ctx, "timings"):
            ctx.timings.extend(timings)
        results.append(result)
    return results


class _PoolSubmitter:
    """The ``submit`` of a ``concurrent.futures.Executor`` on a ``multiprocessing.Pool``: futures
    with ``result(timeout)``."""

    def __init__(self, pool):
        self.pool = pool

    def submit(self, fn, *args, **kwargs):
        return _AsyncFuture(self.pool.apply_async(fn, args, kwargs))


class _AsyncFuture:
    def __init__(self, async_result):
        self.async_result = async_result

    def result(self, timeout=None):
        return self.async_result.get(timeout)


def _prefetch(ctx, jobs) -> float:
    """The shared ladder on ``jobs`` worker processes (both cores by default); 0 when the context
    has no ``prefetch`` or one job is asked for."""
    import multiprocessing

    jobs = _jobs(jobs)
    if jobs == 1 or not hasattr(ctx, "prefetch"):
        return 0.0
    from gfcheck.numeric.estimate import quiet_child
    from gfcheck.symbolic.progress import note

    method = "fork" if _can_fork() else "spawn"
    note(f"{_PREFIX} integrating the shared lambda ladder ({len(ctx.profile.scales)} rungs) on {jobs} processes")
    # a multiprocessing pool, terminated on the way out: a run still going at the prefetch's time
    # bound (a hang) must not hold verify (an executor's shutdown would wait for it)
    with multiprocessing.get_context(method).Pool(jobs, initializer=quiet_child) as pool:
        seconds = ctx.prefetch(_PoolSubmitter(pool))
    note(f"{_PREFIX} ladder ready ({seconds:.0f} s)")
    return seconds


def exit_status(results, *, user_problem: bool) -> int:
    ok = {"VERIFIED"} | ({"OUTSIDE_ASSUMPTIONS"} if user_problem else set())
    return 0 if all(r.verdict in ok for r in results) else 1


def check_report_dir(out, *, figures: bool, suite=None) -> Path:
    """Refuse, before any claim runs, a report folder that cannot be written (``OutputError``):
    the report's files and, with ``figures``, the suite's figure files."""
    import importlib

    from .registry import suite as get_suite
    from .report import REPORT_FILES, REPRODUCE_DIR

    names = REPORT_FILES
    the_suite = get_suite(suite)
    if figures and the_suite.figures:
        names = names + tuple(getattr(importlib.import_module(the_suite.figures), "FIGURES", {}))
    return check_output_dir(out, "--out", files=names, folders=(REPRODUCE_DIR,))


def summary_lines(results, *, profile: str, out_dir) -> list[str]:
    """The closing summary: the count of each verdict, then one line per claim that is not
    VERIFIED (``id: VERDICT: reason; next: step``; REFUTED points at
    ``out_dir/reproduce/<id>.problem.json``), then where the report is.

    >>> summary_lines([], profile="quick", out_dir="r")
    ['gfcheck verify: 0 claims: 0 VERIFIED, 0 REFUTED, 0 OUTSIDE_ASSUMPTIONS, 0 UNDECIDED',
     'gfcheck verify: report in r']
    """
    from .report import REPRODUCE_DIR, attention_lines, counts_line

    lines = [f"{_PREFIX} {counts_line(results)}"]
    lines += [f"  {line}" for line in attention_lines(results, profile=profile,
                                                      reproduce_dir=Path(out_dir) / REPRODUCE_DIR)]
    lines.append(f"{_PREFIX} report in {out_dir}")
    return lines


def run_verify(*, suite: str | None = None, profile: str = "quick", problem=None,
               out="gfcheck-report", only=None, figures: bool = True, max_events: int | None = None,
               jobs: int | None = None) -> int:
    """The ``verify`` command (see the module docstring); returns the exit status.

    ``suite`` names the paper (default ``orthogonal``; ``gfcheck verify --list``); ``problem`` is
    a problem file path (default: the suite's built-in example); ``only`` a list of claim ids (or
    one comma-separated string)."""
    from .context import Profile
    from .registry import suite as get_suite
    from .report import print_table, write_report

    the_suite = get_suite(suite)
    prof = Profile.named(profile)
    user = problem is not None
    prob = load_problem(problem) if user else the_suite.load_default_problem()
    prob.require_loss(the_suite.losses, "gfcheck verify")
    check_report_dir(out, figures=figures, suite=the_suite.name)
    if isinstance(only, str):
        only = [c for c in only.split(",") if c]
    results, ctx = verify(prob, prof, suite=the_suite.name, only=only or None, max_events=max_events, jobs=jobs)
    print_table(results, sys.stdout)
    command = ["gfcheck", "verify"] + (["--suite", the_suite.name] if suite else []) + \
        ["--profile", prof.name] + (["--problem", str(problem)] if user else [])
    write_report(Path(out), results, ctx, command=command, figures=figures)
    status = exit_status(results, user_problem=user)
    from gfcheck.symbolic.progress import QUIET, verbosity

    for line in summary_lines(results, profile=prof.name, out_dir=out):
        if verbosity() > QUIET or line.startswith("  "):  # --quiet keeps the claims that need attention
            print(line, file=sys.stderr)
    return status


def list_suites(stream=None) -> int:
    """``gfcheck verify --list``: every suite with its claims (item, id, provenance kind, title, and
    where the claim is stated: the paper's place, or the section of the theory note)."""
    from .registry import claims, suites
    from .verdicts import provenance_counts

    stream = stream or sys.stdout
    for s in suites():
        cs = claims(s.name)
        print(f"{s.name}: {s.title}", file=stream)
        print(f"  model: {s.model}; losses: {', '.join(s.losses)}; notes: {s.notes}", file=stream)
        print(f"  claims: {provenance_counts(cs, s.notes)}", file=stream)
        for c in cs:
            print(f"  {c.number:3d} {c.id:28s} {c.provenance.kind:13s} {c.title}", file=stream)
            print(f"      {c.provenance.where}", file=stream)
    return 0
