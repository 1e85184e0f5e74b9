"""Worker processes whose lifetime the parent controls: no pool shutdown that can deadlock.

``multiprocessing.Pool`` was seen to deadlock on SIGTERM (``Pool.terminate`` ->
``_help_stuff_finish`` waiting for the task queue's lock while the result thread waited on a
pipe).  :class:`Workers` has no queue, no lock and no helper thread: ``jobs`` forked daemon
processes, each with its own duplex pipe; the parent sends one task at a time to a free worker
(``(task id, function, args, kwargs)``, the function by reference) and reads what comes back with
``multiprocessing.connection.wait``, which a signal interrupts.  A worker sends ``("say", id,
text)`` lines (:func:`tell`: where a claim's ladder is) and then ``("ok", id, value)`` or
``("err", id, exception)``.  :meth:`Workers.close` SIGKILLs every worker (they write no file and
hold nothing the parent waits for) and reaps it: the parent is out in well under a second.

Workers are forked, so they inherit the parent's state (the prefetched ladder, the claims); they
are daemons (no grandchildren that a kill would orphan: an error-estimate reference run inside a
worker runs in the worker itself) and die with the parent (``PR_SET_PDEATHSIG`` on Linux).

>>> with Workers(1) as w:
...     f = w.submit(pow, 2, 10)
...     f.result(timeout=60)
1024
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from multiprocessing.connection import wait as _wait

from gfcheck.symbolic.budget import signals_blocked

__all__ = ["Workers", "Future", "tell", "can_fork"]

#: in a worker: send a progress line about the running task to the parent (None in the parent)
_TELL: dict = {"send": None}


def can_fork() -> bool:
    """Can workers inherit the parent's state by fork?"""
    return "fork" in multiprocessing.get_all_start_methods()


def tell(message: str) -> bool:
    """In a worker: pass ``message`` (about its running task) to the parent; False in the parent."""
    send = _TELL["send"]
    if send is None:
        return False
    send(message)
    return True


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies (``prctl(PR_SET_PDEATHSIG)``)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _worker_main(conn, parent_end) -> None:
    """A worker's loop: run each task sent, send back its value or its exception; end on EOF."""
    from gfcheck.numeric.estimate import quiet_child

    parent_end.close()
    quiet_child()
    _die_with_parent()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, (signal.SIGINT, signal.SIGTERM))
    while True:
        try:
            tid, fn, args, kwargs = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        _TELL["send"] = lambda text, tid=tid: conn.send(("say", tid, str(text)))
        try:
            reply = ("ok", tid, fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            reply = ("err", tid, exc)
        _TELL["send"] = None
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - an unpicklable value or exception
            conn.send(("err", tid, RuntimeError(f"the worker's reply could not be sent back: {exc!r}")))


class Future:
    """The result of one task: :meth:`result` pumps its :class:`Workers` until it is there."""

    def __init__(self, owner: "Workers", tid: int):
        self._owner, self.tid = owner, tid
        self.state, self.value = "pending", None  # pending, running, ok, err

    def done(self) -> bool:
        return self.state in ("ok", "err")

    def result(self, timeout=None):
        """The value (or the task's exception, raised); ``TimeoutError`` after ``timeout`` seconds."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self.done():
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError(f"task {self.tid} not done in {timeout:.3g} s")
            self._owner.pump(0.5 if left is None else min(left, 0.5))
        if self.state == "err":
            raise self.value
        return self.value


class Workers:
    """``jobs`` forked worker processes (see the module docstring); a context manager whose exit
    kills them.  ``on_say(tid, text)`` receives the workers' progress lines."""

    def __init__(self, jobs: int, *, on_say=None):
        ctx = multiprocessing.get_context("fork")
        self.on_say = on_say
        self._next = 0
        self.finished = 0  # tasks done (with a value or an error)
        self._futures: dict[int, Future] = {}
        self._tasks: dict[int, tuple] = {}
        self._queue: list[int] = []
        self._idle: list = []
        self._busy: dict = {}  # conn -> task id
        self._procs: dict = {}  # conn -> process
        self._next_poll, self._polling = 0.0, False  # poll()'s throttle and re-entry guard
        try:
            for _ in range(max(1, int(jobs))):
                mine, theirs = ctx.Pipe(duplex=True)
                with signals_blocked():  # no signal between the fork and the bookkeeping
                    proc = ctx.Process(target=_worker_main, args=(theirs, mine), daemon=True)
                    proc.start()
                    self._procs[mine] = proc
                theirs.close()
                self._idle.append(mine)
        except BaseException:
            self.close()
            raise

    # -- the parent's side
    def submit(self, fn, *args, **kwargs) -> Future:
        """Queue ``fn(*args, **kwargs)`` (``fn`` importable by name); sent when a worker is free."""
        tid = self._next
        self._next += 1
        fut = Future(self, tid)
        self._futures[tid], self._tasks[tid] = fut, (tid, fn, args, kwargs)
        self._queue.append(tid)
        self._dispatch()
        return fut

    def _dispatch(self) -> None:
        while self._idle and self._queue:
            conn, tid = self._idle.pop(0), self._queue.pop(0)
            try:
                conn.send(self._tasks.pop(tid))
            except (OSError, ValueError) as exc:  # the worker is gone
                self._fail(tid, exc)
                self._drop(conn)
                continue
            self._busy[conn] = tid
            self._futures[tid].state = "running"

    def _fail(self, tid, exc) -> None:
        from gfcheck.symbolic.errors import IntegrationFailed

        fut = self._futures[tid]
        self.finished += 1
        fut.state, fut.value = "err", IntegrationFailed(f"a worker process ended without a result ({exc})")

    def _drop(self, conn) -> None:
        proc = self._procs.pop(conn, None)
        _kill(proc)
        conn.close()
        if not self._procs:  # nobody left to run what waits
            for tid in self._queue:
                self._fail(tid, "no worker left")
            self._queue.clear()

    def withdraw(self, future: Future) -> bool:
        """Take back a task still waiting for a worker (its future then holds ``None`` and is done);
        False when it is running or done already: the caller then waits for it.

        >>> with Workers(1) as w:
        ...     busy, queued = w.submit(pow, 2, 10), w.submit(pow, 3, 3)
        ...     w.withdraw(queued), w.withdraw(busy), busy.result(timeout=60)
        (True, False, 1024)
        """
        if future.tid not in self._queue:
            return False
        self._queue.remove(future.tid)
        self._tasks.pop(future.tid, None)
        self._futures.pop(future.tid, None)
        future.state, future.value = "ok", None
        return True

    def poll(self) -> None:
        """Take in what the workers sent and hand a free one its next task, without waiting (at most
        every 0.1 s; :func:`gfcheck.symbolic.budget.ticking` calls it at each engine step of a run
        the parent integrates, so that a worker does not sit idle until the parent next waits)."""
        now = time.monotonic()
        if now < self._next_poll or self._polling:
            return
        self._next_poll, self._polling = now + 0.1, True
        try:
            self._receive(_wait(list(self._busy), 0) if self._busy else [])
            self._dispatch()
        finally:
            self._polling = False

    def running(self) -> list[int]:
        """The task ids being run now."""
        return sorted(self._busy.values())

    def pump(self, timeout: float) -> int:
        """Wait at most ``timeout`` seconds for what the workers send, handle it; returns the
        number of tasks that finished."""
        from gfcheck.symbolic.budget import checkpoint

        checkpoint()  # a signal dropped in a finalizer is raised here
        conns = list(self._busy)
        if not conns:
            if timeout > 0:
                time.sleep(min(timeout, 0.05))
            return 0
        finished = self._receive(_wait(conns, timeout))
        self._dispatch()
        return finished

    def _receive(self, ready) -> int:
        """Handle one message from each connection of ``ready``; returns the tasks that finished."""
        finished = 0
        for conn in ready:
            tid = self._busy[conn]
            try:
                kind, rtid, payload = conn.recv()
            except (EOFError, OSError) as exc:
                proc = self._procs.get(conn)
                del self._busy[conn]
                self._fail(tid, f"exit code {proc.exitcode if proc else '?'}: {type(exc).__name__}")
                self._drop(conn)
                finished += 1
                continue
            if kind == "say":
                if self.on_say is not None:
                    self.on_say(rtid, payload)
                continue
            fut = self._futures.pop(rtid)
            fut.state, fut.value = kind, payload
            self.finished += 1
            del self._busy[conn]
            self._idle.append(conn)
            finished += 1
        return finished

    def close(self) -> None:
        """SIGKILL every worker and reap it (a fraction of a second; a signal waits till it is done,
        so that no worker outlives it); safe to call twice."""
        with signals_blocked():
            for conn in list(self._procs):
                _kill(self._procs.pop(conn))
                conn.close()
        self._busy.clear()
        self._idle.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _kill(proc) -> None:
    """SIGKILL ``proc`` and reap it (it cannot ignore the signal: the wait is short)."""
    if proc is None:
        return
    if proc.is_alive():
        try:
            proc.kill()
        except OSError:  # pragma: no cover - already gone
            pass
    proc.join(timeout=5)
