"""Run many scenarios at once: on a local process pool or a Dask cluster, with the same results.

Each run builds its model from (scenario, seed) alone inside a fresh worker process, so neither the
executor nor the number of workers can change a result. The local pool uses the `spawn` start
method: it works from a notebook and on every platform, and workers inherit no state of the parent.
`execute` hands outcomes to `on_done` in the parent as runs finish (where a store writes them) and
returns them in the order of the specs.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from exodus.scenario.schema import Scenario


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: everything a worker needs, and the labels its rows carry."""

    run_id: str
    """Stable, e.g. "r000123"; unique within an experiment."""
    scenario: Scenario
    """Fully resolved: overrides and design values applied."""
    seed: int
    labels: dict[str, object]
    """Carried into every result row: scenario name, parameter values, replicate."""


@dataclass
class RunOutcome:
    """What came back from one run: its rows, or the traceback of its failure."""

    run_id: str
    status: str
    """"ok" or "failed"."""
    wall_seconds: float
    error: str | None
    """Traceback text of a failed run."""
    rows: list[dict]
    """The run's timeseries rows (filtered to kept metrics/days), labels added."""


Keep = Callable[[list[dict]], list[dict]]

CONNECT_TIMEOUT = "20s"
"""How long to try reaching a Dask scheduler before giving up."""


def run_one(spec: RunSpec, keep: Keep | None = None) -> RunOutcome:
    """Run one spec in this process; any exception becomes a failed outcome with its traceback."""
    from exodus.runner import run_scenario

    started = time.perf_counter()
    try:
        result = run_scenario(spec.scenario, seed=spec.seed)
        rows = result.timeseries if keep is None else keep(result.timeseries)
        rows = [{**spec.labels, **row} for row in rows]
    except Exception:
        return RunOutcome(
            spec.run_id, "failed", time.perf_counter() - started, traceback.format_exc(), []
        )
    return RunOutcome(spec.run_id, "ok", time.perf_counter() - started, None, rows)


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[RunOutcome], None]]:
    """A bar with runs done, failures and time left, on a terminal only."""
    if not enabled or total == 0 or not sys.stderr.isatty():
        yield lambda outcome: None
        return
    from tqdm import tqdm

    failed = 0
    with tqdm(total=total, desc="runs", unit="run", file=sys.stderr, dynamic_ncols=True) as bar:
        bar.set_postfix(failed=0)

        def update(outcome: RunOutcome) -> None:
            nonlocal failed
            failed += outcome.status != "ok"
            bar.set_postfix(failed=failed)
            bar.update(1)

        yield update


def execute(
    specs: Sequence[RunSpec],
    *,
    workers: int | None = None,
    dask: str | None = None,
    keep: Keep | None = None,
    on_done: Callable[[RunOutcome], None] | None = None,
    progress: bool = True,
) -> list[RunOutcome]:
    """Run every spec; outcomes in the order of `specs`, whatever the order they finish in.

    `workers`: local processes (default: all cores), or the size of a `dask="local"` cluster.
    `dask`: a scheduler address ("tcp://host:8786"), or "local" for a LocalCluster of processes.
    `keep` must be picklable (a module-level function or callable object): it runs in the workers.
    """
    specs = list(specs)
    ids = [spec.run_id for spec in specs]
    if len(set(ids)) != len(ids):
        raise ValueError("run ids must be unique")
    outcomes: dict[str, RunOutcome] = {}
    with _progress(len(specs), progress) as tick:

        def finished(outcome: RunOutcome) -> None:
            outcomes[outcome.run_id] = outcome
            if on_done is not None:
                on_done(outcome)
            tick(outcome)

        if not specs:
            pass
        elif dask is None:
            _execute_local(specs, workers or default_workers(), keep, finished)
        else:
            _execute_dask(specs, dask, workers, keep, finished)
    return [outcomes[run_id] for run_id in ids]


def _execute_local(
    specs: list[RunSpec], workers: int, keep: Keep | None, finished: Callable[[RunOutcome], None]
) -> None:
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(workers, len(specs)))
    with (
        _single_threaded_children(),
        ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool,
    ):
        # Keep at most two runs per worker queued: an interrupt then loses little work.
        pending: dict[Future[RunOutcome], RunSpec] = {}
        todo = iter(specs)

        def submit(n: int) -> None:
            for spec in _take(todo, n):
                try:
                    pending[pool.submit(run_one, spec, keep)] = spec
                except BrokenProcessPool:  # a worker died (killed, out of memory): record the rest
                    message = "not run: a worker process of the pool died (killed, out of memory?)"
                    finished(RunOutcome(spec.run_id, "failed", 0.0, message, []))

        try:
            submit(2 * workers)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    finished(_outcome(future, pending.pop(future)))
                submit(len(done))
            submit(len(specs))  # only after a broken pool are runs left: record them as not run
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def _single_threaded_children() -> Iterator[None]:
    """One numeric-library thread per worker process, as Dask's nanny does for its workers.

    Without it each worker's OpenBLAS starts a thread per core, and n workers fight over the
    cores: on 2 cores, 2 workers measured no faster than 1. The pool starts its processes
    lazily, so the variables stay set while it lives; the parent's libraries are already loaded
    and unaffected.
    """
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update(dict.fromkeys(THREAD_VARIABLES, "1"))
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _outcome(future: Any, spec: RunSpec) -> RunOutcome:
    """The outcome of a finished future; a run lost by the executor itself (a worker killed, out of
    memory) is a failed run with the executor's error, so the sweep goes on and --resume retries."""
    try:
        return future.result()
    except Exception:
        return RunOutcome(spec.run_id, "failed", 0.0, traceback.format_exc(), [])


def _take(items: Iterator[RunSpec], n: int) -> Iterable[RunSpec]:
    for _ in range(n):
        try:
            yield next(items)
        except StopIteration:
            return


def _execute_dask(
    specs: list[RunSpec],
    address: str,
    workers: int | None,
    keep: Keep | None,
    finished: Callable[[RunOutcome], None],
) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:  # pragma: no cover - the dask extra is part of the dev set-up
        raise RuntimeError(
            "Dask is not installed: pip install 'exodus-abm[dask]' (dask[distributed])"
        ) from None
    cluster: Any = None
    if address == "local":
        cluster = LocalCluster(
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
        )
        client = Client(cluster)
    else:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    try:
        batch = uuid.uuid4().hex  # task keys unique on a cluster other sweeps may share
        futures = {
            client.submit(
                run_one, spec, keep, key=f"exodus-{batch}-{spec.run_id}", pure=False
            ): spec
            for spec in specs
        }
        try:
            for future in as_completed(list(futures)):
                finished(_outcome(future, futures[future]))
                future.release()
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
