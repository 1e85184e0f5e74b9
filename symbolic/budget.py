"""Time budgets and signals: a whole-run budget (``--max-time``), wall-clock bounds on a block of
work, and SIGINT / SIGTERM that always end a command.

* :class:`Budget` is the whole run's wall-clock budget (``--max-time SECONDS``; 0 = no bound),
  counted from its creation on the monotonic clock, which forked workers share.
* :func:`time_limit` raises :class:`~gfcheck.symbolic.errors.TimeBudgetSpent` when a block runs
  past ``seconds`` (``SIGALRM``, main thread only).
* :func:`install_signal_handlers` makes SIGINT and SIGTERM raise :class:`Interrupted` (a
  ``KeyboardInterrupt`` carrying the signal), so every ``finally`` and every atomic write cleans
  up on either; :func:`deferred` holds a signal back while a block that must finish whole runs (the
  report of what finished), :func:`interruptible` lets one through again inside it (the figures).
  A signal's :class:`Interrupted` raised inside a finalizer (``__del__``, a weakref callback) is
  dropped by Python ("Exception ignored in"); the signal is kept, and :func:`checkpoint`, asked
  by the long loops (each engine step, each claim, the workers' pump), raises it again.
  The exit status of a command ended by a signal is ``128 + signal number``: 130 for SIGINT,
  143 for SIGTERM.

>>> b = Budget.of(0)
>>> b.bounded, b.remaining()
(False, None)
>>> Budget.of(60).remaining() <= 60
True
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from dataclasses import dataclass, field

from .errors import InvalidInput, TimeBudgetSpent

__all__ = ["Budget", "Interrupted", "interrupted_in", "time_limit", "install_signal_handlers", "deferred",
           "interruptible", "signal_name", "pending_signal", "deferring", "signals_blocked", "as_interrupted",
           "checkpoint", "SIGNALS"]


def signal_name(signum: int) -> str:
    """``"SIGTERM"`` for 15 (the platform's name)."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM reached the process: ``signum`` is which; the command exits with
    ``exit_status = 128 + signum`` (130, 143) after writing what it can write whole."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal_name(signum))
        self.signum = int(signum)

    @property
    def exit_status(self) -> int:
        return 128 + self.signum

    @property
    def name(self) -> str:
        return signal_name(self.signum)


def as_interrupted(exc: BaseException) -> Interrupted:
    """A ``KeyboardInterrupt`` as :class:`Interrupted` (Python's own one is SIGINT)."""
    return exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)


def interrupted_in(exc: BaseException) -> Interrupted | None:
    """The signal behind ``exc``, or None: a ``KeyboardInterrupt`` among its causes and contexts.
    Python wraps an exception raised while a class body is set up (a signal during an import:
    ``RuntimeError: Error calling __set_name__``, CI of 6238eac, SIGTERM during matplotlib's import),
    so the interrupt reaches the command as another exception.

    >>> try:
    ...     try:
    ...         raise Interrupted(signal.SIGTERM)
    ...     except Interrupted as inner:
    ...         raise RuntimeError("Error calling __set_name__") from inner
    ... except RuntimeError as outer:
    ...     interrupted_in(outer).exit_status, interrupted_in(RuntimeError("no signal"))
    (143, None)
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return as_interrupted(exc)
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


@dataclass(frozen=True)
class Budget:
    """The whole run's wall-clock budget: ``seconds`` (None: no bound) from ``start``
    (``time.monotonic()``).  ``where`` names the option in messages.

    >>> Budget.of(-1)
    Traceback (most recent call last):
    ...
    gfcheck.errors.InvalidInput: --max-time: expected a number of seconds >= 0 (0: no bound), found -1
    """

    seconds: float | None
    start: float = field(default_factory=time.monotonic)
    where: str = "--max-time"

    def __post_init__(self) -> None:
        if self.seconds is not None and not (isinstance(self.seconds, (int, float))
                                             and not isinstance(self.seconds, bool) and self.seconds > 0):
            raise InvalidInput(f"{self.where}: expected a positive number of seconds or None, found {self.seconds!r}")

    @classmethod
    def of(cls, seconds, *, where: str = "--max-time", default=None) -> "Budget":
        """From an option value: ``None`` takes ``default`` (seconds or None); ``0`` is no bound."""
        value = default if seconds is None else seconds
        if value is None:
            return cls(None, where=where)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 or value == float("inf"):
            raise InvalidInput(f"{where}: expected a number of seconds >= 0 (0: no bound), found {value!r}")
        return cls(float(value) if value else None, where=where)

    @property
    def bounded(self) -> bool:
        return self.seconds is not None

    @property
    def deadline(self) -> float | None:
        """The monotonic time at which the budget is spent (None: never)."""
        return None if self.seconds is None else self.start + self.seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self, reserve: float = 0.0) -> float | None:
        """Seconds left before ``deadline - reserve`` (never negative); None when unbounded."""
        if self.seconds is None:
            return None
        return max(0.0, self.start + self.seconds - reserve - time.monotonic())

    def spent(self, reserve: float = 0.0) -> bool:
        r = self.remaining(reserve)
        return r is not None and r <= 0

    def describe(self) -> str:
        """``"the whole-run budget of 300 s (--max-time)"``."""
        return f"the whole-run budget of {self.seconds:.0f} s ({self.where})"


def time_left(budget, reserve: float = 0.0, cap=None):
    """Seconds ``budget`` (a :class:`Budget` or None) leaves before ``deadline - reserve``, at most
    ``cap``; None when neither bounds it (a context's :meth:`time_left` and a claim's bound).

    >>> time_left(None), time_left(None, cap=0.5), time_left(Budget(None, "x"), 5.0, 2.0)
    (None, 0.5, 2.0)
    """
    left = budget.remaining(reserve) if budget is not None else None
    if cap is None:
        return left
    return cap if left is None else min(cap, left)


def time_limit(seconds, message: str):
    """A context manager raising :class:`TimeBudgetSpent` (``message``) after ``seconds`` of
    wall-clock time (``SIGALRM``, main thread only; elsewhere, or with ``seconds=None``, no limit).
    ``seconds <= 0`` raises at once."""
    if seconds is None or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        return contextlib.nullcontext()

    @contextlib.contextmanager
    def limit():
        def _raise(signum, frame):
            raise TimeBudgetSpent(message)

        if seconds <= 0:
            raise TimeBudgetSpent(message)
        old = signal.signal(signal.SIGALRM, _raise)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)

    return limit()


#: ``raise``: a signal raises :class:`Interrupted`; ``defer``: it only waits; either way the first
#: one is kept in ``pending`` (a raise can be dropped: :func:`checkpoint`)
_STATE = {"mode": "raise", "pending": None, "tick": None}
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _handler(signum, frame):
    if _STATE["pending"] is None:
        _STATE["pending"] = signum
    if _STATE["mode"] == "defer":
        return
    raise Interrupted(signum)


def checkpoint() -> None:
    """Raise the signal that came and was not acted on, outside :func:`deferred`.

    The handler raises :class:`Interrupted` at the next bytecode of the main thread, whatever runs
    there; inside a finalizer (``__del__``, a weakref callback, run by the garbage collector at any
    allocation) Python prints and drops the exception and the command would run on to its end
    (tests/test_bounded.py: a SIGTERM one second into verify went unheard for 12.9 s).  The long
    loops call this (each engine step, each claim, the workers' pump): one dictionary lookup, and
    the :func:`ticking` callable when one is set."""
    if _STATE["pending"] is not None and _STATE["mode"] == "raise":
        raise Interrupted(_STATE["pending"])
    tick = _STATE["tick"]
    if tick is not None:
        tick()


@contextlib.contextmanager
def ticking(tick):
    """Call ``tick()`` at every :func:`checkpoint` inside the block (one at a time; it must not
    block): the spare worker processes of a claim that integrates here are handed their next run
    while it does (:meth:`gfcheck.proofs_check.core.workers.Workers.poll`).

    >>> seen = []
    >>> with ticking(lambda: seen.append(1)):
    ...     checkpoint(); checkpoint()
    >>> checkpoint(); len(seen)
    2
    """
    old = _STATE["tick"]
    _STATE["tick"] = tick
    try:
        yield
    finally:
        _STATE["tick"] = old


def _unraisable(args) -> None:
    """``sys.unraisablehook``: an :class:`Interrupted` dropped in a finalizer is silent (its signal is
    kept for :func:`checkpoint`); anything else goes to Python's own hook."""
    import sys

    if isinstance(args.exc_value, Interrupted):
        return
    sys.__unraisablehook__(args)


def install_signal_handlers() -> None:
    """SIGINT and SIGTERM raise :class:`Interrupted` (main thread only; elsewhere nothing)."""
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        return
    import sys

    _STATE.update(mode="raise", pending=None)
    sys.unraisablehook = _unraisable
    for s in SIGNALS:
        try:
            signal.signal(s, _handler)
        except (ValueError, OSError):  # pragma: no cover - not allowed in this context
            pass


def deferring() -> bool:
    """Is a signal held back now (inside :func:`deferred`)?"""
    return _STATE["mode"] == "defer"


def pending_signal() -> int | None:
    """The signal held back by :func:`deferred` (None if none came)."""
    return _STATE["pending"]


@contextlib.contextmanager
def deferred():
    """Inside the block a signal does not interrupt: it is kept (:func:`pending_signal`) for the
    caller to act on once the block has finished (a whole report first, then the exit)."""
    old = _STATE["mode"]
    _STATE["mode"] = "defer"
    try:
        yield
    finally:
        _STATE["mode"] = old


@contextlib.contextmanager
def interruptible():
    """Inside :func:`deferred`, a part that a signal may cut short (it raises :class:`Interrupted`,
    at once if a signal is already pending)."""
    old = _STATE["mode"]
    if _STATE["pending"] is not None:
        raise Interrupted(_STATE["pending"])
    _STATE["mode"] = "raise"
    try:
        yield
    except Interrupted as exc:
        _STATE["pending"] = _STATE["pending"] or exc.signum
        raise
    finally:
        _STATE["mode"] = old


@contextlib.contextmanager
def signals_blocked():
    """SIGINT and SIGTERM held by the kernel during the block (a fork: the child starts with them
    blocked and unblocks them itself once its handlers are set)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
