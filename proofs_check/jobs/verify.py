"""``gfcheck verify``: every claim of a suite (stated by its paper or reconstructed after it:
``Claim.provenance``), checked; the main job.

::

    gfcheck verify [--profile quick|full] [--problem FILE] [--out DIR] [--only ID[,ID...]] [--max-time SECONDS]

Runs the suite's registered claims on the problem (default: the suite's built-in example,
:meth:`~gfcheck.proofs_check.core.suite.Suite.default_problem`), shows progress on stderr, prints the verdict table
and writes the report into ``DIR``: ``report.md``, ``report.json`` (deterministic: same inputs,
same bytes), ``timings.json`` (seconds per claim: the one file that changes between runs), the
figures, ``problem.json`` (the exact problem) and, for each refuted claim,
``reproduce/<id>.problem.json`` with the command that reruns it.  Every file is written whole
(temporary file + rename); ``report.json`` is written last, so a report folder with a
``report.json`` is complete.

Before any claim runs, the problem's loss must be one the engines integrate (only ``"square"``;
``UnsupportedLoss`` otherwise) and ``DIR`` must be writable (``OutputError`` otherwise: a file
where the folder is needed, a path under a regular file, a read-only folder).  At the end a
summary on stderr counts each verdict and gives one line per cause of the claims that are not
VERIFIED (``ids: VERDICT: reason; next: what to do``; see :mod:`gfcheck.proofs_check.core.report`).

``--max-time SECONDS`` bounds the whole run (default: the profile's ``run_seconds``, 300 s for
quick, 3600 s for full; 0: no bound).  When it is spent, or on SIGINT or SIGTERM at any moment,
the worker processes are killed (:mod:`.workers`) and the report of the claims that finished is
written whole, the others UNDECIDED with the budget or the signal as the reason.  Off a terminal a
heartbeat line says what runs whenever stderr has been silent for a few seconds.

Exit status (``docs/cli.md``): 0 when every claim is VERIFIED (OUTSIDE_ASSUMPTIONS is allowed for
a user's problem and reported); 1 when a claim is REFUTED; 3 when none is but some claim is
UNDECIDED (a spent budget included); 4 when every claim is OUTSIDE_ASSUMPTIONS (nothing
checkable); 2 for bad input; 130 on SIGINT, 143 on SIGTERM.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from gfcheck.symbolic.files import check_output_dir
from gfcheck.symbolic.errors import InvalidInput, SchemaError
from gfcheck.symbolic.problem import load_problem

__all__ = ["run_verify", "list_suites", "default_problem", "verify", "summary_lines", "check_report_dir",
           "check_max_events"]

#: the prefix of every line this command writes to stderr
_PREFIX = "gfcheck verify:"


def default_problem():
    """The default suite's built-in example."""
    from gfcheck.proofs_check.core.registry import suite

    return suite().default_problem()


class Progress:
    """Per claim: a tqdm bar on a terminal (the running claims and their ladder rungs beside it,
    :mod:`gfcheck.symbolic.progress`), one result line per claim on stderr unless ``--quiet``, the
    ladder rungs as lines with ``-v``, and off a terminal a heartbeat line whenever stderr has
    been silent for a few seconds (:meth:`status`: the claims running, their rung, elapsed time,
    claims done of all, what is left of the whole-run budget)."""

    def __init__(self, total: int, budget=None):
        from gfcheck.symbolic import progress as _progress

        self.total, self._p, self.budget = total, _progress, budget
        self.bar = _progress.bar(total, "verify", unit="claim")
        self.t0 = time.perf_counter()
        #: index -> [claim id, start, last line, last line not a run's, the second route's line]
        self.running: dict[int, list] = {}
        self.finished = 0
        self.phase = None  # a callable saying what runs before the claims (the prefetch)

    def start(self, i: int, claim) -> None:
        self.running[i] = [claim.id, time.perf_counter(), "", "", ""]
        self.bar.set_postfix_str(claim.id)

    def rung(self, message: str, i: int | None = None) -> None:
        """Where a claim's ladder is (``Context.decide`` extends it); ``i`` the claim (default: the
        last started)."""
        if i is None:
            i = max(self.running, default=None)
        entry = self.running.get(i)
        cid = entry[0] if entry else "?"
        if entry:
            from gfcheck.proofs_check.core.verdicts import SECOND_ROUTE

            entry[2] = message
            if message.startswith(SECOND_ROUTE):  # kept: the second route's own ladder lines follow it
                entry[4] = message
            elif not message.startswith("integrating "):
                entry[3] = message
        self.bar.set_postfix_str(f"{cid}: {message}"[:100])
        self._p.detail(f"[{i}/{self.total}] {cid}: {message} ({self._p.elapsed_since(self.t0)} in all)",
                       self.bar)

    def where(self, i: int) -> str:
        """Where claim ``i`` is: the line that began its second route (if it did), its last ladder line,
        then the run it integrates ("" when it has said nothing, or is not running)."""
        entry = self.running.get(i)
        if not entry:
            return ""
        _, _, last, note, route = entry
        return "; then ".join(dict.fromkeys(x for x in (route, note, last) if x))

    def done(self, i: int, result) -> None:
        self.running.pop(i, None)
        self.finished += 1
        self._p.note(f"[{i}/{self.total}] {result.claim.id}: {result.verdict} ({result.seconds:.1f} s, "
                     f"{self._p.elapsed_since(self.t0)} in all)", self.bar)
        self.bar.update(1)

    def status(self) -> str:
        """One line: what runs now and what is left (the heartbeat's text)."""
        now = time.perf_counter()
        parts = []
        phase = self.phase
        if phase is not None:
            parts.append(phase())
        # the ladder's message whole (the rung it adds comes last; a terminal's bar clips the line itself)
        running = [f"{cid} ({now - t:.0f} s{'; ' + msg if msg else ''})"
                   for _, (cid, t, msg, *_notes) in sorted(dict(self.running).items())]
        if running:
            parts.append("running " + ", ".join(running))
        parts.append(f"{self.finished}/{self.total} claims done, {now - self.t0:.0f} s elapsed")
        if self.budget is not None and self.budget.bounded:
            parts.append(f"{self.budget.remaining():.0f} s of {self.budget.where} left")
        return "; ".join(parts)

    def close(self) -> None:
        self.bar.close()


#: the whole-run budget keeps this share of itself (at most :data:`REPORT_SECONDS`) for the report
REPORT_SHARE = 0.1
REPORT_SECONDS = 10.0
#: figures are drawn only when at least this much of the whole-run budget is left after the claims
FIGURE_SECONDS = 30.0


def report_reserve(budget) -> float:
    """Seconds of the whole-run budget kept for writing the report after the claims stop."""
    return min(REPORT_SECONDS, REPORT_SHARE * budget.seconds) if budget is not None and budget.bounded else 0.0


def _check_only(only, known, suite_name) -> None:
    """Refuse (SchemaError) a claim id of ``only`` that is not among the claims ``known``."""
    if only:
        unknown = sorted(set(only) - {c.id for c in known})
        if unknown:
            raise SchemaError(f"--only: unknown claim id(s) {unknown} in suite {suite_name!r}; "
                              f"known: {[c.id for c in known]}")


def check_max_events(max_events) -> None:
    """Refuse (SchemaError) a ``max_events`` that is neither None nor a positive integer."""
    if max_events is not None and (isinstance(max_events, bool) or not isinstance(max_events, int)
                                   or max_events < 1):
        raise SchemaError(f"--max-events: expected a positive integer, found {max_events!r}")


def verify(problem, profile, *, suite=None, only=None, progress=None, max_events=None, jobs=None, budget=None,
           cache=None):
    """Run the claims of ``suite`` (default ``orthogonal``); returns ``(results, ctx)``.  A loss
    the suite's claims are not stated for is refused first.  ``max_events`` caps the activation
    events of every integration (the engines' default else).  ``jobs`` processes (default: the
    cores, at most 2) integrate the shared ladder first when the suite's context can
    (``prefetch``), then run the claims; the report is the same bytes with any ``jobs``.

    ``budget`` (:class:`gfcheck.symbolic.budget.Budget`) bounds the whole run: when it is spent
    (keeping :func:`report_reserve` for the report), or on SIGINT / SIGTERM, the claims stop; the
    results list every claim, the finished ones with their verdicts and the others UNDECIDED with
    the reason (:func:`gfcheck.proofs_check.core.verdicts.stopped_result`).  ``ctx.stopped`` is then the
    :class:`~gfcheck.symbolic.budget.Interrupted` signal or the budget (None when every claim ran).
    ``cache`` (a folder) keeps the integrations across commands (:class:`gfcheck.numeric.cache.RunCache`)."""
    from gfcheck.symbolic.budget import as_interrupted
    from gfcheck.symbolic.progress import heartbeat

    from gfcheck.proofs_check.core.registry import claims
    from gfcheck.proofs_check.core.registry import suite as get_suite
    from gfcheck.proofs_check.core.verdicts import stopped_result

    the_suite = get_suite(suite)
    problem.require_loss(the_suite.losses, "gfcheck verify")
    known = claims(the_suite.name)
    _check_only(only, known, the_suite.name)
    check_max_events(max_events)
    jobs = _jobs(jobs)
    ctx = the_suite.make_context(problem, profile)
    ctx.suite = the_suite
    if cache is not None:
        from gfcheck.numeric.cache import RunCache

        ctx.run_cache = RunCache(cache)
    ctx.budget, ctx.budget_reserve = budget, report_reserve(budget)
    if max_events is not None:
        ctx.caps["max_events"] = max_events
    selected = [c for c in known if not only or c.id in only]
    _report_modules(ctx)
    prog = progress or Progress(len(selected), budget)
    ctx.say = getattr(prog, "rung", None)
    ctx.prefetch_seconds, ctx.stopped = 0.0, None
    done, extras = {}, {}
    try:
        with heartbeat(_PREFIX, getattr(prog, "status", lambda: "running"), getattr(prog, "bar", None)):
            ctx.stopped = _in_process(selected, _free_claims(selected, ctx), ctx, prog, done)
            rest = [i for i in range(len(selected)) if i not in done]
            if ctx.stopped is None:
                ctx.stopped = _integrating_claims(selected, rest, ctx, prog, jobs, done, extras)
    except KeyboardInterrupt as exc:
        ctx.stopped = as_interrupted(exc)
    finally:
        getattr(prog, "close", lambda: None)()
    for i in sorted(extras):  # figure data and timings in claim order: the same report with any jobs
        figures, timings = extras[i]
        ctx.figure_data.update(figures)
        ctx.timings = [*ctx.timings, *timings]
    where = getattr(prog, "where", lambda i: "")
    results = [done[i] if i in done else stopped_result(c, ctx.stopped, where(i + 1)) for i, c in enumerate(selected)]
    if ctx.stopped is None and any(r.result.details.get("stopped") == "budget" for r in results):
        ctx.stopped = budget  # the last claims were cut by the budget inside their own bound
    return results, ctx


def _free_claims(selected, ctx) -> list:
    """The claims that cost no integration, run first (before the shared ladder): those declared
    on the data alone (``Claim.integrates`` False) and those whose hypotheses fail on the problem
    (OUTSIDE_ASSUMPTIONS is decided exactly, before any integration).  So a small ``--max-time``
    still reports them, instead of spending itself on the ladder first."""
    from gfcheck.proofs_check.core.verdicts import outside_assumptions

    free = []
    for i, c in enumerate(selected):
        try:
            if not c.integrates or outside_assumptions(c, ctx) is not None:
                free.append(i)
        except Exception:  # noqa: BLE001 - the claim's own run reports a failing hypothesis test
            continue
    return free


def _integrating_claims(selected, rest, ctx, prog, jobs, done, extras):
    """The claims that integrate, in two stages: first those outside ``ctx.late_claims``, then the
    late ones, which read the costliest shared runs (the orthogonal suite's limit claims read the
    settle after the fit: census 0005, n = 7, m = 30, spent its 300 s on those runs before any claim
    ran, and all 17 were cut by the budget), with ``ctx.late_companions``.  Each stage integrates its shared runs
    (:func:`_prefetch`, the runs its claims read: ``ctx.claims_to_run``), then runs its claims on
    forked workers or here.  Returns the budget if it was spent first (None otherwise)."""
    # census 0004: claim 16's runs (250 s) held the first stage's barrier while the other worker
    # idled; census 0103 (no limit claim to run): alone in the first stage's last 270 s, on one core
    # of two, and cut by the budget.  In the late stage, with no late claim, it runs alone here with
    # the other jobs as spare processes for its runs (:func:`_stage`)
    late = [i for i in rest if selected[i].id in ctx.late_claims | ctx.late_companions]
    for todo in ([i for i in rest if i not in late], late):
        stopped = _stage(selected, todo, ctx, prog, jobs, done, extras) if todo else None
        if stopped is not None:
            return stopped
    return None


def _stage(selected, todo, ctx, prog, jobs, done, extras):
    """One stage of :func:`_integrating_claims`: its shared runs, then its claims, those of
    ``ctx.first_claims`` first (their own long runs then overlap the others' instead of trailing
    them: census 0005 had three such claims of the first stage start last and be cut by the budget).
    A stage of one claim runs it here with the other jobs as the context's spare processes
    (``ctx.spare``: the runs the claim says it needs next, :meth:`.RunMemo.ahead`)."""
    first = {cid: r for r, cid in enumerate(ctx.first_claims)}
    todo = sorted(todo, key=lambda i: (first.get(selected[i].id, len(first)), i))
    if len(todo) > 1:
        ctx.claims_to_run = tuple(selected[i].id for i in todo)
        ctx.prefetch_seconds += _prefetch(ctx, jobs, prog)
    if jobs > 1 and len(todo) > 1 and _can_fork():
        return _claims_on_workers(selected, todo, ctx, prog, jobs, done, extras)
    if jobs > 1 and _can_fork():  # one claim: the other jobs integrate the runs it says it needs next
        from gfcheck.proofs_check.core.workers import Workers

        from gfcheck.symbolic.budget import ticking

        with Workers(jobs - 1) as spare, ticking(spare.poll):
            ctx.spare = spare
            ctx.ahead(_declared_runs(ctx, [selected[i] for i in todo]))
            try:
                return _in_process(selected, todo, ctx, prog, done)
            finally:
                ctx.spare = None
    return _in_process(selected, todo, ctx, prog, done)


def _declared_runs(ctx, claims) -> list:
    """The runs ``claims`` declare they read first (``Claim.runs``), in their order; a claim whose
    declaration fails declares none (its check meets the cause and says it)."""
    out = []
    for claim in claims:
        try:
            out += list(claim.runs(ctx)) if claim.runs is not None else []
        except Exception:  # noqa: BLE001 - the check itself reports what is wrong
            continue
    return out


def _in_process(selected, todo, ctx, prog, done):
    """Run the claims ``todo`` (indices into ``selected``) here, in order, into ``done``; returns
    the budget if it was spent before they all ran (None otherwise)."""
    from gfcheck.proofs_check.core.registry import run_claim

    for i in todo:
        if _out_of_time(ctx):
            return ctx.budget
        prog.start(i + 1, selected[i])
        done[i] = run_claim(selected[i], ctx)
        ctx.figure_data.update(done[i].figures)
        prog.done(i + 1, done[i])
    return None


def _report_modules(ctx) -> None:
    """Import what writing the report needs (the suite's report module, its figures: matplotlib)
    now, so that the report of what finished, after a signal, costs no import time."""
    from gfcheck.numeric import provenance  # noqa: F401 - imported for later

    from gfcheck.proofs_check.core import report  # noqa: F401 - imported for later

    ctx.suite.figure_captions()  # imports the suite's report module


def _out_of_time(ctx) -> bool:
    """Is the claims' share of the whole-run budget spent?"""
    return ctx.budget is not None and ctx.budget.spent(ctx.budget_reserve)


def _jobs(jobs) -> int:
    """The worker processes: ``jobs``, default the cores (at most 2)."""
    import os

    if jobs is None:
        return min(2, os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise SchemaError(f"--jobs: expected a positive integer, found {jobs!r}")
    return jobs


def _can_fork() -> bool:
    """Can workers inherit the context (the prefetched ladder) by fork?  Claims run on workers
    only then."""
    from gfcheck.proofs_check.core.workers import can_fork

    return can_fork()


#: what a forked claim worker runs on: (claims, context), set in the parent just before the fork
_WORK: tuple = ()


def _claim_in_worker(i: int):
    """Run claim ``i`` in a worker: its result, the figure data its check returned and the
    integrations it ran (both go back into the parent's context).  Its ladder lines go to the parent."""
    from gfcheck.proofs_check.core.registry import run_claim
    from gfcheck.proofs_check.core.workers import tell

    selected, ctx = _WORK
    ctx.say = tell
    before = len(ctx.timings)
    r = run_claim(selected[i], ctx)
    timings = list(ctx.timings[before:])
    # the verdicts travel back, not the claim (its check may be a local function: unpicklable)
    return (r.result, r.twin, r.seconds), r.figures, timings


def _shared_predictions(ctx) -> None:
    """The exact predictions every claim uses, computed once in the parent before the fork (each
    worker inherits them), within what is left of the budget."""
    from gfcheck.symbolic.budget import time_limit
    from gfcheck.symbolic.errors import TimeBudgetSpent

    try:
        with time_limit(ctx.time_left(), "shared predictions: budget spent"):
            for name in ctx.shared_predictions:
                try:
                    getattr(ctx, name)
                except Exception:  # noqa: BLE001 - a claim reports it (as UNDECIDED or OUTSIDE) in its worker
                    pass
    except TimeBudgetSpent:
        pass


def _claims_on_workers(selected, todo, ctx, prog, jobs, done, extras):
    """The claims ``todo`` (indices into ``selected``) on ``jobs`` forked workers
    (:class:`.workers.Workers`), each taking the next
    claim when free; every worker inherits the context with the prefetched ladder.  A claim's
    runs that another claim also asks for are integrated by each worker that needs them (the
    memo is per process).  Fills ``done`` (index -> result) and ``extras`` (index -> figure data,
    timings) as claims finish; returns the budget if it was spent first (None otherwise).  A
    signal or the budget kills the workers at once; their claims are left unfinished."""
    from gfcheck.proofs_check.core.verdicts import ClaimResult, Verdict
    from gfcheck.proofs_check.core.workers import Workers

    global _WORK
    _shared_predictions(ctx)
    _WORK = (selected, ctx)
    say, ctx.say = ctx.say, None
    rung = getattr(prog, "rung", None)
    try:
        with Workers(min(jobs, len(todo)),
                     on_say=(lambda tid, text: rung(text, todo[tid] + 1)) if rung else None) as pool:
            futures = {i: pool.submit(_claim_in_worker, i) for i in todo}
            started = set()
            while any(i not in done for i in todo):
                for tid in pool.running():
                    if todo[tid] not in started:
                        started.add(todo[tid])
                        prog.start(todo[tid] + 1, selected[todo[tid]])
                if _out_of_time(ctx):
                    return ctx.budget
                left = ctx.time_left(0.5)
                pool.pump(left)
                for i, fut in futures.items():
                    if i in done or not fut.done():
                        continue
                    if fut.state == "ok":
                        (res, twin, secs), figures, timings = fut.value
                        extras[i] = (figures, timings)
                    else:
                        msg = f"internal error {type(fut.value).__name__}: {fut.value}"
                        res = twin = Verdict("UNDECIDED", "-", "-", "-", "-", {"error": msg})
                        secs = 0.0
                    if i not in started:
                        started.add(i)
                        prog.start(i + 1, selected[i])
                    done[i] = ClaimResult(selected[i], res, twin, secs)
                    prog.done(i + 1, done[i])
    finally:
        _WORK = ()
        ctx.say = say
    return None


def _prefetch(ctx, jobs, prog=None) -> float:
    """The shared ladder on ``jobs`` forked workers (both cores by default), within one claim bound
    per rung and worker (``claim_seconds * ceil(rungs / jobs)``) and what is left of the whole-run
    budget; 0 when the context shares no runs (``prefetch_requests`` empty), one job is asked for, or
    fork is not available.
    The workers are killed on the way out: a run still going at the bound (a hang) does not hold
    verify.  The bound was one claim's alone: under load (census 0030 at a load of 4) the prefetch was
    cut with 3 of 7 rungs made, and the claims then integrated the same rungs again, each in its own
    process, from the start."""
    jobs = _jobs(jobs)
    requests = ctx.prefetch_requests() if jobs > 1 and _can_fork() else []
    if not requests:
        return 0.0
    from gfcheck.symbolic.progress import note

    from gfcheck.proofs_check.core.workers import Workers

    n = len(requests)
    note(f"{_PREFIX} integrating the shared lambda ladder ({n} runs) on {jobs} processes")
    with Workers(jobs) as pool:
        if prog is not None:
            prog.phase = lambda: (f"integrating the shared lambda ladder on {jobs} processes "
                                  f"({pool.finished} of {n} done)")
        try:
            per_worker = -(-n // jobs)  # rungs one worker integrates, at most
            seconds = ctx.prefetch(pool, seconds=ctx.time_left(ctx.profile.claim_seconds * per_worker))
        finally:
            if prog is not None:
                prog.phase = None
    note(f"{_PREFIX} ladder ready ({seconds:.0f} s)")
    return seconds


#: the exit statuses of ``gfcheck verify`` (``docs/cli.md``); 2 is bad input or an unwritable
#: output (:class:`~gfcheck.symbolic.errors.InvalidInput`), 128 + the signal for SIGINT and SIGTERM
EXIT_VERIFIED, EXIT_REFUTED, EXIT_UNDECIDED, EXIT_NOTHING_CHECKABLE = 0, 1, 3, 4


def exit_status(results, *, user_problem: bool) -> int:
    """The exit status of ``gfcheck verify`` (``docs/cli.md``): 1 if a claim is REFUTED; else 4
    if every claim is OUTSIDE_ASSUMPTIONS (nothing checkable); else 0 if every claim is VERIFIED
    (OUTSIDE_ASSUMPTIONS allowed on a user's problem; on the built-in example, built to meet every
    assumption, it is a failure to decide); else 3 (UNDECIDED, a spent budget included).

    >>> exit_status([], user_problem=True)
    0
    """
    verdicts = [r.verdict for r in results]
    if "REFUTED" in verdicts:
        return EXIT_REFUTED
    if verdicts and all(v == "OUTSIDE_ASSUMPTIONS" for v in verdicts):
        return EXIT_NOTHING_CHECKABLE
    ok = {"VERIFIED"} | ({"OUTSIDE_ASSUMPTIONS"} if user_problem else set())
    return EXIT_VERIFIED if all(v in ok for v in verdicts) else EXIT_UNDECIDED


def check_report_dir(out, *, figures: bool, suite=None) -> Path:
    """Refuse, before any claim runs, a report folder that cannot be written (``OutputError``):
    the report's files and, with ``figures``, the suite's figure files."""
    from gfcheck.proofs_check.core.registry import suite as get_suite
    from gfcheck.proofs_check.core.report import REPORT_FILES, REPRODUCE_DIR

    names = REPORT_FILES
    if figures:
        names = names + tuple(get_suite(suite).figure_captions())
    return check_output_dir(out, "--out", files=names, folders=(REPRODUCE_DIR,))


def summary_lines(results, *, profile: str, out_dir) -> list[str]:
    """The closing summary: the count of each verdict, then one line per claim that is not
    VERIFIED (``id: VERDICT: reason; next: step``; REFUTED points at
    ``out_dir/reproduce/<id>.problem.json``), then where the report is.

    >>> summary_lines([], profile="quick", out_dir="r")
    ['gfcheck verify: 0 claims: 0 VERIFIED, 0 REFUTED, 0 OUTSIDE_ASSUMPTIONS, 0 UNDECIDED',
     'gfcheck verify: report in r']
    """
    from gfcheck.proofs_check.core.report import REPRODUCE_DIR, attention_lines, counts_line

    lines = [f"{_PREFIX} {counts_line(results)}"]
    lines += [f"  {line}" for line in attention_lines(results, profile=profile,
                                                      reproduce_dir=Path(out_dir) / REPRODUCE_DIR)]
    lines.append(f"{_PREFIX} report in {out_dir}")
    return lines


def run_verify(*, suite: str | None = None, profile: str | None = None, problem=None,
               out="gfcheck-report", only=None, figures: bool = True, max_events: int | None = None,
               jobs: int | None = None, max_time=None, cache=None, prove: bool = False) -> int:
    """The ``verify`` command (see the module docstring); returns the exit status.

    ``suite`` names the paper (default: the default suite; ``gfcheck verify --list``); ``profile`` one
    of the suite's profiles (default: its first, :meth:`~gfcheck.proofs_check.core.suite.Suite.profile`); ``problem`` is
    a problem file path (default: the suite's built-in example); ``only`` a list of claim ids (or
    one comma-separated string); ``max_time`` the whole-run budget in seconds (None: the profile's
    ``run_seconds``; 0: no bound).  On SIGINT or SIGTERM, or when the budget is spent, the report
    of the claims that finished is written whole (the others UNDECIDED, naming the cause); the
    status is then 130 / 143 for a signal, :func:`exit_status` for the budget.  ``cache`` is a folder
    that keeps the integrations for a later run (an unwritable one is refused first, exit 2).
    ``prove``: after the claims, prove their instance-level parts on validated enclosures within
    what is left of the budget (:func:`prove_parts`; a suite without enclosures, or python-flint
    missing, is refused first)."""
    from gfcheck.symbolic.budget import Budget

    from gfcheck.proofs_check.core.registry import suite as get_suite

    the_suite = get_suite(suite)
    prof = the_suite.profile(profile)
    budget = Budget.of(max_time, default=prof.run_seconds)
    user = problem is not None
    prob = load_problem(problem) if user else the_suite.default_problem()
    prob.require_loss(the_suite.losses, "gfcheck verify")
    check_report_dir(out, figures=figures, suite=the_suite.name)
    if cache is not None:
        check_output_dir(cache, "--cache")
    if prove:
        check_can_prove(the_suite)
    if isinstance(only, str):
        only = [c for c in only.split(",") if c]
    results, ctx = verify(prob, prof, suite=the_suite.name, only=only or None, max_events=max_events, jobs=jobs,
                          budget=budget, cache=cache)
    if prove:
        prove_parts(ctx, results, budget)
    command = ["gfcheck", "verify"] + (["--suite", the_suite.name] if suite else []) + \
        ["--profile", prof.name] + (["--problem", str(problem)] if user else []) + (["--prove"] if prove else [])
    return _finish(results, ctx, out=out, command=command, figures=figures, user=user, budget=budget)


def check_can_prove(the_suite) -> None:
    """Refuse ``--prove`` before any work when the suite has no enclosure or python-flint is missing."""
    if not the_suite.proves():
        the_suite.prove(None, [])  # raises the suite's own refusal
    try:
        import flint  # noqa: F401
    except ImportError:
        raise InvalidInput("--prove needs python-flint: pip install 'gfcheck[prove]'") from None


def prove_parts(ctx, results, budget) -> None:
    """``ctx.proofs = (parts, settings)``: the suite's proofs on this instance, after the claims,
    within what is left of the budget (keeping the report's reserve).  A run the claims did not
    finish proves nothing (the settings say why); SIGINT or SIGTERM while proving keeps the parts
    done so far (``ctx.proof_parts``, filled by the suite's prover) and stops the run as during the
    claims (the report is written, status 130 or 143)."""
    from gfcheck.symbolic.budget import Interrupted, as_interrupted

    if ctx.stopped is not None:
        ctx.proofs = ([], {"skipped": "the claims did not finish, so nothing was proved"})
        return
    from gfcheck.symbolic.progress import heartbeat

    left = budget.remaining(ctx.budget_reserve) if budget is not None and budget.bounded else None
    deadline = None if left is None else time.monotonic() + left
    ctx.proving = "starting"  # the suite's prover names what it encloses (read by the heartbeat)

    def status():
        rest = "" if deadline is None else f"; {max(0.0, deadline - time.monotonic()):.0f} s of the budget left"
        return f"proving: {ctx.proving}{rest}"

    try:
        with heartbeat(_PREFIX, status):
            ctx.proofs = ctx.suite.prove(ctx, results, deadline)
    except (Interrupted, KeyboardInterrupt) as exc:
        ctx.stopped = exc = as_interrupted(exc)
        done = list(getattr(ctx, "proof_parts", []))
        ctx.proofs = (done, {"stopped": f"the run was ended by {exc.name} while proving: the {len(done)} parts "
                                        "proved or refused before it are listed, the rest not attempted"})


def _extras_seconds(stop, budget):
    """The bound on the report's extra sections (the lambda condition) and figures: none after a
    signal (the report of what finished comes first; they are recorded as not made), what is
    left of the whole-run budget otherwise (at least one second: the report is written whole)."""
    if hasattr(stop, "signum"):
        return 0.0
    return None if not budget.bounded else max(1.0, budget.remaining())


def _finish(results, ctx, *, out, command, figures, user, budget) -> int:
    """Print the table, write the report, print the summary, with SIGINT / SIGTERM held back until
    it is done (the figures alone may be cut short by one); returns the exit status."""
    from gfcheck.symbolic.budget import deferred, pending_signal, signal_name
    from gfcheck.symbolic.progress import QUIET, heartbeat, verbosity

    from gfcheck.proofs_check.core.report import print_table, write_report

    stop = ctx.stopped
    skip = None
    if figures and stop is not None:
        skip = ("the run was ended by " + stop.name if hasattr(stop, "signum")
                else budget.describe() + " was spent") + " before the claims finished"
    elif figures and budget.bounded and budget.remaining() < FIGURE_SECONDS:
        skip = f"less than {FIGURE_SECONDS:.0f} s of {budget.describe()} was left for the figures"
    with deferred(), heartbeat(_PREFIX, lambda: f"writing the report in {out}"):
        print_table(results, sys.stdout)
        write_report(Path(out), results, ctx, command=command, figures=figures and skip is None,
                     figures_skipped=skip, extras_seconds=_extras_seconds(stop, budget))
        status = exit_status(results, user_problem=user)
        for line in summary_lines(results, profile=ctx.profile.name, out_dir=out):
            if verbosity() > QUIET or line.startswith("  "):  # --quiet keeps the claims that need attention
                print(line, file=sys.stderr)
        signum = stop.signum if hasattr(stop, "signum") else pending_signal()
        finished = sum("stopped" not in r.result.details for r in results)
        if signum is not None:
            print(f"{_PREFIX} interrupted by {signal_name(signum)}: the report of the {finished} of {len(results)} "
                  f"claims that finished is in {out}", file=sys.stderr)
            return 128 + signum
        if stop is not None:
            print(f"{_PREFIX} {budget.describe()} was spent: {finished} of {len(results)} claims finished; "
                  f"the others are UNDECIDED in {out}", file=sys.stderr)
    return status


def list_suites(stream=None) -> int:
    """``gfcheck verify --list``: every suite with its claims (item, id, provenance kind, title, and
    where the claim is stated: the paper's place, or the section of the theory note)."""
    from gfcheck.proofs_check.core.registry import claims, suites
    from gfcheck.proofs_check.core.verdicts import provenance_counts

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
