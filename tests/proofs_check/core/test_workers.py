"""``Workers``' scheduling: a queued task taken back, and a free worker handed its next task
without the parent waiting (``poll``, what ``budget.ticking`` calls at each engine step)."""

from __future__ import annotations

import time

import pytest


@pytest.mark.parametrize("polled", [True, False])
def test_poll_hands_a_free_worker_its_next_task_without_waiting(polled):
    """Census 0114: while the parent integrated a run itself, its spare worker finished and sat idle
    until the parent next waited.  ``poll`` takes the finished task in and sends the queued one;
    twin: unpolled, the worker still holds the first task as far as the parent knows."""
    from gfcheck.proofs_check.core.workers import Workers

    with Workers(1) as w:
        first, second = w.submit(time.sleep, 0.05), w.submit(time.sleep, 0.05)
        time.sleep(0.5)  # the first task is done in the worker; nobody has read it
        if polled:
            w.poll()
        assert w.running() == ([second.tid] if polled else [first.tid])
        assert first.done() == polled
        assert second.result(timeout=60) is None and first.done()


def test_a_withdrawn_task_never_runs():
    from gfcheck.proofs_check.core.workers import Workers

    with Workers(1) as w:
        busy, queued = w.submit(time.sleep, 0.2), w.submit(pow, 2, 3)
        assert w.withdraw(queued) and queued.done() and queued.result() is None
        assert not w.withdraw(busy)
        busy.result(timeout=60)
        w.poll()
        assert w.running() == [] and w.finished == 1
