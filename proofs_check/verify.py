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
from importlib import resources
from pathlib import Path

from gfcheck.symbolic._io import check_output_dir
from gfcheck.symbolic.errors import SchemaError
from gfcheck.symbolic.problem import load_problem, loads_problem

__all__ = ["run_verify", "default_problem", "verify", "summary_lines", "check_report_dir"]

#: the prefix of every line this command writes to stderr
_PREFIX = "gfcheck verify:"


def default_problem():
    """The built-in example (package data)."""
    text = resources.files("gfcheck.proofs_check").joinpath("data/default.problem.json").read_text()
    return loads_problem(text)


class Progress:
    """Per claim: a tqdm bar on a terminal (the running claim and its ladder rung beside it,
    :mod:`gfcheck.symbolic._progress`), one result line per claim on stderr unless ``--quiet``,
    and the ladder rungs as lines with ``-v`` (silent otherwise off a terminal and in CI)."""

    def __init__(self, total: int):
        from gfcheck.symbolic import _progress

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


def verify(problem, profile, *, only=None, progress=None, max_events=None):
    """Run the claims; returns ``(results, ctx)``.  A loss other than square is refused first.
    ``max_events`` caps the activation events of every integration (the engines' default else)."""
    from .context import Context
    from .registry import claims, run_claim

    problem.require_square_loss("gfcheck verify")
    ctx = Context(problem, profile)
    if max_events is not None:
        if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events < 1:
            raise SchemaError(f"--max-events: expected a positive integer, found {max_events!r}")
        ctx.caps["max_events"] = max_events
    selected = [c for c in claims() if not only or c.id in only]
    if only:
        unknown = sorted(set(only) - {c.id for c in claims()})
        if unknown:
            raise SchemaError(f"--only: unknown claim id(s) {unknown}; known: {[c.id for c in claims()]}")
    prog = progress or Progress(len(selected))
    ctx.say = getattr(prog, "rung", None)
    results = []
    try:
        for i, c in enumerate(selected, 1):
            prog.start(i, c)
            r = run_claim(c, ctx)
            prog.done(i, r)
            results.append(r)
    finally:
        getattr(prog, "close", lambda: None)()
    return results, ctx


def exit_status(results, *, user_problem: bool) -> int:
    ok = {"VERIFIED"} | ({"OUTSIDE_ASSUMPTIONS"} if user_problem else set())
    return 0 if all(r.verdict in ok for r in results) else 1


def check_report_dir(out, *, figures: bool) -> Path:
    """Refuse, before any claim runs, a report folder that cannot be written (``OutputError``)."""
    from .report import REPORT_FILES, REPRODUCE_DIR

    names = REPORT_FILES
    if figures:
        from .figures import FIGURES

        names = names + tuple(FIGURES)
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


def run_verify(args) -> int:
    """The ``verify`` command (see the module docstring); returns the exit status."""
    from .context import Profile
    from .report import print_table, write_report

    profile = Profile.named(args.profile)
    user = args.problem is not None
    problem = load_problem(args.problem) if user else default_problem()
    problem.require_square_loss("gfcheck verify")
    figures = not getattr(args, "no_figures", False)
    check_report_dir(args.out, figures=figures)
    only = [s for s in (getattr(args, "only", None) or "").split(",") if s] or None
    results, ctx = verify(problem, profile, only=only, max_events=getattr(args, "max_events", None))
    print_table(results, sys.stdout)
    command = ["gfcheck", "verify", "--profile", profile.name] + (["--problem", str(args.problem)] if user else [])
    write_report(Path(args.out), results, ctx, command=command, figures=figures)
    status = exit_status(results, user_problem=user)
    from gfcheck.symbolic._progress import QUIET, verbosity

    for line in summary_lines(results, profile=profile.name, out_dir=args.out):
        if verbosity() > QUIET or line.startswith("  "):  # --quiet keeps the claims that need attention
            print(line, file=sys.stderr)
    return status
