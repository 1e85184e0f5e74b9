"""Sweep throughput: tasks per second, local process pool against a Dask LocalCluster.

The tasks are ``simulate`` tasks on quick problems (n = 3, m = 8, lambda = 1e-4, 20 digits, one
dataset per seed): a few tenths of a second each, so the number measures the sweep's overhead
as much as the integration.  Each run starts from an empty folder (nothing skipped); the
executor's start-up is counted separately.  A script, not a timed test::

    python benchmarks/bench_sweep.py --tasks 64 --workers 2
"""

from __future__ import annotations

import argparse
import tempfile
import time

from gfcheck.proofs_check.jobs.sweep import parse_grid, run_sweep


def grid(tasks: int) -> dict:
    return parse_grid({"task": "simulate", "n": [3], "m": [8], "scale": ["1e-4"], "seeds": tasks, "dps": [20]})


def timed(executor_factory, tasks: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    ex, close = executor_factory()
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        counts = run_sweep(grid(tasks), d, executor=ex, aggregate_after=False)
    t2 = time.perf_counter()
    close()
    assert counts["ran"] == tasks, counts
    return t1 - t0, t2 - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=64)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()

    def pool():
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ex = ProcessPoolExecutor(a.workers, mp_context=multiprocessing.get_context("spawn"))
        return ex, ex.shutdown

    def dask():
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)

        def close():
            client.close()
            cluster.close()

        return client.get_executor(pure=False), close

    print(f"{a.tasks} simulate tasks (n = 3, m = 8, lambda = 1e-4, 20 digits), {a.workers} workers")
    print(f"{'executor':<28}{'start-up s':>12}{'sweep s':>10}{'tasks/s':>10}")
    for name, factory in (("process pool (spawn)", pool), ("Dask LocalCluster (procs)", dask)):
        for _ in range(a.repeat):
            start, run = timed(factory, a.tasks)
            print(f"{name:<28}{start:>12.2f}{run:>10.2f}{a.tasks / run:>10.1f}")


if __name__ == "__main__":
    main()
