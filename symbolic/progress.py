"""Progress on a terminal for long runs (tqdm), silent in CI and in logs; ``--quiet`` / ``-v``.

One switch for every command: :func:`set_verbosity` (the CLI calls it from ``-q``/``-v``) and
:func:`bars_enabled`:

* a progress bar (tqdm, on **stderr**) is drawn only when stderr is a terminal, the environment
  has no ``CI`` (nor ``TQDM_DISABLE``) and the run is not ``--quiet``;
* :func:`note` prints an informational line on stderr unless ``--quiet``; :func:`detail` (a ladder
  rung, a task that starts) only with ``-v``;
* :func:`heartbeat` keeps a long command from going silent: on a terminal its bar shows what runs
  and its clock moves; off a terminal (a log, CI) a line ``PREFIX status`` is written whenever
  stderr has been silent for :data:`HEARTBEAT_SECONDS` (never with ``--quiet``);
* nothing here ever writes to stdout or to a file, so progress cannot change what a command
  writes (the determinism of reports and results).

A bar that is not drawn is a :class:`_Null` with the same methods, so callers never branch:

>>> set_verbosity(0)
>>> with bar(3, "claims") as b:
...     b.update(1)
...     b.set_postfix_str("escape-slope")
>>> set_verbosity(1)
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

__all__ = ["QUIET", "NORMAL", "VERBOSE", "set_verbosity", "verbosity", "bars_enabled", "bar",
           "ticking", "note", "detail", "heartbeat", "HEARTBEAT_SECONDS"]

QUIET, NORMAL, VERBOSE = 0, 1, 2
_STATE = {"level": NORMAL}
#: seconds between redraws of a bar that waits on a single long step (:func:`ticking`)
TICK_SECONDS = 0.5
#: off a terminal, the longest silence on stderr before a heartbeat line (half the promised 10 s,
#: so that a busy machine's late wake-ups stay inside the promise)
HEARTBEAT_SECONDS = 5.0
#: serialises the lines on stderr (main thread and heartbeat thread) and the time of the last one;
#: held across a fork, so that a child never inherits it locked
_LOCK = threading.RLock()
_LAST = {"t": time.monotonic()}
#: the heartbeats running now, innermost last (only the innermost one speaks)
_BEATS: list = []


def _after_fork_in_child() -> None:
    global _LOCK
    _LOCK = threading.RLock()
    _BEATS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=lambda: _LOCK.acquire(), after_in_parent=lambda: _LOCK.release(),
                        after_in_child=_after_fork_in_child)


def set_verbosity(level: int) -> None:
    """``QUIET`` (0: errors and results only), ``NORMAL`` (1) or ``VERBOSE`` (2)."""
    _STATE["level"] = max(QUIET, min(VERBOSE, int(level)))


def verbosity() -> int:
    return _STATE["level"]


def _stderr_is_terminal() -> bool:
    stream = sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def bars_enabled() -> bool:
    """True on an interactive terminal only (never under ``CI``, ``TQDM_DISABLE`` or ``--quiet``)."""
    if verbosity() == QUIET or os.environ.get("CI") or os.environ.get("TQDM_DISABLE"):
        return False
    return _stderr_is_terminal()


class _Null:
    """A bar that draws nothing (the same methods as the ``tqdm`` ones used here)."""

    n = 0

    def update(self, k: int = 1) -> None:
        self.n += k

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def set_description_str(self, s: str = "", refresh: bool = True) -> None:
        pass

    def write(self, s: str) -> None:
        print(s, file=sys.stderr, flush=True)

    def refresh(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def bar(total: int | None, desc: str, *, unit: str = "it"):
    """A tqdm bar on stderr when :func:`bars_enabled`, else a :class:`_Null` (a context manager)."""
    if not bars_enabled():
        return _Null()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False,
                dynamic_ncols=True, mininterval=0.2)


@contextlib.contextmanager
def ticking(b):
    """Redraw ``b`` every :data:`TICK_SECONDS` while the block runs (its elapsed time moves even
    when one step takes minutes: an integration has no step callback)."""
    if isinstance(b, _Null):
        yield b
        return
    stop = threading.Event()

    def _tick():
        while not stop.wait(TICK_SECONDS):
            b.refresh()

    t = threading.Thread(target=_tick, name="gfcheck-progress", daemon=True)
    t.start()
    try:
        yield b
    finally:
        stop.set()
        t.join(timeout=2 * TICK_SECONDS)


def _emit(message: str, b=None) -> None:
    with _LOCK:
        if b is not None and not isinstance(b, _Null):
            b.write(message, file=sys.stderr)  # above the bar, which is redrawn below it
        else:
            print(message, file=sys.stderr, flush=True)
        _LAST["t"] = time.monotonic()


def note(message: str, b=None) -> None:
    """An informational line on stderr (not with ``--quiet``)."""
    if verbosity() >= NORMAL:
        _emit(message, b)


def detail(message: str, b=None) -> None:
    """A line on stderr with ``-v`` only (ladder rungs, tasks as they start)."""
    if verbosity() >= VERBOSE:
        _emit(message, b)


def elapsed_since(t0: float) -> str:
    """``"12 s"``: the wall-clock time since ``t0`` (``time.perf_counter``), for messages."""
    return f"{time.perf_counter() - t0:.0f} s"


def _status_text(status) -> str:
    try:
        return " ".join(str(status()).split())
    except Exception as exc:  # noqa: BLE001 - a status that cannot be read must not stop the run
        return f"(status unavailable: {type(exc).__name__})"


@contextlib.contextmanager
def heartbeat(prefix: str, status, b=None):
    """While the block runs, never silent: with a drawn bar ``b``, its postfix shows ``status()``
    and it is redrawn every :data:`TICK_SECONDS`; off a terminal, unless ``--quiet``, the line
    ``prefix status()`` is written when stderr has had no line for :data:`HEARTBEAT_SECONDS`.
    Nested heartbeats: the innermost one speaks.  ``status`` is called from a helper thread: it
    must only read.

    >>> with heartbeat("gfcheck x:", lambda: "step 1 of 3"):
    ...     pass
    """
    drawn = b is not None and not isinstance(b, _Null)
    if verbosity() == QUIET and not drawn:
        yield
        return
    me = object()
    stop = threading.Event()

    def _beat():
        while not stop.wait(TICK_SECONDS):
            if not _BEATS or _BEATS[-1] is not me:
                continue
            if drawn:
                b.set_postfix_str(_status_text(status)[:100], refresh=False)
                b.refresh()
            elif time.monotonic() - _LAST["t"] >= HEARTBEAT_SECONDS:
                _emit(f"{prefix} {_status_text(status)}")

    _BEATS.append(me)
    t = threading.Thread(target=_beat, name="gfcheck-heartbeat", daemon=True)
    t.start()
    try:
        yield
    finally:
        stop.set()
        if me in _BEATS:
            _BEATS.remove(me)
        t.join(timeout=2 * TICK_SECONDS)
