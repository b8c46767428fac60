"""Sweep throughput: runs per minute of the classroom scenario on 1 and 2 local workers and on a
2-worker local Dask cluster, and the speed-up from 1 to 2 workers.

    .venv/bin/python benchmarks/sweep_bench.py [--runs 24]

Prints a markdown section for benchmarks/RESULTS.md. Times include starting the workers (each
spawned worker imports exodus and Mesa once), as a user of `exodus sweep` experiences them; the
steady-state rate excludes the first run of each worker. CPU seconds are the workers' own (user +
system, start-up included), the figure least moved by other load on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import time
from pathlib import Path

from exodus.scenario.loader import load_scenario
from exodus.sweep.executor import RunOutcome, RunSpec, execute
from exodus.sweep.experiment import KeepRows, run_seed

ROOT = Path(__file__).resolve().parents[1]


def specs(n: int) -> list[RunSpec]:
    scenario = load_scenario(ROOT / "scenarios" / "classroom.yaml")
    out = []
    for r in range(n):
        seed = run_seed(2022, None, r)
        out.append(RunSpec(f"r{r:06d}", scenario, seed, {"run_id": f"r{r:06d}", "seed": seed}))
    return out


def measure(n: int, *, workers: int, dask: str | None) -> dict[str, float]:
    finished: list[float] = []

    def done(outcome: RunOutcome) -> None:
        assert outcome.status == "ok", outcome.error
        finished.append(time.perf_counter())

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    outcomes = execute(
        specs(n),
        workers=workers,
        dask=dask,
        keep=KeepRows(("rent_index", "tension_index")),
        on_done=done,
        progress=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once they have exited
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # steady state: from the moment every worker has finished its first run to the last run
    warm = finished[workers - 1]
    steady = (n - workers) / (finished[-1] - warm) * 60 if finished[-1] > warm else float("nan")
    per_run = sum(o.wall_seconds for o in outcomes) / n
    return {
        "wall": wall,
        "per_min": n / wall * 60,
        "steady_per_min": steady,
        "run_s": per_run,
        "cpu_s": cpu / n,
    }


def memory_gib() -> float:
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--runs", type=int, default=24, help="runs per configuration")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    configs = [
        ("local pool, 1 worker", 1, None),
        ("local pool, 2 workers", 2, None),
        ("Dask LocalCluster, 2 workers", 2, "local"),
    ]
    load_before = os.getloadavg()[0]
    results = {name: measure(args.runs, workers=w, dask=d) for name, w, d in configs}
    load_after = os.getloadavg()[0]
    print(f"## Sweeps: runs per minute ({dt.date.today()}, commit {commit})")
    print()
    print(
        f"Machine: {os.cpu_count()} cores (nproc), {memory_gib():.1f} GiB, Python "
        f"{platform.python_version()}. Classroom scenario (scale {specs(1)[0].scenario.scale:g}, 1 Sep to "
        f"30 Nov 2022, "
        f"91 days), {args.runs} runs per line, `benchmarks/sweep_bench.py --runs {args.runs}`. "
        f"Load average (1 min) {load_before:.1f} before, {load_after:.1f} after"
        + (
            ": the machine was busy with other work, figures are pessimistic."
            if max(load_before, load_after) > 1.5
            else "."
        )
    )
    print()
    print(
        "| executor | wall s | runs/min incl. start-up | runs/min steady | wall s per run in worker "
        "| worker CPU s per run incl. start-up |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['wall']:.1f} | {r['per_min']:.0f} | {r['steady_per_min']:.0f} | "
            f"{r['run_s']:.2f} | {r['cpu_s']:.2f} |"
        )
    one = results["local pool, 1 worker"]
    two = results["local pool, 2 workers"]
    dask = results["Dask LocalCluster, 2 workers"]
    print()
    print(
        f"Speed-up 1 -> 2 workers: local {one['wall'] / two['wall']:.2f}x incl. start-up "
        f"({two['steady_per_min'] / one['steady_per_min']:.2f}x steady); Dask 2 workers vs local 1: "
        f"{one['wall'] / dask['wall']:.2f}x incl. start-up "
        f"({dask['steady_per_min'] / one['steady_per_min']:.2f}x steady)."
    )


if __name__ == "__main__":
    main()
