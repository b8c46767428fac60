"""Run many scenarios at once: on a local process pool or a Dask cluster, with the same results.

Each run builds its model from (scenario, seed) alone inside a fresh worker process, so neither the
executor nor the number of workers can change a result. The local pool uses the `spawn` start
method: it works from a notebook and on every platform, and workers inherit no state of the parent.
A local worker that dies costs only its run, which is retried on a fresh worker (a bounded number of
times), and no worker outlives the process that started it.
`execute` hands outcomes to `on_done` in the parent as runs finish (where a store writes them) and
returns them in the order of the specs.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import connection
from typing import Any

from exodus import limits
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
    retain: bool = True,
) -> list[RunOutcome]:
    """Run every spec; outcomes in the order of `specs`, whatever the order they finish in.

    `retain=False` drops each outcome's rows once `on_done` has had them: a sweep streams rows
    to its parts and keeps none in memory.

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
            if on_done is not None:
                on_done(outcome)
            if not retain:
                outcome.rows = []
            outcomes[outcome.run_id] = outcome
            tick(outcome)

        if not specs:
            pass
        elif dask is None:
            _execute_local(specs, workers or default_workers(), keep, finished)
        else:
            _execute_dask(specs, dask, workers, keep, finished)
    return [outcomes[run_id] for run_id in ids]


class ExecutorError(Exception):
    """The executor cannot start (a Dask scheduler that cannot be reached): one line, exit 2."""


@dataclass
class _Worker:
    """One local worker process and the parent's end of its pipe; `task` is its run, if any."""

    process: Any
    conn: Any
    task: tuple[RunSpec, int] | None = None


def _execute_local(
    specs: list[RunSpec], workers: int, keep: Keep | None, finished: Callable[[RunOutcome], None]
) -> None:
    """Runs on `workers` spawned processes, one run each at a time.

    A worker that dies (killed, out of memory) loses only its run, which is tried again on a fresh
    worker up to MAX_RETRIES times and then recorded as failed; the other workers and the sweep go
    on. Workers die with the parent whatever ends it (they ask the kernel for SIGKILL when it
    goes), and on any exception here (Ctrl-C, SIGTERM) they are stopped before it propagates.
    """
    context = multiprocessing.get_context("spawn")
    size = max(1, min(workers, len(specs)))
    queue: deque[tuple[RunSpec, int]] = deque((spec, 0) for spec in specs)
    pool: list[_Worker] = []

    def start() -> _Worker:
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=_worker_main, args=(child_end, keep, os.getpid()), daemon=True
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        pool.append(worker)
        return worker

    def lost(worker: _Worker) -> None:
        pool.remove(worker)
        worker.conn.close()
        worker.process.join(timeout=5)
        if worker.task is None:
            return
        spec, attempt = worker.task
        if attempt < limits.MAX_RETRIES:
            queue.appendleft((spec, attempt + 1))
            return
        code = worker.process.exitcode
        finished(
            RunOutcome(
                spec.run_id,
                "failed",
                0.0,
                f"the worker process running it died {attempt + 1} times (last exit code "
                f"{code}: killed, or out of memory?)",
                [],
            )
        )

    try:
        with _single_threaded_children():
            while queue or any(w.task for w in pool):
                while queue:
                    for dead in [w for w in pool if w.task is None and not w.process.is_alive()]:
                        lost(dead)
                    idle = next((w for w in pool if w.task is None), None)
                    if idle is None and len(pool) < size:
                        idle = start()
                    if idle is None:
                        break
                    task = queue.popleft()
                    try:
                        idle.conn.send(task[0])
                    except OSError:  # died between runs: its next run goes to another worker
                        queue.appendleft(task)
                        lost(idle)
                        continue
                    idle.task = task
                busy = [w for w in pool if w.task is not None]
                ready = connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
                for worker in busy:
                    if worker.conn in ready or worker.conn.poll():
                        try:
                            outcome = worker.conn.recv()
                        except (EOFError, OSError):
                            lost(worker)
                            continue
                        worker.task = None
                        finished(outcome)
                    elif worker.process.sentinel in ready:
                        lost(worker)
    finally:
        _stop(pool)


def _stop(pool: list[_Worker]) -> None:
    """Ask idle workers to leave, terminate busy ones, and reap them all."""
    for worker in pool:
        try:
            if worker.task is None:
                worker.conn.send(None)
            else:
                worker.process.terminate()
        except OSError:
            pass
    deadline = time.monotonic() + 5
    for worker in pool:
        worker.process.join(timeout=max(0.1, deadline - time.monotonic()))
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=5)
        worker.conn.close()


def _worker_main(conn: Any, keep: Keep | None, parent: int) -> None:
    """A local worker: run each spec received, send back its outcome, until told to stop."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            spec = conn.recv()
        except (EOFError, OSError):
            return
        if spec is None:
            return
        conn.send(run_one(spec, keep))


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux), even by SIGKILL; exit
    now if the parent is already gone. Elsewhere the pipe to the parent closing ends the loop."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


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
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(
                f"--dask {address}: cannot reach the scheduler ({exc or type(exc).__name__})"
            ) from None
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
