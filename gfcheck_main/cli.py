"""The ``gfcheck`` command line: ``derive``, ``simulate``, ``verify``, ``enclose``, ...

Each subcommand imports its layer only when it runs, so ``gfcheck simulate`` never
pays for sympy.  Every error that gfcheck raises on purpose ends the command with a
one-line message on stderr and the error's exit status (2 for bad input, including an
unsupported loss and an output that cannot be written: ``OutputError``, also for an ``OSError``
of the final write; 3 for a spent ``--max-time``); nothing is written half-way because every file
goes through an atomic write.  SIGINT and SIGTERM end every command with 130 and 143
(``verify`` first writes the report of the claims that finished).  The table of exit statuses is
``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main", "build_parser", "run", "SuiteProfiles"]


class SuiteProfiles:
    """The ``--profile`` choices: the names of the installed suites' profiles
    (:meth:`~gfcheck.proofs_check.core.suite.Suite.profiles`), read from the registry on first use
    (when ``--profile`` is given or the help is shown), so building the parser loads no suite's context.

    >>> "quick" in SuiteProfiles() and "slow" not in SuiteProfiles()
    True
    """

    def __init__(self):
        self._names = None

    def _load(self) -> list:
        if self._names is None:
            from gfcheck.proofs_check.core.registry import suites

            self._names = list(dict.fromkeys(p for s in suites() for p in s.profiles()))
        return self._names

    def __contains__(self, name) -> bool:
        return name in self._load()

    def __iter__(self):
        return iter(self._load())


def _suite_help(what: str, *, marked: bool = True) -> str:
    """``--suite`` help naming every installed suite, the default first (``marked``: says so)."""
    from gfcheck.proofs_check.core.registry import suites

    names = [s.name for s in suites()]
    return f"{what}: {names[0]}{' (default)' if marked else ''}" + "".join(f", {n}" for n in names[1:]) + \
        "; gfcheck verify --list shows them"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gfcheck",
        description="Symbolic-numeric verification of gradient-flow theory for shallow ReLU networks.",
    )
    parser.add_argument("--version", action="store_true", help="print versions and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("derive", help="regenerate the sympy derivations and certificates, one folder per suite")
    d.add_argument("--out", default="derivations", help="output folder (default: derivations); suite S writes OUT/S/")
    d.add_argument("--suite", action="append", default=None, metavar="NAME",
                   help=_suite_help("suite, repeatable (default: every suite)", marked=False))

    s = sub.add_parser("simulate", help="integrate the gradient flow of a problem file")
    s.add_argument("problem", help="problem file (gfcheck.problem/1)")
    s.add_argument("--out", required=True, help="result file to write (gfcheck.result/1)")
    s.add_argument("--dps", type=int, default=30, help="decimal digits requested (default 30)")
    horizon = s.add_mutually_exclusive_group()
    horizon.add_argument("--t-end", dest="t_end", default=None, help="horizon T (a number string)")
    horizon.add_argument("--until-fitted", action="store_true", help="integrate until the loss is fitted")
    s.add_argument("--grid", type=int, default=64, help="number of sample times on [0, T] (default 64)")
    s.add_argument("--engine", choices=["auto", "reduced", "full", "float64"], default="auto",
                   help="integrator: reduced (orthogonal inputs, fixed point), full (any inputs, mpf), "
                        "float64 (fast, measured accuracy), auto (reduced when the inputs allow it)")
    s.add_argument("--no-error-estimate", dest="error_estimate", action="store_false",
                   help="skip the second, higher-precision run (error_estimate: \"unmeasured\")")
    s.add_argument("--max-events", type=int, default=None,
                   help="cap on activation events (default: 100000); a run past it fails with TooManyEvents")
    s.add_argument("--max-time", dest="max_time", type=float, default=None, metavar="SECONDS",
                   help="whole-run wall-clock budget (default: none); past it: TimeBudgetSpent, exit 3")

    v = sub.add_parser("verify", help="check a suite's claims (stated by its paper or reconstructed in docs/; "
                       "--list says which) against high-precision trajectories (the main job)")
    v.add_argument("--suite", default=None, help=_suite_help("the suite of claims, one per paper"))
    v.add_argument("--list", action="store_true",
                   help="list the suites and their claims, each with where it comes from, then exit")
    v.add_argument("--profile", choices=SuiteProfiles(), default=None, metavar="PROFILE",
                   help="the suite's ladder and digits, one of %(choices)s (default: the suite's first)")
    v.add_argument("--problem", default=None, help="problem file (default: the suite's built-in example)")
    v.add_argument("--out", default="gfcheck-report", help="report folder (default: gfcheck-report)")
    v.add_argument("--only", default=None, help="comma-separated claim ids to run (default: all)")
    v.add_argument("--no-figures", action="store_true", help="skip the figures")
    v.add_argument("--max-events", type=int, default=None,
                   help="cap on activation events per integration (default: 100000)")
    v.add_argument("--jobs", type=int, default=None,
                   help="processes that integrate the shared lambda ladder first (default: the cores, at most 2); "
                        "the report is the same with any number")
    v.add_argument("--max-time", dest="max_time", type=float, default=None, metavar="SECONDS",
                   help="whole-run wall-clock budget (default: 300 for quick, 3600 for full; 0: no bound); when spent, "
                        "the report of the claims that finished is written, the others UNDECIDED "
                        "(exit 3; docs/cli.md)")
    v.add_argument("--cache", default=None, metavar="DIR",
                   help="keep every integration in DIR and read it from there on a later run (keyed by the exact "
                        "problem, the run's arguments and the engines' code; the report is the same bytes)")
    v.add_argument("--prove", action="store_true",
                   help="after the claims, prove their instance-level parts (exit set, times and order, invariants, "
                        "alignment, plateau departures, half-fit crossings, fit at the horizon) on validated "
                        "enclosures, within the budget (python-flint; docs/enclose.md)")
    e = sub.add_parser("enclose", help="prove an enclosure of the orthogonal flow (arb balls; docs/enclose.md)")
    e.add_argument("--problem", required=True, help="problem file (gfcheck.problem/1, orthogonal, square loss)")
    e.add_argument("--t-end", dest="t_end", required=True, help="horizon T (a number string)")
    e.add_argument("--dps", type=int, default=40, help="decimal digits requested (default 40)")
    e.add_argument("--grid", type=int, default=64, help="number of grid times on [0, T] (default 64)")
    e.add_argument("--out", required=True, help="enclosure file to write (gfcheck.enclosure/1)")
    _add_artifact_and_sweep(sub)
    return parser


def _add_artifact_and_sweep(sub) -> None:
    """``artifact``, ``sweep``, ``aggregate``; then ``-q``/``-v`` on every command."""
    a = sub.add_parser("artifact", help="build the paper artifact: derivations, report, claims table, "
                       "provenance, lock file, manifest and one deterministic archive")
    a.add_argument("--suite", action="append", default=None, metavar="NAME",
                   help=_suite_help("suite of claims, repeatable"))
    a.add_argument("--profile", choices=SuiteProfiles(), default=None, metavar="PROFILE",
                   help="the suites' ladder and digits, one of %(choices)s (default: the first suite's first)")
    a.add_argument("--out", required=True, help="artifact folder (new, empty, or an earlier artifact)")
    a.add_argument("--only", default=None, help="comma-separated claim ids (default: all)")
    a.add_argument("--no-figures", action="store_true", help="skip the figures")
    a.add_argument("--max-events", type=int, default=None, help="cap on activation events per integration")
    w = sub.add_parser("sweep", help="run simulate/verify tasks over a grid (resumable; process pool or Dask)")
    w.add_argument("grid", nargs="?", default=None, help="grid file (.toml or .json; see docs/sweep.md)")
    w.add_argument("--out", required=True, help="sweep folder (results/<hash>.json, summary.*)")
    w.add_argument("--jobs", type=int, default=None, help="local worker processes (default: the cores)")
    w.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="send the tasks to this Dask scheduler (e.g. tcp://host:8786) instead")
    w.add_argument("--aggregate", action="store_true", help="only rebuild the summary from the result files")
    g = sub.add_parser("aggregate", help="tables and plots of a sweep folder, from its result files alone")
    g.add_argument("out", help="sweep folder")
    for p in sub.choices.values():
        p.add_argument("-q", "--quiet", action="store_true",
                       help="no progress and no heartbeat lines: errors and results only")
        p.add_argument("-v", "--verbose", action="store_true", help="progress as log lines (ladder rungs, tasks)")


def _dispatch_artifact_and_sweep(args):
    """Set the progress verbosity; run ``artifact``/``sweep``/``aggregate`` (None for the others)."""
    from gfcheck.symbolic import progress as _progress

    _progress.set_verbosity(0 if args.quiet else 2 if args.verbose else 1)
    if args.command == "artifact":
        from gfcheck.proofs_check.jobs.artifact import build_artifact

        only = [s for s in (args.only or "").split(",") if s] or None
        return build_artifact(args.out, suites=args.suite or None, profile=args.profile,
                              only=only, figures=not args.no_figures, max_events=args.max_events)
    if args.command == "sweep":
        from gfcheck.proofs_check.jobs.sweep import run_sweep_command

        return run_sweep_command(args.grid, args.out, jobs=args.jobs, scheduler=args.scheduler,
                                 aggregate_only=args.aggregate)
    if args.command == "aggregate":
        from gfcheck.proofs_check.jobs.sweep import run_sweep_command

        return run_sweep_command(None, args.out, aggregate_only=True)
    return None


def _dispatch(args) -> int:
    """Map the parsed arguments onto the commands' keyword functions."""
    status = _dispatch_artifact_and_sweep(args)
    if status is not None:
        return status
    if args.command == "derive":
        from gfcheck.proofs_check.jobs.derive import write_derivations

        return write_derivations(args.out, suites=args.suite)
    if args.command == "simulate":
        from gfcheck.numeric.simulate import run_simulate

        return run_simulate(args.problem, args.out, dps=args.dps, t_end=args.t_end,
                            until_fitted=args.until_fitted, grid=args.grid, engine=args.engine,
                            error_estimate=args.error_estimate, max_events=args.max_events,
                            max_time=args.max_time)
    if args.command == "enclose":
        from gfcheck.numeric.enclose import run_enclose

        return run_enclose(args.problem, args.out, t_end=args.t_end, dps=args.dps, grid=args.grid)
    if args.command == "verify":
        from gfcheck.proofs_check.jobs.verify import list_suites, run_verify

        if args.list:
            return list_suites()
        return run_verify(suite=args.suite, profile=args.profile, problem=args.problem, out=args.out,
                          only=args.only, figures=not args.no_figures, max_events=args.max_events,
                          jobs=args.jobs, max_time=args.max_time, cache=args.cache, prove=args.prove)
    raise AssertionError(args.command)


def _versions() -> str:
    from importlib.metadata import version

    import mpmath

    return f"gfcheck {version('gfcheck')} (mpmath {mpmath.__version__}, backend {mpmath.libmp.BACKEND})"


def _fail(command: str, exc) -> int:
    """One line on stderr (``gfcheck CMD: ErrorName: message``); returns the exit status."""
    msg = " ".join(str(exc).split())
    print(f"gfcheck {command}: {type(exc).__name__}: {msg}", file=sys.stderr)
    return exc.exit_status


def main(argv: list[str] | None = None) -> int:
    from gfcheck.symbolic.budget import as_interrupted, install_signal_handlers, interrupted_in
    from gfcheck.symbolic.errors import GfcheckError

    parser = build_parser()
    args = parser.parse_args(argv)
    # SIGINT and SIGTERM raise Interrupted, so a temporary file being written is removed
    # (atomic_write cleans up on any exception) and verify writes the report of what finished
    install_signal_handlers()
    if args.version:
        print(_versions())
        return 0
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(_dispatch(args) or 0)
    except BrokenPipeError:  # the reader of stdout went away (``| head``): not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except GfcheckError as exc:
        return _fail(args.command, exc)
    except OSError as exc:  # a file-system failure that no write site converted: still one line
        from gfcheck.symbolic.files import output_error

        return _fail(args.command, output_error(exc, "file system"))
    except KeyboardInterrupt as exc:
        return _interrupted(args.command, as_interrupted(exc))
    except Exception as exc:  # a signal that another exception wraps (an import's class body) is still one
        stop = interrupted_in(exc)
        if stop is None:
            raise
        return _interrupted(args.command, stop)


def _interrupted(command: str, stop) -> int:
    """The one line of a command that a signal ended, and its exit status (130, 143)."""
    print(f"gfcheck {command}: interrupted by {stop.name}; no partial file was left behind", file=sys.stderr)
    return stop.exit_status


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _leave_now(signum, frame) -> None:
    """After the command: a signal ends the process at once with ``128 + signum`` (all is written)."""
    import os

    _flush()
    os._exit(128 + signum)


def run() -> int:
    """The console script and ``python -m``: :func:`main` on ``sys.argv``.  A command ended by a
    signal (status 128 + n) leaves at once, its output flushed: everything it writes is written and
    its workers are gone, and the interpreter's teardown (freeing the trajectories in memory) would
    cost seconds.  A signal that comes once the command is done (during that teardown) ends the
    process at once with 128 + n as well (after the teardown has begun, the default action does)."""
    import os
    import signal

    from gfcheck.symbolic.budget import SIGNALS, as_interrupted

    try:
        status = main()
    except KeyboardInterrupt as exc:  # a signal after main's own handling: the same status
        status = as_interrupted(exc).exit_status
    _flush()
    if status > 128:
        os._exit(status)
    for s in SIGNALS:
        signal.signal(s, _leave_now)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
