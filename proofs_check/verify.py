"""``gfcheck verify``: every claim of the orthogonal-inputs paper, checked; the main job.

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

Exit status: 0 when every claim is VERIFIED (OUTSIDE_ASSUMPTIONS is allowed for a user's
problem and reported); 1 when any claim is REFUTED or UNDECIDED; 2 for bad input.
"""

from __future__ import annotations

import sys
import time
from importlib import resources
from pathlib import Path

from gfcheck.symbolic.errors import SchemaError
from gfcheck.symbolic.problem import load_problem, loads_problem

__all__ = ["run_verify", "default_problem", "verify"]


def default_problem():
    """The built-in example (package data)."""
    text = resources.files("gfcheck.proofs_check").joinpath("data/default.problem.json").read_text()
    return loads_problem(text)


class Progress:
    """One line per claim on stderr; on a terminal the running claim is shown in place."""

    def __init__(self, total: int, stream=None):
        self.total, self.stream = total, stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.t0 = time.perf_counter()

    def start(self, i: int, claim) -> None:
        if self.tty:
            print(f"\r[{i}/{self.total}] {claim.id} ...", end="", file=self.stream, flush=True)

    def done(self, i: int, result) -> None:
        line = (f"[{i}/{self.total}] {result.claim.id}: {result.verdict} ({result.seconds:.1f} s, "
                f"{time.perf_counter() - self.t0:.0f} s in all)")
        print(("\r\x1b[K" if self.tty else "") + line, file=self.stream, flush=True)


def verify(problem, profile, *, only=None, progress=None):
    """Run the claims; returns ``(results, ctx)``."""
    from .context import Context
    from .registry import claims, run_claim

    ctx = Context(problem, profile)
    selected = [c for c in claims() if not only or c.id in only]
    if only:
        unknown = sorted(set(only) - {c.id for c in claims()})
        if unknown:
            raise SchemaError(f"--only: unknown claim id(s) {unknown}; known: {[c.id for c in claims()]}")
    prog = progress or Progress(len(selected))
    results = []
    for i, c in enumerate(selected, 1):
        prog.start(i, c)
        r = run_claim(c, ctx)
        prog.done(i, r)
        results.append(r)
    return results, ctx


def exit_status(results, *, user_problem: bool) -> int:
    ok = {"VERIFIED"} | ({"OUTSIDE_ASSUMPTIONS"} if user_problem else set())
    return 0 if all(r.verdict in ok for r in results) else 1


def run_verify(args) -> int:
    """The ``verify`` command (see the module docstring); returns the exit status."""
    from .context import Profile
    from .report import print_table, write_report

    profile = Profile.named(args.profile)
    user = args.problem is not None
    problem = load_problem(args.problem) if user else default_problem()
    only = [s for s in (getattr(args, "only", None) or "").split(",") if s] or None
    results, ctx = verify(problem, profile, only=only)
    print_table(results, sys.stdout)
    command = ["gfcheck", "verify", "--profile", profile.name] + (["--problem", str(args.problem)] if user else [])
    refuted = write_report(Path(args.out), results, ctx, command=command,
                           figures=not getattr(args, "no_figures", False))
    for cid, path in refuted:
        print(f"REFUTED {cid}: reproduce with  gfcheck verify --profile {profile.name} --problem {path} "
              f"--only {cid}", file=sys.stderr)
    status = exit_status(results, user_problem=user)
    print(f"gfcheck verify: {sum(r.verdict == 'VERIFIED' for r in results)}/{len(results)} verified; "
          f"report in {args.out}", file=sys.stderr)
    return status
